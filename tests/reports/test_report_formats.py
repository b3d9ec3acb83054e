"""The same figures in every format: JSON, CSV and XLSX read back with pandas, the PDF's
text, the HTML page (secrecy off, threshold 1, so every figure shows)."""

import io
import subprocess

import pandas as pd
import pytest

from mobility.reports import formats
from mobility.reports.definition import rows, usage_report
from tests.conftest import logged_in


def figures(report) -> dict:
    return {row.code: row.value for row in rows(report)}


def test_csv_and_xlsx_carry_every_figure_of_the_report(world, no_secrecy, api):
    report = usage_report(world.scope(funder_id=world.funder_org.pk))
    expected = figures(report)
    assert len(expected) > 60

    answer = api(world.admin).get(
        "/api/v1/reports/usage", **world.query(funder=world.funder_org.pk), format="csv"
    )
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    assert answer["Content-Disposition"] == (
        f'attachment; filename="rapport-activite-plateforme-de-test-'
        f'{world.start.isoformat()}-{world.end.isoformat()}.csv"'
    )
    assert answer.content.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads UTF-8
    csv = pd.read_csv(
        io.BytesIO(answer.content), sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False
    )
    assert list(csv.columns) == ["rubrique", "indicateur", "libellé", "valeur", "unité"]
    scope = csv[csv["rubrique"] == "Périmètre"].set_index("libellé")["valeur"]
    assert scope["Plateforme"] == "Plateforme de test"
    assert scope["Financeur destinataire"] == "Département test"
    listed = csv[csv["indicateur"] != ""].set_index("indicateur")
    values, units = listed["valeur"], listed["unité"]
    assert list(values.index) == list(expected)
    for code, value in expected.items():
        read = values[code]
        if value is None:
            assert read == "", code
        else:
            # A French reader's units: rates are percentages in the CSV.
            factor = 100 if units[code] == "%" else 1
            assert float(read.replace(",", ".")) == pytest.approx(float(value) * factor), code
    assert values["referrals.total"] == "14"
    assert (values["people.qpv"], units["people.qpv"]) == ("61,54", "%")
    assert (values["fleet.revenue"], units["fleet.revenue"]) == ("43,00", "€")
    assert set(units) <= {"nombre", "%", "€", "jours", "km", "points"}
    assert "« secret » : chiffre masqué" in scope["Légende"]

    answer = api(world.admin).get(
        "/api/v1/reports/usage", **world.query(funder=world.funder_org.pk), format="xlsx"
    )
    assert answer.status_code == 200
    assert answer["Content-Type"] == formats.CONTENT_TYPES["xlsx"]
    sheets = pd.read_excel(io.BytesIO(answer.content), sheet_name=None)
    assert list(sheets) == ["Rapport", "Périmètre"]
    sheet = sheets["Rapport"].set_index("Code")
    for code, value in expected.items():
        read = sheet.loc[code, "Valeur"]
        if value is None:
            assert pd.isna(read), code
        else:
            assert float(read) == float(value), code
    assert sheet.loc["cost_per_beneficiary", "Indicateur"] == "Coût par personne reçue"
    about = sheets["Périmètre"].set_index("Rubrique")["Valeur"]
    assert about["Plateforme"] == "Plateforme de test"


def test_the_pdf_has_a_cover_and_the_figures(world, no_secrecy, api):
    answer = api(world.funder_user).get("/api/v1/reports/usage", **world.query(), format="pdf")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=answer.content, capture_output=True, check=True
    ).stdout.decode()
    cover = text.split("\f")[0]
    assert "Rapport d'activité" in cover
    assert "Plateforme de test" in cover
    assert "Département test" in cover  # the funder the report is addressed to
    for words in (
        "Fiches reçues par structure prescriptrice",
        "Mission locale test",
        "Jours de location par type de véhicule",
        "178",  # car rental days
        "43,00 €",  # revenue
        "1 000,00 €",  # cost per beneficiary
        "80 %",  # theory pass rate
        "moyenne départementale : 57 %",
        "Sorties par situation",
    ):
        assert words in text.replace("\u00a0", " ").replace("\u202f", " "), words


def test_the_page_shows_the_figures_and_offers_the_downloads(world, no_secrecy):
    page = logged_in(world.admin).get("/rapports/", world.query(funder=world.funder_org.pk))
    assert page.status_code == 200
    html = page.content.decode().replace("\u00a0", " ")
    assert "Rapport d'activité pour les financeurs" in html
    assert "<svg" in html  # the charts, drawn on the server
    for words in ("Mission locale test", "178", "43,00 €", "1 000,00 €", "69 %"):
        assert words in html, words
    for extension in ("pdf", "xlsx", "csv"):
        assert f"/rapports/telecharger.{extension}?" in html
    pdf = logged_in(world.admin).get("/rapports/telecharger.pdf", world.query())
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    xlsx = logged_in(world.admin).get("/rapports/telecharger.xlsx", world.query())
    assert xlsx["Content-Type"] == formats.CONTENT_TYPES["xlsx"]


def test_json_through_the_api_is_the_report(world, no_secrecy, api):
    answer = api(world.funder_user).get("/api/v1/reports/usage", **world.query())
    assert answer.status_code == 200
    data = answer.json()
    expected = usage_report(world.scope(funder_id=world.funder_org.pk)).data
    assert data == expected
    # The funder user's report is addressed to its organisation by default.
    assert data["scope"]["funder"]["name"] == "Département test"
