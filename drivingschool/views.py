"""The auto-école sociale pages: the instructor's week, the attendance sheet (tablet),
enrolments with their attendance calendar, exams and funding, the programme.

As thin as the API handlers: parse a form, call one service, show the result. Every
queryset goes through `for_user`; an object outside it is a 404.
"""

from __future__ import annotations

import calendar
import datetime as dt
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from drivingschool import assiduity, pdf, selectors, services
from drivingschool import signing as school_signing
from drivingschool.enums import (
    DECISION_ROLES,
    SCHOOL_ROLES,
    AttendanceStatus,
    EnrolmentStatus,
    TrancheKind,
)
from drivingschool.forms import (
    AgreementForm,
    AttendanceSheetForm,
    EnrolmentForm,
    ExamForm,
    ExcludeForm,
    LessonForm,
    PaidForm,
    ProgrammeForm,
    ReleaseForm,
)
from drivingschool.models import Enrolment, FundingTranche, Lesson
from mobility import attendance_sheets, form_tokens, weeks
from mobility.enums import Role
from mobility.errors import DomainError, InvalidInput
from mobility.form_tokens import one_time_form
from mobility.forms import HandoverSignatureForm, PaperScanForm, add_domain_errors
from mobility.models import Pathway, Platform
from mobility.signing_pages import signed_document_panel
from mobility.views import role_required

PAGE_SIZE = 25
school_staff = role_required(*SCHOOL_ROLES)


# ---- enrolments list and pass rates


@school_staff
def home(request):
    user = request.user
    status = request.GET.get("statut", EnrolmentStatus.ACTIVE)
    enrolments = (
        Enrolment.objects.for_user(user)
        .select_related("programme", "pathway__beneficiary")
        .order_by("pathway__beneficiary__last_name", "pathway__beneficiary__first_name", "pk")
    )
    if status in EnrolmentStatus.values:
        enrolments = enrolments.filter(status=status)
    query = request.GET.get("q", "").strip()
    if query:
        for word in query.split():
            enrolments = enrolments.filter(
                Q(pathway__beneficiary__last_name__icontains=word)
                | Q(pathway__beneficiary__first_name__icontains=word)
            )
    page = Paginator(enrolments, PAGE_SIZE).get_page(request.GET.get("page"))
    states = selectors.states_for(page.object_list)
    rows = [(enrolment, states[enrolment.pk]) for enrolment in page.object_list]
    platforms = Platform.objects.filter(pk__in=user.platform_ids(SCHOOL_ROLES)).order_by("name")
    rates = []
    for platform in platforms:
        programme = services.programme_for(platform)
        rates.append((programme, selectors.pass_rates(platform.pk, programme)))
    return render(
        request,
        "drivingschool/home.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "query": query,
            "statuses": EnrolmentStatus.choices,
            "rates": rates,
            "is_admin": bool(user.platform_ids({Role.ADMIN}) & user.platform_ids(SCHOOL_ROLES)),
        },
    )


@school_staff
def enrolment_create(request):
    user = request.user
    initial = {"start_date": timezone.localdate()}
    pathway_id = request.GET.get("parcours")
    suggestion = group = None
    if pathway_id and pathway_id.isdigit():
        pathway = (
            Pathway.objects.for_user(user)
            .filter(pk=pathway_id, platform_id__in=user.platform_ids(SCHOOL_ROLES))
            .select_related("platform")
            .first()
        )
        if pathway is not None:
            initial["pathway"] = pathway.pk
            programme = services.programme_for(pathway.platform)
            initial["hourly_rate"] = programme.hourly_rate
            group = selectors.orientation_group_for(pathway)
            suggestion = assiduity.suggested_hours(group, programme.suggested_hours)
    if "hourly_rate" not in initial:
        platform_ids = sorted(user.platform_ids(SCHOOL_ROLES))
        platform = Platform.objects.filter(pk__in=platform_ids[:1]).first()
        initial["hourly_rate"] = services.programme_for(platform).hourly_rate
    form = EnrolmentForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enrolment = services.enrolment_create(
                by=user,
                pathway=data["pathway"],
                start_date=data["start_date"],
                theory_hours=data["theory_hours"],
                driving_hours=data["driving_hours"],
                hourly_rate=data["hourly_rate"],
                theory_funder=data["theory_funder"],
                practical_funder=data["practical_funder"],
                pre_training_hours=data["pre_training_hours"],
            )
        except DomainError as error:
            add_domain_errors(form, error, aliases={"pathway_id": "pathway"})
        else:
            messages.success(
                request,
                _(
                    "Inscription enregistrée : devis de %(total)s €. "
                    "Le ou la référent·e est informé·e."
                )
                % {"total": formats.localize(enrolment.quote_total)},
            )
            return redirect("drivingschool:enrolment_detail", pk=enrolment.pk)
    return render(
        request,
        "drivingschool/enrolment_form.html",
        {"form": form, "suggestion": suggestion, "group": group},
    )


