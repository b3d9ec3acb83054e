"""Who may rent which vehicle: a pure function over plain facts, naming each missing
condition. The conditions per vehicle kind are data (EligibilityRule rows, with the
defaults of fleet.defaults); an adviser may override a missing condition with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fleet.tariffs import add_months
from mobility.rules import age_on


@dataclass(frozen=True)
class Rule:
    minimum_age: int | None = None
    licence_required: bool = False
    licence_minimum_months: int = 0
    contract_required: bool = False
    accepted_contracts: tuple[str, ...] = ()
    contract_minimum_days: int = 0
    # Contracts without an end (CDI): their length is never too short.
    open_ended_contracts: tuple[str, ...] = ("cdi",)


@dataclass(frozen=True)
class Facts:
    birth_date: date
    licence_held: bool
    licence_since: date | None
    contract: str  # a mobility.enums.Contract code, or ""
    contract_start: date | None
    contract_end: date | None


@dataclass(frozen=True)
class Missing:
    code: str
    message: str


def missing_conditions(*, rule: Rule, facts: Facts, on: date) -> list[Missing]:
    """Every condition of `rule` that `facts` do not meet on the day `on` (empty: eligible)."""
    missing = []
    if rule.minimum_age is not None and age_on(facts.birth_date, on) < rule.minimum_age:
        missing.append(
            Missing("minimum_age", f"La personne doit avoir au moins {rule.minimum_age} ans.")
        )
    if rule.licence_required:
        if not facts.licence_held:
            missing.append(Missing("licence_missing", "La personne n'a pas le permis B."))
        elif rule.licence_minimum_months:
            held_long_enough = facts.licence_since is not None and facts.licence_since <= (
                add_months(on, -rule.licence_minimum_months)
            )
            if facts.licence_since is None:
                missing.append(
                    Missing(
                        "licence_date_unknown",
                        "La date d'obtention du permis n'est pas connue.",
                    )
                )
            elif not held_long_enough:
                missing.append(
                    Missing(
                        "licence_too_recent",
                        f"Le permis doit être détenu depuis au moins "
                        f"{_months(rule.licence_minimum_months)}.",
                    )
                )
    if rule.contract_required:
        missing.extend(_contract_problems(rule, facts))
    return missing


def _contract_problems(rule: Rule, facts: Facts) -> list[Missing]:
    if facts.contract not in rule.accepted_contracts:
        return [
            Missing(
                "contract_missing",
                "Un contrat de travail (CDI, CDD, intérim ou contrat aidé) est nécessaire.",
            )
        ]
    if facts.contract in rule.open_ended_contracts or not rule.contract_minimum_days:
        return []
    if facts.contract_start is None or facts.contract_end is None:
        return [
            Missing(
                "contract_dates_unknown",
                "Les dates de début et de fin du contrat sont nécessaires pour vérifier sa durée.",
            )
        ]
    if (facts.contract_end - facts.contract_start).days <= rule.contract_minimum_days:
        return [
            Missing(
                "contract_too_short",
                f"Le contrat doit durer plus de {rule.contract_minimum_days} jours.",
            )
        ]
    return []


def _months(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        return f"{years} an{'s' if years > 1 else ''}"
    return f"{months} mois"
