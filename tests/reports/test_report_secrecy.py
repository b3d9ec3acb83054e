"""Secrecy on the known dataset (threshold 5) and no personal data in any format."""

import io
import json
from datetime import date

import openpyxl
from django.utils.dateformat import format as date_format

from mobility.models import Beneficiary
from mobility.reports import formats
from mobility.reports.definition import usage_report
from tests.conftest import logged_in
from tests.pdf_text import pdf_text


def test_small_counts_and_what_would_reveal_them_are_masked(world, secrecy_5):
    report = usage_report(world.scope(funder_id=world.funder_org.pk))
    data = report.data
    # Y's 3 fiches are secret; Z's 5, the next smallest, go with them; X's 6 stay.
    assert data["referrals"]["total"] == 14
    assert [item["count"] for item in data["referrals"]["by_prescriber"]] == [6, None, None]
    # RSA: 3 of 13. The 10 others would give the 3 back: the count and the share go.
    assert data["people"] == {
        "met": 13,
        "women": 7,
        "men": 6,
        "other": 0,
        "qpv": round(8 / 13, 4),
        "rsa": None,
        "qpv_count": 8,
        "rsa_count": None,
    }
    assert data["services"]["by_kind"]["rental_car"] == 5
    # One person on a bike: its days, and the car's (next smallest group), are masked.
    assert data["fleet"]["rental_days"] == {"bike": None, "ebike": 0, "scooter": 0, "car": None}
    assert data["fleet"]["km"] == {"bike": None, "ebike": 0, "scooter": 0, "car": None}
    assert data["fleet"]["occupancy_rate"] == round(183 / 266, 4)  # six renters
    assert data["fleet"]["revenue"] == "43.00"  # six payers
    assert data["fleet"]["average_rental_days"] is None  # two rentals returned
    assert data["fleet"]["rentals_returned"] is None
    school = data["drivingschool"]
    assert school["enrolled"] == 5
    assert school["attendance_rate"] == 0.9
    # Presented and passed are distinct indicators: 5 presented shows, 4 passed does not,
    # and the rate would give the 4 back.
    # The 6 sittings of 5 people show; the 4 passed sittings are the 4 people who passed,
    # masked with them, and so is the per-sitting rate that would give them back.
    assert school["theory"] == {
        "presented": 5,
        "passed": None,
        "pass_rate": None,
        "sittings": 6,
        "sittings_passed": None,
        "sitting_pass_rate": None,
        "departmental_average": 0.57,
    }
    assert school["driving"] == {
        "presented": None,
        "passed": None,
        "pass_rate": None,
        "sittings": None,
        "sittings_passed": None,
        "sitting_pass_rate": None,
        "departmental_average": 0.59,
    }
    assert data["pathways"] == {"opened": 13, "closed": 5}
    assert data["outcomes"] == {
        "cdi": None,
        "cdd": None,
        "interim": 0,
        "contrat_aide": 0,
        "formation": None,
        "creation": 0,
        "none": None,
    }
    assert data["durable_solution"] is None
    assert data["durable_solution_rate"] is None
    assert data["mobility_potential"] == {
        "entry_mean": None,
        "exit_mean": None,
        "delta_mean": None,
        "people": None,
    }
    assert data["cost_per_beneficiary"] == "1000.00"
    assert data["secrecy"]["threshold"] == 5
    assert set(data["secrecy"]["masked"]) == {
        "referrals.by_prescriber.1.count",
        "referrals.by_prescriber.2.count",
        "people.rsa_count",
        "people.rsa",
        "fleet.rental_days.bike",
        "fleet.rental_days.car",
        "fleet.km.bike",
        "fleet.km.car",
        "fleet.average_rental_days",
        "fleet.rentals_returned",
        "drivingschool.theory.passed",
        "drivingschool.theory.pass_rate",
        "drivingschool.theory.sittings_passed",
        "drivingschool.theory.sitting_pass_rate",
        "drivingschool.driving.presented",
        "drivingschool.driving.passed",
        "drivingschool.driving.pass_rate",
        "drivingschool.driving.sittings",
        "drivingschool.driving.sittings_passed",
        "drivingschool.driving.sitting_pass_rate",
        "outcomes.cdi",
        "outcomes.cdd",
        "outcomes.formation",
        "outcomes.none",
        "durable_solution",
        "durable_solution_rate",
        "mobility_potential.entry_mean",
        "mobility_potential.exit_mean",
        "mobility_potential.delta_mean",
        "mobility_potential.people",
    }


def test_masked_figures_say_secret_in_the_files_as_on_the_page(world, secrecy_5):
    report = usage_report(world.scope())
    csv = formats.to_csv(report).decode("utf-8-sig")
    assert "people.rsa_count;Bénéficiaires du RSA;secret;nombre" in csv
    sheet = openpyxl.load_workbook(io.BytesIO(formats.to_xlsx(report)))["Rapport"]
    values = {row[3]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["people.rsa_count"] == "secret"
    assert values["people.met"] == 13


def personal_strings(world) -> list[str]:
    """What must never reach a funder: the demo people's names, birth dates, addresses,
    emails and phones, in the forms a page or a file would write them."""
    strings = []
    for referral in world.people.values():
        birth: date = referral.birth_date
        strings += [
            referral.first_name,
            referral.last_name,
            referral.last_name.upper(),
            referral.address,
            referral.email,
            referral.phone,
            birth.isoformat(),
            birth.strftime("%d/%m/%Y"),
            date_format(birth, "j F Y"),
        ]
    return [s for s in strings if s]


def assert_no_personal_data(text: str, world) -> None:
    for secret in personal_strings(world):
        assert secret not in text, secret


def test_no_name_birth_date_or_address_in_any_format(world, secrecy_5, api):
    funder = world.funder_user
    client = api(funder)
    query = world.query()
    answers = {
        "json": client.get("/api/v1/reports/usage", **query),
        "csv": client.get("/api/v1/reports/usage", **query, format="csv"),
        "xlsx": client.get("/api/v1/reports/usage", **query, format="xlsx"),
        "pdf": client.get("/api/v1/reports/usage", **query, format="pdf"),
    }
    for answer in answers.values():
        assert answer.status_code == 200
    assert_no_personal_data(json.dumps(answers["json"].json(), ensure_ascii=False), world)
    assert_no_personal_data(answers["csv"].content.decode("utf-8-sig"), world)
    workbook = openpyxl.load_workbook(io.BytesIO(answers["xlsx"].content))
    cells = " ".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    assert_no_personal_data(cells, world)
    text = pdf_text(answers["pdf"].content)
    assert "Rapport d'activité" in text
    assert_no_personal_data(text, world)
    page = logged_in(funder).get("/rapports/", query)
    assert page.status_code == 200
    assert_no_personal_data(page.content.decode(), world)
    assert "secret" in page.content.decode()


def test_the_hidden_non_qpv_part_masks_the_qpv_count(world, secrecy_5):
    # Z3, Z4 and Z5 move into a QPV: 11 of the 13 people met live in one. Showing 11 beside
    # 13 gives away the 2 who do not, a part the report never displays: the count and the
    # share go.
    moved = [world.people[code].beneficiary_id for code in ("Z3", "Z4", "Z5")]
    assert Beneficiary.objects.filter(pk__in=moved).update(qpv=True) == 3

    report = usage_report(world.scope(funder_id=world.funder_org.pk))

    people = report.data["people"]
    assert people["met"] == 13
    assert people["qpv_count"] is None
    assert people["qpv"] is None
    assert {"people.qpv_count", "people.qpv"} <= set(report.data["secrecy"]["masked"])
