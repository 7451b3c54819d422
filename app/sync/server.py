"""The sync service: a FastAPI app over one database (SQLite file or PostgreSQL).

``create_app(engine_or_url)`` builds it for tests and embedding; ``app_from_env`` is the factory
uvicorn's worker processes call (the database URL comes from ``REJON_SERVE_DB_URL``). Nothing
lives in the process but the engine: tokens, devices, login attempts and the version counter
are all in the database, so several workers can serve one PostgreSQL database.
"""

import gc
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from anyio import CapacityLimiter
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)

from app.config import get_settings
from app.plans.workflow import WorkflowError
from app.store.db import open_store
from app.store.errors import Conflict, NotFound
from app.sync.accounts import LoginRefused, RateLimited
from app.sync.config import DB_URL_ENV, ServerConfig
from app.sync.deps import Db
from app.sync.push import Refused
from app.sync.routes import auth, health, plans, pull, push
from app.sync.versions import init_server_store

API_PREFIX = "/api/v1"
log = logging.getLogger(__name__)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413 before anything parses them."""

    def __init__(self, app: Callable[..., Awaitable[None]], max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._too_large(scope, receive, send)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body, sent = b"".join(chunks), False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"request body over {self.max_bytes} bytes"
        await JSONResponse({"detail": detail}, status_code=413)(scope, receive, send)


def _error(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    """Every refusal is a JSON body ``{"detail": ...}`` with a 4xx status (503: retry later)."""

    @app.exception_handler(Refused)
    async def refused(_: Request, exc: Refused) -> JSONResponse:
        return _error(exc.status, exc.detail)

    @app.exception_handler(NotFound)
    async def not_found(_: Request, exc: NotFound) -> JSONResponse:
        return _error(404, str(exc))

    @app.exception_handler(Conflict)
    async def conflict(_: Request, exc: Conflict) -> JSONResponse:
        return _error(409, str(exc))

    @app.exception_handler(WorkflowError)
    async def not_allowed(_: Request, exc: WorkflowError) -> JSONResponse:
        return _error(403, str(exc))

    @app.exception_handler(LoginRefused)
    async def login_refused(_: Request, exc: LoginRefused) -> JSONResponse:
        return _error(401, str(exc), {"WWW-Authenticate": "Bearer"})

    @app.exception_handler(RateLimited)
    async def rate_limited(_: Request, exc: RateLimited) -> JSONResponse:
        return _error(429, str(exc), {"Retry-After": str(exc.retry_after)})

    @app.exception_handler(DBAPIError)
    async def database_error(_: Request, exc: DBAPIError) -> JSONResponse:
        if isinstance(exc, IntegrityError):
            return _error(409, "the change clashes with data stored meanwhile; try again")
        if isinstance(exc, DataError):
            return _error(400, "a value the database cannot store")
        if isinstance(exc, OperationalError | InterfaceError) or exc.connection_invalidated:
            log.warning("database unavailable: %s", exc.orig)
            return _error(503, "the database is unavailable; try again later")
        log.exception("database error")
        return _error(500, "internal error")


def _pool_options(url: str, config: ServerConfig) -> dict[str, Any]:
    """A connection for every request thread, kept open; no ping before each use.

    Without the ping a connection the database dropped fails its next request with 503 and
    SQLAlchemy then replaces every pooled connection opened before the failure; a device
    retries after its backoff. With it, every request would pay one more round trip.
    """
    if url.startswith("sqlite"):  # the WAL is copied back by a thread, not inside a push
        return {"background_checkpoints": True}
    return {"pool_size": config.threads, "max_overflow": 4, "pool_pre_ping": False}


def create_app(target: Engine | str, config: ServerConfig | None = None) -> FastAPI:
    """The service over an engine (kept open) or a URL (migrated, disposed on shutdown)."""
    config = config or ServerConfig()
    owns_engine = isinstance(target, str)
    engine = open_store(target, **_pool_options(target, config)) if owns_engine else target
    init_server_store(engine)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if owns_engine:
            engine.dispose()

    app = FastAPI(
        title="Rejon sync",
        version="1",
        summary="Field log sync for community police officers: push, pull, accounts, plans.",
        openapi_url="/openapi.json",
        telemetry={"tracing": False, "metrics": False, "logs": False},  # none is exported
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.config = config
    app.state.db = Db.over(engine, CapacityLimiter(config.threads))
    api = APIRouter(prefix=API_PREFIX)
    for module in (auth, push, pull, plans):
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(health.router)
    _install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=app.state.config.max_body_bytes)
    return app


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` workers (``rejon serve`` has migrated already)."""
    url = os.environ.get(DB_URL_ENV) or get_settings().server_db_url
    app = create_app(url, ServerConfig.from_env())
    # What start-up built lives as long as the process: keep it out of the collector's full
    # passes, which otherwise walk it again and again while requests allocate.
    gc.collect()
    gc.freeze()
    return app
