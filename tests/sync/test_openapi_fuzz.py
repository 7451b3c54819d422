"""schemathesis against /openapi.json, signed in, with every check it has: no 5xx, every
answer matches the schema, valid data accepted and invalid data refused, methods and
headers as documented. Both generation modes (positive: schema-valid; negative: not)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import PositiveDataAcceptanceConfig

from tests.sync.conftest import OFFICER, SUPERVISOR, bearer, token_for

load_all_checks()
ALL_CHECKS = CHECKS.get_all()
DEFAULT_ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
STATE_REFUSALS = ["400"]
"""Schema-valid data the service may still refuse, with 400: rules on stored rows that no
schema can state (a plan id that does not exist, a workflow step not allowed now)."""


def fuzz(operation, headers, mode: GenerationMode, examples: int) -> None:
    """Generated requests to one operation, each checked by every check."""

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case) -> None:
        # a case whose headers are deliberately wrong (e.g. no Authorization) is sent as made
        spoilt = case.meta is not None and any(
            location.value == "header" and info.mode is GenerationMode.NEGATIVE
            for location, info in case.meta.components.items()
        )
        case.call_and_validate(headers=None if spoilt else headers(), checks=ALL_CHECKS)

    try:
        check()
    except Unsatisfiable:
        # nothing to spoil: an operation without parameters or body has no negative cases
        assert (
            mode is GenerationMode.NEGATIVE
            and not operation.body
            and not any(operation.iter_parameters())
        ), operation.label


def test_api_conforms_to_its_schema(server, demo_engine):
    schema = schemathesis.openapi.from_asgi("/openapi.json", server)
    schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
        expected_statuses=[*DEFAULT_ACCEPTED, *STATE_REFUSALS]
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    labels = {operation.label for operation in operations}
    assert {"POST /api/v1/push", "GET /api/v1/changes", "POST /api/v1/auth/login"} <= labels
    assert len(ALL_CHECKS) >= 10  # every check schemathesis has, not a chosen few
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        for operation in operations:
            badge = SUPERVISOR if "review" in operation.label else OFFICER
            if operation.label.endswith("/logout"):  # each call revokes the token it was sent
                fuzz(operation, lambda badge=badge: bearer(token_for(demo_engine, badge)), mode, 5)
            else:
                headers = bearer(token_for(demo_engine, badge))
                fuzz(operation, lambda headers=headers: headers, mode, 10)
