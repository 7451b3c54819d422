"""Indexes for counting an action's entries by seek (the Today screen).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 16:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_rev_plan_action_time", "entry_revision", ["plan_id", "action_id", "occurred_at"]
    )
    op.create_index(
        "ix_rev_plan_kind_action_time",
        "entry_revision",
        ["plan_id", "kind", "action_id", "occurred_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_rev_plan_kind_action_time", table_name="entry_revision")
    op.drop_index("ix_rev_plan_action_time", table_name="entry_revision")
