"""The auto-école pages: week, attendance sheet, enrolment, forms, programme, access."""

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from drivingschool import services
from drivingschool.models import Attendance, Enrolment, ExamAttempt, FundingTranche, Lesson
from mobility.models import Notification
from tests.conftest import logged_in
from tests.drivingschool.conftest import enrol, lesson, mark, open_pathway
from tests.factories import member
from tests.nothing_written import nothing_written
from tests.pdf_text import PERSON, check_pdf

pytestmark = pytest.mark.django_db


def text(page: str) -> str:
    """The page as a person reads it (entities decoded)."""
    return html.unescape(page)


def week_url():
    return reverse("drivingschool:week")


def sheet_url(lesson_):
    return reverse("drivingschool:attendance_sheet", args=[lesson_.pk])


def detail_url(enrolment):
    return reverse("drivingschool:enrolment_detail", args=[enrolment.pk])


# ---- the week


def test_the_instructor_sees_the_lessons_of_the_week_and_what_is_left_to_mark(
    instructor, enrolment
):
    todo = lesson(instructor, [enrolment], days_ago=0, minutes=60)
    todo.start = timezone.now() - timedelta(minutes=5)
    page = text(logged_in(instructor).get(week_url()).content.decode())
    assert "Faire l'émargement" in page
    assert enrolment.beneficiary.full_name in page
    assert sheet_url(todo) in page


def test_another_week_is_reached_by_its_iso_number(instructor, enrolment):
    past = lesson(instructor, [enrolment], days_ago=21)
    year, week, _ = timezone.localdate(past.start).isocalendar()
    page = logged_in(instructor).get(week_url(), {"semaine": f"{year}-W{week:02d}"})
    assert sheet_url(past) in page.content.decode()
    assert logged_in(instructor).get(week_url(), {"semaine": "n'importe"}).status_code == 200


def test_the_week_shows_only_my_lessons_unless_asked(instructor, enrolment, platform):
    colleague = member("instructor", platform)
    theirs = lesson(colleague, [enrolment], days_ago=0)
    client = logged_in(instructor)
    assert sheet_url(theirs) not in text(client.get(week_url()).content.decode())
    assert sheet_url(theirs) in text(client.get(week_url(), {"tous": "1"}).content.decode())


def test_the_week_query_count_does_not_grow_with_lessons(
    instructor, adviser, prescriber_org, django_assert_max_num_queries
):
    people = [enrol(prescriber_org, adviser) for _ in range(3)]
    lesson(instructor, people, days_ago=0)
    client = logged_in(instructor)
    with django_assert_max_num_queries(20) as first:
        client.get(week_url())
    for _ in range(5):
        lesson(instructor, people, days_ago=0)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(week_url())


# ---- the attendance sheet


def test_the_sheet_saves_every_row_in_one_post(instructor, adviser, prescriber_org):
    people = [enrol(prescriber_org, adviser) for _ in range(3)]
    held = lesson(instructor, people)
    response = logged_in(instructor).post(
        sheet_url(held),
        {
            f"status_{people[0].pk}": "present",
            f"status_{people[1].pk}": "late",
            f"late_minutes_{people[1].pk}": "10",
            f"status_{people[2].pk}": "unexcused",
        },
    )
    assert response.status_code == 302
    statuses = dict(Attendance.objects.values_list("enrolment_id", "status"))
    assert statuses == {people[0].pk: "present", people[1].pk: "late", people[2].pk: "unexcused"}
    assert Notification.objects.filter(event="absence_unexcused").count() == 1


def test_a_late_row_without_minutes_shows_the_error_on_that_row(instructor, enrolment):
    held = lesson(instructor, [enrolment])
    response = logged_in(instructor).post(sheet_url(held), {f"status_{enrolment.pk}": "late"})
    assert response.status_code == 422
    page = text(response.content.decode())
    assert "Indiquez le retard en minutes" in page
    assert "sheet-row--error" in page
    assert Attendance.objects.count() == 0


def test_an_excused_row_without_reason_is_refused(instructor, enrolment):
    held = lesson(instructor, [enrolment])
    response = logged_in(instructor).post(sheet_url(held), {f"status_{enrolment.pk}": "excused"})
    assert response.status_code == 422
    assert "demande son motif" in text(response.content.decode())


