"""Fixtures for sync: a demo service in-process (no network) and devices with their own store."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.core.demo import place_id
from app.core.model import Unit
from app.core.model.clock import utcnow
from app.core.model.ids import stable_id
from app.core.store.db import make_engine, migrate
from app.core.store.org import officer_area_ids, officer_by_badge
from app.core.sync.outputs import officer_out, unit_out
from app.core.sync.schemas import TokenOut
from app.device.sync import apply, local
from app.device.sync.client import SyncClient
from app.server import accounts
from app.server.accounts import RateLimit
from app.server.config import ServerConfig
from app.server.server import create_app

BASE_URL = "http://rejon.test"
OFFICER = "100301"  # Lubartów, area 3
SUPERVISOR = "100300"  # Lubartów unit
OTHER_OFFICER = "200301"  # Kraśnik
OTHER_SUPERVISOR = "200300"
ADMIN = "999000"
NIVEA = place_id("nivea")
KRASNIK_PLACE = place_id("emeryci")


def current_plan(key: str) -> str:
    """The demo's renewed (approved) plan of 'lubartow' or 'krasnik'."""
    from app.core.demo import half_year
    from app.core.model.clock import local_today

    return stable_id("plan", key, str(half_year(local_today())[0]))


def token_for(engine: Engine, badge: str, lifetime: timedelta = timedelta(days=1)) -> str:
    """A token issued directly (no Argon2 check: sign-in itself is tested on its own)."""
    with Session(engine) as session:
        officer = officer_by_badge(session, badge)
        token = accounts.issue_token(session, officer, lifetime=lifetime)
        session.commit()
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def entry_content(**overrides: object) -> dict:
    """A valid entry at the Nivea playground on the Lubartów plan, an hour ago."""
    content = {
        "kind": "place_check",
        "occurred_at": (utcnow() - timedelta(hours=1)).isoformat(),
        "plan_id": current_plan("lubartow"),
        "place_id": NIVEA,
        "lat": 51.4663,
        "lon": 22.6107,
        "accuracy_m": 8.0,
        "persons_legitimised": 2,
        "note": "spokój",
    }
    content.update(overrides)
    return content


def mutation(mutation_id: int, **fields: object) -> dict:
    body = {
        "mutation_id": mutation_id,
        "type": "entry",
        "entry_id": str(uuid.uuid4()),
        "revision_id": str(uuid.uuid4()),
        "base_revision_id": None,
        "deleted": False,
        "content": entry_content(),
    }
    body.update(fields)
    return body


@pytest.fixture
def server_config() -> ServerConfig:
    return ServerConfig(rate_limit=RateLimit(per_badge_and_address=3, per_badge=6, per_address=5))


@pytest.fixture
def server(demo_engine: Engine, server_config: ServerConfig) -> FastAPI:
    """The sync service over a demo database (both backends)."""
    return create_app(demo_engine, server_config)


@pytest.fixture
def api(server: FastAPI) -> Callable[..., httpx.AsyncClient]:
    """``api(token=None)``: an HTTP client talking to the app in-process."""

    def make(token: str | None = None) -> httpx.AsyncClient:
        headers = bearer(token) if token else {}
        transport = httpx.ASGITransport(app=server)
        return httpx.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers)

    return make


@pytest.fixture(scope="session")
def device_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated, empty device database; each device starts from a copy."""
    path = tmp_path_factory.mktemp("device-template") / "device.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


def sign_in_directly(client: SyncClient, server_engine: Engine, badge: str) -> None:
    """What ``client.login`` stores, without paying for Argon2 in every test."""
    with Session(server_engine) as session:
        officer = officer_by_badge(session, badge)
        token = accounts.issue_token(session, officer, client_id=client.device_id)
        unit = session.get(Unit, officer.unit_id)
        assert unit is not None
        login = TokenOut(
            access_token=token,
            expires_at=utcnow() + timedelta(days=1),
            officer=officer_out(officer, officer_area_ids(session, officer.id)),
            unit=unit_out(unit),
        )
        session.commit()
    apply.store_login(client.engine, login)


DeviceFactory = Callable[..., SyncClient]


@pytest.fixture
def make_device(
    tmp_path: Path, device_template: Path, server: FastAPI, demo_engine: Engine
) -> Iterator[DeviceFactory]:
    """``make_device(badge, transport=None)``: a signed-in device with its own SQLite store."""
    engines: list[Engine] = []

    def make(
        badge: str = OFFICER,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        path: Path | None = None,
        device_id: str | None = None,
        signed_in: bool = True,
    ) -> SyncClient:
        if path is None:
            path = tmp_path / f"device-{uuid.uuid4().hex[:8]}.db"
            shutil.copy(device_template, path)
        engine = make_engine(f"sqlite:///{path}")
        engines.append(engine)
        client = SyncClient(
            engine,
            BASE_URL,
            device_id or f"phone-{uuid.uuid4().hex[:8]}",
            transport=transport or httpx.ASGITransport(app=server),
        )
        if signed_in:
            sign_in_directly(client, demo_engine, badge)
        return client

    yield make
    for engine in engines:
        engine.dispose()


def log_local(client: SyncClient, **overrides: object) -> str:
    """Log an entry on the device (queued in its outbox); returns the entry id."""
    from app.core.model import EntryIn
    from app.core.store.db import session_scope
    from app.core.store.entries import log_entry

    content = entry_content(**overrides)
    with session_scope(client.engine) as session:
        officer_id = local.signed_in_officer_id(session)
        assert officer_id is not None
        revision = log_entry(
            session,
            EntryIn.model_validate(content),
            officer_id=officer_id,
            device_id=client.device_id,
        )
        return revision.entry_id


def edit_local(client: SyncClient, entry_id: str, **overrides: object) -> None:
    """Edit an entry on the device (a new revision, queued in its outbox)."""
    from app.core.model import EntryIn
    from app.core.store.db import session_scope
    from app.core.store.entries import revise_entry

    with session_scope(client.engine) as session:
        revise_entry(
            session,
            entry_id,
            EntryIn.model_validate(entry_content(**overrides)),
            officer_id=local.signed_in_officer_id(session),
            device_id=client.device_id,
        )


def snapshot(engine: Engine, entry_ids: set[str] | None = None) -> dict[str, tuple]:
    """Entries as comparable values: head state and every revision with its content."""
    from sqlmodel import select

    from app.core.model import Entry, EntryRevision

    result: dict[str, tuple] = {}
    with Session(engine) as session:
        heads = {h.id: h for h in session.exec(select(Entry))}
        revisions: dict[str, list] = {}
        for rev in session.exec(select(EntryRevision)):
            data = rev.model_dump(exclude={"recorded_at", "occurred_at"})
            data["occurred_at"] = rev.occurred_at.isoformat()
            data["recorded_at"] = rev.recorded_at.isoformat()
            revisions.setdefault(rev.entry_id, []).append(tuple(sorted(data.items())))
    for entry_id, head in heads.items():
        if entry_ids is not None and entry_id not in entry_ids:
            continue
        result[entry_id] = (
            head.current_revision_id,
            head.current_seq,
            head.deleted,
            head.needs_review,
            head.officer_id,
            tuple(sorted(revisions.get(entry_id, []), key=repr)),
        )
    return result
