"""The interview pages, the result page, the PDF and the beneficiary file's block."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from diagnostics import services
from diagnostics.models import Diagnostic
from diagnostics.pdf import summary_attachment
from mobility import services as core_services
from mobility.enums import Role
from mobility.models import Notification
from tests.conftest import logged_in
from tests.diagnostics.conftest import best_answers, worst_answers
from tests.factories import ReferralFactory, member
from tests.nothing_written import nothing_written
from tests.pdf_text import PERSON, check_pdf, identity_never_in_an_anonymous_pdf


def screen_answers(definition, step, pick=max):
    dimension = definition.dimensions[step - 1]
    return {
        q.code: pick(q.choices, key=lambda c: c.weight).code
        for q in definition.questions_of(dimension.code)
    }


def test_an_adviser_runs_a_whole_interview_screen_by_screen(
    adviser, pathway, definition, django_capture_on_commit_callbacks
):
    client = logged_in(adviser)
    response = client.post(
        reverse("diagnostic_start", args=[pathway.pk]),
        {"kind": "entry", "taken_on": timezone.localdate().isoformat()},
    )
    diagnostic = Diagnostic.objects.get()
    assert response.url == reverse("diagnostic_step", args=[diagnostic.pk, 1])
    steps = len(definition.dimensions)
    for step in range(1, steps + 1):
        page = client.get(reverse("diagnostic_step", args=[diagnostic.pk, step]))
        assert f"Étape {step} sur {steps}" in page.content.decode()
        response = client.post(
            reverse("diagnostic_step", args=[diagnostic.pk, step]),
            screen_answers(definition, step),
        )
        expected = (
            reverse("diagnostic_step", args=[diagnostic.pk, step + 1])
            if step < steps
            else reverse("diagnostic_review", args=[diagnostic.pk])
        )
        assert response.url == expected
    review = client.get(reverse("diagnostic_review", args=[diagnostic.pk])).content.decode()
    assert "Terminer et calculer le résultat" in review
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("diagnostic_review", args=[diagnostic.pk]))
    assert response.url == reverse("diagnostic_detail", args=[diagnostic.pk])
    result = client.get(response.url).content.decode()
    assert "Potentiel de mobilité" in result
    assert "100<span> / 100</span>" in result
    # The best answers include the B licence: the orientation is "sans objet".
    assert "Sans objet : permis B déjà obtenu" in result
    assert Notification.objects.filter(event="diagnostic_result").count() == 1


def test_a_closed_tab_loses_nothing_and_the_interview_resumes_where_it_was(
    adviser, pathway, definition
):
    client = logged_in(adviser)
    draft = services.diagnostic_start(
        pathway=pathway, kind="entry", taken_on=timezone.localdate(), by=adviser
    )
    client.post(
        reverse("diagnostic_step", args=[draft.pk, 1]),
        {**screen_answers(definition, 1), "goto": "3"},
    )
    draft.refresh_from_db()
    assert draft.answers == screen_answers(definition, 1)
    # Later, from the beneficiary file: the draft is resumed on the screen last reached.
    response = client.get(reverse("diagnostic_detail", args=[draft.pk]))
    assert response.url == reverse("diagnostic_step", args=[draft.pk, 3])
    page = client.get(reverse("beneficiary_detail", args=[pathway.beneficiary_id]))
    assert "Reprendre le diagnostic d&#x27;entrée (écran 3 sur 8)" in page.content.decode()
    # Going back shows the saved answers checked.
    first = client.get(reverse("diagnostic_step", args=[draft.pk, 1])).content.decode()
    assert 'value="daily"' in first
    assert 'value="daily" required' not in first
    assert first.count("checked") == len(screen_answers(definition, 1))


def test_the_review_lists_missing_answers_and_refuses_to_complete(adviser, pathway):
    client = logged_in(adviser)
    draft = services.diagnostic_start(
        pathway=pathway, kind="entry", taken_on=timezone.localdate(), by=adviser
    )
    page = client.get(reverse("diagnostic_review", args=[draft.pk])).content.decode()
    assert "réponses obligatoires manquantes" in page
    response = client.post(reverse("diagnostic_review", args=[draft.pk]), follow=True)
    assert "Réponse obligatoire manquante" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_an_unknown_choice_posted_on_a_screen_is_a_form_error(adviser, pathway):
    client = logged_in(adviser)
    draft = services.diagnostic_start(
        pathway=pathway, kind="entry", taken_on=timezone.localdate(), by=adviser
    )
    response = client.post(
        reverse("diagnostic_step", args=[draft.pk, 1]), {"travel_frequency": "hourly"}
    )
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    draft.refresh_from_db()
    assert draft.answers == {}


def test_the_start_page_offers_only_the_kinds_possible_now(adviser, pathway, entry):
    page = logged_in(adviser).get(reverse("diagnostic_start", args=[pathway.pk]))
    content = page.content.decode()
    assert 'value="follow_up"' in content
    assert 'value="exit"' in content
    assert 'value="entry"' not in content


def test_a_second_entry_posted_anyway_is_refused_on_the_form(adviser, pathway, entry):
    response = logged_in(adviser).post(
        reverse("diagnostic_start", args=[pathway.pk]),
        {"kind": "entry", "taken_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    assert Diagnostic.objects.count() == 1


# Issue 10: the answers are not fleet staff's or instructors' business.
@pytest.mark.parametrize("role", [Role.FLEET, Role.INSTRUCTOR])
def test_fleet_and_instructors_neither_read_results_nor_run_interviews(
    platform, pathway, entry, adviser, role
):
    client = logged_in(member(role, platform))
    with nothing_written():
        assert client.get(reverse("diagnostic_detail", args=[entry.pk])).status_code == 403
    with nothing_written():
        assert client.get(reverse("diagnostic_pdf", args=[entry.pk])).status_code == 403
    with nothing_written():
        assert client.get(reverse("diagnostic_start", args=[pathway.pk])).status_code == 403
    draft = services.diagnostic_start(
        pathway=pathway, kind="follow_up", taken_on=timezone.localdate(), by=adviser
    )
    with nothing_written():
        assert client.get(reverse("diagnostic_step", args=[draft.pk, 1])).status_code == 403
    with nothing_written():
        assert client.get(reverse("diagnostic_detail", args=[draft.pk])).status_code == 403


@pytest.mark.parametrize("role", [Role.PRESCRIBER, Role.FUNDER])
def test_prescribers_and_funders_see_no_diagnostic_page(platform, pathway, entry, role):
    client = logged_in(member(role, platform))
    for url in (
        reverse("diagnostic_detail", args=[entry.pk]),
        reverse("diagnostic_pdf", args=[entry.pk]),
        reverse("diagnostic_start", args=[pathway.pk]),
    ):
        with nothing_written():
            assert client.get(url).status_code == 403


def test_another_platforms_diagnostic_is_not_found(other_adviser, pathway, entry):
    client = logged_in(other_adviser)
    with nothing_written():
        assert client.get(reverse("diagnostic_detail", args=[entry.pk])).status_code == 404
    with nothing_written():
        assert client.get(reverse("diagnostic_pdf", args=[entry.pk])).status_code == 404
    with nothing_written():
        assert client.get(reverse("diagnostic_start", args=[pathway.pk])).status_code == 404


def test_the_summary_downloads_as_a_pdf_without_address_or_birth_date(
    adviser, prescriber_org, definition
):
    # The summary travels by email: first name and initial, the result, nothing else of
    # the person.
    referral = ReferralFactory(prescriber=prescriber_org, **PERSON)
    pathway = core_services.referral_accept(referral=referral, by=adviser).pathway
    entry = services.diagnostic_record(
        pathway=pathway,
        kind="entry",
        taken_on=pathway.opened_on,
        answers=worst_answers(definition, required_only=True),
        by=adviser,
    )
    response = logged_in(adviser).get(reverse("diagnostic_pdf", args=[entry.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "diagnostic-mobilite-" in response["Content-Disposition"]
    check_pdf(
        response.content,
        has=["Yasmina B.", f"{entry.mobility_potential} / 100", prescriber_org.platform.name],
        never=identity_never_in_an_anonymous_pdf(),
    )
    _name, attached, _type = summary_attachment(entry.pk)
    check_pdf(attached, has=["Yasmina B."], never=identity_never_in_an_anonymous_pdf())


def test_the_pdf_template_shows_first_name_and_initial_only(entry):
    from diagnostics.pdf import load_for_pdf, person_label

    beneficiary = entry.pathway.beneficiary
    diagnostic = load_for_pdf(entry.pk)
    assert person_label(diagnostic) == f"{beneficiary.first_name} {beneficiary.last_name[0]}."


def test_the_beneficiary_file_shows_the_progress_at_a_glance(adviser, pathway, entry, definition):
    services.diagnostic_record(
        pathway=pathway,
        kind="exit",
        taken_on=timezone.localdate(),
        answers=best_answers(definition),
        by=adviser,
    )
    page = logged_in(adviser).get(reverse("beneficiary_detail", args=[pathway.beneficiary_id]))
    content = page.content.decode()
    assert "Diagnostics mobilité" in content
    assert "+100 points" in content
    assert content.count('class="diag-bars__row"') == len(definition.dimensions)


def test_the_beneficiary_file_costs_the_same_queries_whatever_the_diagnostics(
    adviser, pathway, entry, definition
):
    client = logged_in(adviser)
    url = reverse("beneficiary_detail", args=[pathway.beneficiary_id])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(3):
        services.diagnostic_record(
            pathway=pathway,
            kind="follow_up",
            taken_on=timezone.localdate(),
            answers=best_answers(definition),
            by=adviser,
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_interview_and_result_pages_cost_a_bounded_number_of_queries(adviser, pathway, entry):
    client = logged_in(adviser)
    draft = services.diagnostic_start(
        pathway=pathway, kind="follow_up", taken_on=timezone.localdate(), by=adviser
    )
    for url, limit in (
        (reverse("diagnostic_step", args=[draft.pk, 1]), 8),
        (reverse("diagnostic_review", args=[draft.pk]), 8),
        (reverse("diagnostic_detail", args=[entry.pk]), 8),
    ):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) <= limit, [q["sql"] for q in queries]
