"""The push's fast ways: its body read in one pass, its rows handed to SQLite's driver.

Each must give what the general way gives: the same batch or the same refusal for any body
(FastAPI's ``json.loads`` then the model), the same stored values (SQLAlchemy's insert), the
same answer to the device."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from fastapi import HTTPException
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy import bindparam, insert, text
from sqlmodel import Session
from starlette.requests import Request

from app.core.model import COUNT_FIELDS, Entry, EntryRevision
from app.core.model.clock import utcnow
from app.core.store.db import make_engine, migrate
from app.core.sync.schemas import PushIn
from app.server.deps import read_json_body
from app.server.push import _insert_rows
from tests.sync.conftest import OFFICER, entry_content, mutation, token_for


def _request(body: bytes, content_type: str | None) -> Request:
    headers = [] if content_type is None else [(b"content-type", content_type.encode())]
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        assert not sent
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers}
    return Request(scope | {"query_string": b""}, receive)


def _refusal(exc: RequestValidationError | HTTPException) -> tuple[str, Any]:
    """A refusal's status, and for 422 where and what (JSON errors: positions differ)."""
    if isinstance(exc, HTTPException):
        return str(exc.status_code), exc.detail
    errors = exc.errors()
    if errors and errors[0]["type"] == "json_invalid":
        return "422", "json_invalid"
    return "422", sorted((tuple(e["loc"]), e["type"], e["msg"]) for e in errors)


def _fastapi_way(body: bytes, content_type: str | None) -> PushIn:
    """What FastAPI did with a ``body: PushIn`` parameter (strict content type)."""
    if not body:
        raise RequestValidationError(
            [{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}]
        )
    data: Any = body
    if content_type is not None and "json" in content_type:
        try:
            data = json.loads(body)
        except json.JSONDecodeError:
            raise RequestValidationError([{"type": "json_invalid", "loc": ("body", 0)}]) from None
        except ValueError:
            raise HTTPException(400, "There was an error parsing the body") from None
    try:
        return PushIn.model_validate(data, from_attributes=True)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in errors]) from None


def _text(content: object = None, **fields: object) -> str:
    one = mutation(1) | fields
    if content is not None:
        one["content"] = content
    return json.dumps({"client_id": "phone-1", "mutations": [one]}, allow_nan=True)


