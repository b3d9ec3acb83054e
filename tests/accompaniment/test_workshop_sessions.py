"""Collective workshops: sessions, registrations from a pathway, the attendance sheet."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accompaniment import services
from accompaniment.models import WorkshopRegistration
from accompaniment.services import AttendanceRow
from mobility.errors import Conflict, Forbidden, InvalidInput
from mobility.models import Notification
from tests.accompaniment.conftest import open_pathway, schedule

pytestmark = pytest.mark.django_db


def test_registering_a_person_tells_their_referent(session, pathway, adviser):
    registration = services.registration_create(by=adviser, session=session, pathway=pathway)
    assert registration.attendance == ""
    notification = Notification.objects.get(event="workshop_registered")
    assert notification.referral.pathway == pathway
    assert "Atelier mobilité" in notification.body
    assert "Maison de la mobilité" in notification.body
    assert registration.history.first().history_user == adviser


def test_a_full_session_refuses_one_more_person_with_a_clear_message(
    adviser, catalogue, prescriber_org
):
    session = schedule(adviser, catalogue["bike_school"], capacity=2)
    for _ in range(2):
        services.registration_create(
            by=adviser, session=session, pathway=open_pathway(prescriber_org, adviser)
        )
    with pytest.raises(Conflict, match=r"Cette séance est complète \(2 places\)"):
        services.registration_create(
            by=adviser, session=session, pathway=open_pathway(prescriber_org, adviser)
        )
    assert WorkshopRegistration.objects.filter(session=session).count() == 2


def test_a_person_is_registered_once_to_a_session(session, pathway, adviser):
    services.registration_create(by=adviser, session=session, pathway=pathway)
    with pytest.raises(Conflict, match="déjà inscrite"):
        services.registration_create(by=adviser, session=session, pathway=pathway)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkshopRegistration.objects.create(
            platform=session.platform, session=session, pathway=pathway, registered_by=adviser
        )


def test_only_a_workshop_of_the_catalogue_is_scheduled_as_a_session(adviser, catalogue):
    with pytest.raises(InvalidInput) as error:
        schedule(adviser, catalogue["coaching"])
    assert "type_id" in error.value.errors


def test_fleet_staff_and_instructors_do_not_manage_workshops(
    fleet_user, instructor, session, pathway
):
    for user in (fleet_user, instructor):
        with pytest.raises(Forbidden):
            services.registration_create(by=user, session=session, pathway=pathway)
        with pytest.raises(Forbidden):
            schedule(user, session.action_type)


def test_the_sheet_is_filled_in_one_go_and_an_unexcused_absence_is_told_the_same_day(
    past_session, adviser, prescriber_org
):
    people = [open_pathway(prescriber_org, adviser) for _ in range(4)]
    for pathway in people:
        services.registration_create(by=adviser, session=past_session, pathway=pathway)
    rows = [
        AttendanceRow(people[0].pk, "present"),
        AttendanceRow(people[1].pk, "late"),
        AttendanceRow(people[2].pk, "excused", "Rendez-vous médical"),
        AttendanceRow(people[3].pk, "unexcused"),
    ]
    saved = services.attendance_record(by=adviser, session=past_session, rows=rows)
    assert [r.attendance for r in saved] == ["present", "late", "excused", "unexcused"]
    absence = Notification.objects.get(event="workshop_absence")
    assert absence.referral.pathway == people[3]
    assert absence.created_at.date() == timezone.now().date()
    # The same sheet sent again tells nobody twice.
    services.attendance_record(by=adviser, session=past_session, rows=rows)
    assert Notification.objects.filter(event="workshop_absence").count() == 1


def test_the_sheet_waits_for_the_session_to_start(session, pathway, adviser):
    services.registration_create(by=adviser, session=session, pathway=pathway)
    with pytest.raises(Conflict, match="pas encore commencé"):
        services.attendance_record(
            by=adviser, session=session, rows=[AttendanceRow(pathway.pk, "present")]
        )


def test_the_sheet_refuses_a_person_not_registered_and_an_excused_absence_without_reason(
    past_session, pathway, adviser, prescriber_org
):
    services.registration_create(by=adviser, session=past_session, pathway=pathway)
    stranger = open_pathway(prescriber_org, adviser)
    with pytest.raises(InvalidInput) as error:
        services.attendance_record(
            by=adviser,
            session=past_session,
            rows=[AttendanceRow(pathway.pk, "excused"), AttendanceRow(stranger.pk, "present")],
        )
    assert set(error.value.errors) == {f"{pathway.pk}.reason", f"{stranger.pk}.pathway_id"}
    assert WorkshopRegistration.objects.get(pathway=pathway).attendance == ""


def test_a_session_before_the_pathway_opened_does_not_take_the_person(
    adviser, catalogue, prescriber_org
):
    session = schedule(adviser, catalogue["mobility_workshop"], days=-10)
    recent = open_pathway(prescriber_org, adviser, days_ago=2)
    with pytest.raises(InvalidInput):
        services.registration_create(by=adviser, session=session, pathway=recent)


def test_a_session_is_planned_within_a_year(adviser, catalogue):
    with pytest.raises(InvalidInput) as error:
        services.session_schedule(
            by=adviser,
            action_type=catalogue["bike_school"],
            start=timezone.now() + timedelta(days=400),
            duration_minutes=60,
            place="Gymnase",
            capacity=5,
        )
    assert "start" in error.value.errors


# ---- cancellation


def test_a_cancelled_session_tells_the_referents_and_refuses_registrations_and_attendance(
    adviser, catalogue, prescriber_org
):
    session = schedule(adviser, catalogue["mobility_workshop"], days=-1)
    people = [open_pathway(prescriber_org, adviser) for _ in range(2)]
    for pathway in people:
        services.registration_create(by=adviser, session=session, pathway=pathway)
    cancelled = services.session_cancel(by=adviser, session=session, reason=" Salle inondée ")
    assert cancelled.is_cancelled and cancelled.cancel_reason == "Salle inondée"
    told = Notification.objects.filter(event="workshop_cancelled")
    assert {n.referral.pathway_id for n in told} == {p.pk for p in people}
    assert all("Salle inondée" in n.body for n in told)
    # The history keeps the session as it was, and who cancelled it.
    assert cancelled.history.first().history_user == adviser
    assert cancelled.history.last().cancelled_at is None
    assert WorkshopRegistration.objects.filter(session=session).count() == 2
    with pytest.raises(Conflict, match="Cette séance est annulée"):
        services.registration_create(
            by=adviser, session=session, pathway=open_pathway(prescriber_org, adviser)
        )
    with pytest.raises(Conflict, match="Cette séance est annulée"):
        services.attendance_record(
            by=adviser, session=session, rows=[AttendanceRow(people[0].pk, "present")]
        )
    with pytest.raises(Conflict, match="déjà annulée"):
        services.session_cancel(by=adviser, session=session, reason="Encore")


def test_a_session_whose_sheet_is_begun_is_not_cancelled(past_session, pathway, adviser):
    services.registration_create(by=adviser, session=past_session, pathway=pathway)
    services.attendance_record(
        by=adviser, session=past_session, rows=[AttendanceRow(pathway.pk, "present")]
    )
    with pytest.raises(Conflict, match="émargement de cette séance est commencé"):
        services.session_cancel(by=adviser, session=past_session, reason="Trop tard")
    past_session.refresh_from_db()
    assert not past_session.is_cancelled


def test_a_cancellation_needs_a_reason_and_a_workshop_manager(
    session, adviser, fleet_user, instructor
):
    with pytest.raises(InvalidInput) as error:
        services.session_cancel(by=adviser, session=session, reason="  ")
    assert set(error.value.errors) == {"reason"}
    for user in (fleet_user, instructor):
        with pytest.raises(Forbidden):
            services.session_cancel(by=user, session=session, reason="Pas mon rôle")
    session.refresh_from_db()
    assert not session.is_cancelled


def test_the_database_refuses_a_cancellation_without_reason(session):
    session.cancelled_at = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        session.save()