def test_an_empty_sheet_asks_for_at_least_one_row(instructor, enrolment):
    held = lesson(instructor, [enrolment])
    response = logged_in(instructor).post(sheet_url(held), {})
    assert response.status_code == 422
    assert "au moins une personne" in text(response.content.decode())


def test_the_sheet_shows_what_was_recorded(instructor, enrolment):
    held = lesson(instructor, [enrolment])
    mark(instructor, held, enrolment, "late", late_minutes=7)
    page = text(logged_in(instructor).get(sheet_url(held)).content.decode())
    assert 'value="late"' in page and "checked" in page
    assert 'value="7"' in page


def test_a_future_lesson_has_no_form(instructor, enrolment):
    upcoming = lesson(instructor, [enrolment], days_ago=-1)
    client = logged_in(instructor)
    page = text(client.get(sheet_url(upcoming)).content.decode())
    assert "pas encore commencé" in page
    assert "Enregistrer l'émargement" not in page
    assert (
        client.post(sheet_url(upcoming), {f"status_{enrolment.pk}": "present"}).status_code == 403
    )


def test_the_sheet_query_count_does_not_grow_with_people(
    instructor, adviser, prescriber_org, django_assert_max_num_queries
):
    people = [enrol(prescriber_org, adviser) for _ in range(2)]
    small = lesson(instructor, people)
    client = logged_in(instructor)
    with django_assert_max_num_queries(15) as first:
        client.get(sheet_url(small))
    big = lesson(instructor, people + [enrol(prescriber_org, adviser) for _ in range(6)])
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(sheet_url(big))


def test_saving_the_sheet_costs_the_same_queries_for_3_or_12_people(
    instructor, adviser, prescriber_org
):
    client = logged_in(instructor)
    counts = []
    for size in (3, 12):
        people = [enrol(prescriber_org, adviser, signed=True) for _ in range(size)]
        held = lesson(instructor, people, kind="driving", minutes=60)
        form = {}
        for person, status in zip(people, ["present", "late", "unexcused"] * size, strict=False):
            form[f"status_{person.pk}"] = status
            if status == "late":
                form[f"late_minutes_{person.pk}"] = "5"
        with CaptureQueriesContext(connection) as saved:
            assert client.post(sheet_url(held), form).status_code == 302
        assert Attendance.objects.filter(lesson=held).count() == size
        counts.append(len(saved.captured_queries))
    assert counts[0] == counts[1]


# ---- the enrolment page


def test_the_enrolment_page_shows_calendar_gate_and_exams(instructor, adviser, enrolment):
    held = [lesson(instructor, [enrolment], days_ago=d) for d in (4, 3, 2, 1)]
    mark(instructor, held[0], enrolment, "present")
    mark(instructor, held[1], enrolment, "late", late_minutes=15)
    mark(instructor, held[2], enrolment, "unexcused")
    lesson(instructor, [enrolment], days_ago=-3)
    page = text(logged_in(adviser).get(detail_url(enrolment)).content.decode())
    assert "66 %" in page  # 2 of 3 marked lessons attended; the 4th is not marked yet
    assert "att--late" in page and "◔15" in page
    assert "att--unexcused" in page
    assert "att--unrecorded" in page
    assert "att--upcoming" in page
    assert "1 séance passée attend son émargement" in page
    assert "L'examen du code n'est pas encore réussi." in page
    assert "Assiduité de 66 %, en dessous du minimum de 80 %." in page
    assert "Le contrat pédagogique n'est pas encore signé." in page


def test_the_enrolment_page_query_count_does_not_grow_with_lessons(
    instructor, adviser, enrolment, django_assert_max_num_queries
):
    mark(instructor, lesson(instructor, [enrolment]), enrolment)
    client = logged_in(adviser)
    with django_assert_max_num_queries(30) as first:
        client.get(detail_url(enrolment))
    for days_ago in range(2, 12):
        mark(instructor, lesson(instructor, [enrolment], days_ago=days_ago), enrolment, "late", 5)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(detail_url(enrolment))


