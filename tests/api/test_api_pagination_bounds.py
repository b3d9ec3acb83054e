"""A wrong `limit` or `offset` on a paginated list says, in French, what is allowed."""

import pytest
from django.conf import settings

MAX = settings.NINJA_PAGINATION_MAX_LIMIT


@pytest.mark.parametrize("limit", ["0", "-1", str(MAX + 1), "deux"])
@pytest.mark.parametrize(
    "path", ["/api/v1/referrals", "/api/v1/beneficiaries", "/api/v1/fleet/vehicles"]
)
def test_a_limit_outside_one_to_the_maximum_says_what_is_allowed(api, admin_user, path, limit):
    response = api(admin_user).get(path, limit=limit)
    assert response.status_code == 422
    body = response.json()
    assert body["errors"] == {
        "limit": f"doit être un nombre entier de 1 à {MAX} (le nombre d'éléments par page)"
    }
    assert body["detail"].startswith("Requête invalide : limit : doit être un nombre entier")


def test_a_negative_offset_says_what_is_allowed(api, admin_user):
    response = api(admin_user).get("/api/v1/referrals", offset="-5")
    assert response.status_code == 422
    assert "offset : doit être un nombre entier de 0 à" in response.json()["detail"]


@pytest.mark.parametrize("limit", ["1", str(MAX)])
def test_a_limit_within_bounds_is_served(api, admin_user, limit):
    response = api(admin_user).get("/api/v1/referrals", limit=limit)
    assert response.status_code == 200