# ---- one enrolment


@dataclass
class Day:
    date: dt.date
    in_month: bool
    entries: list = field(default_factory=list)


@dataclass
class Month:
    first: dt.date
    weeks: list


@dataclass(frozen=True)
class CalendarEntry:
    lesson: Lesson
    state: str  # an AttendanceStatus, "unrecorded", "upcoming" or "cancelled"
    label: str
    late_minutes: int | None = None
    reason: str = ""


def attendance_calendar(lessons, attendance_by_lesson, *, now) -> list[Month]:
    """Month grids (Monday first) of the person's lessons, each with its sheet's state."""
    entries = {}
    labels = dict(AttendanceStatus.choices)
    for lesson in lessons:
        attendance = attendance_by_lesson.get(lesson.pk)
        if lesson.is_cancelled:
            entry = CalendarEntry(lesson, "cancelled", _("séance annulée"))
        elif attendance is not None:
            entry = CalendarEntry(
                lesson,
                attendance.status,
                str(labels[attendance.status]),
                attendance.late_minutes,
                attendance.reason,
            )
        elif lesson.start > now:
            entry = CalendarEntry(lesson, "upcoming", _("à venir"))
        else:
            entry = CalendarEntry(lesson, "unrecorded", _("émargement à faire"))
        entries.setdefault(_local_day(lesson.start), []).append(entry)
    if not entries:
        return []
    first, last = min(entries), max(entries)
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    if span <= CALENDAR_MAX_MONTHS:
        firsts = [_add_months(first.replace(day=1), offset) for offset in range(span)]
    else:  # lessons years apart: only their months, never thousands of empty ones
        firsts = sorted({day.replace(day=1) for day in entries})
    weeks_of = calendar.Calendar(firstweekday=0)
    months = []
    for month in firsts:
        try:
            dates = weeks_of.monthdatescalendar(month.year, month.month)
        except (OverflowError, ValueError):  # December 9999: its last week is out of range
            continue
        weeks = [
            [Day(day, day.month == month.month, entries.get(day, [])) for day in week]
            for week in dates
        ]
        months.append(Month(month, weeks))
    return months


# The longest stretch of consecutive months the attendance calendar draws.
CALENDAR_MAX_MONTHS = 36


