"""GET what changed since a cursor."""

from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlmodel import Session

from app.core.sync.schemas import MAX_INT, MAX_PAGE, ChangesOut, ClientId
from app.server.deps import Caller, DbDep, TokenDep, json_response
from app.server.pull import read_changes
from app.server.routes.errors import errors

router = APIRouter(tags=["sync"])


@router.get("/changes", response_model=ChangesOut, responses=errors(401, 503))
async def changes(
    db: DbDep,
    token: TokenDep,
    since: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 500,
    client_id: Annotated[ClientId | None, Query()] = None,
) -> Response:
    """Changes in the caller's reach with ``since < version``; follow ``next_cursor``."""

    def work(session: Session, caller: Caller) -> ChangesOut:
        return read_changes(session, caller.scope, since=since, limit=limit, client_id=client_id)

    return json_response(await db.run_signed_in(token, work, write=False))
