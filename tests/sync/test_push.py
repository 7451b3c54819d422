"""Push: replays, conflicts, concurrent edits, tombstones, bad input — over the real API."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlmodel import Session, func, select

from app.core.model import Entry, EntryRevision, SyncDevice
from app.core.model.clock import utcnow
from tests.sync.conftest import OFFICER, entry_content, mutation, token_for


def count_revisions(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(EntryRevision)).one()


async def push(api, token, mutations, client_id="phone-1"):
    async with api(token) as http:
        return await http.post(
            "/api/v1/push", json={"client_id": client_id, "mutations": mutations}
        )


async def test_create_replay_and_clash(api, demo_engine):
    """Stored once; a replay is acknowledged; another create of the id is a conflict."""
    token = token_for(demo_engine, OFFICER)
    create = mutation(1)
    first = await push(api, token, [create])
    assert first.status_code == 200
    result = first.json()["results"][0]
    assert result["status"] == "applied"
    assert result["server_version"] > 0
    assert first.json()["last_mutation_id"] == 1

    again = await push(api, token, [create])  # the answer was lost; the device sends it again
    assert again.json()["results"][0]["status"] == "duplicate"
    assert again.json()["results"][0]["server_version"] == result["server_version"]
    assert count_revisions(demo_engine) == 1

    clash = mutation(2, entry_id=create["entry_id"], content=entry_content(note="inna treść"))
    response = await push(api, token, [clash])
    assert response.status_code == 200
    assert response.json()["results"][0]["status"] == "conflict"
    assert "already exists" in response.json()["results"][0]["detail"]
    replay = await push(api, token, [clash])  # answered the same, still storing nothing
    assert replay.json()["results"][0]["status"] == "conflict"

    with Session(demo_engine) as session:
        head = session.get(Entry, create["entry_id"])
        assert head is not None and head.current_revision_id == create["revision_id"]
        assert session.get(EntryRevision, clash["revision_id"]) is None
        device = session.get(SyncDevice, ("phone-1", head.officer_id))
        assert device is not None and device.last_mutation_id == 2
    assert count_revisions(demo_engine) == 1


async def test_edits_deletes_and_concurrent_edits(api, demo_engine):
    token = token_for(demo_engine, OFFICER)
    create = mutation(1)
    edit = mutation(
        2,
        entry_id=create["entry_id"],
        base_revision_id=create["revision_id"],
        content=entry_content(persons_legitimised=5, note="A"),
    )
    response = await push(api, token, [create, edit], client_id="phone-a")
    assert [r["status"] for r in response.json()["results"]] == ["applied", "applied"]
    assert response.json()["results"][1]["needs_review"] is False

    # phone B edited the first revision meanwhile: kept, wins by server order, flagged
    concurrent = mutation(
        1,
        entry_id=create["entry_id"],
        base_revision_id=create["revision_id"],
        content=entry_content(note="B"),
    )
    response = await push(api, token, [concurrent], client_id="phone-b")
    assert response.json()["results"][0]["status"] == "applied"
    assert response.json()["results"][0]["needs_review"] is True

    orphan = mutation(2, entry_id=create["entry_id"], base_revision_id=str(uuid.uuid4()))
    missing_entry = mutation(3, base_revision_id=str(uuid.uuid4()))
    delete = mutation(
        4, entry_id=create["entry_id"], base_revision_id=concurrent["revision_id"], deleted=True
    )
    response = await push(api, token, [orphan, missing_entry, delete], client_id="phone-b")
    assert [r["status"] for r in response.json()["results"]] == ["conflict", "conflict", "applied"]

    with Session(demo_engine) as session:
        head = session.get(Entry, create["entry_id"])
        assert head.current_revision_id == delete["revision_id"]
        assert head.deleted and head.needs_review and head.current_seq == 4
        kept = session.exec(
            select(EntryRevision.id).where(EntryRevision.entry_id == create["entry_id"])
        ).all()
        assert set(kept) == {
            create["revision_id"],
            edit["revision_id"],
            concurrent["revision_id"],
            delete["revision_id"],
        }
        assert session.get(EntryRevision, edit["revision_id"]).persons_legitimised == 5
        assert session.get(EntryRevision, delete["revision_id"]).deleted


BAD_CONTENT = [
    ({"persons_legitimised": -1}, "greater than or equal to 0"),
    ({"leaflets": 2.5}, "whole number"),
    ({"fines": True}, "whole number"),
    ({"offences": "many"}, "whole number"),
    ({"interventions": 10_001}, "less than or equal to 10000"),
    ({"lat": 91.0}, "less than or equal to 90"),
    ({"lon": -180.5}, "greater than or equal to -180"),
    ({"lat": 51.0, "lon": None}, "both latitude and longitude"),
    ({"occurred_at": "2026-01-01T10:00:00"}, "time zone"),
    ({"note": "x" * 2001}, "at most 2000"),
    ({"kind": "robbery"}, "Input should be"),
    ({"person_name": "Jan Kowalski"}, "Extra inputs are not permitted"),
    ({"note": "a\x00b"}, "NUL characters"),
]

MALFORMED = {
    "empty": {"client_id": "phone-1", "mutations": []},
    "bad-client-id": {"client_id": "phone 1!", "mutations": [mutation(1)]},
    "unknown-field": {"client_id": "phone-1", "mutations": [mutation(1)], "extra": 1},
    "bad-uuid": {"client_id": "phone-1", "mutations": [mutation(1, entry_id="not-a-uuid")]},
    "unknown-type": {"client_id": "phone-1", "mutations": [mutation(1, type="plan")]},
    "delete-without-base": {"client_id": "phone-1", "mutations": [mutation(1, deleted=True)]},
    "mutation-id-zero": {"client_id": "phone-1", "mutations": [mutation(0)]},
    "batch-over-500": {"client_id": "phone-1", "mutations": [mutation(i) for i in range(1, 502)]},
    "not-json": "{nope",
}


async def test_bad_content_is_refused_and_nothing_is_stored(api, demo_engine):
    token = token_for(demo_engine, OFFICER)
    for change, message in BAD_CONTENT:
        good = mutation(1)
        bad = mutation(2, content=entry_content(**change))
        response = await push(api, token, [good, bad])
        assert response.status_code == 422, change
        assert message in response.text, change
    assert count_revisions(demo_engine) == 0
    with Session(demo_engine) as session:
        assert session.exec(select(SyncDevice)).first() is None


RULES_BEYOND_THE_SCHEMA = {  # well-formed, refused by a rule on the clock or the batch: 400
    "in-the-future": [
        mutation(1, content=entry_content(occurred_at=(utcnow() + timedelta(days=2)).isoformat()))
    ],
    "ids-not-increasing": [mutation(2), mutation(1)],
}


async def test_rules_beyond_the_schema_answer_400(api, demo_engine):
    token = token_for(demo_engine, OFFICER)
    for name, mutations in RULES_BEYOND_THE_SCHEMA.items():
        response = await push(api, token, mutations)
        assert response.status_code == 400, name
        assert response.json()["detail"], name
    assert count_revisions(demo_engine) == 0


async def test_malformed_batches_are_refused(api, demo_engine):
    token = token_for(demo_engine, OFFICER)
    async with api(token) as http:
        for name, body in MALFORMED.items():
            if isinstance(body, str):
                response = await http.post(
                    "/api/v1/push", content=body, headers={"Content-Type": "application/json"}
                )
            else:
                response = await http.post("/api/v1/push", json=body)
            assert response.status_code == 422, name
            assert response.json()["detail"], name
    assert count_revisions(demo_engine) == 0


async def test_refusals_store_nothing(api, demo_engine):
    """Unknown references, oversized bodies and missing tokens: a 4xx each, nothing stored."""
    token = token_for(demo_engine, OFFICER)
    good = mutation(1)
    bad = mutation(2, content=entry_content(plan_id=str(uuid.uuid4())))
    response = await push(api, token, [good, bad])
    assert response.status_code == 400
    assert "mutation 2: unknown plan" in response.json()["detail"]
    for field in ("place_id", "action_id"):
        unknown = mutation(1, content=entry_content(**{field: str(uuid.uuid4())}))
        assert (await push(api, token, [unknown])).status_code == 400

    huge = b'{"client_id": "phone-1", "mutations": [' + b" " * (2 * 1024 * 1024) + b"]}"
    async with api(token) as http:
        response = await http.post(
            "/api/v1/push", content=huge, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 413
        assert "request body over" in response.json()["detail"]

        async def chunks():  # no Content-Length: counted while it streams in
            for _ in range(3):
                yield b" " * (1024 * 1024)

        assert (await http.post("/api/v1/push", content=chunks())).status_code == 413

    async with api() as http:
        response = await http.post("/api/v1/push", json={"client_id": "x", "mutations": [good]})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert count_revisions(demo_engine) == 0