def _add_months(first: dt.date, count: int) -> dt.date:
    index = first.month - 1 + count
    return dt.date(first.year + index // 12, index % 12 + 1, 1)


def _local_day(moment: dt.datetime) -> dt.date:
    """The local day of `moment`, or its UTC day at the very ends of the calendar."""
    try:
        return timezone.localdate(moment)
    except (OverflowError, ValueError):
        return moment.date()


def _enrolment_for(request, pk) -> Enrolment:
    return get_object_or_404(
        Enrolment.objects.for_user(request.user).select_related(
            "programme__platform", "pathway__beneficiary", "excluded_by", "created_by"
        ),
        pk=pk,
    )


def _render_enrolment(request, enrolment, *, status=200, **bound_forms):
    user = request.user
    now = timezone.now()
    state = selectors.state_of(enrolment, now=now)
    lessons = list(enrolment.lessons.select_related("instructor").order_by("start", "pk"))
    attendance_by_lesson = {a.lesson_id: a for a in enrolment.attendances.all()}
    tranches = list(
        enrolment.tranches.select_related("funder", "released_by", "paid_recorded_by").order_by(
            "kind"
        )
    )
    tranches.sort(key=lambda t: t.kind != TrancheKind.THEORY)  # theory first, as paid
    may_decide = enrolment.platform_id in user.platform_ids(DECISION_ROLES)
    context = {
        "enrolment": enrolment,
        "beneficiary": enrolment.pathway.beneficiary,
        "programme": enrolment.programme,
        "state": state,
        "months": attendance_calendar(lessons, attendance_by_lesson, now=now),
        "upcoming": [lesson for lesson in lessons if lesson.start > now][:5],
        "tranches": [
            (tranche, state.gates[tranche.kind], _paid_form(tranche.kind, bound_forms))
            for tranche in tranches
        ],
        "attempts": enrolment.exam_attempts.select_related("recorded_by").order_by("date", "pk"),
        "may_decide": may_decide,
        "is_admin": enrolment.platform_id in user.platform_ids({Role.ADMIN}),
        "exam_form": bound_forms.get("exam_form")
        or ExamForm(initial={"date": timezone.localdate(), "kind": "theory"}),
        "agreement_form": bound_forms.get("agreement_form")
        or AgreementForm(initial={"signed_on": timezone.localdate()}),
        "exclude_form": bound_forms.get("exclude_form") or ExcludeForm(),
        "release_form": bound_forms.get("release_form") or ReleaseForm(),
        "release_kind": bound_forms.get("release_kind"),
        "threshold_percent": int(enrolment.programme.attendance_threshold * 100),
        "agreement": signed_document_panel(
            user=user,
            signable=school_signing.agreement_signable(enrolment),
            title=_("Contrat pédagogique signé"),
            person_name=enrolment.pathway.beneficiary.full_name,
            sign_url=reverse("drivingschool:agreement_tablet_sign", args=[enrolment.pk]),
            scan_url=reverse("drivingschool:agreement_scan", args=[enrolment.pk]),
            print_url=reverse("drivingschool:agreement_pdf", args=[enrolment.pk]),
            sign_form=bound_forms.get("agreement_sign_form"),
            scan_form=bound_forms.get("agreement_scan_form"),
        ),
    }
    return render(request, "drivingschool/enrolment_detail.html", context, status=status)


@school_staff
def enrolment_detail(request, pk):
    return _render_enrolment(request, _enrolment_for(request, pk))


@school_staff
def agreement_pdf(request, pk):
    enrolment = _enrolment_for(request, pk)
    response = HttpResponse(pdf.agreement_pdf(enrolment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf.agreement_filename(enrolment)}"'
    return response


def _paid_form(kind: str, bound_forms: dict) -> PaidForm:
    """Each released tranche has its own form, with its own field ids: two date fields
    sharing `id_paid_on` would leave one without its label."""
    if bound_forms.get("paid_kind") == kind:
        return bound_forms["paid_form"]
    return PaidForm(initial={"paid_on": timezone.localdate()}, auto_id=f"id_{kind}_%s")


def _act(request, enrolment, form, form_name, action, success: str, **extra):
    """Validate `form`, call `action(**cleaned_data)`; errors go back on the page. A
    one-time form (money, exams) is recorded once however often it is sent."""
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != form_tokens.FIELD_NAME}
        once = (
            form_tokens.submission(request, form, result_url=detail_url(enrolment))
            if isinstance(form, form_tokens.OneTimeForm)
            else nullcontext()
        )
        try:
            with once:
                action(**data)
        except InvalidInput as error:
            add_domain_errors(form, error)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("drivingschool:enrolment_detail", pk=enrolment.pk)
        else:
            messages.success(request, success)
            return redirect("drivingschool:enrolment_detail", pk=enrolment.pk)
    return _render_enrolment(request, enrolment, status=422, **{form_name: form}, **extra)


@require_POST
@school_staff
def agreement_sign(request, pk):
    enrolment = _enrolment_for(request, pk)
    return _act(
        request,
        enrolment,
        AgreementForm(request.POST),
        "agreement_form",
        lambda signed_on: services.enrolment_sign_agreement(
            by=request.user, enrolment=enrolment, signed_on=signed_on
        ),
        _("Contrat pédagogique signé : la tranche 1 (code) est débloquée."),
    )


@require_POST
@school_staff
def agreement_tablet_sign(request, pk):
    """The person and the staff member sign the learning agreement on the tablet."""
    enrolment = _enrolment_for(request, pk)
    user = request.user
    form = HandoverSignatureForm(
        request.POST,
        person_name=enrolment.pathway.beneficiary.full_name,
        staff_name=user.get_full_name() or user.get_username(),
        auto_id="signature_%s",
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            school_signing.agreement_sign(
                enrolment=enrolment,
                by=user,
                beneficiary_image=data["beneficiary_signature"],
                staff_image=data["staff_signature"],
                staff_name=data["staff_name"],
            )
        except InvalidInput as error:
            add_domain_errors(form, error)
        except DomainError as error:
            messages.error(request, error.message)
            return _render_enrolment(request, enrolment, status=error.status_code)
        else:
            messages.success(
                request, _("Contrat pédagogique signé sur tablette : le PDF signé est figé.")
            )
            return redirect(detail_url(enrolment) + "#signature")
    return _render_enrolment(request, enrolment, status=422, agreement_sign_form=form)


@require_POST
@school_staff
def agreement_scan(request, pk):
    """The learning agreement signed on paper: its scan is attached instead."""
    enrolment = _enrolment_for(request, pk)
    form = PaperScanForm(request.POST, request.FILES, auto_id="scan_%s")
    if form.is_valid():
        try:
            school_signing.agreement_scan(
                enrolment=enrolment, by=request.user, file=form.cleaned_data["scan"]
            )
        except InvalidInput as error:
            add_domain_errors(form, error)
        except DomainError as error:
            messages.error(request, error.message)
            return _render_enrolment(request, enrolment, status=error.status_code)
        else:
            messages.success(request, _("Scan du contrat pédagogique signé sur papier joint."))
            return redirect(detail_url(enrolment) + "#signature")
    return _render_enrolment(request, enrolment, status=422, agreement_scan_form=form)


def detail_url(enrolment) -> str:
    return reverse("drivingschool:enrolment_detail", args=[enrolment.pk])


@require_POST
@school_staff
@one_time_form
def exam_record(request, pk):
    enrolment = _enrolment_for(request, pk)
    return _act(
        request,
        enrolment,
        ExamForm(request.POST),
        "exam_form",
        lambda kind, date, passed: services.exam_record(
            by=request.user, enrolment=enrolment, kind=kind, exam_date=date, passed=passed
        ),
        _("Passage d'examen enregistré."),
    )


@require_POST
@role_required(*DECISION_ROLES)
def enrolment_exclude(request, pk):
    enrolment = _enrolment_for(request, pk)
    return _act(
        request,
        enrolment,
        ExcludeForm(request.POST),
        "exclude_form",
        lambda reason: services.enrolment_exclude(
            by=request.user, enrolment=enrolment, reason=reason
        ),
        _("Exclusion enregistrée, avec votre nom et son motif."),
    )


def _tranche_for(enrolment, kind) -> FundingTranche:
    return get_object_or_404(FundingTranche, enrolment=enrolment, kind=kind)


@require_POST
@role_required(*DECISION_ROLES)
def tranche_release(request, pk, kind):
    enrolment = _enrolment_for(request, pk)
    tranche = _tranche_for(enrolment, kind)
    return _act(
        request,
        enrolment,
        ReleaseForm(request.POST),
        "release_form",
        lambda override_reason: services.tranche_release(
            by=request.user, tranche=tranche, override_reason=override_reason
        ),
        _("Tranche débloquée."),
        release_kind=kind,
    )


@require_POST
@role_required(*DECISION_ROLES)
@one_time_form
def tranche_paid(request, pk, kind):
    enrolment = _enrolment_for(request, pk)
    tranche = _tranche_for(enrolment, kind)
    return _act(
        request,
        enrolment,
        PaidForm(request.POST, auto_id=f"id_{kind}_%s"),
        "paid_form",
        lambda paid_on: services.tranche_mark_paid(
            by=request.user, tranche=tranche, paid_on=paid_on
        ),
        _("Versement enregistré."),
        paid_kind=kind,
    )


# ---- the week of lessons and the attendance sheet


def _week_start(request, value: str | None) -> dt.date:
    """Monday of the ISO week `YYYY-Www` (mobility.weeks); this week when absent, and this
    week with a notice when malformed or out of range."""
    if value:
        try:
            return weeks.parse_iso_week(value)
        except weeks.InvalidWeek as error:
            messages.warning(request, _("%(error)s Voici la semaine en cours.") % {"error": error})
    return weeks.week_start(timezone.localdate())


iso_week = weeks.iso_week


@school_staff
def week(request):
    user = request.user
    monday = _week_start(request, request.GET.get("semaine"))
    is_instructor = bool(user.platform_ids({Role.INSTRUCTOR}))
    only_mine = is_instructor and request.GET.get("tous") != "1"
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(days=7), dt.time.min))
    lessons = (
        Lesson.objects.for_user(user)
        .between(start, end)
        .select_related("instructor")
        .prefetch_related(
            Prefetch(
                "enrolments",
                queryset=Enrolment.objects.select_related("pathway__beneficiary").order_by(
                    "pathway__beneficiary__last_name"
                ),
            )
        )
        .annotate(marked=Count("attendances", distinct=True))
        .order_by("start", "pk")
    )
    if only_mine:
        lessons = lessons.filter(instructor=user)
    now = timezone.now()
    by_day = {monday + dt.timedelta(days=offset): [] for offset in range(7)}
    for lesson in lessons:
        lesson.booked = len(lesson.enrolments.all())
        lesson.sheet_state = (
            "cancelled"
            if lesson.is_cancelled
            else "upcoming"
            if lesson.start > now
            else "done"
            if lesson.marked >= lesson.booked
            else "todo"
        )
        by_day[timezone.localdate(lesson.start)].append(lesson)
    days = [(day, items) for day, items in by_day.items() if items or day.weekday() < 5]
    return render(
        request,
        "drivingschool/week.html",
        {
            "days": days,
            "monday": monday,
            "sunday": monday + dt.timedelta(days=6),
            "previous": iso_week(monday - dt.timedelta(days=7)),
            "next": iso_week(monday + dt.timedelta(days=7)),
            "this_week": iso_week(timezone.localdate()),
            "current": iso_week(monday),
            "only_mine": only_mine,
            "is_instructor": is_instructor,
            "today": timezone.localdate(),
        },
    )


