"""How the report reads on the page and in the PDF: French numbers, sections, bar charts.

Pure shaping of a computed Report (no query). The page and the PDF render the same
sections and charts with the same template (templates/reports/_report.html), so they
cannot disagree. A chart is a list of bars drawn as inline SVG by the template: nothing
is fetched, no script runs, and WeasyPrint draws them as the browser does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from mobility.registry import registry
from mobility.reports import secrecy
from mobility.reports.definition import (
    OUTCOME_LABELS,
    Report,
    rows,
    service_labels,
)
from mobility.reports.definition import (
    sections as section_titles,
)

SECRET = "secret"
NOT_AVAILABLE = "—"


def number(value, decimals: int = 0) -> str:
    # number_format truncates: round first, so 0.57 reads 57 %, not 56 %.
    rounded = round(Decimal(str(value)), decimals)
    return number_format(rounded, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def capfirst(text) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]


def display(value, unit: str, *, masked: bool = False) -> str:
    """A figure as a French reader expects it; "secret" when masked, "—" when unknown."""
    if masked:
        return _(SECRET)
    if value is None:
        return NOT_AVAILABLE
    if unit == "rate":
        return f"{number(float(value) * 100)}\u00a0%"
    if unit == "money":
        return f"{number(Decimal(value), 2)}\u00a0€"
    if unit == "score":
        return number(float(value), 1)
    if unit == "hours":
        return number(float(value), 1)
    if unit == "days" and not float(value).is_integer():
        return number(float(value), 1)
    return number(int(value))


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    width: float | None  # 0 to 100 (the share of the chart's width), None when masked
    masked: bool = False
    code: str = ""  # the figure drawn (its row is then left out of the section's table)
    marker: float | None = None  # 0 to 100: a reference (the departmental average)
    marker_text: str = ""


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[Bar]
    note: str = ""

    @property
    def has_marker(self) -> bool:
        return any(bar.marker is not None for bar in self.bars)


@dataclass(frozen=True)
class Line:
    """One figure of a section's table, ready to read."""

    label: str
    text: str
    masked: bool
    code: str


@dataclass(frozen=True)
class Cell:
    text: str
    masked: bool = False


@dataclass(frozen=True)
class Grid:
    """A small table of figures (one line per action type, per funder...): its cells
    are figures of the flat table, left out of the section's own list."""

    title: str
    columns: list[str]
    lines: list[tuple[str, list[Cell]]]
    codes: frozenset[str]


@dataclass
class Section:
    code: str
    title: str
    rows: list[Line] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)


def _grid(report: Report, title: str, columns: list[str], lines) -> Grid:
    """A grid from (label, [(code, unit) or None]) lines; None reads "—"."""
    codes = set()
    built = []
    for label, cells in lines:
        row = []
        for cell in cells:
            if cell is None:
                row.append(Cell(NOT_AVAILABLE))
                continue
            code, unit = cell
            codes.add(code)
            masked = report.is_masked(code)
            row.append(Cell(display(lookup(report.data, code), unit, masked=masked), masked))
        built.append((capfirst(label), row))
    return Grid(title=title, columns=columns, lines=built, codes=frozenset(codes))


def grids(report: Report) -> dict[str, list[Grid]]:
    """The grids of each section."""
    return {
        section.code: [
            _grid(report, title, columns, lines)
            for title, columns, lines in section.grids(report.data)
        ]
        for section in registry.sections_in_order()
    }


def count_chart(report: Report, title, items: list[tuple[str, str]], note: str = "") -> Chart:
    """Bars of counts (or volumes) scaled on the largest value shown; `items` are
    (label, figure code) pairs, the masked ones drawn as an empty dashed frame."""
    values = [
        (label, code, lookup(report.data, code), report.is_masked(code)) for label, code in items
    ]
    top = max((v for _l, _c, v, m in values if not m and v is not None), default=0) or 1
    bars = [
        Bar(
            label=label,
            text=display(value, "count", masked=masked),
            width=None if masked or value is None else round(100 * value / top, 2),
            masked=masked,
            code=code,
        )
        for label, code, value, masked in values
    ]
    return Chart(title=str(title), bars=bars, note=str(note))


def rate_bar(report: Report, label, code: str, *, marker=None, unit="rate", scale=1.0) -> Bar:
    """A rate (or a score on `scale`) as a share of the full width, with an optional
    reference marker (the departmental average)."""
    value, masked = lookup(report.data, code), report.is_masked(code)
    return Bar(
        label=str(label),
        text=display(value, unit, masked=masked),
        width=None if masked or value is None else round(100 * float(value) / scale, 2),
        masked=masked,
        code=code,
        marker=None if marker is None else round(100 * float(marker) / scale, 2),
        marker_text=""
        if marker is None
        else _("moyenne départementale : %(rate)s") % {"rate": display(marker, "rate")},
    )


