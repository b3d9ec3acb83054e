"""The adviser's inbox of fiches de liaison, and a prescriber's "mes fiches"."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mobility import services
from mobility.enums import ReferralStatus
from tests.conftest import logged_in
from tests.factories import OrganisationFactory, ReferralFactory

pytestmark = pytest.mark.django_db

URL = reverse("referral_list")


def names(response) -> set[str]:
    return {referral.last_name for referral in response.context["page"]}


def test_an_adviser_sees_every_fiche_of_the_platform_and_none_of_another(
    adviser, prescriber_org, platform, other_platform
):
    ReferralFactory(prescriber=prescriber_org, last_name="Ici")
    ReferralFactory(prescriber=OrganisationFactory(platform=platform), last_name="Aussi")
    ReferralFactory(prescriber=OrganisationFactory(platform=other_platform), last_name="Ailleurs")

    response = logged_in(adviser).get(URL)

    assert response.status_code == 200
    assert names(response) == {"Ici", "Aussi"}
    assert "Fiches de liaison reçues" in response.content.decode()


def test_a_prescriber_sees_only_its_own_organisations_fiches(prescriber, prescriber_org, platform):
    ReferralFactory(prescriber=prescriber_org, last_name="Mienne")
    ReferralFactory(prescriber=OrganisationFactory(platform=platform), last_name="Voisine")

    response = logged_in(prescriber).get(URL)

    assert names(response) == {"Mienne"}
    page = response.content.decode()
    assert "Mes fiches de liaison" in page
    assert "VOISINE" not in page


def test_the_tabs_count_fiches_per_status_and_filter_them(adviser, prescriber_org):
    ReferralFactory.create_batch(2, prescriber=prescriber_org)
    declined = ReferralFactory(prescriber=prescriber_org, last_name="Refus")
    services.referral_decline(referral=declined, by=adviser, reason="Hors territoire.")
    client = logged_in(adviser)

    response = client.get(URL)
    counts = {tab["value"]: tab["count"] for tab in response.context["tabs"]}
    assert counts == {"submitted": 2, "accepted": 0, "declined": 1, "closed": 0, "expired": 0}
    assert response.context["total"] == 3

    response = client.get(URL, {"status": ReferralStatus.DECLINED})
    assert names(response) == {"Refus"}
    # The tabs keep counting every status within the other filters.
    assert {tab["value"]: tab["count"] for tab in response.context["tabs"]} == counts


def test_filters_by_prescriber_dates_and_name(adviser, prescriber_org, platform):
    today = timezone.localdate()
    other_org = OrganisationFactory(platform=platform)
    ReferralFactory(
        prescriber=prescriber_org, last_name="Ancien", received_on=today - timedelta(30)
    )
    ReferralFactory(prescriber=prescriber_org, last_name="Récent", first_name="Hélène")
    ReferralFactory(prescriber=other_org, last_name="Autre")
    client = logged_in(adviser)

    assert names(client.get(URL, {"prescriber": other_org.pk})) == {"Autre"}
    since = (today - timedelta(7)).isoformat()
    assert names(client.get(URL, {"received_from": since})) == {"Récent", "Autre"}
    until = (today - timedelta(7)).strftime("%d/%m/%Y")
    assert names(client.get(URL, {"received_to": until})) == {"Ancien"}
    assert names(client.get(URL, {"q": "hélène réc"})) == {"Récent"}


def test_bad_filters_are_ignored_with_a_french_notice_not_an_error(adviser, prescriber_org):
    ReferralFactory(prescriber=prescriber_org, last_name="Toujours")

    response = logged_in(adviser).get(
        URL,
        {"status": "perdue", "prescriber": "abc", "received_from": "31/02/2026", "page": "x"},
    )

    assert response.status_code == 200
    assert names(response) == {"Toujours"}
    assert "Certains filtres ne sont pas valides" in response.content.decode()


def test_a_prescriber_cannot_filter_its_way_into_another_organisation(prescriber, platform):
    other_org = OrganisationFactory(platform=platform)
    ReferralFactory(prescriber=other_org, last_name="Cachee")

    response = logged_in(prescriber).get(URL, {"prescriber": other_org.pk})

    assert names(response) == set()


def test_the_inbox_is_paginated_by_25(adviser, prescriber_org):
    ReferralFactory.create_batch(27, prescriber=prescriber_org)
    client = logged_in(adviser)

    first = client.get(URL)
    second = client.get(URL, {"page": 2})

    assert len(first.context["page"]) == 25
    assert len(second.context["page"]) == 2
    assert "Page 1 sur 2" in first.content.decode()


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["adviser", "prescriber"])
def test_the_number_of_queries_does_not_grow_with_the_rows(request, persona, prescriber_org):
    client = logged_in(request.getfixturevalue(persona))
    ReferralFactory.create_batch(3, prescriber=prescriber_org)
    with_three = count_queries(client, URL)

    ReferralFactory.create_batch(27, prescriber=prescriber_org)
    with_thirty = count_queries(client, URL)

    assert with_three == with_thirty
    assert with_thirty <= 8
