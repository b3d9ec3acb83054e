"""The small questionnaires the scoring's pure tests read (test_scoring_examples.py,
test_scoring_pure_exact.py): three questions over two dimensions, two orientation rules,
two recommendations. Kept in one place so that both files describe the same questionnaire."""

import pytest

from diagnostics import scoring


def small_definition(**overrides) -> dict:
    """A valid definition, every text already clean and every weight written out; the keys
    given replace the definition's own."""
    data = {
        "dimensions": [
            {"code": "travel", "label": "Déplacements", "weight": 1},
            {"code": "skills", "label": "Savoirs", "weight": 3},
        ],
        "questions": [
            {
                "code": "bus",
                "dimension": "travel",
                "text": "Bus ?",
                "required": True,
                "choices": [
                    {"code": "never", "label": "Jamais", "weight": 0},
                    {"code": "some", "label": "Parfois", "weight": 1},
                    {"code": "often", "label": "Souvent", "weight": 2},
                ],
            },
            {
                "code": "bike",
                "dimension": "travel",
                "text": "Vélo ?",
                "required": False,
                "choices": [
                    {"code": "no", "label": "Non", "weight": 0},
                    {"code": "yes", "label": "Oui", "weight": 4},
                ],
            },
            {
                "code": "read",
                "dimension": "skills",
                "text": "Lecture ?",
                "required": True,
                "choices": [
                    {"code": "no", "label": "Non", "weight": 1},
                    {"code": "yes", "label": "Oui", "weight": 3},
                ],
            },
        ],
        "orientation": {
            "default_group": 1,
            "groups": [{"group": g, "label": f"Groupe {g}", "advice": "…"} for g in (1, 2, 3)],
            "rules": [
                {"group": 3, "when": [{"answer": "read", "in": ["no"]}], "reason": "Lecture."},
                {"group": 2, "when": [{"score": "travel", "below": 50}], "reason": "Trajets."},
            ],
        },
        "services": {"bike_school": "Vélo-école", "driving_school": "Auto-école"},
        "recommendations": [
            {"service": "bike_school", "when": [{"answer": "bike", "in": ["no"]}], "reason": "A"},
            {
                "service": "driving_school",
                "when": [{"group": [1]}, {"score": "overall", "at_least": 80}],
                "reason": "B",
            },
        ],
    }
    data.update(overrides)
    return data


def untidy_definition() -> dict:
    """The same questionnaire as an administrator may type it, for the reading to tidy:
    padded texts, a description and a help text, the travel dimension's weight left to its
    default, a `required` that is not `true` (so not required), groups out of order. Its bus
    question has two answers (never, often) where the small one has three."""
    data = small_definition()
    travel = data["dimensions"][0]
    del travel["weight"]
    travel.update(label=" Déplacements ", description=" Bus, vélo ")
    bus, bike, _ = data["questions"]
    bus.update(
        text=" Bus ? ",
        help=" Une aide ",
        choices=[
            {"code": "never", "label": " Jamais ", "weight": 0},
            {"code": "often", "label": "Souvent", "weight": 2},
        ],
    )
    bike["required"] = "yes"
    orientation = data["orientation"]
    orientation["groups"] = [
        {"group": g, "label": f" Groupe {g} ", "advice": f" Conseil {g} "} for g in (3, 1, 2)
    ]
    orientation["rules"][0]["reason"] = " Lecture. "
    return data


def problems_of(data) -> list[str]:
    """The problems of a definition the scoring refuses, checked to be the refusal's text."""
    with pytest.raises(scoring.DefinitionError) as refused:
        scoring.parse_definition(1, data)
    assert str(refused.value) == "Questionnaire invalide : " + " ; ".join(refused.value.problems)
    return refused.value.problems
