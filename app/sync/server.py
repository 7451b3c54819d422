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
from fastapi.exceptions import RequestValidationError
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
from app.sync.routes import auth, health, places, plans, pull, push
from app.sync.schemas import REFUSAL_HEADER, RefusalCode
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
        await refusal(413, detail, RefusalCode.too_large)(scope, receive, send)


def _error(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def refusal(status: int, detail: str, code: RefusalCode) -> JSONResponse:
    """The service's own refusal: the only answer on which a device gives up a change."""
    body = {"detail": _printable(detail), "code": code.value}
    return JSONResponse(body, status_code=status, headers={REFUSAL_HEADER: code.value})


def _printable(text: str) -> str:
    """Text that encodes as UTF-8 whatever a client sent (a lone surrogate becomes '?')."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _validation_detail(exc: RequestValidationError) -> str:
    """Where and what, never the input itself (it may hold a password, or not be JSON-able)."""
    parts = []
    for error in exc.errors()[:10]:
        where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        parts.append(f"{where}: {error.get('msg', 'invalid')}" if where else error.get("msg", ""))
    return "; ".join(parts) or "invalid request"


def _install_error_handlers(app: FastAPI) -> None:
    """Every refusal is a JSON body ``{"detail": ..., "code": ...}`` with a 4xx status and
    the ``Rejon-Refusal`` header; 401 asks to sign in, 429 and 503 to retry later."""

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return refusal(422, _validation_detail(exc), RefusalCode.invalid)

    @app.exception_handler(Refused)
    async def refused(_: Request, exc: Refused) -> JSONResponse:
        return refusal(exc.status, exc.detail, exc.code)

    @app.exception_handler(NotFound)
    async def not_found(_: Request, exc: NotFound) -> JSONResponse:
        return refusal(404, str(exc), RefusalCode.not_found)

    @app.exception_handler(Conflict)
    async def conflict(_: Request, exc: Conflict) -> JSONResponse:
        return refusal(409, str(exc), RefusalCode.conflict)

    @app.exception_handler(WorkflowError)
    async def not_allowed(_: Request, exc: WorkflowError) -> JSONResponse:
        return refusal(403, str(exc), RefusalCode.not_allowed)

    @app.exception_handler(LoginRefused)
    async def login_refused(_: Request, exc: LoginRefused) -> JSONResponse:
        return _error(401, str(exc), {"WWW-Authenticate": "Bearer"})

    @app.exception_handler(RateLimited)
    async def rate_limited(_: Request, exc: RateLimited) -> JSONResponse:
        return _error(429, str(exc), {"Retry-After": str(exc.retry_after)})

    @app.exception_handler(DBAPIError)
    async def database_error(_: Request, exc: DBAPIError) -> JSONResponse:
        if isinstance(exc, IntegrityError):  # a race lost: the same request may pass next time
            return _error(409, "the change clashes with data stored meanwhile; try again")
        if isinstance(exc, DataError):
            return refusal(400, "a value the database cannot store", RefusalCode.invalid)
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
    for module in (auth, push, pull, plans, places):
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
