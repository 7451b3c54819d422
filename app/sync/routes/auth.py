"""Sign in (badge + password → bearer token), sign out, who am I."""

from fastapi import APIRouter, Request, Response, status

from app.model import Unit
from app.store.org import officer_area_ids
from app.sync import accounts
from app.sync.deps import ConfigDep, CurrentOfficer, SessionDep
from app.sync.outputs import officer_out, unit_out
from app.sync.routes.errors import errors
from app.sync.schemas import LoginIn, OfficerOut, TokenOut

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login", responses=errors(400, 401, 413, 429, 503))
def login(body: LoginIn, request: Request, session: SessionDep, config: ConfigDep) -> TokenOut:
    address = request.client.host if request.client else "unknown"
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


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401, 503))
def logout(caller: CurrentOfficer, session: SessionDep) -> Response:
    """Revoke the token used for this request."""
    accounts.revoke(session, caller.token)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", responses=errors(401, 503))
def me(caller: CurrentOfficer, session: SessionDep) -> OfficerOut:
    return officer_out(caller.officer, officer_area_ids(session, caller.officer.id))
