"""The accompaniment part of the demo: a catalogue, workshop sessions (past ones with their
sheet, coming ones with places left), and individual actions on a few pathways.

Called by `manage.py seed_demo`; everything goes through the services, so history,
notifications and constraints are real. Running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from accompaniment import services
from accompaniment.enums import ActionKind
from accompaniment.models import ActionType
from accompaniment.services import ActionData, AttendanceRow
from mobility import services as core_services
from mobility.enums import OrganisationKind, PathwayStatus
from mobility.models import Organisation, Pathway, Platform, User


@dataclass(frozen=True)
class TypeSpec:
    code: str
    kind: str
    label: str
    answers: tuple[str, ...]


# Recommendation codes are those of the default questionnaire (diagnostics/questionnaires).
CATALOGUE = (
    TypeSpec(
        "mobility_workshop",
        ActionKind.WORKSHOP,
        "Atelier mobilité (se repérer, lire un plan, prendre le bus)",
        ("mobility_workshop", "transport_info"),
    ),
    TypeSpec("bike_school", ActionKind.WORKSHOP, "Vélo-école", ("bike_school", "rental_bike")),
    TypeSpec(
        "road_safety",
        ActionKind.WORKSHOP,
        "Atelier sécurité routière",
        ("pre_training", "rental_scooter"),
    ),
    TypeSpec(
        "digital_workshop",
        ActionKind.WORKSHOP,
        "Atelier numérique (applications de trajet)",
        ("digital_workshop",),
    ),
    TypeSpec("coaching", ActionKind.COACHING, "Accompagnement individuel", ("coaching",)),
    TypeSpec(
        "solidarity_transport",
        ActionKind.TRANSPORT,
        "Transport solidaire",
        ("transport_info",),
    ),
    TypeSpec("carpool", ActionKind.CARPOOL, "Mise en relation covoiturage", ("transport_info",)),
    TypeSpec(
        "orientation_garage",
        ActionKind.ORIENTATION,
        "Orientation vers un garage solidaire",
        ("rental_car",),
    ),
    TypeSpec(
        "orientation_driving_school",
        ActionKind.ORIENTATION,
        "Orientation vers une auto-école partenaire",
        ("partner_referral",),
    ),
    TypeSpec(
        "orientation_microcredit",
        ActionKind.ORIENTATION,
        "Orientation vers le microcrédit",
        ("microcredit",),
    ),
    TypeSpec(
        "licence_aid",
        ActionKind.FINANCIAL_AID,
        "Aide au permis",
        ("driving_school", "pre_training"),
    ),
    TypeSpec("repair_aid", ActionKind.FINANCIAL_AID, "Aide à la réparation du véhicule", ()),
    TypeSpec("fuel_aid", ActionKind.FINANCIAL_AID, "Aide au carburant", ()),
)

PARTNERS = (
    ("Garage solidaire des Ardennes", "81234567800015"),
    ("Auto-école partenaire de Sedan", "79876543200021"),
)


def install_catalogue(*, platform: Platform, by: User) -> dict[str, ActionType]:
    """The demo catalogue on `platform` (entries already there are kept)."""
    existing = {t.code: t for t in ActionType.objects.filter(platform=platform)}
    for spec in CATALOGUE:
        if spec.code not in existing:
            existing[spec.code] = services.action_type_create(
                by=by,
                platform=platform,
                code=spec.code,
                kind=spec.kind,
                label=spec.label,
                answers=spec.answers,
            )
    return existing


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def seed(*, platform: Platform, users: dict[str, User], today: dt.date | None = None) -> int:
    """Catalogue, sessions and actions of the demo platform; the number of actions."""
    if ActionType.objects.filter(platform=platform).exists():
        return 0
    today = today or timezone.localdate()
    admin, adviser = users["admin"], users["conseiller"]
    types = install_catalogue(platform=platform, by=admin)
    for name, siret in PARTNERS:
        if not Organisation.objects.filter(platform=platform, name=name).exists():
            core_services.organisation_create(
                by=admin, platform=platform, name=name, kind=OrganisationKind.PARTNER, siret=siret
            )
    partners = {
        o.name: o
        for o in Organisation.objects.filter(platform=platform, kind=OrganisationKind.PARTNER)
    }
    funders = list(
        Organisation.objects.filter(platform=platform, kind=OrganisationKind.FUNDER).order_by("pk")
    )
    pathways = list(
        Pathway.objects.filter(platform=platform, status=PathwayStatus.OPEN)
        .select_related("beneficiary")
        .order_by("opened_on", "pk")[:8]
    )
    monday = today - dt.timedelta(days=today.weekday())
    # Two past sessions with their sheet, four to come with places left (one tomorrow).
    plan = [
        (
            "mobility_workshop",
            monday - dt.timedelta(days=12),
            9,
            8,
            ("present", "late", "unexcused"),
        ),
        ("bike_school", monday - dt.timedelta(days=5), 14, 6, ("present", "excused")),
        ("digital_workshop", today + dt.timedelta(days=1), 10, 8, ()),
        ("mobility_workshop", monday + dt.timedelta(days=8), 9, 8, ()),
        ("road_safety", monday + dt.timedelta(days=10), 14, 10, ()),
        ("bike_school", monday + dt.timedelta(days=16), 14, 6, ()),
    ]
    for index, (code, day, hour, capacity, sheet) in enumerate(plan):
        session = services.session_schedule(
            by=adviser,
            action_type=types[code],
            start=_at(day, hour),
            duration_minutes=120,
            place="Maison de la mobilité, 3 place Turenne, Sedan",
            capacity=capacity,
            facilitator=adviser,
            # The Département pays the workshops: its audit of signed sheets lists them.
            funder=funders[0] if funders else None,
        )
        people = [p for p in pathways[index % 3 :: 2] if p.opened_on <= day][: max(len(sheet), 2)]
        for pathway in people:
            services.registration_create(by=adviser, session=session, pathway=pathway)
        if sheet and session.start <= timezone.now():
            services.attendance_record(
                by=adviser,
                session=session,
                rows=[
                    AttendanceRow(
                        pathway_id=pathway.pk,
                        status=status,
                        reason="Convocation à France Travail" if status == "excused" else "",
                    )
                    for pathway, status in zip(people, sheet, strict=False)
                ],
            )
    count = 0
    for index, pathway in enumerate(pathways[:6]):
        day = max(pathway.opened_on, today - dt.timedelta(days=10 - index))
        services.action_record(
            by=adviser,
            pathway=pathway,
            action_type=types["coaching"],
            data=ActionData(date=day, duration_minutes=60, notes="Point sur les trajets."),
        )
        count += 1
    actions = [
        ("solidarity_transport", ActionData(date=today, trips=4, km=Decimal("38.5"))),
        ("carpool", ActionData(date=today)),
        (
            "orientation_microcredit",
            ActionData(date=today, partner=partners.get("ADIE — antenne des Ardennes")),
        ),
        (
            "orientation_garage",
            ActionData(date=today, partner=partners.get("Garage solidaire des Ardennes")),
        ),
        (
            "licence_aid",
            ActionData(
                date=today,
                amount=Decimal("400.00"),
                funder=funders[0] if funders else None,
                decision="granted",
            ),
        ),
        (
            "repair_aid",
            ActionData(
                date=today,
                amount=Decimal("250.00"),
                funder=funders[-1] if funders else None,
                decision="refused",
            ),
        ),
    ]
    recorded = []
    for index, (code, data) in enumerate(actions):
        pathway = pathways[index % len(pathways)]
        recorded.append(
            services.action_record(by=adviser, pathway=pathway, action_type=types[code], data=data)
        )
        count += 1
    # One orientation has its answer, the granted aid is paid.
    services.action_follow_up(by=adviser, action=recorded[3], outcome="done")
    services.action_follow_up(by=adviser, action=recorded[4], paid_on=today)
    return count
