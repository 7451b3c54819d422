"""Which entries count for an action, and counting them for many tasks in one query.

The Today screen needs, per task, only "how many, up to the number required" in a few time
ranges. Each range becomes a capped count (``LIMIT required``) and all of them travel in one
SELECT: one round trip, and the database stops at the first entries it needs.

Entries are counted within their plan: an entry linked to an action is filed under that
action's plan (the app sets both), so the rule below and the query agree, and the
(plan_id, occurred_at) index bounds every scan.

Linked and unlinked entries are counted separately, each by a seek on its own index
((plan_id, action_id, occurred_at) and (plan_id, kind, action_id, occurred_at)), so even a
deadline never met costs next to nothing however many entries the plan holds. Entries of
other kinds that fulfil an action by its counter (leaflets handed out at a meeting) are a
third count, only for the actions such a counter exists for, bounded by the range on
(plan_id, occurred_at).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

from sqlalchemy import Integer, Row, Select, and_, bindparam, func, literal, select
from sqlmodel import Session, col

from app.core.model import Action, Entry, EntryKind, EntryRevision, Plan
from app.core.model.enums import ACTION_COUNTER


def entry_counts_for_action(entry: EntryRevision | Row[Any], action: Action, plan: Plan) -> bool:
    """Whether an entry of the plan fulfils the action (one entry may fulfil several).

    It does when logged from the action's task; when not linked to any action and of the
    action's kind; or when it is of another kind and counts what the action is about
    (``ACTION_COUNTER``: a meeting where 40 leaflets were handed out fulfils the leaflets
    action, one where residents were spoken to the talks action). An entry of the action's
    kind linked to another action does not count (two checks of two places stay apart).
    Towards the plan's goal every entry counts once, whatever it fulfils.
    """
    if entry.action_id is not None and entry.action_id == action.id:
        return True
    if entry.plan_id != plan.id:
        return False
    if entry.kind == action.kind:
        return entry.action_id is None
    counter = ACTION_COUNTER.get(EntryKind(action.kind))
    return counter is not None and getattr(entry, counter) > 0


@dataclass(frozen=True)
class CountRange:
    """Count the entries for one action that occurred in [since, until), at most ``cap``."""

    plan_id: str
    action_id: str
    kind: EntryKind
    since: datetime
    until: datetime
    cap: int


class Share(StrEnum):
    """The three disjoint ways an entry counts for an action (see the rule above)."""

    linked = "linked"
    unlinked = "unlinked"
    by_counter = "by_counter"


def _capped_count(n: int, share: Share, counter: str | None = None):  # noqa: ANN202 (a SQLAlchemy scalar subquery)
    """Range ``n``'s entries in force (not deleted) of the plan that count for its action in
    one of the three ways, at most its cap."""
    rev = EntryRevision
    if share is Share.linked:
        condition = col(rev.action_id) == bindparam(f"a{n}")
    elif share is Share.unlinked:
        condition = and_(col(rev.action_id).is_(None), col(rev.kind) == bindparam(f"k{n}"))
    else:
        assert counter is not None
        condition = and_(
            col(rev.kind) != bindparam(f"k{n}"),
            col(rev.action_id).is_distinct_from(bindparam(f"a{n}")),
            getattr(rev, counter) > 0,
        )
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


def _range_count(n: int, counter: str | None):  # noqa: ANN202 (a SQLAlchemy column expression)
    total = _capped_count(n, Share.linked) + _capped_count(n, Share.unlinked)
    if counter is not None:
        total = total + _capped_count(n, Share.by_counter, counter)
    return total.label(f"n{n}")


@lru_cache(maxsize=128)
def _counting_query(counters: tuple[str | None, ...]) -> Select:
    """One SELECT of capped counts, one per range, built once per shape (the Today screen asks
    the same shape at every refresh, so it is neither rebuilt nor recompiled). ``counters``:
    per range, the counter that also fulfils its action (``ACTION_COUNTER``), if any."""
    return select(*(_range_count(n, counter) for n, counter in enumerate(counters)))


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
    shape = tuple(ACTION_COUNTER.get(EntryKind(r.kind)) for r in ranges)
    row = session.execute(_counting_query(shape), params).one()
    return [min(int(value), wanted.cap) for value, wanted in zip(row, ranges, strict=True)]
