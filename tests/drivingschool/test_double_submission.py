"""An attendance sheet, an exam or a funder's payment sent twice records once."""

import pytest
from django.urls import reverse
from django.utils import timezone

from drivingschool.models import Attendance, ExamAttempt, FundingTranche
from mobility.models import Notification
from tests.conftest import logged_in
from tests.drivingschool.conftest import lesson, mark
from tests.form_posts import form_token, rendered_tokens

pytestmark = pytest.mark.django_db


def test_an_attendance_sheet_sent_twice_is_recorded_once(instructor, enrolment):
    held = lesson(instructor, [enrolment])
    client = logged_in(instructor)
    url = reverse("drivingschool:attendance_sheet", args=[held.pk])
    token = form_token(client, url)

    client.post(url, {"form_token": token, f"status_{enrolment.pk}": "unexcused"})
    # The second send, even changed meanwhile on the tablet, writes nothing.
    second = client.post(
        url, {"form_token": token, f"status_{enrolment.pk}": "present"}, follow=True
    )

    attendance = Attendance.objects.get()
    assert attendance.status == "unexcused"
    assert attendance.history.count() == 1
    assert Notification.objects.filter(event="absence_unexcused").count() == 1
    assert any("déjà été envoyé" in str(m) for m in second.context["messages"])


def test_a_new_sheet_rendered_after_the_first_may_correct_it(instructor, enrolment):
    held = lesson(instructor, [enrolment])
    client = logged_in(instructor)
    url = reverse("drivingschool:attendance_sheet", args=[held.pk])
    client.post(
        url,
        {
            "form_token": form_token(client, url),
            f"status_{enrolment.pk}": "late",
            f"late_minutes_{enrolment.pk}": "5",
        },
    )

    client.post(url, {"form_token": form_token(client, url), f"status_{enrolment.pk}": "present"})

    assert Attendance.objects.get().status == "present"


def test_an_exam_sent_twice_is_one_attempt(adviser, instructor, enrolment):
    mark(instructor, lesson(instructor, [enrolment], days_ago=3), enrolment)
    client = logged_in(adviser)
    detail = reverse("drivingschool:enrolment_detail", args=[enrolment.pk])
    data = {
        "form_token": form_token(client, detail),
        "kind": "theory",
        "date": timezone.localdate().isoformat(),
        "passed": "0",
    }
    url = reverse("drivingschool:exam_record", args=[enrolment.pk])

    client.post(url, data)
    client.post(url, data)

    assert ExamAttempt.objects.count() == 1


def test_each_tranche_form_has_its_own_token_and_is_recorded_once(adviser, instructor, enrolment):
    for days_ago in (3, 2):
        mark(instructor, lesson(instructor, [enrolment], days_ago=days_ago), enrolment)
    client = logged_in(adviser)
    today = timezone.localdate().isoformat()
    client.post(reverse("drivingschool:agreement_sign", args=[enrolment.pk]), {"signed_on": today})
    client.post(
        reverse("drivingschool:exam_record", args=[enrolment.pk]),
        {"kind": "theory", "date": today, "passed": "1"},
    )
    detail = reverse("drivingschool:enrolment_detail", args=[enrolment.pk])
    exam_token, theory_token, practical_token = rendered_tokens(client, detail)
    assert len({exam_token, theory_token, practical_token}) == 3

    theory = reverse("drivingschool:tranche_paid", args=[enrolment.pk, "theory"])
    practical = reverse("drivingschool:tranche_paid", args=[enrolment.pk, "practical"])
    client.post(theory, {"form_token": theory_token, "paid_on": today})
    again = client.post(theory, {"form_token": theory_token, "paid_on": today}, follow=True)
    client.post(practical, {"form_token": practical_token, "paid_on": today})

    assert set(FundingTranche.objects.values_list("status", flat=True)) == {"paid"}
    assert any("déjà été envoyé" in str(m) for m in again.context["messages"])
