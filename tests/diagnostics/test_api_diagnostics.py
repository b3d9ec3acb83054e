"""docs/api.md "Diagnostics": the questionnaire, recording a diagnostic, the progress."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from diagnostics import scoring
from diagnostics.models import Diagnostic
from mobility.enums import Role
from tests.api.conftest import ApiClient
from tests.diagnostics.conftest import best_answers, worst_answers
from tests.factories import member
from tests.nothing_written import nothing_written


def body(pathway, kind="entry", answers=None, **extra):
    return {
        "pathway_id": pathway.pk,
        "kind": kind,
        "date": timezone.localdate().isoformat(),
        "answers": answers if answers is not None else {},
        **extra,
    }


def test_the_questionnaire_lists_its_dimensions_questions_and_weighted_choices(
    adviser, questionnaire
):
    response = ApiClient(adviser).get("/api/v1/diagnostics/questionnaire")
    assert response.status_code == 200
    data = response.json()
    assert data["version"] == questionnaire.version
    assert len(data["dimensions"]) == 8
    question = next(q for q in data["questions"] if q["code"] == "reading")
    assert question["dimension"] == "basic_skills"
    assert question["required"] is True
    assert question["choices"][0] == {"code": "cannot", "label": "Ne lit pas", "weight": 0}
    assert [g["group"] for g in data["orientation_groups"]] == [1, 2, 3]
    assert data["services"]["pre_training"].startswith("Pré-formation")


@pytest.mark.parametrize("role", [Role.PRESCRIBER, Role.FUNDER])
def test_prescribers_and_funders_get_no_diagnostic_endpoint(platform, pathway, role):
    client = ApiClient(member(role, platform))
    with nothing_written():
        assert client.get("/api/v1/diagnostics/questionnaire").status_code == 403
    with nothing_written():
        assert client.post("/api/v1/diagnostics", body(pathway)).status_code == 403
    with nothing_written():
        assert client.get(f"/api/v1/pathways/{pathway.pk}/progress").status_code == 403


def test_without_credentials_the_answer_is_401(pathway):
    assert ApiClient().get("/api/v1/diagnostics/questionnaire").status_code == 401
    assert ApiClient().post("/api/v1/diagnostics", body(pathway)).status_code == 401


def test_an_adviser_records_an_entry_diagnostic(adviser, pathway, definition, questionnaire):
    answers = worst_answers(definition, required_only=True)
    response = ApiClient(adviser).post("/api/v1/diagnostics", body(pathway, answers=answers))
    assert response.status_code == 201, response.content
    data = response.json()
    expected = scoring.score(definition, answers)
    assert data["id"] == Diagnostic.objects.get().pk
    assert data["questionnaire_version"] == questionnaire.version
    assert data["mobility_potential"] == expected.mobility_potential == 0
    assert data["dimensions"] == expected.dimensions
    assert data["orientation_group"] == 3
    assert data["recommendations"] == list(expected.recommendations)
    assert data["explanation"][0]["points_lost"] > 0
    again = ApiClient(adviser).get(f"/api/v1/diagnostics/{data['id']}")
    assert again.json() == data


def errors_of(response, status=422):
    assert response.status_code == status, response.content
    return response.json()


def test_unknown_question_and_choice_codes_are_422_with_each_problem(adviser, pathway, definition):
    answers = {**best_answers(definition), "jetpack": "yes", "reading": "hieroglyphs"}
    data = errors_of(ApiClient(adviser).post("/api/v1/diagnostics", body(pathway, answers=answers)))
    assert set(data["errors"]) == {"jetpack", "reading"}
    assert "Question « jetpack » inconnue" in data["detail"]
    assert not Diagnostic.objects.exists()


def test_a_missing_required_answer_is_422_not_a_zero(adviser, pathway, definition):
    answers = best_answers(definition)
    del answers["health"]
    data = errors_of(ApiClient(adviser).post("/api/v1/diagnostics", body(pathway, answers=answers)))
    assert data["errors"] == {
        "health": "Réponse obligatoire manquante : « Santé ou handicap pour se déplacer »"
    }


def test_answers_for_another_questionnaire_version_are_422(adviser, pathway, definition):
    payload = body(pathway, answers=best_answers(definition), questionnaire_version=99)
    data = errors_of(ApiClient(adviser).post("/api/v1/diagnostics", payload))
    assert "version 99" in data["detail"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "midterm"}, "kind"),
        ({"date": "22/11/2026"}, "date"),
        ({"answers": {"reading": 3}}, "answers.reading"),
        ({"answers": ["reading"]}, "answers"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_malformed_bodies_are_422_in_french(adviser, pathway, definition, change, field):
    payload = {**body(pathway, answers=best_answers(definition)), **change}
    data = errors_of(ApiClient(adviser).post("/api/v1/diagnostics", payload))
    assert field in data["errors"]
    assert data["detail"].startswith("Requête invalide")


def test_a_diagnostic_on_another_platforms_pathway_is_404(other_adviser, pathway, definition):
    response = ApiClient(other_adviser).post(
        "/api/v1/diagnostics", body(pathway, answers=best_answers(definition))
    )
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Introuvable")


# Issue 10: the answers are not fleet staff's business (mobility/visibility.py).
def test_fleet_staff_may_neither_read_nor_record(platform, pathway, entry, definition):
    client = ApiClient(member(Role.FLEET, platform))
    response = client.post("/api/v1/diagnostics", body(pathway, answers=best_answers(definition)))
    assert response.status_code == 403
    with nothing_written():
        assert client.get(f"/api/v1/diagnostics/{entry.pk}").status_code == 403
    with nothing_written():
        assert client.get(f"/api/v1/pathways/{pathway.pk}/progress").status_code == 403


def test_a_second_entry_diagnostic_is_409(adviser, pathway, entry, definition):
    response = ApiClient(adviser).post(
        "/api/v1/diagnostics", body(pathway, answers=best_answers(definition))
    )
    data = errors_of(response, status=409)
    assert "déjà un diagnostic d'entrée" in data["detail"]


def test_an_exit_without_entry_is_422(adviser, pathway, definition):
    response = ApiClient(adviser).post(
        "/api/v1/diagnostics", body(pathway, "exit", answers=best_answers(definition))
    )
    assert "diagnostic d'entrée" in errors_of(response)["detail"]


def test_progress_has_nulls_until_the_exit_then_the_deltas(adviser, pathway, entry, definition):
    client = ApiClient(adviser)
    response = client.get(f"/api/v1/pathways/{pathway.pk}/progress")
    assert response.status_code == 200
    assert response.json() == {
        "entry": entry.mobility_potential,
        "exit": None,
        "delta": None,
        "dimensions": dict.fromkeys(entry.dimension_scores),
    }
    client.post("/api/v1/diagnostics", body(pathway, "exit", answers=best_answers(definition)))
    data = client.get(f"/api/v1/pathways/{pathway.pk}/progress").json()
    assert data["entry"] == 0
    assert data["exit"] == 100
    assert data["delta"] == 100
    assert data["dimensions"] == dict.fromkeys(entry.dimension_scores, 100)


def test_progress_of_a_pathway_without_diagnostic_is_all_null(adviser, pathway):
    data = ApiClient(adviser).get(f"/api/v1/pathways/{pathway.pk}/progress").json()
    assert data == {"entry": None, "exit": None, "delta": None, "dimensions": {}}


def test_progress_of_another_platforms_pathway_is_404(other_adviser, pathway):
    assert (
        ApiClient(other_adviser).get(f"/api/v1/pathways/{pathway.pk}/progress").status_code == 404
    )


def test_a_diagnostic_of_another_platform_is_404(other_adviser, entry):
    assert ApiClient(other_adviser).get(f"/api/v1/diagnostics/{entry.pk}").status_code == 404


def test_the_pathway_endpoint_carries_its_diagnostics_and_progress(
    adviser, pathway, entry, definition
):
    client = ApiClient(adviser)
    client.get(f"/api/v1/pathways/{pathway.pk}")
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/api/v1/pathways/{pathway.pk}")
    answers = best_answers(definition)
    for _ in range(3):
        client.post("/api/v1/diagnostics", body(pathway, "follow_up", answers=answers))
    client.post("/api/v1/diagnostics", body(pathway, "exit", answers=answers))
    with CaptureQueriesContext(connection) as more:
        data = client.get(f"/api/v1/pathways/{pathway.pk}").json()
    assert len(more) == len(queries)
    assert [(d["kind"], d["mobility_potential"]) for d in data["diagnostics"]] == [
        ("entry", 0),
        ("follow_up", 100),
        ("follow_up", 100),
        ("follow_up", 100),
        ("exit", 100),
    ]
    assert data["progress"]["delta"] == 100


def test_an_idempotent_retry_records_one_diagnostic(adviser, pathway, definition):
    client = ApiClient(adviser)
    payload = body(pathway, answers=best_answers(definition))
    headers = {"Idempotency-Key": "tablette-42"}
    first = client.post("/api/v1/diagnostics", payload, headers=headers)
    second = client.post("/api/v1/diagnostics", payload, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Diagnostic.objects.count() == 1
