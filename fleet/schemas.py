"""API schemas of the fleet (docs/api.md, "Fleet"), with explicit fields.

Money goes out as strings with two decimals ("17.50"), km as numbers.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.urls import reverse
from ninja import Field, Schema
from pydantic import BeforeValidator, PlainSerializer

from fleet.rules import MAX_DAMAGE_LINES, MAX_ODOMETER_KM
from fleet.tariffs import money
from mobility.bounds import Day, Id
from mobility.schemas import InputSchema

KindCode = Literal["bike", "ebike", "scooter", "car"]
StatusCode = Literal["available", "rented", "maintenance", "retired"]
ConditionCode = Literal["ok", "worn", "damaged"]
MethodCode = Literal["cash", "card", "transfer", "cheque"]
Money = Decimal
OptionalDate = date | None
# Money goes out as a string with two decimals, whatever the database returned.
MoneyStr = Annotated[Decimal, PlainSerializer(lambda value: str(money(value)), return_type=str)]


def _empty_is_none(value):
    return None if value == "" else value


# A query filter written empty (`?kind=&status=`, as docs/api.md shows them) means no filter.
NoFilter = BeforeValidator(_empty_is_none)


# ---- vehicles


class VehicleIn(InputSchema):
    kind: KindCode
    label: str = Field(min_length=1, max_length=100)
    registration: str = Field("", max_length=20)
    odometer_km: int = Field(0, ge=0, le=MAX_ODOMETER_KM)
    site: str = Field("", max_length=100)
    platform: Id | None = Field(
        None, description="Plateforme (à préciser si vous travaillez pour plusieurs plateformes)."
    )


class VehicleOut(Schema):
    id: int
    kind: str
    label: str
    registration: str
    odometer_km: int
    status: str
    site: str
    platform: int = Field(alias="platform_id")


class VehicleFilters(Schema):
    kind: Annotated[KindCode | None, NoFilter] = None
    status: Annotated[StatusCode | None, NoFilter] = None


class VehicleStatusIn(InputSchema):
    status: Literal["available", "maintenance", "retired"]
    notes: str = Field("", max_length=2000)


# ---- quotes


class QuoteFilters(Schema):
    beneficiary_id: Id
    kind: KindCode
    # Plain dates: services.quote_for bounds the period more tightly, with its own words.
    start: date
    end: date


class QuoteLineOut(Schema):
    kind: str
    label: str
    month: int
    days: int
    unit_amount: MoneyStr
    amount: MoneyStr


class QuoteOut(Schema):
    start: date
    end: date
    days: int
    total: MoneyStr
    tariff_grid: str
    lines: list[QuoteLineOut]


# ---- rentals


class RentalIn(InputSchema):
    pathway_id: Id
    vehicle_id: Id
    start_date: Day
    deposit: Money = Field(ge=0, max_digits=10, decimal_places=2)
    deposit_method: MethodCode = "cheque"
    contract_signed: bool
    home_work_km: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=1)
    contract_end_date: Day | None = Field(
        None, description="Fin du contrat de travail (CDD, intérim...) pour vérifier sa durée."
    )
    eligibility_override_reason: str = Field(
        "",
        max_length=2000,
        description="Dérogation aux conditions d'accès (conseiller·ère ou administrateur·rice).",
    )
    deposit_waiver_reason: str = Field(
        "",
        max_length=2000,
        description="Motif d'une caution inférieure à celle de la grille pour ce type de "
        "véhicule (conseiller·ère ou administrateur·rice) ; sans lui, 422.",
    )
    extended_until: Day | None = Field(
        None,
        description="Quand la personne a déjà atteint la durée maximale de la grille sur ce "
        "parcours : prolongation jusqu'à cette date (conseiller·ère, avec extension_reason).",
    )
    extension_reason: str = Field("", max_length=2000, description="Motif de la prolongation.")
    condition: "ConditionIn | None" = Field(
        None,
        description="L'état du véhicule à la remise (même liste que le point étape) ; sans "
        "lui, aucun état n'est noté à la remise.",
    )


class ExtensionIn(InputSchema):
    until: Day
    reason: str = Field(max_length=2000)


class MicrocreditIn(InputSchema):
    proposed_on: Day
    outcome: Literal["pending", "oriented", "granted", "refused", "declined"] = "pending"
    partner_id: Id | None = Field(
        None, description="Partenaire du microcrédit (organisation de type partner)."
    )
    notes: str = Field("", max_length=2000)


class GridOut(Schema):
    id: int
    name: str
    version: int


class RentalOut(Schema):
    """A rental; the queryset must select vehicle and tariff_grid and use with_balance()."""

    id: int
    status: str
    pathway_id: int
    beneficiary_id: int
    vehicle_id: int
    vehicle_kind: str
    vehicle_label: str
    start_date: date
    max_end_date: date | None
    microcredit_from: date | None
    end_date: date | None
    deposit: MoneyStr
    deposit_default: MoneyStr | None = Field(
        description="La caution par défaut de la grille pour ce type de véhicule."
    )
    deposit_waiver_reason: str
    steps_start: date | None = Field(
        description="Le jour où le mois 1 a commencé : les mois se comptent par personne "
        "sur toutes les locations du parcours."
    )
    extended_until: date | None
    extension_reason: str
    visit_frequency: str = Field(description="weekly ou monthly (celui de la grille).")
    microcredit_proposed_on: date | None
    microcredit_outcome: str
    microcredit_partner_id: int | None
    deposit_held: MoneyStr
    contract_signed: bool
    home_work_km: float
    daily_km_allowance: float
    start_odometer_km: int
    end_odometer_km: int | None
    eligibility_overridden: bool
    eligibility_missing: list[str]
    eligibility_override_reason: str
    handover_condition: dict[str, str] = Field(
        description="L'état noté à la remise ({} s'il ne l'a pas été)."
    )
    tariff_grid: GridOut
    amount_charged: MoneyStr
    amount_paid: MoneyStr
    balance: MoneyStr

    @staticmethod
    def resolve_vehicle_kind(rental) -> str:
        return rental.vehicle.kind

    @staticmethod
    def resolve_vehicle_label(rental) -> str:
        return str(rental.vehicle)

    @staticmethod
    def resolve_amount_charged(rental) -> Decimal:
        return money(rental.charged)

    @staticmethod
    def resolve_amount_paid(rental) -> Decimal:
        return money(rental.paid)

    @staticmethod
    def resolve_balance(rental) -> Decimal:
        return rental.balance_due


class RentalFilters(Schema):
    status: Annotated[Literal["open", "returned"] | None, NoFilter] = None
    pathway_id: Annotated[Id | None, NoFilter] = None
    vehicle_id: Annotated[Id | None, NoFilter] = None


# ---- check-ins, payments, returns


class ConditionIn(InputSchema):
    tyres: ConditionCode
    brakes: ConditionCode
    lights: ConditionCode
    body: ConditionCode
    cleanliness: ConditionCode
    accessories: ConditionCode | None = None

    def as_dict(self) -> dict[str, str]:
        return {key: value for key, value in self.model_dump().items() if value is not None}


RentalIn.model_rebuild()


class PaymentIn(InputSchema):
    amount: Money = Field(gt=0, max_digits=10, decimal_places=2)
    method: MethodCode


class CheckInIn(InputSchema):
    date: Day
    odometer_km: int = Field(ge=0, le=MAX_ODOMETER_KM)
    condition: ConditionIn
    payment: PaymentIn | None = None
    notes: str = Field("", max_length=5000)


class CheckInOut(Schema):
    id: int
    rental_id: int
    date: date
    period_start: date
    days: int
    odometer_km: int
    condition: dict[str, str]
    amount_due: MoneyStr
    amount_paid: MoneyStr
    balance: MoneyStr
    km_driven: int
    km_allowance: float
    km_over: float
    km_exceeded: bool
    notes: str
    lines: list[QuoteLineOut]


class PaymentRecordIn(PaymentIn):
    date: Day
    label: str = Field("", max_length=255)


class LedgerEntryOut(Schema):
    """An entry; for lists, select_related("reverses", "reversal") avoids a query per row."""

    id: int
    rental_id: int
    kind: str
    date: date
    amount: MoneyStr
    method: str
    label: str
    reason: str
    receipt_number: int | None
    reverses_id: int | None = Field(
        None, description="L'écriture que celle-ci contre-passe (montant opposé)."
    )
    reversed_by_id: int | None = Field(None, description="La contre-passation de cette écriture.")

    @staticmethod
    def resolve_reverses_id(entry) -> int | None:
        return entry.reverses.pk if entry.reverses_id else None

    @staticmethod
    def resolve_reversed_by_id(entry) -> int | None:
        return entry.reversed_by.pk if entry.reversed_by else None


class ReversalIn(InputSchema):
    reason: str = Field(min_length=1, max_length=2000)
    correct_amount: Money | None = Field(
        None,
        gt=0,
        max_digits=10,
        decimal_places=2,
        description="Le montant que l'écriture aurait dû avoir : enregistré à sa place.",
    )


class ReversalOut(Schema):
    reversal: LedgerEntryOut
    replacement: LedgerEntryOut | None
    balance: MoneyStr


class RefundIn(InputSchema):
    amount: Money = Field(gt=0, max_digits=10, decimal_places=2)
    method: MethodCode
    reason: str = Field(min_length=1, max_length=2000)
    # `OptionalDate`: the field's name would hide the type in its own annotation.
    date: OptionalDate = Field(None, description="Par défaut : aujourd'hui.")


class DamageIn(InputSchema):
    description: str = Field(min_length=1, max_length=255)
    cost: Money = Field(ge=0, max_digits=10, decimal_places=2)


class ReturnIn(InputSchema):
    date: Day
    odometer_km: int = Field(ge=0, le=MAX_ODOMETER_KM)
    condition: ConditionIn | None = Field(
        None, description="L'état au retour ; sans lui, aucun état n'est enregistré."
    )
    damages: list[DamageIn] = Field([], max_length=MAX_DAMAGE_LINES)
    deposit_retained: Money = Field(Decimal("0.00"), ge=0, max_digits=10, decimal_places=2)
    deposit_retained_reason: str = Field("", max_length=2000)
    vehicle_status: Literal["available", "maintenance"] | None = Field(
        None, description="Par défaut : maintenance s'il y a un dommage, sinon available."
    )
    end_reason: str = Field("", max_length=2000)
    payment: PaymentIn | None = None


class DueOut(Schema):
    rental_id: int
    state: Literal["due", "overdue"]
    due_on: date
    last_checkin_date: date | None
    beneficiary_id: int
    beneficiary_name: str
    vehicle_id: int
    vehicle_label: str
    balance: MoneyStr


class DueListOut(Schema):
    week: str
    start: date
    end: date
    items: list[DueOut]
    count: int


# ---- photos of the vehicle

MomentCode = Literal["handover", "checkin", "return"]
ItemCode = Literal["", "tyres", "brakes", "lights", "body", "cleanliness", "accessories"]


class PhotoIn(InputSchema):
    """The text fields of the multipart form that carries a photo (`file`)."""

    moment: MomentCode = Field(
        description="L'étape : handover (remise, avant le premier point étape), checkin (le "
        "dernier point étape de la location en cours, avec checkin_id) ou return (une fois "
        "le retour enregistré)."
    )
    item: ItemCode = Field(
        "",
        description="L'élément de l'état que la photo montre (un dommage) ; vide : vue "
        "d'ensemble du véhicule.",
    )
    checkin_id: Id | None = Field(None, description="Le point étape, pour moment=checkin.")


class PhotoOut(Schema):
    id: int
    rental_id: int
    moment: str
    checkin_id: int | None
    item: str
    width: int = Field(description="Largeur de la photo gardée, en pixels (1600 au plus).")
    height: int
    taken_at: datetime
    taken_by_id: int
    url: str = Field(
        description="La photo (JPEG) pour ce jeton : GET /api/v1/fleet/photos/{id}/file, qui "
        "vérifie le rôle et la plateforme et inscrit la consultation au journal de la personne."
    )
    thumb_url: str = Field(description="Sa vignette (JPEG, 400 pixels au plus).")
    page_url: str = Field(description="La photo sur le site (session connectée).")

    @staticmethod
    def resolve_url(photo) -> str:
        return f"/api/v1/fleet/photos/{photo.pk}/file"

    @staticmethod
    def resolve_thumb_url(photo) -> str:
        return f"/api/v1/fleet/photos/{photo.pk}/thumb"

    @staticmethod
    def resolve_page_url(photo) -> str:
        return reverse("fleet:photo", args=[photo.pk])
