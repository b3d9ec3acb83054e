"""Every write of the fleet. The pages and the API call these, so they cannot disagree.

Each state change runs in one transaction and locks what it changes (`select_for_update`);
the database constraints of fleet.models are the last word (a vehicle in two open rentals
is refused by the partial unique index even if two hand-overs race).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from fleet import defaults, eligibility, receipts, rules, selectors, tariffs
from fleet.enums import (
    FLEET_ROLES,
    OVERRIDE_ROLES,
    REQUIRED_CONDITION_ITEMS,
    EntryKind,
    MicrocreditOutcome,
    PaymentMethod,
    RentalStatus,
    VehicleKind,
    VehicleStatus,
    VisitFrequency,
)
from fleet.models import (
    CheckIn,
    EligibilityRule,
    FleetSettings,
    LedgerEntry,
    ReceiptCounter,
    Rental,
    TariffDeposit,
    TariffGrid,
    TariffReduction,
    TariffStep,
    Vehicle,
)
from mobility import notifications
from mobility.enums import NotificationEvent, OrganisationKind, PathwayStatus, ReferralStatus, Role
from mobility.errors import Conflict, Forbidden, InvalidInput
from mobility.models import Beneficiary, Organisation, Pathway, Platform, User

# How far ahead a hand-over may be recorded (a contract signed on Friday for Monday).
MAX_DAYS_AHEAD = 30


def save_with_author(instance, *, by: User | None):
    """Save and let simple-history record `by` as the author, whatever the channel."""
    instance._history_user = by
    instance.save()
    return instance


def require_fleet_role(user: User, platform_id: int) -> None:
    if platform_id not in user.platform_ids(FLEET_ROLES):
        raise Forbidden(
            "Seul·es l'équipe de la flotte, les conseiller·ères et les administrateur·rices "
            "de la plateforme gèrent les véhicules et les locations."
        )


# ---- grids and settings


@transaction.atomic
def install_shipped_grids() -> None:
    """Create the shipped example grids (fleet.defaults) if they are not in the database."""
    for code, spec in defaults.SHIPPED_GRIDS.items():
        if TariffGrid.objects.filter(platform__isnull=True, code=code).exists():
            continue
        grid = save_with_author(
            TariffGrid(
                code=code,
                version=1,
                name=spec["name"],
                description=spec["description"],
                max_months=spec["max_months"],
                microcredit_month=spec["microcredit_month"],
                visit_frequency=spec["visit_frequency"],
            ),
            by=None,
        )
        for kind, rates in spec["steps"].items():
            for month, rate in enumerate(rates, start=1):
                save_with_author(
                    TariffStep(grid=grid, kind=kind, month=month, daily_rate=Decimal(rate)), by=None
                )
        for position, reduction in enumerate(spec["reductions"], start=1):
            save_with_author(
                TariffReduction(
                    grid=grid,
                    position=position,
                    code=reduction["code"],
                    label=reduction["label"],
                    condition=reduction["condition"],
                    percent=Decimal(reduction["percent"]),
                    until_month=reduction["until_month"],
                ),
                by=None,
            )
        _install_deposits(grid, spec["deposits"])


def _install_deposits(grid: TariffGrid, deposits: dict[str, str]) -> None:
    for kind, amount in deposits.items():
        save_with_author(TariffDeposit(grid=grid, kind=kind, amount=Decimal(amount)), by=None)


def shipped_grid(code: str) -> TariffGrid:
    install_shipped_grids()
    return TariffGrid.objects.filter(platform__isnull=True, code=code).order_by("-version").first()


def fleet_settings(platform: Platform) -> FleetSettings:
    """The platform's fleet settings, created with the defaults on first use (two first
    uses may race: get_or_create settles it on the unique platform)."""
    settings = FleetSettings.objects.filter(platform=platform).select_related("tariff_grid").first()
    if settings is None:
        settings, _ = FleetSettings.objects.select_related("tariff_grid").get_or_create(
            platform=platform,
            defaults={
                "tariff_grid": shipped_grid(defaults.STANDARD_GRID),
                "km_allowance_percent": Decimal(defaults.KM_ALLOWANCE_PERCENT),
                "checkin_interval_days": defaults.CHECKIN_INTERVAL_DAYS,
                "km_alert_margin_percent": Decimal(defaults.KM_ALERT_MARGIN_PERCENT),
                "overdue_alert_days": defaults.OVERDUE_ALERT_DAYS,
            },
        )
    return settings


def eligibility_rule(platform: Platform, kind: str) -> eligibility.Rule:
    """The platform's rule for a vehicle kind, created from the defaults on first use."""
    rule, _ = EligibilityRule.objects.get_or_create(
        platform=platform, kind=kind, defaults=defaults.ELIGIBILITY[kind]
    )
    return rule.as_rule()


# How the missing kinds of a grid are named in a sentence ("ne tarife pas les vélos").
KIND_PLURALS = {
    VehicleKind.BIKE: "les vélos",
    VehicleKind.EBIKE: "les vélos à assistance électrique",
    VehicleKind.SCOOTER: "les scooters",
    VehicleKind.CAR: "les voitures",
}


def grid_missing_kinds_message(missing: list[str]) -> str:
    """'Cette grille ne tarife pas les vélos : ...' for the kinds a grid has no rate for."""
    names = [KIND_PLURALS.get(kind, kind) for kind in missing]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " ni " + names[-1]
    return (
        f"Cette grille ne tarife pas {listed} : un·e administrateur·rice de la plateforme "
        "doit la compléter (nouvelle version) ou choisir une grille qui tarife chaque type "
        "de véhicule."
    )


def grid_check_complete(grid: TariffGrid, kinds=None) -> None:
    """InvalidInput (French) if the grid has no rate for one of `kinds` (default: all)."""
    missing = grid_with_rates(grid).as_rule().missing_kinds(kinds or VehicleKind.values)
    if missing:
        raise InvalidInput(
            grid_missing_kinds_message(missing),
            errors={"tariff_grid": grid_missing_kinds_message(missing)},
        )


@transaction.atomic
def grid_choose(*, by: User, platform: Platform, grid: TariffGrid) -> FleetSettings:
    """A platform administrator chooses the grid of the rentals to come."""
    if platform.pk not in by.platform_ids({Role.ADMIN}):
        raise Forbidden("Seul·es les administrateur·rices de la plateforme choisissent la grille.")
    if grid.platform_id not in (None, platform.pk):
        raise InvalidInput("Cette grille appartient à une autre plateforme.")
    grid_check_complete(grid)
    settings = FleetSettings.objects.select_for_update().get(pk=fleet_settings(platform).pk)
    settings.tariff_grid = grid
    return save_with_author(settings, by=by)


