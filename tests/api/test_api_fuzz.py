"""Every API operation, fed what its OpenAPI schema allows and more, never answers a 500.

Schemathesis draws requests from /api/openapi.json (valid and invalid bodies, queries and
path ids) for each of the operations, sent as an authenticated administrator of a
platform that has real data: a 5xx, or an error answer without a French `detail`, fails.
"""

import json
from urllib.parse import quote, urlencode

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from mobility.api import api as ninja_api
from mobility.enums import Role
from mobility.tokens import issue_token
from tests.factories import ReferralFactory, member

# 25 cases for each of the 40-odd operations: more than 1,000 in all.
CASES_PER_OPERATION = 25


def send(client, case, token: str):
    body = case.body
    kwargs = {}
    if body is not None and not isinstance(body, schemathesis.core.NotSet):
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    return client.generic(
        case.method.upper(),
        quote(case.formatted_path, safe="/"),  # as an HTTP client sends it
        headers={"Authorization": f"Bearer {token}", **(case.headers or {})},
        QUERY_STRING=urlencode(
            {key: value for key, value in (case.query or {}).items() if value is not None},
            doseq=True,
        ),
        **kwargs,
    )


@pytest.mark.django_db
def test_no_api_operation_answers_a_server_error(client, platform, prescriber_org, capsys):
    admin = member(Role.ADMIN, platform)
    token = issue_token(user=admin)
    ReferralFactory.create_batch(3, prescriber=prescriber_org)
    schema = schemathesis.openapi.from_dict(ninja_api.get_openapi_schema(path_prefix="/api"))
    operations = [result.ok() for result in schema.get_all_operations()]
    counted = {"cases": 0}
    failures = []

    def check_operation(operation):
        @settings(
            max_examples=CASES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            counted["cases"] += 1
            response = send(client, case, token)
            if response.status_code >= 500:
                failures.append(f"{operation.label}: {response.status_code} for {case!r}")
            elif response.status_code >= 400 and response["Content-Type"].startswith(
                "application/json"
            ):
                assert "detail" in response.json(), (operation.label, response.content)

        check()

    for operation in operations:
        check_operation(operation)

    with capsys.disabled():
        print(
            f"\nschemathesis: {counted['cases']} cases over {len(operations)} operations, "
            f"{len(failures)} server errors"
        )
    assert not failures, "\n".join(failures[:20])
    assert counted["cases"] >= 1000