def test_the_learning_agreement_is_a_pdf(adviser, prescriber_org):
    enrolment = services.enrolment_create(
        by=adviser,
        pathway=open_pathway(prescriber_org, adviser, **PERSON),
        start_date=timezone.localdate(),
        theory_hours=Decimal("20"),
        driving_hours=Decimal("30"),
    )
    response = logged_in(adviser).get(reverse("drivingschool:agreement_pdf", args=[enrolment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    # A contract names who signs it, the hours and the quote (50 h × 6,00 €); not the
    # person's phone or email.
    check_pdf(
        response.content,
        has=[
            "Yasmina BELKACEM-ROUX, né·e le 14 février 1997",
            PERSON["address"],
            "Total du devis 300,00 €",
            "Tranche 1, le code : 120,00 €",
            "Tranche 2, la conduite : 180,00 €",
        ],
        never=[PERSON["email"], PERSON["phone"]],
    )


def test_signing_then_exam_then_the_gate_opens_from_the_page(instructor, adviser, enrolment):
    for days_ago in (3, 2):
        mark(instructor, lesson(instructor, [enrolment], days_ago=days_ago), enrolment)
    client = logged_in(adviser)
    today = timezone.localdate().isoformat()
    url = reverse("drivingschool:agreement_sign", args=[enrolment.pk])
    assert client.post(url, {"signed_on": today}).status_code == 302
    url = reverse("drivingschool:exam_record", args=[enrolment.pk])
    assert client.post(url, {"kind": "theory", "date": today, "passed": "1"}).status_code == 302
    statuses = dict(
        FundingTranche.objects.filter(enrolment=enrolment).values_list("kind", "status")
    )
    assert statuses == {"theory": "released", "practical": "released"}
    url = reverse("drivingschool:tranche_paid", args=[enrolment.pk, "theory"])
    assert client.post(url, {"paid_on": today}).status_code == 302
    assert FundingTranche.objects.get(enrolment=enrolment, kind="theory").status == "paid"


def test_an_exam_before_any_lesson_is_refused_on_the_page(instructor, enrolment):
    url = reverse("drivingschool:exam_record", args=[enrolment.pk])
    response = logged_in(instructor).post(
        url, {"kind": "theory", "date": timezone.localdate().isoformat(), "passed": "1"}
    )
    assert response.status_code == 422
    assert "précéder la formation" in text(response.content.decode())
    assert ExamAttempt.objects.count() == 0


def test_releasing_a_blocked_tranche_from_the_page_needs_an_admin_and_a_reason(
    adviser, admin_user, enrolment
):
    url = reverse("drivingschool:tranche_release", args=[enrolment.pk, "practical"])
    response = logged_in(adviser).post(url, {"override_reason": ""})
    assert response.status_code == 302
    assert FundingTranche.objects.get(enrolment=enrolment, kind="practical").status == "pending"
    response = logged_in(adviser).post(url, {"override_reason": "Accord du financeur."})
    assert response.status_code == 302
    assert FundingTranche.objects.get(enrolment=enrolment, kind="practical").status == "pending"
    response = logged_in(admin_user).post(url, {"override_reason": "Accord écrit du 3 mars."})
    assert response.status_code == 302
    tranche = FundingTranche.objects.get(enrolment=enrolment, kind="practical")
    assert (tranche.status, tranche.override_reason) == ("released", "Accord écrit du 3 mars.")
    page = text(logged_in(admin_user).get(detail_url(enrolment)).content.decode())
    assert "Déblocage forcé par" in page


def test_two_released_tranches_each_have_a_labelled_payment_date(adviser, admin_user, enrolment):
    """Two "Noter le versement" forms on one page: each date field has its own id and its
    own label (a shared `id_paid_on` left the second without one), and a payment noted on
    the second tranche lands on it."""
    today = timezone.localdate()
    services.enrolment_sign_agreement(by=adviser, enrolment=enrolment, signed_on=today)
    logged_in(admin_user).post(
        reverse("drivingschool:tranche_release", args=[enrolment.pk, "practical"]),
        {"override_reason": "Accord écrit du 3 mars."},
    )
    page = logged_in(adviser).get(detail_url(enrolment)).content.decode()

    ids = re.findall(r'<input[^>]* id="(id_\w*paid_on)"', page)
    assert sorted(ids) == ["id_practical_paid_on", "id_theory_paid_on"]
    for field_id in ids:
        assert f'for="{field_id}"' in page

    response = logged_in(adviser).post(
        reverse("drivingschool:tranche_paid", args=[enrolment.pk, "practical"]),
        {"paid_on": "not a date"},
    )
    assert response.status_code == 422
    answer = html.unescape(response.content.decode())
    assert answer.count("Saisissez une date valide.") == 1
    assert 'value="not a date"' in answer and 'id="id_practical_paid_on"' in answer
    assert FundingTranche.objects.get(enrolment=enrolment, kind="practical").paid_on is None


def test_an_adviser_excludes_from_the_page_and_an_instructor_cannot(instructor, adviser, enrolment):
    url = reverse("drivingschool:enrolment_exclude", args=[enrolment.pk])
    instructor_client = logged_in(instructor)
    with nothing_written():
        assert instructor_client.post(url, {"reason": "Absences."}).status_code == 403
    response = logged_in(adviser).post(url, {"reason": ""})
    assert response.status_code == 422
    assert logged_in(adviser).post(url, {"reason": "Absences répétées."}).status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == "excluded"
    assert enrolment.excluded_by == adviser
    page = text(logged_in(adviser).get(detail_url(enrolment)).content.decode())
    assert "Absences répétées." in page


def test_exclusion_proposed_is_shown_with_the_threshold(instructor, adviser, enrolment):
    for days_ago in (3, 2, 1):
        mark(instructor, lesson(instructor, [enrolment], days_ago=days_ago), enrolment, "unexcused")
    page = text(logged_in(adviser).get(detail_url(enrolment)).content.decode())
    assert "3 absences injustifiées : le programme propose l'exclusion à partir de 3." in page


# ---- forms: enrolment, lesson, programme


def test_an_adviser_enrols_from_the_page(adviser, prescriber_org, funder_org):
    pathway = open_pathway(prescriber_org, adviser)
    client = logged_in(adviser)
    url = reverse("drivingschool:enrolment_create")
    assert client.get(url, {"parcours": pathway.pk}).status_code == 200
    response = client.post(
        url,
        {
            "pathway": pathway.pk,
            "start_date": timezone.localdate().isoformat(),
            "theory_hours": "20",
            "driving_hours": "30",
            "hourly_rate": "6.00",
            "practical_funder": funder_org.pk,
        },
    )
    enrolment = Enrolment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(enrolment)
    assert enrolment.quote_total == Decimal("300.00")


def test_enrolling_without_hours_nor_diagnostic_asks_for_them(adviser, prescriber_org):
    pathway = open_pathway(prescriber_org, adviser)
    response = logged_in(adviser).post(
        reverse("drivingschool:enrolment_create"),
        {"pathway": pathway.pk, "start_date": timezone.localdate().isoformat(), "hourly_rate": "6"},
    )
    assert response.status_code == 200
    assert "indiquez-les" in text(response.content.decode())
    assert Enrolment.objects.count() == 0


def test_an_instructor_schedules_a_group_lesson_from_the_page(instructor, adviser, prescriber_org):
    people = [enrol(prescriber_org, adviser) for _ in range(2)]
    response = logged_in(instructor).post(
        reverse("drivingschool:lesson_create"),
        {
            "kind": "theory",
            "day": (timezone.localdate() + timedelta(days=1)).isoformat(),
            "time": "09:30",
            "duration_minutes": "120",
            "instructor": instructor.pk,
            "enrolments": [p.pk for p in people],
        },
    )
    assert response.status_code == 302
    created = Lesson.objects.get()
    assert created.enrolments.count() == 2
    assert timezone.localtime(created.start).strftime("%H:%M") == "09:30"


def test_the_admin_edits_the_programme_numbers(admin_user, adviser):
    url = reverse("drivingschool:programme")
    client = logged_in(admin_user)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Permis pour l'emploi",
            "hourly_rate": "6.50",
            "exclusion_threshold": "2",
            "attendance_threshold": "0.75",
            "excused_count_as_held": "",
            "theory_departmental_pass_rate": "0.58",
            "driving_departmental_pass_rate": "",
        },
    )
    assert response.status_code == 302
    programme = services.programme_for(admin_user.memberships.get().platform)
    assert programme.attendance_threshold == Decimal("0.75")
    assert programme.excused_count_as_held is False
    assert programme.history.first().history_user == admin_user
    assert logged_in(adviser).get(url).status_code == 403


def test_the_home_lists_enrolments_and_pass_rates(instructor, adviser, prescriber_org):
    one = enrol(prescriber_org, adviser)
    mark(instructor, lesson(instructor, [one], days_ago=2), one)
    services.exam_record(
        by=instructor, enrolment=one, kind="theory", exam_date=timezone.localdate(), passed=True
    )
    page = text(logged_in(adviser).get(reverse("drivingschool:home")).content.decode())
    assert one.beneficiary.full_name in page
    assert "100 %" in page
    assert "Moyenne départementale" in page


def test_the_home_shows_both_pass_rates_and_compares_the_department_per_sitting(
    instructor, adviser, prescriber_org
):
    """Failed then passed: 1 of 1 person (100 %), 1 of 2 sittings (50 %), against 60 %."""
    one = enrol(prescriber_org, adviser)
    programme = one.programme
    programme.theory_departmental_pass_rate = Decimal("0.600")
    programme.save()
    mark(instructor, lesson(instructor, [one], days_ago=3), one)
    today = timezone.localdate()
    for days_ago, passed in ((2, False), (0, True)):
        services.exam_record(
            by=instructor,
            enrolment=one,
            kind="theory",
            exam_date=today - timedelta(days=days_ago),
            passed=passed,
        )
    page = text(logged_in(adviser).get(reverse("drivingschool:home")).content.decode())
    assert "Par passage" in page and "Par personne" in page
    words = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Code (ETG) 2 1 50 % 60 % écart −10 pts 1 1 100 %" in words


def test_the_home_query_count_does_not_grow_with_enrolments(
    adviser, prescriber_org, django_assert_max_num_queries
):
    enrol(prescriber_org, adviser)
    client = logged_in(adviser)
    with django_assert_max_num_queries(25) as first:
        client.get(reverse("drivingschool:home"))
    for _ in range(5):
        enrol(prescriber_org, adviser)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("drivingschool:home"))


