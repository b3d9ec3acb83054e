"""The fleet part of the demo: a few vehicles, rentals with their weekly check-ins, one
payment late, one vehicle in maintenance, one returned with a damage.

Called by `manage.py seed_demo`; everything goes through the services, so history,
ledger, constraints and amounts are real. Running it again changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from fleet import services
from fleet.enums import VehicleKind, VehicleStatus
from fleet.models import Vehicle
from mobility.enums import PathwayStatus
from mobility.models import Pathway, Platform, User

VEHICLES = (
    (VehicleKind.CAR, "Clio grise", "GE-418-TR", 84210, "Parking de la gare"),
    (VehicleKind.CAR, "C3 blanche", "FK-207-BX", 61540, "Parking de la gare"),
    (VehicleKind.SCOOTER, "Scooter Kisbee n° 1", "GH-112-AZ", 5230, "Local vélos"),
    (VehicleKind.SCOOTER, "Scooter Kisbee n° 2", "GH-113-AZ", 7810, "Local vélos"),
    (VehicleKind.EBIKE, "VAE Gitane n° 1", "", 1240, "Local vélos"),
    (VehicleKind.EBIKE, "VAE Gitane n° 2", "", 860, "Local vélos"),
    (VehicleKind.BIKE, "Vélo de ville n° 1", "", 0, "Local vélos"),
    (VehicleKind.BIKE, "Vélo de ville n° 2", "", 0, "Local vélos"),
)
OK = {"tyres": "ok", "brakes": "ok", "lights": "ok", "body": "ok", "cleanliness": "ok"}
DEMO_OVERRIDE = "Démo : situation vue en entretien, dérogation accordée par la conseillère."


def seed(*, platform: Platform, users: dict[str, User], today: date) -> None:
    if Vehicle.objects.filter(platform=platform).exists():
        return
    fleet, adviser = users["flotte"], users["conseiller"]
    vehicles = [
        services.vehicle_create(
            by=fleet,
            platform=platform,
            kind=kind,
            label=label,
            registration=registration,
            odometer_km=km,
            site=site,
        )
        for kind, label, registration, km, site in VEHICLES
    ]
    car, car2, scooter, _scooter2, ebike, _ebike2, bike, _bike2 = vehicles
    pathways = list(
        Pathway.objects.filter(
            platform=platform,
            status=PathwayStatus.OPEN,
            opened_on__lte=today - timedelta(days=40),
        )
        .select_related("beneficiary", "platform")
        .order_by("opened_on", "pk")[:4]
    )
    if len(pathways) < 4:
        return

    def hand_over(pathway, vehicle, start, deposit, waiver=""):
        return services.rental_create(
            by=adviser,
            pathway=pathway,
            vehicle=vehicle,
            start_date=start,
            deposit=Decimal(deposit),
            contract_signed=True,
            home_work_km=services.default_home_work_km(pathway) or Decimal("12"),
            override_reason=DEMO_OVERRIDE,
            deposit_waiver_reason=waiver,
        )

    def check_in(rental, day, km, paid=None, notes="", condition=OK):
        services.checkin_record(
            by=fleet,
            rental=rental,
            day=day,
            odometer_km=km,
            condition=condition,
            payment_amount=Decimal(paid) if paid else None,
            payment_method="cash" if paid else "",
            notes=notes,
        )

    # A car for five weeks: paid every week, then a week unpaid and the point étape due.
    start = today - timedelta(days=33)
    rental = hand_over(pathways[0], car, start, "150")
    amounts = services.rental_quote(rental, start, start + timedelta(days=7)).total
    for week, km in ((1, 84420), (2, 84650), (3, 84910)):
        check_in(rental, start + timedelta(days=7 * week), km, paid=amounts)
    check_in(
        rental,
        start + timedelta(days=28),
        85390,
        notes="Beaucoup de km cette semaine : un déménagement. Cherche une voiture via l'ADIE.",
        condition={**OK, "tyres": "worn"},
    )

    # A scooter started ten days ago: its first point étape is overdue.
    hand_over(
        pathways[1],
        scooter,
        today - timedelta(days=10),
        "80",
        waiver="Caution payée en deux fois : 20 € au premier point étape.",
    )

    # An e-bike: point étape due today.
    ebike_rental = hand_over(pathways[2], ebike, today - timedelta(days=14), "50")
    check_in(ebike_rental, today - timedelta(days=7), 1340, paid="5.00")

    # A bike returned with a damage, part of the deposit retained.
    bike_start = today - timedelta(days=30)
    bike_rental = hand_over(
        pathways[3], bike, bike_start, "30", waiver="Ressources très faibles (ASS)."
    )
    check_in(bike_rental, bike_start + timedelta(days=7), 60, paid="3.50")
    services.rental_return(
        by=fleet,
        rental=bike_rental,
        day=bike_start + timedelta(days=14),
        odometer_km=120,
        condition={**OK, "lights": "damaged"},
        damages=[services.Damage("Feu arrière cassé", Decimal("12.00"))],
        deposit_retained=Decimal("15.50"),
        deposit_retained_reason="Feu arrière cassé et une semaine impayée.",
    )

    services.vehicle_set_status(
        by=fleet, vehicle=car2, status=VehicleStatus.MAINTENANCE, notes="Vidange et freins."
    )
