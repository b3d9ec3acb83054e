"""Individual actions on a pathway: written through the services, in the history, told to
the referent, held by the database's constraints."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accompaniment import services
from accompaniment.models import Action
from accompaniment.services import ActionData
from mobility import services as core_services
from mobility.errors import Conflict, Forbidden, InvalidInput
from mobility.models import Notification

pytestmark = pytest.mark.django_db


def record(adviser, pathway, action_type, **data):
    return services.action_record(
        by=adviser,
        pathway=pathway,
        action_type=action_type,
        data=ActionData(date=timezone.localdate(), **data),
    )


def test_a_coaching_appointment_is_recorded_in_the_history(adviser, pathway, catalogue):
    action = record(adviser, pathway, catalogue["coaching"], duration_minutes=45, notes="Trajets")
    assert (action.kind, action.duration_minutes, action.notes) == ("coaching", 45, "Trajets")
    assert action.history.first().history_user == adviser
    assert not Notification.objects.filter(event__in=["orientation_sent", "aid_decided"])


def test_an_orientation_is_told_when_sent_then_when_its_outcome_is_known(
    adviser, pathway, catalogue, partner
):
    action = record(adviser, pathway, catalogue["orientation_garage"], partner=partner)
    assert action.outcome == "pending"
    sent = Notification.objects.get(event="orientation_sent")
    assert "Garage solidaire" in sent.body
    services.action_follow_up(by=adviser, action=action, outcome="done")
    outcome = Notification.objects.get(event="orientation_outcome")
    assert "réalisée" in outcome.body
    with pytest.raises(Conflict, match="déjà connue"):
        services.action_follow_up(by=adviser, action=action, outcome="abandoned")


def test_an_aid_is_told_granted_then_recorded_paid(adviser, pathway, catalogue, funder_org):
    action = record(
        adviser,
        pathway,
        catalogue["licence_aid"],
        amount=Decimal("400.00"),
        funder=funder_org,
        decision="granted",
    )
    told = Notification.objects.get(event="aid_decided")
    assert "accordée" in told.body and "400,00" in told.body
    action = services.action_follow_up(by=adviser, action=action, paid_on=timezone.localdate())
    assert action.paid_on == timezone.localdate()
    assert Notification.objects.filter(event="aid_decided").count() == 1


def test_a_refused_aid_cannot_be_paid(adviser, pathway, catalogue):
    action = record(
        adviser, pathway, catalogue["repair_aid"], amount=Decimal("250"), decision="refused"
    )
    with pytest.raises(InvalidInput) as error:
        services.action_follow_up(by=adviser, action=action, paid_on=timezone.localdate())
    assert "paid_on" in error.value.errors


def test_each_kind_requires_its_fields(adviser, pathway, catalogue):
    with pytest.raises(InvalidInput) as error:
        record(adviser, pathway, catalogue["licence_aid"])
    assert set(error.value.errors) == {"amount", "decision"}
    with pytest.raises(InvalidInput) as error:
        record(adviser, pathway, catalogue["orientation_microcredit"])
    assert set(error.value.errors) == {"partner_id"}


def test_a_partner_must_be_a_partner_of_the_platform(adviser, pathway, catalogue, funder_org):
    with pytest.raises(InvalidInput) as error:
        record(adviser, pathway, catalogue["orientation_garage"], partner=funder_org)
    assert "partner_id" in error.value.errors


def test_no_new_action_on_a_closed_pathway(adviser, pathway, catalogue):
    core_services.pathway_close(
        pathway=pathway,
        by=adviser,
        closed_on=timezone.localdate(),
        outcome="cdi",
        durable_solution=True,
    )
    with pytest.raises(Conflict):
        record(adviser, pathway, catalogue["coaching"], duration_minutes=30)


def test_fleet_staff_and_instructors_record_no_action(fleet_user, instructor, pathway, catalogue):
    for user in (fleet_user, instructor):
        with pytest.raises(Forbidden):
            record(user, pathway, catalogue["coaching"], duration_minutes=30)


def test_the_database_refuses_an_aid_without_amount_and_an_orientation_without_partner(
    adviser, pathway, catalogue
):
    common = {
        "platform": pathway.platform,
        "pathway": pathway,
        "date": timezone.localdate(),
        "created_by": adviser,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(
            action_type=catalogue["licence_aid"], kind="financial_aid", decision="granted", **common
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(
            action_type=catalogue["orientation_garage"],
            kind="orientation",
            outcome="pending",
            **common,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(
            action_type=catalogue["repair_aid"],
            kind="financial_aid",
            amount=Decimal("10"),
            decision="refused",
            paid_on=timezone.localdate(),
            **common,
        )