@school_staff
def lesson_create(request):
    user = request.user
    initial = {"day": timezone.localdate(), "time": dt.time(9, 0), "kind": "theory"}
    if user.platform_ids({Role.INSTRUCTOR}):
        initial["instructor"] = user.pk
    form = LessonForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enrolments = list(data["enrolments"])
        try:
            lesson = services.lesson_schedule(
                by=user,
                platform=enrolments[0].platform,
                kind=data["kind"],
                start=form.start(),
                duration_minutes=data["duration_minutes"],
                enrolments=enrolments,
                instructor=data["instructor"],
            )
        except DomainError as error:
            add_domain_errors(
                form, error, aliases={"enrolment_ids": "enrolments", "instructor_id": "instructor"}
            )
        else:
            messages.success(request, _("Séance programmée."))
            url = reverse("drivingschool:week")
            return redirect(f"{url}?semaine={iso_week(timezone.localdate(lesson.start))}")
    return render(request, "drivingschool/lesson_form.html", {"form": form})


@school_staff
@one_time_form
def attendance_sheet(request, pk):
    lesson = get_object_or_404(
        Lesson.objects.for_user(request.user).select_related("instructor"), pk=pk
    )
    enrolments = lesson.enrolments.select_related("pathway__beneficiary").order_by(
        "pathway__beneficiary__last_name", "pathway__beneficiary__first_name", "pk"
    )
    current = {attendance.enrolment_id: attendance for attendance in lesson.attendances.all()}
    form = AttendanceSheetForm(
        request.POST if request.method == "POST" else None, enrolments=enrolments, current=current
    )
    started = lesson.has_started()
    week_url = (
        reverse("drivingschool:week") + f"?semaine={iso_week(timezone.localdate(lesson.start))}"
    )
    if request.method == "POST":
        if not started or lesson.is_cancelled:
            raise PermissionDenied
        if form.is_valid():
            rows = form.rows()
            if not rows:
                form.add_error(None, _("Cochez la présence d'au moins une personne."))
            else:
                try:
                    with form_tokens.submission(request, form, result_url=week_url):
                        services.attendance_sheet_submit(
                            by=request.user,
                            lesson=lesson,
                            rows=rows,
                            signatures=form.signatures(),
                            closing=form.closing(),
                        )
                except InvalidInput as error:
                    if not form.add_signature_errors(error.errors):
                        form.add_service_errors(error.errors)
                except DomainError as error:
                    messages.error(request, error.message)
                    return redirect(week_url)
                else:
                    absent = sum(1 for row in rows if row.status == AttendanceStatus.UNEXCUSED)
                    message = ngettext(
                        "Émargement enregistré pour %(count)s personne.",
                        "Émargement enregistré pour %(count)s personnes.",
                        len(rows),
                    ) % {"count": len(rows)}
                    if absent:
                        message += " " + _(
                            "Les référent·es des absent·es sans justification sont prévenu·es."
                        )
                    if form.closing():
                        message += " " + _("La feuille est signée et close.")
                    messages.success(request, message)
                    return redirect(week_url)
    context = {
        "lesson": lesson,
        "form": form,
        "rows": list(form.rows_for_display()),
        "started": started,
        "week_url": week_url,
        "statuses": AttendanceStatus.choices,
    }
    if started and not lesson.is_cancelled:
        context.update(
            attendance_sheets.page_context(
                selectors.sheet_of(lesson),
                scan_url=reverse("drivingschool:attendance_sheet_scan", args=[lesson.pk]),
            )
        )
    return render(
        request,
        "drivingschool/attendance_sheet.html",
        context,
        status=422 if form.errors else 200,
    )


