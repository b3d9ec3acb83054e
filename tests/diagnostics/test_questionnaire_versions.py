"""The shipped questionnaire, its versions, and the admin that makes a new one."""

import json

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from diagnostics import services
from diagnostics.models import Questionnaire
from mobility.errors import InvalidInput
from tests.conftest import logged_in
from tests.diagnostics.conftest import CURRENT_FILE
from tests.factories import UserFactory


def test_the_migration_puts_the_shipped_questionnaire_in_service(questionnaire):
    document = json.loads(CURRENT_FILE.read_text(encoding="utf-8"))
    assert questionnaire.version == document["version"] == 2
    assert questionnaire.definition == document["definition"]
    assert questionnaire.is_published
    assert len(questionnaire.parsed.dimensions) == 8


def test_duplicating_makes_a_draft_of_the_next_version(questionnaire):
    draft = services.questionnaire_duplicate(questionnaire=questionnaire, by=None)
    assert draft.version == questionnaire.version + 1
    assert draft.definition == questionnaire.definition
    assert not draft.is_published
    assert Questionnaire.objects.current() == questionnaire


def test_publishing_puts_one_version_in_service(questionnaire):
    draft = services.questionnaire_duplicate(questionnaire=questionnaire, by=None)
    services.questionnaire_publish(questionnaire=draft, by=None)
    questionnaire.refresh_from_db()
    assert not questionnaire.is_current
    assert Questionnaire.objects.current() == draft


def test_an_invalid_definition_cannot_be_published(questionnaire):
    draft = services.questionnaire_duplicate(questionnaire=questionnaire, by=None)
    draft.definition = {**draft.definition, "dimensions": []}
    draft.save()
    with pytest.raises(InvalidInput, match="aucune dimension"):
        services.questionnaire_publish(questionnaire=draft, by=None)
    assert Questionnaire.objects.current() == questionnaire


def test_the_database_allows_one_current_version_only(questionnaire):
    with pytest.raises(IntegrityError), transaction.atomic():
        Questionnaire.objects.create(
            version=9, title="Autre", definition={}, is_current=True, published_at=timezone.now()
        )


def test_the_admin_duplicates_edits_and_publishes_a_new_version(questionnaire):
    client = logged_in_admin()
    changelist = reverse("admin:diagnostics_questionnaire_changelist")
    response = client.post(
        changelist, {"action": "duplicate", "_selected_action": [questionnaire.pk]}, follow=True
    )
    assert "Version 3 créée (brouillon)" in response.content.decode()
    draft = Questionnaire.objects.get(version=3)
    definition = json.loads(json.dumps(draft.definition))
    definition["questions"][0]["text"] = "Combien de fois sortez-vous de votre commune ?"
    url = reverse("admin:diagnostics_questionnaire_change", args=[draft.pk])
    response = client.post(
        url,
        {
            "title": draft.title,
            "notes": "Question reformulée.",
            "definition": json.dumps(definition),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert draft.parsed.questions[0].text.startswith("Combien de fois")
    client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    assert Questionnaire.objects.current() == draft


def test_the_admin_refuses_an_invalid_definition_in_french(questionnaire):
    client = logged_in_admin()
    draft = services.questionnaire_duplicate(questionnaire=questionnaire, by=None)
    url = reverse("admin:diagnostics_questionnaire_change", args=[draft.pk])
    broken = {**draft.definition, "questions": []}
    response = client.post(url, {"title": "x", "notes": "", "definition": json.dumps(broken)})
    assert response.status_code == 200
    assert "au moins une question doit être obligatoire" in response.content.decode()


def test_a_published_version_cannot_be_edited_in_the_admin(questionnaire):
    client = logged_in_admin()
    url = reverse("admin:diagnostics_questionnaire_change", args=[questionnaire.pk])
    page = client.get(url).content.decode()
    assert 'name="definition"' not in page
    assert "Lecture en français" in page  # the read-only overview
    client.post(url, {"title": "Changé", "notes": "", "definition": "{}"})
    questionnaire.refresh_from_db()
    assert questionnaire.title != "Changé"
    assert questionnaire.definition["questions"]


def test_the_admin_lists_diagnostics_read_only(entry):
    client = logged_in_admin()
    assert client.get(reverse("admin:diagnostics_diagnostic_changelist")).status_code == 200
    url = reverse("admin:diagnostics_diagnostic_change", args=[entry.pk])
    page = client.get(url).content.decode()
    assert 'name="answers"' not in page


def logged_in_admin():
    return logged_in(UserFactory(is_staff=True, is_superuser=True))
