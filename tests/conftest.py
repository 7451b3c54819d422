"""Shared fixtures. Database tests run on every backend in REJON_TEST_DB.

``REJON_TEST_DB`` is a comma-separated list of ``sqlite`` and ``postgresql`` (default: both).
The PostgreSQL URL comes from ``REJON_TEST_PG_URL`` (default: the local server, database
``test``). An unreachable PostgreSQL fails the tests: it is never skipped silently.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from app.core.store.db import make_engine, migrate

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PG_URL = os.environ.get("REJON_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = [b.strip() for b in os.environ.get("REJON_TEST_DB", "sqlite,postgresql").split(",")]


def _pg_schema_engine(schema: str) -> Engine:
    """An engine whose connections live in their own fresh schema (tests stay isolated)."""
    admin = make_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        raise RuntimeError(
            f"PostgreSQL at {PG_URL} is not reachable ({exc.__class__.__name__}). "
            "Start it, or set REJON_TEST_DB=sqlite to test on SQLite only."
        ) from exc
    finally:
        admin.dispose()
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return make_engine(url.render_as_string(hide_password=False))


def database_url(engine: Engine) -> str:
    """A URL another process (the CLI, ``rejon serve``) can open for the same database: a
    PostgreSQL test schema rides in the URL's ``options``."""
    return engine.url.render_as_string(hide_password=False)


def _drop_pg_schema(schema: str) -> None:
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database with no schema at all, on each configured backend."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
        yield engine
        engine.dispose()
    elif request.param == "postgresql":
        schema = f"t_{uuid.uuid4().hex[:12]}"
        engine = _pg_schema_engine(schema)
        yield engine
        engine.dispose()
        _drop_pg_schema(schema)
    else:
        raise ValueError(f"unknown backend {request.param!r} in REJON_TEST_DB")


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    """A migrated, empty database on each configured backend."""
    migrate(empty_engine)
    return empty_engine


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    """A database with the demo's units, accounts, places and plans, without their history
    (tests here log or generate their own entries)."""
    from app.core.demo import load_demo

    with Session(engine) as s:
        load_demo(s, history=False)
        s.commit()
    return engine


@pytest.fixture
def now() -> datetime:
    return datetime.now(UTC)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests that use a database so ``-m db`` selects them."""
    for item in items:
        if "empty_engine" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


@pytest.fixture(autouse=True)
def _real_clock_after_each_test() -> Iterator[None]:
    """A test that fixes the process's clock (``make_main(clock=…)``) leaves it real again."""
    from app.core.model.clock import set_clock

    yield
    set_clock(None)
