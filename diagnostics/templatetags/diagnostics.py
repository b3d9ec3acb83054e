"""The diagnostics block of the beneficiary file, one per pathway.

Reads `pathway.diagnostics.all()`: the beneficiary page prefetches them (with their
questionnaire and adviser), so the block costs no query per pathway.
"""

from django import template

from diagnostics import selectors
from diagnostics.enums import DiagnosticKind, DiagnosticStatus
from mobility.enums import CASEWORK_ROLES, PathwayStatus

register = template.Library()


@register.inclusion_tag("diagnostics/_pathway_panel.html", takes_context=True)
def pathway_diagnostics(context, pathway):
    user = context["request"].user
    diagnostics = sorted(pathway.diagnostics.all(), key=lambda d: (d.taken_on, d.pk))
    completed = [d for d in diagnostics if d.status == DiagnosticStatus.COMPLETED]
    draft = next((d for d in diagnostics if d.status == DiagnosticStatus.DRAFT), None)
    entry, exit_ = selectors.entry_and_exit(completed)
    later = selectors.latest_after_entry(completed)
    kinds = {d.kind for d in diagnostics}
    may_run = pathway.platform_id in user.platform_ids(CASEWORK_ROLES)
    can_start = (
        draft is None
        and DiagnosticKind.EXIT not in kinds
        and (pathway.status == PathwayStatus.OPEN or DiagnosticKind.ENTRY in kinds)
    )
    return {
        "pathway": pathway,
        "completed": completed,
        "draft": draft,
        "draft_steps": len(draft.questionnaire.parsed.dimensions) if draft else 0,
        "entry": entry,
        "later": later,
        "is_exit": later is not None and later == exit_,
        "delta": later.mobility_potential - entry.mobility_potential if entry and later else None,
        "rows": (
            selectors.comparison_rows(entry, later)
            if later
            else selectors.score_rows(entry)
            if entry
            else ()
        ),
        "may_run": may_run,
        "can_start": may_run and can_start,
    }
