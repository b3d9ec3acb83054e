"""The fiche de liaison's job end date, employer and monthly resources through the API
(issue 11, item 9; the rules and the page: tests/mobility/test_referral_job_facts.py)."""

from datetime import date
from decimal import Decimal

import pytest

from mobility.models import Referral
from tests.api.conftest import referral_body


def test_the_api_takes_and_returns_the_end_date_the_employer_and_the_resources(
    api, prescriber, prescriber_org
):
    body = referral_body(
        prescriber_org.pk,
        job={"end_date": "2027-05-31", "employer": "Ardennes Logistique"},
        person={"monthly_resources": "612.50"},
    )
    response = api(prescriber).post("/api/v1/referrals", body)

    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["job"]["end_date"] == "2027-05-31"
    assert answer["job"]["employer"] == "Ardennes Logistique"
    assert answer["person"]["monthly_resources"] == "612.50"
    referral = Referral.objects.get(pk=answer["id"])
    assert referral.job_end_date == date(2027, 5, 31)
    assert referral.monthly_resources == Decimal("612.50")
    read = api(prescriber).get(f"/api/v1/referrals/{referral.pk}").json()
    assert read["job"]["end_date"] == "2027-05-31"


def test_without_them_the_api_answers_null_and_empty(api, prescriber, prescriber_org):
    answer = api(prescriber).post("/api/v1/referrals", referral_body(prescriber_org.pk)).json()
    assert answer["job"]["end_date"] is None
    assert answer["job"]["employer"] == ""
    assert answer["person"]["monthly_resources"] is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"job": {"start_date": "2026-12-01", "end_date": "2026-11-30"}}, "job_end_date"),
        ({"job": {"contract": "cdi", "end_date": "2027-11-30"}}, "job_end_date"),
        ({"person": {"monthly_resources": "250000.00"}}, "monthly_resources"),
    ],
)
def test_the_api_refuses_an_implausible_end_or_amount_in_french(
    api, prescriber, prescriber_org, overrides, field
):
    response = api(prescriber).post(
        "/api/v1/referrals", referral_body(prescriber_org.pk, **overrides)
    )
    assert response.status_code == 422, response.content
    assert response.json()["detail"]
    assert field in response.json()["errors"]
    assert not Referral.objects.exists()


def test_negative_resources_are_refused_by_the_schema(api, prescriber, prescriber_org):
    body = referral_body(prescriber_org.pk, person={"monthly_resources": "-5"})
    response = api(prescriber).post("/api/v1/referrals", body)
    assert response.status_code == 422
    assert not Referral.objects.exists()
