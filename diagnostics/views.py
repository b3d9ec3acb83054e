"""The interview pages: start, one screen per dimension, review, result, PDF.

Thin like the API handlers: scope with `for_user`, call one service, show DomainErrors.
Advisers and admins of the pathway's platform run and read diagnostics; the answers are
not the business of fleet staff and instructors (mobility/visibility.py), nor of
prescribers and funders.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from diagnostics import scoring, selectors, services
from diagnostics.enums import DiagnosticKind
from diagnostics.forms import DiagnosticStartForm, DimensionAnswersForm
from diagnostics.models import Diagnostic
from mobility.enums import CASEWORK_ROLES, STAFF_ROLES, PathwayStatus
from mobility.errors import DomainError, InvalidInput
from mobility.forms import add_domain_errors
from mobility.models import Pathway
from mobility.views import role_required
from mobility.visibility import DIAGNOSTICS, user_sees


def _diagnostic_for(request, pk) -> Diagnostic:
    """A diagnostic of the user's platforms (else 404) they may read (else 403)."""
    diagnostic = get_object_or_404(
        Diagnostic.objects.for_user(request.user).select_related(
            "questionnaire", "pathway__beneficiary", "adviser", "platform"
        ),
        pk=pk,
    )
    if not user_sees(request.user, diagnostic.platform_id, DIAGNOSTICS):
        raise PermissionDenied
    return diagnostic


def _draft_for(request, pk) -> Diagnostic:
    """A draft the user may fill in; a completed diagnostic redirects to its result."""
    diagnostic = _diagnostic_for(request, pk)
    if diagnostic.platform_id not in request.user.platform_ids(CASEWORK_ROLES):
        raise PermissionDenied
    return diagnostic


