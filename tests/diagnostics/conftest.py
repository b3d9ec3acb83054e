import json
from pathlib import Path

import pytest

from diagnostics import scoring, services
from diagnostics.models import Questionnaire
from mobility import services as core_services
from tests.factories import ReferralFactory

QUESTIONNAIRES = Path(__file__).resolve().parents[2] / "diagnostics" / "questionnaires"
# Version 1, whose worked examples test_scoring_examples.py keeps (a published version
# never changes); the one in service is version 2 (test_orientation_profiles.py).
DEFAULT_FILE = QUESTIONNAIRES / "default_v1.json"
CURRENT_FILE = QUESTIONNAIRES / "default_v2.json"


def default_definition() -> scoring.Definition:
    """The shipped questionnaire, read from its file (no database)."""
    document = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    return scoring.parse_definition(document["version"], document["definition"])


def best_answers(definition: scoring.Definition, *, required_only: bool = False) -> dict:
    return {
        q.code: max(q.choices, key=lambda c: c.weight).code
        for q in definition.questions
        if q.required or not required_only
    }


def worst_answers(definition: scoring.Definition, *, required_only: bool = False) -> dict:
    return {
        q.code: min(q.choices, key=lambda c: c.weight).code
        for q in definition.questions
        if q.required or not required_only
    }


@pytest.fixture
def questionnaire(db):
    return Questionnaire.objects.current()


@pytest.fixture
def definition(questionnaire):
    return questionnaire.parsed


@pytest.fixture
def referral(prescriber_org):
    return ReferralFactory(prescriber=prescriber_org)


@pytest.fixture
def pathway(referral, adviser):
    return core_services.referral_accept(referral=referral, by=adviser).pathway


@pytest.fixture
def entry(pathway, adviser, definition):
    return services.diagnostic_record(
        pathway=pathway,
        kind="entry",
        taken_on=pathway.opened_on,
        answers=worst_answers(definition, required_only=True),
        by=adviser,
    )
