"""A diagnostic's answers are bounded: each must be a question of the questionnaire, and a
body with more answers than any questionnaire may hold is refused before anything else."""

import json

from django.utils import timezone

from diagnostics import scoring
from diagnostics.models import Diagnostic
from tests.api.conftest import ApiClient
from tests.diagnostics.conftest import DEFAULT_FILE, best_answers


def _post(adviser, pathway, answers):
    return ApiClient(adviser).post(
        "/api/v1/diagnostics",
        {
            "pathway_id": pathway.pk,
            "kind": "entry",
            "date": timezone.localdate().isoformat(),
            "answers": answers,
        },
    )


def test_ten_thousand_answers_are_a_french_422_without_listing_each(adviser, pathway, definition):
    answers = {**best_answers(definition), **{f"q{n}": "yes" for n in range(10_000)}}
    response = _post(adviser, pathway, answers)
    assert response.status_code == 422
    body = response.json()
    assert body["errors"] == {"answers": f"trop d'éléments ({scoring.MAX_QUESTIONS} au plus)"}
    assert not Diagnostic.objects.exists()


def test_a_questionnaire_cannot_have_more_questions_than_the_api_takes_answers():
    document = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    definition = document["definition"]
    template = definition["questions"][0]
    definition["questions"] = [
        {**template, "code": f"q{n}"} for n in range(scoring.MAX_QUESTIONS + 1)
    ]
    try:
        scoring.parse_definition(document["version"], definition)
    except scoring.DefinitionError as error:
        assert f"au plus {scoring.MAX_QUESTIONS} questions" in str(error)
    else:
        raise AssertionError("a questionnaire too long for the API was accepted")