FINE = _text()
BODIES: dict[str, tuple[bytes, str | None]] = {
    "a batch": (FINE.encode(), "application/json"),
    "a batch, +json": (FINE.encode(), "application/vnd.rejon+json; charset=utf-8"),
    "two mutations": (
        json.dumps({"client_id": "p", "mutations": [mutation(1), mutation(2)]}).encode(),
        "application/json",
    ),
    "Polish escaped": (_text(entry_content(note="żółć")).encode(), "application/json"),
    "Polish as UTF-8": (
        json.dumps(json.loads(_text(entry_content(note="żółć"))), ensure_ascii=False).encode(),
        "application/json",
    ),
    "an emoji as a surrogate pair": (_text(entry_content(note="🚓")).encode(), "application/json"),
    "a NUL": (_text(entry_content(note="a\u0000b")).encode(), "application/json"),
    "a NUL in a key": (FINE.replace('"note"', '"no\\u0000te"').encode(), "application/json"),
    "a lone surrogate": (_text(entry_content(note="\ud800")).encode(), "application/json"),
    "a lone low surrogate": (FINE.replace("spok", "\\uDC00spok").encode(), "application/json"),
    "a surrogate as raw UTF-8": (
        FINE.replace("spok", "\udc80spok").encode("utf-8", "surrogatepass"),
        "application/json",
    ),
    "an escaped backslash before u0000": (
        _text(entry_content(note="\\u0000")).encode(),
        "application/json",
    ),
    "not UTF-8": (FINE.replace("spok", "\xffspok").encode("latin-1"), "application/json"),
    "UTF-16": (FINE.encode("utf-16"), "application/json"),
    "a byte-order mark": (FINE.encode("utf-8-sig"), "application/json"),
    "NaN for lat": (_text(entry_content(lat=float("nan"))).encode(), "application/json"),
    "Infinity for lat": (_text(entry_content(lat=float("inf"))).encode(), "application/json"),
    '"3" for a count': (_text(entry_content(leaflets="3")).encode(), "application/json"),
    "3.0 for a count": (_text(entry_content(leaflets=3.0)).encode(), "application/json"),
    "3.5 for a count": (_text(entry_content(leaflets=3.5)).encode(), "application/json"),
    "true for a count": (_text(entry_content(leaflets=True)).encode(), "application/json"),
    "1 for gps_poor": (_text(entry_content(gps_poor=1)).encode(), "application/json"),
    '"1" for a mutation id': (_text(mutation_id="1").encode(), "application/json"),
    "1.0 for a mutation id": (_text(mutation_id=1.0).encode(), "application/json"),
    "an unknown field": (_text(colour="red").encode(), "application/json"),
    "no content": (_text(content={}).encode(), "application/json"),
    "a number for content": (_text(content=5).encode(), "application/json"),
    "a list for content": (_text(content=[]).encode(), "application/json"),
    "an object for mutations": (b'{"client_id": "p", "mutations": {}}', "application/json"),
    "no mutations": (b'{"client_id": "p", "mutations": []}', "application/json"),
    "null for a mutation": (b'{"client_id": "p", "mutations": [null]}', "application/json"),
    "a number for client_id": (b'{"client_id": 5, "mutations": []}', "application/json"),
    "a number for a date": (_text(entry_content(occurred_at=1e9)).encode(), "application/json"),
    "a date for a date": (
        _text(entry_content(occurred_at="2024-03-01")).encode(),
        "application/json",
    ),
    "an unknown kind": (_text(entry_content(kind="party")).encode(), "application/json"),
    "a huge count": (_text(entry_content(leaflets=10**30)).encode(), "application/json"),
    "true for lat": (_text(entry_content(lat=True)).encode(), "application/json"),
    "a string for lat": (_text(entry_content(lat="51.0")).encode(), "application/json"),
    "a note too long": (_text(entry_content(note="x" * 5000)).encode(), "application/json"),
    "a naive recorded_at": (_text(recorded_at="2024-03-01T10:00:00").encode(), "application/json"),
    "a bad uuid": (_text(entry_id="nope").encode(), "application/json"),
    "a list": (b"[1, 2]", "application/json"),
    "a string": (b'"push"', "application/json"),
    "broken JSON": (b'{"client_id": "p", ', "application/json"),
    "a trailing comma": (FINE[:-1].encode() + b", }", "application/json"),
    "raw control character": (FINE.replace("spok", "\tspok").encode(), "application/json"),
    "deeply nested": (b'{"client_id": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", None),
    "empty": (b"", "application/json"),
    "whitespace": (b" \n ", "application/json"),
    "text/plain": (FINE.encode(), "text/plain"),
    "no content type": (FINE.encode(), None),
    "form": (b"client_id=p", "application/x-www-form-urlencoded"),
}


@pytest.mark.parametrize("name", BODIES)
async def test_a_body_comes_to_what_fastapi_made_of_it(name: str) -> None:
    body, content_type = BODIES[name]
    try:
        ours: tuple[str, Any] = "batch", await read_json_body(_request(body, content_type), PushIn)
    except (RequestValidationError, HTTPException) as exc:
        ours = _refusal(exc)
    try:
        theirs: tuple[str, Any] = "batch", _fastapi_way(body, content_type)
    except (RequestValidationError, HTTPException) as exc:
        theirs = _refusal(exc)
    assert ours == theirs


def _stored(session: Session, table: str, ids: list[str]) -> list[tuple]:
    """Rows as SQLite holds them (the driver's own values: text, numbers), ids left out."""
    query = text(f"SELECT * FROM {table} WHERE id IN :ids ORDER BY rowid")
    result = session.execute(query.bindparams(bindparam("ids", expanding=True)), {"ids": ids})
    columns = list(result.keys())
    skip = {
        i for i, name in enumerate(columns) if name in ("id", "entry_id", "current_revision_id")
    }
    return [tuple(v for i, v in enumerate(row) if i not in skip) for row in result]


def test_rows_reach_sqlite_as_sqlalchemy_would_store_them(tmp_path) -> None:
    """The driver's executemany stores what SQLAlchemy's insert stores, value for value:
    instants in any zone (as UTC text), flags, kinds, numbers, missing values."""
    engine = make_engine(f"sqlite:///{tmp_path / 'rows.db'}")
    migrate(engine)
    base = datetime(2024, 3, 31, 1, 59, 59, tzinfo=timezone(timedelta(hours=2)))
    zones = (UTC, timezone(timedelta(hours=5, minutes=45)), timezone(-timedelta(hours=11)))
    moments = [base + timedelta(microseconds=m) for m in (0, 1, 500_000)]
    moments += [datetime(2000, 1, 1, tzinfo=zone) for zone in zones] + [utcnow()]

    def rows() -> tuple[list[dict], list[dict]]:
        heads, revisions = [], []
        for number, moment in enumerate(moments):
            entry, revision = str(uuid.uuid4()), str(uuid.uuid4())
            heads.append(
                {
                    "id": entry,
                    "officer_id": "o",
                    "device_id": "d",
                    "current_revision_id": revision,
                    "current_seq": number + 1,
                    "deleted": number % 2 == 0,
                    "needs_review": number % 3 == 0,
                    "created_at": moment,
                }
            )
            revisions.append(
                {
                    "id": revision,
                    "entry_id": entry,
                    "seq": number + 1,
                    "base_revision_id": None,
                    "officer_id": "o",
                    "device_id": "d",
                    "recorded_at": moment.astimezone(zones[number % 3]),
                    "deleted": number % 2 == 1,
                    "server_version": number or None,
                    "kind": ("place_check", "leaflets", "other")[number % 3],
                    "occurred_at": moment,
                    "plan_id": None,
                    "action_id": None,
                    "place_id": None,
                    "lat": None if number == 0 else 51.4663 + number / 7,
                    "lon": None if number == 0 else 22.6107,
                    "accuracy_m": None if number == 0 else float(number),
                    "gps_poor": number % 2 == 0,
                    "note": f"nr {number} ż",
                    **dict.fromkeys(COUNT_FIELDS, number),
                }
            )
        return heads, revisions

    with Session(engine) as session:
        session.connection().exec_driver_sql("PRAGMA foreign_keys=OFF")  # no officer here
        ours, theirs = rows(), rows()
        _insert_rows(session, Entry.__table__, ours[0])
        _insert_rows(session, EntryRevision.__table__, ours[1])
        session.connection().execute(insert(Entry.__table__), theirs[0])
        session.connection().execute(insert(EntryRevision.__table__), theirs[1])
        for table, index in (("entry", 0), ("entry_revision", 1)):
            mine = _stored(session, table, [row["id"] for row in ours[index]])
            reference = _stored(session, table, [row["id"] for row in theirs[index]])
            assert mine == reference and len(mine) == len(moments)
    engine.dispose()


async def test_the_answer_is_the_models_for_applied_duplicate_and_conflict(api, demo_engine):
    """A batch of each outcome, and a refused one: the answer's JSON field for field."""
    token = token_for(demo_engine, OFFICER)
    first, second = mutation(1), mutation(2, content=entry_content(note="🚓 \u0105"))
    async with api(token) as http:
        applied = await http.post("/api/v1/push", json={"client_id": "a", "mutations": [first]})
        body = {"client_id": "a", "mutations": [first, second, mutation(3, **_clash(first))]}
        mixed = await http.post("/api/v1/push", json=body)
        refused = await http.post(
            "/api/v1/push", json={"client_id": "a", "mutations": [mutation(4, type="plan")]}
        )
    version = applied.json()["results"][0]["server_version"]
    assert applied.status_code == 200 and isinstance(version, int)
    assert mixed.status_code == 200
    assert mixed.json() == {
        "results": [
            {
                "mutation_id": 1,
                "status": "duplicate",
                "revision_id": first["revision_id"],
                "server_version": version,
                "needs_review": False,
                "detail": "",
                "code": None,
            },
            {
                "mutation_id": 2,
                "status": "applied",
                "revision_id": second["revision_id"],
                "server_version": version + 1,
                "needs_review": False,
                "detail": "",
                "code": None,
            },
            {
                "mutation_id": 3,
                "status": "conflict",
                "revision_id": body["mutations"][2]["revision_id"],
                "server_version": None,
                "needs_review": False,
                "detail": f"entry {first['entry_id']} already exists",
                "code": "entry_exists",
            },
        ],
        "last_mutation_id": 3,
    }
    assert mixed.headers["content-type"] == "application/json"
    assert refused.status_code == 422 and refused.json()["code"] == "invalid"
    assert refused.json()["detail"].startswith("mutations.0.type: ")


def _clash(first: dict) -> dict[str, Any]:
    return {"entry_id": first["entry_id"], "content": entry_content(note="inna")}


def test_the_document_describes_the_body_as_before(server):
    """Read by hand, the body is still documented as FastAPI documents a model parameter."""
    document = server.openapi()
    body = document["paths"]["/api/v1/push"]["post"]["requestBody"]
    assert body == {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PushIn"}}},
        "required": True,
    }
    components = document["components"]["schemas"]
    assert {"PushIn", "MutationIn", "EntryContentIn"} <= set(components)
    mutations = components["PushIn"]["properties"]["mutations"]
    assert mutations["items"] == {"$ref": "#/components/schemas/MutationIn"}
    assert mutations["maxItems"] == 500
    note = components["EntryContentIn"]["properties"]["note"]
    assert "maximum" not in note and note.get("pattern")  # no NUL in text (``refuse_nul``)
