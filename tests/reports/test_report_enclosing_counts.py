"""Each count of people comes for the report and every report that encloses it from the
same query (mobility.reports.queries.layered): each enclosing report's share must be what
that report counts on its own."""

import dataclasses

import pytest

from diagnostics import report as diagnostics_report
from drivingschool import report as school_report
from fleet import report as fleet_report
from mobility.reports import queries

LAYERED = [
    queries.referrals_by_prescriber,
    queries.people_met,
    fleet_report.rentals_started_by_kind,
    school_report.enrolments_started,
    diagnostics_report.entry_diagnostics,
    fleet_report.rental_days_by_kind,
    fleet_report.renters,
    school_report.enrolled,
    school_report.exams,
    queries.pathways,
]


def people_of(value):
    """The counts of people in a query's answer (what the enclosing reports carry)."""
    if hasattr(value, "to_dict"):  # the frame of the referrals by prescriber
        return dict(zip(value["prescriber_id"], value["count"], strict=True))
    if isinstance(value, dict):
        return {
            key: {"people": item["people"]} if isinstance(item, dict) and "days" in item else item
            for key, item in value.items()
        }
    return value


@pytest.mark.parametrize("query", LAYERED, ids=lambda query: query.__name__)
def test_every_enclosing_report_gets_what_it_counts_on_its_own(world, query):
    scope = world.scope(
        prescriber_id=world.organisations["Z"].pk,
        postal_code="08000",
        commune="Charleville-Mézières",
        qpv_only=True,
    )
    answer = query(scope)
    assert len(answer.enclosing) == len(scope.cuts) - 1 == 2 * 5 * 2 * 2 - 1
    for cut, value in zip(scope.cuts[1:], answer.enclosing, strict=True):
        alone = dataclasses.replace(
            scope,
            prescriber_id=cut.prescriber_id,
            postal_code=cut.postal_code,
            commune=cut.commune,
            qpv_only=cut.qpv_only,
        )
        assert people_of(value) == people_of(query(alone).own), cut


@pytest.mark.parametrize(
    "query",
    [
        fleet_report.returned_rentals,
        fleet_report.revenue,
        school_report.attendance,
        diagnostics_report.mobility_potential,
    ],
    ids=lambda query: query.__name__,
)
def test_the_people_behind_sums_and_means_too(world, query):
    scope = world.scope(postal_code="08", qpv_only=True)
    people = query(scope)["people" if query is not fleet_report.revenue else "payers"]
    for cut, value in zip(scope.cuts[1:], people.enclosing, strict=True):
        alone = dataclasses.replace(scope, postal_code=cut.postal_code, qpv_only=cut.qpv_only)
        key = "people" if query is not fleet_report.revenue else "payers"
        assert value == query(alone)[key].own, cut
