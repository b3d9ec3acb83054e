"""Every figure of the report on the known dataset of conftest.py (secrecy off: threshold 1),
then the same report restricted by prescriber, territory and QPV."""

from decimal import Decimal

from drivingschool.models import Programme
from fleet.enums import EntryKind
from fleet.models import LedgerEntry
from mobility.reports.definition import usage_report


def charged_in_period(world) -> str:
    """The oracle of `charged`: the ledger's amounts due and damages dated in the period."""
    rows = LedgerEntry.objects.filter(
        platform=world.platform,
        kind__in=[EntryKind.CHARGE, EntryKind.DAMAGE],
        date__gte=world.start,
        date__lte=world.end,
    ).values_list("amount", flat=True)
    return str(sum(rows, Decimal("0.00")))


def test_every_figure_of_the_report(world, no_secrecy):
    data = usage_report(world.scope(funder_id=world.funder_org.pk)).data
    orgs = world.organisations

    assert data["period"] == {"start": world.start.isoformat(), "end": world.end.isoformat()}
    assert data["scope"] == {
        "platforms": [{"id": world.platform.pk, "name": world.platform.name}],
        "funder": {"id": world.funder_org.pk, "name": "Département test"},
        "prescriber": None,
        "territory": {"postal_code": None, "commune": None, "qpv_only": False},
    }
    # Fiches received in the period (B0's, received before, does not count; Y3, declined,
    # does), per organisation, largest first.
    assert data["referrals"] == {
        "total": 14,
        "organisations": 3,
        "by_prescriber": [
            {"organisation": "Mission locale test", "organisation_id": orgs["X"].pk, "count": 6},
            {"organisation": "CCAS test", "organisation_id": orgs["Z"].pk, "count": 5},
            {"organisation": "Centre social test", "organisation_id": orgs["Y"].pk, "count": 3},
        ],
    }
    assert data["people"] == {
        "met": 13,
        "women": 7,
        "men": 6,
        "other": 0,
        "qpv": round(8 / 13, 4),
        "rsa": round(3 / 13, 4),
        "qpv_count": 8,
        "rsa_count": 3,
    }
    # Started in the period: five cars (the bike started before), five enrolments,
    # six entry diagnostics.
    assert data["services"] == {
        "total": 16,
        "by_kind": {
            "rental_bike": 0,
            "rental_ebike": 0,
            "rental_scooter": 0,
            "rental_car": 5,
            "driving_school": 5,
            "diagnostic": 6,
            # No accompaniment action in this world (tests/reports/test_report_actions.py).
            "workshop": 0,
            "coaching": 0,
            "transport": 0,
            "carpool": 0,
            "orientation": 0,
            "financial_aid": 0,
        },
    }
    assert data["fleet"] == {
        # R1: 14 days; R2..R5: S+10 to E included, 41 days each; bike: S to S+5, 5 days.
        "rental_days": {"bike": 5, "ebike": 0, "scooter": 0, "car": 14 + 4 * 41},
        # R1: 300 at its check-in, 200 at its return; R2..R5: 100 each (R2's 1 000 km
        # after the period do not count); the bike: 50 at its return.
        "km": {"bike": 50, "ebike": 0, "scooter": 0, "car": 300 + 200 + 4 * 100},
        # 183 rental days over 266 vehicle-days: R1's car and the bike from S (51 days),
        # the four other cars from their first rental, S+10 (41 days each).
        "occupancy_rate": round(183 / 266, 4),
        "revenue": "43.00",
        "charged": charged_in_period(world),
        "average_rental_days": 12.0,
        "rentals_returned": 2,
        "renters": 6,
    }
    assert data["drivingschool"] == {
        "enrolled": 5,
        # Two lessons of 120 min for five people; Z4 late (attended), Z5 absent.
        "attendance_rate": round(1080 / 1200, 4),
        # Code lessons only in this world (the stages apart: test_attendance_per_stage).
        "attendance_by_stage": {"code": 0.9, "pre_training": None, "driving": None},
        # Per person, Z4 (failed then passed) counts 1/1; per sitting, 1/2: the theory
        # sittings are Z1..Z3 passed, Z4 failed then passed, Z5 failed (Z5's success
        # comes after the period): 4 of 6, the basis of the departmental average.
        "theory": {
            "presented": 5,
            "passed": 4,
            "pass_rate": 0.8,
            "sittings": 6,
            "sittings_passed": 4,
            "sitting_pass_rate": round(4 / 6, 4),
            "departmental_average": 0.57,
        },
        "driving": {
            "presented": 2,
            "passed": 1,
            "pass_rate": 0.5,
            "sittings": 2,
            "sittings_passed": 1,
            "sitting_pass_rate": 0.5,
            "departmental_average": 0.59,
        },
    }
    assert data["pathways"] == {"opened": 13, "closed": 5}
    assert data["outcomes"] == {
        "cdi": 2,
        "cdd": 1,
        "interim": 0,
        "contrat_aide": 0,
        "formation": 1,
        "creation": 0,
        "none": 1,
    }
    assert data["durable_solution"] == 3
    assert data["durable_solution_rate"] == 0.6
    # X6, Z1, Z2: the least mobile answers at the entry, the most mobile at the exit.
    assert data["mobility_potential"] == {
        "entry_mean": 0.0,
        "exit_mean": 100.0,
        "delta_mean": 100.0,
        "people": 3,
    }
    # 6 500 for the funder over the period, half of 13 000 over twice the period.
    assert data["budget"] == {"amount": "13000.00", "funder_amount": "6500.00"}
    assert data["cost_per_beneficiary"] == "1000.00"
    assert data["secrecy"] == {"threshold": 1, "masked": []}


