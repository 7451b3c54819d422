"""A plan's content as it was when last returned (the reviewer sees what changed since).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 14:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN (no batch copy of the table: actions, partners and channels point at it)
    op.add_column("plan", sa.Column("returned_content", sa.JSON(), nullable=True))


def downgrade() -> None:
    # plain DROP COLUMN (SQLite 3.35+ and PostgreSQL): a batch copy would drop a referenced table
    op.execute("ALTER TABLE plan DROP COLUMN returned_content")
