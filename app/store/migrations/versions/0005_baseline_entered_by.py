"""Who entered a plan's baseline, and when (the officer or the supervisor, on an approved plan).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 10:00:00
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
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("plan") as batch:
        batch.add_column(
            sa.Column("criterion_baseline_by", _STR(length=300), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("criterion_baseline_at", _TIME(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan") as batch:
        batch.drop_column("criterion_baseline_at")
        batch.drop_column("criterion_baseline_by")
