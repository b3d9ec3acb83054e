"""The scoring's reading of a questionnaire and of answers, pinned exactly: every French
problem an administrator or an adviser reads, in order, and what a valid definition becomes
(trimmed texts, groups in order, default weights). Written so that the realistic bugs
mutation testing plants fail (issue 16)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from diagnostics import scoring
from tests.diagnostics.scoring_helpers import problems_of, untidy_definition

# ---- a valid definition, as plain values


def test_a_valid_definition_is_read_trimmed_with_its_groups_in_order():
    definition = scoring.parse_definition(4, untidy_definition())
    assert definition.version == 4
    assert definition.dimensions == (
        scoring.Dimension("travel", "Déplacements", 1, "Bus, vélo"),
        scoring.Dimension("skills", "Savoirs", 3, ""),
    )
    assert definition.questions[0] == scoring.Question(
        code="bus",
        text="Bus ?",
        dimension="travel",
        required=True,
        choices=(scoring.Choice("never", "Jamais", 0), scoring.Choice("often", "Souvent", 2)),
        help="Une aide",
    )
    assert [q.required for q in definition.questions] == [True, False, True]
    assert definition.questions[1].help == ""
    assert definition.default_group == 1
    assert definition.groups == tuple(
        scoring.OrientationGroup(g, f"Groupe {g}", f"Conseil {g}") for g in (1, 2, 3)
    )
    assert definition.orientation_rules == (
        scoring.OrientationRule(
            3, (scoring.Condition("answer", "read", codes=frozenset({"no"})),), "Lecture."
        ),
        scoring.OrientationRule(2, (scoring.Condition("score", "travel", below=50),), "Trajets."),
    )
    assert definition.services == {"bike_school": "Vélo-école", "driving_school": "Auto-école"}
    assert definition.recommendation_rules[1] == scoring.RecommendationRule(
        "driving_school",
        (
            scoring.Condition("group", groups=frozenset({1})),
            scoring.Condition("score", "overall", at_least=80),
        ),
        "B",
    )
    assert definition.dimension("skills").weight == 3
    assert definition.dimension("nowhere") is None
    assert definition.group(2).label == "Groupe 2"


def test_a_definition_that_is_not_an_object_is_refused():
    with pytest.raises(scoring.DefinitionError) as refused:
        scoring.parse_definition(1, ["dimensions"])
    assert refused.value.problems == ["la définition doit être un objet JSON."]


def test_an_empty_definition_says_what_is_missing():
    assert problems_of({}) == [
        "le questionnaire n'a aucune dimension.",
        "l'orientation décrit exactement les groupes 1, 2 et 3.",
        "le groupe d'orientation par défaut est 1, 2 ou 3.",
    ]


# ---- dimensions and questions


def test_each_dimension_problem_exactly():
    data = untidy_definition()
    data["dimensions"] += [
        {"code": "", "label": " ", "weight": 0},
        {"code": "travel", "label": "Bis", "weight": True},
        {"code": "mood", "label": "Humeur", "weight": "2"},
    ]
    assert problems_of(data) == [
        "chaque dimension a un code et un libellé.",
        "dimension «  » : le poids est un entier positif.",
        "dimension « travel » : le poids est un entier positif.",
        "dimension « mood » : le poids est un entier positif.",
        "deux dimensions ont le même code.",
        "dimension «  » : au moins une question doit être obligatoire.",
        "dimension « mood » : au moins une question doit être obligatoire.",
    ]


@pytest.mark.parametrize(("code", "label"), [("x", ""), ("", "X"), (None, "X"), ("x", 3)])
def test_a_dimension_needs_both_a_code_and_a_label(code, label):
    data = untidy_definition()
    data["dimensions"].append({"code": code, "label": label})
    assert problems_of(data)[0] == "chaque dimension a un code et un libellé."


def test_a_weight_of_one_is_accepted():
    data = untidy_definition()
    data["dimensions"][1]["weight"] = 1
    assert scoring.parse_definition(1, data).dimensions[1].weight == 1


def test_each_question_problem_exactly():
    data = untidy_definition()
    data["questions"] += [
        {
            "code": " ",
            "text": "",
            "dimension": "mood",
            "choices": [{"code": "", "label": "x", "weight": -1}],
        },
        {
            "code": "q2",
            "text": "T",
            "dimension": "travel",
            "choices": [
                {"code": "a", "label": "", "weight": 1.5},
                {"code": "a", "label": "B", "weight": 2},
            ],
        },
        {
            "code": "q3",
            "text": "T",
            "dimension": "travel",
            "choices": [
                {"code": "a", "label": "A", "weight": 2},
                {"code": "b", "label": "B", "weight": 2},
            ],
        },
        {"code": "bus", "text": "Encore ?", "dimension": "travel", "choices": []},
    ]
    assert problems_of(data) == [
        "question « ? » : un code et un texte sont obligatoires.",
        "question « ? » : dimension « mood » inconnue.",
        "question « ? » : chaque réponse a un code et un libellé.",
        "question « ? » : le poids d'une réponse est un entier positif ou nul.",
        "question « ? » : il faut au moins deux réponses possibles.",
        "question « q2 » : chaque réponse a un code et un libellé.",
        "question « q2 » : le poids d'une réponse est un entier positif ou nul.",
        "question « q2 » : deux réponses ont le même code.",
        "question « q3 » : les réponses doivent avoir des poids différents.",
        "question « bus » : il faut au moins deux réponses possibles.",
        "deux questions ont le même code.",
    ]


@pytest.mark.parametrize(
    ("question", "problem"),
    [
        ({"code": "q", "text": " "}, "question « q » : un code et un texte sont obligatoires."),
        ({"code": "", "text": "T"}, "question « ? » : un code et un texte sont obligatoires."),
    ],
)
def test_a_question_needs_a_code_and_a_text(question, problem):
    data = untidy_definition()
    choices = [{"code": "a", "label": "A", "weight": 0}, {"code": "b", "label": "B", "weight": 1}]
    data["questions"].append({**question, "dimension": "travel", "choices": choices})
    assert problems_of(data) == [problem]


def test_a_choice_weight_of_zero_is_accepted_and_a_missing_dimension_is_named():
    data = untidy_definition()
    choices = [{"code": "a", "label": "A", "weight": 0}, {"code": "b", "label": " ", "weight": 1}]
    data["questions"].append({"code": "q", "text": "T", "choices": choices})
    assert problems_of(data) == [
        "question « q » : dimension « None » inconnue.",
        "question « q » : chaque réponse a un code et un libellé.",
    ]


def test_at_most_300_questions():
    data = untidy_definition()
    choices = [{"code": "a", "label": "A", "weight": 0}, {"code": "b", "label": "B", "weight": 1}]
    extra = [
        {"code": f"q{n}", "text": "T", "dimension": "travel", "choices": choices}
        for n in range(scoring.MAX_QUESTIONS - 3)
    ]
    data["questions"] += extra
    assert len(scoring.parse_definition(1, data).questions) == 300
    data["questions"].append({**extra[0], "code": "one_more"})
    assert problems_of(data) == ["un questionnaire compte au plus 300 questions."]


# ---- orientation and services


def test_each_orientation_problem_exactly():
    data = untidy_definition()
    data["orientation"] = {
        "default_group": "1",
        "groups": [{"group": 1}, {"group": 2}, {"group": 2}],
        "rules": [
            {"group": 4, "when": [{"answer": "read", "in": ["no"]}]},
            {"group": 2, "when": []},
            {"group": 2, "when": "read"},
            {"group": 1, "when": [{"group": [1]}]},
        ],
    }
    assert problems_of(data) == [
        "l'orientation décrit exactement les groupes 1, 2 et 3.",
        "le groupe d'orientation par défaut est 1, 2 ou 3.",
        "règle d'orientation n° 1 : le groupe est 1, 2 ou 3.",
        "règle d'orientation n° 2 : « when » doit être une liste non vide de conditions.",
        "règle d'orientation n° 3 : « when » doit être une liste non vide de conditions.",
        "règle d'orientation n° 4 : condition incomprise (['group']).",
    ]


@pytest.mark.parametrize("default", [0, 4, True, None])
def test_the_default_group_is_1_2_or_3(default):
    data = untidy_definition()
    data["orientation"]["default_group"] = default
    assert problems_of(data) == ["le groupe d'orientation par défaut est 1, 2 ou 3."]


@pytest.mark.parametrize("default", [1, 2, 3])
def test_any_of_the_three_groups_may_be_the_default(default):
    data = untidy_definition()
    data["orientation"]["default_group"] = default
    assert scoring.parse_definition(1, data).default_group == default


@pytest.mark.parametrize(
    "services", [["bike_school"], {"bike_school": ""}, {"bike_school": "Vélo", 3: "Trois"}]
)
def test_services_map_a_code_to_a_label(services):
    data = untidy_definition()
    data["services"] = services
    assert problems_of(data) == [
        "« services » associe un code de service à son libellé.",
        "règle de recommandation n° 1 : service « bike_school » absent de « services ».",
        "règle de recommandation n° 2 : service « driving_school » absent de « services ».",
    ]


# ---- conditions


def test_each_condition_problem_exactly():
    data = untidy_definition()
    data["recommendations"] = [
        {
            "service": "bike_school",
            "when": [
                "bike",
                {"score": "mood", "below": 20},
                {"score": "travel"},
                {"score": "overall", "below": 101, "at_least": -1},
                {"score": "travel", "below": "50"},
                {"answer": "car", "in": ["yes"]},
                {"answer": "bike", "in": []},
                {"answer": "bike", "in": "no"},
                {"answer": "bike", "in": ["no", "maybe", "never"]},
                {"group": [0, 1]},
                {"group": 2},
                {"mood": "good"},
            ],
        }
    ]
    where = "règle de recommandation n° 1 : "
    assert problems_of(data) == [
        where + "une condition doit être un objet.",
        where + "dimension « mood » inconnue.",
        where + "une condition de score a besoin de below ou at_least.",
        where + "un seuil de score est compris entre 0 et 100.",
        where + "un seuil de score est compris entre 0 et 100.",
        where + "une condition de score a besoin de below ou at_least.",
        where + "question « car » inconnue.",
        where + "une condition de réponse a besoin de la liste « in ».",
        where + "une condition de réponse a besoin de la liste « in ».",
        where + "réponse « maybe » inconnue pour « bike ».",
        where + "réponse « never » inconnue pour « bike ».",
        where + "« group » est une liste parmi 1, 2 et 3.",
        where + "« group » est une liste parmi 1, 2 et 3.",
        where + "condition incomprise (['mood']).",
    ]


def test_score_bounds_0_and_100_are_accepted_and_read():
    data = untidy_definition()
    data["recommendations"] = [
        {
            "service": "bike_school",
            "when": [
                {"score": "overall", "below": 100, "at_least": 0},
                {"score": "skills", "at_least": 100},
                {"group": [1, 2, 3]},
                {"answer": "bike", "in": ["no", "yes"]},
            ],
        }
    ]
    assert scoring.parse_definition(1, data).recommendation_rules[0].when == (
        scoring.Condition("score", "overall", below=100, at_least=0),
        scoring.Condition("score", "skills", at_least=100),
        scoring.Condition("group", groups=frozenset({1, 2, 3})),
        scoring.Condition("answer", "bike", codes=frozenset({"no", "yes"})),
    )


# ---- answers


def test_each_answer_problem_exactly():
    definition = scoring.parse_definition(2, untidy_definition())
    problems = scoring.answer_problems(
        definition, {"bus": "sometimes", "car": "yes", "bike": 3, "read": ""}
    )
    assert problems == {
        "bus": "Réponse « sometimes » inconnue pour la question « bus ».",
        "car": "Question « car » inconnue dans cette version du questionnaire.",
        "bike": "Réponse « 3 » inconnue pour la question « bike ».",
        "read": "Réponse obligatoire manquante : « Lecture ? »",
    }
    assert scoring.answer_problems(definition, {"bike": None}, complete=False) == {}
    assert scoring.answer_problems(definition, {"bus": "often", "read": "no"}, version=2) == {}
    assert scoring.answer_problems(definition, {}, version=1) == {
        "version": "Ces réponses ont été données pour la version 1 du questionnaire, "
        "pas pour la version 2."
    }


def test_scoring_refused_answers_lists_them_all():
    definition = scoring.parse_definition(2, untidy_definition())
    with pytest.raises(scoring.AnswersError) as refused:
        scoring.score(definition, {"bus": "x"})
    assert refused.value.problems == {
        "bus": "Réponse « x » inconnue pour la question « bus ».",
        "read": "Réponse obligatoire manquante : « Lecture ? »",
    }
    assert str(refused.value) == (
        "Réponses invalides : Réponse « x » inconnue pour la question « bus ». ; "
        "Réponse obligatoire manquante : « Lecture ? »"
    )


# ---- scores, orientation, recommendations, explanation


def test_a_worked_example_with_halves_and_weights():
    definition = scoring.parse_definition(2, untidy_definition())
    # travel: bus often (2 of 2), bike no (0 of 4): 2 / 6 = 33.3 -> 33; skills: read yes 100.
    # overall: (33.33 × 1 + 100 × 3) / 4 = 83.33 -> 83.
    result = scoring.score(definition, {"bus": "often", "bike": "no", "read": "yes"})
    assert result.dimensions == {"travel": 33, "skills": 100}
    assert result.mobility_potential == 83
    assert (result.orientation_group, result.orientation_reasons) == (2, ("Trajets.",))
    assert result.recommendations == ("bike_school",)
    assert result.recommendation_reasons == {"bike_school": "A"}
    # bike "no" costs 100 × 4 × 1 / (6 × 4) = 16.67 points of potentiel.
    assert result.explanation == (
        scoring.Factor("bike", "Vélo ?", "travel", "no", "Non", Decimal("16.7")),
    )


def test_a_dimension_at_exactly_a_half_rounds_up_and_at_least_holds_at_the_bound():
    data = untidy_definition()
    data["questions"][0]["choices"].append({"code": "some", "label": "Parfois", "weight": 1})
    data["orientation"]["rules"][1]["when"] = [{"score": "travel", "below": 50}]
    data["recommendations"][1]["when"] = [{"score": "travel", "at_least": 50}]
    definition = scoring.parse_definition(2, data)
    # travel: bus some (1 of 2), bike unanswered: exactly 50 -> not below 50.
    result = scoring.score(definition, {"bus": "some", "read": "no"})
    assert result.dimensions["travel"] == 50
    assert result.orientation_group == 3  # first matching rule: reading
    assert result.recommendations == ("driving_school",)
    # overall: (50 + 0) / 4 = 12.5 -> 13 (half up)
    assert result.mobility_potential == 13


def test_no_rule_holds_gives_the_default_group_without_reason():
    definition = scoring.parse_definition(2, untidy_definition())
    result = scoring.score(definition, {"bus": "often", "bike": "yes", "read": "yes"})
    assert (result.orientation_group, result.orientation_reasons) == (1, ())
    assert result.recommendations == ("driving_school",)
    assert result.explanation == ()


def test_points_lost_round_half_up_to_a_tenth():
    data = untidy_definition()
    data["dimensions"] = [{"code": "travel", "label": "T"}]
    data["questions"] = [
        {
            "code": f"q{n}",
            "dimension": "travel",
            "text": f"Q{n}",
            "required": True,
            "choices": [
                {"code": "a", "label": "A", "weight": 0},
                {"code": "b", "label": "B", "weight": 1},
            ],
        }
        for n in range(8)
    ]
    data["orientation"]["rules"] = []
    data["recommendations"] = []
    definition = scoring.parse_definition(1, data)
    answers = {f"q{n}": "a" for n in range(8)}
    result = scoring.score(definition, answers)
    # Each answer costs 100 / 8 = 12.5 points: half up gives 12.5 exactly; first five kept.
    assert [f.points_lost for f in result.explanation] == [Decimal("12.5")] * 5
    assert [f.question for f in result.explanation] == ["q0", "q1", "q2", "q3", "q4"]


@pytest.mark.parametrize(
    ("value", "rounded"),
    [(Fraction(1, 2), 1), (Fraction(3, 2), 2), (Fraction(249, 10), 25), (Fraction(149, 6), 25)],
)
def test_scores_round_half_up(value, rounded):
    assert scoring._rounded(value) == rounded


@pytest.mark.parametrize(
    ("weights", "problems"),
    [
        ([-1, 1], ["le poids d'une réponse est un entier positif ou nul."]),
        (
            [-1, 0],
            [
                "le poids d'une réponse est un entier positif ou nul.",
                "les réponses doivent avoir des poids différents.",
            ],
        ),
    ],
)
def test_a_negative_choice_weight_is_read_as_zero_for_the_other_checks(weights, problems):
    data = untidy_definition()
    choices = [{"code": f"c{w}", "label": "C", "weight": w} for w in weights]
    data["questions"].append({"code": "q", "text": "T", "dimension": "travel", "choices": choices})
    assert problems_of(data) == [f"question « q » : {problem}" for problem in problems]


def test_a_group_without_its_number_leaves_the_three_groups_incomplete():
    data = untidy_definition()
    data["orientation"]["groups"] = [{"label": "Sans numéro"}, {"group": 2}, {"group": 3}]
    assert problems_of(data) == ["l'orientation décrit exactement les groupes 1, 2 et 3."]


def test_an_empty_answer_does_not_hide_the_problems_of_the_answers_after_it():
    definition = scoring.parse_definition(2, untidy_definition())
    assert scoring.answer_problems(
        definition, {"bike": "", "car": "yes", "bus": "often", "read": "no"}
    ) == {"car": "Question « car » inconnue dans cette version du questionnaire."}


def test_an_unanswered_question_does_not_hide_the_cost_of_the_answers_after_it():
    definition = scoring.parse_definition(9, untidy_definition())
    result = scoring.score(definition, {"bus": "often", "read": "no"})
    assert result.version == 9
    # bike unanswered: travel 2 / 2 = 100; read "no" costs 100 × 2 × 3 / (2 × 4) = 75 points.
    assert result.explanation == (
        scoring.Factor("read", "Lecture ?", "skills", "no", "Non", Decimal("75.0")),
    )


def test_a_fraction_of_a_point_lost_is_explained_rounded_half_up():
    data = untidy_definition()
    data["dimensions"] = [{"code": "travel", "label": "T"}]
    data["questions"] = [
        {
            "code": "fine",
            "dimension": "travel",
            "text": "Précision ?",
            "required": True,
            "choices": [
                {"code": "none", "label": "Aucune", "weight": 0},
                {"code": "almost", "label": "Presque", "weight": 399},
                {"code": "all", "label": "Toute", "weight": 400},
            ],
        }
    ]
    data["orientation"]["rules"] = []
    data["recommendations"] = []
    definition = scoring.parse_definition(1, data)
    # 100 × 1 / 400 = 0.25 point lost: shown 0.3 (half up), not 0.2, and not dropped.
    result = scoring.score(definition, {"fine": "almost"})
    assert [(f.choice, f.points_lost) for f in result.explanation] == [("almost", Decimal("0.3"))]
    assert result.mobility_potential == 100  # 99.75 rounds half up
