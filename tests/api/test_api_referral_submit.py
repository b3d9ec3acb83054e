from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from mobility.enums import Role
from mobility.models import Notification, Referral
from tests.api.conftest import referral_body
from tests.factories import OrganisationFactory, member

PARIS = ZoneInfo("Europe/Paris")


def test_a_prescriber_sends_a_referral(
    api, prescriber, prescriber_org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(prescriber).post("/api/v1/referrals", referral_body(prescriber_org.pk))

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted"
    referral = Referral.objects.get(pk=body["id"])
    assert referral.platform == prescriber_org.platform
    assert referral.last_name == "Belkacem"
    assert referral.qpv and referral.rsa and referral.atypical_hours
    assert referral.contract == "cdd"
    assert referral.needs == ["rental_scooter", "driving_school"]
    assert referral.submitted_by == prescriber
    assert body["person"]["birth_date"] == "1997-02-14"
    assert body["job"]["home_work_km"] == 14
    assert Notification.objects.get(referral=referral).event == "referral_received"


@pytest.mark.time_machine(datetime(2026, 3, 10, 23, 30, tzinfo=PARIS))
def test_received_on_defaults_to_today_and_can_be_given_for_paper_fiches(
    api, adviser, prescriber_org
):
    # Frozen half an hour before midnight in Paris: a server counting "today" in UTC would
    # date the fiche a day off.
    today = date(2026, 3, 10)
    body = referral_body(prescriber_org.pk)
    assert "received_on" not in body
    sent_today = api(adviser).post("/api/v1/referrals", body)
    assert sent_today.status_code == 201, sent_today.content
    assert sent_today.json()["received_on"] == today.isoformat()

    paper_day = today - timedelta(days=40)
    paper = api(adviser).post(
        "/api/v1/referrals", referral_body(prescriber_org.pk, received_on=paper_day.isoformat())
    )
    assert paper.status_code == 201, paper.content
    assert paper.json()["received_on"] == paper_day.isoformat()


def test_a_prescriber_cannot_send_for_another_organisation(api, prescriber, platform):
    other_org = OrganisationFactory(platform=platform, name="CCAS de Sedan")
    response = api(prescriber).post("/api/v1/referrals", referral_body(other_org.pk))
    assert response.status_code == 422
    assert "prescriptrice inconnue" in response.json()["detail"]
    assert not Referral.objects.exists()


def test_an_unknown_organisation_is_a_clear_error(api, adviser):
    response = api(adviser).post("/api/v1/referrals", referral_body(999999))
    assert response.status_code == 422
    assert not Referral.objects.exists()


def test_a_funder_organisation_is_not_a_prescriber(api, adviser, platform):
    funder_org = OrganisationFactory(platform=platform, funder=True)
    response = api(adviser).post("/api/v1/referrals", referral_body(funder_org.pk))
    assert response.status_code == 422
    assert not Referral.objects.exists()


@pytest.mark.parametrize("role", [Role.FLEET, Role.INSTRUCTOR])
def test_fleet_and_instructors_may_not_send_referrals(api, platform, prescriber_org, role):
    user = member(role, platform)
    response = api(user).post("/api/v1/referrals", referral_body(prescriber_org.pk))
    assert response.status_code == 403
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"person": {"birth_date": "14/02/1997"}}, "person.birth_date"),
        ({"person": {"birth_date": "2099-01-01"}}, "birth_date"),
        ({"person": {"first_name": "   "}}, "person.first_name"),
        ({"person": {"sex": "female"}}, "person.sex"),
        ({"person": {"qpv": "peut-être"}}, "person.qpv"),
        ({"person": {"postal_code": "8200"}}, "postal_code"),
        ({"referent": {"email": "pas-un-courriel"}}, "referent_email"),
        ({"licence": {"held": False, "since": "2020-01-01"}}, "licence_since"),
        ({"job": {"kind": "holiday"}}, "job.kind"),
        ({"job": {"home_work_km": -3}}, "job.home_work_km"),
        ({"job": {"kind": "search", "contract": "cdi"}}, "contract"),
        ({"needs": ["teleportation"]}, "needs"),
        ({"received_on": "2099-01-01"}, "received_on"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_input_is_a_422_in_french_and_writes_nothing(
    api, prescriber, prescriber_org, overrides, field
):
    response = api(prescriber).post(
        "/api/v1/referrals", referral_body(prescriber_org.pk, **overrides)
    )
    assert response.status_code == 422, response.content
    body = response.json()
    assert field in body["errors"], body
    assert isinstance(body["detail"], str) and body["detail"]
    assert not Referral.objects.exists()
    assert not Notification.objects.exists()


def test_missing_fields_are_named(api, prescriber, prescriber_org):
    body = referral_body(prescriber_org.pk)
    del body["person"]["last_name"]
    del body["job"]
    response = api(prescriber).post("/api/v1/referrals", body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["person.last_name"] == "champ obligatoire"
    assert errors["job"] == "champ obligatoire"


def test_a_body_that_is_not_json_is_a_400(api, prescriber):
    response = api(prescriber).post("/api/v1/referrals", raw="{not json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Le corps de la requête n'est pas un JSON valide."
    assert not Referral.objects.exists()


def test_a_prescriber_cannot_backdate_a_referral(api, prescriber, prescriber_org):
    response = api(prescriber).post(
        "/api/v1/referrals",
        referral_body(
            prescriber_org.pk, received_on=(timezone.localdate() - timedelta(days=40)).isoformat()
        ),
    )
    assert response.status_code == 422
    assert "received_on" in response.json()["errors"]
    assert not Referral.objects.exists()


def test_a_prescriber_may_send_todays_date(api, prescriber, prescriber_org):
    today = timezone.localdate().isoformat()
    response = api(prescriber).post(
        "/api/v1/referrals", referral_body(prescriber_org.pk, received_on=today)
    )
    assert response.status_code == 201
