"""Pure rules of the rentals: km allowance, odometer, check-in schedule, balances.

No ORM, no clock (`today` is passed in), Decimal for money and km.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from fleet.enums import Condition, ConditionItem, EntryKind, PhotoMoment
from fleet.tariffs import NARROW_NBSP, NBSP, ZERO, add_months, euros, money
from mobility.rules import is_youth

TENTH = Decimal("0.1")
# The highest odometer reading accepted (the columns are PositiveIntegerField, whose
# limit is 2 147 483 647; no road vehicle reaches two million km).
MAX_ODOMETER_KM = 2_000_000
# Damage lines on one return: a vehicle's parts, not an inventory.
MAX_DAMAGE_LINES = 30
# The largest payment recorded at once: a typo guard (a year of car at the standard rate
# is about 1 800 €; damages beyond this are paid in several times).
MAX_PAYMENT = Decimal("5000.00")


def daily_km_allowance(*, home_work_km: Decimal, percent: Decimal) -> Decimal:
    """`percent` of the daily home-work round trip (twice the one-way distance)."""
    if home_work_km < 0:
        raise ValueError("Une distance ne peut pas être négative.")
    return (Decimal(2) * home_work_km * Decimal(percent) / Decimal(100)).quantize(
        TENTH, rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class KmCheck:
    km_driven: int
    km_allowance: Decimal
    km_over: Decimal

    @property
    def exceeded(self) -> bool:
        return self.km_over > 0


def km_check(*, previous_km: int, odometer_km: int, daily_allowance: Decimal, days: int) -> KmCheck:
    """Km driven since the previous reading against the allowance × days elapsed."""
    if odometer_km < previous_km:
        raise ValueError("Le compteur ne peut pas reculer.")
    driven = odometer_km - previous_km
    allowance = (daily_allowance * days).quantize(TENTH)
    return KmCheck(driven, allowance, max(Decimal(driven) - allowance, Decimal(0)).quantize(TENTH))


def odometer_problem(odometer_km: int) -> str | None:
    """What is wrong with an odometer reading, in French (None: nothing)."""
    if odometer_km < 0:
        return "Le compteur ne peut pas être négatif."
    if odometer_km > MAX_ODOMETER_KM:
        limit = f"{MAX_ODOMETER_KM:,}".replace(",", NARROW_NBSP)
        return f"Le compteur ne peut pas dépasser {limit}{NBSP}km : vérifiez le relevé."
    return None


def payment_problem(amount: Decimal) -> str | None:
    """What is wrong with the amount of a payment, in French (None: nothing)."""
    if amount <= 0:
        return "Le montant payé doit être positif."
    if amount > MAX_PAYMENT:
        return (
            f"Un paiement ne peut pas dépasser {euros(MAX_PAYMENT)} : vérifiez le montant "
            "(un montant plus élevé se règle en plusieurs paiements)."
        )
    return None


def deposit_problem(*, deposit: Decimal, default: Decimal | None, waiver_reason: str) -> str | None:
    """What is wrong with the deposit of a hand-over, in French (None: nothing).

    A deposit below the grid's default for the vehicle kind needs a waiver: its reason,
    written by an adviser (who may write it is the service's business)."""
    if deposit < 0:
        return "La caution ne peut pas être négative."
    if default is not None and money(deposit) < money(default) and not waiver_reason.strip():
        return (
            f"La caution par défaut de la grille pour ce véhicule est de {euros(default)} : "
            "une caution plus basse demande la dérogation d'un·e conseiller·ère, avec son "
            "motif."
        )
    return None


WEEKLY = "weekly"
MONTHLY = "monthly"


def next_checkin_due(
    *,
    last_checkin: date | None,
    rental_start: date,
    interval_days: int,
    frequency: str = WEEKLY,
) -> date:
    """The next point étape: `interval_days` after the last one (or the start) for a weekly
    grid, the same day of the next month for a monthly one."""
    since = last_checkin or rental_start
    if frequency == MONTHLY:
        return add_months(since, 1)
    return since + timedelta(days=interval_days)


def length_end(*, max_end: date | None, extended_until: date | None) -> date | None:
    """The last day the service may run: the grid's maximum, or an adviser's extension."""
    if max_end is None:
        return None
    return max(max_end, extended_until) if extended_until else max_end


def length_problem(
    *, day: date, max_end: date | None, extended_until: date | None, what: str = "point étape"
) -> str | None:
    """Why nothing but the return may be recorded on `day`, in French (None: it may)."""
    end = length_end(max_end=max_end, extended_until=extended_until)
    if end is None or day <= end:
        return None
    if extended_until and max_end and extended_until > max_end:
        reached = f"sa prolongation, jusqu'au {end:%d/%m/%Y}, est écoulée"
    else:
        reached = f"la durée maximale de la grille est atteinte le {end:%d/%m/%Y}"
    return (
        f"Pas de {what} après la fin du service : {reached}. Enregistrez le retour du "
        "véhicule, ou un·e conseiller·ère prolonge la location en écrivant le motif."
    )


def new_rental_problem(
    *, start: date, max_end: date | None, extended_until: date | None
) -> str | None:
    """Why a rental may not start on `start`: the person's months of service on the
    pathway already reach the grid's maximum (None: it may)."""
    end = length_end(max_end=max_end, extended_until=extended_until)
    if end is None or start < end:
        return None
    return (
        f"Cette personne a atteint la durée maximale de la grille sur ce parcours (le "
        f"{end:%d/%m/%Y}, en comptant ses locations précédentes) : pas de nouvelle location, "
        "sauf prolongation par un·e conseiller·ère avec son motif."
    )


def extension_problem(
    *, until: date | None, reason: str, max_end: date | None, start: date
) -> dict[str, str]:
    """What is wrong with an adviser's extension of a rental, by field ({}: nothing)."""
    problems = {}
    if not reason.strip():
        problems["reason"] = "Écrivez le motif de la prolongation."
    if until is None:
        problems["until"] = "Indiquez jusqu'à quand la location est prolongée."
    elif max_end is None:
        problems["until"] = "Cette grille n'a pas de durée maximale : rien à prolonger."
    elif until <= max_end:
        problems["until"] = f"La prolongation va au-delà de la fin prévue ({max_end:%d/%m/%Y})."
    elif until > add_months(start, 24):
        problems["until"] = "Une location ne se prolonge pas au-delà de deux ans."
    return problems


def km_alert(*, km_over: Decimal, km_allowance: Decimal, margin_percent: Decimal) -> bool:
    """A km overage worth a notice: beyond the allowance by more than `margin_percent` of
    it (with no allowance, any km over it)."""
    if km_over <= 0:
        return False
    return Decimal(km_over) > Decimal(km_allowance) * Decimal(margin_percent) / Decimal(100)


def overdue_alert(*, due_on: date, today: date, days: int, alerted_for: date | None) -> bool:
    """A point étape overdue by more than `days` days, not yet reported for this due date."""
    return (today - due_on).days > days and alerted_for != due_on


def checkin_state(*, due_on: date, week_start: date, today: date) -> str | None:
    """ "overdue", "due" (within the week) or None (not yet) for the week of `week_start`."""
    week_end = week_start + timedelta(days=6)
    if due_on > week_end:
        return None
    if due_on < week_start or due_on < today:
        return "overdue"
    return "due"


@dataclass(frozen=True)
class Balance:
    """Derived from ledger rows, never stored. `due` > 0: the person owes the platform."""

    charged: Decimal
    paid: Decimal
    deposit_held: Decimal

    @property
    def due(self) -> Decimal:
        return money(self.charged - self.paid)

    @property
    def overpaid(self) -> Decimal:
        """What the person paid beyond what is owed (0 when nothing is)."""
        return max(-self.due, ZERO)


OWED_KINDS = frozenset({EntryKind.CHARGE, EntryKind.DAMAGE})
SETTLING_KINDS = frozenset({EntryKind.PAYMENT, EntryKind.DEPOSIT_RETAINED})
# Money given back to the person: it takes away from what was paid.
REFUND_KINDS = frozenset({EntryKind.REFUND})


def balance(entries: Iterable[tuple[str, Decimal]]) -> Balance:
    """The balance of (kind, amount) ledger rows. An entry's amount is positive; its
    reversal carries the same kind and the opposite amount, so the two cancel out."""
    charged = paid = deposit = ZERO
    for kind, amount in entries:
        if kind in OWED_KINDS:
            charged += amount
        elif kind in SETTLING_KINDS:
            paid += amount
        elif kind in REFUND_KINDS:
            paid -= amount
        if kind == EntryKind.DEPOSIT_IN:
            deposit += amount
        elif kind in (EntryKind.DEPOSIT_REFUND, EntryKind.DEPOSIT_RETAINED):
            deposit -= amount
    return Balance(money(charged), money(paid), money(deposit))


# ---- corrections: a mistake is never edited away, it is reversed or refunded

# What a reversal may cancel. The deposit's refund and retention at the return follow from
# the balance of that day: too much retained shows as an overpayment, which a refund settles.
REVERSIBLE_KINDS = frozenset(
    {EntryKind.CHARGE, EntryKind.DAMAGE, EntryKind.PAYMENT, EntryKind.REFUND, EntryKind.DEPOSIT_IN}
)


def reversal_problem(
    *, kind: str, is_reversal: bool, already_reversed: bool, rental_open: bool
) -> str | None:
    """Why an entry cannot be reversed, in French (None: it can)."""
    if is_reversal:
        return (
            "Cette écriture est une contre-passation : elle ne se contre-passe pas. Si la "
            "correction était une erreur, enregistrez à nouveau l'écriture juste."
        )
    if already_reversed:
        return "Cette écriture est déjà contre-passée."
    if kind not in REVERSIBLE_KINDS:
        return (
            "La caution rendue ou retenue au retour ne se contre-passe pas : ce qui a été "
            "retenu en trop apparaît comme un trop-perçu, qui se rembourse."
        )
    if kind == EntryKind.DEPOSIT_IN and not rental_open:
        return (
            "La caution d'une location rendue ne se contre-passe plus : elle a été rendue ou "
            "retenue au retour."
        )
    return None


def correct_amount_problem(*, amount: Decimal, original: Decimal) -> str | None:
    """What is wrong with the amount an entry should have had (None: nothing)."""
    if amount <= 0:
        return "Le montant correct doit être positif (sans montant : l'écriture est annulée)."
    if amount > MAX_PAYMENT:
        return f"Le montant correct ne peut pas dépasser {euros(MAX_PAYMENT)}."
    if money(amount) == money(original):
        return "C'est déjà le montant de l'écriture : il n'y a rien à corriger."
    return None


def refund_problem(*, amount: Decimal, balance: Balance) -> str | None:
    """What is wrong with giving `amount` back to the person (None: nothing)."""
    if amount <= 0:
        return "Le montant remboursé doit être positif."
    if balance.overpaid <= 0:
        return "La personne n'a rien payé en trop : il n'y a rien à rembourser."
    if money(amount) > balance.overpaid:
        return f"Le remboursement ne peut pas dépasser le trop-perçu ({euros(balance.overpaid)})."
    return None


def situation(
    *, rsa: bool, qpv: bool, ass: bool, aah: bool, rqth: bool, birth_date: date, on: date
) -> frozenset[str]:
    """The SituationCode values a person meets on `on` (what reductions depend on)."""
    flags = {"rsa": rsa, "qpv": qpv, "ass": ass, "aah": aah, "rqth": rqth}
    codes = {code for code, held in flags.items() if held}
    if is_youth(birth_date, on):
        codes.add("youth")
    return frozenset(codes)


def condition_problems(condition: dict, *, required: Iterable[str]) -> dict[str, str]:
    """What is wrong with a checklist {item: "ok"|"worn"|"damaged"}, in French."""
    problems = {}
    for item in required:
        if item not in condition:
            problems[f"condition.{item}"] = "Indiquez l'état de cet élément."
    for item, value in condition.items():
        if item not in ConditionItem.values:
            problems[f"condition.{item}"] = "Élément inconnu de la liste de contrôle."
        elif value not in Condition.values:
            problems[f"condition.{item}"] = "L'état vaut ok, worn ou damaged."
    return problems


def has_damage(condition: dict) -> bool:
    return any(value == "damaged" for value in condition.values())


# Photos of the vehicle kept for one step (the handover, one check-in, the return): the
# four sides, the inside and each damage, with room to spare.
PHOTOS_PER_STEP = 12


@dataclass(frozen=True)
class PhotoStep:
    """Where a rental stands, for the photos of one of its steps."""

    rental_open: bool
    checkins: int  # how many check-ins the rental has
    # The check-in named for a check-in photo: None when none is named, else whether it
    # belongs to the rental and whether it is its latest.
    checkin_of_rental: bool | None = None
    checkin_is_latest: bool = False
    already: int = 0  # photos the step already has


def photo_problems(*, moment: str, item: str, step: PhotoStep, adding: int) -> dict[str, str]:
    """Why photos of `moment` cannot be added now (empty: they can), by field.

    A photo goes with the step it shows while that step is the rental's latest, so that no
    one adds a "handover" picture after a dispute has started: the handover's before the
    first check-in, a check-in's before the next one or the return, the return's once the
    return is recorded."""
    problems: dict[str, str] = {}
    if moment not in PhotoMoment.values:
        problems["moment"] = "Moment de la photo : handover, checkin ou return."
    if item and item not in ConditionItem.values:
        problems["item"] = "Élément illustré : " + ", ".join(ConditionItem.values) + " ou vide."
    if moment != PhotoMoment.CHECKIN and step.checkin_of_rental is not None:
        problems["checkin_id"] = "Seule une photo de point étape précise son point étape."
    if problems:
        return problems
    if moment == PhotoMoment.HANDOVER and not (step.rental_open and step.checkins == 0):
        problems["moment"] = (
            "Les photos de la remise s'ajoutent avant le premier point étape de la location."
        )
    elif moment == PhotoMoment.CHECKIN:
        if step.checkin_of_rental is None:
            problems["checkin_id"] = "Indiquez le point étape que montrent les photos."
        elif not step.checkin_of_rental:
            problems["checkin_id"] = "Ce point étape n'est pas celui de cette location."
        elif not (step.rental_open and step.checkin_is_latest):
            problems["checkin_id"] = (
                "Les photos d'un point étape s'ajoutent tant qu'il est le dernier de la "
                "location en cours."
            )
    elif moment == PhotoMoment.RETURN and step.rental_open:
        problems["moment"] = "Les photos du retour s'ajoutent une fois le retour enregistré."
    if not problems and step.already + adding > PHOTOS_PER_STEP:
        problems["file"] = (
            f"Au plus {PHOTOS_PER_STEP} photos par étape : celle-ci en a déjà {step.already}."
        )
    return problems
