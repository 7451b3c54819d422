"""Officer accounts on the sync service: users, sign-in with a rate limit, bearer tokens.

Passwords are kept as Argon2id hashes and tokens as SHA-256 digests (``app.core.security``); the
clear token exists only in the sign-in response. Failed sign-ins are counted in the database,
so every worker process serving the same database applies the same limit.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from sqlalchemy import ColumnElement, bindparam, func, update
from sqlmodel import Session, col, delete, select

from app.core.model import (
    ApiToken,
    LoginAttempt,
    Officer,
    OfficerArea,
    OfficerBase,
    Role,
    ServiceArea,
    ServiceAreaBase,
    Unit,
)
from app.core.model.clock import utcnow
from app.core.model.ids import new_id
from app.core.model.roman import parse_area_number
from app.core.security import hash_password, new_token, token_digest, verify_password
from app.core.store import org
from app.core.store.errors import NotFound
from app.server.scope import Scope, scope_of

TOKEN_LIFETIME = timedelta(days=30)
ATTEMPTS_KEPT = timedelta(days=1)


@dataclass(frozen=True)
class RateLimit:
    """Failed sign-ins allowed within ``window`` before that kind of attempt waits.

    The tight limit is per badge *and* address: whoever guesses one officer's password from
    one place waits, and the officer signing in from their own phone does not. A badge has a
    higher ceiling over all addresses (a spread-out guess), an address one over all badges.
    Existing sessions are never touched: a locked sign-in ends no one's work.
    """

    window: timedelta = timedelta(minutes=15)
    per_badge_and_address: int = 5
    per_badge: int = 50
    per_address: int = 20


class LoginRefused(Exception):
    """Wrong badge or password, or a disabled account (deliberately not told apart)."""


class RateLimited(Exception):
    """Too many failed sign-ins for this badge or address; try again later."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Login:
    token: str
    row: ApiToken
    officer: Officer


@cache
def _dummy_hash() -> str:
    """Checked against unknown badges, so they take as long as wrong passwords."""
    return hash_password(new_token())


# users ---------------------------------------------------------------------------------


def unit_by_ref(session: Session, ref: str, *, create: bool = False) -> Unit:
    """A unit by id or exact name; with ``create``, a new unit of that name."""
    unit = session.get(Unit, ref) or session.exec(select(Unit).where(Unit.name == ref)).first()
    if unit is None:
        if not create:
            raise NotFound(f"no unit {ref!r}")
        unit = org.upsert_unit(session, Unit(id=new_id(), name=ref))
        session.flush()
    return unit


def area_by_ref(session: Session, unit: Unit, ref: str, *, create: bool = False) -> ServiceArea:
    """An area by id, or by its number within ``unit`` ('3', 'XIII'); optionally created."""
    area = session.get(ServiceArea, ref)
    if area is not None:
        return area
    number = parse_area_number(ref)
    query = select(ServiceArea).where(ServiceArea.unit_id == unit.id, ServiceArea.number == number)
    area = session.exec(query).first()
    if area is None:
        if not create:
            raise NotFound(f"no area {ref!r} in {unit.name}")
        area_in = ServiceAreaBase(unit_id=unit.id, number_text=ref, name="")
        area = org.upsert_area(session, area_in, new_id())
        session.flush()
    return area


def add_user(
    session: Session,
    *,
    badge: str,
    name: str,
    role: Role,
    unit_id: str,
    area_ids: list[str],
    password: str,
) -> Officer:
    """A new officer account; the badge must be free."""
    if session.exec(select(Officer).where(Officer.badge == badge)).first() is not None:
        raise ValueError(f"badge {badge} is already taken")
    officer_in = OfficerBase(badge=badge, name=name, role=role, unit_id=unit_id)
    password_hash = hash_password(password)
    officer = org.upsert_officer(session, officer_in, new_id(), area_ids)
    officer.password_hash = password_hash
    session.add(officer)
    session.flush()
    return officer


def disable_user(session: Session, badge: str) -> int:
    """Disable an account and revoke all its tokens; returns how many were revoked."""
    officer = org.officer_by_badge(session, badge)
    officer.active = False
    session.add(officer)
    return revoke_all(session, officer.id)


def revoke_all(session: Session, officer_id: str) -> int:
    now = utcnow()
    query = select(ApiToken).where(
        ApiToken.officer_id == officer_id, col(ApiToken.revoked_at).is_(None)
    )
    tokens = list(session.exec(query))
    for token in tokens:
        token.revoked_at = now
        session.add(token)
    session.flush()
    return len(tokens)


