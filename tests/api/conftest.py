import json

import pytest
from django.test import Client

from mobility.tokens import issue_token
from tests.factories import ReferralFactory


class ApiClient:
    """A machine calling the API with a bearer token, as prescribers' systems do."""

    def __init__(self, user=None, token: str | None = None):
        self.client = Client()
        self.headers = {}
        if user is not None:
            token = issue_token(user=user)
        if token is not None:
            self.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str, **params):
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, body=None, *, raw: str | None = None, headers=None):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(
            path, data, content_type="application/json", headers={**self.headers, **(headers or {})}
        )


@pytest.fixture
def api():
    return ApiClient


@pytest.fixture
def referral(prescriber_org):
    return ReferralFactory(prescriber=prescriber_org)


def referral_body(prescriber_id: int, **overrides) -> dict:
    body = {
        "prescriber": prescriber_id,
        "referent": {"name": "Sophie Lambert", "email": "sophie.lambert@ml.example", "phone": ""},
        "person": {
            "first_name": "Yasmina",
            "last_name": "Belkacem",
            "birth_date": "1997-02-14",
            "sex": "f",
            "phone": "06 12 34 56 78",
            "email": "",
            "address": "12 rue du Lac",
            "postal_code": "08200",
            "commune": "Sedan",
            "qpv": True,
            "rsa": True,
            "rqth": False,
        },
        "licence": {"held": False, "since": None},
        "job": {
            "kind": "job",
            "contract": "cdd",
            "start_date": "2026-12-01",
            "address": "Zone industrielle, Glaire",
            "home_work_km": 14,
            "atypical_hours": True,
        },
        "needs": ["rental_scooter", "driving_school"],
        "comment": "Prise de poste à 5 h, pas de bus à cette heure.",
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(body.get(key), dict):
            body[key] = {**body[key], **value}
        else:
            body[key] = value
    return body
