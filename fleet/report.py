"""The fleet's part of the funder report (docs/regles-metier.md, "Rapports").

What it adds:

- `services.by_kind`: the people who started a rental of each vehicle kind in the period.
- `fleet`: rental days and km per vehicle kind within the period; occupancy_rate: rental
  days over the days the fleet could offer (not computed when the report is restricted
  to some people: the fleet serves everyone); revenue: money collected (payments and
  retained deposits), charged: amounts due and damages; average_rental_days: mean
  length of the rentals returned in the period; renters and rentals_returned: the people
  behind them.

Secrecy (mobility.reports.secrecy): the days and km of a kind go with the people who rode
it; the rate, the money and the mean with the people behind them.

A fixed number of aggregate queries (nine, eight in a report on some people), each
reading its tables on the report's platforms only.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import (
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Least, TruncDate
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fleet.enums import RentalStatus, VehicleKind, VehicleStatus
from fleet.models import CheckIn, LedgerEntry, Rental, Vehicle
from fleet.rules import OWED_KINDS, REFUND_KINDS, SETTLING_KINDS
from mobility.enums import Need
from mobility.reports.definition import mean
from mobility.reports.queries import (
    Flags,
    Layered,
    Scope,
    as_days,
    duration,
    layered,
    people_count,
)

SECTION = "fleet"
TITLE = _("Location de véhicules")
RENTAL_SERVICE = {
    VehicleKind.BIKE: Need.RENTAL_BIKE,
    VehicleKind.EBIKE: Need.RENTAL_EBIKE,
    VehicleKind.SCOOTER: Need.RENTAL_SCOOTER,
    VehicleKind.CAR: Need.RENTAL_CAR,
}
SERVICE_LABELS = {RENTAL_SERVICE[kind].value: RENTAL_SERVICE[kind].label for kind in VehicleKind}
VEHICLE_LABELS = dict(VehicleKind.choices)


# ---- the queries


def rentals_started_by_kind(scope: Scope) -> Layered[dict[str, int]]:
    """People who started a rental in the period, per vehicle kind."""
    return layered(
        scope,
        scope.rows(
            Rental,
            start_date__gte=scope.start,
            start_date__lte=scope.end,
            vehicle__platform_id__in=scope.platform_ids,
        ),
        Flags.of_person(scope.filters, "beneficiary__"),
        key="vehicle__kind",
        people={"people": Count("beneficiary_id", distinct=True)},
    ).map(lambda groups: {kind: values["people"] for kind, values in groups.items()})


def _rentals_in_use(scope: Scope):
    """Rentals with at least one day of use in [start, horizon), with `days` annotated."""
    horizon = scope.horizon
    rentals = scope.rows(Rental).filter(start_date__lt=horizon)
    rentals = rentals.filter(Q(end_date__isnull=True) | Q(end_date__gt=scope.start))
    first = Greatest(F("start_date"), Value(scope.start, output_field=DateField()))
    last = Least(
        Coalesce(F("end_date"), Value(scope.today, output_field=DateField())),
        Value(horizon, output_field=DateField()),
    )
    return rentals.annotate(first_day=first, last_day=last).filter(last_day__gt=F("first_day"))


def rental_days_by_kind(scope: Scope) -> Layered[dict[str, dict[str, int]]]:
    """Rental days in the period and the people behind them, per vehicle kind
    ({kind: {"days", "people"}}; the enclosing reports give only the people).

    A rental occupies the days from its start (included) to its return (excluded), as a
    rental counts them (docs/api.md); an open one up to today.
    """
    by_kind = layered(
        scope,
        _rentals_in_use(scope).filter(vehicle__platform_id__in=scope.platform_ids),
        Flags.of_person(scope.filters, "beneficiary__"),
        key="vehicle__kind",
        figures={"days": Sum(duration(F("last_day") - F("first_day")))},
        people={"people": Count("beneficiary_id", distinct=True)},
    )
    own = {
        kind: {"days": as_days(values["days"]), "people": values["people"]}
        for kind, values in by_kind.own.items()
    }
    return Layered(own, by_kind.enclosing)


def renters(scope: Scope) -> Layered[int]:
    """Distinct people with rental days in the period (all kinds)."""
    return people_count(scope, _rentals_in_use(scope), "beneficiary_id")


def km_by_kind(scope: Scope) -> dict[str, int]:
    """Km driven in the period: those of each point étape dated in it, plus those of
    each return dated in it (since the last point étape, or the hand-over).

    A return's km are its rental's whole distance minus its points étapes' km: two
    set-based sums, no subquery per rental.
    """
    returned_in_period = Q(
        rental__platform_id__in=scope.platform_ids,
        rental__status=RentalStatus.RETURNED,
        rental__end_date__gte=scope.start,
        rental__end_date__lte=scope.end,
    )
    in_period = Q(date__gte=scope.start, date__lte=scope.end)
    checkins = layered(
        scope,
        scope.rows(CheckIn, rental__vehicle__platform_id__in=scope.platform_ids).filter(
            in_period | returned_in_period
        ),
        Flags.of_person(scope.filters, "rental__beneficiary__"),
        key="rental__vehicle__kind",
        figures={
            "km": Sum("km_driven", filter=in_period),
            "before_return": Sum("km_driven", filter=returned_in_period),
        },
    ).own
    km = {
        kind: int(values["km"] or 0) - int(values["before_return"] or 0)
        for kind, values in checkins.items()
    }
    returns = layered(
        scope,
        _returned_in_period(scope).filter(vehicle__platform_id__in=scope.platform_ids),
        Flags.of_person(scope.filters, "beneficiary__"),
        key="vehicle__kind",
        figures={
            "km": Sum(
                ExpressionWrapper(
                    F("end_odometer_km") - F("start_odometer_km"), output_field=IntegerField()
                )
            )
        },
    ).own
    for kind, values in returns.items():
        km[kind] = km.get(kind, 0) + int(values["km"] or 0)
    return km


def fleet_capacity_days(scope: Scope) -> int:
    """Vehicle-days the fleet offered in the period, up to today: each vehicle counts from
    the day it joined the fleet (its creation, or its first rental if typed in later).
    Retired vehicles count only if they were rented in the period."""
    first_rental = (
        Rental.objects.filter(vehicle_id=OuterRef("pk"))
        .order_by()
        .values("vehicle_id")
        .annotate(first=Min("start_date"))
        .values("first")
    )
    created = TruncDate("created_at")
    joined = Least(created, Coalesce(Subquery(first_rental, output_field=DateField()), created))
    rented_in_period = scope.rows(
        Rental, vehicle_id=OuterRef("pk"), start_date__lt=scope.horizon
    ).filter(Q(end_date__isnull=True) | Q(end_date__gt=scope.start))
    vehicles = (
        Vehicle.objects.filter(platform_id__in=scope.platform_ids)
        .filter(~Q(status=VehicleStatus.RETIRED) | Exists(rented_in_period))
        .order_by()
        .annotate(
            first_day=Greatest(joined, Value(scope.start, output_field=DateField())),
            last_day=Value(scope.horizon, output_field=DateField()),
        )
        .filter(last_day__gt=F("first_day"))
    )
    total = vehicles.aggregate(days=Sum(duration(F("last_day") - F("first_day"))))["days"]
    return as_days(total)


def revenue(scope: Scope) -> dict[str, object]:
    """Money of the rentals dated in the period: collected (payments and retained
    deposits, less refunds), charged (amounts due and damages), and the people who paid.
    A reversal carries the opposite amount of its entry, so the sums leave both out."""
    totals = layered(
        scope,
        scope.rows(LedgerEntry, date__gte=scope.start, date__lte=scope.end),
        Flags.of_person(scope.filters, "rental__beneficiary__"),
        figures={
            "collected": Sum("amount", filter=Q(kind__in=list(SETTLING_KINDS))),
            "refunded": Sum("amount", filter=Q(kind__in=list(REFUND_KINDS))),
            "charged": Sum("amount", filter=Q(kind__in=list(OWED_KINDS))),
        },
    ).own
    # The payers by a semi-join on the rentals: a DISTINCT over the ledger's rows would
    # sort them all. A payment cancelled by its reversal is no payment.
    paid = scope.rows(
        LedgerEntry,
        rental_id=OuterRef("pk"),
        kind__in=list(SETTLING_KINDS),
        reverses__isnull=True,
        reversal__isnull=True,
        date__gte=scope.start,
        date__lte=scope.end,
    )
    payers = people_count(scope, scope.rows(Rental).filter(Exists(paid)), "beneficiary_id")
    return {
        "collected": (totals["collected"] or Decimal("0.00"))
        - (totals["refunded"] or Decimal("0.00")),
        "charged": totals["charged"] or Decimal("0.00"),
        "payers": payers,
    }


def _returned_in_period(scope: Scope):
    """The rentals of the scope returned in its period."""
    return scope.rows(
        Rental, status=RentalStatus.RETURNED, end_date__gte=scope.start, end_date__lte=scope.end
    )


def returned_rentals(scope: Scope) -> dict[str, object]:
    """Rentals returned in the period: how many, by how many people, their total days."""
    totals = layered(
        scope,
        _returned_in_period(scope),
        Flags.of_person(scope.filters, "beneficiary__"),
        figures={"count": Count("pk"), "days": Sum(duration(F("end_date") - F("start_date")))},
        people={"people": Count("beneficiary_id", distinct=True)},
    )
    return {
        "count": totals.own["count"] or 0,
        "people": totals.map(lambda values: values["people"] or 0),
        "days": as_days(totals.own["days"]),
    }


# ---- the section of the report


def people_by_service(scope: Scope) -> Layered[dict[str, int]]:
    """The people who started a rental in the period, per service of services.by_kind."""
    return rentals_started_by_kind(scope).map(
        lambda by_kind: {RENTAL_SERVICE[kind]: by_kind.get(kind, 0) for kind in VehicleKind.values}
    )


def section(scope: Scope, mask, services_masked, *, money, hours) -> dict:
    """The `fleet` part of the report, masked by the report's `mask`."""
    days = rental_days_by_kind(scope)
    km = km_by_kind(scope)
    people_by_kind = days.map(
        lambda groups: {
            kind: int(groups.get(kind, {}).get("people", 0)) for kind in VehicleKind.values
        }
    )
    rental_days = {kind: int(days.own.get(kind, {}).get("days", 0)) for kind in VehicleKind.values}
    riders = renters(scope)
    money_in = revenue(scope)
    returned = returned_rentals(scope)
    capacity = None if scope.filters_people else fleet_capacity_days(scope)
    return {
        "rental_days": mask.by_people("fleet.rental_days", rental_days, people_by_kind),
        "km": mask.by_people(
            "fleet.km", {kind: int(km.get(kind, 0)) for kind in VehicleKind.values}, people_by_kind
        ),
        "occupancy_rate": mask.rate(
            "fleet.occupancy_rate",
            min(sum(rental_days.values()), capacity or 0),
            capacity,
            people=riders,
        ),
        "revenue": money(
            mask.over_people("fleet.revenue", money_in["collected"], people=money_in["payers"])
        ),
        "charged": money(
            mask.over_people("fleet.charged", money_in["charged"], people=money_in["payers"])
        ),
        "average_rental_days": mask.over_people(
            "fleet.average_rental_days",
            mean(returned["days"] / returned["count"]) if returned["count"] else None,
            people=returned["people"],
        ),
        "rentals_returned": mask.count("fleet.rentals_returned", returned["people"]),
        "renters": mask.count("fleet.renters", riders),
    }


