"""Worked examples of the scoring: formula, orientation, recommendations, explanation."""

import itertools
from decimal import Decimal

import pytest

from diagnostics import scoring
from tests.diagnostics.conftest import best_answers, default_definition
from tests.diagnostics.scoring_helpers import small_definition

DEFAULT = default_definition()


SMALL = scoring.parse_definition(7, small_definition())


def test_a_dimension_scores_the_share_of_reachable_weight_over_answered_questions():
    # travel: bus "some" (1 of 2) and bike "yes" (4 of 4): 5 / 6 = 83.3 -> 83
    result = scoring.score(SMALL, {"bus": "some", "bike": "yes", "read": "yes"})
    assert result.dimensions == {"travel": 83, "skills": 100}
    # overall weights skills three times: (83.33 + 3 * 100) / 4 = 95.8 -> 96
    assert result.mobility_potential == 96


def test_an_unanswered_optional_question_counts_neither_for_nor_against():
    result = scoring.score(SMALL, {"bus": "some", "read": "yes"})
    assert result.dimensions["travel"] == 50  # 1 of 2, bike left out
    assert scoring.score(SMALL, {"bus": "some", "bike": "", "read": "yes"}) == result


def test_a_choice_weight_above_zero_can_be_the_lowest():
    # "read: no" weighs 1 but is the lowest answer: the dimension scores 0.
    assert scoring.score(SMALL, {"bus": "often", "read": "no"}).dimensions["skills"] == 0


def test_halves_round_up():
    definition = scoring.parse_definition(
        1,
        small_definition(
            dimensions=[
                {"code": "travel", "label": "Déplacements", "weight": 1},
                {"code": "skills", "label": "Savoirs", "weight": 1},
            ]
        ),
    )
    # travel 50 (bus some), skills 100 -> overall 75; travel 0 + skills 100 -> 50
    assert scoring.score(definition, {"bus": "some", "read": "yes"}).mobility_potential == 75
    result = scoring.score(definition, {"bus": "never", "bike": "yes", "read": "no"})
    # travel: 4 / 6 = 66.67 -> 67, skills 0 -> overall 33.3 -> 33
    assert result.dimensions["travel"] == 67
    assert result.mobility_potential == 33


def test_answers_given_for_another_version_are_refused():
    with pytest.raises(scoring.AnswersError) as error:
        scoring.score(SMALL, {"bus": "some", "read": "yes"}, version=6)
    assert error.value.problems == {
        "version": "Ces réponses ont été données pour la version 6 du questionnaire, "
        "pas pour la version 7."
    }


def test_every_problem_is_listed_at_once():
    with pytest.raises(scoring.AnswersError) as error:
        scoring.score(SMALL, {"bus": "sometimes", "car": "yes"})
    assert set(error.value.problems) == {"bus", "car", "read"}
    assert "Réponse « sometimes » inconnue" in error.value.problems["bus"]
    assert "Question « car » inconnue" in error.value.problems["car"]
    assert "Réponse obligatoire manquante" in error.value.problems["read"]


def test_a_draft_may_miss_required_answers_but_not_hold_unknown_codes():
    assert scoring.answer_problems(SMALL, {"bus": "some"}, complete=False) == {}
    assert set(scoring.answer_problems(SMALL, {"bus": "x"}, complete=False)) == {"bus"}


# ---- orientation


@pytest.mark.parametrize(
    ("answers", "group", "reason"),
    [
        ({"bus": "often", "read": "yes"}, 1, None),
        ({"bus": "never", "read": "yes"}, 2, "Trajets."),
        ({"bus": "often", "read": "no"}, 3, "Lecture."),
        ({"bus": "never", "read": "no"}, 3, "Lecture."),  # the first matching rule wins
    ],
)
def test_orientation_takes_the_first_matching_rule(answers, group, reason):
    result = scoring.score(SMALL, answers)
    assert result.orientation_group == group
    assert result.orientation_reasons == ((reason,) if reason else ())


BASIC_SKILLS = [q for q in DEFAULT.questions if q.dimension == "basic_skills"]


@pytest.mark.parametrize(
    "choices",
    list(itertools.product(*[[c.code for c in q.choices] for q in BASIC_SKILLS])),
)
def test_default_orientation_for_every_basic_skills_answer(choices):
    """Every combination of the basic-skills answers, all else at its best."""
    answers = {
        **best_answers(DEFAULT),
        **dict(zip([q.code for q in BASIC_SKILLS], choices, strict=True)),
    }
    result = scoring.score(DEFAULT, answers)
    skills = result.dimensions["basic_skills"]
    if answers["reading"] == "cannot" or skills < 40:
        expected = 3
    elif skills < 70:
        expected = 2
    else:
        expected = 1
    assert result.orientation_group == expected
    if expected == 3:
        assert "partner_referral" in result.recommendations
        assert "driving_school" not in result.recommendations
        assert "pre_training" not in result.recommendations


