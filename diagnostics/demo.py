"""The diagnostics of the demo: an entry interview soon after each pathway opens, and an
exit interview when it closes, with answers that tell a plausible story (people who live
in a QPV or receive the RSA start lower; most progress by the exit).

Called from `manage.py seed_demo` while it plays each referral's life, through the
services, so scores, history and the referent's PDF are real.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from diagnostics import services
from diagnostics.enums import DiagnosticKind
from mobility.models import Pathway, Referral, User

ENTRY_DELAY_DAYS = 6
HIGHEST_LEVEL = 3


def _level(referral: Referral) -> int:
    """Starting level from 0 (major barriers) to 3 (ready), from what the fiche says."""
    level = 2
    level -= referral.qpv + referral.rsa
    level += referral.licence_held
    return max(0, min(HIGHEST_LEVEL, level))


def _answers(questions, level: int, rng: random.Random) -> dict[str, str]:
    """One choice per question, around `level` on the question's own scale."""
    answers = {}
    for question in questions:
        choices = sorted(question.choices, key=lambda choice: choice.weight)
        position = round(level / HIGHEST_LEVEL * (len(choices) - 1)) + rng.choice((-1, 0, 0, 1))
        answers[question.code] = choices[max(0, min(len(choices) - 1, position))].code
    return answers


def _rng(referral: Referral) -> random.Random:
    # Seeded by the person, not the row id: the same story on every fresh database.
    return random.Random(f"{referral.first_name}|{referral.last_name}|{referral.birth_date}")


def record_entry(*, referral: Referral, by: User, today: date) -> None:
    pathway: Pathway = referral.pathway
    if pathway.diagnostics.exists():  # a returning person's pathway already has one
        return
    taken_on = min(pathway.opened_on + timedelta(days=ENTRY_DELAY_DAYS), today)
    questions = services.current_questionnaire().parsed.questions
    services.diagnostic_record(
        pathway=pathway,
        kind=DiagnosticKind.ENTRY,
        taken_on=taken_on,
        answers=_answers(questions, _level(referral), _rng(referral)),
        by=by,
    )


def record_exit(*, referral: Referral, by: User, closed_on: date) -> None:
    """Before the pathway closes: most people gain a level, some two, a few none."""
    rng = _rng(referral)
    gain = rng.choice((0, 1, 1, 1, 2))
    questions = services.current_questionnaire().parsed.questions
    level = min(HIGHEST_LEVEL, _level(referral) + gain)
    services.diagnostic_record(
        pathway=referral.pathway,
        kind=DiagnosticKind.EXIT,
        taken_on=closed_on,
        answers=_answers(questions, level, rng),
        by=by,
    )
