"""Pure rules of the core domain: no ORM, no clock (pass `today`), plain values only."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from mobility.enums import JobKind, NotificationState, ReferralStatus
from mobility.working_days import add_working_days

YOUTH_AGE_LIMIT = 26
MINIMUM_AGE = 14
MAXIMUM_AGE = 100
LICENCE_MINIMUM_AGE = 15  # apprenticeship driving (AAC) starts at 15
# A paper fiche is typed in late, but not years late: older dates are typing mistakes
# (and would move the referral into another report period).
MAX_RECEIVED_AGE_DAYS = 366

REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ReferralStatus.SUBMITTED: frozenset(
        {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.EXPIRED}
    ),
    ReferralStatus.ACCEPTED: frozenset({ReferralStatus.CLOSED}),
    ReferralStatus.DECLINED: frozenset(),
    ReferralStatus.CLOSED: frozenset(),
    # Sent again by the referent (or the platform): waiting for an answer anew.
    ReferralStatus.EXPIRED: frozenset({ReferralStatus.SUBMITTED}),
}


def can_transition(current: str, target: str) -> bool:
    return target in REFERRAL_TRANSITIONS.get(current, frozenset())


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on `day` (a person born on 29 February ages on 1 March)."""
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)


def is_youth(birth_date: date, today: date) -> bool:
    """Young people under 26 have dedicated support (Mission locale, CEJ)."""
    return age_on(birth_date, today) < YOUTH_AGE_LIMIT


def identity_key(first_name: str, last_name: str) -> str:
    """Name key for duplicate detection: case, accents, hyphens and spaces do not count.

    "Hélène Dupont-Martin" and "helene dupont martin" are the same person's name.
    """

    def normalise(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text)
        letters = "".join(c for c in decomposed if not unicodedata.combining(c))
        # Keep letters of every script (some names are typed in Arabic or Cyrillic).
        return re.sub(r"[\W_]+", " ", letters.casefold()).strip()

    return f"{normalise(last_name)}|{normalise(first_name)}"


@dataclass(frozen=True)
class PersonFacts:
    # None while a form's birth date is missing or unreadable: the other checks still run,
    # so one submit reports every problem at once.
    birth_date: date | None
    licence_held: bool
    licence_since: date | None
    postal_code: str = ""


@dataclass(frozen=True)
class JobFacts:
    kind: str
    contract: str
    start_date: date | None
    end_date: date | None = None


# Contracts that end by themselves: the fiche may give their end date (a car's
# eligibility checks the contract's length). A CDI has no end; a business creation
# neither.
CONTRACTS_WITH_AN_END = frozenset({"cdd", "interim", "contrat_aide", "formation"})
# Monthly resources above this are a typing mistake (an annual amount, a misplaced comma).
MAX_MONTHLY_RESOURCES = 100_000


def referral_problems(
    *,
    person: PersonFacts,
    job: JobFacts,
    received_on: date,
    today: date,
    max_received_age_days: int | None = MAX_RECEIVED_AGE_DAYS,
) -> dict[str, str]:
    """What is wrong with a fiche de liaison, field by field, in French (empty if valid).

    `max_received_age_days=None`: a fiche of past years (the import of a platform's files)."""
    problems: dict[str, str] = {}
    birth_date = person.birth_date
    if birth_date is None:
        pass  # the form reports the missing date itself
    elif birth_date > today:
        problems["birth_date"] = "La date de naissance ne peut pas être dans le futur."
    else:
        age = age_on(birth_date, today)
        if age < MINIMUM_AGE:
            problems["birth_date"] = f"La personne doit avoir au moins {MINIMUM_AGE} ans."
        elif age > MAXIMUM_AGE:
            problems["birth_date"] = "Vérifiez la date de naissance : l'âge dépasse 100 ans."
    # A date compared with the birth date only when that one is plausible: a birth date
    # typed in the future is one mistake, said once, on its own field.
    plausible_birth = birth_date if "birth_date" not in problems else None
    if person.licence_since is not None:
        if not person.licence_held:
            problems["licence_since"] = (
                "Une date d'obtention du permis est indiquée alors que le permis n'est pas coché."
            )
        elif person.licence_since > today:
            problems["licence_since"] = "La date d'obtention du permis ne peut pas être future."
        elif (
            plausible_birth and age_on(plausible_birth, person.licence_since) < LICENCE_MINIMUM_AGE
        ):
            problems["licence_since"] = (
                "La date d'obtention du permis est antérieure à l'âge minimum de la conduite."
            )
    if person.postal_code and not re.fullmatch(r"[0-9]{5}", person.postal_code):
        problems["postal_code"] = "Le code postal compte 5 chiffres."
    if received_on > today:
        problems["received_on"] = "La date de réception ne peut pas être dans le futur."
    elif max_received_age_days is not None and received_on < today - timedelta(
        days=max_received_age_days
    ):
        problems["received_on"] = (
            "La date de réception remonte à plus d'un an : vérifiez-la (une fiche papier "
            "se saisit dans l'année)."
        )
    elif plausible_birth and received_on < plausible_birth:
        problems["received_on"] = "La date de réception précède la naissance de la personne."
    if job.kind == JobKind.SEARCH and job.contract:
        problems["contract"] = (
            "Un type de contrat n'a de sens que pour un emploi ou une formation, "
            "pas pour une recherche d'emploi."
        )
    if job.end_date is not None:
        if job.contract and job.contract not in CONTRACTS_WITH_AN_END:
            problems["job_end_date"] = (
                "Ce type de contrat n'a pas de date de fin : laissez-la vide ou "
                "choisissez CDD, intérim, contrat aidé ou formation."
            )
        elif job.start_date is not None and job.end_date < job.start_date:
            problems["job_end_date"] = "La date de fin précède la date de début du contrat."
    return problems


