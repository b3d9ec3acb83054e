import pytest
from django.core.cache import cache

from mobility.api import api as ninja_api


@pytest.fixture
def low_limits(monkeypatch):
    cache.clear()
    for throttle in ninja_api.throttle:
        monkeypatch.setattr(throttle, "num_requests", 3)
    yield
    cache.clear()


def test_a_caller_past_its_limit_gets_a_429_in_french(api, adviser, low_limits):
    client = api(adviser)
    statuses = [client.get("/api/v1/referrals").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/referrals")
    assert response.json()["detail"] == "Trop de requêtes : réessayez dans un instant."
