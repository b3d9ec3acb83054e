"""The fiche de liaison form: what a prescriber (or an adviser typing a paper fiche) sends."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mobility.enums import ReferralStatus, Role
from mobility.models import Notification, Referral
from tests.conftest import logged_in
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

URL = reverse("referral_create")


def fiche(**overrides):
    data = {
        "referent_name": "Sophie Lambert",
        "referent_email": "sophie.lambert@francetravail.example",
        "first_name": "Inès",
        "last_name": "Benali",
        "birth_date": "12/04/1995",
        "sex": "f",
        "commune": "Sedan",
        "qpv": "on",
        "job_kind": "job",
        "contract": "cdd",
        "home_work_km": "12,5",
        "needs": ["diagnostic", "rental_scooter"],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_a_prescriber_with_one_organisation_has_it_chosen_and_their_name_filled_in(
    prescriber, prescriber_org
):
    response = logged_in(prescriber).get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    form = response.context["form"]
    assert form.only_prescriber == prescriber_org
    assert prescriber_org.name in page
    assert form["referent_name"].value() == prescriber.get_full_name()
    assert form["referent_email"].value() == prescriber.email
    assert "received_on" not in form.fields
    for legend in ("Structure et référent·e", "La personne", "Situation sociale", "Permis"):
        assert legend in page
    assert "Aides demandées" in page and "vélo-école" in page


def test_a_prescriber_sends_a_fiche_and_the_referent_is_told(
    prescriber, prescriber_org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(prescriber).post(URL, fiche(prescriber=prescriber_org.pk))

    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("referral_detail", args=[referral.pk])
    assert referral.prescriber == prescriber_org
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.birth_date.isoformat() == "1995-04-12"
    assert str(referral.home_work_km) == "12.5"
    assert referral.qpv is True
    assert referral.needs == ["diagnostic", "rental_scooter"]
    assert referral.received_on == timezone.localdate()
    assert referral.submitted_by == prescriber
    assert Notification.objects.get().event == "referral_received"
    assert mail.outbox[0].to == ["sophie.lambert@francetravail.example"]

    page = logged_in(prescriber).get(response.url).content.decode()
    assert "envoyée" in page


def test_an_adviser_typing_a_paper_fiche_chooses_the_prescriber_and_the_date(
    adviser, prescriber_org, platform, other_platform
):
    archived = OrganisationFactory(platform=platform, archived_at=timezone.now())
    elsewhere = OrganisationFactory(platform=other_platform)
    funder_org = OrganisationFactory(platform=platform, funder=True)
    client = logged_in(adviser)

    form = client.get(URL).context["form"]
    assert list(form.fields["prescriber"].queryset) == [prescriber_org]
    assert {archived, elsewhere, funder_org}.isdisjoint(form.fields["prescriber"].queryset)

    paper_date = timezone.localdate() - timedelta(days=10)
    response = client.post(
        URL, fiche(prescriber=prescriber_org.pk, received_on=paper_date.isoformat())
    )

    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.received_on == paper_date
    assert referral.submitted_by == adviser


def test_missing_fields_are_named_in_french_and_nothing_is_written(prescriber, prescriber_org):
    response = logged_in(prescriber).post(
        URL, fiche(prescriber=prescriber_org.pk, first_name="", birth_date="", sex=None)
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["first_name"] == ["Ce champ est obligatoire."]
    assert errors["birth_date"] == ["Ce champ est obligatoire."]
    assert errors["sex"] == ["Ce champ est obligatoire."]
    assert "Le formulaire contient 3 erreurs à corriger" in response.content.decode()
    assert not Referral.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize("bad_date", ["31/02/1995", "hier", "1995-13-01"])
def test_a_malformed_date_is_a_french_error(prescriber, prescriber_org, bad_date):
    response = logged_in(prescriber).post(
        URL, fiche(prescriber=prescriber_org.pk, birth_date=bad_date)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["birth_date"] == ["Saisissez une date valide."]
    assert not Referral.objects.exists()


def test_a_birth_date_in_the_future_is_refused(prescriber, prescriber_org):
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = logged_in(prescriber).post(
        URL, fiche(prescriber=prescriber_org.pk, birth_date=tomorrow.isoformat())
    )

    assert response.status_code == 200
    assert response.context["form"].errors["birth_date"] == [
        "La date de naissance ne peut pas être dans le futur."
    ]
    assert not Referral.objects.exists()


def test_one_submit_reports_every_problem_at_once(prescriber, prescriber_org):
    """On a phone, a fiche with a missing name, a birth date in 2030 and a four-digit
    postcode gets the three errors together, and none about a field the prescriber never
    sees (the date of receipt)."""
    in_the_future = timezone.localdate().replace(day=1) + timedelta(days=4 * 366)

    response = logged_in(prescriber).post(
        URL,
        fiche(
            prescriber=prescriber_org.pk,
            first_name="",
            birth_date=in_the_future.isoformat(),
            postal_code="0820",
        ),
    )

    errors = response.context["form"].errors
    assert errors == {
        "first_name": ["Ce champ est obligatoire."],
        "birth_date": ["La date de naissance ne peut pas être dans le futur."],
        "postal_code": ["Le code postal compte 5 chiffres."],
    }
    assert not Referral.objects.exists()


def test_a_licence_date_without_the_licence_is_refused(prescriber, prescriber_org):
    response = logged_in(prescriber).post(
        URL, fiche(prescriber=prescriber_org.pk, licence_since="2015-06-01")
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "le permis n'est pas coché" in errors["licence_since"][0]
    assert not Referral.objects.exists()


def test_a_contract_for_a_job_search_is_refused(prescriber, prescriber_org):
    response = logged_in(prescriber).post(
        URL, fiche(prescriber=prescriber_org.pk, job_kind="search", contract="cdi")
    )

    assert "recherche d'emploi" in response.context["form"].errors["contract"][0]
    assert not Referral.objects.exists()


def test_bad_numbers_and_unknown_choices_are_french_errors(prescriber, prescriber_org):
    response = logged_in(prescriber).post(
        URL,
        fiche(
            prescriber=prescriber_org.pk,
            home_work_km="douze",
            needs=["teleportation"],
            sex="z",
            referent_email="pas-un-courriel",
        ),
    )

    errors = response.context["form"].errors
    assert errors["home_work_km"] == ["Saisissez un nombre."]
    assert "teleportation" in errors["needs"][0]
    assert "Sélectionnez un choix valide" in errors["sex"][0]
    assert errors["referent_email"] == ["Saisissez une adresse de courriel valide."]
    assert not Referral.objects.exists()


def test_a_negative_distance_is_refused_by_the_service(prescriber, prescriber_org):
    response = logged_in(prescriber).post(
        URL, fiche(prescriber=prescriber_org.pk, home_work_km="-3")
    )

    assert response.context["form"].errors["home_work_km"] == [
        "La distance domicile-travail ne peut pas être négative."
    ]
    assert not Referral.objects.exists()


def test_a_prescriber_cannot_send_a_fiche_for_another_organisation(
    prescriber, platform, other_platform
):
    other_org = OrganisationFactory(platform=platform)
    far_org = OrganisationFactory(platform=other_platform)
    client = logged_in(prescriber)

    for organisation in (other_org, far_org):
        response = client.post(URL, fiche(prescriber=organisation.pk))
        assert response.status_code == 200
        assert "Sélectionnez un choix valide" in response.context["form"].errors["prescriber"][0]
    assert not Referral.objects.exists()


def test_a_prescriber_of_two_organisations_chooses_one(prescriber, prescriber_org, other_platform):
    second = OrganisationFactory(platform=other_platform, name="CCAS de Mouzon")
    prescriber.memberships.create(
        platform=other_platform, role=Role.PRESCRIBER, organisation=second
    )

    form = logged_in(prescriber).get(URL).context["form"]

    assert form.only_prescriber is None
    assert set(form.fields["prescriber"].queryset) == {prescriber_org, second}


def test_a_fleet_agent_may_not_send_a_fiche(fleet_user, prescriber_org):
    response = logged_in(fleet_user).post(URL, fiche(prescriber=prescriber_org.pk))

    assert response.status_code == 403
    assert not Referral.objects.exists()
