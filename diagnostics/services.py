"""Every write of the diagnostics module. The pages and the API call these.

A diagnostic is started as a draft (the interview page saves each screen), then
completed: the answers are scored by diagnostics.scoring with the version the draft was
started with, the result is stored, and the referents receive the summary (PDF) once
the transaction has committed. The API records a whole diagnostic in one call.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from diagnostics import scoring
from diagnostics.enums import DiagnosticKind, DiagnosticStatus
from diagnostics.models import Diagnostic, Questionnaire
from mobility import notifications
from mobility.enums import (
    CASEWORK_ROLES,
    NotificationAttachment,
    NotificationEvent,
    PathwayStatus,
    ReferralStatus,
)
from mobility.errors import Conflict, Forbidden, InvalidInput, NotFound
from mobility.models import Pathway, User
from mobility.services import save_with_author


def _require_casework(user: User, platform_id: int) -> None:
    if platform_id not in user.platform_ids(CASEWORK_ROLES):
        raise Forbidden(
            "Seul·es les conseiller·ères et administrateur·rices de la plateforme "
            "font passer les diagnostics."
        )


def current_questionnaire() -> Questionnaire:
    questionnaire = Questionnaire.objects.current()
    if questionnaire is None:
        raise NotFound("Aucune version du questionnaire de diagnostic n'est en service.")
    return questionnaire


def taking_problems(
    *,
    kind: str,
    taken_on: date,
    pathway_open: bool,
    opened_on: date,
    today: date,
    entry_taken_on: date | None,
    exit_exists: bool,
) -> dict[str, str]:
    """Why a diagnostic of `kind` cannot be taken on this pathway now (empty if it can).

    `entry_taken_on` is the date of the completed entry diagnostic (None if there is
    none yet). On a closed pathway only the exit diagnostic may still be recorded: the
    exit interview is often typed in after the closing, and it is the proof of progress.
    """
    problems: dict[str, str] = {}
    if kind not in DiagnosticKind.values:
        return {"kind": "Le type de diagnostic est entry, follow_up ou exit."}
    if not pathway_open and kind != DiagnosticKind.EXIT:
        problems["pathway"] = (
            "Ce parcours est clôturé : seul le diagnostic de sortie peut encore être saisi."
        )
    if kind != DiagnosticKind.ENTRY and entry_taken_on is None:
        problems["kind"] = "Faites d'abord le diagnostic d'entrée de ce parcours."
    if kind == DiagnosticKind.FOLLOW_UP and exit_exists:
        problems["kind"] = "Le diagnostic de sortie est fait : le parcours n'a plus de suivi."
    if taken_on > today:
        problems["date"] = "La date de l'entretien ne peut pas être dans le futur."
    elif taken_on < opened_on:
        problems["date"] = "La date de l'entretien ne peut pas précéder l'ouverture du parcours."
    elif entry_taken_on is not None and kind != DiagnosticKind.ENTRY and taken_on < entry_taken_on:
        problems["date"] = "Ce diagnostic ne peut pas précéder le diagnostic d'entrée."
    return problems


def _check_taking(pathway: Pathway, kind: str, taken_on: date, *, exclude: int | None) -> None:
    others = pathway.diagnostics.exclude(pk=exclude)
    if kind in (DiagnosticKind.ENTRY, DiagnosticKind.EXIT) and others.filter(kind=kind).exists():
        raise Conflict(
            f"Ce parcours a déjà un {DiagnosticKind(kind).label} (terminé ou en cours de saisie)."
        )
    entry = others.completed().filter(kind=DiagnosticKind.ENTRY).first()
    problems = taking_problems(
        kind=kind,
        taken_on=taken_on,
        pathway_open=pathway.status == PathwayStatus.OPEN,
        opened_on=pathway.opened_on,
        today=timezone.localdate(),
        entry_taken_on=entry.taken_on if entry else None,
        exit_exists=others.filter(kind=DiagnosticKind.EXIT).exists(),
    )
    if problems:
        raise InvalidInput(" ".join(problems.values()), errors=problems)


def _lock_pathway(pathway: Pathway) -> Pathway:
    # Every diagnostic write locks its pathway first: checks then writes are serialised.
    return Pathway.objects.select_for_update().get(pk=pathway.pk)


@transaction.atomic
def diagnostic_start(
    *, pathway: Pathway, kind: str, taken_on: date, by: User, questionnaire=None
) -> Diagnostic:
    """Open a draft diagnostic with the questionnaire in service (or the one given)."""
    pathway = _lock_pathway(pathway)
    _require_casework(by, pathway.platform_id)
    draft = pathway.diagnostics.drafts().first()
    if draft is not None:
        raise Conflict(
            f"Un {draft.get_kind_display()} est déjà en cours de saisie sur ce parcours : "
            "reprenez-le."
        )
    _check_taking(pathway, kind, taken_on, exclude=None)
    return save_with_author(
        Diagnostic(
            platform_id=pathway.platform_id,
            pathway=pathway,
            kind=kind,
            taken_on=taken_on,
            questionnaire=questionnaire or current_questionnaire(),
            adviser=by,
        ),
        by=by,
    )


def _lock_draft(diagnostic: Diagnostic, by: User) -> Diagnostic:
    _lock_pathway(diagnostic.pathway)
    diagnostic = (
        Diagnostic.objects.select_for_update(of=("self",))
        .select_related("questionnaire", "pathway")
        .get(pk=diagnostic.pk)
    )
    _require_casework(by, diagnostic.platform_id)
    if diagnostic.status != DiagnosticStatus.DRAFT:
        raise Conflict("Ce diagnostic est terminé : ses réponses ne changent plus.")
    return diagnostic


def _answer_errors(problems: dict[str, str]) -> InvalidInput:
    return InvalidInput(
        "Les réponses ne correspondent pas au questionnaire : "
        + " ; ".join(problems.values())
        + ".",
        errors=problems,
    )


@transaction.atomic
def diagnostic_save_answers(
    *, diagnostic: Diagnostic, answers: Mapping[str, str], step: int, by: User
) -> Diagnostic:
    """Save a screen of answers into a draft (an empty answer clears the question)."""
    diagnostic = _lock_draft(diagnostic, by)
    definition = diagnostic.questionnaire.parsed
    problems = scoring.answer_problems(definition, answers, complete=False)
    if problems:
        raise _answer_errors(problems)
    merged = {**diagnostic.answers, **answers}
    diagnostic.answers = {code: choice for code, choice in merged.items() if choice}
    diagnostic.current_step = max(0, min(step, len(definition.dimensions) - 1))
    return save_with_author(diagnostic, by=by)


@transaction.atomic
def diagnostic_complete(*, diagnostic: Diagnostic, by: User) -> Diagnostic:
    """Score the draft's answers, store the result and send the summary to the referents."""
    diagnostic = _lock_draft(diagnostic, by)
    _check_taking(diagnostic.pathway, diagnostic.kind, diagnostic.taken_on, exclude=diagnostic.pk)
    licence_held = diagnostic.pathway.beneficiary.licence_held
    try:
        result = scoring.score(
            diagnostic.questionnaire.parsed, diagnostic.answers, holds_licence=licence_held
        )
    except scoring.AnswersError as error:
        raise _answer_errors(error.problems) from error
    diagnostic.licence_held = licence_held
    diagnostic.status = DiagnosticStatus.COMPLETED
    diagnostic.mobility_potential = result.mobility_potential
    diagnostic.dimension_scores = result.dimensions
    diagnostic.orientation_group = result.orientation_group
    diagnostic.recommendations = list(result.recommendations)
    diagnostic.completed_at = timezone.now()
    save_with_author(diagnostic, by=by)
    _notify_referents(diagnostic, result, by=by)
    return diagnostic


