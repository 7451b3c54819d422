"""Demo plans with a generated, seeded half-year of entries, shared by the report tests.

Generating a half-year stores a few hundred entries, so it is done once per backend for
this package (``generated``); tests that write use ``gsession``, which is rolled back.
"""

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.core.demo import load_demo
from app.core.model.ids import stable_id
from app.core.reports.generate import generate_entries
from app.core.store.db import make_engine, migrate
from tests.conftest import BACKENDS, _drop_pg_schema, _pg_schema_engine, database_url

LUBARTOW_2024 = stable_id("plan", "lubartow", "2024-01-01")
KRASNIK_2024 = stable_id("plan", "krasnik", "2024-07-01")
SEED = 7
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
"""Generation cut-off: after both 2024 periods, so they are complete."""


@pytest.fixture(scope="package", params=BACKENDS)
def generated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """The demo with a generated half-year for both 2024 plans, on each backend."""
    schema = f"r_{uuid.uuid4().hex[:12]}"
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('reports') / 'gen.db'}")
    elif request.param == "postgresql":
        engine = _pg_schema_engine(schema)  # an unreachable server fails here, loudly
    else:
        raise ValueError(f"unknown backend {request.param!r} in REJON_TEST_DB")
    try:
        migrate(engine)
        with Session(engine) as session:
            load_demo(session, history=False)
            for plan_id in (LUBARTOW_2024, KRASNIK_2024):
                generate_entries(session, plan_id, seed=SEED, until=NOW)
            session.commit()
        yield engine
    finally:
        engine.dispose()
        if request.param == "postgresql":
            _drop_pg_schema(schema)


@pytest.fixture
def gsession(generated: Engine) -> Iterator[Session]:
    """A session on the generated data; whatever a test writes is rolled back."""
    with Session(generated, expire_on_commit=False) as session:
        yield session
        session.rollback()


@pytest.fixture
def ids() -> dict[str, str]:
    return {"lubartow": LUBARTOW_2024, "krasnik": KRASNIK_2024}


@pytest.fixture
def url_of() -> Callable[[Engine], str]:
    return database_url


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests on the shared generated data use a database too: ``-m db`` selects them."""
    for item in items:
        if "generated" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)
