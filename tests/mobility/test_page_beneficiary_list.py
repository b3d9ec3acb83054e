import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mobility import services
from tests.conftest import logged_in
from tests.factories import BeneficiaryFactory, ReferralFactory

pytestmark = pytest.mark.django_db

URL = reverse("beneficiary_list")


def names(response) -> set[str]:
    return {beneficiary.last_name for beneficiary in response.context["page"]}


@pytest.mark.parametrize("persona", ["admin_user", "adviser", "fleet_user", "instructor"])
def test_the_platform_staff_see_its_people_and_no_one_elses(
    request, persona, platform, other_platform
):
    BeneficiaryFactory(platform=platform, last_name="Ici")
    BeneficiaryFactory(platform=other_platform, last_name="Ailleurs")

    response = logged_in(request.getfixturevalue(persona)).get(URL)

    assert response.status_code == 200
    assert names(response) == {"Ici"}


def test_the_list_shows_whether_a_pathway_is_open(adviser, prescriber_org, platform):
    referral = ReferralFactory(prescriber=prescriber_org, last_name="Suivie")
    services.referral_accept(referral=referral, by=adviser)
    BeneficiaryFactory(platform=platform, last_name="Sansparcours")
    client = logged_in(adviser)

    page = client.get(URL).content.decode()
    assert "en cours" in page and "aucun en cours" in page

    assert names(client.get(URL, {"pathway": "open"})) == {"Suivie"}
    assert names(client.get(URL, {"pathway": "none"})) == {"Sansparcours"}
    opened = client.get(URL, {"pathway": "open"}).context["page"][0].open_pathway_opened_on
    assert opened == timezone.localdate()


def test_search_by_name_and_bad_filters_do_not_break_the_page(adviser, platform):
    BeneficiaryFactory(platform=platform, first_name="Inès", last_name="Benali")
    BeneficiaryFactory(platform=platform, first_name="Karim", last_name="Haddad")
    client = logged_in(adviser)

    assert names(client.get(URL, {"q": "benali inès"})) == {"Benali"}
    response = client.get(URL, {"pathway": "peut-être", "page": "999"})
    assert response.status_code == 200
    assert "Certains filtres ne sont pas valides" in response.content.decode()


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(adviser, platform):
    client = logged_in(adviser)
    BeneficiaryFactory.create_batch(3, platform=platform)
    with_three = count_queries(client)

    BeneficiaryFactory.create_batch(27, platform=platform)
    with_thirty = count_queries(client)

    assert with_three == with_thirty
    assert with_thirty <= 6
    assert len(client.get(URL).context["page"]) == 25