@transaction.atomic
def diagnostic_record(
    *,
    pathway: Pathway,
    kind: str,
    taken_on: date,
    answers: Mapping[str, str],
    by: User,
    questionnaire_version: int | None = None,
) -> Diagnostic:
    """Record a whole diagnostic at once (the API): start, answer and complete."""
    questionnaire = current_questionnaire()
    problems = scoring.answer_problems(questionnaire.parsed, answers, version=questionnaire_version)
    if problems:
        raise _answer_errors(problems)
    diagnostic = diagnostic_start(
        pathway=pathway, kind=kind, taken_on=taken_on, by=by, questionnaire=questionnaire
    )
    diagnostic = diagnostic_save_answers(diagnostic=diagnostic, answers=answers, step=0, by=by)
    return diagnostic_complete(diagnostic=diagnostic, by=by)


def _notify_referents(diagnostic: Diagnostic, result: scoring.Result, *, by: User) -> None:
    """Each referent of the pathway's referrals receives the result and the PDF summary."""
    definition = diagnostic.questionnaire.parsed
    context = {
        "diagnostic": diagnostic,
        "group": definition.group(result.orientation_group),
        "services": [definition.services[code] for code in result.recommendations],
    }
    referrals = diagnostic.pathway.referrals.filter(
        status__in=[ReferralStatus.ACCEPTED, ReferralStatus.CLOSED]
    ).select_related("platform", "pathway")
    for referral in referrals.order_by("pk"):
        notifications.notify_referent(
            referral=referral,
            event=NotificationEvent.DIAGNOSTIC_RESULT,
            by=by,
            context=context,
            # Built by the task that sends the email, so WeasyPrint never slows the page.
            attachment=NotificationAttachment.DIAGNOSTIC_SUMMARY,
            attachment_object_id=diagnostic.pk,
        )


