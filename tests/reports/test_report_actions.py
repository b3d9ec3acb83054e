"""The accompaniment in the funder report: services.by_kind per action kind, actions.by_type,
the aids per funder, their secrecy, the files, and a query count that does not grow.

On top of the report's world (tests/reports/conftest.py, period [S, E]), built through the
services:
  workshop "mobility_workshop" on S+5: X1..X4 present, X5 late, B0 unexcused (2 hours);
  one on S+6 cancelled (X1 registered); one on E+5 (after the period, X1 present);
  coaching: X1..X5 60 min on S+10, X1 again 30 min on S+11; X2 on E+2 (after);
  orientation of X1 to a partner on S+12;
  licence aid granted 300.00 to Z3..Z5 by the funder, 150.00 to B0 without funder; X1's
  200.00 refused (not counted).
(Only open pathways take actions: X6, Y1, Y2, Z1 and Z2 left on S+21.)
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from dataclasses import replace
from decimal import Decimal

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accompaniment import services
from accompaniment.demo import install_catalogue
from accompaniment.services import ActionData, AttendanceRow
from mobility.reports.definition import rows, usage_report
from tests.conftest import logged_in
from tests.factories import OrganisationFactory
from tests.reports.test_report_queries import REPORT_QUERIES


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _pathway(world, code):
    return world.people[code].pathway


def _session(world, types, day, people, statuses=None):
    session = services.session_schedule(
        by=world.adviser,
        action_type=types["mobility_workshop"],
        start=_at(day),
        duration_minutes=120,
        place="Maison de la mobilité",
        capacity=10,
    )
    for code in people:
        services.registration_create(
            by=world.adviser, session=session, pathway=_pathway(world, code)
        )
    if statuses:
        services.attendance_record(
            by=world.adviser,
            session=session,
            rows=[
                AttendanceRow(_pathway(world, code).pk, status) for code, status in statuses.items()
            ],
        )
    return session


def _act(world, types, code, person, **data):
    return services.action_record(
        by=world.adviser,
        pathway=_pathway(world, person),
        action_type=types[code],
        data=ActionData(**data),
    )


@pytest.fixture
def accompanied(world):
    types = install_catalogue(platform=world.platform, by=world.admin)
    day = world.day
    statuses = {"X1": "present", "X2": "present", "X3": "present", "X4": "present"}
    statuses |= {"X5": "late", "B0": "unexcused"}
    _session(world, types, day(5), list(statuses), statuses)
    cancelled = _session(world, types, day(6), ["X1"])
    services.session_cancel(by=world.adviser, session=cancelled, reason="Salle indisponible")
    _session(world, types, world.end + dt.timedelta(days=5), ["X1"], {"X1": "present"})
    for person in ("X1", "X2", "X3", "X4", "X5"):
        _act(world, types, "coaching", person, date=day(10), duration_minutes=60)
    _act(world, types, "coaching", "X1", date=day(11), duration_minutes=30)
    _act(world, types, "coaching", "X2", date=world.end + dt.timedelta(days=2), duration_minutes=60)
    partner = OrganisationFactory(platform=world.platform, kind="partner", name="Garage test")
    _act(world, types, "orientation_garage", "X1", date=day(12), partner=partner)
    for person in ("Z3", "Z4", "Z5"):
        _act(
            world,
            types,
            "licence_aid",
            person,
            date=day(15),
            amount=Decimal("300.00"),
            funder=world.funder_org,
            decision="granted",
        )
    _act(
        world,
        types,
        "licence_aid",
        "B0",
        date=day(15),
        amount=Decimal("150.00"),
        decision="granted",
    )
    _act(
        world,
        types,
        "licence_aid",
        "X1",
        date=day(15),
        amount=Decimal("200.00"),
        decision="refused",
    )
    return types


def _type(data, code):
    return next(item for item in data["actions"]["by_type"] if item["code"] == code)


def test_every_action_figure(world, accompanied, no_secrecy):
    data = usage_report(world.scope()).data
    assert {
        kind: data["services"]["by_kind"][kind]
        for kind in ("workshop", "coaching", "transport", "carpool", "orientation", "financial_aid")
    } == {
        "workshop": 5,  # B0 did not come; the cancelled and the later sessions do not count
        "coaching": 5,
        "transport": 0,
        "carpool": 0,
        "orientation": 1,
        "financial_aid": 4,  # X1's aid was refused
    }
    assert data["services"]["total"] == 16 + 5 + 5 + 1 + 4
    assert _type(data, "mobility_workshop") == {
        "code": "mobility_workshop",
        "label": "Atelier mobilité (se repérer, lire un plan, prendre le bus)",
        "kind": "workshop",
        "people": 5,
        "acts": 5,
        "sessions": 1,
        "hours": 10.0,
        "amount": None,
    }
    coaching = _type(data, "coaching")
    assert (coaching["people"], coaching["acts"], coaching["hours"]) == (5, 6, 5.5)
    assert (coaching["sessions"], coaching["amount"]) == (None, None)
    orientation = _type(data, "orientation_garage")
    assert (orientation["people"], orientation["acts"], orientation["hours"]) == (1, 1, None)
    aid = _type(data, "licence_aid")
    assert (aid["people"], aid["acts"], aid["amount"]) == (4, 4, "1050.00")
    assert data["actions"]["aids_by_funder"] == [
        {
            "funder": "Département test",
            "funder_id": world.funder_org.pk,
            "people": 3,
            "acts": 3,
            "amount": "900.00",
        },
        {"funder": None, "funder_id": None, "people": 1, "acts": 1, "amount": "150.00"},
    ]
    # The types are listed by kind (workshops first).
    kinds = [item["kind"] for item in data["actions"]["by_type"]]
    assert kinds == sorted(kinds, key=lambda kind: list(data["services"]["by_kind"]).index(kind))
    # Only the types with activity are listed: no fuel aid, no bike school held.
    assert "fuel_aid" not in [item["code"] for item in data["actions"]["by_type"]]
    assert "bike_school" not in [item["code"] for item in data["actions"]["by_type"]]


def test_filters_on_the_people_apply_to_the_actions(world, accompanied, no_secrecy):
    ccas = usage_report(world.scope(prescriber_id=world.organisations["Z"].pk)).data
    assert ccas["services"]["by_kind"]["workshop"] == 0
    assert ccas["services"]["by_kind"]["financial_aid"] == 3
    assert [item["code"] for item in ccas["actions"]["by_type"]] == ["licence_aid"]
    mission = usage_report(world.scope(prescriber_id=world.organisations["X"].pk)).data
    workshop = _type(mission, "mobility_workshop")
    assert (workshop["people"], workshop["hours"]) == (5, 10.0)
    # Sessions held are the platform's, whoever came: not given for some people.
    assert workshop["sessions"] is None
    assert [a["people"] for a in ccas["actions"]["aids_by_funder"]] == [3]
    other = usage_report(replace(world.scope(), platform_ids=(world.other_platform.pk,))).data
    assert other["actions"] == {"by_type": [], "aids_by_funder": []}


def test_secrecy_masks_small_groups_and_what_would_give_them_back(world, accompanied):
    report = usage_report(world.scope())
    data = report.data
    by_kind = data["services"]["by_kind"]
    # 1 orientation and 4 aids are secret; 5 workshop-goers and 5 coached people are not.
    assert (by_kind["orientation"], by_kind["financial_aid"]) == (None, None)
    assert (by_kind["workshop"], by_kind["coaching"]) == (5, 5)
    aid = _type(data, "licence_aid")
    assert (aid["people"], aid["acts"], aid["amount"]) == (None, None, None)
    assert _type(data, "orientation_garage")["people"] is None
    # The only aid type's people are the kind's entry: masked with it, and so are the
    # funders' rows (their amounts add up to the type's).
    assert all(
        row["people"] is None and row["amount"] is None for row in data["actions"]["aids_by_funder"]
    )
    assert _type(data, "coaching")["people"] == 5
    index = data["actions"]["by_type"].index(aid)
    assert f"actions.by_type.{index}.amount" in report.masked


def test_a_lone_small_workshop_masks_the_next_smallest_of_its_kind(world, accompanied):
    bike = install_catalogue(platform=world.platform, by=world.admin)["bike_school"]
    session = services.session_schedule(
        by=world.adviser,
        action_type=bike,
        start=_at(world.day(7)),
        duration_minutes=90,
        place="Parking",
        capacity=5,
    )
    for code in ("Z3", "Z4"):
        services.registration_create(
            by=world.adviser, session=session, pathway=_pathway(world, code)
        )
    services.attendance_record(
        by=world.adviser,
        session=session,
        rows=[AttendanceRow(_pathway(world, code).pk, "present") for code in ("Z3", "Z4")],
    )
    data = usage_report(world.scope()).data
    assert data["services"]["by_kind"]["workshop"] == 7
    # Bike school (2) is secret; the mobility workshop (5) would give it back: masked too.
    assert _type(data, "bike_school")["people"] is None
    assert _type(data, "mobility_workshop")["people"] is None
    assert _type(data, "mobility_workshop")["hours"] is None
    assert _type(data, "mobility_workshop")["sessions"] == 1  # the platform's, not people's


def count_queries(scope) -> int:
    with CaptureQueriesContext(connection) as context:
        usage_report(scope)
    return len(context.captured_queries)


def test_the_query_count_does_not_grow_with_the_actions(world, accompanied, no_secrecy):
    assert count_queries(world.scope()) == REPORT_QUERIES
    for person in ("X1", "X2", "X3", "Z3", "Z4"):
        for offset in range(3):
            _act(
                world,
                accompanied,
                "solidarity_transport",
                person,
                date=world.day(20 + offset),
                trips=2,
                km=Decimal("12.5"),
            )
    _session(world, accompanied, world.day(8), ["Z3", "Z4"], {"Z3": "present", "Z4": "late"})
    assert count_queries(world.scope()) == REPORT_QUERIES
    assert usage_report(world.scope()).data["services"]["by_kind"]["transport"] == 5


def test_the_page_pdf_csv_and_xlsx_show_the_actions(world, accompanied, no_secrecy, api):
    report = usage_report(world.scope())
    expected = {row.code: row for row in rows(report)}
    aid = data_index(report.data, "licence_aid")
    assert expected[f"actions.by_type.{aid}.amount"].value == "1050.00"
    assert expected[f"actions.by_type.{aid}.amount"].section == "Actions d'accompagnement"
    coaching = data_index(report.data, "coaching")
    assert expected[f"actions.by_type.{coaching}.hours"].unit == "hours"

    csv_answer = api(world.admin).get("/api/v1/reports/usage", **world.query(), format="csv")
    csv = pd.read_csv(
        io.BytesIO(csv_answer.content),
        sep=";",
        encoding="utf-8-sig",
        dtype=str,
        keep_default_na=False,
    )
    listed = csv[csv["indicateur"] != ""].set_index("indicateur")
    assert listed.loc[f"actions.by_type.{aid}.amount", "valeur"] == "1050,00"
    assert listed.loc[f"actions.by_type.{coaching}.hours", "unité"] == "heures"
    assert listed.loc[f"actions.by_type.{coaching}.hours", "valeur"] == "5,5"
    assert listed.loc["actions.aids_by_funder.0.amount", "libellé"] == (
        "Aides de Département test : montant accordé"
    )
    assert listed.loc["services.by_kind.coaching", "valeur"] == "5"

    xlsx = api(world.admin).get("/api/v1/reports/usage", **world.query(), format="xlsx")
    sheet = pd.read_excel(io.BytesIO(xlsx.content), sheet_name=None)
    text = "\n".join(frame.to_csv() for frame in sheet.values())
    assert "Aide au permis : montant accordé" in text

    pdf = api(world.admin).get("/api/v1/reports/usage", **world.query(), format="pdf")
    pdf_text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "Actions d'accompagnement" in pdf_text
    assert "Personnes et actes par action d'accompagnement" in pdf_text
    assert "Aides financières accordées par financeur" in pdf_text

    page = logged_in(world.admin).get("/rapports/", world.query()).content.decode()
    assert "Actions d&#x27;accompagnement" in page or "Actions d'accompagnement" in page
    assert "Personnes et actes par action d" in page
    assert "Aides financières accordées par financeur" in page


def data_index(data, code) -> int:
    return [item["code"] for item in data["actions"]["by_type"]].index(code)


def test_every_enclosing_report_counts_the_actions_as_it_would_alone(world, accompanied):
    from accompaniment import report

    scope = world.scope(
        prescriber_id=world.organisations["X"].pk, postal_code="08000", qpv_only=True
    )

    def people(groups):
        return {key: values["people"] for key, values in groups.items()}

    kinds = report.people_by_kind(scope)
    types = report._by_type(scope)
    funders = report._aids_by_funder(scope)
    assert len(kinds.enclosing) == len(scope.cuts) - 1
    for index, cut in enumerate(scope.cuts[1:]):
        alone = replace(
            scope,
            prescriber_id=cut.prescriber_id,
            postal_code=cut.postal_code,
            commune=cut.commune,
            qpv_only=cut.qpv_only,
        )
        assert kinds.enclosing[index] == report.people_by_kind(alone).own, cut
        own_types = {k: v for k, v in people(report._by_type(alone).own).items() if v}
        assert {k: v for k, v in people(types.enclosing[index]).items() if v} == own_types, cut
        own_funders = {k: v for k, v in people(report._aids_by_funder(alone).own).items() if v}
        assert {k: v for k, v in people(funders.enclosing[index]).items() if v} == own_funders, cut
