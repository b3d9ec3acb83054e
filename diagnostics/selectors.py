"""Reads shaped for the pages, the PDF and the API: a diagnostic's summary, a pathway's
progress. They work on diagnostics already fetched (prefetched lists), so a page showing
many pathways does not query once per pathway."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.db.models import Prefetch

from diagnostics import scoring
from diagnostics.enums import DiagnosticKind, DiagnosticStatus
from diagnostics.models import Diagnostic


@dataclass(frozen=True)
class DimensionRow:
    code: str
    label: str
    score: int | None
    reference: int | None = None  # the entry score, when comparing
    delta: int | None = None


@dataclass(frozen=True)
class Summary:
    diagnostic: Diagnostic
    result: scoring.Result
    group: scoring.OrientationGroup
    rows: tuple[DimensionRow, ...]
    services: tuple[tuple[str, str, str], ...]  # (code, label, reason)
    entry: Diagnostic | None  # the entry diagnostic this one is compared with
    delta: int | None


def _completed(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(
        (d for d in diagnostics if d.status == DiagnosticStatus.COMPLETED),
        key=lambda d: (d.taken_on, d.pk),
    )


def entry_and_exit(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic | None, ...]:
    completed = _completed(diagnostics)
    entry = next((d for d in completed if d.kind == DiagnosticKind.ENTRY), None)
    exit_ = next((d for d in completed if d.kind == DiagnosticKind.EXIT), None)
    return entry, exit_


def latest_after_entry(diagnostics: Iterable[Diagnostic]) -> Diagnostic | None:
    """The exit diagnostic, else the latest follow-up: the progress shown so far."""
    completed = _completed(diagnostics)
    exit_ = next((d for d in completed if d.kind == DiagnosticKind.EXIT), None)
    follow_ups = [d for d in completed if d.kind == DiagnosticKind.FOLLOW_UP]
    return exit_ or (follow_ups[-1] if follow_ups else None)


def progress_between(entry: Diagnostic | None, later: Diagnostic | None) -> scoring.Progress:
    return scoring.progress(
        entry=entry.mobility_potential if entry else None,
        entry_dimensions=entry.dimension_scores if entry else None,
        exit=later.mobility_potential if later else None,
        exit_dimensions=later.dimension_scores if later else None,
    )


def pathway_progress(diagnostics: Iterable[Diagnostic]) -> scoring.Progress:
    """docs/api.md progress: exit minus entry (nulls until the exit diagnostic is done)."""
    entry, exit_ = entry_and_exit(diagnostics)
    return progress_between(entry, exit_)


def comparison_rows(entry: Diagnostic, later: Diagnostic | None) -> tuple[DimensionRow, ...]:
    """One row per dimension of the entry's questionnaire: entry score, later score, delta."""
    progress = progress_between(entry, later)
    later_scores = later.dimension_scores if later else {}
    return tuple(
        DimensionRow(
            code=dimension.code,
            label=dimension.label,
            score=later_scores.get(dimension.code),
            reference=entry.dimension_scores.get(dimension.code),
            delta=progress.dimensions.get(dimension.code),
        )
        for dimension in entry.questionnaire.parsed.dimensions
    )


def score_rows(diagnostic: Diagnostic) -> tuple[DimensionRow, ...]:
    return tuple(
        DimensionRow(d.code, d.label, diagnostic.dimension_scores.get(d.code))
        for d in diagnostic.questionnaire.parsed.dimensions
    )


def summary(diagnostic: Diagnostic, *, entry: Diagnostic | None = None) -> Summary:
    """Everything the result page and the PDF show about a completed diagnostic."""
    definition = diagnostic.questionnaire.parsed
    result = diagnostic.result()
    if diagnostic.kind == DiagnosticKind.ENTRY:
        entry = None
    reference = entry.dimension_scores if entry else {}
    rows = tuple(
        DimensionRow(
            code=dimension.code,
            label=dimension.label,
            score=diagnostic.dimension_scores.get(dimension.code),
            reference=reference.get(dimension.code),
            delta=(
                diagnostic.dimension_scores[dimension.code] - reference[dimension.code]
                if dimension.code in reference and dimension.code in diagnostic.dimension_scores
                else None
            ),
        )
        for dimension in definition.dimensions
    )
    return Summary(
        diagnostic=diagnostic,
        result=result,
        group=definition.group(diagnostic.orientation_group),
        rows=rows,
        services=tuple(
            (code, definition.services.get(code, code), result.recommendation_reasons.get(code, ""))
            for code in diagnostic.recommendations
        ),
        entry=entry,
        delta=diagnostic.mobility_potential - entry.mobility_potential if entry else None,
    )


def entry_of(diagnostic: Diagnostic) -> Diagnostic | None:
    """The completed entry diagnostic of the same pathway (one query)."""
    if diagnostic.kind == DiagnosticKind.ENTRY:
        return None
    return (
        Diagnostic.objects.completed()
        .filter(pathway_id=diagnostic.pathway_id, kind=DiagnosticKind.ENTRY)
        .select_related("questionnaire")
        .first()
    )


def pathway_diagnostics_prefetch(to_attr: str | None = None):
    """Prefetch a pathway's diagnostics with what the blocks and the API read."""
    return Prefetch(
        "diagnostics",
        queryset=Diagnostic.objects.select_related("questionnaire").order_by("taken_on", "pk"),
        to_attr=to_attr,
    )


def pathway_diagnostics_out(pathway) -> list[dict]:
    """The pathway endpoint's `diagnostics`: its completed diagnostics, oldest first
    (reads `pathway.diagnostics.all()`, prefetched with pathway_diagnostics_prefetch)."""
    return [
        {
            "id": diagnostic.pk,
            "kind": diagnostic.kind,
            "date": diagnostic.taken_on.isoformat(),
            "questionnaire_version": diagnostic.questionnaire.version,
            "mobility_potential": diagnostic.mobility_potential,
            "orientation_group": diagnostic.orientation_group,
            "recommendations": diagnostic.recommendations,
        }
        for diagnostic in _completed(pathway.diagnostics.all())
    ]


def pathway_progress_out(pathway) -> dict:
    """The pathway endpoint's `progress`, as GET /pathways/{id}/progress gives it."""
    return asdict(pathway_progress(pathway.diagnostics.all()))
