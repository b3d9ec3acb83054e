"""The permis orientation of the shipped questionnaire (version 2), calibrated on worked
profiles.

- It concerns only people without the licence: a licence holder (said by the fiche or by
  the answers) gets "sans objet" and no recommendation tied to the licence.
- Group 1: no particular difficulty. Not knowing the code is not a difficulty: the
  lessons teach it.
- Group 2: gaps in reading, French, spatial orientation or attention: pré-formation first.
- Group 3: what a partner must treat first (cannot read, understands little French, basic
  skills or orientation very weak).
"""

import json
from pathlib import Path

import pytest

from diagnostics import scoring

V2_FILE = Path(__file__).resolve().parents[2] / "diagnostics" / "questionnaires" / "default_v2.json"
DOCUMENT = json.loads(V2_FILE.read_text(encoding="utf-8"))
V2 = scoring.parse_definition(DOCUMENT["version"], DOCUMENT["definition"])

# A person without the licence who reads and speaks French well, finds their way, can
# concentrate for an hour, and knows nothing of the code nor of driving.
LITERATE_BEGINNER = {
    "travel_frequency": "weekly",
    "public_transport": "known_trips",
    "usual_mode": "public_transport",
    "longest_trip": "main_town",
    "map_reading": "yes",
    "finding_address": "with_gps",
    "timetable_reading": "yes",
    "landmarks": "yes",
    "reading": "fluent",
    "writing": "simple_text",
    "spoken_french": "fluent",
    "numeracy": "basic",
    "attention": "easy",
    "road_rules": "none",
    "cycling": "no",
    "driving_experience": "none",
    "walking_in_traffic": "fine",
    "phone": "smartphone",
    "travel_apps": "with_help",
    "online_procedures": "with_help",
    "transport_budget": "under_30",
    "bank_account": "usable",
    "debts": "some",
    "vehicle_costs": "partly",
    "leaving_neighbourhood": "fine",
    "new_trip": "stressed",
    "confidence": "medium",
    "fear_of_driving": "some",
    "childcare": "not_concerned",
    "working_hours": "standard",
    "health": "none",
    "home_work_distance": "from_10_to_30",
}

LOST = {
    "map_reading": "with_help",
    "finding_address": "asking",
    "timetable_reading": "with_help",
    "landmarks": "sometimes",
}

# (profile, changes from the literate beginner, fiche says licence held, group, services
# expected, services excluded)
PROFILES = [
    ("débutant·e lettré·e sans notion du code", {}, False, 1, {"driving_school"}, {"pre_training"}),
    (
        "débutant·e avec quelques notions du code",
        {"road_rules": "some"},
        False,
        1,
        {"driving_school"},
        {"pre_training"},
    ),
    (
        "débutant·e qui a peur de conduire et ne roule pas à vélo",
        {"fear_of_driving": "strong", "cycling": "no", "walking_in_traffic": "stressful"},
        False,
        1,
        {"driving_school", "bike_school"},
        {"pre_training"},
    ),
    (
        "freins psychologiques forts, sans lacune de base",
        {"leaving_neighbourhood": "stressful", "new_trip": "give_up", "confidence": "low"},
        False,
        1,
        {"driving_school", "coaching"},
        {"pre_training"},
    ),
    (
        "lit seulement des mots",
        {"reading": "words"},
        False,
        2,
        {"pre_training"},
        {"driving_school", "partner_referral"},
    ),
    (
        "français du quotidien, écrit et calcul fragiles",
        {"writing": "words", "spoken_french": "everyday", "numeracy": "difficult"},
        False,
        2,
        {"pre_training"},
        {"driving_school"},
    ),
    ("se repère mal", LOST, False, 2, {"pre_training", "mobility_workshop"}, {"driving_school"}),
    (
        "attention difficile à soutenir",
        {"attention": "difficult"},
        False,
        2,
        {"pre_training"},
        {"driving_school"},
    ),
    (
        "ne lit pas le français",
        {"reading": "cannot"},
        False,
        3,
        {"partner_referral"},
        {"driving_school", "pre_training"},
    ),
    (
        "comprend peu le français à l'oral",
        {"spoken_french": "little"},
        False,
        3,
        {"partner_referral"},
        {"driving_school", "pre_training"},
    ),
    (
        "ne se repère pas du tout",
        {"map_reading": "no", "finding_address": "lost", "timetable_reading": "no"},
        False,
        3,
        {"partner_referral"},
        {"driving_school", "pre_training"},
    ),
    (
        "titulaire du permis B (réponse)",
        {"driving_experience": "licence_b", "road_rules": "exam_passed"},
        False,
        None,
        set(),
        {"driving_school", "pre_training", "partner_referral"},
    ),
    (
        "titulaire du permis B depuis 2015 (fiche), même en se repérant mal",
        LOST,
        True,
        None,
        set(),
        {"driving_school", "pre_training", "partner_referral"},
    ),
    (
        "titulaire d'un permis moto : l'orientation B s'applique",
        {"driving_experience": "other_licence"},
        False,
        1,
        {"driving_school"},
        set(),
    ),
]


@pytest.mark.parametrize(
    ("changes", "holds_licence", "group", "present", "absent"),
    [profile[1:] for profile in PROFILES],
    ids=[profile[0] for profile in PROFILES],
)
def test_worked_profiles(changes, holds_licence, group, present, absent):
    result = scoring.score(V2, {**LITERATE_BEGINNER, **changes}, holds_licence=holds_licence)
    assert result.orientation_group == group
    assert present <= set(result.recommendations)
    assert not absent & set(result.recommendations)
    if group is None:
        assert result.orientation_reasons == (scoring.NOT_APPLICABLE_REASON,)
        assert V2.group(None).label.startswith("Sans objet")


def test_lacking_the_code_knowledge_alone_never_leads_to_group_2():
    """Whatever the answers on the code, driving and cycling, a literate beginner who
    finds their way and can concentrate is in group 1."""
    road = [q for q in V2.questions if q.dimension == "urban_road_aptitudes"]
    for question in road:
        for choice in question.choices:
            if question.code == "driving_experience" and choice.code == "licence_b":
                continue
            answers = {**LITERATE_BEGINNER, question.code: choice.code}
            assert scoring.score(V2, answers).orientation_group == 1, (question.code, choice.code)


def test_the_fiche_wins_over_the_answers_for_the_licence():
    result = scoring.score(V2, {**LITERATE_BEGINNER, "reading": "cannot"}, holds_licence=True)
    assert result.orientation_group is None
    assert "partner_referral" not in result.recommendations


def test_version_1_keeps_its_rules_but_still_says_sans_objet_for_a_licence_holder():
    """A published version never changes; the licence holder is "sans objet" in every
    version, since the fiche says so."""
    v1_file = V2_FILE.with_name("default_v1.json")
    document = json.loads(v1_file.read_text(encoding="utf-8"))
    v1 = scoring.parse_definition(document["version"], document["definition"])
    answers = {code: choice for code, choice in LITERATE_BEGINNER.items() if v1.question(code)}
    assert scoring.score(v1, answers).orientation_group == 2  # the calibration it had
    assert scoring.score(v1, answers, holds_licence=True).orientation_group is None


def test_licence_conditions_are_answer_conditions():
    data = json.loads(json.dumps(DOCUMENT["definition"]))
    data["orientation"]["licence_held_when"] = [{"score": "overall", "at_least": 10}]
    with pytest.raises(scoring.DefinitionError) as error:
        scoring.parse_definition(3, data)
    assert any("licence_held_when" in problem for problem in error.value.problems)