def monthly_resources_problem(amount: Decimal | None) -> str | None:
    """What is wrong with a person's monthly resources, in French (None if plausible)."""
    if amount is None:
        return None
    if amount < 0:
        return "Les ressources mensuelles ne peuvent pas être négatives."
    if amount > MAX_MONTHLY_RESOURCES:
        return (
            "Les ressources mensuelles dépassent 100 000 € : indiquez un montant par mois, "
            "en euros."
        )
    return None


def anonymisation_cutoff(*, today: date, retention_days: int) -> date:
    """People whose last pathway ended on or before this day are anonymised: the platform
    keeps personal data only for the retention period after the follow-up ends."""
    return today - timedelta(days=retention_days)


def notification_retry_delay(*, attempts: int, delays: Sequence[timedelta]) -> timedelta | None:
    """How long to wait after the `attempts`-th failed try before the next one, or None
    when the automatic tries are spent (the notification is then in "échec")."""
    if 1 <= attempts <= len(delays):
        return delays[attempts - 1]
    return None


def notification_is_stuck(
    *, state: str, last_activity: datetime, now: datetime, stuck_after: timedelta
) -> bool:
    """A pending notification nothing has happened to for `stuck_after`: its task was lost
    (a worker killed mid-send, a crash between the commit and the enqueue). One try lasts
    a few EMAIL_TIMEOUTs and the automatic retries are spaced less than `stuck_after`."""
    return state == NotificationState.PENDING and now - last_activity >= stuck_after


def notification_may_resend(
    *, state: str, last_activity: datetime, now: datetime, stuck_after: timedelta
) -> bool:
    """Staff may resend a notification in "échec", or one stuck in "en attente"; never one
    already sent, nor one whose try may still be running (it would leave twice)."""
    return state == NotificationState.FAILED or notification_is_stuck(
        state=state, last_activity=last_activity, now=now, stuck_after=stuck_after
    )


def account_managed_by(
    *, account_platform_ids: set[int], account_is_operator: bool, admin_platform_ids: set[int]
) -> bool:
    """Whether a platform administrator may edit an account itself (name, e-mail, password,
    active or not), not only its roles on their platforms: the account belongs to their
    platforms and to no other, and is not the operator's (superuser or staff)."""
    return (
        not account_is_operator
        and bool(account_platform_ids)
        and account_platform_ids <= admin_platform_ids
    )


# ---- a fiche left unanswered


def referral_due_on(*, waiting_since: date, late_after_working_days: int) -> date:
    """The last day the platform answers a fiche in time: `late_after_working_days`
    working days after it arrived (or was sent again). From the next day it is late."""
    return add_working_days(waiting_since, late_after_working_days)


def referral_is_late(*, waiting_since: date, today: date, late_after_working_days: int) -> bool:
    return today > referral_due_on(
        waiting_since=waiting_since, late_after_working_days=late_after_working_days
    )


def referral_late_cutoff(*, today: date, late_after_working_days: int) -> date:
    """The latest arrival day of a fiche that is late today: a fiche waiting since this
    day or before is late (lateness only grows with the wait, so the late ones are a
    prefix of the days)."""
    day = today - timedelta(days=1)
    while not referral_is_late(
        waiting_since=day, today=today, late_after_working_days=late_after_working_days
    ):
        day -= timedelta(days=1)
    return day


def referral_expiry_cutoff(*, today: date, expire_after_days: int) -> date:
    """The latest arrival day of a fiche that expires today: one still unanswered
    `expire_after_days` calendar days after it arrived expires the day after."""
    return today - timedelta(days=expire_after_days + 1)
