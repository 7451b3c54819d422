"""Device-side tables: the outbox of changes waiting to be sent, and small settings."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.core.model.clock import utcnow
from app.core.model.enums import Resolution, enum_type


class OutboxItem(SQLModel, table=True):
    """A change made on this device, written in the same transaction as the change itself.

    ``mutation_id`` increases per device and is what the server uses to skip replays.
    An item is *pending* until the service answers it (``acked_at``); an answer that did not
    store the change keeps the reason (``last_error``, ``refusal_code``) and stays in front of
    the officer until they resend or discard it (``resolved_at``, ``resolution``).

    A change belongs to the officer who made it (``officer_id``): it is sent only under that
    officer's sign-in, never under another's who signs in on the same phone later (``None``:
    a change queued before authors were kept, sent under whoever is signed in).
    """

    __tablename__ = "outbox"

    mutation_id: int | None = Field(default=None, primary_key=True)
    object_type: str = Field(max_length=20, description="'entry', 'place' or 'plan'")
    object_id: str = Field(max_length=36, index=True)
    revision_id: str | None = Field(default=None, max_length=36)
    officer_id: str | None = Field(default=None, max_length=36, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    acked_at: datetime | None = Field(default=None, index=True)
    attempts: int = 0
    last_error: str = Field(default="", max_length=500)
    refusal_code: str = Field(default="", max_length=32, description="the service's code")
    resolved_at: datetime | None = None
    resolution: Resolution | None = Field(default=None, sa_type=enum_type(Resolution))


class LocalSetting(SQLModel, table=True):
    """Key/value settings of this device: signed-in officer, server address, language…"""

    __tablename__ = "local_setting"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(default="", max_length=4000)