@pytest.mark.parametrize(
    ("overrides", "group"),
    [
        ({}, 1),
        ({"reading": "cannot"}, 3),
        ({"map_reading": "no", "finding_address": "lost", "timetable_reading": "no"}, 3),
        (
            {
                "map_reading": "with_help",
                "finding_address": "asking",
                "timetable_reading": "with_help",
                "landmarks": "sometimes",
            },
            2,
        ),
        ({"road_rules": "none", "cycling": "no", "driving_experience": "none"}, 2),
        ({"leaving_neighbourhood": "avoided", "new_trip": "give_up", "confidence": "low"}, 2),
        ({"writing": "words", "spoken_french": "everyday", "numeracy": "basic"}, 2),
    ],
)
def test_default_orientation_examples(overrides, group):
    result = scoring.score(DEFAULT, {**best_answers(DEFAULT), **overrides})
    assert result.orientation_group == group


# ---- recommendations


@pytest.mark.parametrize(
    ("overrides", "present", "absent"),
    [
        ({}, {"rental_bike", "microcredit"}, {"driving_school", "rental_car", "bike_school"}),
        ({"driving_experience": "none"}, {"driving_school"}, {"pre_training", "microcredit"}),
        (
            {
                "driving_experience": "none",
                "map_reading": "with_help",
                "finding_address": "asking",
                "timetable_reading": "with_help",
                "landmarks": "sometimes",
            },
            {"pre_training"},
            {"driving_school"},
        ),
        ({"reading": "cannot"}, {"partner_referral"}, {"driving_school", "pre_training"}),
        ({"cycling": "no"}, {"bike_school"}, {"rental_bike", "rental_ebike"}),
        ({"home_work_distance": "from_10_to_30"}, {"rental_ebike"}, {"rental_bike"}),
        ({"home_work_distance": "over_30"}, {"rental_car"}, {"rental_bike", "rental_ebike"}),
        ({"working_hours": "atypical_unserved"}, {"rental_car"}, set()),
        (
            {"driving_experience": "other_licence", "home_work_distance": "from_10_to_30"},
            {"rental_scooter", "driving_school"},
            {"rental_car", "microcredit"},
        ),
        ({"bank_account": "restricted"}, set(), {"microcredit"}),
        ({"travel_frequency": "rarely", "public_transport": "never"}, {"transport_info"}, set()),
        ({"phone": "none", "travel_apps": "no"}, {"digital_workshop"}, set()),
        (
            {"new_trip": "give_up", "confidence": "low", "fear_of_driving": "strong"},
            {"coaching"},
            set(),
        ),
    ],
)
def test_default_recommendations(overrides, present, absent):
    result = scoring.score(DEFAULT, {**best_answers(DEFAULT), **overrides})
    assert present <= set(result.recommendations)
    assert not absent & set(result.recommendations)
    assert all(result.recommendation_reasons[code] for code in result.recommendations)


def test_a_service_is_recommended_once_in_the_order_of_the_rules():
    result = scoring.score(
        DEFAULT,
        {
            **best_answers(DEFAULT),
            "travel_frequency": "rarely",
            "public_transport": "never",
            "usual_mode": "driven",
            "longest_trip": "none",
            "map_reading": "with_help",
        },
    )
    assert result.recommendations.count("mobility_workshop") == 1
    order = [rule.service for rule in DEFAULT.recommendation_rules]
    assert list(result.recommendations) == sorted(result.recommendations, key=order.index)


def test_recommendation_rules_see_the_orientation_group():
    assert scoring.score(SMALL, {"bus": "often", "bike": "yes", "read": "yes"}).recommendations == (
        "driving_school",
    )
    assert scoring.score(SMALL, {"bus": "often", "bike": "no", "read": "no"}).recommendations == (
        "bike_school",
    )


# ---- explanation


def test_the_explanation_lists_the_answers_that_cost_most_first():
    result = scoring.score(SMALL, {"bus": "never", "bike": "no", "read": "yes"})
    # bus costs 2/6 of travel (weight 1 of 4): 8.3 points; bike 4/6: 16.7 points
    assert [(f.question, f.points_lost) for f in result.explanation] == [
        ("bike", Decimal("16.7")),
        ("bus", Decimal("8.3")),
    ]
    assert result.explanation[0].choice_label == "Non"


