"""Request dependencies as annotated types: the database session and the signed-in officer."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.model import ApiToken, Officer
from app.sync.accounts import authenticate
from app.sync.config import ServerConfig
from app.sync.scope import Scope, scope_for

_bearer = HTTPBearer(auto_error=False, description="token from POST /api/v1/auth/login")


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


def get_config(request: Request) -> ServerConfig:
    return request.app.state.config


def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    """One session per request; routes commit what they write before they answer."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
ConfigDep = Annotated[ServerConfig, Depends(get_config)]


@dataclass(frozen=True)
class Caller:
    """The signed-in officer, the token used and what they may reach."""

    officer: Officer
    token: ApiToken
    scope: Scope


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


def get_caller(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorized("sign in first: Authorization: Bearer <token>")
    found = authenticate(session, credentials.credentials)
    if found is None:
        raise _unauthorized("the token is unknown, expired or revoked; sign in again")
    officer, token = found
    return Caller(officer, token, scope_for(session, officer))


CurrentOfficer = Annotated[Caller, Depends(get_caller)]
