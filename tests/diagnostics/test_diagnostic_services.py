"""The rules of taking diagnostics on a pathway, enforced by the services and the database."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from diagnostics import scoring, services
from diagnostics.models import Diagnostic, Questionnaire
from mobility import services as core_services
from mobility.enums import Role
from mobility.errors import Conflict, Forbidden, InvalidInput
from mobility.models import Notification
from tests.diagnostics.conftest import best_answers, worst_answers
from tests.factories import member


def record(pathway, by, kind, answers, **kwargs):
    kwargs.setdefault("taken_on", timezone.localdate())
    return services.diagnostic_record(pathway=pathway, kind=kind, answers=answers, by=by, **kwargs)


def test_an_entry_diagnostic_stores_the_result_of_the_pure_scoring(
    pathway, adviser, definition, questionnaire
):
    answers = best_answers(definition, required_only=True)
    diagnostic = record(pathway, adviser, "entry", answers)
    expected = scoring.score(definition, answers)
    diagnostic.refresh_from_db()
    assert diagnostic.status == "completed"
    assert diagnostic.questionnaire == questionnaire
    assert diagnostic.mobility_potential == expected.mobility_potential
    assert diagnostic.dimension_scores == expected.dimensions
    assert diagnostic.orientation_group == expected.orientation_group
    assert diagnostic.recommendations == list(expected.recommendations)
    assert diagnostic.result() == expected  # recomputable from what is stored
    assert diagnostic.history.first().history_user == adviser


def test_a_pathway_has_at_most_one_entry_diagnostic(pathway, adviser, entry, definition):
    with pytest.raises(Conflict, match="déjà un diagnostic d'entrée"):
        record(pathway, adviser, "entry", best_answers(definition))


def test_the_database_refuses_a_second_entry_even_without_the_service(entry):
    with pytest.raises(IntegrityError), transaction.atomic():
        Diagnostic.objects.create(
            platform=entry.platform,
            pathway=entry.pathway,
            kind="entry",
            questionnaire=entry.questionnaire,
            taken_on=entry.taken_on,
            adviser=entry.adviser,
        )


def test_the_database_refuses_a_completed_diagnostic_without_a_score(entry):
    with pytest.raises(IntegrityError), transaction.atomic():
        Diagnostic.objects.filter(pk=entry.pk).update(mobility_potential=None)


@pytest.mark.parametrize("kind", ["exit", "follow_up"])
def test_an_exit_or_follow_up_needs_a_completed_entry(pathway, adviser, definition, kind):
    with pytest.raises(InvalidInput, match="d'abord le diagnostic d'entrée"):
        record(pathway, adviser, kind, best_answers(definition))


def test_follow_ups_then_one_exit_measure_the_progress(pathway, adviser, entry, definition):
    record(pathway, adviser, "follow_up", best_answers(definition, required_only=True))
    record(pathway, adviser, "follow_up", best_answers(definition, required_only=True))
    exit_ = record(pathway, adviser, "exit", best_answers(definition))
    assert exit_.mobility_potential - entry.mobility_potential == 100
    with pytest.raises(Conflict):
        record(pathway, adviser, "exit", best_answers(definition))
    with pytest.raises(InvalidInput, match="plus de suivi"):
        record(pathway, adviser, "follow_up", best_answers(definition))


def close(pathway, adviser):
    return core_services.pathway_close(
        pathway=pathway,
        by=adviser,
        closed_on=timezone.localdate(),
        outcome="cdi",
        durable_solution=True,
    )


def test_a_closed_pathway_only_takes_its_exit_diagnostic(pathway, adviser, entry, definition):
    close(pathway, adviser)
    with pytest.raises(InvalidInput, match="clôturé"):
        record(pathway, adviser, "follow_up", best_answers(definition))
    exit_ = record(pathway, adviser, "exit", best_answers(definition))
    assert exit_.is_completed


def test_a_closed_pathway_without_entry_takes_no_diagnostic(pathway, adviser, definition):
    close(pathway, adviser)
    with pytest.raises(InvalidInput, match="clôturé"):
        record(pathway, adviser, "entry", best_answers(definition))


@pytest.mark.parametrize(("days", "message"), [(1, "dans le futur"), (-30, "précéder l'ouverture")])
def test_the_interview_date_lies_between_the_opening_and_today(
    pathway, adviser, definition, days, message
):
    with pytest.raises(InvalidInput, match=message):
        record(
            pathway,
            adviser,
            "entry",
            best_answers(definition),
            taken_on=timezone.localdate() + timedelta(days=days),
        )


@pytest.mark.parametrize("role", [Role.FLEET, Role.INSTRUCTOR])
def test_fleet_and_instructors_do_not_run_diagnostics(pathway, platform, definition, role):
    with pytest.raises(Forbidden):
        record(pathway, member(role, platform), "entry", best_answers(definition))


def test_an_adviser_of_another_platform_cannot_run_a_diagnostic(pathway, other_adviser, definition):
    with pytest.raises(Forbidden):
        record(pathway, other_adviser, "entry", best_answers(definition))


def test_unknown_codes_and_missing_answers_are_listed_in_french(pathway, adviser, definition):
    answers = best_answers(definition)
    del answers["reading"]
    answers["teleportation"] = "yes"
    answers["cycling"] = "unicycle"
    with pytest.raises(InvalidInput) as error:
        record(pathway, adviser, "entry", answers)
    assert set(error.value.errors) == {"reading", "teleportation", "cycling"}
    assert not Diagnostic.objects.exists()


def test_answers_for_another_version_are_refused(pathway, adviser, definition, questionnaire):
    with pytest.raises(InvalidInput) as error:
        record(
            pathway,
            adviser,
            "entry",
            best_answers(definition),
            questionnaire_version=questionnaire.version + 1,
        )
    assert "version" in error.value.errors


# ---- drafts (the interview pages)


def start(pathway, adviser, kind="entry"):
    return services.diagnostic_start(
        pathway=pathway, kind=kind, taken_on=timezone.localdate(), by=adviser
    )


def test_a_draft_saves_answers_screen_by_screen(pathway, adviser, definition):
    draft = start(pathway, adviser)
    services.diagnostic_save_answers(
        diagnostic=draft, answers={"travel_frequency": "weekly"}, step=1, by=adviser
    )
    services.diagnostic_save_answers(
        diagnostic=draft,
        answers={"map_reading": "yes", "travel_frequency": ""},
        step=2,
        by=adviser,
    )
    draft.refresh_from_db()
    assert draft.answers == {"map_reading": "yes"}  # an empty answer clears the question
    assert draft.current_step == 2
    assert draft.mobility_potential is None
    with pytest.raises(InvalidInput) as error:
        services.diagnostic_save_answers(
            diagnostic=draft, answers={"map_reading": "maybe"}, step=2, by=adviser
        )
    assert set(error.value.errors) == {"map_reading"}


def test_completing_a_draft_with_missing_required_answers_is_refused(pathway, adviser, definition):
    draft = start(pathway, adviser)
    with pytest.raises(InvalidInput) as error:
        services.diagnostic_complete(diagnostic=draft, by=adviser)
    required = {q.code for q in definition.questions if q.required}
    assert set(error.value.errors) == required
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_pathway_has_one_draft_at_a_time(pathway, adviser, entry):
    start(pathway, adviser, kind="follow_up")
    with pytest.raises(Conflict, match="en cours de saisie"):
        start(pathway, adviser, kind="exit")


def test_a_completed_diagnostic_never_changes(entry, adviser):
    with pytest.raises(Conflict):
        services.diagnostic_save_answers(
            diagnostic=entry, answers={"reading": "fluent"}, step=0, by=adviser
        )
    with pytest.raises(Conflict):
        services.diagnostic_complete(diagnostic=entry, by=adviser)


def test_a_draft_keeps_the_version_it_was_started_with(pathway, adviser, questionnaire):
    draft = start(pathway, adviser)
    new = services.questionnaire_duplicate(questionnaire=questionnaire, by=adviser)
    services.questionnaire_publish(questionnaire=new, by=adviser)
    services.diagnostic_save_answers(
        diagnostic=draft,
        answers=best_answers(questionnaire.parsed, required_only=True),
        step=7,
        by=adviser,
    )
    completed = services.diagnostic_complete(diagnostic=draft, by=adviser)
    assert completed.questionnaire == questionnaire
    assert Questionnaire.objects.current() == new


# ---- the referent is told, with the PDF


def test_the_referent_receives_the_result_with_the_pdf_summary(
    pathway, adviser, referral, definition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        diagnostic = record(pathway, adviser, "entry", worst_answers(definition))
    notification = Notification.objects.get(event="diagnostic_result")
    assert notification.referral == referral
    assert notification.created_by == adviser
    assert notification.sent_at is not None
    assert f"Potentiel de mobilité : {diagnostic.mobility_potential} / 100" in notification.body
    assert "Groupe 3" in notification.body
    message = mail.outbox[-1]
    assert message.to == [referral.referent_email]
    assert message.subject == f"Fiche de liaison n° {referral.pk} : résultat du diagnostic mobilité"
    (filename, content, mimetype) = message.attachments[0]
    assert filename == f"diagnostic-mobilite-{diagnostic.pk}-{diagnostic.taken_on:%Y-%m-%d}.pdf"
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF")


def test_no_email_leaves_when_the_diagnostic_is_refused(
    pathway, adviser, definition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidInput):
        record(pathway, adviser, "entry", {})
    assert not Notification.objects.filter(event="diagnostic_result").exists()
    assert not [m for m in mail.outbox if "diagnostic" in m.subject]


def test_a_pdf_that_cannot_be_built_is_recorded_on_the_notification(
    pathway, adviser, definition, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(pk):
        raise RuntimeError("police introuvable")

    monkeypatch.setattr("diagnostics.pdf.summary_attachment", broken)
    with django_capture_on_commit_callbacks(execute=True):
        record(pathway, adviser, "entry", best_answers(definition))
    notification = Notification.objects.get(event="diagnostic_result")
    assert notification.sent_at is None
    assert "police introuvable" in notification.send_error