@role_required(*CASEWORK_ROLES)
def diagnostic_start(request, pathway_pk):
    pathway = get_object_or_404(
        Pathway.objects.for_user(request.user).select_related("beneficiary"), pk=pathway_pk
    )
    if pathway.platform_id not in request.user.platform_ids(CASEWORK_ROLES):
        raise PermissionDenied
    draft = pathway.diagnostics.drafts().first()
    if draft is not None:
        messages.info(request, _("Un diagnostic est en cours de saisie : vous le reprenez."))
        return redirect("diagnostic_detail", pk=draft.pk)
    done = set(pathway.diagnostics.values_list("kind", flat=True))
    kinds = [DiagnosticKind.ENTRY] if DiagnosticKind.ENTRY not in done else []
    if DiagnosticKind.ENTRY in done and DiagnosticKind.EXIT not in done:
        kinds += [DiagnosticKind.FOLLOW_UP, DiagnosticKind.EXIT]
    if pathway.status != PathwayStatus.OPEN:  # services.taking_problems says why
        kinds = [kind for kind in kinds if kind == DiagnosticKind.EXIT]
    form = DiagnosticStartForm(request.POST or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        try:
            diagnostic = services.diagnostic_start(
                pathway=pathway,
                kind=form.cleaned_data["kind"],
                taken_on=form.cleaned_data["taken_on"],
                by=request.user,
            )
        except DomainError as error:
            add_domain_errors(form, error, aliases=DiagnosticStartForm.ERROR_ALIASES)
        else:
            return redirect("diagnostic_step", pk=diagnostic.pk, step=1)
    return render(
        request,
        "diagnostics/start.html",
        {"pathway": pathway, "beneficiary": pathway.beneficiary, "form": form, "kinds": kinds},
    )


def _steps(diagnostic: Diagnostic) -> list[dict]:
    """The interview's screens with, for each, how many questions are answered."""
    definition = diagnostic.questionnaire.parsed
    steps = []
    for number, dimension in enumerate(definition.dimensions, start=1):
        questions = definition.questions_of(dimension.code)
        answered = sum(1 for q in questions if q.code in diagnostic.answers)
        missing = sum(1 for q in questions if q.required and q.code not in diagnostic.answers)
        steps.append(
            {
                "number": number,
                "dimension": dimension,
                "questions": questions,
                "answered": answered,
                "total": len(questions),
                "missing": missing,
            }
        )
    return steps


@role_required(*CASEWORK_ROLES)
def diagnostic_step(request, pk, step):
    diagnostic = _draft_for(request, pk)
    if diagnostic.is_completed:
        return redirect("diagnostic_detail", pk=diagnostic.pk)
    steps = _steps(diagnostic)
    if not 1 <= step <= len(steps):
        raise Http404
    current = steps[step - 1]
    form = DimensionAnswersForm(
        request.POST or None, initial=diagnostic.answers, questions=current["questions"]
    )
    if request.method == "POST" and form.is_valid():
        target = _target_step(request.POST, step, len(steps))
        try:
            services.diagnostic_save_answers(
                diagnostic=diagnostic,
                answers=form.answers(),
                step=(target or len(steps)) - 1,
                by=request.user,
            )
        except InvalidInput as error:
            add_domain_errors(form, error)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("diagnostic_detail", pk=diagnostic.pk)
        else:
            if target is None:
                return redirect("diagnostic_review", pk=diagnostic.pk)
            return redirect("diagnostic_step", pk=diagnostic.pk, step=target)
    return render(
        request,
        "diagnostics/step.html",
        {
            "diagnostic": diagnostic,
            "beneficiary": diagnostic.pathway.beneficiary,
            "steps": steps,
            "step": current,
            "form": form,
            "percent": round(100 * (step - 1) / len(steps)),
            "is_last": step == len(steps),
        },
    )


def _target_step(data, step: int, count: int) -> int | None:
    """Where the adviser asked to go after saving: a step number, or None for the review."""
    if "review" in data:
        return None
    if "previous" in data:
        return max(1, step - 1)
    goto = data.get("goto", "")
    if goto.isdigit() and 1 <= int(goto) <= count:
        return int(goto)
    return step + 1 if step < count else None


@role_required(*CASEWORK_ROLES)
def diagnostic_review(request, pk):
    diagnostic = _draft_for(request, pk)
    if diagnostic.is_completed:
        return redirect("diagnostic_detail", pk=diagnostic.pk)
    if request.method == "POST":
        try:
            services.diagnostic_complete(diagnostic=diagnostic, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Diagnostic terminé : la synthèse est envoyée au ou à la référent·e."),
            )
            return redirect("diagnostic_detail", pk=diagnostic.pk)
    steps = _steps(diagnostic)
    missing = scoring.answer_problems(diagnostic.questionnaire.parsed, diagnostic.answers)
    return render(
        request,
        "diagnostics/review.html",
        {
            "diagnostic": diagnostic,
            "beneficiary": diagnostic.pathway.beneficiary,
            "steps": steps,
            "missing_count": len(missing),
        },
    )


@role_required(*STAFF_ROLES)
def diagnostic_detail(request, pk):
    diagnostic = _diagnostic_for(request, pk)
    if not diagnostic.is_completed:
        if diagnostic.platform_id not in request.user.platform_ids(CASEWORK_ROLES):
            raise Http404  # a draft is the adviser's work in progress
        return redirect("diagnostic_step", pk=diagnostic.pk, step=diagnostic.current_step + 1)
    summary = selectors.summary(diagnostic, entry=selectors.entry_of(diagnostic))
    definition = diagnostic.questionnaire.parsed
    answers = [
        {
            "dimension": dimension,
            "rows": [
                (
                    question,
                    question.choice(diagnostic.answers[question.code])
                    if question.code in diagnostic.answers
                    else None,
                )
                for question in definition.questions_of(dimension.code)
            ],
        }
        for dimension in definition.dimensions
    ]
    return render(
        request,
        "diagnostics/detail.html",
        {
            "diagnostic": diagnostic,
            "beneficiary": diagnostic.pathway.beneficiary,
            "summary": summary,
            "answers": answers,
        },
    )


@role_required(*STAFF_ROLES)
def diagnostic_pdf(request, pk):
    from diagnostics import pdf  # WeasyPrint loads only when a PDF is asked for

    diagnostic = _diagnostic_for(request, pk)
    if not diagnostic.is_completed:
        raise Http404
    response = HttpResponse(pdf.render_summary_pdf(diagnostic), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf.summary_filename(diagnostic)}"'
    return response
