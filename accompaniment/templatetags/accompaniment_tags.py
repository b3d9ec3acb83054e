"""The accompaniment panel of the beneficiary file (no rule here: accompaniment.rules): what
the entry diagnostic asks and nothing answered yet, and the buttons that record an action
or register to a workshop. The actions themselves, with their follow-up, are lines of the
file's Chronologie (accompaniment/registration.py)."""

from __future__ import annotations

from django import template
from django.db.models import Prefetch
from django.utils import timezone

from accompaniment import rules, selectors
from accompaniment.enums import ACTION_ROLES, ActionKind
from accompaniment.models import ActionType
from mobility.enums import PathwayStatus

register = template.Library()


def _entry_recommendations(pathway) -> list[tuple[str, str]]:
    """(code, label) of the recommendations of the pathway's completed entry diagnostic,
    read from the diagnostics the file already prefetched: the core's registry will hand
    them over once it exists, so the diagnostics app is not imported here."""
    manager = getattr(pathway, "diagnostics", None)
    if manager is None:
        return []
    entries = [d for d in manager.all() if d.kind == "entry" and d.status == "completed"]
    if not entries:
        return []
    entry = min(entries, key=lambda d: (d.taken_on, d.pk))
    labels = getattr(entry.questionnaire.parsed, "services", {})
    return [(code, labels.get(code, code)) for code in entry.recommendations]


@register.inclusion_tag("accompaniment/_beneficiary_actions_panel.html", takes_context=True)
def beneficiary_actions(context, beneficiary, pathways):
    """What the diagnostic asks for and is still to engage, with one click to register or
    record, on the open pathway (nothing to show without one). Bounded queries."""
    user = context["request"].user
    if beneficiary.platform_id not in user.platform_ids(ACTION_ROLES):
        return {"shown": False}
    pathways = list(
        pathways.prefetch_related(*selectors.pathway_actions_prefetch())
        if hasattr(pathways, "prefetch_related")
        else pathways
    )
    open_pathway = next((p for p in pathways if p.status == PathwayStatus.OPEN), None)
    if open_pathway is None:
        return {"shown": False}
    types = list(
        ActionType.objects.filter(platform_id=beneficiary.platform_id)
        .active()
        .order_by("kind", "label")
        .prefetch_related(
            Prefetch(
                "sessions",
                queryset=selectors.next_sessions(beneficiary.platform_id, now=timezone.now()),
                to_attr="upcoming",
            )
        )
    )
    by_id = {t.pk: t for t in types}
    suggestions = []
    done = {a.action_type_id for a in open_pathway.actions.all()} | {
        r.session.action_type_id for r in open_pathway.workshop_registrations.all()
    }
    registered_sessions = {r.session_id for r in open_pathway.workshop_registrations.all()}
    found = rules.suggestions(
        recommendations=_entry_recommendations(open_pathway),
        types=[(t.pk, t.answers) for t in types],
        done_type_ids=done,
    )
    for item in rules.to_engage(found):
        offers = []
        for type_id in item.type_ids:
            action_type = by_id[type_id]
            session = None
            if action_type.kind == ActionKind.WORKSHOP:
                session = next(
                    (
                        s
                        for s in action_type.upcoming
                        if s.pk not in registered_sessions and s.registered < s.capacity
                    ),
                    None,
                )
            offers.append((action_type, session))
        suggestions.append((item.label, offers))
    return {
        "shown": True,
        "open_pathway": open_pathway,
        "suggestions": suggestions,
        "file_url": context["request"].path,
    }