def user_areas(session: Session, officer_ids: list[str]) -> dict[str, list[ServiceArea]]:
    result: dict[str, list[ServiceArea]] = {officer_id: [] for officer_id in officer_ids}
    query = (
        select(OfficerArea.officer_id, ServiceArea)
        .join(ServiceArea, col(ServiceArea.id) == OfficerArea.area_id)
        .where(col(OfficerArea.officer_id).in_(officer_ids))
        .order_by(col(ServiceArea.number))
    )
    for officer_id, area in session.exec(query):
        result[officer_id].append(area)
    return result


# sign-in and tokens --------------------------------------------------------------------


def _failures(
    session: Session, where: list[ColumnElement[bool]], since: datetime
) -> tuple[int, datetime | None]:
    """How many failed sign-ins match ``where`` since ``since``, and the earliest of them."""
    query = select(func.count(), func.min(LoginAttempt.at)).where(
        *where, col(LoginAttempt.succeeded).is_(False), col(LoginAttempt.at) >= since
    )
    count, first = session.exec(query).one()
    return int(count), first


def _check_rate(
    session: Session, badge: str, address: str, now: datetime, limits: RateLimit
) -> None:
    since = now - limits.window
    by_badge = col(LoginAttempt.badge) == badge
    by_address = col(LoginAttempt.address) == address
    for where, limit in (
        ([by_badge, by_address], limits.per_badge_and_address),
        ([by_badge], limits.per_badge),
        ([by_address], limits.per_address),
    ):
        count, first = _failures(session, where, since)
        if count >= limit and first is not None:
            first = first if first.tzinfo else first.replace(tzinfo=UTC)  # as stored
            free_at = first + limits.window
            raise RateLimited(max(1, int((free_at - now).total_seconds()) + 1))


def login(
    session: Session,
    badge: str,
    password: str,
    *,
    address: str,
    client_id: str = "",
    lifetime: timedelta = TOKEN_LIFETIME,
    limits: RateLimit = RateLimit(),
) -> Login:
    """Check a badge and password and hand out a token. Commits: failures must be counted."""
    now = utcnow()
    badge, address = badge[:20], address[:64]
    _check_rate(session, badge, address, now, limits)
    officer = session.exec(select(Officer).where(Officer.badge == badge)).first()
    password_ok = verify_password(officer.password_hash if officer else _dummy_hash(), password)
    succeeded = officer is not None and officer.active and password_ok
    session.add(LoginAttempt(badge=badge, address=address, at=now, succeeded=succeeded))
    if not succeeded or officer is None:
        session.exec(delete(LoginAttempt).where(col(LoginAttempt.at) < now - ATTEMPTS_KEPT))
        session.commit()
        raise LoginRefused("wrong badge or password, or the account is disabled")
    token = new_token()
    row = ApiToken(
        officer_id=officer.id,
        digest=token_digest(token),
        client_id=client_id,
        created_at=now,
        expires_at=now + lifetime,
    )
    session.add(row)
    session.commit()
    return Login(token, row, officer)


def issue_token(
    session: Session, officer: Officer, *, client_id: str = "", lifetime: timedelta = TOKEN_LIFETIME
) -> str:
    """A token without a password check (tests, admin tooling); only the digest is stored."""
    token = new_token()
    now = utcnow()
    session.add(
        ApiToken(
            officer_id=officer.id,
            digest=token_digest(token),
            client_id=client_id,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    return token


@dataclass(frozen=True)
class SignedIn:
    token_id: str
    scope: Scope


_API_TOKEN, _OFFICER, _LINK = ApiToken.__table__, Officer.__table__, OfficerArea.__table__
_SIGN_IN = (
    select(
        _API_TOKEN.c.id,
        _API_TOKEN.c.revoked_at,
        _API_TOKEN.c.expires_at,
        _OFFICER.c.id.label("officer_id"),
        _OFFICER.c.role,
        _OFFICER.c.unit_id,
        _OFFICER.c.active,
        _LINK.c.area_id,
    )
    .join(_OFFICER, _OFFICER.c.id == _API_TOKEN.c.officer_id)
    .outerjoin(_LINK, _LINK.c.officer_id == _OFFICER.c.id)
    .where(_API_TOKEN.c.digest == bindparam("digest"))
)
"""Token, officer and linked areas in one statement: every request starts with it."""


def authenticate(session: Session, token: str) -> SignedIn | None:
    """The officer behind a live token (known, not revoked, not expired, account active)
    and their reach as stored now."""
    rows = session.connection().execute(_SIGN_IN, {"digest": token_digest(token)}).all()
    if not rows:
        return None
    first = rows[0]
    if first.revoked_at is not None or first.expires_at <= utcnow() or not first.active:
        return None
    linked = frozenset(row.area_id for row in rows if row.area_id is not None)
    scope = scope_of(session, first.officer_id, Role(first.role), first.unit_id, linked)
    return SignedIn(first.id, scope)


def revoke(session: Session, token_id: str) -> None:
    session.execute(
        update(_API_TOKEN).where(_API_TOKEN.c.id == token_id).values(revoked_at=utcnow())
    )
