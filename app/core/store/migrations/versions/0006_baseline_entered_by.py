"""Who entered a plan's baseline, and when (the officer or the supervisor, on an approved plan).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    # plain ADD COLUMN (no batch copy of the table: actions, partners and channels point at it)
    op.add_column(
        "plan",
        sa.Column("criterion_baseline_by", _STR(length=300), nullable=False, server_default=""),
    )
    op.add_column("plan", sa.Column("criterion_baseline_at", _TIME(), nullable=True))


def downgrade() -> None:
    # plain DROP COLUMN (SQLite 3.35+ and PostgreSQL): a batch copy would drop a referenced table
    op.execute("ALTER TABLE plan DROP COLUMN criterion_baseline_at")
    op.execute("ALTER TABLE plan DROP COLUMN criterion_baseline_by")
