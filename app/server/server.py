"""The sync service: a FastAPI app over one database (SQLite file or PostgreSQL).

``create_app(engine_or_url)`` builds it for tests and embedding; ``app_from_env`` is the factory
uvicorn's worker processes call (the database URL comes from ``REJON_SERVE_DB_URL``). Nothing
lives in the process but the engine: tokens, devices, login attempts and the version counter
are all in the database, so several workers can serve one PostgreSQL database.
"""

import gc
import logging
import os
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from anyio import CapacityLimiter
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.constants import REF_TEMPLATE
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.models import Components
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import GenerateJsonSchema
from sqlalchemy.engine import Engine
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    IntegrityError,
    InterfaceError,
    InternalError,
    OperationalError,
)
from starlette.routing import BaseRoute, Match
from starlette.staticfiles import StaticFiles

from app.core.config import get_settings
from app.core.plans.workflow import WorkflowError
from app.core.store.db import open_service_store
from app.core.store.errors import Conflict, NotFound
from app.core.store.versions import init_server_store
from app.core.sync.schemas import REFUSAL_HEADER, RefusalCode
from app.server.accounts import LoginRefused, RateLimited, authenticate
from app.server.config import DB_URL_ENV, ServerConfig
from app.server.deps import Db, get_token, known_query
from app.server.push import Refused
from app.server.routes import auth, health, places, plans, pull, push

API_PREFIX = "/api/v1"
RETRY_AFTER = "5"
"""Seconds a client is asked to wait after a 503 (the database is unavailable)."""
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


SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"geolocation=(), camera=(), microphone=()"),
)
API_CSP = b"default-src 'none'; frame-ancestors 'none'"
DOCS_CSP = (
    b"default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    b"img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
)
"""Swagger UI's page starts itself with an inline script; its assets are served from here."""
DOCS_PATH, DOCS_ASSETS = "/docs", "/docs-assets"
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


