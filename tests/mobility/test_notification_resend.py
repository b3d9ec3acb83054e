"""Staff resend a notification in "échec" (or stuck in "en attente") from the referral
page or the admin; nobody resends one already sent or still being tried."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mobility import services
from mobility.errors import Conflict
from mobility.models import Beneficiary, Notification
from tests.conftest import logged_in
from tests.factories import NotificationFactory, ReferralFactory, UserFactory
from tests.nothing_written import nothing_written


@pytest.fixture
def referral(prescriber_org):
    return ReferralFactory(prescriber=prescriber_org)


def page(referral) -> str:
    return reverse("referral_detail", args=[referral.pk])


def resend_url(notification) -> str:
    return reverse("notification_resend", args=[notification.referral_id, notification.pk])


def test_an_adviser_resends_a_failed_notification_from_the_referral_page(
    adviser, referral, django_capture_on_commit_callbacks
):
    failed = NotificationFactory(referral=referral, failed=True)
    client = logged_in(adviser)
    assert "Renvoyer" in client.get(page(referral)).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resend_url(failed), follow=True)

    failed.refresh_from_db()
    assert failed.state == "sent"
    assert failed.attempts == 5
    assert (failed.resent_by, failed.resent_at is not None) == (adviser, True)
    assert [message.subject for message in mail.outbox] == [failed.subject]
    content = response.content.decode()
    assert "La notification repart" in content
    assert "Renvoyer" not in content


def test_the_trail_says_failure_after_the_last_try_with_the_error(adviser, referral):
    NotificationFactory(referral=referral, failed=True, send_error="Relais SMTP injoignable")

    content = logged_in(adviser).get(page(referral)).content.decode()

    assert "échec de l'envoi" in content
    assert "après 4 essais" in content
    assert "Relais SMTP injoignable" in content


def test_a_notification_between_two_tries_shows_the_error_and_the_coming_retry(adviser, referral):
    NotificationFactory(
        referral=referral, attempts=1, last_attempt_at=timezone.now(), send_error="timed out"
    )

    content = logged_in(adviser).get(page(referral)).content.decode()

    assert "nouvel essai prévu" in content
    assert "timed out" in content
    assert "Renvoyer" not in content  # its retry is on its way


def test_a_stuck_pending_notification_can_be_resent(adviser, referral):
    stuck = NotificationFactory(referral=referral, stuck=True)
    fresh = NotificationFactory(referral=referral)

    content = logged_in(adviser).get(page(referral)).content.decode()

    assert resend_url(stuck) in content
    assert resend_url(fresh) not in content


def test_a_sent_or_fresh_notification_is_not_resent(adviser, referral):
    sent = NotificationFactory(referral=referral, sent=True)
    fresh = NotificationFactory(referral=referral)
    client = logged_in(adviser)

    for notification in (sent, fresh):
        response = client.post(resend_url(notification), follow=True)
        assert response.status_code == 200
        notification.refresh_from_db()
        assert notification.resent_at is None
    assert mail.outbox == []
    messages = [str(m) for m in response.context["messages"]]
    assert any("envoi de cette notification est en cours" in m for m in messages)
    with pytest.raises(Conflict, match="déjà été envoyée"):
        services.notification_resend(notification=sent, by=None)


def test_a_prescriber_sees_the_failure_but_cannot_resend(prescriber, referral):
    failed = NotificationFactory(referral=referral, failed=True)

    client = logged_in(prescriber)

    assert "Renvoyer" not in client.get(page(referral)).content.decode()
    with nothing_written():
        assert client.post(resend_url(failed)).status_code == 403
    failed.refresh_from_db()
    assert failed.state == "failed"


def test_an_adviser_of_another_platform_gets_not_found(other_adviser, referral):
    failed = NotificationFactory(referral=referral, failed=True)

    client = logged_in(other_adviser)
    with nothing_written():
        assert client.post(resend_url(failed)).status_code == 404


def test_resending_is_a_post_protected_against_cross_site_requests(adviser, referral):
    failed = NotificationFactory(referral=referral, failed=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(adviser)

    assert client.get(resend_url(failed)).status_code == 405
    with nothing_written():
        assert client.post(resend_url(failed)).status_code == 403
    failed.refresh_from_db()
    assert failed.state == "failed"


def test_a_notification_about_an_anonymised_person_is_never_resent(adviser, referral):
    accepted = services.referral_accept(referral=referral, by=adviser)
    failed = NotificationFactory(referral=accepted, failed=True)
    Beneficiary.objects.filter(pk=accepted.beneficiary_id).update(anonymised_at=timezone.now())

    with pytest.raises(Conflict, match="anonymisées"):
        services.notification_resend(notification=failed, by=adviser)


def test_anonymising_a_person_gives_up_what_was_still_waiting(adviser, referral):
    accepted = services.referral_accept(referral=referral, by=adviser)
    services.pathway_close(
        pathway=accepted.pathway,
        by=adviser,
        closed_on=timezone.localdate(),
        outcome="cdi",
        durable_solution=True,
    )
    waiting = NotificationFactory(referral=accepted)

    services.beneficiary_anonymise(beneficiary=accepted.beneficiary)

    waiting.refresh_from_db()
    assert waiting.state == "failed"
    assert "anonymisées" in waiting.send_error


def test_the_admin_resends_the_selected_notifications(referral, django_capture_on_commit_callbacks):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    failed = NotificationFactory(referral=referral, failed=True)
    sent = NotificationFactory(referral=referral, sent=True)
    client = logged_in(superuser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:mobility_notification_changelist"),
            {"action": "resend", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "1 notification remise en file d'envoi.",
        f"n° {sent.pk} : Cette notification a déjà été envoyée.",
    ]
    assert Notification.objects.get(pk=failed.pk).state == "sent"
