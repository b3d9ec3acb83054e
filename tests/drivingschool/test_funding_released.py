"""One meaning of "the practical tranche is released", said alike by the page and the API."""

import pytest
from django.urls import reverse
from django.utils import timezone

from drivingschool import assiduity, selectors, services
from drivingschool.models import FundingTranche
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db
BASE = "/api/v1/drivingschool"
OPEN = assiduity.Gate(blocking=())
CLOSED = assiduity.Gate(blocking=("theory_not_passed",))


@pytest.mark.parametrize(
    ("status", "gate", "released"),
    [
        ("pending", CLOSED, False),
        ("pending", OPEN, True),
        ("released", CLOSED, True),  # a release an administrator forced
        ("released", OPEN, True),
        ("paid", CLOSED, True),
        (None, CLOSED, False),
    ],
)
def test_funding_is_released_when_nothing_blocks_or_the_tranche_was_released(
    status, gate, released
):
    assert assiduity.funding_released(tranche_status=status, gate=gate) is released


def home_says_released(adviser) -> bool:
    page = logged_in(adviser).get(reverse("drivingschool:home")).content.decode()
    return 'badge--released">débloquée' in page


def api_says_released(api, adviser, enrolment) -> bool:
    body = api(adviser).get(f"{BASE}/enrolments/{enrolment.pk}").json()
    return body["practical_funding"]["released"]


def test_a_blocked_practical_tranche_is_not_released_on_the_page_nor_in_the_api(
    api, adviser, enrolment
):
    assert selectors.state_of(enrolment).practical_released is False
    assert api_says_released(api, adviser, enrolment) is False
    assert home_says_released(adviser) is False


def test_a_forced_practical_tranche_is_released_on_the_page_as_in_the_api(
    api, adviser, admin_user, enrolment
):
    tranche = FundingTranche.objects.get(enrolment=enrolment, kind="practical")
    services.tranche_release(
        by=admin_user, tranche=tranche, override_reason="Accord écrit du Département."
    )
    assert selectors.state_of(enrolment).practical_gate.blocking  # the gate is still closed
    assert selectors.state_of(enrolment).practical_released is True
    assert api_says_released(api, adviser, enrolment) is True
    assert home_says_released(adviser) is True


def test_a_paid_practical_tranche_stays_released_on_the_page_as_in_the_api(
    api, adviser, admin_user, enrolment
):
    tranche = FundingTranche.objects.get(enrolment=enrolment, kind="practical")
    services.tranche_release(by=admin_user, tranche=tranche, override_reason="Accord écrit.")
    services.tranche_mark_paid(by=adviser, tranche=tranche, paid_on=timezone.localdate())
    assert api_says_released(api, adviser, enrolment) is True
    assert home_says_released(adviser) is True