# ---- questionnaire versions (the admin's actions)


@transaction.atomic
def questionnaire_duplicate(*, questionnaire: Questionnaire, by: User | None) -> Questionnaire:
    """A new draft version, copy of `questionnaire`, to edit before publishing it."""
    last = Questionnaire.objects.select_for_update().order_by("-version").first()
    return save_with_author(
        Questionnaire(
            version=last.version + 1,
            title=questionnaire.title,
            notes=f"Copie de la version {questionnaire.version}.",
            definition=questionnaire.definition,
            created_by=by,
        ),
        by=by,
    )


@transaction.atomic
def questionnaire_publish(*, questionnaire: Questionnaire, by: User | None) -> Questionnaire:
    """Put a version in service; from now on it never changes. Drafts in progress keep
    the version they were started with."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    try:
        scoring.parse_definition(questionnaire.version, questionnaire.definition)
    except scoring.DefinitionError as error:
        raise InvalidInput(str(error), errors={"definition": " ; ".join(error.problems)}) from error
    for previous in Questionnaire.objects.select_for_update().filter(is_current=True):
        previous.is_current = False
        save_with_author(previous, by=by)
    questionnaire.is_current = True
    questionnaire.published_at = questionnaire.published_at or timezone.now()
    return save_with_author(questionnaire, by=by)


QUESTIONNAIRES_DIR = Path(__file__).resolve().parent / "questionnaires"
# The versions the software ships, oldest first; the last one is put in service.
SHIPPED_QUESTIONNAIRE_FILES = ("default_v1.json", "default_v2.json")


def install_default_questionnaire(*, using: str = "default") -> None:
    """Put the shipped questionnaires in place when the database has none, the newest in
    service (what migrations 0002 and 0004 leave).

    The migrations load them once; this runs after every migrate and after the flush of a
    transactional test, which empties the tables but replays no data migration.
    """
    if Questionnaire.objects.using(using).exists():
        return
    now = timezone.now()
    for index, name in enumerate(SHIPPED_QUESTIONNAIRE_FILES, start=1):
        document = json.loads((QUESTIONNAIRES_DIR / name).read_text(encoding="utf-8"))
        Questionnaire.objects.using(using).create(
            version=document["version"],
            title=document["title"],
            notes=document.get("notes", ""),
            definition=document["definition"],
            is_current=index == len(SHIPPED_QUESTIONNAIRE_FILES),
            published_at=now,
        )
