"""The fiche de liaison carries the job's end date, the employer and the person's monthly
resources (issue 11, item 9): validated as rules, sent by the page and the API, read back,
and used by the vehicle eligibility while the fiche is read, not first at the handover."""

from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from hypothesis import given
from hypothesis import strategies as st

from fleet import services as fleet_services
from mobility.enums import JobKind
from mobility.models import Referral
from mobility.rules import (
    CONTRACTS_WITH_AN_END,
    MAX_MONTHLY_RESOURCES,
    JobFacts,
    PersonFacts,
    monthly_resources_problem,
    referral_problems,
)
from tests.conftest import logged_in
from tests.factories import ReferralFactory
from tests.fleet.conftest import VehicleFactory, days_ago, hand_over, open_pathway

TODAY = date(2026, 11, 22)
PERSON = PersonFacts(birth_date=date(1990, 5, 17), licence_held=False, licence_since=None)
CONTRACTS = ["cdi", "cdd", "interim", "contrat_aide", "formation", "creation", ""]


def problems_of(**job) -> dict[str, str]:
    facts = JobFacts(**{"kind": JobKind.JOB, "contract": "cdd", "start_date": None, **job})
    return referral_problems(person=PERSON, job=facts, received_on=TODAY, today=TODAY)


# ---- the rules


@given(
    contract=st.sampled_from(CONTRACTS),
    start=st.none() | st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    end=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
)
def test_an_end_date_is_refused_only_for_a_contract_without_end_or_before_the_start(
    contract, start, end
):
    problems = problems_of(contract=contract, start_date=start, end_date=end)
    no_end = contract != "" and contract not in CONTRACTS_WITH_AN_END
    before_start = start is not None and end < start
    assert ("job_end_date" in problems) is (no_end or before_start)
    if "job_end_date" in problems:
        assert problems["job_end_date"][0].isupper() and problems["job_end_date"].endswith(".")


def test_a_cdi_has_no_end_date_and_a_cdd_ends_after_it_starts():
    assert "CDD" in problems_of(contract="cdi", end_date=TODAY)["job_end_date"]
    assert (
        "précède"
        in problems_of(contract="cdd", start_date=TODAY, end_date=TODAY - timedelta(days=1))[
            "job_end_date"
        ]
    )
    assert problems_of(contract="cdd", start_date=TODAY, end_date=TODAY) == {}
    assert problems_of(contract="cdd", end_date=TODAY) == {}


@given(amount=st.decimals(min_value=-(10**6), max_value=10**6, places=2))
def test_monthly_resources_are_between_zero_and_a_plausible_maximum(amount):
    problem = monthly_resources_problem(amount)
    assert (problem is None) is (0 <= amount <= MAX_MONTHLY_RESOURCES)


def test_unknown_resources_are_no_problem():
    assert monthly_resources_problem(None) is None
    assert monthly_resources_problem(Decimal("0")) is None
    assert "négatives" in monthly_resources_problem(Decimal("-1"))


# ---- the page


def form_data(**overrides):
    data = {
        "referent_name": "Sophie Lambert",
        "referent_email": "sophie.lambert@francetravail.example",
        "first_name": "Inès",
        "last_name": "Benali",
        "birth_date": "12/04/1995",
        "sex": "f",
        "commune": "Sedan",
        "job_kind": "job",
        "contract": "cdd",
        **overrides,
    }
    return data


def test_the_form_folds_the_contract_and_the_trip_until_they_hold_something(prescriber):
    page = logged_in(prescriber).get(reverse("referral_create")).content.decode()
    assert page.count('<details class="form-fold">') == 2
    assert "Contrat et employeur" in page and "Lieu, horaires et trajet" in page
    assert "Ressources mensuelles" in page


def test_the_form_sends_them_and_the_fiche_shows_them(prescriber, prescriber_org):
    client = logged_in(prescriber)
    start = timezone.localdate() + timedelta(days=10)
    end = start + timedelta(days=90)
    response = client.post(
        reverse("referral_create"),
        form_data(
            prescriber=prescriber_org.pk,
            job_start_date=start.isoformat(),
            job_end_date=end.isoformat(),
            employer="Hôpital de Sedan",
            monthly_resources="612,50",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    referral = Referral.objects.get()
    assert referral.job_end_date == end
    assert referral.employer == "Hôpital de Sedan"
    assert referral.monthly_resources == Decimal("612.50")
    page = client.get(response.url).content.decode()
    assert date_format(end, "j F Y") in page
    assert "Hôpital de Sedan" in page and "612,50" in page


def test_a_mistake_in_a_folded_section_opens_it_with_its_error(prescriber, prescriber_org):
    response = logged_in(prescriber).post(
        reverse("referral_create"),
        form_data(prescriber=prescriber_org.pk, contract="cdi", job_end_date="2027-02-28"),
    )
    assert response.status_code == 200
    assert "job_end_date" in response.context["form"].errors
    page = response.content.decode()
    assert page.count('<details class="form-fold">') == 1  # the trip stays folded
    assert not Referral.objects.exists()


# ---- eligibility, read on the fiche


def car_missing(referral) -> list[str]:
    referral = Referral.objects.select_related("platform").get(pk=referral.pk)
    eligibility = dict(fleet_services.referral_eligibility(referral, today=timezone.localdate()))
    return [condition.code for condition in eligibility["car"]]


def test_the_fiche_says_what_a_car_still_needs_before_anyone_hands_one_over(prescriber_org):
    fiche = ReferralFactory(
        prescriber=prescriber_org,
        licence_held=True,
        licence_since=date(2015, 6, 1),
        contract="cdd",
        job_start_date=days_ago(2),
    )
    assert car_missing(fiche) == ["contract_dates_unknown"]
    fiche.job_end_date = days_ago(2) + timedelta(days=20)
    fiche.save()
    assert car_missing(fiche) == ["contract_too_short"]
    fiche.job_end_date = days_ago(2) + timedelta(days=120)
    fiche.save()
    assert car_missing(fiche) == []


def test_the_fiche_page_shows_the_conditions_per_vehicle_kind(adviser, prescriber_org):
    fiche = ReferralFactory(prescriber=prescriber_org, licence_held=False, contract="cdd")
    page = logged_in(adviser).get(reverse("referral_detail", args=[fiche.pk])).content.decode()
    assert 'id="eligibility-title"' in page
    assert "pas le permis B." in page
    assert "Les dates de début et de fin du contrat sont nécessaires" in page


def test_the_handover_uses_the_end_date_given_on_the_fiche(
    fleet_user, adviser, prescriber_org, platform
):
    pathway = open_pathway(
        adviser,
        prescriber_org,
        contract="cdd",
        job_end_date=days_ago(90) + timedelta(days=200),
    )
    rental = hand_over(fleet_user, pathway, VehicleFactory(platform=platform))
    assert not rental.eligibility_overridden
    assert rental.eligibility_missing == []
