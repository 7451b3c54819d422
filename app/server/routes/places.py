"""A named place created (or corrected) on a device."""

from typing import Annotated

from fastapi import APIRouter, Path, Response
from sqlmodel import Session

from app.core.sync.outputs import place_out
from app.core.sync.schemas import UUID_PATTERN, PlaceOut, PlaceWriteIn
from app.server.deps import Caller, DbDep, TokenDep, json_response
from app.server.places import write_place
from app.server.routes.errors import errors

router = APIRouter(prefix="/places", tags=["places"])
PlaceId = Annotated[str, Path(pattern=UUID_PATTERN)]


@router.put("/{place_id}", response_model=PlaceOut, responses=errors(400, 401, 403, 413, 503))
async def put_place(place_id: PlaceId, body: PlaceWriteIn, db: DbDep, token: TokenDep) -> Response:
    """Create the place or replace it whole (idempotent: a repeat changes nothing)."""

    def work(session: Session, caller: Caller) -> PlaceOut:
        place = write_place(session, caller.scope, place_id, body)
        session.commit()
        return place_out(place)

    return json_response(await db.run_signed_in(token, work))
