"""Server-side sync bookkeeping: access tokens, devices, login attempts, the version counter.

These tables exist in every database (the app and the service share one schema) but only a
sync service writes them.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from app.core.model.clock import utcnow
from app.core.model.ids import new_id


class ApiToken(SQLModel, table=True):
    """A bearer token handed to a signed-in device; only its SHA-256 digest is kept."""

    __tablename__ = "api_token"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    officer_id: str = Field(foreign_key="officer.id", max_length=36, index=True)
    digest: str = Field(unique=True, index=True, max_length=64)
    client_id: str = Field(default="", max_length=64, description="device that asked for it")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None


class SyncDevice(SQLModel, table=True):
    """Per device and officer: the last mutation acknowledged, so replays are skipped.

    Keyed by both, so one officer cannot advance (and thereby silence) another's device.
    """

    __tablename__ = "sync_device"

    client_id: str = Field(primary_key=True, max_length=64)
    officer_id: str = Field(foreign_key="officer.id", primary_key=True, max_length=36)
    last_mutation_id: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)


class LoginAttempt(SQLModel, table=True):
    """One sign-in attempt; kept in the database so every worker process sees the same limit."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_badge_at", "badge", "at"),
        Index("ix_login_attempt_address_at", "address", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    badge: str = Field(max_length=20)
    address: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow)
    succeeded: bool = False


class VersionCounter(SQLModel, table=True):
    """The single row whose value is the last server version handed out.

    A database assigns versions once this row exists (the service creates it on start).
    """

    __tablename__ = "sync_version"
    __table_args__ = (CheckConstraint("id = 1", name="ck_sync_version_single_row"),)

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    value: int = 0