class Hardening:
    """Around every request: security headers and ``Cache-Control: no-store`` on every answer,
    ``OPTIONS`` answered with the methods the path allows, and an exception that escaped
    everything else turned into a bare 500 whose log names the error's type and place but
    never its message (which may quote the request: a note, a password)."""

    def __init__(self, app: Callable[..., Awaitable[None]], routes: list[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        docs = scope["path"].startswith(scope.get("root_path", "") + "/docs")

        async def secured(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in SECURITY_HEADERS if n not in names]
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", DOCS_CSP if docs else API_CSP))
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        if scope["method"] == "OPTIONS":
            allowed = self._allowed(scope)
            if allowed:
                answer = Response(status_code=204, headers={"Allow": ", ".join(allowed)})
                await answer(scope, receive, secured)
                return
        try:
            await self.app(scope, receive, secured)
        except Exception as exc:  # the last line of defence, logged below
            where = "".join(traceback.format_tb(exc.__traceback__))
            log.error(
                "unhandled %s on %s %s\n%s",
                type(exc).__name__,
                scope["method"],
                scope["path"],
                where,
            )
            if not started:
                await _error(500, "internal error")(scope, receive, secured)

    def _allowed(self, scope: Scope) -> list[str]:
        """Every method some route of this path answers, plus OPTIONS (none: no such path)."""
        methods = {
            method
            for method in METHODS
            for route in self.routes
            if route.matches({**scope, "method": method})[0] is Match.FULL
        }
        return sorted(methods | {"OPTIONS"}) if methods else []


def _error(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    if status == 503:
        headers = {"Retry-After": RETRY_AFTER, **(headers or {})}
    return JSONResponse({"detail": _printable(detail)}, status_code=status, headers=headers)


def refusal(status: int, detail: str, code: RefusalCode) -> JSONResponse:
    """The service's own refusal: the only answer on which a device gives up a change."""
    body = {"detail": _printable(detail), "code": code.value}
    return JSONResponse(body, status_code=status, headers={REFUSAL_HEADER: code.value})


def _printable(text: str) -> str:
    """Text that can be encoded as UTF-8 whatever a client sent (a lone surrogate becomes ?)."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _validation_detail(errors: list[Any]) -> str:
    """Where and what, for each error: never the value sent (it may be a password)."""
    parts = []
    for error in errors[:5]:
        where = ".".join(str(part)[:40] for part in error.get("loc", ()) if part != "body")
        message = str(error.get("msg", "invalid value"))
        parts.append(f"{where}: {message}" if where else message)
    more = len(errors) - 5
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts) or "invalid request"


def _needs_token(request: Request) -> bool:
    route = request.scope.get("route")
    return isinstance(route, APIRoute) and any(
        dependency.call is get_token for dependency in route.dependant.dependencies
    )


def _install_error_handlers(app: FastAPI) -> None:
    """Every refusal is a JSON body ``{"detail": ..., "code": ...}`` with a 4xx status and
    the ``Rejon-Refusal`` header; 401 asks to sign in, 429 and 503 to retry later."""

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        """422 for a request the caller may make; 401 first for one they may not make at all
        (a malformed push with a revoked token is a revoked token)."""
        if _needs_token(request):
            refused = _error(401, "sign in first: Authorization: Bearer <token>")
            refused.headers["WWW-Authenticate"] = "Bearer"
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                return refused
            db: Db = request.app.state.db
            try:
                known = await db.run(
                    lambda session: authenticate(session, token.strip()) is not None, write=False
                )
            except DBAPIError:
                return _error(503, "the database is unavailable; try again later")
            if not known:
                refused = _error(401, "the token is unknown, expired or revoked; sign in again")
                refused.headers["WWW-Authenticate"] = "Bearer"
                return refused
        return refusal(422, _validation_detail(exc.errors()), RefusalCode.invalid)

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
        """Logged by kind only: the statement's parameters hold what a client sent."""
        if isinstance(exc, IntegrityError):
            return _error(409, "the change clashes with data stored meanwhile; try again")
        if isinstance(exc, DataError):
            return refusal(400, "a value the database cannot store", RefusalCode.invalid)
        kind = type(exc.orig).__name__
        if (
            isinstance(exc, OperationalError | InterfaceError | InternalError)
            or exc.connection_invalidated
        ):
            log.warning("database unavailable: %s", kind)
            return _error(503, "the database is unavailable; try again later")
        log.error("database error: %s", kind)
        return _error(500, "internal error")


def _error_ref() -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}


NO_NUL = "^[^\\u0000]*$"


def _no_nul_in_text(node: Any) -> None:
    """Every free text of a request shape states what ``refuse_nul`` enforces."""
    if isinstance(node, dict):
        free = not ({"pattern", "enum", "const", "format"} & node.keys())
        if node.get("type") == "string" and free:
            node["pattern"] = NO_NUL
        for value in node.values():
            _no_nul_in_text(value)
    elif isinstance(node, list):
        for value in node:
            _no_nul_in_text(value)


def _body_schemas(models: tuple[type[BaseModel], ...]) -> dict[str, Any]:
    """Components for bodies read by ``read_json_body``, as FastAPI writes a body parameter's."""
    generator = GenerateJsonSchema(ref_template=REF_TEMPLATE)
    _, definitions = generator.generate_definitions(
        [(model, "validation", TypeAdapter(model).core_schema) for model in models]
    )
    components = Components.model_validate({"schemas": definitions})
    encoded = jsonable_encoder(components, by_alias=True, exclude_none=True)
    return dict(encoded["schemas"])


def _install_openapi(app: FastAPI, body_models: tuple[type[BaseModel], ...]) -> None:
    """The document as the service answers: refusals are ``ErrorOut`` (422 included, which
    never echoes the input), 503 and 429 carry ``Retry-After``, every answer ``no-store``;
    bodies read by ``read_json_body`` (``body_models``) described as FastAPI describes any."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, component in _body_schemas(body_models).items():
            components.setdefault(name, component)
        retry_after = {
            "Retry-After": {
                "description": "seconds to wait before trying again",
                "schema": {"type": "string", "pattern": "^[0-9]+$"},
            }
        }
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                responses = operation.get("responses", {})
                if "422" in responses:
                    responses["422"] = {
                        "description": "Invalid request: where and what (never the value sent)",
                        "content": _error_ref(),
                    }
                for code in ("429", "503"):
                    if code in responses:
                        responses[code]["headers"] = retry_after
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        for name, component in components.items():
            if name.endswith("In"):  # request shapes: no NUL in any text (``refuse_nul``)
                _no_nul_in_text(component)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _install_docs(app: FastAPI) -> None:
    """Swagger UI at /docs with its assets served from this service (no CDN)."""
    from swagger_ui_bundle import swagger_ui_path

    app.mount(DOCS_ASSETS, StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get(DOCS_PATH, include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}/openapi.json",
            title="Rejon sync",
            swagger_js_url=f"{root}{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{DOCS_ASSETS}/favicon-32x32.png",
        )


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
    if isinstance(target, str):
        engine = open_service_store(target, **_pool_options(target, config))
    else:
        engine = target
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
        docs_url=None,  # /docs only when asked for (``rejon serve --docs``), assets served here
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.config = config
    app.state.db = Db.over(engine, CapacityLimiter(config.threads))
    api = APIRouter(prefix=API_PREFIX, dependencies=[Depends(known_query)])
    for module in (auth, push, pull, plans, places):
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(health.router, dependencies=[Depends(known_query)])
    if config.docs:
        _install_docs(app)
    _install_openapi(app, push.BODY_MODELS)
    _install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=app.state.config.max_body_bytes)
    app.add_middleware(Hardening, routes=app.router.routes)
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
