"""The referent hears of each step of the driving school: an unexcused absence (with a text
that agrees with the threshold), an exclusion and its reason, each exam result, a released
tranche."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from drivingschool import assiduity, services
from drivingschool.models import FundingTranche
from mobility.models import Notification
from tests.drivingschool.conftest import enrol, lesson, mark

# ---- the absence text, for every threshold and count (pure)


@pytest.mark.parametrize("threshold", range(1, 7))
@pytest.mark.parametrize("absences", range(1, 9))
def test_the_absence_notice_agrees_with_the_threshold(threshold, absences):
    text = assiduity.exclusion_notice(unexcused_absences=absences, threshold=threshold)
    assert "au-delà" not in text.lower()
    expected_rule = (
        "à partir de 1 absence injustifiée"
        if threshold == 1
        else f"à partir de {threshold} absences injustifiées"
    )
    assert expected_rule in text
    assert not re.search(r"\b1 absences\b", text)
    assert not re.search(r"\b([2-9]|\d\d+) absence injustifiée\b", text)
    if absences >= threshold:
        assert "l'exclusion est donc proposée" in text
        assert "encore" not in text
    else:
        left = threshold - absences
        word = "absence injustifiée" if left == 1 else "absences injustifiées"
        assert f"encore {left} {word} et elle sera proposée" in text


def test_the_issue_cases_read_right():
    # The proposal comes at 3: the third absence says so, never "au-delà de 3".
    assert assiduity.exclusion_notice(unexcused_absences=3, threshold=3).startswith(
        "Le programme propose l'exclusion à partir de 3 absences injustifiées : c'est le cas"
    )
    assert "encore 1 absence injustifiée" in assiduity.exclusion_notice(
        unexcused_absences=2, threshold=3
    )
    assert "à partir de 1 absence injustifiée : c'est le cas" in assiduity.exclusion_notice(
        unexcused_absences=1, threshold=1
    )


def test_the_phrases_are_french_singular_and_plural():
    assert assiduity.absences_phrase(0) == "0 absence injustifiée"
    assert assiduity.absences_phrase(1) == "1 absence injustifiée"
    assert assiduity.absences_phrase(2) == "2 absences injustifiées"
    assert [assiduity.ordinal(n) for n in (1, 2, 3)] == ["1re", "2e", "3e"]


@pytest.mark.parametrize(("absences", "threshold"), [(-1, 3), (0, 0)])
def test_the_notice_refuses_impossible_numbers(absences, threshold):
    with pytest.raises(ValueError):
        assiduity.exclusion_notice(unexcused_absences=absences, threshold=threshold)


# ---- through the services: what the referent receives

pytestmark_db = pytest.mark.django_db


def bodies(event):
    return [n.body for n in Notification.objects.filter(event=event).order_by("pk")]


@pytestmark_db
def test_the_third_absence_of_three_tells_the_proposal_without_au_dela(
    adviser, instructor, prescriber_org
):
    one = enrol(prescriber_org, adviser)
    for day in (3, 2, 1):
        mark(instructor, lesson(instructor, [one], days_ago=day), one, "unexcused")
    first, second, third = bodies("absence_unexcused")
    assert "C'est sa 1re absence injustifiée" in first
    assert "encore 2 absences injustifiées et elle sera proposée" in first
    assert "encore 1 absence injustifiée et elle sera proposée" in second
    assert "C'est sa 3e absence injustifiée" in third
    assert "à partir de 3 absences injustifiées : c'est le cas" in third
    assert all("Au-delà" not in body for body in (first, second, third))


@pytestmark_db
def test_with_a_threshold_of_one_the_text_is_singular(adviser, instructor, prescriber_org):
    one = enrol(prescriber_org, adviser)
    programme = one.programme
    programme.exclusion_threshold = 1
    programme.save()
    mark(instructor, lesson(instructor, [one]), one, "unexcused")
    (body,) = bodies("absence_unexcused")
    assert "à partir de 1 absence injustifiée" in body
    assert "1 absences" not in body


@pytestmark_db
def test_the_referent_hears_of_an_exclusion_and_its_reason(adviser, instructor, prescriber_org):
    one = enrol(prescriber_org, adviser)
    mark(instructor, lesson(instructor, [one]), one, "unexcused")
    services.enrolment_exclude(by=adviser, enrolment=one, reason="Abandon annoncé par écrit.")
    (notification,) = Notification.objects.filter(event="driving_exclusion")
    assert notification.referral == one.pathway.referrals.get()
    assert notification.created_by == adviser
    assert "exclusion" in notification.subject
    assert "Motif de la décision : Abandon annoncé par écrit." in notification.body
    assert "Absences injustifiées relevées jusqu'ici : 1." in notification.body


@pytestmark_db
def test_the_referent_hears_of_each_exam_result(adviser, instructor, prescriber_org):
    one = enrol(prescriber_org, adviser)
    mark(instructor, lesson(instructor, [one], days_ago=5), one)
    today = timezone.localdate()
    for days_ago, passed in ((3, False), (1, True)):
        services.exam_record(
            by=instructor,
            enrolment=one,
            kind="theory",
            exam_date=today - timedelta(days=days_ago),
            passed=passed,
        )
    failed, succeeded = bodies("driving_exam_result")
    assert "a passé l'examen du code (ETG)" in failed and "non réussi" in failed
    assert "passage n° 1" in failed
    assert ": réussi." in succeeded
    assert "assiduité au code d'au moins 80 %" in succeeded


@pytestmark_db
def test_the_referent_hears_of_a_released_tranche_once_per_release(
    adviser, instructor, prescriber_org
):
    one = enrol(prescriber_org, adviser)
    assert bodies("driving_tranche_released") == []
    services.enrolment_sign_agreement(by=adviser, enrolment=one, signed_on=timezone.localdate())
    (theory,) = bodies("driving_tranche_released")
    assert "tranche 1 : code" in theory
    assert "120,00 €" in theory  # 20 h of code at 6 €
    mark(instructor, lesson(instructor, [one], days_ago=2), one)
    services.exam_record(
        by=instructor, enrolment=one, kind="theory", exam_date=timezone.localdate(), passed=True
    )
    released = bodies("driving_tranche_released")
    assert len(released) == 2
    assert "tranche 2 : conduite" in released[1]
    assert "leçons de conduite sont financées" in released[1]
    assert FundingTranche.objects.get(enrolment=one, kind="practical").status == "released"


@pytestmark_db
def test_a_forced_release_tells_its_reason(admin_user, adviser, prescriber_org):
    one = enrol(prescriber_org, adviser)
    tranche = FundingTranche.objects.get(enrolment=one, kind="practical")
    services.tranche_release(
        by=admin_user, tranche=tranche, override_reason="Accord écrit du Département."
    )
    (body,) = bodies("driving_tranche_released")
    assert "motif : Accord écrit du Département." in body
    assert Decimal(tranche.amount) == Decimal("180.00")
    assert "180,00 €" in body