def test_another_platforms_activity_never_counts(world, no_secrecy):
    other = usage_report(
        world.scope().__class__(
            start=world.start,
            end=world.end,
            platform_ids=(world.other_platform.pk,),
            today=world.today,
        )
    ).data
    assert other["referrals"]["total"] == 1
    assert other["people"]["met"] == 1
    assert other["services"]["total"] == 0


def test_a_period_before_the_activity_is_empty(world, no_secrecy):
    scope = world.scope().__class__(
        start=world.start.replace(year=world.start.year - 3),
        end=world.start.replace(year=world.start.year - 2),
        platform_ids=(world.platform.pk,),
        today=world.today,
    )
    data = usage_report(scope).data
    assert data["referrals"]["total"] == 0
    assert data["people"]["met"] == 0
    assert data["people"]["qpv"] is None  # nothing to divide by: not applicable
    assert data["fleet"]["rental_days"] == {"bike": 0, "ebike": 0, "scooter": 0, "car": 0}
    assert data["fleet"]["occupancy_rate"] is None
    assert data["drivingschool"]["attendance_rate"] is None
    assert data["cost_per_beneficiary"] is None
    assert data["secrecy"]["masked"] == []


def test_filters_on_the_people(world, no_secrecy):
    ccas = usage_report(world.scope(prescriber_id=world.organisations["Z"].pk)).data
    assert ccas["referrals"]["total"] == 5
    assert ccas["people"]["met"] == 5
    assert ccas["services"]["by_kind"]["driving_school"] == 5
    assert ccas["services"]["by_kind"]["rental_car"] == 0
    assert ccas["drivingschool"]["theory"]["presented"] == 5
    assert ccas["outcomes"]["formation"] == 1
    assert ccas["outcomes"]["cdi"] == 0
    # The fleet serves everyone: its occupancy is not a figure of a group of people.
    assert ccas["fleet"]["occupancy_rate"] is None

    territory = usage_report(world.scope(postal_code="08000")).data
    assert territory["people"]["met"] == 5
    assert territory["referrals"]["total"] == 5
    assert usage_report(world.scope(commune="charleville-mézières")).data["people"]["met"] == 5
    assert usage_report(world.scope(postal_code="08")).data["people"]["met"] == 13

    qpv = usage_report(world.scope(qpv_only=True)).data
    assert qpv["people"]["met"] == 8
    assert qpv["people"]["qpv"] == 1.0
    assert qpv["services"]["by_kind"]["rental_car"] == 5
    assert qpv["fleet"]["rental_days"]["car"] == 178
    assert qpv["fleet"]["revenue"] == "40.00"  # the bike's 3.00 was paid by B0, not in a QPV


def test_several_platforms_take_the_mean_of_their_departmental_averages(world, no_secrecy):
    other = world.other_platform
    Programme.objects.create(
        platform=other,
        theory_departmental_pass_rate=Decimal("0.610"),
        driving_departmental_pass_rate=None,
    )
    scope = world.scope().__class__(
        start=world.start,
        end=world.end,
        platform_ids=(world.platform.pk, other.pk),
        today=world.today,
    )
    data = usage_report(scope).data
    assert data["drivingschool"]["theory"]["departmental_average"] == 0.59
    assert data["drivingschool"]["driving"]["departmental_average"] == 0.59
    assert data["referrals"]["total"] == 15
