"""Lists read in bounded queries, whatever the number of sessions and people."""

import pytest
from django.urls import reverse

from accompaniment import services
from tests.accompaniment.conftest import open_pathway, schedule
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def fill(adviser, catalogue, prescriber_org, sessions):
    for days in range(1, sessions + 1):
        session = schedule(adviser, catalogue["mobility_workshop"], days=days)
        for _ in range(2):
            services.registration_create(
                by=adviser, session=session, pathway=open_pathway(prescriber_org, adviser)
            )


@pytest.mark.parametrize("sessions", [1, 6])
def test_the_session_list_of_the_api_does_not_grow_with_its_sessions(
    api, adviser, catalogue, prescriber_org, sessions, django_assert_max_num_queries
):
    fill(adviser, catalogue, prescriber_org, sessions)
    client = api(adviser)
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/actions/sessions")
    assert response.json()["count"] == sessions


@pytest.mark.parametrize("sessions", [1, 6])
def test_the_calendar_does_not_grow_with_its_sessions(
    adviser, catalogue, prescriber_org, sessions, django_assert_max_num_queries
):
    fill(adviser, catalogue, prescriber_org, sessions)
    client = logged_in(adviser)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accompaniment:calendar"))
    assert response.status_code == 200
