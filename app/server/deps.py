"""How a request reaches the database: one worker-thread hop per request, one session.

Routes are ``async``; each hands one function to ``Db.run``, which opens a session, signs the
caller in (when a token is needed) and runs the function in a worker thread. A request thus
costs a single thread hop however many steps it has; FastAPI would otherwise run every
synchronous dependency (session, sign-in, scope) in a thread of its own. A few threads per
process (``ServerConfig.threads``, each with its own pooled connection) serve more requests
than many: forty threads mostly waited for the GIL and for each other (measured under load,
``rejon bench --only load``). A burst of requests queues for a thread, holding nothing.

Answers are serialised once, by the model that describes them (``json_response``). A large
request body (a push) is parsed and validated in one pass by the model (``read_json_body``).
"""

import email.message
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from anyio import CapacityLimiter
from anyio.to_thread import run_sync
from fastapi import Depends, HTTPException, Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.core.model import Officer
from app.core.sync.schemas import TEXT_CHECKED
from app.server.accounts import authenticate
from app.server.config import ServerConfig
from app.server.scope import Scope

_bearer = HTTPBearer(auto_error=False, description="token from POST /api/v1/auth/login")
T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Caller:
    """The signed-in officer (by id), the token used and what they may reach."""

    token_id: str
    scope: Scope

    def officer(self, session: Session) -> Officer:
        officer = session.get(Officer, self.scope.officer_id)
        assert officer is not None  # signed in a moment ago; officers are never deleted
        return officer


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


def sign_in(session: Session, token: str) -> Caller:
    """The caller behind ``token``, or 401 (one query for an officer, two for a supervisor)."""
    found = authenticate(session, token)
    if found is None:
        raise _unauthorized("the token is unknown, expired or revoked; sign in again")
    return Caller(found.token_id, found.scope)


@dataclass(frozen=True)
class Db:
    """The service's database as a route sees it."""

    engine: Engine
    reader: Engine
    """The same pool without transactions, for requests that only read (see ``over``)."""
    limiter: CapacityLimiter

    @classmethod
    def over(cls, engine: Engine, limiter: CapacityLimiter) -> "Db":
        """Reads on PostgreSQL run without BEGIN/ROLLBACK: in READ COMMITTED every statement
        sees its own snapshot either way, and a pull is correct statement by statement (see
        ``versions``); this saves two round trips per read."""
        reader = engine
        if engine.dialect.name == "postgresql":
            reader = engine.execution_options(isolation_level="AUTOCOMMIT")
        return cls(engine, reader, limiter)

    async def run(self, work: Callable[[Session], T], *, write: bool = True) -> T:
        """``work(session)`` in a worker thread; it commits what it writes."""
        return await run_sync(self._call, work, write, limiter=self.limiter)

    async def run_signed_in(
        self, token: str, work: Callable[[Session, Caller], T], *, write: bool = True
    ) -> T:
        """``work(session, caller)`` for the officer behind ``token`` (401 if none)."""
        return await self.run(lambda session: work(session, sign_in(session, token)), write=write)

    def _call(self, work: Callable[[Session], T], write: bool) -> T:
        with Session(self.engine if write else self.reader, expire_on_commit=False) as session:
            return work(session)


async def get_db(request: Request) -> Db:
    return request.app.state.db


async def get_config(request: Request) -> ServerConfig:
    return request.app.state.config


async def get_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The bearer token of the request (checked against the database in ``run_signed_in``)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorized("sign in first: Authorization: Bearer <token>")
    return credentials.credentials


async def known_query(request: Request) -> None:
    """Unknown query parameters are refused like unknown body fields (a typo is not ignored)."""
    route = request.scope.get("route")
    known = {
        param.alias for param in getattr(getattr(route, "dependant", None), "query_params", [])
    }
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise RequestValidationError(
            [
                {"loc": ("query", name[:40]), "msg": "unknown query parameter", "type": "extra"}
                for name in unknown
            ]
        )


DbDep = Annotated[Db, Depends(get_db)]
ConfigDep = Annotated[ServerConfig, Depends(get_config)]
TokenDep = Annotated[str, Depends(get_token)]


def json_response(model: BaseModel, status_code: int = 200) -> Response:
    """The answer serialised once (FastAPI would validate a returned model a second time)."""
    return Response(model.model_dump_json(), status_code=status_code, media_type="application/json")


_PLAIN_JSON_TEXT = re.compile(rb"\s*\{")
_NUL_OR_SURROGATE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")
"""Where JSON text can hold a NUL or a lone surrogate once parsed: a ``\\u0000`` or
``\\uD800``–``\\uDFFF`` escape (raw, either is invalid JSON or invalid UTF-8), or a NUL
byte (text in UTF-16 or UTF-32, see ``_may_hold_nul_or_surrogate``). Escaped backslashes
(``\\\\u0000``) match too: a false alarm only costs the slower path."""


def _may_hold_nul_or_surrogate(body: bytes) -> bool:
    return b"\x00" in body or (b"\\u" in body and _NUL_OR_SURROGATE.search(body) is not None)


def json_body_openapi(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` of a route that reads its body with ``read_json_body``: the body as
    FastAPI documents a model parameter (the model's schema joins the components when the
    document is built, ``app.server.server``)."""
    schema = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {"requestBody": {"content": {"application/json": {"schema": schema}}, "required": True}}


def _is_json(content_type: str | None) -> bool:
    """FastAPI's test of a JSON body's content type (``application/json``, ``…+json``)."""
    if not content_type:
        return False
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


def _invalid_body(exc: ValidationError) -> RequestValidationError:
    """Errors located as FastAPI locates a body parameter's (under ``body``)."""
    return RequestValidationError(
        [{**error, "loc": ("body", *error["loc"])} for error in exc.errors(include_url=False)]
    )


async def read_json_body(request: Request, model: type[M]) -> M:
    """The request's body validated as ``model``, with FastAPI's answers to a body parameter.

    A plain JSON object whose text cannot hold a NUL or a lone surrogate (``_NUL_OR_SURROGATE``)
    is parsed and validated in one pass (pydantic's JSON parser, in Rust), the model told that
    its text is checked (``TEXT_CHECKED``): ``refuse_nul`` would have written the whole body
    out again as JSON to search it. Anything else — another content type, an empty body, text
    that may hold such characters, a body so refused — takes FastAPI's own way: ``json.loads``,
    then the model with every check; refusals read exactly as before (JSON mode words some
    errors otherwise)."""
    body = await request.body()
    if not body:
        raise RequestValidationError(
            [{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}]
        )
    if not _is_json(request.headers.get("content-type")):
        data: Any = body  # what FastAPI validates when the body is not JSON (strict content type)
    else:
        if _PLAIN_JSON_TEXT.match(body) and not _may_hold_nul_or_surrogate(body):
            try:
                return model.model_validate_json(body, context=TEXT_CHECKED)
            except ValidationError:
                pass  # refused: the general way below says why, in its own words
        try:
            data = json.loads(body)
        except json.JSONDecodeError as exc:
            raise RequestValidationError(
                [
                    {
                        "type": "json_invalid",
                        "loc": ("body", exc.pos),
                        "msg": "JSON decode error",
                        "input": {},
                        "ctx": {"error": exc.msg},
                    }
                ]
            ) from None
        except ValueError:  # not UTF-8 (nor UTF-16/32) text
            raise HTTPException(400, "There was an error parsing the body") from None
    try:
        return model.model_validate(data, from_attributes=True)
    except ValidationError as exc:
        raise _invalid_body(exc) from None
