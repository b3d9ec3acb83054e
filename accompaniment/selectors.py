"""Reads of the accompaniment actions shaped for the pages and the API, in bounded queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accompaniment.enums import ATTENDED, ActionKind, WorkshopAttendance
from accompaniment.models import Action, ActionType, WorkshopRegistration, WorkshopSession
from mobility.registry import FundedSession, SheetLine


def pathway_actions_prefetch() -> list[Prefetch]:
    """What `service_rows` reads, prefetched for a list of pathways."""
    return [
        Prefetch(
            "actions",
            queryset=Action.objects.select_related("action_type", "partner", "funder").order_by(
                "date", "pk"
            ),
        ),
        Prefetch(
            "workshop_registrations",
            queryset=WorkshopRegistration.objects.select_related("session__action_type").order_by(
                "session__start", "pk"
            ),
        ),
    ]


def action_status(action: Action) -> str:
    """The code that says where an action stands: an orientation's outcome, an aid's
    decision (or `paid`), `done` for the rest."""
    if action.kind == ActionKind.ORIENTATION:
        return action.outcome
    if action.kind == ActionKind.FINANCIAL_AID:
        return "paid" if action.paid_on else action.decision
    return "done"


def service_rows(pathway) -> list[dict]:
    """The pathway's accompaniment actions as services of `GET /api/v1/pathways/{id}`
    (the pathway must come with `pathway_actions_prefetch()`)."""
    rows = [
        {
            "kind": action.kind,
            "id": action.pk,
            "started_on": action.date,
            "status": action_status(action),
            "label": action.action_type.label,
        }
        for action in pathway.actions.all()
    ]
    rows += [
        {
            "kind": ActionKind.WORKSHOP.value,
            "id": registration.pk,
            "started_on": timezone.localdate(registration.session.start),
            "status": registration_status(registration),
            "label": registration.session.action_type.label,
        }
        for registration in pathway.workshop_registrations.all()
    ]
    return rows


def sessions_with_counts(queryset):
    return queryset.select_related("action_type", "facilitator").annotate(
        registered=Count("registrations", distinct=True)
    )


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the person's actions, in date order."""

    day: date
    kind: str
    kind_label: str
    label: str
    detail: str
    status: str
    status_label: str
    action: Action | None = None
    registration: WorkshopRegistration | None = None


STATUS_LABELS = {
    "done": gettext_lazy("fait"),
    "paid": gettext_lazy("versée"),
    "registered": gettext_lazy("inscrit·e"),
    "pending": gettext_lazy("en attente"),
    "granted": gettext_lazy("accordée"),
    "refused": gettext_lazy("refusée"),
    "abandoned": gettext_lazy("abandonnée"),
    "cancelled": gettext_lazy("séance annulée"),
    **dict(WorkshopAttendance.choices),
}


def registration_status(registration) -> str:
    """A registration's state: its attendance, "cancelled" when its session was cancelled
    before any, else "registered"."""
    if registration.attendance:
        return registration.attendance
    return "cancelled" if registration.session.is_cancelled else "registered"


def _detail(action: Action) -> str:
    parts = []
    if action.duration_minutes:
        parts.append(_("%(minutes)s min") % {"minutes": action.duration_minutes})
    if action.trips:
        parts.append(_("%(trips)s trajet(s)") % {"trips": action.trips})
    if action.km is not None:
        parts.append(f"{formats.localize(action.km)} km")
    if action.partner:
        parts.append(action.partner.name)
    if action.amount is not None:
        parts.append(f"{formats.localize(action.amount)} €")
    if action.funder:
        parts.append(action.funder.name)
    if action.paid_on:
        parts.append(_("versée le %(day)s") % {"day": formats.date_format(action.paid_on)})
    return " · ".join(parts)


def timeline(pathways) -> list[TimelineEntry]:
    """The actions and workshop registrations of `pathways` (prefetched), oldest first."""
    kinds = dict(ActionKind.choices)
    entries = []
    for pathway in pathways:
        for action in pathway.actions.all():
            status = action_status(action)
            entries.append(
                TimelineEntry(
                    day=action.date,
                    kind=action.kind,
                    kind_label=str(kinds[action.kind]),
                    label=action.action_type.label,
                    detail=_detail(action),
                    status=status,
                    status_label=str(STATUS_LABELS.get(status, status)),
                    action=action,
                )
            )
        for registration in pathway.workshop_registrations.all():
            session = registration.session
            status = registration_status(registration)
            entries.append(
                TimelineEntry(
                    day=timezone.localdate(session.start),
                    kind=ActionKind.WORKSHOP,
                    kind_label=str(kinds[ActionKind.WORKSHOP]),
                    label=session.action_type.label,
                    detail=session.place,
                    status=status,
                    status_label=str(STATUS_LABELS.get(status, status)),
                    registration=registration,
                )
            )
    return sorted(entries, key=lambda entry: (entry.day, entry.kind, entry.label))


def catalogue(platform_id: int):
    return ActionType.objects.filter(platform_id=platform_id).active().order_by("kind", "label")


def next_sessions(platform_id: int, *, now, type_ids=None):
    sessions = WorkshopSession.objects.filter(platform_id=platform_id, start__gt=now)
    if type_ids is not None:
        sessions = sessions.filter(action_type_id__in=type_ids)
    return sessions_with_counts(sessions).order_by("start", "pk")


BY_NAME = ("pathway__beneficiary__last_name", "pathway__beneficiary__first_name", "pk")


def funded_sessions(*, platform_id: int, funder_id: int, start, end) -> list[FundedSession]:
    """The workshop sessions held in [start, end) that the funder pays for (the session's
    funder), with their sheet's lines, in two queries (mobility/registry.py)."""
    sessions = _with_sheet(
        WorkshopSession.objects.filter(
            platform_id=platform_id,
            funder_id=funder_id,
            start__gte=start,
            start__lt=end,
            cancelled_at__isnull=True,
        )
    ).order_by("start", "pk")
    return [_funded_session(session) for session in sessions]


def _with_sheet(sessions):
    return sessions.select_related("action_type", "facilitator").prefetch_related(
        Prefetch(
            "registrations",
            queryset=WorkshopRegistration.objects.select_related("pathway__beneficiary").order_by(
                *BY_NAME
            ),
        )
    )


def sheet_of(session: WorkshopSession) -> FundedSession:
    """The session's attendance sheet as it is signed (two queries)."""
    return _funded_session(_with_sheet(WorkshopSession.objects.filter(pk=session.pk)).get())


def _funded_session(session: WorkshopSession) -> FundedSession:
    lines = tuple(
        SheetLine(
            key=f"attendance:{registration.pathway_id}",
            person_id=registration.pathway.beneficiary_id,
            person=registration.pathway.beneficiary.full_name,
            status=registration.attendance,
            status_label=registration.get_attendance_display() or "pas émargé",
            attended=registration.attendance in ATTENDED,
            # A workshop sheet records lateness without its minutes.
            late_minutes=None,
            funded=True,
        )
        for registration in session.registrations.all()
    )
    facilitator = session.facilitator
    return FundedSession(
        kind="workshop_sheet",
        session=session,
        label=f"Atelier : {session.action_type.label}",
        start=session.start,
        duration_minutes=session.duration_minutes,
        leader=(facilitator.get_full_name() or facilitator.username) if facilitator else "",
        lines=lines,
        url=reverse("accompaniment:session_detail", args=[session.pk]),
    )
