"""Every CSV and XLSX export of the report, with a formula planted in an organisation's
name, the platform's name and the `commune` filter: each file holds them as text.

The exports: the API's `format=csv` and `format=xlsx`, the page's downloads
`/rapports/telecharger.csv` and `.xlsx`.
"""

import csv
import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from mobility.enums import Role
from mobility.reports import formats
from mobility.reports.definition import usage_report
from mobility.reports.queries import Scope
from mobility.spreadsheets import FORMULA_STARTS, needs_quoting
from tests.api.conftest import ApiClient
from tests.conftest import logged_in
from tests.factories import OrganisationFactory, PlatformFactory, member

FORMULA = '=HYPERLINK("http://x","clic")'
PLATFORM = "-2+3+cmd|' /C calc'!A0"
PRESCRIBER = "@SUM(1+1)*cmd|' /C calc'!A0"
PERIOD = {"start": "2026-01-01", "end": "2026-03-31"}


@pytest.fixture
def planted(db):
    platform = PlatformFactory(name=PLATFORM)
    funder_org = OrganisationFactory(platform=platform, funder=True, name=FORMULA)
    prescriber_org = OrganisationFactory(platform=platform, name=PRESCRIBER)
    return {
        "platform": platform,
        "funder": member(Role.FUNDER, organisation=funder_org),
        "admin": member(Role.ADMIN, platform),
        "prescriber": prescriber_org,
    }


def csv_cells(content: bytes) -> list[str]:
    reader = csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
    return [cell for row in reader for cell in row]


def assert_csv_safe(content: bytes, *planted: str) -> None:
    cells = csv_cells(content)
    for text in planted:
        assert "'" + text in cells, text
    for cell in cells:
        assert not needs_quoting(cell), cell


def xlsx_cells(content: bytes):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def assert_xlsx_safe(content: bytes, *planted: str) -> None:
    cells = xlsx_cells(content)
    assert all(cell.data_type != "f" for cell in cells)
    for text in planted:
        found = [cell for cell in cells if cell.value == text]
        assert found, text
        assert all(cell.data_type == "s" and cell.quotePrefix for cell in found)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name)  # no formula element at all


def test_the_funders_api_csv_holds_its_names_as_text(planted):
    answer = ApiClient(planted["funder"]).get("/api/v1/reports/usage", **PERIOD, format="csv")
    assert answer.status_code == 200
    assert_csv_safe(answer.content, FORMULA, PLATFORM)


def test_the_funders_api_xlsx_holds_its_names_as_text(planted):
    answer = ApiClient(planted["funder"]).get("/api/v1/reports/usage", **PERIOD, format="xlsx")
    assert answer.status_code == 200
    assert_xlsx_safe(answer.content, FORMULA, PLATFORM)


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_api_files_hold_the_commune_filter_as_text(planted, extension):
    answer = ApiClient(planted["admin"]).get(
        "/api/v1/reports/usage",
        **PERIOD,
        commune=FORMULA,
        prescriber=planted["prescriber"].pk,
        format=extension,
    )
    assert answer.status_code == 200
    check = assert_csv_safe if extension == "csv" else assert_xlsx_safe
    check(answer.content, FORMULA, PRESCRIBER, PLATFORM)


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_pages_downloads_hold_the_names_and_the_commune_as_text(planted, extension):
    client = logged_in(planted["admin"])
    answer = client.get(
        f"/rapports/telecharger.{extension}",
        {**PERIOD, "commune": FORMULA, "prescriber": planted["prescriber"].pk},
    )
    assert answer.status_code == 200
    check = assert_csv_safe if extension == "csv" else assert_xlsx_safe
    check(answer.content, FORMULA, PRESCRIBER, PLATFORM)


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_a_funders_download_with_a_commune_in_the_url_never_carries_it(planted, extension):
    # The API refuses the filter to a funder; the page leaves it out of the report.
    api = ApiClient(planted["funder"]).get(
        "/api/v1/reports/usage", **PERIOD, commune="=1+1", format=extension
    )
    assert api.status_code == 403
    page = logged_in(planted["funder"]).get(
        f"/rapports/telecharger.{extension}", {**PERIOD, "commune": "=1+1"}
    )
    assert page.status_code == 200
    if extension == "csv":
        assert "=1+1" not in page.content.decode("utf-8-sig")
        assert_csv_safe(page.content, FORMULA)
    else:
        assert all(cell.value != "=1+1" for cell in xlsx_cells(page.content))
        assert_xlsx_safe(page.content, FORMULA)


def test_negative_figures_stay_numbers_and_the_masking_dash_stays_a_dash(planted, settings):
    settings.REPORT_SECRECY_THRESHOLD = 5
    platform = planted["platform"]
    report = usage_report(
        Scope(
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 3, 31),
            platform_ids=(platform.pk,),
            today=dt.date(2026, 6, 1),
        )
    )
    # A progress can be negative: the file must keep it a number.
    report.data["mobility_potential"]["delta_mean"] = -3.5
    report.masked.append("people.rsa_count")
    cells = {
        row[3].value: row[2]
        for row in openpyxl.load_workbook(io.BytesIO(formats.to_xlsx(report)))["Rapport"].iter_rows(
            min_row=2
        )
    }
    assert cells["mobility_potential.delta_mean"].data_type == "n"
    assert cells["mobility_potential.delta_mean"].value == -3.5
    assert cells["people.rsa_count"].value == "secret"
    text = formats.to_csv(report).decode("utf-8-sig")
    assert "mobility_potential.delta_mean;Progression moyenne (points);-3,5;points" in text
    assert "people.rsa_count;Bénéficiaires du RSA;secret;nombre" in text
    assert not any(
        cell.startswith(FORMULA_STARTS) and needs_quoting(cell)
        for cell in csv_cells(formats.to_csv(report))
    )
