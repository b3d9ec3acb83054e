"""Each reading of a beneficiary file (page, API, download) is logged: who, when, whose.
Administrators read the log on the file and in the admin; no other role sees it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mobility import services
from mobility.models import FileAccess
from tests.api.conftest import ApiClient
from tests.conftest import logged_in
from tests.factories import ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def beneficiary(adviser, prescriber_org):
    referral = ReferralFactory(prescriber=prescriber_org, first_name="Inès", last_name="Benali")
    return services.referral_accept(referral=referral, by=adviser).beneficiary


def file_url(beneficiary):
    return reverse("beneficiary_detail", args=[beneficiary.pk])


def test_each_view_of_the_file_page_is_logged(beneficiary, fleet_user, adviser):
    logged_in(fleet_user).get(file_url(beneficiary))
    logged_in(adviser).get(file_url(beneficiary))

    accesses = list(FileAccess.objects.order_by("pk").values_list("user", "beneficiary", "channel"))
    assert accesses == [
        (fleet_user.pk, beneficiary.pk, "page"),
        (adviser.pk, beneficiary.pk, "page"),
    ]


def test_reading_a_person_through_the_api_is_logged_but_listing_is_not(beneficiary, adviser):
    api = ApiClient(adviser)

    assert api.get("/api/v1/beneficiaries").status_code == 200
    assert not FileAccess.objects.exists()
    assert api.get(f"/api/v1/beneficiaries/{beneficiary.pk}").status_code == 200

    access = FileAccess.objects.get()
    assert (access.user, access.beneficiary, access.channel) == (adviser, beneficiary, "api")


def test_a_refused_reading_is_not_a_consultation(beneficiary, other_adviser, prescriber):
    assert logged_in(other_adviser).get(file_url(beneficiary)).status_code == 404
    assert ApiClient(prescriber).get(f"/api/v1/beneficiaries/{beneficiary.pk}").status_code == 403
    assert not FileAccess.objects.exists()


def test_administrators_see_the_consultations_on_the_file(
    beneficiary, admin_user, fleet_user, adviser
):
    fleet_user.first_name, fleet_user.last_name = "Karim", "Parc"
    fleet_user.save()
    logged_in(fleet_user).get(file_url(beneficiary))

    page = logged_in(admin_user).get(file_url(beneficiary)).content.decode()

    assert "Consultations" in page
    assert "Karim Parc" in page and "Fiche bénéficiaire (site)" in page
    for other in (adviser, fleet_user):
        assert "Consultations" not in logged_in(other).get(file_url(beneficiary)).content.decode()


def test_a_view_of_the_file_costs_one_insert_whatever_the_log_holds(beneficiary, admin_user):
    client = logged_in(admin_user)

    def view():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(file_url(beneficiary)).status_code == 200
        return [query["sql"] for query in captured]

    view()
    few = view()
    for _ in range(12):
        client.get(file_url(beneficiary))
    many = view()

    assert len(many) == len(few)
    inserts = [sql for sql in many if sql.startswith("INSERT")]
    assert len(inserts) == 1 and "mobility_fileaccess" in inserts[0]


def test_the_log_is_in_the_admin_read_only(beneficiary, adviser):
    logged_in(adviser).get(file_url(beneficiary))
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client = logged_in(superuser)
    access = FileAccess.objects.get()

    changelist = client.get(reverse("admin:mobility_fileaccess_changelist"))
    assert changelist.status_code == 200 and adviser.username in changelist.content.decode()
    change = client.get(reverse("admin:mobility_fileaccess_change", args=[access.pk]))
    assert change.status_code == 200
    assert (
        client.post(reverse("admin:mobility_fileaccess_delete", args=[access.pk])).status_code
        == 403
    )
    assert client.get(reverse("admin:mobility_erasurerecord_changelist")).status_code == 200
