"""The load benchmark's reference (``app.bench.ceiling``) runs the service's own statements:
a change pushed through it is stored as the service stores one, and pulled back."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select
from sqlmodel import Session

from app.bench.ceiling import build
from app.bench.server import fresh_database
from app.bench.sync import _add_officers
from app.core.demo import DEMO_PASSWORD
from app.core.model import Entry, EntryRevision
from app.core.model.clock import utcnow
from app.core.model.ids import new_id
from app.core.store.db import make_engine
from tests.conftest import BACKENDS, PG_URL


@pytest.mark.db
@pytest.mark.parametrize("kind", BACKENDS)
async def test_the_reference_stores_and_serves_a_push_as_the_service_does(kind: str) -> None:
    with fresh_database(kind, PG_URL) as url:
        [phone] = _add_officers(url, 1)
        app = build(url)
        entry_id, revision_id = new_id(), new_id()
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://ceiling"
        ) as client:
            login = await client.post(
                "/api/v1/auth/login", json={"badge": phone.badge, "password": DEMO_PASSWORD}
            )
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            mutation = {
                "mutation_id": 1,
                "type": "entry",
                "entry_id": entry_id,
                "revision_id": revision_id,
                "content": {
                    "kind": "place_check",
                    "occurred_at": utcnow().isoformat(),
                    "plan_id": phone.plan_id,
                    "persons_legitimised": 2,
                },
            }
            pushed = await client.post(
                "/api/v1/push",
                json={"client_id": "phone-1", "mutations": [mutation]},
                headers=headers,
            )
            assert pushed.status_code == 200, pushed.text
            pulled = await client.get("/api/v1/changes?since=0&limit=500", headers=headers)
            assert revision_id in {row["id"] for row in pulled.json()["revisions"]}
        engine = make_engine(url)
        try:
            with Session(engine) as session:
                head = session.get(Entry, entry_id)
                revision = session.exec(
                    select(EntryRevision).where(EntryRevision.id == revision_id)
                ).scalar_one()
        finally:
            engine.dispose()
        assert head is not None and head.current_revision_id == revision_id
        assert revision.persons_legitimised == 2 and revision.plan_id == phone.plan_id
