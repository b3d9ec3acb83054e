"""The accompaniment pages: calendar, session, sheet, catalogue, the beneficiary file."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment import services
from accompaniment.models import Action, ActionType, WorkshopRegistration
from diagnostics import services as diagnostic_services
from diagnostics.models import Questionnaire
from mobility.models import Notification
from tests.accompaniment.conftest import open_pathway, schedule
from tests.conftest import logged_in
from tests.diagnostics.conftest import worst_answers
from tests.form_posts import form_token

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_calendar_lists_the_sessions_to_come_with_their_places(adviser, session, pathway):
    services.registration_create(by=adviser, session=session, pathway=pathway)
    page = text(logged_in(adviser).get(reverse("accompaniment:calendar")))
    assert "Atelier mobilité" in page
    assert "1 inscrit·es sur 8 places" in page
    assert reverse("accompaniment:session_detail", args=[session.pk]) in page


def test_the_week_shows_its_sessions(adviser, session):
    year, number, _ = timezone.localdate(session.start).isocalendar()
    page = logged_in(adviser).get(
        reverse("accompaniment:week"), {"semaine": f"{year}-W{number:02d}"}
    )
    assert "Maison de la mobilité" in text(page)
    assert (
        logged_in(adviser).get(reverse("accompaniment:week"), {"semaine": "x"}).status_code == 200
    )


def test_a_session_is_scheduled_from_its_form(adviser, catalogue):
    day = timezone.localdate() + timedelta(days=5)
    response = logged_in(adviser).post(
        reverse("accompaniment:session_create"),
        {
            "action_type": catalogue["bike_school"].pk,
            "day": day.isoformat(),
            "time": "14:00",
            "duration_minutes": 90,
            "place": "Parking du gymnase",
            "capacity": 6,
        },
    )
    assert response.status_code == 302
    assert "Parking du gymnase" in text(logged_in(adviser).get(response["Location"]))


def test_registering_on_a_full_session_shows_a_french_error(adviser, catalogue, prescriber_org):
    session = schedule(adviser, catalogue["road_safety"], capacity=1)
    services.registration_create(
        by=adviser, session=session, pathway=open_pathway(prescriber_org, adviser)
    )
    late = open_pathway(prescriber_org, adviser)
    response = logged_in(adviser).post(
        reverse("accompaniment:registration_create", args=[session.pk]), {"pathway": late.pk}
    )
    assert response.status_code == 422
    assert "Cette séance est complète (1 places)" in text(response) or "complète" in text(response)
    assert not WorkshopRegistration.objects.filter(pathway=late).exists()


def test_the_sheet_is_sent_once_and_tells_the_referent_of_an_absence(
    adviser, past_session, pathway
):
    services.registration_create(by=adviser, session=past_session, pathway=pathway)
    client = logged_in(adviser)
    url = reverse("accompaniment:attendance_sheet", args=[past_session.pk])
    token = form_token(client, url)
    data = {"form_token": token, f"status_{pathway.pk}": "unexcused"}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True)
    assert "déjà été envoyé" in text(again)
    assert Notification.objects.filter(event="workshop_absence").count() == 1
    assert WorkshopRegistration.objects.get(pathway=pathway).attendance == "unexcused"


def test_an_excused_absence_without_reason_is_refused_on_its_row(adviser, past_session, pathway):
    services.registration_create(by=adviser, session=past_session, pathway=pathway)
    url = reverse("accompaniment:attendance_sheet", args=[past_session.pk])
    response = logged_in(adviser).post(url, {f"status_{pathway.pk}": "excused"})
    assert response.status_code == 422
    assert "Une absence justifiée demande son motif." in text(response)


def test_an_admin_adds_to_the_catalogue_and_an_adviser_only_reads_it(
    admin_user, adviser, catalogue
):
    assert "Ajouter une action" not in text(
        logged_in(adviser).get(reverse("accompaniment:catalogue"))
    )
    response = logged_in(admin_user).post(
        reverse("accompaniment:catalogue"),
        {
            "label": "Aide à l'assurance",
            "code": "insurance_aid",
            "kind": "financial_aid",
            "answers": "rental_car, rental_scooter",
        },
    )
    assert response.status_code == 302
    added = ActionType.objects.get(code="insurance_aid")
    assert added.answers == ["rental_car", "rental_scooter"]


def test_an_aid_is_recorded_from_the_file_and_its_payment_noted(
    adviser, pathway, catalogue, funder_org
):
    client = logged_in(adviser)
    url = reverse("accompaniment:action_create", args=[pathway.pk]) + (
        f"?type={catalogue['licence_aid'].pk}"
    )
    missing = client.post(url, {"date": timezone.localdate().isoformat()})
    assert missing.status_code == 422
    assert "Indiquez le montant de l'aide." in text(missing)
    response = client.post(
        url,
        {
            "date": timezone.localdate().isoformat(),
            "amount": "350",
            "funder_id": funder_org.pk,
            "decision": "granted",
        },
    )
    assert response.status_code == 302
    aid = Action.objects.get()
    file = text(client.get(response["Location"]))
    assert "Aide au permis" in file and "Accordée" in file
    client.post(
        reverse("accompaniment:action_follow_up", args=[aid.pk]),
        {"paid_on": timezone.localdate().isoformat()},
    )
    aid.refresh_from_db()
    assert aid.paid_on == timezone.localdate()


def test_the_file_lists_what_the_entry_diagnostic_asks_and_nothing_answered_yet(
    adviser, pathway, catalogue, session
):
    questionnaire = Questionnaire.objects.current()
    entry = diagnostic_services.diagnostic_record(
        pathway=pathway,
        kind="entry",
        taken_on=pathway.opened_on,
        answers=worst_answers(questionnaire.parsed, required_only=True),
        by=adviser,
    )
    assert "mobility_workshop" in entry.recommendations
    client = logged_in(adviser)
    file_url = reverse("beneficiary_detail", args=[pathway.beneficiary_id])
    page = text(client.get(file_url))
    assert "À engager" in page
    register = reverse("accompaniment:registration_create", args=[session.pk])
    assert register in page
    response = client.post(register, {"pathway": pathway.pk, "retour": file_url})
    assert response.status_code == 302 and response["Location"] == file_url
    page = text(client.get(file_url))
    assert register not in page  # answered: the workshop is in the time line now
    assert "Atelier mobilité" in page and "Inscrit·e" in page


def test_fleet_staff_do_not_see_the_actions_on_the_file(fleet_user, adviser, pathway, catalogue):
    services.action_record(
        by=adviser,
        pathway=pathway,
        action_type=catalogue["coaching"],
        data=services.ActionData(date=timezone.localdate(), duration_minutes=30),
    )
    page = text(
        logged_in(fleet_user).get(reverse("beneficiary_detail", args=[pathway.beneficiary_id]))
    )
    assert "Actions d'accompagnement" not in page
    assert "Accompagnement individuel" not in page


def test_a_session_is_cancelled_from_its_page_and_shows_it(adviser, session, pathway):
    services.registration_create(by=adviser, session=session, pathway=pathway)
    client = logged_in(adviser)
    detail = reverse("accompaniment:session_detail", args=[session.pk])
    assert "Annuler la séance" in text(client.get(detail))
    url = reverse("accompaniment:session_cancel", args=[session.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 422
    assert "Indiquez le motif de l'annulation." in text(refused)
    response = client.post(url, {"reason": "Animatrice malade"}, follow=True)
    page = text(response)
    assert "Séance annulée" in page and "Animatrice malade" in page
    assert "Inscrire une personne" not in page
    assert "Annuler la séance" not in page
    assert Notification.objects.filter(event="workshop_cancelled").count() == 1
    assert "Annulée" in text(client.get(reverse("accompaniment:calendar")))
    again = client.post(
        reverse("accompaniment:registration_create", args=[session.pk]),
        {"pathway": pathway.pk},
    )
    assert again.status_code == 422


def test_fleet_staff_cannot_cancel_a_session(fleet_user, session):
    response = logged_in(fleet_user).post(
        reverse("accompaniment:session_cancel", args=[session.pk]), {"reason": "Non"}
    )
    assert response.status_code == 403
    session.refresh_from_db()
    assert not session.is_cancelled


def test_the_file_shows_one_time_line_and_a_cancelled_session_as_such(adviser, session, pathway):
    services.registration_create(by=adviser, session=session, pathway=pathway)
    services.session_cancel(by=adviser, session=session, reason="Salle indisponible")
    page = text(
        logged_in(adviser).get(reverse("beneficiary_detail", args=[pathway.beneficiary_id]))
    )
    assert "Chronologie" in page
    assert "Séance annulée" in page