@transaction.atomic
def grid_new_version(*, by: User | None, grid: TariffGrid, platform: Platform | None) -> TariffGrid:
    """Copy a grid as the next version (for `platform`): the way a grid is edited, since
    the rentals signed on the previous version keep it."""
    target_platform_id = platform.pk if platform else None
    latest = (
        TariffGrid.objects.filter(platform_id=target_platform_id, code=grid.code)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    copy = save_with_author(
        TariffGrid(
            platform_id=target_platform_id,
            code=grid.code,
            version=(latest or 0) + 1,
            name=grid.name,
            description=grid.description,
            max_months=grid.max_months,
            microcredit_month=grid.microcredit_month,
            visit_frequency=grid.visit_frequency,
            created_by=by,
        ),
        by=by,
    )
    for step in grid.steps.all():
        save_with_author(
            TariffStep(grid=copy, kind=step.kind, month=step.month, daily_rate=step.daily_rate),
            by=by,
        )
    for reduction in grid.reductions.all():
        save_with_author(
            TariffReduction(
                grid=copy,
                position=reduction.position,
                code=reduction.code,
                label=reduction.label,
                condition=reduction.condition,
                percent=reduction.percent,
                until_month=reduction.until_month,
            ),
            by=by,
        )
    for deposit in grid.deposits.all():
        save_with_author(TariffDeposit(grid=copy, kind=deposit.kind, amount=deposit.amount), by=by)
    return copy


# ---- vehicles


@transaction.atomic
def vehicle_create(
    *,
    by: User,
    platform: Platform,
    kind: str,
    label: str,
    registration: str = "",
    odometer_km: int = 0,
    site: str = "",
    notes: str = "",
) -> Vehicle:
    require_fleet_role(by, platform.pk)
    label, registration = label.strip(), registration.strip().upper()
    errors = {}
    if kind not in VehicleKind.values:
        errors["kind"] = "Le type vaut bike, ebike, scooter ou car."
    if not label:
        errors["label"] = "Le nom du véhicule est obligatoire."
    if problem := rules.odometer_problem(odometer_km):
        errors["odometer_km"] = problem
    if kind in (VehicleKind.CAR, VehicleKind.SCOOTER) and not registration:
        errors["registration"] = "L'immatriculation est obligatoire pour un véhicule à moteur."
    if errors:
        raise InvalidInput("Le véhicule n'est pas valide.", errors=errors)
    if (
        registration
        and Vehicle.objects.filter(platform=platform, registration=registration).exists()
    ):
        raise Conflict(f"Un véhicule immatriculé {registration} existe déjà sur la plateforme.")
    return save_with_author(
        Vehicle(
            platform=platform,
            kind=kind,
            label=label,
            registration=registration,
            odometer_km=odometer_km,
            site=site.strip(),
            notes=notes.strip(),
        ),
        by=by,
    )


# A rented vehicle changes status only through its hand-over and its return.
MANUAL_STATUSES = (VehicleStatus.AVAILABLE, VehicleStatus.MAINTENANCE, VehicleStatus.RETIRED)


@transaction.atomic
def vehicle_set_status(*, by: User, vehicle: Vehicle, status: str, notes: str = "") -> Vehicle:
    """Send a vehicle to maintenance, back to the fleet, or retire it."""
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    require_fleet_role(by, vehicle.platform_id)
    if status not in MANUAL_STATUSES:
        raise InvalidInput(
            "Un véhicule passe en location par une remise, pas à la main.",
            errors={"status": "Choisissez disponible, en entretien ou retiré du parc."},
        )
    if vehicle.status == VehicleStatus.RENTED:
        raise Conflict("Ce véhicule est en location : enregistrez d'abord son retour.")
    if vehicle.status == VehicleStatus.RETIRED and status != VehicleStatus.RETIRED:
        raise Conflict("Ce véhicule est retiré du parc : il n'y revient pas.")
    vehicle.status = status
    if notes.strip():
        vehicle.notes = notes.strip()
    return save_with_author(vehicle, by=by)


# ---- quotes and eligibility


def person_situation(beneficiary: Beneficiary, on: date) -> frozenset[str]:
    return rules.situation(
        rsa=beneficiary.rsa,
        qpv=beneficiary.qpv,
        ass=beneficiary.ass,
        aah=beneficiary.aah,
        rqth=beneficiary.rqth,
        birth_date=beneficiary.birth_date,
        on=on,
    )


def grid_with_rates(grid: TariffGrid) -> TariffGrid:
    return TariffGrid.objects.with_rates().get(pk=grid.pk)


def quote_for(
    *, beneficiary: Beneficiary, kind: str, start: date, end: date, grid: TariffGrid | None = None
) -> tariffs.Quote:
    """The amount due for a new rental from `start` to `end`, on the platform's grid."""
    grid = grid_with_rates(grid or fleet_settings(beneficiary.platform).tariff_grid)
    errors = tariffs.quote_period_problems(
        start=start, end=end, today=timezone.localdate(), max_months=grid.max_months
    )
    if kind not in VehicleKind.values:
        errors["kind"] = "Le type vaut bike, ebike, scooter ou car."
    if errors:
        raise InvalidInput(
            "Le devis n'est pas valide : " + " ".join(errors.values()), errors=errors
        )
    # A new rental goes on at the month the person has reached on their current pathway.
    previous = Rental.objects.filter(
        pathway__beneficiary=beneficiary, pathway__status=PathwayStatus.OPEN
    ).values_list("start_date", "end_date")
    return tariffs.quote(
        grid=_rule_covering(grid, kind),
        kind=kind,
        situation=person_situation(beneficiary, start),
        rental_start=tariffs.steps_start(previous, start),
        start=start,
        end=end,
        kind_label=str(VehicleKind(kind).label).capitalize(),
    )


def _rule_covering(grid: TariffGrid, kind: str) -> tariffs.Grid:
    """The pure grid (rates prefetched), or InvalidInput in French if it misses `kind`."""
    rule = grid.as_rule()
    if rule.missing_kinds([kind]):
        raise InvalidInput(
            grid_missing_kinds_message([kind]), errors={"kind": grid_missing_kinds_message([kind])}
        )
    return rule


def rental_quote(rental: Rental, start: date, end: date) -> tariffs.Quote:
    """The amount due for [start, end) of an existing rental, on the grid it was signed on."""
    return tariffs.quote(
        grid=_rule_covering(grid_with_rates(rental.tariff_grid), rental.vehicle.kind),
        kind=rental.vehicle.kind,
        situation=person_situation(rental.beneficiary, start),
        rental_start=rental.steps_anchor,
        start=start,
        end=end,
        kind_label=str(VehicleKind(rental.vehicle.kind).label).capitalize(),
    )


def _latest_referral(pathway: Pathway):
    return pathway.referrals.order_by("-received_on", "-pk").first()


def referral_facts(
    referral, *, birth_date: date, licence_held: bool, licence_since: date | None
) -> eligibility.Facts:
    """The eligibility facts of a person with what their fiche de liaison says of the
    job: the contract, its start and its end (asked on the fiche, not first at handover)."""
    return eligibility.Facts(
        birth_date=birth_date,
        licence_held=licence_held,
        licence_since=licence_since,
        contract=referral.contract if referral else "",
        contract_start=referral.job_start_date if referral else None,
        contract_end=referral.job_end_date if referral else None,
    )


def work_contract_end(beneficiary) -> date | None:
    """The end date of the person's most recent work contract document that has one."""
    from documents.models import PersonDocument
    from documents.rules import DocumentKind

    return (
        PersonDocument.objects.filter(
            beneficiary=beneficiary, kind=DocumentKind.WORK_CONTRACT, expires_on__isnull=False
        )
        .exclude(file="")
        .order_by("-uploaded_at", "-pk")
        .values_list("expires_on", flat=True)
        .first()
    )


def missing_for(
    *, pathway: Pathway, kind: str, on: date, contract_end_date: date | None = None
) -> list[eligibility.Missing]:
    """The eligibility conditions the pathway's person does not meet for `kind`.
    `contract_end_date`, given at handover, stands for the fiche's when it had none."""
    beneficiary = pathway.beneficiary
    facts = referral_facts(
        _latest_referral(pathway),
        birth_date=beneficiary.birth_date,
        licence_held=beneficiary.licence_held,
        licence_since=beneficiary.licence_since,
    )
    if contract_end_date is not None:
        facts = replace(facts, contract_end=contract_end_date)
    elif facts.contract_end is None:
        # Neither typed at handover nor on the fiche: the work contract on the file.
        facts = replace(facts, contract_end=work_contract_end(beneficiary))
    return eligibility.missing_conditions(
        rule=eligibility_rule(pathway.platform, kind), facts=facts, on=on
    )


def referral_eligibility(referral, *, today: date) -> list[tuple[str, list[eligibility.Missing]]]:
    """What the fiche's person lacks for each vehicle kind, read on the fiche itself:
    on the day the job starts (today if it has started or is not known)."""
    on = max(today, referral.job_start_date) if referral.job_start_date else today
    facts = referral_facts(
        referral,
        birth_date=referral.birth_date,
        licence_held=referral.licence_held,
        licence_since=referral.licence_since,
    )
    return [
        (
            kind,
            eligibility.missing_conditions(
                rule=eligibility_rule(referral.platform, kind), facts=facts, on=on
            ),
        )
        for kind in VehicleKind.values
    ]


def default_home_work_km(pathway: Pathway) -> Decimal | None:
    """The one-way distance of the pathway's most recent referral that gives one."""
    referral = (
        pathway.referrals.filter(home_work_km__isnull=False).order_by("-received_on", "-pk").first()
    )
    return referral.home_work_km if referral else None


# ---- rentals


@transaction.atomic
def rental_create(
    *,
    by: User,
    pathway: Pathway,
    vehicle: Vehicle,
    start_date: date,
    deposit: Decimal,
    contract_signed: bool,
    home_work_km: Decimal | None = None,
    deposit_method: str = PaymentMethod.CHEQUE,
    contract_end_date: date | None = None,
    override_reason: str = "",
    deposit_waiver_reason: str = "",
    extended_until: date | None = None,
    extension_reason: str = "",
    condition: dict[str, str] | None = None,
) -> Rental:
    """Hand a vehicle over: eligibility checked, contract signed, deposit recorded (at
    least the grid's default for the vehicle kind, unless an adviser waives it with a
    reason). `condition`: the checklist of the vehicle as it leaves (none: not noted)."""
    require_fleet_role(by, pathway.platform_id)
    today = timezone.localdate()
    pathway = Pathway.objects.select_related("beneficiary", "platform").get(pk=pathway.pk)
    if vehicle.platform_id != pathway.platform_id:
        raise InvalidInput(
            "Ce véhicule n'appartient pas à la plateforme du parcours.",
            errors={"vehicle_id": "Véhicule inconnu."},
        )
    if pathway.status != PathwayStatus.OPEN:
        raise Conflict("Ce parcours est clôturé : aucune location ne peut y commencer.")
    errors = {}
    deposit = tariffs.money(deposit)
    deposit_waiver_reason = deposit_waiver_reason.strip()
    settings = fleet_settings(pathway.platform)
    grid = grid_with_rates(settings.tariff_grid)
    deposit_default = grid.as_rule().default_deposit(vehicle.kind)
    if problem := rules.deposit_problem(
        deposit=deposit, default=deposit_default, waiver_reason=deposit_waiver_reason
    ):
        errors["deposit"] = problem
    waived = deposit_default is not None and deposit < deposit_default
    if (
        waived
        and deposit_waiver_reason
        and pathway.platform_id not in by.platform_ids(OVERRIDE_ROLES)
    ):
        raise Forbidden(
            "Seul·e un·e conseiller·ère ou un·e administrateur·rice peut accepter une "
            "caution inférieure à celle de la grille."
        )
    if deposit_method not in PaymentMethod.values:
        errors["deposit_method"] = "Moyen de paiement inconnu."
    if start_date < pathway.opened_on:
        errors["start_date"] = "La location ne peut pas commencer avant l'ouverture du parcours."
    elif start_date > today + timedelta(days=MAX_DAYS_AHEAD):
        errors["start_date"] = f"La location commence au plus tard dans {MAX_DAYS_AHEAD} jours."
    if condition is not None:
        errors.update(rules.condition_problems(condition, required=REQUIRED_CONDITION_ITEMS))
    if home_work_km is None:
        home_work_km = default_home_work_km(pathway)
    if home_work_km is None:
        errors["home_work_km"] = (
            "La distance domicile-travail (aller) est nécessaire pour le forfait km : "
            "elle n'est pas sur la fiche de liaison, indiquez-la."
        )
    elif home_work_km < 0:
        errors["home_work_km"] = "La distance ne peut pas être négative."
    if errors:
        raise InvalidInput(
            "La location n'est pas valide : " + " ".join(errors.values()), errors=errors
        )

    # What is missing for the hand-over, said all at once (422 with each condition).
    missing = {}
    if not contract_signed:
        missing["contract_signed"] = (
            "Le contrat de location doit être imprimé, signé par la personne, et coché comme signé."
        )
    unmet = missing_for(
        pathway=pathway, kind=vehicle.kind, on=start_date, contract_end_date=contract_end_date
    )
    override_reason = override_reason.strip()
    if unmet and override_reason and pathway.platform_id not in by.platform_ids(OVERRIDE_ROLES):
        raise Forbidden(
            "Seul·e un·e conseiller·ère ou un·e administrateur·rice peut déroger aux "
            "conditions d'accès."
        )
    if unmet and not override_reason:
        missing.update({condition.code: condition.message for condition in unmet})
    if missing:
        raise InvalidInput(
            "La remise du véhicule n'est pas possible : "
            + " ".join(missing.values())
            + (
                " Un·e conseiller·ère peut déroger aux conditions d'accès en écrivant le motif."
                if unmet and not override_reason
                else ""
            ),
            errors=missing,
        )

    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    if vehicle.status != VehicleStatus.AVAILABLE:
        raise Conflict(
            f"Le véhicule {vehicle} n'est pas disponible "
            f"({vehicle.get_status_display()}) : choisissez-en un autre."
        )
    grid_check_complete(grid, kinds=[vehicle.kind])
    # The months count per person across the rentals of the pathway (locked: two
    # hand-overs on one pathway would each miss the other's days).
    previous = list(
        Rental.objects.select_for_update()
        .filter(pathway=pathway)
        .order_by()
        .values_list("start_date", "end_date")
    )
    anchor = tariffs.steps_start(previous, start_date)
    max_end, microcredit = tariffs.milestones(
        max_months=grid.max_months,
        microcredit_month=grid.microcredit_month,
        rental_start=anchor,
    )
    extension_reason = extension_reason.strip()
    if rules.new_rental_problem(start=start_date, max_end=max_end, extended_until=None):
        _check_extension(
            by,
            pathway.platform_id,
            until=extended_until,
            reason=extension_reason,
            max_end=max_end,
            start=anchor,
            refusal=rules.new_rental_problem(
                start=start_date, max_end=max_end, extended_until=extended_until
            ),
            fields={"until": "extended_until", "reason": "extension_reason"},
        )
    else:
        extended_until, extension_reason = None, ""
    rental = Rental(
        platform_id=pathway.platform_id,
        pathway=pathway,
        beneficiary=pathway.beneficiary,
        vehicle=vehicle,
        tariff_grid=grid,
        start_date=start_date,
        steps_start=anchor,
        max_end_date=max_end,
        extended_until=extended_until,
        extension_reason=extension_reason,
        visit_frequency=grid.visit_frequency,
        microcredit_from=microcredit,
        deposit=deposit,
        deposit_default=deposit_default,
        deposit_waiver_reason=deposit_waiver_reason if waived else "",
        contract_signed=True,
        home_work_km=home_work_km,
        km_allowance_percent=settings.km_allowance_percent,
        daily_km_allowance=rules.daily_km_allowance(
            home_work_km=home_work_km, percent=settings.km_allowance_percent
        ),
        checkin_interval_days=settings.checkin_interval_days,
        start_odometer_km=vehicle.odometer_km,
        eligibility_overridden=bool(unmet),
        eligibility_missing=[condition.code for condition in unmet],
        eligibility_override_reason=override_reason if unmet else "",
        handover_condition=condition or {},
        created_by=by,
    )
    try:
        with transaction.atomic():
            save_with_author(rental, by=by)
    except IntegrityError as error:
        # The partial unique index: another hand-over of this vehicle won the race.
        raise Conflict(
            f"Le véhicule {vehicle} est déjà en location : choisissez-en un autre."
        ) from error
    vehicle.status = VehicleStatus.RENTED
    save_with_author(vehicle, by=by)
    if deposit > 0:
        _entry(
            rental,
            EntryKind.DEPOSIT_IN,
            deposit,
            start_date,
            by,
            method=deposit_method,
            label="Caution reçue à la remise du véhicule",
        )
    _notify_rental_started(rental, by=by)
    return rental


def _check_extension(
    by: User,
    platform_id: int,
    *,
    until: date | None,
    reason: str,
    max_end: date | None,
    start: date,
    refusal: str | None = None,
    fields: dict[str, str] | None = None,
) -> None:
    """An adviser's extension past the grid's maximum: a reason, a date after the end.
    `fields` names the error keys ({"until": ..., "reason": ...}) as the caller's input."""
    if reason and platform_id not in by.platform_ids(OVERRIDE_ROLES):
        raise Forbidden(
            "Seul·e un·e conseiller·ère ou un·e administrateur·rice peut prolonger une "
            "location au-delà de la durée maximale de la grille."
        )
    errors = rules.extension_problem(until=until, reason=reason, max_end=max_end, start=start)
    if not errors and refusal:
        errors["until"] = refusal
    if errors:
        raise InvalidInput(
            (refusal + " " if refusal else "") + " ".join(errors.values()),
            errors={(fields or {}).get(key, key): message for key, message in errors.items()},
        )


@transaction.atomic
def rental_extend(*, by: User, rental: Rental, until: date, reason: str) -> Rental:
    """An adviser extends the service past the grid's maximum, with a written reason
    (kept on the rental and in its history)."""
    rental = _lock_open_rental(rental, by)
    if rental.platform_id not in by.platform_ids(OVERRIDE_ROLES):
        raise Forbidden(
            "Seul·e un·e conseiller·ère ou un·e administrateur·rice peut prolonger une "
            "location au-delà de la durée maximale de la grille."
        )
    reason = reason.strip()
    _check_extension(
        by,
        rental.platform_id,
        until=until,
        reason=reason,
        max_end=rental.max_end_date,
        start=rental.steps_anchor,
    )
    rental.extended_until = until
    rental.extension_reason = reason
    return save_with_author(rental, by=by)


def _decimal(value: Decimal) -> str:
    """'302,4' or '10' as a French reader writes a number (no trailing zeros)."""
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


def _visit_sentence(rental: Rental) -> str:
    every = "chaque mois" if rental.visit_frequency == VisitFrequency.MONTHLY else "chaque semaine"
    return (
        f"Un point étape a lieu {every} avec la personne : paiement, état du véhicule et "
        "solution de mobilité pour la suite."
    )


def _accepted_referrals(rental: Rental):
    return list(
        rental.pathway.referrals.filter(status=ReferralStatus.ACCEPTED)
        .select_related("platform", "pathway")
        .order_by("pk")
    )


def _notify(rental: Rental, event: str, *, by: User | None, context: dict) -> None:
    """The referents of the pathway's accepted fiches hear of a step of the rental."""
    referrals = _accepted_referrals(rental)
    if referrals:
        notifications.notify_referents(
            [(referral, context) for referral in referrals], event=event, by=by
        )


def rental_adviser(rental: Rental) -> User | None:
    """The adviser who follows the person: the one who accepted the fiche and opened the
    pathway, while they still advise on this platform and have an e-mail address."""
    adviser = rental.pathway.opened_by
    if (
        adviser is None
        or not adviser.is_active
        or not adviser.email
        or rental.platform_id not in adviser.platform_ids(OVERRIDE_ROLES)
    ):
        return None
    return adviser


def _alert(rental: Rental, alert: str, *, by: User | None) -> None:
    """A fleet alert: to the referents, and a copy to the pathway's adviser."""
    context = {
        "alert": alert,
        "vehicle_kind": rental.vehicle.get_kind_display(),
        "start_date": rental.start_date,
    }
    _notify(rental, NotificationEvent.FLEET_ALERT, by=by, context=context)
    adviser = rental_adviser(rental)
    referrals = _accepted_referrals(rental)
    if adviser and referrals:
        notifications.notify_referents(
            [(referrals[0], {**context, "recipient_name": adviser.get_full_name()})],
            event=NotificationEvent.FLEET_ALERT,
            by=by,
            recipient=adviser.email,
        )


def _notify_rental_started(rental: Rental, *, by: User) -> None:
    """The referents of the pathway learn that the person now has a vehicle."""
    _notify(
        rental,
        NotificationEvent.SERVICE_STARTED,
        by=by,
        context={
            "service": f"location d'un véhicule ({rental.vehicle.get_kind_display()})",
            "start_date": rental.start_date,
            "details": _visit_sentence(rental),
        },
    )


def _entry(
    rental, kind, amount, day, by, *, method="", label="", checkin=None, reason=""
) -> LedgerEntry:
    receipt_number = _next_receipt_number(rental.platform_id) if kind == EntryKind.PAYMENT else None
    entry = save_with_author(
        LedgerEntry(
            platform_id=rental.platform_id,
            rental=rental,
            checkin=checkin,
            kind=kind,
            date=day,
            amount=tariffs.money(amount),
            method=method,
            label=label[:255],
            reason=reason,
            receipt_number=receipt_number,
            created_by=by,
        ),
        by=by,
    )
    if receipt_number is not None and rental.beneficiary.email:
        receipts.email_on_commit(entry, recipient=rental.beneficiary.email)
    return entry


def _next_receipt_number(platform_id: int) -> int:
    """The platform's next receipt number. The counter row stays locked until the payment's
    transaction ends: a concurrent payment waits, and a payment rolled back gives its
    number back, so the numbers have no gaps. Call inside a transaction."""
    # Two first payments of a platform may race to create the row: get_or_create settles
    # it on the unique platform.
    ReceiptCounter.objects.get_or_create(platform_id=platform_id)
    counter = ReceiptCounter.objects.select_for_update().get(platform_id=platform_id)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def rental_balance(rental: Rental) -> rules.Balance:
    """The balance of a rental, from its ledger rows (one query)."""
    return rules.balance(rental.ledger.order_by().values_list("kind", "amount"))


def _lock_open_rental(rental: Rental, by: User) -> Rental:
    rental = (
        Rental.objects.select_for_update(of=("self",))
        .select_related("vehicle", "beneficiary", "tariff_grid")
        .get(pk=rental.pk)
    )
    require_fleet_role(by, rental.platform_id)
    if rental.status != RentalStatus.OPEN:
        raise Conflict(
            f"Cette location est rendue depuis le {rental.end_date:%d/%m/%Y} : plus de point "
            "étape ni de paiement possible."
        )
    return rental


def _previous_reading(rental: Rental) -> tuple[date, int]:
    last = rental.checkins.order_by("-date", "-pk").values_list("date", "odometer_km").first()
    return last or (rental.start_date, rental.start_odometer_km)


def _check_payment(amount: Decimal | None, method: str, errors: dict, prefix="payment.") -> None:
    if amount is None:
        return
    if problem := rules.payment_problem(amount):
        errors[f"{prefix}amount"] = problem
    if method not in PaymentMethod.values:
        errors[f"{prefix}method"] = "Moyen de paiement : cash, card, transfer ou cheque."


def _check_reading(rental, day, odometer_km, previous_day, previous_km, today, errors) -> None:
    if day < previous_day:
        errors["date"] = (
            f"La date ne peut pas précéder le relevé précédent ({previous_day:%d/%m/%Y})."
        )
    elif day > today:
        errors["date"] = "La date ne peut pas être dans le futur."
    if problem := rules.odometer_problem(odometer_km):
        errors["odometer_km"] = problem
    elif odometer_km < previous_km:
        errors["odometer_km"] = (
            f"Le compteur ne peut pas reculer : le relevé précédent indique {previous_km} km."
        )


@dataclass(frozen=True)
class CheckInResult:
    checkin: CheckIn
    quote: tariffs.Quote
    amount_paid: Decimal
    balance: rules.Balance
    # The payment made at the check-in, with its receipt number.
    payment: LedgerEntry | None = None


@transaction.atomic
def checkin_record(
    *,
    by: User,
    rental: Rental,
    day: date,
    odometer_km: int,
    condition: dict[str, str],
    payment_amount: Decimal | None = None,
    payment_method: str = "",
    notes: str = "",
) -> CheckInResult:
    """The weekly point étape: reading, checklist, amount due since the previous one,
    the payment if any, km over the allowance flagged."""
    rental = _lock_open_rental(rental, by)
    previous_day, previous_km = _previous_reading(rental)
    errors = rules.condition_problems(condition, required=REQUIRED_CONDITION_ITEMS)
    _check_reading(
        rental, day, odometer_km, previous_day, previous_km, timezone.localdate(), errors
    )
    _check_payment(payment_amount, payment_method, errors)
    if "date" not in errors and (
        problem := rules.length_problem(
            day=day, max_end=rental.max_end_date, extended_until=rental.extended_until
        )
    ):
        errors["date"] = problem
    if errors:
        raise InvalidInput(
            "Le point étape n'est pas valide : " + " ".join(errors.values()), errors=errors
        )
    if rental.checkins.filter(date=day).exists():
        raise Conflict(f"Un point étape est déjà enregistré le {day:%d/%m/%Y} pour cette location.")
    quote = rental_quote(rental, previous_day, day)
    km = rules.km_check(
        previous_km=previous_km,
        odometer_km=odometer_km,
        daily_allowance=rental.daily_km_allowance,
        days=(day - previous_day).days,
    )
    checkin = save_with_author(
        CheckIn(
            platform_id=rental.platform_id,
            rental=rental,
            date=day,
            period_start=previous_day,
            odometer_km=odometer_km,
            condition=condition,
            amount_due=quote.total,
            km_driven=km.km_driven,
            km_allowance=km.km_allowance,
            km_over=km.km_over,
            notes=notes.strip(),
            created_by=by,
        ),
        by=by,
    )
    if quote.total > 0:
        _entry(
            rental,
            EntryKind.CHARGE,
            quote.total,
            day,
            by,
            checkin=checkin,
            label=f"Location du {previous_day:%d/%m/%Y} au {day:%d/%m/%Y} ({quote.days} j)",
        )
    paid = tariffs.ZERO
    payment = None
    if payment_amount is not None:
        paid = tariffs.money(payment_amount)
        payment = _entry(
            rental,
            EntryKind.PAYMENT,
            paid,
            day,
            by,
            method=payment_method,
            checkin=checkin,
            label="Paiement au point étape",
        )
    _update_odometer(rental.vehicle, odometer_km, by)
    settings = fleet_settings(rental.platform)
    if rules.km_alert(
        km_over=km.km_over,
        km_allowance=km.km_allowance,
        margin_percent=settings.km_alert_margin_percent,
    ):
        _alert(
            rental,
            f"Dépassement du forfait kilométrique au point étape du {day:%d/%m/%Y} : "
            f"{km.km_driven} km parcourus pour un forfait de {_decimal(km.km_allowance)} km "
            f"({_decimal(km.km_over)} km au-delà, plus de "
            f"{_decimal(settings.km_alert_margin_percent)} % du forfait). La plateforme peut "
            "mettre fin à la location, avec un motif.",
            by=by,
        )
    return CheckInResult(checkin, quote, paid, rental_balance(rental), payment)


def _update_odometer(vehicle: Vehicle, odometer_km: int, by: User, status: str | None = None):
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    vehicle.odometer_km = max(vehicle.odometer_km, odometer_km)
    if status:
        vehicle.status = status
    save_with_author(vehicle, by=by)


@transaction.atomic
def payment_record(
    *, by: User, rental: Rental, day: date, amount: Decimal, method: str, label: str = ""
) -> LedgerEntry:
    """A payment outside a point étape (a transfer received, a cheque dropped in)."""
    rental = _lock_open_rental(rental, by)
    errors = {}
    _check_payment(amount, method, errors, prefix="")
    if day > timezone.localdate():
        errors["date"] = "La date ne peut pas être dans le futur."
    elif day < rental.start_date:
        errors["date"] = "La date ne peut pas précéder le début de la location."
    if errors:
        raise InvalidInput("Le paiement n'est pas valide.", errors=errors)
    return _entry(
        rental, EntryKind.PAYMENT, amount, day, by, method=method, label=label.strip() or "Paiement"
    )


@dataclass(frozen=True)
class Damage:
    description: str
    cost: Decimal


@transaction.atomic
def rental_return(
    *,
    by: User,
    rental: Rental,
    day: date,
    odometer_km: int,
    condition: dict[str, str] | None = None,
    damages: list[Damage] = (),
    deposit_retained: Decimal = tariffs.ZERO,
    deposit_retained_reason: str = "",
    vehicle_status: str | None = None,
    end_reason: str = "",
    payment_amount: Decimal | None = None,
    payment_method: str = "",
) -> Rental:
    """Close a rental: last period charged, damages, deposit refunded or retained (with
    a reason, never more than what is owed), vehicle back to available or maintenance.
    Without `condition` (the checklist was not filled in), no condition is recorded."""
    rental = _lock_open_rental(rental, by)
    previous_day, previous_km = _previous_reading(rental)
    errors = (
        rules.condition_problems(condition, required=REQUIRED_CONDITION_ITEMS)
        if condition is not None
        else {}
    )
    _check_reading(
        rental, day, odometer_km, previous_day, previous_km, timezone.localdate(), errors
    )
    _check_payment(payment_amount, payment_method, errors)
    for index, damage in enumerate(damages):
        if not damage.description.strip():
            errors[f"damages.{index}.description"] = "Décrivez le dommage."
        if damage.cost < 0:
            errors[f"damages.{index}.cost"] = "Le coût d'un dommage ne peut pas être négatif."
    deposit_retained = tariffs.money(deposit_retained)
    deposit_retained_reason = deposit_retained_reason.strip()
    if deposit_retained < 0:
        errors["deposit_retained"] = "La retenue ne peut pas être négative."
    elif deposit_retained > 0 and not deposit_retained_reason:
        errors["deposit_retained_reason"] = "Écrivez le motif de la retenue sur la caution."
    if vehicle_status not in (None, VehicleStatus.AVAILABLE, VehicleStatus.MAINTENANCE):
        errors["vehicle_status"] = "Après un retour, le véhicule est available ou maintenance."
    if errors:
        raise InvalidInput("Le retour n'est pas valide.", errors=errors)

    quote = rental_quote(rental, previous_day, day)
    if quote.total > 0:
        _entry(
            rental,
            EntryKind.CHARGE,
            quote.total,
            day,
            by,
            label=f"Location du {previous_day:%d/%m/%Y} au {day:%d/%m/%Y} ({quote.days} j)",
        )
    for damage in damages:
        if damage.cost > 0:
            _entry(rental, EntryKind.DAMAGE, damage.cost, day, by, label=damage.description.strip())
    if payment_amount is not None:
        _entry(
            rental,
            EntryKind.PAYMENT,
            payment_amount,
            day,
            by,
            method=payment_method,
            label="Paiement au retour",
        )
    balance = rental_balance(rental)
    if deposit_retained > balance.deposit_held:
        raise InvalidInput(
            "La retenue dépasse la caution détenue.",
            errors={"deposit_retained": f"Au plus {tariffs.euros(balance.deposit_held)}."},
        )
    if deposit_retained > max(balance.due, tariffs.ZERO):
        raise InvalidInput(
            "La retenue ne peut pas dépasser ce que la personne doit "
            f"({tariffs.euros(max(balance.due, tariffs.ZERO))}).",
            errors={"deposit_retained": "Retenue supérieure à la somme due."},
        )
    deposit_method = (
        rental.ledger.filter(kind=EntryKind.DEPOSIT_IN).values_list("method", flat=True).first()
        or PaymentMethod.CHEQUE
    )
    if deposit_retained > 0:
        _entry(
            rental,
            EntryKind.DEPOSIT_RETAINED,
            deposit_retained,
            day,
            by,
            label=deposit_retained_reason,
        )
    refund = balance.deposit_held - deposit_retained
    if refund > 0:
        _entry(
            rental,
            EntryKind.DEPOSIT_REFUND,
            refund,
            day,
            by,
            method=deposit_method,
            label="Caution rendue au retour",
        )
    damaged = bool(damages) or rules.has_damage(condition or {})
    if vehicle_status is None:
        vehicle_status = VehicleStatus.MAINTENANCE if damaged else VehicleStatus.AVAILABLE
    rental.status = RentalStatus.RETURNED
    rental.end_date = day
    rental.end_odometer_km = odometer_km
    rental.return_condition = condition or {}
    rental.deposit_retained_reason = deposit_retained_reason
    rental.end_reason = end_reason.strip()
    rental.returned_by = by
    save_with_author(rental, by=by)
    _update_odometer(rental.vehicle, odometer_km, by, status=vehicle_status)
    _notify(
        rental,
        NotificationEvent.RENTAL_ENDED,
        by=by,
        context={
            "vehicle_kind": rental.vehicle.get_kind_display(),
            "start_date": rental.start_date,
            "end_date": day,
            "end_reason": rental.end_reason,
        },
    )
    return rental


# ---- corrections: a mistake is reversed or refunded, never edited


def _lock_rental(rental_id: int, by: User) -> Rental:
    rental = (
        Rental.objects.select_for_update(of=("self",))
        .select_related("vehicle", "beneficiary")
        .get(pk=rental_id)
    )
    require_fleet_role(by, rental.platform_id)
    return rental


def ledger_last_entry_id(rental: Rental) -> int | None:
    """What a confirmation page saw of the ledger (see `_check_unchanged`)."""
    return rental.ledger.order_by("-pk").values_list("pk", flat=True).first()


def _check_unchanged(rental: Rental, seen_last_entry_id: int | None) -> None:
    """A confirmation shows the effect on the balance: if an entry was written since it
    was shown (the same form sent twice, a colleague's payment), the effect shown is no
    longer true, so nothing is written."""
    if seen_last_entry_id is not None and ledger_last_entry_id(rental) != seen_last_entry_id:
        raise Conflict(
            "Les écritures de la location ont changé depuis l'affichage de la confirmation "
            "(formulaire envoyé deux fois ?) : rien n'a été enregistré, vérifiez le solde."
        )


def reversal_refusal(entry: LedgerEntry, *, rental: Rental) -> str | None:
    """Why `entry` cannot be reversed, or None (select_related("reversal") saves a query)."""
    return rules.reversal_problem(
        kind=entry.kind,
        is_reversal=entry.is_reversal,
        already_reversed=entry.reversed_by is not None,
        rental_open=rental.is_open,
    )


@dataclass(frozen=True)
class Reversal:
    reversal: LedgerEntry
    # The entry written with the right amount, when the correction gave one.
    replacement: LedgerEntry | None
    balance: rules.Balance


def reversal_balances(
    entry: LedgerEntry, correct_amount: Decimal | None = None
) -> tuple[rules.Balance, rules.Balance]:
    """The rental's balance now and after reversing `entry` (and writing the correct
    amount), for the confirmation a person reads before correcting."""
    rows = list(entry.rental.ledger.order_by().values_list("kind", "amount"))
    after = [*rows, (entry.kind, -entry.amount)]
    if correct_amount is not None:
        after.append((entry.kind, tariffs.money(correct_amount)))
    return rules.balance(rows), rules.balance(after)


@transaction.atomic
def ledger_entry_reverse(
    *,
    entry: LedgerEntry,
    by: User,
    reason: str,
    correct_amount: Decimal | None = None,
    seen_last_entry_id: int | None = None,
) -> Reversal:
    """Cancel a mistaken entry by its reversal: an entry of the same kind and the opposite
    amount, dated like the entry (the movement it describes did not happen), with the
    reason and its author. With `correct_amount`, the entry the person meant is written
    in its place (a 304,00 € typo for 30,40 €): a payment gets its own receipt number.
    Possible after the return too, except for the deposit, settled at the return."""
    rental = _lock_rental(entry.rental_id, by)
    entry = LedgerEntry.objects.select_related("checkin", "reversal").get(pk=entry.pk)
    if problem := reversal_refusal(entry, rental=rental):
        raise Conflict(problem)
    _check_unchanged(rental, seen_last_entry_id)
    errors = {}
    reason = reason.strip()
    if not reason:
        errors["reason"] = "Écrivez le motif de la correction."
    if correct_amount is not None and (
        amount_problem := rules.correct_amount_problem(amount=correct_amount, original=entry.amount)
    ):
        errors["correct_amount"] = amount_problem
    if errors:
        raise InvalidInput(
            "La correction n'est pas valide : " + " ".join(errors.values()), errors=errors
        )
    reversal = LedgerEntry(
        platform_id=rental.platform_id,
        rental=rental,
        checkin=entry.checkin,
        kind=entry.kind,
        date=entry.date,
        amount=-entry.amount,
        method=entry.method,
        label=f"Contre-passation de l'écriture n° {entry.pk}",
        reason=reason,
        reverses=entry,
        reversal_key=None,
        created_by=by,
    )
    try:
        with transaction.atomic():
            save_with_author(reversal, by=by)
    except IntegrityError as error:
        # The one-to-one: another correction of this entry was recorded first.
        raise Conflict("Cette écriture est déjà contre-passée.") from error
    replacement = None
    if correct_amount is not None:
        replacement = _entry(
            rental,
            entry.kind,
            correct_amount,
            entry.date,
            by,
            method=entry.method,
            checkin=entry.checkin,
            label=f"Montant corrigé de l'écriture n° {entry.pk}",
            reason=reason,
        )
    return Reversal(reversal, replacement, rental_balance(rental))


def refund_balances(rental: Rental, amount: Decimal) -> tuple[rules.Balance, rules.Balance]:
    """The rental's balance now and after giving `amount` back (for the confirmation)."""
    rows = list(rental.ledger.order_by().values_list("kind", "amount"))
    return rules.balance(rows), rules.balance([*rows, (EntryKind.REFUND, tariffs.money(amount))])


@transaction.atomic
def rental_refund(
    *,
    rental: Rental,
    amount: Decimal,
    by: User,
    reason: str,
    method: str,
    day: date | None = None,
    seen_last_entry_id: int | None = None,
) -> LedgerEntry:
    """Give back to the person, after the return, money paid beyond what the rental
    owed: never more than the overpaid balance."""
    rental = _lock_rental(rental.pk, by)
    if rental.is_open:
        raise Conflict(
            "Un trop-perçu se rembourse après le retour du véhicule : d'ici là, l'avance "
            "couvre les prochains points étapes."
        )
    _check_unchanged(rental, seen_last_entry_id)
    today = timezone.localdate()
    day = day or today
    errors = {}
    if method not in PaymentMethod.values:
        errors["method"] = "Moyen de remboursement : cash, card, transfer ou cheque."
    reason = reason.strip()
    if not reason:
        errors["reason"] = "Écrivez le motif du remboursement."
    if day > today:
        errors["date"] = "La date ne peut pas être dans le futur."
    elif day < rental.end_date:
        errors["date"] = "La date ne peut pas précéder le retour du véhicule."
    if problem := rules.refund_problem(amount=amount, balance=rental_balance(rental)):
        errors["amount"] = problem
    if errors:
        raise InvalidInput(
            "Le remboursement n'est pas valide : " + " ".join(errors.values()), errors=errors
        )
    return _entry(
        rental,
        EntryKind.REFUND,
        amount,
        day,
        by,
        method=method,
        label="Remboursement du trop-perçu",
        reason=reason,
    )


# ---- the microcredit proposed at the grid's month (AMIE practice)


@transaction.atomic
def microcredit_record(
    *,
    by: User,
    rental: Rental,
    proposed_on: date,
    outcome: str = MicrocreditOutcome.PENDING,
    partner: Organisation | None = None,
    notes: str = "",
) -> Rental:
    """Record the microcredit proposal and what came of it (an orientation to a partner,
    the loan granted or refused, the person declining). The first record tells the
    referents; later ones update the outcome (the history keeps each)."""
    rental = _lock_rental(rental.pk, by)
    errors = {}
    if rental.microcredit_from is None:
        raise Conflict("La grille de cette location ne prévoit pas de microcrédit.")
    if outcome not in MicrocreditOutcome.values:
        errors["outcome"] = "Suite inconnue."
    if proposed_on > timezone.localdate():
        errors["proposed_on"] = "La date ne peut pas être dans le futur."
    elif proposed_on < rental.start_date:
        errors["proposed_on"] = "La date ne peut pas précéder le début de la location."
    if partner is not None and (
        partner.platform_id != rental.platform_id or partner.kind != OrganisationKind.PARTNER
    ):
        errors["partner_id"] = "Choisissez un partenaire de la plateforme."
    if outcome == MicrocreditOutcome.ORIENTED and partner is None:
        errors["partner_id"] = "Indiquez le partenaire vers qui la personne est orientée."
    if errors:
        raise InvalidInput(
            "Le microcrédit n'est pas valide : " + " ".join(errors.values()), errors=errors
        )
    first = rental.microcredit_proposed_on is None
    rental.microcredit_proposed_on = proposed_on
    rental.microcredit_outcome = outcome
    rental.microcredit_partner = partner
    rental.microcredit_notes = notes.strip()
    save_with_author(rental, by=by)
    if first:
        _notify(
            rental,
            NotificationEvent.MICROCREDIT_PROPOSED,
            by=by,
            context={
                "proposed_on": proposed_on,
                "month": rental.tariff_grid.microcredit_month,
                "outcome": MicrocreditOutcome(outcome).label
                if outcome != MicrocreditOutcome.PENDING
                else "",
                "partner": partner.name if partner else "",
            },
        )
    return rental


# ---- the daily job: check-ins overdue past the platform's threshold


def overdue_alerts(*, today: date) -> int:
    """Tell the adviser and the referents of each open rental whose point étape is
    overdue by more than the platform's `overdue_alert_days`, once per missed due date."""
    sent = 0
    rentals = (
        Rental.objects.open()
        .select_related("vehicle", "pathway__opened_by", "platform")
        .with_last_checkin()
        .order_by("pk")
    )
    thresholds = dict(FleetSettings.objects.values_list("platform_id", "overdue_alert_days"))
    for rental in rentals:
        day = selectors.due_on(rental)  # the board's own due date
        days = thresholds.get(rental.platform_id, defaults.OVERDUE_ALERT_DAYS)
        if not rules.overdue_alert(
            due_on=day, today=today, days=days, alerted_for=rental.overdue_alerted_for
        ):
            continue
        with transaction.atomic():
            locked = Rental.objects.select_for_update().get(pk=rental.pk)
            if locked.overdue_alerted_for == day:
                continue
            locked.overdue_alerted_for = day
            save_with_author(locked, by=None)
            _alert(
                rental,
                f"Point étape en retard : il était prévu le {day:%d/%m/%Y}, il y a "
                f"{(today - day).days} jours, et n'a pas eu lieu. Merci de reprendre contact "
                "avec la personne.",
                by=None,
            )
        sent += 1
    return sent
