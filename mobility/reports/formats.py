"""The report as files: CSV (pandas) and XLSX (openpyxl), aggregates only, and PDF
(WeasyPrint).

All three read the same Report and the same flat table (definition.rows). Masked figures
say "secret", as on the page, unknown ones are an empty cell, and the scope says so in a
legend; units are French ("nombre", "%", "€"), rates in the CSV are percentages. Every
CSV and XLSX cell is written through mobility.spreadsheets, so that no name or filter can
become a formula. The PDF fetches nothing but the project's static files (the fonts it
ships in static/reports/fonts): any other URL is refused.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mobility import spreadsheets
from mobility.pdf import render_pdf
from mobility.reports import presentation
from mobility.reports.definition import Report, rows
from mobility.templatetags.french_dates import format_date

if TYPE_CHECKING:
    import pandas as pd

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

MASKED = presentation.SECRET
# The units as a French reader names them (definition.Row.unit keeps the codes).
UNIT_LABELS = {
    "count": "nombre",
    "rate": "%",
    "money": "€",
    "days": "jours",
    "hours": "heures",
    "km": "km",
    "score": "points",
    "text": "",
}
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
XLSX_FORMATS = {
    "count": "#,##0",
    "days": "#,##0.0",
    "hours": "#,##0.0",
    "km": "#,##0",
    "rate": "0.0 %",
    "money": '#,##0.00 "€"',
    "score": "0.0",
}


def filename(report: Report, extension: str) -> str:
    platforms = report.data["scope"]["platforms"]
    name = slugify(platforms[0]["name"]) if len(platforms) == 1 else "reseau"
    period = report.data["period"]
    return f"rapport-activite-{name}-{period['start']}-{period['end']}.{extension}"


def scope_lines(report: Report) -> list[tuple[str, str]]:
    """What the report covers, in words: platform(s), period, addressee, filters."""
    data = report.data
    scope = data["scope"]
    start = date.fromisoformat(data["period"]["start"])
    end = date.fromisoformat(data["period"]["end"])
    lines = [
        (_("Plateforme"), ", ".join(p["name"] for p in scope["platforms"])),
        (_("Période"), _("du %(start)s au %(end)s") % {"start": _day(start), "end": _day(end)}),
    ]
    if scope["funder"]:
        lines.append((_("Financeur destinataire"), scope["funder"]["name"]))
    if scope["prescriber"]:
        lines.append((_("Personnes orientées par"), scope["prescriber"]["name"]))
    territory = scope["territory"]
    if territory["postal_code"]:
        lines.append((_("Code postal commençant par"), territory["postal_code"]))
    if territory["commune"]:
        lines.append((_("Commune"), territory["commune"]))
    if territory["qpv_only"]:
        lines.append((_("Public"), _("habitants des quartiers prioritaires (QPV)")))
    lines.append(
        (
            _("Secret statistique"),
            _(
                "les effectifs de 1 à %(last)s personnes sont masqués, ainsi que les taux, "
                "moyennes et sommes calculés sur moins de %(threshold)s personnes"
            )
            % {"last": report.threshold - 1, "threshold": report.threshold},
        )
    )
    return lines


def file_scope_lines(report: Report) -> list[tuple[str, str]]:
    """The scope, and the legend the page prints under its figures, for the CSV and XLSX."""
    legend = _(
        "« secret » : chiffre masqué par le secret statistique ; case vide : sans objet ou "
        "non disponible"
    )
    return [*scope_lines(report), (_("Légende"), legend)]


def _day(day: date) -> str:
    return format_date(day, "j F Y")


def table(report: Report) -> pd.DataFrame:
    """The flat table of the files: one row per figure (aggregates only, never a person)."""
    import pandas as pd  # loaded on the first report, not at start-up

    frame = pd.DataFrame(
        [
            {
                "rubrique": row.section,
                "indicateur": row.code,
                "libellé": row.label,
                "valeur": MASKED if row.masked else row.value,
                "unité": UNIT_LABELS[row.unit],
            }
            for row in rows(report)
        ],
        columns=["rubrique", "indicateur", "libellé", "valeur", "unité"],
    )
    return frame


def _csv_value(value, unit: str) -> str:
    """Decimal comma for numbers and money, rates as percentages; text as it is; "secret"
    when masked."""
    if value is None:
        return ""
    if value == MASKED or unit == "":
        return str(value)
    if unit == "%":
        return f"{float(value) * 100:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".").replace(".", ",")
    return str(value).replace(".", ",")


def to_csv(report: Report) -> bytes:
    """Semicolon-separated, decimal comma, UTF-8 with BOM: what a French spreadsheet reads.
    Every cell goes through spreadsheets.csv_cell: none is evaluated as a formula."""
    import pandas as pd  # loaded on the first report, not at start-up

    head = pd.DataFrame(
        [
            {
                "rubrique": _("Périmètre"),
                "indicateur": "",
                "libellé": label,
                "valeur": value,
                "unité": "",
            }
            for label, value in file_scope_lines(report)
        ]
    )
    frame = pd.concat([head, table(report)], ignore_index=True)
    frame["valeur"] = [
        _csv_value(value, unit) for value, unit in zip(frame["valeur"], frame["unité"], strict=True)
    ]
    return frame.map(spreadsheets.csv_cell).to_csv(sep=";", index=False).encode("utf-8-sig")


def _write_rows(sheet, rows_: list[list]) -> None:
    """Every cell through spreadsheets.xlsx_cell: numbers stay numbers, text stays text."""
    from openpyxl.styles import Font

    for row_number, values in enumerate(rows_, start=1):
        for column, value in enumerate(values, start=1):
            spreadsheets.xlsx_cell(sheet.cell(row=row_number, column=column), value)
    for cell in sheet[1]:
        cell.font = Font(bold=True)


def to_xlsx(report: Report) -> bytes:
    """Two sheets: the figures (with number formats) and what the report covers."""
    from openpyxl import Workbook  # loaded with the first XLSX, not at start-up

    figures_rows = rows(report)
    workbook = Workbook()
    figures = workbook.active
    figures.title = _("Rapport")
    _write_rows(
        figures,
        [
            [_("Rubrique"), _("Indicateur"), _("Valeur"), _("Code"), _("Unité")],
            *(
                [row.section, row.label, _xlsx_value(row), row.code, UNIT_LABELS[row.unit]]
                for row in figures_rows
            ),
        ],
    )
    for index, row in enumerate(figures_rows, start=2):
        figures.cell(row=index, column=3).number_format = XLSX_FORMATS.get(row.unit, "General")
    for column, width in zip("ABCDE", (26, 62, 14, 34, 8), strict=True):
        figures.column_dimensions[column].width = width
    figures.freeze_panes = "A2"
    about = workbook.create_sheet(_("Périmètre"))
    _write_rows(about, [[_("Rubrique"), _("Valeur")], *map(list, file_scope_lines(report))])
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 110
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(row):
    """A figure as a spreadsheet cell: money as a number (formatted in euros), "secret"
    when masked, empty when unknown."""
    if row.masked:
        return MASKED
    if row.unit == "money" and row.value is not None:
        return float(row.value)
    return row.value


@dataclass(frozen=True)
class Document:
    """What the page and the PDF templates receive."""

    report: Report
    sections: list
    key_figures: list
    scope_lines: list
    printed_on: date


def document(report: Report) -> Document:
    return Document(
        report=report,
        sections=presentation.sections(report),
        key_figures=presentation.key_figures(report),
        scope_lines=scope_lines(report),
        printed_on=timezone.localdate(),
    )


def to_pdf(report: Report) -> bytes:
    return render_pdf("reports/report_pdf.html", {"doc": document(report)})


def render(report: Report, extension: str) -> bytes:
    if extension == "csv":
        return to_csv(report)
    if extension == "xlsx":
        return to_xlsx(report)
    if extension == "pdf":
        return to_pdf(report)
    raise ValueError(f"Unknown format {extension!r}")
