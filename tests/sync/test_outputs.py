"""The sync outputs carry every stored column: a field added to the model is synced."""

from __future__ import annotations

from app.core.model import Action, EntryRevision, Plan
from app.core.sync.schemas import ActionOut, PlanOut, RevisionOut


def test_every_stored_column_is_in_its_output() -> None:
    for table, output, internal in (
        (Plan, PlanOut, set()),
        (Action, ActionOut, {"plan_id"}),  # the action travels inside its plan
        (EntryRevision, RevisionOut, set()),
    ):
        columns = {column.name for column in table.__table__.columns}
        missing = columns - set(output.model_fields) - internal
        assert missing == set(), f"{output.__name__} lacks {sorted(missing)}"
