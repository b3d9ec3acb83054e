"""The rules of the accompaniment actions, as pure functions (no ORM, no clock: `today`
is passed in). The pages and the API reach them through accompaniment.services."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from accompaniment.enums import (
    INDIVIDUAL_KINDS,
    ActionKind,
    AidDecision,
    OrientationOutcome,
    WorkshopAttendance,
)

CODE_PATTERN = re.compile(r"^[a-z0-9_]{1,50}$")
MAX_MINUTES = 600
MAX_CAPACITY = 200
MAX_TRIPS = 1000
MAX_KM = Decimal("99999.9")
MAX_AMOUNT = Decimal("9999999.99")
# Sessions are planned at most a year ahead and typed in at most a year late.
SCHEDULE_WINDOW = timedelta(days=366)


def type_problems(*, code: str, kind: str, label: str, answers: Iterable) -> dict[str, str]:
    """What is wrong with a catalogue entry (field → French message)."""
    errors = {}
    if not CODE_PATTERN.match(code or ""):
        errors["code"] = (
            "Le code s'écrit en minuscules sans accents, chiffres et « _ » (50 caractères au plus)."
        )
    if kind not in ActionKind.values:
        errors["kind"] = "Nature inconnue : " + ", ".join(ActionKind.values) + "."
    if not (label or "").strip():
        errors["label"] = "Le libellé est obligatoire."
    answers = list(answers)
    if not all(isinstance(a, str) and CODE_PATTERN.match(a) for a in answers):
        errors["answers"] = (
            "Les recommandations sont des codes du diagnostic (par exemple coaching)."
        )
    elif len(set(answers)) != len(answers):
        errors["answers"] = "Une même recommandation figure deux fois."
    return errors


def session_problems(
    *, start: datetime, duration_minutes: int, capacity: int, today: date
) -> dict[str, str]:
    errors = {}
    if not 0 < duration_minutes <= MAX_MINUTES:
        errors["duration_minutes"] = f"La durée est comprise entre 1 et {MAX_MINUTES} minutes."
    if not 0 < capacity <= MAX_CAPACITY:
        errors["capacity"] = f"Une séance compte de 1 à {MAX_CAPACITY} places."
    if abs(start.date() - today) > SCHEDULE_WINDOW:
        errors["start"] = "Une séance se programme au plus un an avant ou après aujourd'hui."
    return errors


def is_full(*, capacity: int, registered: int) -> bool:
    return registered >= capacity


def places_left(*, capacity: int, registered: int) -> int:
    """The places a session still has (never below zero, even if its capacity was lowered
    under the number already registered)."""
    return max(0, capacity - registered)


CANCELLED_MESSAGE = "Cette séance est annulée : plus d'inscription ni d'émargement."


def cancellation_problems(
    *, already_cancelled: bool, attendance_recorded: bool, reason: str
) -> dict[str, str]:
    """Why a session cannot be cancelled (field → French message; empty: it can).

    A session whose sheet is begun happened: it is not cancelled afterwards."""
    if already_cancelled:
        return {"session": "Cette séance est déjà annulée."}
    if attendance_recorded:
        return {
            "session": "L'émargement de cette séance est commencé : elle ne peut plus être annulée."
        }
    if not (reason or "").strip():
        return {"reason": "Indiquez le motif de l'annulation."}
    return {}


def full_message(capacity: int) -> str:
    return (
        f"Cette séance est complète ({capacity} places) : inscrivez la personne à une "
        "autre séance ou augmentez le nombre de places."
    )


def attendance_row_problems(*, status: str, reason: str) -> dict[str, str]:
    errors = {}
    if status not in WorkshopAttendance.values:
        errors["status"] = "Émargement inconnu : present, late, excused ou unexcused."
    elif status == WorkshopAttendance.EXCUSED and not (reason or "").strip():
        errors["reason"] = "Une absence justifiée demande son motif."
    return errors


@dataclass(frozen=True)
class ActionInput:
    """What an individual action is given, whatever its kind."""

    kind: str
    date: date
    duration_minutes: int | None = None
    trips: int | None = None
    km: Decimal | None = None
    has_partner: bool = False
    outcome: str = ""
    amount: Decimal | None = None
    has_funder: bool = False
    decision: str = ""
    notes: str = ""


# The fields each kind takes; any other given field is refused rather than dropped.
FIELDS_BY_KIND: Mapping[str, frozenset[str]] = {
    ActionKind.COACHING: frozenset({"duration_minutes"}),
    ActionKind.TRANSPORT: frozenset({"trips", "km"}),
    ActionKind.CARPOOL: frozenset({"km"}),
    ActionKind.ORIENTATION: frozenset({"partner_id", "outcome"}),
    ActionKind.FINANCIAL_AID: frozenset({"amount", "funder_id", "decision"}),
}


def action_problems(data: ActionInput, *, today: date, opened_on: date) -> dict[str, str]:
    """What is wrong with an individual action (field → French message)."""
    errors: dict[str, str] = {}
    if data.kind not in INDIVIDUAL_KINDS:
        return {
            "type_id": "Un atelier collectif s'enregistre par ses séances : inscrivez la "
            "personne à une séance."
        }
    if data.date > today:
        errors["date"] = "Une action se note une fois faite : la date ne peut pas être future."
    elif data.date < opened_on:
        errors["date"] = "L'action ne peut pas précéder l'ouverture du parcours."
    given = {
        "duration_minutes": data.duration_minutes is not None,
        "trips": data.trips is not None,
        "km": data.km is not None,
        "partner_id": data.has_partner,
        "outcome": bool(data.outcome),
        "amount": data.amount is not None,
        "funder_id": data.has_funder,
        "decision": bool(data.decision),
    }
    allowed = FIELDS_BY_KIND[data.kind]
    for name, present in given.items():
        if present and name not in allowed:
            errors[name] = "Ce champ ne concerne pas ce type d'action."
    if data.kind == ActionKind.COACHING:
        if data.duration_minutes is None:
            errors["duration_minutes"] = "Indiquez la durée de l'entretien."
        elif not 0 < data.duration_minutes <= MAX_MINUTES:
            errors["duration_minutes"] = f"La durée est comprise entre 1 et {MAX_MINUTES} minutes."
    if data.kind == ActionKind.TRANSPORT:
        if data.trips is None:
            errors["trips"] = "Indiquez le nombre de trajets."
        elif not 0 < data.trips <= MAX_TRIPS:
            errors["trips"] = f"Le nombre de trajets est compris entre 1 et {MAX_TRIPS}."
    if data.km is not None and not 0 <= data.km <= MAX_KM and "km" not in errors:
        errors["km"] = "Les kilomètres sont un nombre positif."
    if data.kind == ActionKind.ORIENTATION:
        if not data.has_partner:
            errors["partner_id"] = "Choisissez le partenaire vers qui la personne est orientée."
        if data.outcome and data.outcome not in OrientationOutcome.values:
            errors["outcome"] = "Suite inconnue : pending, done, refused ou abandoned."
    if data.kind == ActionKind.FINANCIAL_AID:
        if data.amount is None:
            errors["amount"] = "Indiquez le montant de l'aide."
        elif not 0 < data.amount <= MAX_AMOUNT:
            errors["amount"] = "Le montant est un nombre positif."
        if not data.decision:
            errors["decision"] = "Indiquez la décision : accordée ou refusée."
        elif data.decision not in AidDecision.values:
            errors["decision"] = "Décision inconnue : granted ou refused."
    return errors


def outcome_change_problem(*, kind: str, current: str, target: str) -> str | None:
    """Why an orientation's outcome cannot move from `current` to `target` (None: it can).

    Pending moves to any outcome; a known outcome is final (a new orientation is recorded
    for a second try)."""
    if kind != ActionKind.ORIENTATION:
        return "Seule une orientation a une suite à noter."
    if target not in OrientationOutcome.values:
        return "Suite inconnue : pending, done, refused ou abandoned."
    if target == current:
        return None
    if current != OrientationOutcome.PENDING:
        return "La suite de cette orientation est déjà connue : notez une nouvelle orientation."
    return None


def decision_change_problem(*, kind: str, paid_on: date | None, target: str) -> str | None:
    if kind != ActionKind.FINANCIAL_AID:
        return "Seule une aide financière a une décision."
    if target not in AidDecision.values:
        return "Décision inconnue : granted ou refused."
    if paid_on is not None and target != AidDecision.GRANTED:
        return "Cette aide est déjà versée : sa décision ne peut plus changer."
    return None


def paid_on_problem(
    *, kind: str, decision: str, paid_on: date, action_date: date, today: date
) -> str | None:
    if kind != ActionKind.FINANCIAL_AID:
        return "Seule une aide financière est versée."
    if decision != AidDecision.GRANTED:
        return "Seule une aide accordée peut être notée versée."
    if paid_on > today:
        return "La date du versement ne peut pas être future."
    if paid_on < action_date:
        return "L'aide ne peut pas être versée avant d'avoir été demandée."
    return None


# ---- the diagnostic leads somewhere


@dataclass(frozen=True)
class Suggestion:
    """A recommendation of the diagnostic, the catalogue's types answering it, and whether
    something already answered it on the pathway."""

    code: str
    label: str
    type_ids: tuple[int, ...]
    answered: bool


def suggestions(
    *,
    recommendations: Iterable[tuple[str, str]],
    types: Iterable[tuple[int, Iterable[str]]],
    done_type_ids: Iterable[int],
) -> list[Suggestion]:
    """For each (code, label) recommended, the types (id, answers) that answer it, and
    whether one of the types done on the pathway (`done_type_ids`) answers it."""
    types = [(type_id, frozenset(answers)) for type_id, answers in types]
    done = set(done_type_ids)
    result = []
    for code, label in recommendations:
        answering = tuple(type_id for type_id, answers in types if code in answers)
        result.append(
            Suggestion(
                code=code,
                label=label,
                type_ids=answering,
                answered=any(type_id in done for type_id in answering),
            )
        )
    return result


def to_engage(items: Iterable[Suggestion]) -> list[Suggestion]:
    """The recommendations the catalogue answers and nothing answered yet ("à engager")."""
    return [s for s in items if s.type_ids and not s.answered]