def rows(data: dict) -> list[tuple[str, object, object, str]]:
    """The section's figures for the flat table: (code, French label, value, unit)."""
    fleet = data[SECTION]
    out = []
    for kind, value in fleet["rental_days"].items():
        out.append(
            (
                f"fleet.rental_days.{kind}",
                _("Jours de location : %(kind)s") % {"kind": VEHICLE_LABELS[kind]},
                value,
                "days",
            )
        )
    for kind, value in fleet["km"].items():
        out.append(
            (
                f"fleet.km.{kind}",
                _("Km parcourus : %(kind)s") % {"kind": VEHICLE_LABELS[kind]},
                value,
                "km",
            )
        )
    for code, label, unit in (
        ("renters", _("Personnes ayant roulé sur la période"), "count"),
        ("occupancy_rate", _("Taux d'occupation de la flotte"), "rate"),
        ("revenue", _("Recettes encaissées"), "money"),
        ("charged", _("Montants facturés (locations et dommages)"), "money"),
        ("rentals_returned", _("Personnes ayant rendu un véhicule"), "count"),
        ("average_rental_days", _("Durée moyenne d'une location rendue (jours)"), "days"),
    ):
        out.append((f"fleet.{code}", label, fleet[code], unit))
    return out


def charts(report) -> list:
    """The days and km per vehicle kind, as bars."""
    from mobility.reports.presentation import capfirst, count_chart

    fleet = report.data[SECTION]
    return [
        count_chart(
            report,
            gettext("Jours de location par type de véhicule"),
            [
                (capfirst(VEHICLE_LABELS[kind]), f"fleet.rental_days.{kind}")
                for kind in fleet["rental_days"]
            ],
        ),
        count_chart(
            report,
            gettext("Km parcourus par type de véhicule"),
            [(capfirst(VEHICLE_LABELS[kind]), f"fleet.km.{kind}") for kind in fleet["km"]],
        ),
    ]
