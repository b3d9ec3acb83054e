"""Pure rules of the import: one spreadsheet row read into typed values, or the reasons it
is refused, in French. No ORM, no clock (`today` is passed in): the database checks (an
organisation's or a vehicle's name, what exists already) are in imports/services.py."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from mobility.enums import JobKind, Outcome, Sex
from mobility.rules import JobFacts, PersonFacts, referral_problems

MAX_HOURS = Decimal("500")

SEXES = {
    "f": Sex.FEMALE,
    "femme": Sex.FEMALE,
    "h": Sex.MALE,
    "m": Sex.MALE,
    "homme": Sex.MALE,
    "x": Sex.OTHER,
    "autre": Sex.OTHER,
    "": Sex.OTHER,
}
YES = {"oui", "o", "yes", "vrai", "1", "x"}
NO = {"non", "n", "no", "faux", "0", ""}


def plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", letters.casefold()).strip()


JOB_KINDS = {plain(str(label)): value for value, label in JobKind.choices}
JOB_KINDS.update({"recherche": JobKind.SEARCH, "": JobKind.SEARCH})
OUTCOMES = {plain(str(label)): value for value, label in Outcome.choices}
OUTCOMES.update({plain(value): value for value in Outcome.values})
OUTCOMES.update({"interim": Outcome.INTERIM, "sans solution": Outcome.NONE})

LABELS = {
    "last_name": "nom",
    "first_name": "prénom",
    "birth_date": "date de naissance",
    "commune": "commune",
}


@dataclass
class Row:
    """A row read: the typed values, and what is wrong with it (empty: importable)."""

    number: int
    values: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.problems)


def read_date(text) -> date | None:
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    text = str(text or "").strip()
    if not text:
        return None
    text = text.split(" ")[0].split("T")[0]  # a date-time cell: its day
    french = re.fullmatch(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})", text)
    iso = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", text)
    try:
        if french:
            return date(int(french[3]), int(french[2]), int(french[1]))
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
    except ValueError as error:
        raise ValueError(text) from error
    raise ValueError(text)


def read_decimal(text) -> Decimal | None:
    text = str(text if text is not None else "").strip().replace("\u202f", "").replace(" ", "")
    if not text:
        return None
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation as error:
        raise ValueError(text) from error
    if not value.is_finite():
        raise ValueError(text)
    return value


def _text(raw: dict, key: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a postcode or a phone typed as a number in a spreadsheet
    return str(value).strip()


def read_row(number: int, raw: dict, *, today: date) -> Row:
    """Read one row (`raw`: column key -> cell) and say everything wrong with it at once."""
    row = Row(number=number)
    problems = row.problems
    values = row.values

    def date_of(key: str, label: str) -> date | None:
        try:
            return read_date(raw.get(key))
        except ValueError:
            problems.append(f"« {label} » n'est pas une date (JJ/MM/AAAA) : {raw.get(key)}.")
            return None

    def number_of(key: str, label: str) -> Decimal | None:
        try:
            return read_decimal(raw.get(key))
        except ValueError:
            problems.append(f"« {label} » n'est pas un nombre : {raw.get(key)}.")
            return None

    def yes_no(key: str, label: str) -> bool | None:
        text = plain(_text(raw, key))
        if text in YES:
            return True
        if text in NO:
            return None if not text else False
        problems.append(f"« {label} » vaut oui ou non : {_text(raw, key)}.")
        return None

    for key in ("last_name", "first_name", "commune"):
        values[key] = _text(raw, key)
        if not values[key]:
            problems.append(f"« {LABELS[key]} » est obligatoire.")
    for key, limit in (("last_name", 100), ("first_name", 100), ("commune", 100)):
        if len(values[key]) > limit:
            problems.append(f"« {LABELS[key]} » dépasse {limit} caractères.")
    values["birth_date"] = date_of("birth_date", "date de naissance")
    if values["birth_date"] is None and not _text(raw, "birth_date"):
        problems.append("« date de naissance » est obligatoire.")
    sex = plain(_text(raw, "sex"))
    values["sex"] = SEXES.get(sex)
    if values["sex"] is None:
        problems.append(f"« sexe » vaut F, H ou X : {_text(raw, 'sex')}.")
    values["postal_code"] = _text(raw, "postal_code")
    if values["postal_code"].isdigit() and len(values["postal_code"]) == 4:
        values["postal_code"] = "0" + values["postal_code"]  # 08200 read as a number
    values["phone"] = _text(raw, "phone")[:30]
    values["email"] = _text(raw, "email")
    if values["email"] and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", values["email"]):
        problems.append(f"« courriel » n'est pas une adresse : {values['email']}.")
    values["licence_held"] = bool(yes_no("licence_held", "permis B"))

    # The fiche de liaison (optional): who sent the person, when.
    values["received_on"] = date_of("received_on", "fiche reçue le")
    values["prescriber"] = _text(raw, "prescriber")
    values["referent_name"] = _text(raw, "referent_name")[:200]
    values["referent_email"] = _text(raw, "referent_email")
    job = plain(_text(raw, "job_kind"))
    values["job_kind"] = JOB_KINDS.get(job)
    if values["job_kind"] is None:
        problems.append(
            f"« situation visée » vaut emploi, formation ou recherche d'emploi : "
            f"{_text(raw, 'job_kind')}."
        )
    has_referral = values["received_on"] is not None
    if has_referral:
        for key, label in (
            ("prescriber", "structure prescriptrice"),
            ("referent_name", "référent·e"),
            ("referent_email", "courriel du ou de la référent·e"),
        ):
            if not values[key]:
                problems.append(f"« {label} » est obligatoire avec une fiche reçue.")
    elif values["prescriber"] or values["referent_name"] or values["referent_email"]:
        problems.append("Une structure ou un·e référent·e est indiqué·e sans « fiche reçue le ».")
    if values["referent_email"] and not re.fullmatch(
        r"[^@\s]+@[^@\s]+\.[^@\s]+", values["referent_email"]
    ):
        problems.append(
            f"« courriel du ou de la référent·e » n'est pas une adresse : "
            f"{values['referent_email']}."
        )
    person_problems = referral_problems(
        person=PersonFacts(
            birth_date=values["birth_date"],
            licence_held=values["licence_held"],
            licence_since=None,
            postal_code=values["postal_code"],
        ),
        job=JobFacts(kind=values["job_kind"] or JobKind.SEARCH, contract="", start_date=None),
        received_on=values["received_on"] or today,
        today=today,
        max_received_age_days=None,  # years of past files
    )
    problems.extend(person_problems.values())

    # The pathway: opened, maybe closed with its outcome.
    values["opened_on"] = date_of("opened_on", "parcours ouvert le")
    values["closed_on"] = date_of("closed_on", "parcours clôturé le")
    opened, closed = values["opened_on"], values["closed_on"]
    if opened is None and not _text(raw, "opened_on"):
        problems.append("« parcours ouvert le » est obligatoire.")
    if opened and opened > today:
        problems.append("Le parcours ne peut pas s'ouvrir dans le futur.")
    if opened and values["received_on"] and opened < values["received_on"]:
        problems.append("Le parcours ne peut pas s'ouvrir avant la réception de la fiche.")
    if closed and opened and closed < opened:
        problems.append("La clôture du parcours précède son ouverture.")
    if closed and closed > today:
        problems.append("La clôture du parcours ne peut pas être dans le futur.")
    outcome_text = plain(_text(raw, "outcome"))
    values["outcome"] = OUTCOMES.get(outcome_text, "") if outcome_text else ""
    durable = yes_no("durable_solution", "solution durable")
    values["durable_solution"] = durable
    if closed:
        if outcome_text and not values["outcome"]:
            problems.append(f"« situation à la sortie » inconnue : {_text(raw, 'outcome')}.")
        elif not outcome_text:
            problems.append("« situation à la sortie » est obligatoire pour un parcours clôturé.")
        if durable is None:
            problems.append(
                "« solution durable » (oui ou non) est obligatoire pour un parcours clôturé."
            )
    elif outcome_text or durable is not None:
        problems.append("Une situation de sortie est indiquée sans « parcours clôturé le ».")

    # A past rental: the vehicle, the dates; current rentals start in the application.
    values["vehicle"] = _text(raw, "vehicle")
    values["rental_start"] = date_of("rental_start", "location du")
    values["rental_end"] = date_of("rental_end", "location rendue le")
    values["deposit"] = number_of("deposit", "caution (€)")
    values["home_work_km"] = number_of("home_work_km", "km domicile-travail (aller)")
    start, end = values["rental_start"], values["rental_end"]
    if values["vehicle"] or start or end:
        if not (values["vehicle"] and start and end):
            problems.append(
                "Une location demande le véhicule, « location du » et « location rendue le » "
                "(une location en cours se remet dans l'application)."
            )
        if start and opened and start < opened:
            problems.append("La location ne peut pas commencer avant l'ouverture du parcours.")
        if start and end and end < start:
            problems.append("La location est rendue avant d'avoir commencé.")
        if end and end > today:
            problems.append("La date de retour de la location ne peut pas être dans le futur.")
        if end and closed and end > closed:
            problems.append("La location est rendue après la clôture du parcours.")
    for key, label in (("deposit", "caution"), ("home_work_km", "km domicile-travail")):
        if values[key] is not None and values[key] < 0:
            problems.append(f"« {label} » ne peut pas être négatif.")

    # A driving-school enrolment.
    values["school_start"] = date_of("school_start", "auto-école du")
    values["theory_hours"] = number_of("theory_hours", "heures de code")
    values["driving_hours"] = number_of("driving_hours", "heures de conduite")
    school = values["school_start"]
    hours = (values["theory_hours"], values["driving_hours"])
    if school or any(h is not None for h in hours):
        if school is None:
            problems.append("Des heures d'auto-école sont indiquées sans « auto-école du ».")
        if school and opened and school < opened:
            problems.append("L'auto-école ne peut pas commencer avant l'ouverture du parcours.")
        if school and school > today:
            problems.append("L'auto-école ne peut pas commencer dans le futur.")
        for value, label in zip(hours, ("heures de code", "heures de conduite"), strict=True):
            if value is None:
                problems.append(f"« {label} » est obligatoire avec « auto-école du ».")
            elif not 0 <= value <= MAX_HOURS:
                problems.append(f"« {label} » est compris entre 0 et {MAX_HOURS}.")
        if all(h is not None for h in hours) and sum(hours) == 0:
            problems.append("Le devis de l'auto-école compte au moins une heure.")
    return row
