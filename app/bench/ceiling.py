"""The load benchmark's reference: the service's pull and push statements behind a bare ASGI app.

What this machine can give the load's work at most: the same SQL the service runs for a pull
(sign-in by token, the version look-up, the page of revisions in the officer's reach) and for
a one-entry push (sign-in, the batch's reads, the version allocation, the head, the revision
and the device row), over the same driver (psycopg), the same pool settings and the same
number of database threads per process — but with no framework (Starlette's routing only),
no validation, no ORM objects, and answers written with ``json.dumps``. The service is
reported as a ratio of it (``rejon bench --only load``).

``python -m app.bench.ceiling DB_URL PORT WORKERS`` serves it on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from anyio import CapacityLimiter, to_thread
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.core.model.clock import utcnow
from app.core.store.versions import allocate, init_server_store
from app.server import accounts, pull, push
from app.server.config import ServerConfig
from app.server.server import _pool_options

THREADS = ServerConfig().threads


def _json(body: object, status: int = 200) -> Response:
    return Response(json.dumps(body, default=str), status, media_type="application/json")


def _token(request: Request) -> str:
    return request.headers.get("authorization", "").removeprefix("Bearer ").strip()


def _pull(engine: Engine, token: str, since: int, limit: int) -> Response:
    with Session(engine) as session:
        caller = accounts.authenticate(session, token)
        if caller is None:
            return _json({"detail": "sign in"}, 401)
        high, _changed = pull._look(session, since)
        rows = []
        if since < high:
            query = pull._revisions_query(caller.scope, limit)
            bound = {"since": since, "high": high}
            rows = [dict(r._mapping) for r in session.connection().execute(query, bound)]
    has_more = len(rows) > limit
    rows = rows[:limit]
    cursor = rows[-1]["server_version"] if has_more else high
    return _json({"revisions": rows, "next_cursor": cursor, "has_more": has_more})


def _push(engine: Engine, token: str, body: dict[str, Any]) -> Response:
    with Session(engine) as session:
        caller = accounts.authenticate(session, token)
        if caller is None:
            return _json({"detail": "sign in"}, 401)
        officer = caller.scope.officer_id
        mutations = body["mutations"]
        params = {
            "device": body["client_id"],
            "officer": officer,
            "revisions": [m["revision_id"] for m in mutations],
            "entries": [m["entry_id"] for m in mutations],
            "plans": list({m["content"]["plan_id"] for m in mutations}),
            "actions": [],
            "places": [],
        }
        reads = {row.kind: row for row in session.connection().execute(push._READS, params)}
        first = allocate(session, len(mutations))
        now = utcnow()
        heads, revisions = [], []
        for offset, m in enumerate(mutations):
            content = dict(m["content"])
            content["occurred_at"] = datetime.fromisoformat(content["occurred_at"])
            heads.append(
                {
                    "id": m["entry_id"],
                    "officer_id": officer,
                    "device_id": body["client_id"],
                    "current_revision_id": m["revision_id"],
                    "current_seq": 1,
                    "deleted": False,
                    "needs_review": False,
                    "created_at": now,
                }
            )
            revisions.append(
                {
                    **_REVISION_DEFAULTS,
                    **content,
                    "id": m["revision_id"],
                    "entry_id": m["entry_id"],
                    "officer_id": officer,
                    "device_id": body["client_id"],
                    "recorded_at": now,
                    "server_version": first + offset,
                }
            )
        connection = session.connection()
        push._insert_rows(session, push._ENTRY, heads)
        push._insert_rows(session, push._REVISION, revisions)
        last = mutations[-1]["mutation_id"]
        device = reads.get("device")
        if device is None:
            connection.execute(
                push._INSERT_DEVICE,
                {
                    "client_id": body["client_id"],
                    "officer_id": officer,
                    "last_mutation_id": last,
                    "created_at": now,
                    "last_seen_at": now,
                },
            )
        else:
            connection.execute(
                push._MOVE_DEVICE,
                {**params, "read": device.n, "last": last, "now": now},
            )
        session.commit()
    results = [{"mutation_id": m["mutation_id"], "status": "applied"} for m in mutations]
    return _json({"results": results})


_REVISION_DEFAULTS: dict[str, Any] = {
    "action_id": None,
    "place_id": None,
    "lat": None,
    "lon": None,
    "accuracy_m": None,
    "gps_poor": False,
    "note": "",
    "persons_legitimised": 0,
    "leaflets": 0,
    "residents_spoken": 0,
    "interventions": 0,
    "offences": 0,
    "fines": 0,
    "cautions": 0,
    "seq": 1,
    "base_revision_id": None,
    "deleted": False,
}


def _login(engine: Engine, body: dict[str, Any], address: str) -> Response:
    """Not timed by the benchmark (each phone signs in before the load starts)."""
    with Session(engine) as session:
        try:
            found = accounts.login(session, body["badge"], body["password"], address=address)
        except (accounts.LoginRefused, accounts.RateLimited):
            return _json({"detail": "refused"}, 401)
    return _json({"access_token": found.token, "token_type": "bearer"})


def build(url: str) -> Starlette:
    from app.core.store.db import make_engine

    engine = make_engine(url, **_pool_options(url, ServerConfig()))
    init_server_store(engine)  # the version counter, as the service makes it at start
    # as the service reads: without BEGIN/ROLLBACK on PostgreSQL (``app.server.deps.Db.over``)
    reader = engine.execution_options(isolation_level="AUTOCOMMIT") if "postgres" in url else engine
    limiter = CapacityLimiter(THREADS)

    async def changes(request: Request) -> Response:
        since = int(request.query_params.get("since", 0))
        limit = int(request.query_params.get("limit", 200))
        token = _token(request)
        return await to_thread.run_sync(_pull, reader, token, since, limit, limiter=limiter)

    async def push_(request: Request) -> Response:
        body = json.loads(await request.body())
        return await to_thread.run_sync(_push, engine, _token(request), body, limiter=limiter)

    async def login(request: Request) -> Response:
        body = json.loads(await request.body())
        address = request.client.host if request.client else ""
        return await to_thread.run_sync(_login, engine, body, address, limiter=limiter)

    async def healthz(_request: Request) -> Response:
        return _json({"status": "ok"})

    return Starlette(
        routes=[
            Route("/api/v1/changes", changes),
            Route("/api/v1/push", push_, methods=["POST"]),
            Route("/api/v1/auth/login", login, methods=["POST"]),
            Route("/healthz", healthz),
        ],
        lifespan=_disposing(engine),
    )


def _disposing(engine: Engine) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        engine.dispose()

    return lifespan


def app() -> Starlette:
    """uvicorn's factory (one per worker): the database from ``REJON_CEILING_DB``."""
    import os

    return build(os.environ["REJON_CEILING_DB"])


if __name__ == "__main__":
    import os

    import uvicorn

    os.environ["REJON_CEILING_DB"] = sys.argv[1]
    uvicorn.run(
        "app.bench.ceiling:app",
        factory=True,
        host="127.0.0.1",
        port=int(sys.argv[2]),
        workers=int(sys.argv[3]),
        log_level="warning",
    )