def test_the_beneficiary_file_shows_the_enrolment(adviser, instructor, enrolment, fleet_user):
    url = reverse("beneficiary_detail", args=[enrolment.beneficiary.pk])
    page = text(logged_in(adviser).get(url).content.decode())
    assert detail_url(enrolment) in page
    assert detail_url(enrolment) not in text(logged_in(fleet_user).get(url).content.decode())


# ---- access


PAGES = [
    ("drivingschool:home", False),
    ("drivingschool:week", False),
    ("drivingschool:lesson_create", False),
    ("drivingschool:enrolment_create", False),
    ("drivingschool:enrolment_detail", True),
    ("drivingschool:agreement_pdf", True),
]


@pytest.mark.parametrize(("name", "needs_pk"), PAGES)
@pytest.mark.parametrize("role", ["prescriber", "funder", "fleet"])
def test_other_roles_get_the_403_page(platform, enrolment, name, needs_pk, role):
    url = reverse(name, args=[enrolment.pk] if needs_pk else [])
    assert logged_in(member(role, platform)).get(url).status_code == 403


def test_another_platforms_staff_get_404s(other_adviser, other_instructor, instructor, enrolment):
    held = lesson(instructor, [enrolment])
    assert logged_in(other_adviser).get(detail_url(enrolment)).status_code == 404
    response = logged_in(other_instructor).post(
        sheet_url(held), {f"status_{enrolment.pk}": "unexcused"}
    )
    assert response.status_code == 404
    assert Attendance.objects.count() == 0


def test_anonymous_visitors_are_sent_to_sign_in(enrolment, client):
    response = client.get(detail_url(enrolment))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
