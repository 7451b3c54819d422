"""Refused changes stay in front of the officer: the service's code, resent or discarded.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column("refusal_code", _STR(length=32), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("resolved_at", _TIME(), nullable=True))
        batch.add_column(
            sa.Column(
                "resolution",
                sa.Enum(
                    "resent",
                    "discarded",
                    name="resolution",
                    native_enum=False,
                    create_constraint=False,
                    length=32,
                ),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("resolution")
        batch.drop_column("resolved_at")
        batch.drop_column("refusal_code")
