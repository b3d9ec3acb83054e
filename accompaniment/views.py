"""The accompaniment pages: the workshop calendar (list and week), a session with its sheet,
the catalogue, and the individual actions recorded from the beneficiary file.

As thin as the API handlers: parse a form, call one service, show the result. Every
queryset goes through `for_user`; an object outside it is a 404.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accompaniment import rules, selectors, services
from accompaniment.enums import ACTION_ROLES, ActionKind, WorkshopAttendance
from accompaniment.forms import (
    ActionForm,
    ActionTypeForm,
    AttendanceSheetForm,
    FollowUpForm,
    RegistrationForm,
    SessionCancelForm,
    SessionForm,
)
from accompaniment.models import Action, ActionType, WorkshopRegistration, WorkshopSession
from mobility import attendance_sheets, form_tokens, weeks
from mobility.enums import Role
from mobility.errors import DomainError, InvalidInput
from mobility.form_tokens import one_time_form
from mobility.forms import add_domain_errors
from mobility.models import Pathway, Platform
from mobility.views import role_required

PAGE_SIZE = 25
action_staff = role_required(*ACTION_ROLES)


def _sessions(user):
    return selectors.sessions_with_counts(WorkshopSession.objects.for_user(user))


# ---- the workshop calendar


@action_staff
def calendar(request):
    """Sessions to come (or past ones), as a list."""
    past = request.GET.get("passees") == "1"
    now = timezone.now()
    sessions = _sessions(request.user)
    sessions = (
        sessions.filter(start__lt=now).order_by("-start", "-pk")
        if past
        else sessions.filter(start__gte=now - dt.timedelta(hours=12)).order_by("start", "pk")
    )
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accompaniment/calendar.html",
        {"page": page, "past": past, "now": now},
    )


@action_staff
def week(request):
    value = request.GET.get("semaine")
    monday = weeks.week_start(timezone.localdate())
    if value:
        try:
            monday = weeks.parse_iso_week(value)
        except weeks.InvalidWeek as error:
            messages.warning(request, _("%(error)s Voici la semaine en cours.") % {"error": error})
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(days=7), dt.time.min))
    by_day = {monday + dt.timedelta(days=offset): [] for offset in range(7)}
    for session in _sessions(request.user).between(start, end).order_by("start", "pk"):
        by_day[timezone.localdate(session.start)].append(session)
    return render(
        request,
        "accompaniment/week.html",
        {
            "days": [(day, items) for day, items in by_day.items() if items or day.weekday() < 5],
            "monday": monday,
            "sunday": monday + dt.timedelta(days=6),
            "previous": weeks.iso_week(monday - dt.timedelta(days=7)),
            "next": weeks.iso_week(monday + dt.timedelta(days=7)),
            "this_week": weeks.iso_week(timezone.localdate()),
            "current": weeks.iso_week(monday),
            "today": timezone.localdate(),
            "now": timezone.now(),
        },
    )


@action_staff
def session_create(request):
    initial = {"day": timezone.localdate() + dt.timedelta(days=7), "time": dt.time(9, 0)}
    type_id = request.GET.get("type")
    if type_id and type_id.isdigit():
        initial["action_type"] = int(type_id)
    form = SessionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_schedule(
                by=request.user,
                action_type=data["action_type"],
                start=form.start(),
                duration_minutes=data["duration_minutes"],
                place=data["place"],
                capacity=data["capacity"],
                facilitator=data["facilitator"],
                funder=data["funder"],
            )
        except DomainError as error:
            add_domain_errors(
                form,
                error,
                aliases={
                    "type_id": "action_type",
                    "start": "day",
                    "facilitator_id": "facilitator",
                    "funder_id": "funder",
                },
            )
        else:
            messages.success(request, _("Séance programmée."))
            return redirect("accompaniment:session_detail", pk=session.pk)
    return render(request, "accompaniment/session_form.html", {"form": form})


def _session_for(request, pk) -> WorkshopSession:
    return get_object_or_404(
        WorkshopSession.objects.for_user(request.user).select_related("action_type", "facilitator"),
        pk=pk,
    )


def _registrations(session):
    return (
        WorkshopRegistration.objects.filter(session=session)
        .select_related("pathway__beneficiary", "registered_by")
        .order_by("pathway__beneficiary__last_name", "pathway__beneficiary__first_name", "pk")
    )


@action_staff
def session_detail(request, pk, *, registration_form=None, cancel_form=None):
    session = _session_for(request, pk)
    registrations = list(_registrations(session))
    registered = {r.pathway_id for r in registrations}
    form = registration_form or RegistrationForm(platform_id=session.platform_id)
    form.fields["pathway"].queryset = form.fields["pathway"].queryset.exclude(pk__in=registered)
    return render(
        request,
        "accompaniment/session_detail.html",
        {
            "session": session,
            "registrations": registrations,
            "places_left": rules.places_left(
                capacity=session.capacity, registered=len(registrations)
            ),
            "cancel_form": cancel_form or SessionCancelForm(),
            "can_cancel": not session.is_cancelled and not any(r.attendance for r in registrations),
            "form": form,
            "started": session.has_started(),
        },
        status=422 if registration_form is not None or cancel_form is not None else 200,
    )


@require_POST
@action_staff
def session_cancel(request, pk):
    session = _session_for(request, pk)
    form = SessionCancelForm(request.POST)
    if form.is_valid():
        try:
            services.session_cancel(
                by=request.user, session=session, reason=form.cleaned_data["reason"]
            )
        except InvalidInput as error:
            add_domain_errors(form, error)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("accompaniment:session_detail", pk=session.pk)
        else:
            messages.success(
                request,
                _("Séance annulée. Les référent·es des personnes inscrites sont prévenu·es."),
            )
            return redirect("accompaniment:session_detail", pk=session.pk)
    return session_detail(request, pk, cancel_form=form)


@require_POST
@action_staff
def registration_create(request, pk):
    session = _session_for(request, pk)
    form = RegistrationForm(request.POST, platform_id=session.platform_id)
    if form.is_valid():
        try:
            services.registration_create(
                by=request.user, session=session, pathway=form.cleaned_data["pathway"]
            )
        except DomainError as error:
            add_domain_errors(form, error, aliases={"pathway_id": "pathway"})
        else:
            messages.success(
                request,
                _("%(person)s est inscrit·e. Le ou la référent·e est informé·e.")
                % {"person": form.cleaned_data["pathway"].beneficiary.full_name},
            )
            back = request.POST.get("retour", "")
            if back.startswith("/beneficiaires/"):
                return redirect(back)
            return redirect("accompaniment:session_detail", pk=session.pk)
    return session_detail(request, pk, registration_form=form)


@action_staff
@one_time_form
def attendance_sheet(request, pk):
    session = _session_for(request, pk)
    form = AttendanceSheetForm(
        request.POST if request.method == "POST" else None, registrations=_registrations(session)
    )
    started = session.has_started()
    detail_url = reverse("accompaniment:session_detail", args=[session.pk])
    if request.method == "POST":
        if session.is_cancelled:
            messages.error(request, rules.CANCELLED_MESSAGE)
            return redirect(detail_url)
        if not started:
            raise PermissionDenied
        if form.is_valid():
            rows = form.rows()
            if not rows:
                form.add_error(None, _("Cochez la présence d'au moins une personne."))
            else:
                try:
                    with form_tokens.submission(request, form, result_url=detail_url):
                        services.attendance_sheet_submit(
                            by=request.user,
                            session=session,
                            rows=rows,
                            signatures=form.signatures(),
                            closing=form.closing(),
                        )
                except InvalidInput as error:
                    if not form.add_signature_errors(error.errors):
                        form.add_service_errors(error.errors)
                except DomainError as error:
                    messages.error(request, error.message)
                    return redirect(detail_url)
                else:
                    message = _("Émargement enregistré pour %(count)s personne(s).") % {
                        "count": len(rows)
                    }
                    if any(row.status == WorkshopAttendance.UNEXCUSED for row in rows):
                        message += " " + _(
                            "Les référent·es des absent·es sans justification sont prévenu·es."
                        )
                    if form.closing():
                        message += " " + _("La feuille est signée et close.")
                    messages.success(request, message)
                    return redirect(detail_url)
    context = {
        "session": session,
        "form": form,
        "rows": list(form.rows_for_display()),
        "started": started,
        "detail_url": detail_url,
    }
    if started and not session.is_cancelled:
        context.update(
            attendance_sheets.page_context(
                selectors.sheet_of(session),
                scan_url=reverse("accompaniment:attendance_sheet_scan", args=[session.pk]),
            )
        )
    return render(
        request,
        "accompaniment/attendance_sheet.html",
        context,
        status=422 if form.errors else 200,
    )


@require_POST
@action_staff
def attendance_sheet_scan(request, pk):
    """The paper path: the scan of the printed sheet, signed by hand, attached instead."""
    session = _session_for(request, pk)
    sheet_url = reverse("accompaniment:attendance_sheet", args=[session.pk])
    form = attendance_sheets.SheetScanForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choisissez le fichier du scan (PDF, JPEG ou PNG)."))
        return redirect(sheet_url)
    try:
        services.attendance_sheet_attach_scan(
            by=request.user, session=session, file=form.cleaned_data["scan"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Scan de la feuille signée sur papier joint."))
    return redirect(sheet_url)


# ---- the catalogue


@action_staff
def catalogue(request):
    user = request.user
    platforms = Platform.objects.filter(pk__in=user.platform_ids(ACTION_ROLES)).order_by("name")
    admin_platforms = user.platform_ids({Role.ADMIN})
    form = None
    target = platforms.filter(pk__in=admin_platforms).first()
    if target is not None:
        form = ActionTypeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.action_type_create(
                    by=user,
                    platform=target,
                    code=data["code"],
                    kind=data["kind"],
                    label=data["label"],
                    answers=data["answers"],
                )
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, _("Action ajoutée au catalogue."))
                return redirect("accompaniment:catalogue")
    elif request.method == "POST":
        raise PermissionDenied
    types = (
        ActionType.objects.for_user(user)
        .active()
        .select_related("platform")
        .order_by("platform__name", "kind", "label")
    )
    return render(
        request,
        "accompaniment/catalogue.html",
        {"types": types, "form": form, "kinds": dict(ActionKind.choices)},
        status=422 if form is not None and form.errors else 200,
    )


# ---- individual actions


def _pathway_for(request, pathway_pk) -> Pathway:
    pathway = get_object_or_404(
        Pathway.objects.for_user(request.user).select_related("beneficiary"), pk=pathway_pk
    )
    if pathway.platform_id not in request.user.platform_ids(ACTION_ROLES):
        raise PermissionDenied
    return pathway


@action_staff
@one_time_form
def action_create(request, pathway_pk):
    pathway = _pathway_for(request, pathway_pk)
    types = (
        ActionType.objects.filter(platform_id=pathway.platform_id)
        .active()
        .exclude(kind=ActionKind.WORKSHOP)
        .order_by("kind", "label")
    )
    type_id = request.GET.get("type") or request.POST.get("type")
    action_type = types.filter(pk=type_id).first() if type_id and type_id.isdigit() else None
    form = None
    file_url = reverse("beneficiary_detail", args=[pathway.beneficiary_id])
    if action_type is not None:
        form = ActionForm(
            request.POST if request.method == "POST" else None,
            action_type=action_type,
            initial={"date": timezone.localdate()},
        )
        if request.method == "POST" and form.is_valid():
            try:
                with form_tokens.submission(request, form, result_url=file_url):
                    services.action_record(
                        by=request.user,
                        pathway=pathway,
                        action_type=action_type,
                        data=form.data_for_service(),
                    )
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                told = action_type.kind in (ActionKind.ORIENTATION, ActionKind.FINANCIAL_AID)
                messages.success(
                    request,
                    _("Action enregistrée.")
                    + (" " + _("Le ou la référent·e est informé·e.") if told else ""),
                )
                return redirect(file_url)
    return render(
        request,
        "accompaniment/action_form.html",
        {
            "pathway": pathway,
            "types": types,
            "action_type": action_type,
            "form": form,
            "file_url": file_url,
        },
        status=422 if form is not None and form.errors else 200,
    )


@require_POST
@action_staff
def action_follow_up(request, pk):
    action = get_object_or_404(
        Action.objects.for_user(request.user).select_related("pathway"), pk=pk
    )
    file_url = reverse("beneficiary_detail", args=[action.pathway.beneficiary_id])
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("La suite n'est pas enregistrée : vérifiez les valeurs."))
        return redirect(file_url)
    data = form.cleaned_data
    try:
        services.action_follow_up(
            by=request.user,
            action=action,
            outcome=data["outcome"] or None,
            decision=data["decision"] or None,
            paid_on=data["paid_on"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Suite enregistrée."))
    return redirect(file_url)
