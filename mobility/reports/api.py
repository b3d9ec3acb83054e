"""Reports router (docs/api.md "Reports"), mounted at /api/v1/reports/.

`GET /usage` parses the query string, lets mobility.reports.access check it (403, 404,
422 with a French sentence), computes the one report and returns it as JSON, or as the
CSV, XLSX or PDF file the page offers.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from mobility.bounds import Id
from mobility.reports import access, formats
from mobility.reports.definition import usage_report

router = Router(tags=["Rapports aux financeurs"])


class UsageQuery(Schema):
    # Plain dates: rules.period_errors bounds the period more tightly, with its own words.
    start: date
    end: date
    platform: Id | None = None
    funder: Id | None = None
    prescriber: Id | None = None
    postal_code: str = ""
    commune: str = ""
    qpv: bool = False
    format: Literal["json", "csv", "xlsx", "pdf"] = "json"


@router.get(
    "/usage",
    summary="Rapport d'activité d'une plateforme pour ses financeurs",
    description=(
        "Agrégats de la période [start, end] (dates incluses) : fiches de liaison, personnes "
        "reçues, services, flotte, auto-école, sorties, potentiel de mobilité, coût par "
        "personne. Secret statistique : un effectif de 1 à 4 personnes vaut `null` (la liste "
        "des chiffres masqués est dans `secrecy.masked`). Filtres facultatifs : `funder` "
        "(financeur destinataire), `prescriber` (personnes orientées par cette structure), "
        "`postal_code` (début du code postal), `commune`, `qpv` (habitants des QPV) ; ces "
        "quatre derniers sont réservés au personnel de la plateforme (403 pour un compte "
        "financeur), et un chiffre filtré est aussi masqué quand il laisse de côté 1 à 4 "
        "personnes d'un rapport moins filtré. Période : du 2000-01-01 à un an après "
        "aujourd'hui, 10 ans au plus (422 sinon). Les fichiers CSV et XLSX n'ont aucune "
        "formule."
    ),
)
def usage(request: HttpRequest, filters: Query[UsageQuery]):
    scope = access.resolve(
        request.user,
        access.ReportRequest(
            start=filters.start,
            end=filters.end,
            platform=filters.platform,
            funder=filters.funder,
            prescriber=filters.prescriber,
            postal_code=filters.postal_code,
            commune=filters.commune,
            qpv=filters.qpv,
        ),
    )
    report = usage_report(scope)
    if filters.format == "json":
        return report.data
    response = HttpResponse(
        formats.render(report, filters.format), content_type=formats.CONTENT_TYPES[filters.format]
    )
    disposition = "inline" if filters.format == "pdf" else "attachment"
    response["Content-Disposition"] = (
        f'{disposition}; filename="{formats.filename(report, filters.format)}"'
    )
    return response
