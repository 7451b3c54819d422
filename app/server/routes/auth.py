"""Sign in (badge + password → bearer token), sign out, who am I."""

from fastapi import APIRouter, Request, Response, status
from sqlmodel import Session

from app.core.model import Unit
from app.core.store.org import officer_area_ids
from app.core.sync.outputs import officer_out, unit_out
from app.core.sync.schemas import LoginIn, OfficerOut, TokenOut
from app.server import accounts
from app.server.deps import Caller, ConfigDep, DbDep, TokenDep, json_response
from app.server.routes.errors import errors

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login", response_model=TokenOut, responses=errors(400, 401, 413, 429, 503))
async def login(body: LoginIn, request: Request, db: DbDep, config: ConfigDep) -> Response:
    address = request.client.host if request.client else "unknown"

    def work(session: Session) -> TokenOut:
        result = accounts.login(
            session,
            body.badge,
            body.password,
            address=address,
            client_id=body.client_id or "",
            lifetime=config.token_lifetime,
            limits=config.rate_limit,
        )
        officer = result.officer
        unit = session.get(Unit, officer.unit_id)
        assert unit is not None  # officer.unit_id is a foreign key
        return TokenOut(
            access_token=result.token,
            expires_at=result.row.expires_at,
            officer=officer_out(officer, officer_area_ids(session, officer.id)),
            unit=unit_out(unit),
        )

    return json_response(await db.run(work))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401, 503))
async def logout(db: DbDep, token: TokenDep) -> Response:
    """Revoke the token used for this request."""

    def work(session: Session, caller: Caller) -> None:
        accounts.revoke(session, caller.token_id)
        session.commit()

    await db.run_signed_in(token, work)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=OfficerOut, responses=errors(401, 503))
async def me(db: DbDep, token: TokenDep) -> Response:
    def work(session: Session, caller: Caller) -> OfficerOut:
        areas = officer_area_ids(session, caller.scope.officer_id)
        return officer_out(caller.officer(session), areas)

    return json_response(await db.run_signed_in(token, work, write=False))
