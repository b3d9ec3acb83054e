"""Properties of the pure scoring, over the shipped questionnaire and random ones."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diagnostics import scoring
from tests.diagnostics.conftest import default_definition

DEFAULT = default_definition()


@st.composite
def definitions(draw) -> scoring.Definition:
    """Random valid questionnaires: 1-4 dimensions of 1-4 questions with random weights."""
    dimension_count = draw(st.integers(1, 4))
    dimensions, questions = [], []
    for d in range(dimension_count):
        dimensions.append(
            {"code": f"d{d}", "label": f"Dimension {d}", "weight": draw(st.integers(1, 5))}
        )
        for q in range(draw(st.integers(1, 4))):
            weights = draw(
                st.lists(st.integers(0, 9), min_size=2, max_size=5).filter(
                    lambda ws: len(set(ws)) > 1
                )
            )
            questions.append(
                {
                    "code": f"d{d}q{q}",
                    "dimension": f"d{d}",
                    "text": f"Question {q}",
                    "required": q == 0 or draw(st.booleans()),
                    "choices": [
                        {"code": f"c{i}", "label": f"Réponse {i}", "weight": w}
                        for i, w in enumerate(weights)
                    ],
                }
            )
    data = {
        "dimensions": dimensions,
        "questions": questions,
        "orientation": {
            "default_group": 1,
            "groups": [{"group": g, "label": f"Groupe {g}", "advice": "…"} for g in (1, 2, 3)],
            "rules": [{"group": 3, "when": [{"score": "overall", "below": 30}], "reason": "…"}],
        },
        "services": {"transport_info": "Information transports"},
        "recommendations": [
            {"service": "transport_info", "when": [{"score": "d0", "below": 50}], "reason": "…"}
        ],
    }
    return scoring.parse_definition(1, data)


@st.composite
def answered(draw, definition_strategy=None):
    """(definition, complete answers): every required question, some optional ones."""
    definition = DEFAULT if definition_strategy is None else draw(definition_strategy)
    answers = {}
    for question in definition.questions:
        if question.required or draw(st.booleans()):
            answers[question.code] = draw(st.sampled_from([c.code for c in question.choices]))
    return definition, answers


any_answered = st.one_of(answered(), answered(definitions()))


@settings(max_examples=200)
@given(any_answered)
def test_scores_stay_between_0_and_100(case):
    definition, answers = case
    result = scoring.score(definition, answers)
    assert 0 <= result.mobility_potential <= 100
    assert set(result.dimensions) == {d.code for d in definition.dimensions}
    assert all(0 <= value <= 100 for value in result.dimensions.values())
    assert result.orientation_group in (1, 2, 3)


@settings(max_examples=300)
@given(any_answered, st.data())
def test_a_better_answer_never_lowers_a_score(case, data):
    definition, answers = case
    code = data.draw(st.sampled_from(sorted(answers)))
    question = definition.question(code)
    current = question.choice(answers[code])
    better = data.draw(
        st.sampled_from([c.code for c in question.choices if c.weight >= current.weight])
    )
    before = scoring.score(definition, answers)
    after = scoring.score(definition, {**answers, code: better})
    assert after.mobility_potential >= before.mobility_potential
    for dimension, value in before.dimensions.items():
        assert after.dimensions[dimension] >= value


@given(any_answered, st.randoms())
def test_the_same_answers_always_give_the_same_result(case, rng):
    definition, answers = case
    shuffled = list(answers.items())
    rng.shuffle(shuffled)
    assert scoring.score(definition, answers) == scoring.score(definition, dict(shuffled))


@given(any_answered, st.data())
def test_a_missing_required_answer_is_an_error_not_a_zero(case, data):
    definition, answers = case
    required = [q.code for q in definition.questions if q.required]
    missing = data.draw(st.sampled_from(required))
    answers = {code: choice for code, choice in answers.items() if code != missing}
    with pytest.raises(scoring.AnswersError) as error:
        scoring.score(definition, answers)
    assert set(error.value.problems) == {missing}
    assert "obligatoire" in error.value.problems[missing]


@given(any_answered, st.text(min_size=1, max_size=12))
def test_an_unknown_question_or_choice_is_an_error(case, code):
    definition, answers = case
    if definition.question(code) is None:
        with pytest.raises(scoring.AnswersError) as error:
            scoring.score(definition, {**answers, code: "yes"})
        assert code in error.value.problems
    question = random.Random(code).choice(definition.questions)
    if question.choice(code) is None:
        with pytest.raises(scoring.AnswersError) as error:
            scoring.score(definition, {**answers, question.code: code})
        assert "inconnue" in error.value.problems[question.code]


def test_the_best_and_worst_answers_reach_the_bounds():
    best = {q.code: max(q.choices, key=lambda c: c.weight).code for q in DEFAULT.questions}
    worst = {q.code: min(q.choices, key=lambda c: c.weight).code for q in DEFAULT.questions}
    assert scoring.score(DEFAULT, best).mobility_potential == 100
    assert scoring.score(DEFAULT, worst).mobility_potential == 0
