"""The instructor's week page reads its `semaine` as the fleet API does (mobility.weeks)."""

import html

import pytest
from django.urls import reverse
from django.utils import timezone

from mobility.weeks import iso_week
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01", "2026-W99", "n'importe", "2026-W2x"])
def test_a_malformed_or_far_week_shows_this_week_with_a_notice(instructor, week):
    response = logged_in(instructor).get(reverse("drivingschool:week"), {"semaine": week})
    assert response.status_code == 200
    assert response.context["current"] == iso_week(timezone.localdate())
    page = html.unescape(response.content.decode())
    assert "Voici la semaine en cours." in page


def test_a_valid_week_shows_no_notice(instructor):
    response = logged_in(instructor).get(reverse("drivingschool:week"), {"semaine": "2026-W02"})
    assert response.status_code == 200
    assert response.context["current"] == "2026-W02"
    assert "Voici la semaine en cours." not in html.unescape(response.content.decode())
