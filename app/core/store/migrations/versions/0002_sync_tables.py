"""sync service tables: access tokens, devices, login attempts, version counter

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 15:51:04

Only new tables: rows already stored (entries above all) are not touched. The version
counter starts empty; a sync service puts its single row in when it first opens the database,
which is what makes that database assign server versions.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "sync_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_sync_version_single_row"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("badge", _STR(length=20), nullable=False),
        sa.Column("address", _STR(length=64), nullable=False),
        sa.Column("at", _TIME(), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.create_index("ix_login_attempt_address_at", ["address", "at"], unique=False)
        batch_op.create_index("ix_login_attempt_badge_at", ["badge", "at"], unique=False)

    op.create_table(
        "api_token",
        sa.Column("id", _STR(length=36), nullable=False),
        sa.Column("officer_id", _STR(length=36), nullable=False),
        sa.Column("digest", _STR(length=64), nullable=False),
        sa.Column("client_id", _STR(length=64), nullable=False),
        sa.Column("created_at", _TIME(), nullable=False),
        sa.Column("expires_at", _TIME(), nullable=False),
        sa.Column("revoked_at", _TIME(), nullable=True),
        sa.ForeignKeyConstraint(["officer_id"], ["officer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_digest"), ["digest"], unique=True)
        batch_op.create_index(batch_op.f("ix_api_token_officer_id"), ["officer_id"], unique=False)

    op.create_table(
        "sync_device",
        sa.Column("client_id", _STR(length=64), nullable=False),
        sa.Column("officer_id", _STR(length=36), nullable=False),
        sa.Column("last_mutation_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _TIME(), nullable=False),
        sa.Column("last_seen_at", _TIME(), nullable=False),
        sa.ForeignKeyConstraint(["officer_id"], ["officer.id"]),
        sa.PrimaryKeyConstraint("client_id", "officer_id"),
    )


def downgrade() -> None:
    op.drop_table("sync_device")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_officer_id"))
        batch_op.drop_index(batch_op.f("ix_api_token_digest"))
    op.drop_table("api_token")
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempt_badge_at")
        batch_op.drop_index("ix_login_attempt_address_at")
    op.drop_table("login_attempt")
    op.drop_table("sync_version")