@require_POST
@school_staff
def attendance_sheet_scan(request, pk):
    """The paper path: the scan of the printed sheet, signed by hand, attached instead."""
    lesson = get_object_or_404(Lesson.objects.for_user(request.user), pk=pk)
    sheet_url = reverse("drivingschool:attendance_sheet", args=[lesson.pk])
    form = attendance_sheets.SheetScanForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choisissez le fichier du scan (PDF, JPEG ou PNG)."))
        return redirect(sheet_url)
    try:
        services.attendance_sheet_attach_scan(
            by=request.user, lesson=lesson, file=form.cleaned_data["scan"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Scan de la feuille signée sur papier joint."))
    return redirect(sheet_url)


# ---- programme


@role_required(Role.ADMIN)
def programme_edit(request):
    admin_platforms = request.user.platform_ids({Role.ADMIN})
    platform_id = request.GET.get("plateforme")
    platforms = Platform.objects.filter(pk__in=admin_platforms).order_by("name")
    platform = (
        platforms.filter(pk=platform_id).first()
        if platform_id and platform_id.isdigit()
        else platforms.first()
    )
    if platform is None:
        raise PermissionDenied
    programme = services.programme_for(platform)
    initial = {
        name: getattr(programme, name)
        for name in (
            "name",
            "hourly_rate",
            "exclusion_threshold",
            "attendance_threshold",
            "excused_count_as_held",
            "theory_departmental_pass_rate",
            "driving_departmental_pass_rate",
        )
    }
    form = ProgrammeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(
                by=request.user, programme=programme, data=form.data_for_service()
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _("Programme enregistré. Les financements en cours suivent les nouveaux seuils."),
            )
            return redirect(f"{reverse('drivingschool:programme')}?plateforme={platform.pk}")
    return render(
        request,
        "drivingschool/programme_form.html",
        {"form": form, "programme": programme, "platforms": platforms, "platform": platform},
    )
