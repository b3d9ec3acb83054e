"""The diagnostics' part of the funder report (docs/regles-metier.md, "Rapports").

What it adds:

- `services.by_kind`: the people whose entry diagnostic was taken in the period.
- `mobility_potential`: over the pathways whose exit diagnostic is in the period (and
  that have an entry diagnostic): mean entry score, mean exit score, mean progress.

Secrecy (mobility.reports.secrecy): the means go with the people measured.

Two aggregate queries, each reading its tables on the report's platforms only.
"""

from __future__ import annotations

from django.db.models import Count, Sum
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from diagnostics.enums import DiagnosticKind, DiagnosticStatus
from diagnostics.models import Diagnostic
from mobility.enums import Need
from mobility.reports.definition import mean
from mobility.reports.queries import Flags, Layered, Scope, layered, people_count

SECTION = "mobility_potential"
TITLE = _("Potentiel de mobilité")
SERVICE_LABELS = {Need.DIAGNOSTIC.value: DiagnosticKind.ENTRY.label}


# ---- the queries


def entry_diagnostics(scope: Scope) -> Layered[int]:
    """People whose entry diagnostic (completed) was taken in the period."""
    return people_count(
        scope,
        scope.rows(
            Diagnostic,
            kind=DiagnosticKind.ENTRY,
            status=DiagnosticStatus.COMPLETED,
            taken_on__gte=scope.start,
            taken_on__lte=scope.end,
        ),
        "pathway__beneficiary_id",
    )


def mobility_potential(scope: Scope) -> dict[str, object]:
    """Pathways whose exit diagnostic was taken in the period, with an entry diagnostic:
    their number and mean entry and exit potentiel de mobilité. The entry is reached by a
    join (a pathway has at most one entry diagnostic: a database constraint)."""
    exits = scope.rows(
        Diagnostic,
        kind=DiagnosticKind.EXIT,
        status=DiagnosticStatus.COMPLETED,
        taken_on__gte=scope.start,
        taken_on__lte=scope.end,
    ).filter(
        pathway__diagnostics__platform_id__in=scope.platform_ids,
        pathway__diagnostics__kind=DiagnosticKind.ENTRY,
        pathway__diagnostics__status=DiagnosticStatus.COMPLETED,
    )
    entry = "pathway__diagnostics__mobility_potential"
    # Means as sums and counts: they add up over the groups of people.
    potential = layered(
        scope,
        exits,
        Flags.of_person(scope.filters, "pathway__beneficiary__"),
        figures={
            "entry_sum": Sum(entry),
            "entry_count": Count(entry),
            "exit_sum": Sum("mobility_potential"),
            "exit_count": Count("mobility_potential"),
        },
        people={"people": Count("pathway__beneficiary_id", distinct=True)},
    )
    own = potential.own

    def mean(total, count):
        return total / count if count else None

    return {
        "people": potential.map(lambda values: values["people"] or 0),
        "entry_mean": mean(own["entry_sum"], own["entry_count"]),
        "exit_mean": mean(own["exit_sum"], own["exit_count"]),
    }


# ---- the section of the report


def people_by_service(scope: Scope) -> Layered[dict[str, int]]:
    """The people whose entry diagnostic was taken in the period."""
    return entry_diagnostics(scope).map(lambda people: {Need.DIAGNOSTIC: people})


def section(scope: Scope, mask, services_masked, *, money, hours) -> dict:
    """The `mobility_potential` part of the report: entry and exit of the same pathways."""
    potential = mobility_potential(scope)
    cohort = potential["people"]
    entry_mean, exit_mean = mean(potential["entry_mean"]), mean(potential["exit_mean"])
    delta = None
    if potential["entry_mean"] is not None:
        delta = mean(potential["exit_mean"] - potential["entry_mean"])
    return {
        "entry_mean": mask.over_people("mobility_potential.entry_mean", entry_mean, people=cohort),
        "exit_mean": mask.over_people("mobility_potential.exit_mean", exit_mean, people=cohort),
        "delta_mean": mask.over_people("mobility_potential.delta_mean", delta, people=cohort),
        "people": mask.count("mobility_potential.people", cohort),
    }


def rows(data: dict) -> list[tuple[str, object, object, str]]:
    """The section's figures for the flat table: (code, French label, value, unit)."""
    potential = data[SECTION]
    return [
        (f"mobility_potential.{code}", label, potential[code], unit)
        for code, label, unit in (
            ("people", _("Parcours mesurés (diagnostics d'entrée et de sortie)"), "count"),
            ("entry_mean", _("Potentiel moyen à l'entrée (sur 100)"), "score"),
            ("exit_mean", _("Potentiel moyen à la sortie (sur 100)"), "score"),
            ("delta_mean", _("Progression moyenne (points)"), "score"),
        )
    ]


def charts(report) -> list:
    """The mean potential at the entry and at the exit, on 100."""
    from mobility.reports.presentation import Chart, rate_bar

    return [
        Chart(
            gettext("Potentiel de mobilité moyen (sur 100)"),
            [
                rate_bar(
                    report,
                    gettext("À l'entrée"),
                    "mobility_potential.entry_mean",
                    unit="score",
                    scale=100,
                ),
                rate_bar(
                    report,
                    gettext("À la sortie"),
                    "mobility_potential.exit_mean",
                    unit="score",
                    scale=100,
                ),
            ],
        )
    ]