def lookup(data: dict, code: str):
    """The figure at a dotted path ("fleet.km.car", "referrals.by_prescriber.2.count")."""
    value = data
    for part in code.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def charts(report: Report) -> dict[str, list[Chart]]:
    """The charts of each section, from the report's (already masked) figures: the core's,
    then the modules' (mobility/registry.py ReportSection.charts)."""
    data = report.data
    labels = service_labels()
    core = {
        "referrals": [
            count_chart(
                report,
                _("Fiches reçues par structure prescriptrice"),
                [
                    (item["organisation"], f"referrals.by_prescriber.{index}.count")
                    for index, item in enumerate(data["referrals"]["by_prescriber"])
                ],
            )
        ],
        "people": [
            count_chart(
                report,
                _("Personnes reçues par sexe"),
                [
                    (_("Femmes"), "people.women"),
                    (_("Hommes"), "people.men"),
                    (_("Autre ou non précisé"), "people.other"),
                ],
            ),
            Chart(
                _("Publics prioritaires (part des personnes reçues)"),
                [
                    rate_bar(report, _("Habitant un QPV"), "people.qpv"),
                    rate_bar(report, _("Bénéficiaires du RSA"), "people.rsa"),
                ],
            ),
        ],
        "services": [
            count_chart(
                report,
                _("Personnes par service démarré"),
                [
                    (capfirst(labels[kind]), f"services.by_kind.{kind}")
                    for kind in data["services"]["by_kind"]
                ],
            )
        ],
        "pathways": [
            count_chart(
                report,
                _("Sorties par situation"),
                [
                    (capfirst(OUTCOME_LABELS[outcome]), f"outcomes.{outcome}")
                    for outcome in data["outcomes"]
                ],
            )
        ],
    }
    modules = {section.code: section.charts(report) for section in registry.sections_in_order()}
    return {**core, **{code: group for code, group in modules.items() if group}}


def sections(report: Report) -> list[Section]:
    """The report in reading order: each section's table rows and charts."""
    titles = section_titles()
    by_title = {str(title): code for code, title in titles.items()}
    result: dict[str, Section] = {
        code: Section(code=code, title=str(title)) for code, title in titles.items()
    }
    section_charts = charts(report)
    section_grids = grids(report)
    charted = {bar.code for group in section_charts.values() for c in group for bar in c.bars}
    charted |= {code for group in section_grids.values() for grid in group for code in grid.codes}
    for row in rows(report):
        if row.code in charted:
            continue  # its chart shows the figure, written beside the bar
        result[by_title[row.section]].rows.append(
            Line(row.label, display(row.value, row.unit, masked=row.masked), row.masked, row.code)
        )
    for code, group in section_charts.items():
        result[code].charts = group
    for code, group in section_grids.items():
        result[code].grids = group
    return list(result.values())


@dataclass(frozen=True)
class KeyFigure:
    label: str
    text: str
    masked: bool


def key_figures(report: Report) -> list[KeyFigure]:
    """The handful of numbers the first page leads with."""
    data = report.data
    work_codes = ("cdi", "cdd", "interim", "contrat_aide", "creation")
    # A sum of parts is shown only when every part is: it could give a masked part back.
    work_masked = any(report.is_masked(f"outcomes.{code}") for code in work_codes)
    work = sum(data["outcomes"][code] or 0 for code in work_codes)
    work_masked = work_masked or secrecy.is_secret(work, report.threshold)
    figures = [
        (_("fiches de liaison reçues"), data["referrals"]["total"], "count", "referrals.total"),
        (_("personnes reçues"), data["people"]["met"], "count", "people.met"),
        (_("services démarrés"), data["services"]["total"], "count", "services.total"),
        (_("sorties de parcours"), data["pathways"]["closed"], "count", "pathways.closed"),
        (_("sorties vers l'emploi"), work, "count", "outcomes.work"),
        (
            _("coût par personne reçue"),
            data["cost_per_beneficiary"],
            "money",
            "cost_per_beneficiary",
        ),
    ]
    result = []
    for label, value, unit, path in figures:
        masked = work_masked if path == "outcomes.work" else report.is_masked(path)
        result.append(KeyFigure(str(label), display(value, unit, masked=masked), masked))
    return result
