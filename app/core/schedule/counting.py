"""Which entries count for an action, and counting them for many tasks in one query.

The Today screen needs, per task, only "how many, up to the number required" in a few time
ranges. Each range becomes a capped count (``LIMIT required``) and all of them travel in one
SELECT: one round trip, and the database stops at the first entries it needs.

Entries are counted within their plan: an entry linked to an action is filed under that
action's plan (the app sets both), so the rule below and the query agree, and the
(plan_id, occurred_at) index bounds every scan.

Linked and unlinked entries are counted separately, each by a seek on its own index
((plan_id, action_id, occurred_at) and (plan_id, kind, action_id, occurred_at)), so even a
deadline never met costs next to nothing however many entries the plan holds.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Integer, Select, and_, bindparam, func, literal, select
from sqlmodel import Session, col

from app.core.model import Action, Entry, EntryKind, EntryRevision, Plan


def entry_counts_for_action(entry: EntryRevision, action: Action, plan: Plan) -> bool:
    """An entry logged from the task counts; so does an unlinked entry of the plan and kind.

    An entry linked to another action of the plan does not count, even of the same kind.
    """
    if entry.action_id is not None:
        return entry.action_id == action.id
    return entry.plan_id == plan.id and entry.kind == action.kind


@dataclass(frozen=True)
class CountRange:
    """Count the entries for one action that occurred in [since, until), at most ``cap``."""

    plan_id: str
    action_id: str
    kind: EntryKind
    since: datetime
    until: datetime
    cap: int


def _capped_count(n: int, linked: bool):  # noqa: ANN202 (a SQLAlchemy scalar subquery)
    """Range ``n``'s entries in force (not deleted) of the plan that count for its action —
    those linked to it, or unlinked ones of its kind — at most its cap."""
    rev = EntryRevision
    if linked:
        condition = col(rev.action_id) == bindparam(f"a{n}")
    else:
        condition = and_(col(rev.action_id).is_(None), col(rev.kind) == bindparam(f"k{n}"))
    hits = (
        select(literal(1).label("hit"))
        .select_from(rev)
        .join(Entry, col(Entry.current_revision_id) == col(rev.id))
        .where(
            col(Entry.deleted).is_(False),
            col(rev.plan_id) == bindparam(f"p{n}"),
            condition,
            col(rev.occurred_at) >= bindparam(f"s{n}"),
            col(rev.occurred_at) < bindparam(f"u{n}"),
        )
        .limit(bindparam(f"c{n}", type_=Integer))
        .subquery()
    )
    return select(func.count()).select_from(hits).scalar_subquery()


@lru_cache(maxsize=128)
def _counting_query(size: int) -> Select:
    """One SELECT of ``size`` capped counts, built once per size (the Today screen asks the
    same shape at every refresh, so it is neither rebuilt nor recompiled)."""
    return select(
        *(
            (_capped_count(n, linked=True) + _capped_count(n, linked=False)).label(f"n{n}")
            for n in range(size)
        )
    )


def count_ranges(session: Session, ranges: Sequence[CountRange]) -> list[int]:
    """The capped count of every range, in order, from a single query."""
    if not ranges:
        return []
    params: dict[str, object] = {}
    for n, wanted in enumerate(ranges):
        params.update(
            {
                f"p{n}": wanted.plan_id,
                f"a{n}": wanted.action_id,
                f"k{n}": wanted.kind,
                f"s{n}": wanted.since,
                f"u{n}": wanted.until,
                f"c{n}": wanted.cap,
            }
        )
    row = session.execute(_counting_query(len(ranges)), params).one()
    return [min(int(value), wanted.cap) for value, wanted in zip(row, ranges, strict=True)]