def test_perfect_answers_have_nothing_to_explain():
    assert scoring.score(DEFAULT, best_answers(DEFAULT)).explanation == ()


def test_the_explanation_keeps_the_five_heaviest_answers():
    worst = {q.code: min(q.choices, key=lambda c: c.weight).code for q in DEFAULT.questions}
    explanation = scoring.score(DEFAULT, worst).explanation
    assert len(explanation) == scoring.EXPLANATION_SIZE
    assert list(explanation) == sorted(explanation, key=lambda f: -f.points_lost)


# ---- definitions


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"dimensions": []}, "aucune dimension"),
        (
            {"questions": small_definition()["questions"][:2]},
            "dimension « skills » : au moins une question doit être obligatoire",
        ),
        (
            {
                "questions": [
                    *small_definition()["questions"],
                    {**small_definition()["questions"][0]},
                ]
            },
            "deux questions ont le même code",
        ),
        (
            {
                "questions": [
                    *small_definition()["questions"],
                    {
                        "code": "flat",
                        "dimension": "travel",
                        "text": "?",
                        "required": False,
                        "choices": [
                            {"code": "a", "label": "A", "weight": 1},
                            {"code": "b", "label": "B", "weight": 1},
                        ],
                    },
                ]
            },
            "les réponses doivent avoir des poids différents",
        ),
        (
            {
                "questions": [
                    *small_definition()["questions"],
                    {
                        "code": "x",
                        "dimension": "nowhere",
                        "text": "?",
                        "choices": [
                            {"code": "a", "label": "A", "weight": 0},
                            {"code": "b", "label": "B", "weight": 1},
                        ],
                    },
                ]
            },
            "dimension « nowhere » inconnue",
        ),
        (
            {"recommendations": [{"service": "teleport", "when": [{"group": [1]}]}]},
            "service « teleport » absent",
        ),
        (
            {
                "orientation": {
                    "default_group": 4,
                    "groups": [{"group": 1, "label": "1", "advice": ""}],
                    "rules": [{"group": 2, "when": [{"score": "mood", "below": 20}]}],
                }
            },
            "dimension « mood » inconnue",
        ),
        (
            {
                "recommendations": [
                    {"service": "bike_school", "when": [{"answer": "bike", "in": ["maybe"]}]}
                ]
            },
            "réponse « maybe » inconnue pour « bike »",
        ),
    ],
)
def test_an_invalid_definition_is_refused_with_its_problems_in_french(overrides, problem):
    with pytest.raises(scoring.DefinitionError) as error:
        scoring.parse_definition(1, small_definition(**overrides))
    assert any(problem in p for p in error.value.problems), error.value.problems


def test_the_shipped_questionnaire_covers_the_dimensions_of_the_design():
    assert [d.code for d in DEFAULT.dimensions] == [
        "travel_practices",
        "spatial_orientation",
        "basic_skills",
        "urban_road_aptitudes",
        "digital_access",
        "financial_capacity",
        "psychological_barriers",
        "practical_constraints",
    ]
    assert {"childcare", "working_hours", "health", "reading", "writing", "spoken_french"} <= {
        q.code for q in DEFAULT.questions
    }
    assert "17 h 30" in DEFAULT.group(2).advice


# ---- progress


def test_progress_is_exit_minus_entry_overall_and_per_dimension():
    progress = scoring.progress(
        entry=40, entry_dimensions={"a": 30, "b": 50}, exit=65, exit_dimensions={"a": 70, "b": 45}
    )
    assert progress == scoring.Progress(entry=40, exit=65, delta=25, dimensions={"a": 40, "b": -5})


def test_progress_without_an_exit_has_null_deltas():
    progress = scoring.progress(
        entry=40, entry_dimensions={"a": 30}, exit=None, exit_dimensions=None
    )
    assert progress == scoring.Progress(entry=40, exit=None, delta=None, dimensions={"a": None})
    empty = scoring.progress(entry=None, entry_dimensions=None, exit=None, exit_dimensions=None)
    assert empty == scoring.Progress(entry=None, exit=None, delta=None, dimensions={})


def test_progress_ignores_a_dimension_the_exit_version_does_not_have():
    progress = scoring.progress(
        entry=40, entry_dimensions={"a": 30, "gone": 10}, exit=50, exit_dimensions={"a": 35}
    )
    assert progress.dimensions == {"a": 5, "gone": None}
