"""Property: devices changing entries offline and syncing over a bad network end up agreeing.

Two phones of one officer and their supervisor's tablet create, edit and delete entries in any
order and sync in any interleaving — also all at once — through a network that drops
requests, loses answers, delivers requests twice, delivers old requests late and hands back
stale answers. After two clean rounds every device holds exactly what the server holds: no
change lost, none doubled, every revision kept.
"""

from __future__ import annotations

import asyncio
import random

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, col, select

from app.core.model import Entry, EntryIn, EntryRevision, OutboxItem
from app.core.store.db import session_scope
from app.core.store.entries import delete_entry, log_entry, revise_entry
from app.device.sync import local
from app.device.sync.client import SyncClient
from tests.sync.conftest import OFFICER, SUPERVISOR, entry_content, snapshot


class BadNetwork(httpx.AsyncBaseTransport):
    """An in-process network that misbehaves at random (seeded per sync round)."""

    def __init__(self, app) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.rng = random.Random(0)
        self.faulty = False
        self.sent: list[httpx.Request] = []
        self.answers: dict[str, list[httpx.Response]] = {}

    async def _deliver(self, request: httpx.Request) -> httpx.Response:
        copy = httpx.Request(
            request.method, request.url, headers=request.headers, content=request.content
        )
        response = await self.inner.handle_async_request(copy)
        body = await response.aread()
        return httpx.Response(response.status_code, headers=response.headers, content=body)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        if not self.faulty:
            return await self._deliver(request)
        roll = self.rng.random()
        if roll < 0.12:
            raise httpx.ConnectError("request lost", request=request)
        if roll < 0.22 and self.sent:  # an old request turns up late
            await self._deliver(self.rng.choice(self.sent))
        self.sent.append(request)
        response = await self._deliver(request)
        path = request.url.path
        self.answers.setdefault(path, []).append(response)
        if roll < 0.34:
            raise httpx.ReadError("answer lost", request=request)
        if roll < 0.44:  # delivered twice
            response = await self._deliver(request)
        elif roll < 0.52:  # a stale answer to an earlier request on the same path
            response = self.rng.choice(self.answers[path])
        return response


MADE: dict[int, set[str]] = {}
"""Revisions made per service database, over all examples of one test run."""

DEVICE = st.integers(0, 2)
COUNT = st.integers(0, 40)
OPERATION = st.one_of(
    st.tuples(st.just("create"), DEVICE, COUNT),
    st.tuples(st.just("edit"), DEVICE, st.integers(0, 99), COUNT),
    st.tuples(st.just("delete"), DEVICE, st.integers(0, 99)),
    st.tuples(st.just("sync"), DEVICE, st.integers(0, 2**32)),
    st.tuples(st.just("sync_all"), st.integers(0, 2**32)),
)


def editable(client: SyncClient, own_only: bool) -> list[str]:
    """Entries this device's user may change (officers: their own), not deleted."""
    with Session(client.engine) as session:
        query = select(Entry.id).where(col(Entry.deleted).is_(False))
        if own_only:
            query = query.where(Entry.officer_id == local.signed_in_officer_id(session))
        return sorted(session.exec(query))


def change(client: SyncClient, op: tuple, own_only: bool) -> str | None:
    """Apply one offline change on the device; returns the new revision's id."""
    with session_scope(client.engine) as session:
        me = local.signed_in_officer_id(session)
        kind = op[0]
        if kind == "create":
            content = EntryIn.model_validate(entry_content(persons_legitimised=op[2]))
            return log_entry(session, content, officer_id=me, device_id=client.device_id).id
        choices = editable(client, own_only)
        if not choices:
            return None
        entry_id = choices[op[2] % len(choices)]
        if kind == "edit":
            content = EntryIn.model_validate(entry_content(leaflets=op[3], note=f"n{op[3]}"))
            return revise_entry(
                session, entry_id, content, officer_id=me, device_id=client.device_id
            ).id
        return delete_entry(session, entry_id, officer_id=me, device_id=client.device_id).id


async def run(devices: list[SyncClient], networks: list[BadNetwork], operations: list) -> set[str]:
    made: set[str] = set()
    for device in devices:  # plans and places first, as a real phone would after sign-in
        assert (await device.sync_once()).ok
    for network in networks:
        network.faulty = True
    for op in operations:
        if op[0] == "sync":
            networks[op[1]].rng.seed(op[2])
            await devices[op[1]].sync_once()
        elif op[0] == "sync_all":
            for index, network in enumerate(networks):
                network.rng.seed(op[1] + index)
            await asyncio.gather(*(device.sync_once() for device in devices))
        else:
            revision = change(devices[op[1]], op, own_only=op[1] < 2)
            if revision:
                made.add(revision)
    for network in networks:
        network.faulty = False
    for _ in range(2):
        for device in devices:
            result = await device.sync_once()
            assert result.ok and result.conflicts == 0, result
    return made


@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(OPERATION, min_size=3, max_size=18))
def test_devices_and_server_converge(make_device, server, demo_engine, operations):
    networks = [BadNetwork(server) for _ in range(3)]
    devices = [
        make_device(OFFICER, transport=networks[0]),
        make_device(OFFICER, transport=networks[1]),
        make_device(SUPERVISOR, transport=networks[2]),
    ]
    made = asyncio.run(run(devices, networks, operations))
    # the service lives across examples: later devices also edit earlier examples' entries
    everything = MADE.setdefault(id(demo_engine), set())
    everything |= made

    with Session(demo_engine) as session:
        stored = set(session.exec(select(EntryRevision.id)))
    assert stored == everything  # none lost, none doubled (revision ids are unique)
    on_server = snapshot(demo_engine)
    assert sum(len(state[-1]) for state in on_server.values()) == len(everything)
    for device in devices:
        assert snapshot(device.engine) == on_server
        with Session(device.engine) as session:
            unsettled = session.exec(
                select(OutboxItem).where(
                    col(OutboxItem.acked_at).is_(None) | (OutboxItem.last_error != "")
                )
            ).all()
            assert unsettled == []
