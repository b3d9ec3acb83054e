"""Fleet: vehicles, tariff grids (versioned data), rentals, weekly check-ins and the ledger.

Invariants live in the database: a vehicle in at most one open rental (partial unique
index), no negative amount, no rental without a signed contract, no override without a
reason. Balances are never stored: they are derived from the ledger rows.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import Case, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fleet import rules, tariffs
from fleet.eligibility import Rule
from fleet.enums import (
    FLEET_ROLES,
    ConditionItem,
    DeliveryState,
    EntryKind,
    MicrocreditOutcome,
    PaymentMethod,
    PhotoMoment,
    RentalStatus,
    SituationCode,
    VehicleKind,
    VehicleStatus,
    VisitFrequency,
)
from fleet.imaging import THUMB_MAX_SIDE
from fleet.rules import OWED_KINDS, REFUND_KINDS, SETTLING_KINDS
from mobility.models import Beneficiary, Organisation, Pathway, Platform, User

MONEY = {"max_digits": 10, "decimal_places": 2}


def _fleet_platforms(user: User) -> set[int]:
    return user.platform_ids(FLEET_ROLES)


class TariffGridQuerySet(models.QuerySet):
    def for_platform(self, platform_id: int) -> TariffGridQuerySet:
        """The grids a platform may choose: its own and the shipped ones."""
        return self.filter(Q(platform_id=platform_id) | Q(platform__isnull=True))

    def with_rates(self) -> TariffGridQuerySet:
        return self.prefetch_related("steps", "reductions", "deposits")


class TariffGrid(models.Model):
    """One version of a tariff grid. A grid used by a rental is never changed: an
    administrator makes a new version, and each rental keeps the version it was signed on."""

    platform = models.ForeignKey(
        Platform,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tariff_grids",
        verbose_name=_("plateforme"),
        help_text=_("Vide : grille fournie avec le logiciel, que chaque plateforme peut choisir."),
    )
    code = models.SlugField(_("code"), max_length=50)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    max_months = models.PositiveSmallIntegerField(_("durée maximale (mois)"), null=True, blank=True)
    microcredit_month = models.PositiveSmallIntegerField(
        _("mois où un microcrédit est proposé"), null=True, blank=True
    )
    visit_frequency = models.CharField(
        _("rythme des points étapes"),
        max_length=10,
        choices=VisitFrequency.choices,
        default=VisitFrequency.WEEKLY,
        help_text=_(
            "Chaque semaine : tous les N jours des réglages de la flotte (7 par défaut) ; "
            "chaque mois : le même jour du mois suivant."
        ),
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créée par"),
    )
    history = HistoricalRecords()

    objects = TariffGridQuerySet.as_manager()

    class Meta:
        verbose_name = _("grille tarifaire")
        verbose_name_plural = _("grilles tarifaires")
        ordering = ["platform_id", "code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                condition=Q(platform__isnull=True),
                name="fleet_tariffgrid_shipped_unique_version",
            ),
            models.UniqueConstraint(
                fields=["platform", "code", "version"],
                condition=Q(platform__isnull=False),
                name="fleet_tariffgrid_unique_version_per_platform",
            ),
            models.CheckConstraint(
                condition=Q(max_months__isnull=True) | Q(max_months__gte=1),
                name="fleet_tariffgrid_max_months_positive",
            ),
            models.CheckConstraint(
                condition=Q(visit_frequency__in=VisitFrequency.values),
                name="fleet_tariffgrid_visit_frequency_valid",
            ),
            models.CheckConstraint(
                condition=Q(microcredit_month__isnull=True)
                | Q(microcredit_month__gte=1, max_months__isnull=True)
                | Q(microcredit_month__gte=1, microcredit_month__lte=F("max_months")),
                name="fleet_tariffgrid_microcredit_within_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def as_rule(self) -> tariffs.Grid:
        """The pure grid (steps, reductions and deposits should be prefetched)."""
        steps: dict[str, list[tariffs.Step]] = {}
        for step in self.steps.all():
            steps.setdefault(step.kind, []).append(tariffs.Step(step.month, step.daily_rate))
        return tariffs.Grid(
            name=self.name,
            steps={kind: tuple(sorted(s, key=lambda x: x.month)) for kind, s in steps.items()},
            reductions=tuple(
                tariffs.Reduction(
                    code=r.code,
                    label=r.label,
                    condition=r.condition,
                    percent=r.percent,
                    until_month=r.until_month,
                )
                for r in sorted(self.reductions.all(), key=lambda r: r.position)
            ),
            max_months=self.max_months,
            microcredit_month=self.microcredit_month,
            deposits={deposit.kind: deposit.amount for deposit in self.deposits.all()},
            visit_frequency=self.visit_frequency,
        )


class TariffDeposit(models.Model):
    """The deposit asked by default for a vehicle kind on this grid: less needs an
    adviser's waiver with a reason."""

    grid = models.ForeignKey(
        TariffGrid, on_delete=models.CASCADE, related_name="deposits", verbose_name=_("grille")
    )
    kind = models.CharField(_("type de véhicule"), max_length=20, choices=VehicleKind.choices)
    amount = models.DecimalField(_("caution par défaut (€)"), **MONEY)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("caution par défaut")
        verbose_name_plural = _("cautions par défaut")
        ordering = ["grid", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "kind"], name="fleet_tariffdeposit_unique_kind"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="fleet_tariffdeposit_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=VehicleKind.values), name="fleet_tariffdeposit_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} : {self.amount} €"


