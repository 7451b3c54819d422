"""schemathesis against /openapi.json, signed in: no 5xx, every answer matches the schema."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.sync.conftest import OFFICER, SUPERVISOR, bearer, token_for

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def fuzz(operation, headers) -> None:
    """A few generated requests to one operation, each checked against the schema."""

    @settings(
        max_examples=5,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case) -> None:
        case.call_and_validate(headers=headers(), checks=CHECKS)

    check()


def test_api_conforms_to_its_schema(server, demo_engine):
    schema = schemathesis.openapi.from_asgi("/openapi.json", server)
    operations = [result.ok() for result in schema.get_all_operations()]
    labels = {operation.label for operation in operations}
    assert {"POST /api/v1/push", "GET /api/v1/changes", "POST /api/v1/auth/login"} <= labels
    for operation in operations:
        badge = SUPERVISOR if "review" in operation.label else OFFICER
        if operation.label.endswith("/logout"):  # each call revokes the token it was sent with
            fuzz(operation, lambda badge=badge: bearer(token_for(demo_engine, badge)))
        else:
            headers = bearer(token_for(demo_engine, badge))
            fuzz(operation, lambda headers=headers: headers)
