"""A fiche's list of needs cannot be longer than the catalogue of needs."""

from mobility.enums import Need
from mobility.models import Referral
from tests.api.conftest import referral_body


def test_a_fiche_with_a_thousand_needs_is_a_french_422(api, prescriber, prescriber_org):
    body = referral_body(prescriber_org.pk, needs=["driving_school"] * 1000)
    response = api(prescriber).post("/api/v1/referrals", body)
    assert response.status_code == 422
    assert response.json()["errors"]["needs"] == f"trop d'éléments ({len(Need)} au plus)"
    assert not Referral.objects.exists()


def test_a_fiche_may_ask_for_every_need(api, prescriber, prescriber_org):
    body = referral_body(prescriber_org.pk, needs=list(Need.values))
    response = api(prescriber).post("/api/v1/referrals", body)
    assert response.status_code == 201, response.content
