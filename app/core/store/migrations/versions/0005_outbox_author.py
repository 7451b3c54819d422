"""Each change waiting on a device belongs to the officer who made it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 10:00:00

The outbox keeps the author of every change (``officer_id``), so a change is sent only under
its author's sign-in. Entries' changes already waiting get the author of their revision;
plan and place changes queued before this have none and go with whoever signs in (as before).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("officer_id", _STR(length=36), nullable=True))
        batch.create_index("ix_outbox_officer_id", ["officer_id"], unique=False)
    op.execute(
        "UPDATE outbox SET officer_id = (SELECT entry_revision.officer_id FROM entry_revision "
        "WHERE entry_revision.id = outbox.revision_id) WHERE object_type = 'entry'"
    )


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_officer_id")
        batch.drop_column("officer_id")
