"""The lessons a funder pays for in a period: the tranche of each person's stage names
the funder (code and pré-formation: tranche 1; driving and simulator: tranche 2)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from drivingschool import selectors, services
from mobility.registry import registry
from tests.drivingschool.conftest import enrol, lesson, mark
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def period(days=30):
    now = timezone.now()
    return {"start": now - timedelta(days=days), "end": now}


@pytest.fixture
def other_funder(platform):
    return OrganisationFactory(platform=platform, funder=True, name="Région Grand Est")


def test_a_lesson_is_the_funder_s_when_it_pays_someone_s_tranche_of_that_stage(
    prescriber_org, adviser, instructor, funder_org, other_funder, platform
):
    ours = enrol(prescriber_org, adviser, theory_funder=funder_org, practical_funder=other_funder)
    theirs = enrol(prescriber_org, adviser, theory_funder=other_funder)
    code = lesson(adviser, [ours, theirs], kind="theory", instructor=instructor, days_ago=2)
    pre = lesson(adviser, [ours], kind="pre_training", days_ago=3)
    lesson(adviser, [ours], kind="driving", days_ago=4)  # tranche 2: the other funder
    lesson(adviser, [theirs], kind="theory", days_ago=5)  # nobody of ours
    lesson(adviser, [ours], kind="theory", days_ago=45)  # before the period
    cancelled = lesson(adviser, [ours], kind="simulator", days_ago=6)
    services.lesson_cancel(by=adviser, lesson=cancelled, reason="Véhicule en panne")
    mark(adviser, code, ours, "late", late_minutes=20)

    funded = registry.sessions_funded(platform_id=platform.pk, funder_id=funder_org.pk, **period())
    assert [session.session for session in funded] == [pre, code]
    code_sheet = funded[1]
    assert code_sheet.kind == "lesson_sheet"
    assert code_sheet.leader == instructor.get_full_name()
    assert code_sheet.url == reverse("drivingschool:attendance_sheet", args=[code.pk])
    by_key = {line.key: line for line in code_sheet.lines}
    assert by_key[f"attendance:{ours.pk}"].funded
    assert by_key[f"attendance:{ours.pk}"].late_minutes == 20
    assert by_key[f"attendance:{ours.pk}"].attended
    # The whole sheet is listed (it is signed whole), the other funder's place unpaid here.
    assert not by_key[f"attendance:{theirs.pk}"].funded
    assert by_key[f"attendance:{theirs.pk}"].status == ""
    assert by_key[f"attendance:{theirs.pk}"].status_label == "pas émargé"

    # The other funder pays for the driving stage of ours and the code stage of theirs.
    kinds = [
        (session.session.kind, sorted(line.funded for line in session.lines))
        for session in registry.sessions_funded(
            platform_id=platform.pk, funder_id=other_funder.pk, **period()
        )
    ]
    assert kinds == [("theory", [True]), ("driving", [True]), ("theory", [False, True])]


@pytest.mark.parametrize("lessons", [1, 5])
def test_the_selector_reads_in_fixed_queries(
    prescriber_org, adviser, funder_org, platform, lessons, django_assert_num_queries
):
    people = [enrol(prescriber_org, adviser, theory_funder=funder_org) for _ in range(2)]
    for days_ago in range(1, lessons + 1):
        held = lesson(adviser, people, days_ago=days_ago)
        mark(adviser, held, people[0])
    with django_assert_num_queries(4):
        funded = selectors.funded_sessions(
            platform_id=platform.pk, funder_id=funder_org.pk, **period()
        )
    assert len(funded) == lessons
