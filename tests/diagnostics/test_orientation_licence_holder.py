"""A licence holder's diagnostic: the orientation is "sans objet" on every channel, and is
recomputed so from what the diagnostic keeps."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from diagnostics import services
from drivingschool import selectors as school_selectors
from mobility import services as core_services
from tests.api.conftest import ApiClient
from tests.conftest import logged_in
from tests.diagnostics.test_orientation_profiles import LITERATE_BEGINNER
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder_pathway(prescriber_org, adviser):
    referral = ReferralFactory(
        prescriber=prescriber_org, licence_held=True, licence_since=date(2015, 6, 1)
    )
    return core_services.referral_accept(referral=referral, by=adviser).pathway


def test_the_fiche_makes_the_orientation_sans_objet_everywhere(
    adviser, holder_pathway, django_capture_on_commit_callbacks
):
    """The issue's case: a licence holder since 2015 answering like a beginner who finds
    their way badly was put in group 2."""
    answers = {
        **LITERATE_BEGINNER,
        "map_reading": "with_help",
        "finding_address": "asking",
        "timetable_reading": "with_help",
        "landmarks": "sometimes",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = ApiClient(adviser).post(
            "/api/v1/diagnostics",
            {
                "pathway_id": holder_pathway.pk,
                "kind": "entry",
                "date": str(timezone.localdate()),
                "answers": answers,
            },
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["orientation_group"] is None
    assert not {"driving_school", "pre_training", "partner_referral"} & set(body["recommendations"])
    diagnostic = holder_pathway.diagnostics.get()
    assert diagnostic.licence_held is True
    assert diagnostic.result().orientation_group is None  # recomputed from what is kept
    page = logged_in(adviser).get(reverse("diagnostic_detail", args=[diagnostic.pk]))
    assert "Sans objet : permis B déjà obtenu" in page.content.decode()
    (notification,) = holder_pathway.referrals.get().notifications.filter(event="diagnostic_result")
    assert "Orientation pour le permis : Sans objet" in notification.body
    # The driving school suggests no hours from it.
    assert school_selectors.orientation_group_for(holder_pathway) is None


def test_without_the_licence_the_same_answers_give_group_2(adviser, pathway):
    answers = {**LITERATE_BEGINNER, "reading": "words"}
    diagnostic = services.diagnostic_record(
        pathway=pathway, kind="entry", taken_on=timezone.localdate(), answers=answers, by=adviser
    )
    assert diagnostic.orientation_group == 2
    assert diagnostic.licence_held is False
