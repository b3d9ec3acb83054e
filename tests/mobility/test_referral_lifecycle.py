"""Decline, close and notify: the rest of a referral's life, through the services."""

from datetime import timedelta
from smtplib import SMTPException
from unittest import mock

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from mobility import services
from mobility.enums import ReferralStatus
from mobility.errors import Conflict, Forbidden, InvalidInput
from mobility.models import Notification, Pathway, Referral
from tests.factories import ReferralFactory


@pytest.fixture
def referral(prescriber_org):
    return ReferralFactory(prescriber=prescriber_org)


def test_a_decline_keeps_its_reason_and_tells_the_referent(
    referral, adviser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_decline(referral=referral, by=adviser, reason="Hors du territoire.")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert referral.decline_reason == "Hors du territoire."
    assert "Hors du territoire." in mail.outbox[-1].body


def test_a_decline_without_reason_changes_nothing(referral, adviser):
    with pytest.raises(InvalidInput):
        services.referral_decline(referral=referral, by=adviser, reason="  ")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert not Notification.objects.exists()


def test_the_database_refuses_a_decline_without_reason(referral):
    referral.status = ReferralStatus.DECLINED
    with pytest.raises(IntegrityError), transaction.atomic():
        referral.save()


def test_the_database_refuses_an_accepted_referral_without_pathway(referral):
    referral.status = ReferralStatus.ACCEPTED
    with pytest.raises(IntegrityError), transaction.atomic():
        referral.save()


def test_a_prescriber_cannot_decide_on_referrals(referral, prescriber):
    with pytest.raises(Forbidden):
        services.referral_decline(referral=referral, by=prescriber, reason="Non.")


def test_closing_the_pathway_closes_its_referrals_and_tells_each_referent(
    referral, adviser, prescriber_org
):
    accepted = services.referral_accept(referral=referral, by=adviser)
    second = ReferralFactory(
        prescriber=prescriber_org,
        referent_email="cesf@ccas.example",
        first_name=referral.first_name,
        last_name=referral.last_name,
        birth_date=referral.birth_date,
    )
    services.referral_accept(referral=second, by=adviser, beneficiary=accepted.beneficiary)

    pathway = services.pathway_close(
        pathway=accepted.pathway,
        by=adviser,
        closed_on=timezone.localdate(),
        outcome="interim",
        durable_solution=True,
    )

    assert pathway.status == "closed"
    assert set(Referral.objects.values_list("status", flat=True)) == {ReferralStatus.CLOSED}
    recipients = set(
        Notification.objects.filter(event="pathway_closed").values_list("recipient", flat=True)
    )
    assert recipients == {referral.referent_email, "cesf@ccas.example"}


def test_a_pathway_cannot_close_before_it_opened(referral, adviser):
    accepted = services.referral_accept(referral=referral, by=adviser)
    with pytest.raises(InvalidInput):
        services.pathway_close(
            pathway=accepted.pathway,
            by=adviser,
            closed_on=accepted.pathway.opened_on - timedelta(days=1),
            outcome="cdi",
            durable_solution=True,
        )
    assert Pathway.objects.get().status == "open"


def test_a_person_has_one_open_pathway_at_most(referral, adviser):
    accepted = services.referral_accept(referral=referral, by=adviser)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pathway.objects.create(
            platform=accepted.platform,
            beneficiary=accepted.beneficiary,
            opened_on=timezone.localdate(),
        )


def test_after_closing_a_new_referral_opens_a_new_pathway(referral, adviser, prescriber_org):
    accepted = services.referral_accept(referral=referral, by=adviser)
    services.pathway_close(
        pathway=accepted.pathway,
        by=adviser,
        closed_on=timezone.localdate(),
        outcome="none",
        durable_solution=False,
    )
    again = ReferralFactory(
        prescriber=prescriber_org,
        first_name=referral.first_name,
        last_name=referral.last_name,
        birth_date=referral.birth_date,
    )
    reopened = services.referral_accept(
        referral=again, by=adviser, beneficiary=accepted.beneficiary
    )
    assert reopened.pathway != accepted.pathway
    assert reopened.pathway.status == "open"


def test_closing_a_closed_pathway_is_a_conflict(referral, adviser):
    accepted = services.referral_accept(referral=referral, by=adviser)
    close = {
        "by": adviser,
        "closed_on": timezone.localdate(),
        "outcome": "cdi",
        "durable_solution": True,
    }
    services.pathway_close(pathway=accepted.pathway, **close)
    with pytest.raises(Conflict):
        services.pathway_close(pathway=accepted.pathway, **close)


def test_an_email_failure_is_recorded_on_the_notification_not_lost(
    referral, adviser, django_capture_on_commit_callbacks
):
    with (
        mock.patch(
            "django.core.mail.EmailMessage.send", side_effect=SMTPException("relais injoignable")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.referral_accept(referral=referral, by=adviser)
    notification = Notification.objects.get(event="referral_accepted")
    assert notification.sent_at is None
    assert "relais injoignable" in notification.send_error
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.ACCEPTED


def test_no_email_leaves_when_the_step_fails(referral, adviser, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidInput):
        services.referral_decline(referral=referral, by=adviser, reason="")
    assert mail.outbox == []


def test_the_history_names_the_adviser_who_accepted(referral, adviser):
    services.referral_accept(referral=referral, by=adviser)
    latest = referral.history.latest()
    assert latest.status == ReferralStatus.ACCEPTED
    assert latest.history_user == adviser
