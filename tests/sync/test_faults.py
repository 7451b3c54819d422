"""Faults: the app killed at any step, answers lost, the server or its database dying mid-batch.

After each fault the next round must end with every change stored once on the server and
every device agreeing with it: nothing lost, nothing doubled.
"""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import Session, func, select

from app.core.model import Entry, EntryIn, EntryRevision, SyncDevice
from app.core.store.db import make_engine, session_scope
from app.core.store.entries import log_entry
from app.device.sync import apply, local
from app.device.sync.client import SyncClient
from app.server import push
from tests.sync.conftest import OFFICER, edit_local, entry_content, log_local, snapshot


class Killed(BaseException):
    """The app's process ending at this point (not an error anything may catch)."""


def revisions(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(EntryRevision)).one()


def restart(client: SyncClient, server) -> SyncClient:
    """A new process on the same device database (the old engine is simply dropped)."""
    url = str(client.engine.url)
    client.engine.dispose()
    engine = make_engine(url)
    return SyncClient(
        engine, client.server_url, client.device_id, transport=httpx.ASGITransport(app=server)
    )


class Steps:
    """Counts the steps of a sync round; the armed one kills the app."""

    def __init__(self) -> None:
        self.count = 0
        self.kill_at: int | None = None

    def step(self) -> None:
        self.count += 1
        if self.count == self.kill_at:
            raise Killed

    def arm(self, step: int) -> None:
        self.count, self.kill_at = 0, step

    def wrap(self, function):
        def wrapped(*args, **kwargs):
            self.step()  # killed before this local transaction…
            result = function(*args, **kwargs)
            self.step()  # …or right after it committed
            return result

        return wrapped


class KillingNetwork(httpx.AsyncBaseTransport):
    """Kills the app before a request leaves, or after the server answered it."""

    def __init__(self, app, steps: Steps) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.steps = steps

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.steps.step()
        response = await self.inner.handle_async_request(request)
        await response.aread()
        self.steps.step()
        return response


async def test_killed_inside_a_local_write_keeps_nothing_of_it(make_device):
    phone = make_device(OFFICER)
    await phone.sync_once()
    with pytest.raises(Killed), session_scope(phone.engine) as session:
        log_entry(
            session,
            EntryIn.model_validate(entry_content()),
            officer_id=local.signed_in_officer_id(session),
            device_id=phone.device_id,
        )
        raise Killed
    assert phone.pending_count() == 0
    with Session(phone.engine) as session:
        assert session.exec(select(Entry)).all() == []


async def test_killed_at_every_step_of_a_round(make_device, server, demo_engine, monkeypatch):
    """Each round kills the app one step later, until a round gets through; then a clean round.

    Steps are the client's local transactions that read the outbox or record an outcome
    (before and after each) and every request (before it leaves, after the server answered):
    the kill lands between writing and pushing, after the server committed but before the
    answer was recorded (a lost answer), halfway through applying pulled pages — everywhere.
    """
    steps = Steps()
    for module, name in (
        (local, "pending_items"),
        (local, "settle"),
        (local, "settle_refused"),
        (local, "record_failure"),
        (apply, "apply_page"),
    ):
        monkeypatch.setattr(module, name, steps.wrap(getattr(module, name)))
    phone = make_device(OFFICER, transport=KillingNetwork(server, steps))
    other = make_device(OFFICER)
    await phone.sync_once()
    await other.sync_once()
    written: list[str] = []
    kill_at, finished = 1, False
    while not finished:
        written.append(log_local(phone, leaflets=kill_at))
        edit_local(phone, written[0], note=f"round {kill_at}")
        written.append(log_local(other))  # another device keeps pushing and pulling meanwhile
        await other.sync_once()
        steps.arm(kill_at)
        try:
            await phone.sync_once()
            finished = True
        except Killed:
            phone = restart(phone, server)
            phone.transport = KillingNetwork(server, steps)
        steps.kill_at = None
        kill_at += 1
    assert kill_at > 8  # the kill did land on many different steps
    assert (await phone.sync_once()).ok and (await other.sync_once()).ok
    ids = set(written)
    on_server = snapshot(demo_engine, ids)
    assert len(on_server) == len(ids)
    assert on_server == snapshot(phone.engine, ids) == snapshot(other.engine, ids)
    assert revisions(demo_engine) == len(written) + (kill_at - 1)  # one edit per round
    assert phone.pending_count() == other.pending_count() == 0


async def test_server_or_database_failing_mid_batch_stores_nothing(
    make_device, server, demo_engine, monkeypatch
):
    """A worker killed halfway through a batch, then its database connection dropped."""
    phone = make_device(OFFICER)
    await phone.sync_once()
    entries = [log_local(phone) for _ in range(4)]
    original = push._apply  # called once per mutation: fails mid-batch
    calls = 0

    def crash_on_third(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("worker process killed")
        return original(*args, **kwargs)

    def drop_connection_on_second(session, *args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 2:
            connection = session.connection()
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
            else:
                connection.connection.dbapi_connection.close()
        return original(session, *args, **kwargs)

    phone.transport = httpx.ASGITransport(app=server, raise_app_exceptions=False)
    for fault, status in ((crash_on_third, "500"), (drop_connection_on_second, "503")):
        calls = 0
        monkeypatch.setattr(push, "_apply", fault)
        failed = await phone.sync_once()
        assert failed.errors and status in failed.errors[0]
        assert revisions(demo_engine) == 0 and phone.pending_count() == 4
        with Session(demo_engine) as session:
            assert session.exec(select(SyncDevice)).first() is None  # nothing acknowledged
        monkeypatch.undo()

    assert (await phone.sync_once()).pushed == 4  # a fresh connection from the pool
    assert revisions(demo_engine) == 4
    assert snapshot(demo_engine, set(entries)) == snapshot(phone.engine, set(entries))
