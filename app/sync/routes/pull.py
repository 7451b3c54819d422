"""GET what changed since a cursor."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.sync.deps import CurrentOfficer, SessionDep
from app.sync.pull import read_changes
from app.sync.routes.errors import errors
from app.sync.schemas import MAX_INT, MAX_PAGE, ChangesOut, ClientId

router = APIRouter(tags=["sync"])


@router.get("/changes", responses=errors(401, 503))
def changes(
    caller: CurrentOfficer,
    session: SessionDep,
    since: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 500,
    client_id: Annotated[ClientId | None, Query()] = None,
) -> ChangesOut:
    """Changes in the caller's reach with ``since < version``; follow ``next_cursor``."""
    return read_changes(session, caller.scope, since=since, limit=limit, client_id=client_id)