class TariffStep(models.Model):
    """The daily rate of a vehicle kind in one month of the rental (1 = the first)."""

    grid = models.ForeignKey(
        TariffGrid, on_delete=models.CASCADE, related_name="steps", verbose_name=_("grille")
    )
    kind = models.CharField(_("type de véhicule"), max_length=20, choices=VehicleKind.choices)
    month = models.PositiveSmallIntegerField(
        _("mois de location"),
        default=1,
        help_text=_("1 pour le premier mois ; le tarif du dernier mois continue ensuite."),
    )
    daily_rate = models.DecimalField(_("tarif par jour (€)"), **MONEY)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("palier tarifaire")
        verbose_name_plural = _("paliers tarifaires")
        ordering = ["grid", "kind", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "kind", "month"], name="fleet_tariffstep_unique_month"
            ),
            models.CheckConstraint(
                condition=Q(daily_rate__gte=0), name="fleet_tariffstep_rate_not_negative"
            ),
            models.CheckConstraint(condition=Q(month__gte=1), name="fleet_tariffstep_month_from_1"),
            models.CheckConstraint(
                condition=Q(kind__in=VehicleKind.values), name="fleet_tariffstep_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — mois {self.month} : {self.daily_rate} €/jour"


class TariffReduction(models.Model):
    """A reduction, applied in `position` order to what remains after the previous ones."""

    grid = models.ForeignKey(
        TariffGrid, on_delete=models.CASCADE, related_name="reductions", verbose_name=_("grille")
    )
    position = models.PositiveSmallIntegerField(_("ordre d'application"))
    code = models.SlugField(_("code"), max_length=30)
    label = models.CharField(_("libellé"), max_length=100)
    condition = models.CharField(_("condition"), max_length=20, choices=SituationCode.choices)
    percent = models.DecimalField(_("réduction (%)"), max_digits=5, decimal_places=2)
    until_month = models.PositiveSmallIntegerField(
        _("jusqu'au mois"),
        null=True,
        blank=True,
        help_text=_("Vide : pendant toute la location."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("réduction")
        verbose_name_plural = _("réductions")
        ordering = ["grid", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "position"], name="fleet_tariffreduction_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100),
                name="fleet_tariffreduction_percent_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(condition__in=SituationCode.values),
                name="fleet_tariffreduction_condition_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.percent} %)"


class FleetSettings(models.Model):
    """A platform's choices: its tariff grid, the km allowance, the check-in rhythm."""

    platform = models.OneToOneField(
        Platform,
        on_delete=models.PROTECT,
        related_name="fleet_settings",
        verbose_name=_("plateforme"),
    )
    tariff_grid = models.ForeignKey(
        TariffGrid, on_delete=models.PROTECT, related_name="+", verbose_name=_("grille tarifaire")
    )
    km_allowance_percent = models.DecimalField(
        _("forfait km (% de l'aller-retour domicile-travail)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("120"),
    )
    checkin_interval_days = models.PositiveSmallIntegerField(
        _("jours entre deux points étapes"), default=7
    )
    km_alert_margin_percent = models.DecimalField(
        _("alerte km : dépassement du forfait de plus de (%)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("10"),
        help_text=_("Au-delà, le ou la conseiller·ère et le ou la référent·e sont prévenu·es."),
    )
    overdue_alert_days = models.PositiveSmallIntegerField(
        _("alerte : point étape en retard de plus de (jours)"),
        default=7,
        help_text=_(
            "La tâche quotidienne prévient le ou la conseiller·ère et le ou la référent·e."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("réglages de la flotte")
        verbose_name_plural = _("réglages de la flotte")
        constraints = [
            models.CheckConstraint(
                condition=Q(km_allowance_percent__gte=0),
                name="fleet_settings_km_percent_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(checkin_interval_days__gte=1),
                name="fleet_settings_interval_positive",
            ),
            models.CheckConstraint(
                condition=Q(km_alert_margin_percent__gte=0, overdue_alert_days__gte=1),
                name="fleet_settings_alert_thresholds_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform} — {self.tariff_grid}"


class EligibilityRule(models.Model):
    """Who may rent a vehicle kind on a platform (defaults in fleet.defaults.ELIGIBILITY)."""

    platform = models.ForeignKey(
        Platform,
        on_delete=models.PROTECT,
        related_name="fleet_eligibility_rules",
        verbose_name=_("plateforme"),
    )
    kind = models.CharField(_("type de véhicule"), max_length=20, choices=VehicleKind.choices)
    minimum_age = models.PositiveSmallIntegerField(_("âge minimum"), null=True, blank=True)
    licence_required = models.BooleanField(_("permis B exigé"), default=False)
    licence_minimum_months = models.PositiveSmallIntegerField(
        _("permis détenu depuis au moins (mois)"), default=0
    )
    contract_required = models.BooleanField(_("contrat de travail exigé"), default=False)
    accepted_contracts = models.JSONField(
        _("contrats acceptés"), default=list, blank=True, help_text=_("Codes : cdi, cdd...")
    )
    contract_minimum_days = models.PositiveSmallIntegerField(
        _("durée du contrat supérieure à (jours)"), default=0
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("condition d'accès")
        verbose_name_plural = _("conditions d'accès")
        ordering = ["platform", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "kind"], name="fleet_eligibility_unique_kind_per_platform"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform} — {self.get_kind_display()}"

    def as_rule(self) -> Rule:
        return Rule(
            minimum_age=self.minimum_age,
            licence_required=self.licence_required,
            licence_minimum_months=self.licence_minimum_months,
            contract_required=self.contract_required,
            accepted_contracts=tuple(self.accepted_contracts),
            contract_minimum_days=self.contract_minimum_days,
        )


class VehicleQuerySet(models.QuerySet):
    def for_user(self, user: User) -> VehicleQuerySet:
        return self.filter(platform_id__in=_fleet_platforms(user))

    def available(self) -> VehicleQuerySet:
        return self.filter(status=VehicleStatus.AVAILABLE)

    def in_service(self) -> VehicleQuerySet:
        return self.exclude(status=VehicleStatus.RETIRED)


class Vehicle(models.Model):
    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="vehicles", verbose_name=_("plateforme")
    )
    kind = models.CharField(_("type"), max_length=20, choices=VehicleKind.choices)
    label = models.CharField(_("nom"), max_length=100, help_text=_("Par exemple : Clio bleue."))
    registration = models.CharField(_("immatriculation ou n° de série"), max_length=20, blank=True)
    odometer_km = models.PositiveIntegerField(_("compteur (km)"), default=0)
    status = models.CharField(
        _("état"), max_length=20, choices=VehicleStatus.choices, default=VehicleStatus.AVAILABLE
    )
    site = models.CharField(_("lieu"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("ajouté le"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = VehicleQuerySet.as_manager()

    class Meta:
        verbose_name = _("véhicule")
        verbose_name_plural = _("véhicules")
        ordering = ["kind", "label", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "registration"],
                condition=~Q(registration=""),
                name="fleet_vehicle_unique_registration_per_platform",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=VehicleKind.values), name="fleet_vehicle_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=VehicleStatus.values), name="fleet_vehicle_status_valid"
            ),
        ]

    def __str__(self) -> str:
        if self.registration:
            return f"{self.label} ({self.registration})"
        return self.label


def _ledger_sum(kinds, minus=()) -> Coalesce:
    """The sum of a rental's entries of `kinds`, less those of `minus` (one subquery)."""
    signed = Case(
        When(kind__in=list(minus), then=-F("amount")),
        default=F("amount"),
        output_field=models.DecimalField(**MONEY),
    )
    rows = (
        LedgerEntry.objects.filter(rental=OuterRef("pk"), kind__in=[*kinds, *minus])
        .order_by()
        .values("rental")
        .annotate(total=Sum(signed))
        .values("total")
    )
    return Coalesce(
        Subquery(rows, output_field=models.DecimalField(**MONEY)),
        Value(Decimal("0.00")),
        output_field=models.DecimalField(**MONEY),
    )


class RentalQuerySet(models.QuerySet):
    def for_user(self, user: User) -> RentalQuerySet:
        return self.filter(platform_id__in=_fleet_platforms(user))

    def open(self) -> RentalQuerySet:
        return self.filter(status=RentalStatus.OPEN)

    def with_balance(self) -> RentalQuerySet:
        """Annotate `charged`, `paid`, `deposit_in`, `deposit_out`: one subquery each."""
        return self.annotate(
            charged=_ledger_sum(OWED_KINDS),
            paid=_ledger_sum(SETTLING_KINDS, minus=REFUND_KINDS),
            deposit_in=_ledger_sum({EntryKind.DEPOSIT_IN}),
            deposit_out=_ledger_sum({EntryKind.DEPOSIT_REFUND, EntryKind.DEPOSIT_RETAINED}),
        )

    def with_last_checkin(self) -> RentalQuerySet:
        last = CheckIn.objects.filter(rental=OuterRef("pk")).order_by("-date", "-pk")
        return self.annotate(
            last_checkin_date=Subquery(last.values("date")[:1]),
            last_odometer_km=Subquery(last.values("odometer_km")[:1]),
            last_km_over=Subquery(last.values("km_over")[:1]),
            last_km_allowance=Subquery(last.values("km_allowance")[:1]),
        )

    def for_board(self) -> RentalQuerySet:
        return (
            self.select_related("vehicle", "beneficiary")
            .with_balance()
            .with_last_checkin()
            .order_by("start_date", "pk")
        )


class Rental(models.Model):
    """A contrat de mise à disposition: a vehicle lent to a person of a pathway."""

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="rentals", verbose_name=_("plateforme")
    )
    pathway = models.ForeignKey(
        Pathway, on_delete=models.PROTECT, related_name="rentals", verbose_name=_("parcours")
    )
    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.PROTECT,
        related_name="rentals",
        verbose_name=_("bénéficiaire"),
    )
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, related_name="rentals", verbose_name=_("véhicule")
    )
    tariff_grid = models.ForeignKey(
        TariffGrid, on_delete=models.PROTECT, related_name="rentals", verbose_name=_("grille")
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=RentalStatus.choices, default=RentalStatus.OPEN
    )
    start_date = models.DateField(_("début"))
    steps_start = models.DateField(
        _("mois 1 commencé le"),
        null=True,
        help_text=_(
            "Les mois de la grille se comptent par personne sur toutes les locations du "
            "parcours : le début de la location moins les jours des locations précédentes."
        ),
    )
    max_end_date = models.DateField(_("fin au plus tard"), null=True, blank=True)
    extended_until = models.DateField(_("prolongée jusqu'au"), null=True, blank=True)
    extension_reason = models.TextField(_("motif de la prolongation"), blank=True)
    visit_frequency = models.CharField(
        _("rythme des points étapes"),
        max_length=10,
        choices=VisitFrequency.choices,
        default=VisitFrequency.WEEKLY,
    )
    microcredit_proposed_on = models.DateField(_("microcrédit proposé le"), null=True, blank=True)
    microcredit_outcome = models.CharField(
        _("suite du microcrédit"), max_length=20, choices=MicrocreditOutcome.choices, blank=True
    )
    microcredit_partner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("orientée vers (partenaire du microcrédit)"),
    )
    microcredit_notes = models.TextField(_("notes sur le microcrédit"), blank=True)
    # The due date of the last point étape whose delay was reported (one notice per delay).
    overdue_alerted_for = models.DateField(_("retard signalé (échéance)"), null=True, blank=True)
    microcredit_from = models.DateField(_("microcrédit à proposer dès le"), null=True, blank=True)
    end_date = models.DateField(_("rendu le"), null=True, blank=True)
    deposit = models.DecimalField(_("caution (€)"), **MONEY)
    deposit_default = models.DecimalField(
        _("caution par défaut de la grille (€)"),
        null=True,
        blank=True,
        help_text=_("Vide : la grille ne fixait pas de caution pour ce type de véhicule."),
        **MONEY,
    )
    deposit_waiver_reason = models.TextField(
        _("motif de la caution réduite"),
        blank=True,
        help_text=_("Dérogation d'un·e conseiller·ère : caution inférieure à celle de la grille."),
    )
    contract_signed = models.BooleanField(_("contrat signé"))
    home_work_km = models.DecimalField(
        _("distance domicile-travail (km, aller)"), max_digits=6, decimal_places=1
    )
    km_allowance_percent = models.DecimalField(
        _("forfait km (% de l'aller-retour)"), max_digits=5, decimal_places=1
    )
    daily_km_allowance = models.DecimalField(
        _("forfait km par jour"), max_digits=7, decimal_places=1
    )
    checkin_interval_days = models.PositiveSmallIntegerField(
        _("jours entre deux points étapes"), default=7
    )
    start_odometer_km = models.PositiveIntegerField(_("compteur au départ (km)"))
    end_odometer_km = models.PositiveIntegerField(
        _("compteur au retour (km)"), null=True, blank=True
    )
    eligibility_overridden = models.BooleanField(_("dérogation aux conditions"), default=False)
    eligibility_missing = models.JSONField(_("conditions non remplies"), default=list, blank=True)
    eligibility_override_reason = models.TextField(_("motif de la dérogation"), blank=True)
    # Empty for the rentals handed over before the checklist was asked at the handover.
    handover_condition = models.JSONField(_("état à la remise"), default=dict, blank=True)
    return_condition = models.JSONField(_("état au retour"), default=dict, blank=True)
    deposit_retained_reason = models.TextField(_("motif de la retenue sur caution"), blank=True)
    end_reason = models.TextField(_("motif de fin de location"), blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("remis par")
    )
    returned_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("retour enregistré par"),
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = RentalQuerySet.as_manager()

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["platform", "status", "start_date"])]
        constraints = [
            # The invariant of the fleet: a vehicle is never in two open rentals.
            models.UniqueConstraint(
                fields=["vehicle"],
                condition=Q(status=RentalStatus.OPEN),
                name="fleet_rental_one_open_per_vehicle",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RentalStatus.values), name="fleet_rental_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(deposit__gte=0), name="fleet_rental_deposit_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(contract_signed=True), name="fleet_rental_contract_signed"
            ),
            models.CheckConstraint(
                condition=Q(extended_until__isnull=True) | ~Q(extension_reason=""),
                name="fleet_rental_extension_needs_reason",
            ),
            models.CheckConstraint(
                condition=Q(visit_frequency__in=VisitFrequency.values),
                name="fleet_rental_visit_frequency_valid",
            ),
            models.CheckConstraint(
                condition=Q(microcredit_outcome="")
                | Q(
                    microcredit_outcome__in=MicrocreditOutcome.values,
                    microcredit_proposed_on__isnull=False,
                ),
                name="fleet_rental_microcredit_outcome_after_proposal",
            ),
            models.CheckConstraint(
                condition=Q(steps_start__isnull=True) | Q(steps_start__lte=F("start_date")),
                name="fleet_rental_steps_start_not_after_start",
            ),
            # A deposit below the grid's default is a waiver, which has a reason.
            models.CheckConstraint(
                condition=Q(deposit_default__isnull=True)
                | Q(deposit__gte=F("deposit_default"))
                | ~Q(deposit_waiver_reason=""),
                name="fleet_rental_deposit_waiver_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(home_work_km__gte=0, daily_km_allowance__gte=0),
                name="fleet_rental_km_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(eligibility_overridden=False) | ~Q(eligibility_override_reason=""),
                name="fleet_rental_override_needs_reason",
            ),
            models.CheckConstraint(
                condition=Q(status=RentalStatus.OPEN, end_date__isnull=True)
                | Q(
                    status=RentalStatus.RETURNED,
                    end_date__isnull=False,
                    end_odometer_km__isnull=False,
                ),
                name="fleet_rental_returned_has_date_and_odometer",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="fleet_rental_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(end_odometer_km__isnull=True)
                | Q(end_odometer_km__gte=F("start_odometer_km")),
                name="fleet_rental_odometer_not_backwards",
            ),
        ]

    def __str__(self) -> str:
        return f"Location n° {self.pk} — {self.vehicle} — {self.beneficiary}"

    @property
    def is_open(self) -> bool:
        return self.status == RentalStatus.OPEN

    @property
    def service_end(self) -> date | None:
        """The last day of the service: the grid's maximum or the adviser's extension."""
        return rules.length_end(max_end=self.max_end_date, extended_until=self.extended_until)

    @property
    def steps_anchor(self) -> date:
        return self.steps_start or self.start_date

    @property
    def balance_due(self) -> Decimal:
        """Owed by the person (needs `with_balance()`); negative: paid in advance."""
        return tariffs.money(self.charged - self.paid)

    @property
    def deposit_held(self) -> Decimal:
        return tariffs.money(self.deposit_in - self.deposit_out)

    @property
    def refundable(self) -> Decimal:
        """What may be given back (needs `with_balance()`): the overpaid balance of a
        returned rental; while it is open, an advance pays the next check-ins."""
        if self.is_open:
            return Decimal("0.00")
        return max(-self.balance_due, Decimal("0.00"))


class CheckInQuerySet(models.QuerySet):
    def for_user(self, user: User) -> CheckInQuerySet:
        return self.filter(platform_id__in=_fleet_platforms(user))


class CheckIn(models.Model):
    """A point étape: odometer, condition, amount due for the period, payment, notes."""

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="+", verbose_name=_("plateforme")
    )
    rental = models.ForeignKey(
        Rental, on_delete=models.PROTECT, related_name="checkins", verbose_name=_("location")
    )
    date = models.DateField(_("date"))
    period_start = models.DateField(_("période depuis le"))
    odometer_km = models.PositiveIntegerField(_("compteur (km)"))
    condition = models.JSONField(_("état du véhicule"), default=dict)
    amount_due = models.DecimalField(_("montant dû pour la période (€)"), **MONEY)
    km_driven = models.PositiveIntegerField(_("km parcourus"))
    km_allowance = models.DecimalField(
        _("forfait km de la période"), max_digits=9, decimal_places=1
    )
    km_over = models.DecimalField(_("km au-delà du forfait"), max_digits=9, decimal_places=1)
    notes = models.TextField(_("notes (solution de sortie...)"), blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("saisi par")
    )
    created_at = models.DateTimeField(_("saisi le"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = CheckInQuerySet.as_manager()

    class Meta:
        verbose_name = _("point étape")
        verbose_name_plural = _("points étapes")
        ordering = ["rental", "date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["rental", "date"], name="fleet_checkin_one_per_day"),
            models.CheckConstraint(
                condition=Q(amount_due__gte=0), name="fleet_checkin_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(km_over__gte=0, km_allowance__gte=0),
                name="fleet_checkin_km_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(date__gte=F("period_start")), name="fleet_checkin_after_period_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Point étape du {self.date:%d/%m/%Y} — location n° {self.rental_id}"


def photo_path(instance: VehiclePhoto, filename: str) -> str:
    """A random name under the platform's folder: the stored name says nothing of the
    rental, the person or the tablet's own file name."""
    return f"fleet/photos/{instance.platform_id}/{uuid.uuid4().hex}.jpg"


class VehiclePhotoQuerySet(models.QuerySet):
    def for_user(self, user: User) -> VehiclePhotoQuerySet:
        return self.filter(platform_id__in=_fleet_platforms(user))


class VehiclePhoto(models.Model):
    """A photo of the lent vehicle at one step of its rental (handover, a check-in, the
    return), possibly showing one item of the condition checklist (a damage). The files
    are the resized, metadata-free JPEG and its thumbnail (fleet.imaging), in the default
    storage, never under a public URL."""

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="+", verbose_name=_("plateforme")
    )
    rental = models.ForeignKey(
        Rental, on_delete=models.PROTECT, related_name="photos", verbose_name=_("location")
    )
    checkin = models.ForeignKey(
        CheckIn,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("point étape"),
    )
    moment = models.CharField(_("moment"), max_length=10, choices=PhotoMoment.choices)
    item = models.CharField(
        _("élément de l'état illustré"),
        max_length=20,
        choices=ConditionItem.choices,
        blank=True,
        help_text=_("Vide : vue d'ensemble du véhicule."),
    )
    file = models.FileField(_("photo"), upload_to=photo_path, max_length=200)
    thumb = models.FileField(_("vignette"), upload_to=photo_path, max_length=200)
    width = models.PositiveIntegerField(_("largeur (pixels)"))
    height = models.PositiveIntegerField(_("hauteur (pixels)"))
    taken_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("prise par")
    )
    taken_at = models.DateTimeField(_("prise le"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = VehiclePhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo du véhicule")
        verbose_name_plural = _("photos du véhicule")
        ordering = ["rental", "taken_at", "pk"]
        indexes = [models.Index(fields=["rental", "moment"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(moment__in=PhotoMoment.values), name="fleet_photo_moment_valid"
            ),
            models.CheckConstraint(
                condition=Q(item="") | Q(item__in=ConditionItem.values),
                name="fleet_photo_item_valid",
            ),
            # A check-in's photo names its check-in; the others name none.
            models.CheckConstraint(
                condition=Q(moment=PhotoMoment.CHECKIN, checkin__isnull=False)
                | (~Q(moment=PhotoMoment.CHECKIN) & Q(checkin__isnull=True)),
                name="fleet_photo_checkin_iff_checkin_moment",
            ),
            models.CheckConstraint(
                condition=~Q(file="") & ~Q(thumb="") & Q(width__gt=0, height__gt=0),
                name="fleet_photo_has_its_files",
            ),
        ]

    def __str__(self) -> str:
        return f"Photo ({self.get_moment_display()}) — location n° {self.rental_id}"

    @property
    def thumb_width(self) -> int:
        return self._thumb_size()[0]

    @property
    def thumb_height(self) -> int:
        return self._thumb_size()[1]

    def _thumb_size(self) -> tuple[int, int]:
        """The thumbnail's size, for the page's <img> (no layout jump while it loads)."""
        scale = min(1, THUMB_MAX_SIDE / max(self.width, self.height, 1))
        return max(1, round(self.width * scale)), max(1, round(self.height * scale))

    def download_name(self) -> str:
        """The name offered to the browser: the rental, the step and the number, never
        the person's name."""
        when = timezone.localtime(self.taken_at)
        return f"location-{self.rental_id}-{self.moment}-{when:%Y%m%d}-{self.pk}.jpg"


class LedgerEntryQuerySet(models.QuerySet):
    def for_user(self, user: User) -> LedgerEntryQuerySet:
        return self.filter(platform_id__in=_fleet_platforms(user))


class LedgerEntry(models.Model):
    """One money movement of a rental; the kind gives the direction. An entry is never
    edited nor deleted: a mistake is cancelled by a reversal, an entry of the same kind and
    the opposite amount that points at it (and a refund gives back what was overpaid)."""

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="+", verbose_name=_("plateforme")
    )
    rental = models.ForeignKey(
        Rental, on_delete=models.PROTECT, related_name="ledger", verbose_name=_("location")
    )
    checkin = models.ForeignKey(
        CheckIn,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger",
        verbose_name=_("point étape"),
    )
    kind = models.CharField(_("nature"), max_length=20, choices=EntryKind.choices)
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("montant (€)"), **MONEY)
    method = models.CharField(
        _("moyen de paiement"), max_length=20, choices=PaymentMethod.choices, blank=True
    )
    label = models.CharField(_("libellé"), max_length=255, blank=True)
    reason = models.TextField(
        _("motif"),
        blank=True,
        help_text=_("Obligatoire pour une contre-passation ou un remboursement."),
    )
    # Only an original entry has a key, and a reversal points at that key: so a reversal,
    # which has none, cannot itself be reversed. The foreign key says it, not only the code.
    reversal_key = models.UUIDField(
        _("clé de contre-passation"),
        null=True,
        blank=True,
        unique=True,
        default=uuid.uuid4,
        editable=False,
    )
    # One-to-one: an entry is reversed at most once.
    reverses = models.OneToOneField(
        "self",
        to_field="reversal_key",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
        verbose_name=_("contre-passe l'écriture"),
    )
    receipt_number = models.PositiveIntegerField(
        _("n° de reçu"),
        null=True,
        blank=True,
        help_text=_("Chaque paiement reçoit le numéro suivant de sa plateforme."),
    )
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("saisi par")
    )
    created_at = models.DateTimeField(_("saisi le"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("écriture")
        verbose_name_plural = _("écritures")
        ordering = ["rental", "date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, reversal_key__isnull=False, amount__gt=0)
                | Q(reverses__isnull=False, reversal_key__isnull=True, amount__lt=0),
                name="fleet_ledger_amount_positive_or_reversed",
            ),
            models.CheckConstraint(
                condition=Q(reverses__isnull=True) & ~Q(kind=EntryKind.REFUND) | ~Q(reason=""),
                name="fleet_ledger_correction_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=EntryKind.values), name="fleet_ledger_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(method="") | Q(method__in=PaymentMethod.values),
                name="fleet_ledger_method_valid",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=[EntryKind.PAYMENT, EntryKind.DEPOSIT_IN, EntryKind.REFUND])
                | ~Q(method=""),
                name="fleet_ledger_money_moved_has_method",
            ),
            # Every payment has a receipt number, and nothing else has one. (`isnull=False`
            # too: for a NULL number `>= 1` is unknown, which a CHECK lets through.)
            models.CheckConstraint(
                condition=Q(
                    kind=EntryKind.PAYMENT,
                    reverses__isnull=True,
                    receipt_number__isnull=False,
                    receipt_number__gte=1,
                )
                | (
                    ~Q(kind=EntryKind.PAYMENT, reverses__isnull=True)
                    & Q(receipt_number__isnull=True)
                ),
                name="fleet_ledger_payment_has_receipt_number",
            ),
            models.UniqueConstraint(
                fields=["platform", "receipt_number"],
                condition=Q(receipt_number__isnull=False),
                name="fleet_ledger_receipt_number_unique_per_platform",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} € — location n° {self.rental_id}"

    @property
    def receipt_email_or_none(self):
        """The e-mail of this payment's receipt, if one was sent (select_related it)."""
        return getattr(self, "receipt_email", None)

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    @property
    def reversed_by(self) -> LedgerEntry | None:
        """This entry's reversal, if any (select_related("reversal") saves a query). A
        reversal has no key: Django would look for the entries whose `reverses` is NULL,
        that is every original entry, so it is not asked."""
        if self.reversal_key is None:
            return None
        return getattr(self, "reversal", None)


class ReceiptEmail(models.Model):
    """A payment's receipt sent by e-mail to the person who has an address: recorded in
    the payment's transaction, sent by a task once it commits (fleet.receipts)."""

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="+", verbose_name=_("plateforme")
    )
    entry = models.OneToOneField(
        LedgerEntry,
        on_delete=models.PROTECT,
        related_name="receipt_email",
        verbose_name=_("paiement"),
    )
    recipient = models.EmailField(_("destinataire"))
    state = models.CharField(
        _("état"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    error = models.TextField(_("erreur d'envoi"), blank=True)

    class Meta:
        verbose_name = _("reçu envoyé par courriel")
        verbose_name_plural = _("reçus envoyés par courriel")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=DeliveryState.values), name="fleet_receiptemail_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Reçu de l'écriture n° {self.entry_id} → {self.recipient}"


class ReceiptCounter(models.Model):
    """The last receipt number a platform gave. A payment locks this row to take the next
    number in its own transaction: numbers follow each other without gaps or repeats."""

    platform = models.OneToOneField(
        Platform, on_delete=models.PROTECT, related_name="+", verbose_name=_("plateforme")
    )
    last_number = models.PositiveIntegerField(_("dernier n° de reçu"), default=0)

    class Meta:
        verbose_name = _("compteur des reçus")
        verbose_name_plural = _("compteurs des reçus")

    def __str__(self) -> str:
        return f"{self.platform} — reçu n° {self.last_number}"
