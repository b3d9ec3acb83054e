"""An instructor's day, counted in Chromium (tests/e2e/journeys.py): from their week to the
attendance sheet of this morning's code lesson, one submit on a tablet, and the person
whose code exam is passed sees their driving tranche open."""

from datetime import timedelta

import pytest
from django.utils import timezone

from drivingschool import services
from drivingschool.models import Attendance, FundingTranche
from tests.drivingschool.conftest import enrol
from tests.e2e.conftest import headless_chromium
from tests.e2e.journeys import Journey
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tablet():
    driver = headless_chromium(window_size="820,1180")
    yield driver
    driver.quit()


def test_an_instructor_fills_a_sheet_and_the_driving_tranche_opens(
    tablet, live_server, instructor, adviser, prescriber_org
):
    people = [enrol(prescriber_org, adviser, signed=True) for _ in range(3)]
    start = timezone.now().replace(microsecond=0) - timedelta(hours=3)
    held = services.lesson_schedule(
        by=instructor,
        platform=people[0].platform,
        kind="theory",
        start=start,
        duration_minutes=120,
        enrolments=people,
        instructor=instructor,
    )
    services.exam_record(
        by=instructor,
        enrolment=people[0],
        kind="theory",
        exam_date=timezone.localdate(start),
        passed=True,
    )
    practical = FundingTranche.objects.get(enrolment=people[0], kind="practical")
    assert practical.status == "pending"  # no attendance yet: blocked
    journey = Journey(tablet, live_server, "moniteur-emargement-tranche")

    journey.sign_in(instructor.username, PASSWORD)
    assert journey.path.startswith("/auto-ecole/semaine/")  # instructors land on their week
    if timezone.localdate(start).isocalendar()[:2] != timezone.localdate().isocalendar()[:2]:
        journey.follow("Semaine précédente")  # run just after midnight on a Monday
    journey.follow("Faire l'émargement")
    journey.tick("button[data-all-present]")  # one tap marks everyone present
    journey.press_text("Enregistrer l'émargement")

    assert Attendance.objects.filter(lesson=held, status="present").count() == 3
    practical.refresh_from_db()
    assert practical.status == "released"
    journey.follow("Inscriptions")
    assert "débloquée" in journey.page
    journey.follow(people[0].pathway.beneficiary.full_name)
    assert "Débloquée" in journey.page or "débloquée" in journey.page
    line = journey.report()
    # Sign-in, week, sheet, week again, the enrolments, the person's enrolment.
    assert journey.pages <= 6 + 1, line
