from datetime import timedelta

from mobility import services
from mobility.models import Beneficiary, Notification, Pathway, Referral
from tests.factories import BeneficiaryFactory, ReferralFactory


def test_an_adviser_accepts_a_referral_and_gets_the_beneficiary_and_pathway(api, adviser, referral):
    response = api(adviser).post(f"/api/v1/referrals/{referral.pk}/accept")

    assert response.status_code == 200, response.content
    body = response.json()
    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert body["beneficiary_id"] == referral.beneficiary_id
    assert body["pathway_id"] == referral.pathway_id
    assert Notification.objects.filter(referral=referral, event="referral_accepted").exists()


def test_a_referral_accepted_twice_is_a_409(api, adviser, referral):
    client = api(adviser)
    assert client.post(f"/api/v1/referrals/{referral.pk}/accept").status_code == 200
    response = client.post(f"/api/v1/referrals/{referral.pk}/accept")
    assert response.status_code == 409
    assert "acceptée" in response.json()["detail"]
    assert Pathway.objects.count() == 1


def test_a_duplicate_person_is_a_409_naming_the_candidates(api, adviser, referral):
    existing = BeneficiaryFactory(
        platform=referral.platform,
        first_name=referral.first_name,
        last_name=referral.last_name.upper(),
        birth_date=referral.birth_date,
    )
    client = api(adviser)

    response = client.post(f"/api/v1/referrals/{referral.pk}/accept")
    assert response.status_code == 409
    assert response.json()["candidates"] == [existing.pk]
    assert Beneficiary.objects.count() == 1

    response = client.post(
        f"/api/v1/referrals/{referral.pk}/accept", {"beneficiary_id": existing.pk}
    )
    assert response.status_code == 200
    assert response.json()["beneficiary_id"] == existing.pk
    assert Beneficiary.objects.count() == 1


def test_the_same_person_on_another_platform_is_no_duplicate(
    api, adviser, referral, other_platform
):
    # Another platform's file is none of this platform's business: the 409 would name it.
    elsewhere = BeneficiaryFactory(
        platform=other_platform,
        first_name=referral.first_name,
        last_name=referral.last_name,
        birth_date=referral.birth_date,
    )
    response = api(adviser).post(f"/api/v1/referrals/{referral.pk}/accept")
    assert response.status_code == 200, response.content
    assert response.json()["beneficiary_id"] != elsewhere.pk
    assert str(elsewhere.pk) not in response.json().get("detail", "")
    assert Beneficiary.objects.filter(platform=referral.platform).count() == 1
    assert Beneficiary.objects.count() == 2


def test_the_same_name_born_another_day_is_no_duplicate(api, adviser, referral):
    namesake = BeneficiaryFactory(
        platform=referral.platform,
        first_name=referral.first_name,
        last_name=referral.last_name,
        birth_date=referral.birth_date - timedelta(days=1),
    )
    response = api(adviser).post(f"/api/v1/referrals/{referral.pk}/accept")
    assert response.status_code == 200, response.content
    assert response.json()["beneficiary_id"] != namesake.pk
    assert Beneficiary.objects.count() == 2


def test_a_homonym_can_be_declared_another_person(api, adviser, referral):
    BeneficiaryFactory(
        platform=referral.platform,
        first_name=referral.first_name,
        last_name=referral.last_name,
        birth_date=referral.birth_date,
    )
    response = api(adviser).post(
        f"/api/v1/referrals/{referral.pk}/accept", {"new_beneficiary": True}
    )
    assert response.status_code == 200
    assert Beneficiary.objects.count() == 2


def test_a_second_referral_for_someone_in_a_pathway_joins_that_pathway(api, adviser, referral):
    first = services.referral_accept(referral=referral, by=adviser)
    second = ReferralFactory(
        prescriber=referral.prescriber,
        first_name=referral.first_name,
        last_name=referral.last_name,
        birth_date=referral.birth_date,
    )
    response = api(adviser).post(
        f"/api/v1/referrals/{second.pk}/accept", {"beneficiary_id": first.beneficiary_id}
    )
    assert response.status_code == 200
    assert response.json()["pathway_id"] == first.pathway_id


def test_linking_to_another_platforms_person_is_refused(api, adviser, referral, other_platform):
    stranger = BeneficiaryFactory(platform=other_platform)
    response = api(adviser).post(
        f"/api/v1/referrals/{referral.pk}/accept", {"beneficiary_id": stranger.pk}
    )
    assert response.status_code == 422
    referral.refresh_from_db()
    assert referral.status == "submitted"


def test_a_prescriber_cannot_accept_its_own_referral(api, prescriber, referral):
    response = api(prescriber).post(f"/api/v1/referrals/{referral.pk}/accept")
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == "submitted"


def test_another_platforms_referral_is_not_found(api, other_adviser, referral):
    response = api(other_adviser).post(f"/api/v1/referrals/{referral.pk}/accept")
    assert response.status_code == 404
    assert "Introuvable" in response.json()["detail"]


def test_declining_needs_a_reason(api, adviser, referral):
    client = api(adviser)
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        response = client.post(f"/api/v1/referrals/{referral.pk}/decline", body)
        assert response.status_code == 422
    referral.refresh_from_db()
    assert referral.status == "submitted"


def test_a_declined_referral_tells_the_referent_and_cannot_be_accepted(api, adviser, referral):
    client = api(adviser)
    response = client.post(
        f"/api/v1/referrals/{referral.pk}/decline",
        {"reason": "Hors du territoire de la plateforme."},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "declined"
    notification = Notification.objects.get(referral=referral, event="referral_declined")
    assert "Hors du territoire" in notification.body
    assert client.post(f"/api/v1/referrals/{referral.pk}/accept").status_code == 409
    assert (
        Referral.objects.get(pk=referral.pk).decline_reason
        == "Hors du territoire de la plateforme."
    )
