"""A prescriber's system reads whether each piece of feedback left, waits or failed."""

from tests.factories import NotificationFactory, ReferralFactory


def test_the_feedback_says_sent_pending_or_failed(api, prescriber, prescriber_org):
    referral = ReferralFactory(prescriber=prescriber_org)
    NotificationFactory(referral=referral, sent=True)
    NotificationFactory(referral=referral, failed=True)
    NotificationFactory(referral=referral)

    body = api(prescriber).get(f"/api/v1/referrals/{referral.pk}").json()

    assert [(f["state"], f["sent"]) for f in body["feedback"]] == [
        ("sent", True),
        ("failed", False),
        ("pending", False),
    ]
    assert "send_error" not in body["feedback"][1]  # the relay's words stay with the staff
