"""The screens' one door to the services: each function opens a transaction, calls the
store / schedule / places / progress services and returns plain data.

These functions block (database, Argon2): views call them through ``asyncio.to_thread``
so the event loop keeps drawing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.core.config import get_settings
from app.core.i18n import translator
from app.core.model import (
    Action,
    EntryIn,
    EntryKind,
    EntryRevision,
    Officer,
    OutboxItem,
    Place,
    PlaceIn,
    Plan,
    PlanIn,
    PlanStatus,
    Role,
    ServiceArea,
)
from app.core.model.clock import local_day_bounds, to_local, utcnow
from app.core.places.nearest import PlaceIndex
from app.core.plans import workflow
from app.core.plans.changes import PlanChanges, since_returned
from app.core.plans.importer import ImportedPlan, parse_plans, read_document_bytes
from app.core.plans.progress import (
    CounterUse,
    OverviewRow,
    PlanProgress,
    form_counters,
    plan_progress,
    unit_overview,
)
from app.core.schedule.service import Task, tasks_for_day
from app.core.security import hash_password, verify_password
from app.core.store import entries as entry_store
from app.core.store.db import session_scope
from app.core.store.errors import NotFound
from app.core.store.org import list_officers, officer_area_ids
from app.core.store.places import add_device_place, list_places
from app.core.store.plans import PlanDocument, list_plans, read_plan
from app.core.store.settings import get_setting, set_setting
from app.device.sync import local as sync_local
from app.device.sync.client import SyncClient, SyncState
from app.device.sync.local import device_id as sync_device_id
from app.device.ui import state as keys

_ = translator("ui")


@dataclass(frozen=True)
class DeviceSettings:
    device_id: str
    officer: Officer | None
    language: str
    gps_threshold_m: float
    server_url: str
    idle_lock_minutes: float | None = None
    """This device's own idle lock time; None: the server's default (web only)."""
    tile_url: str = ""


def load_device(engine: Engine, default_server_url: str | None = None) -> DeviceSettings:
    """This device's settings; a device id is made on first start and kept."""
    defaults = get_settings()
    device = sync_device_id(engine)
    with session_scope(engine) as session:
        officer_id = get_setting(session, keys.SETTING_OFFICER)
        officer = session.get(Officer, officer_id) if officer_id else None
        if officer is not None and not officer.active:
            officer = None
        threshold = get_setting(session, keys.SETTING_GPS_THRESHOLD)
        lock_minutes = get_setting(session, keys.SETTING_IDLE_LOCK)
        return DeviceSettings(
            device_id=device,
            officer=officer,
            language=get_setting(session, keys.SETTING_LANGUAGE, "pl"),
            gps_threshold_m=float(threshold) if threshold else defaults.gps_poor_threshold_m,
            server_url=get_setting(
                session, keys.SETTING_SERVER_URL, default_server_url or defaults.server_url
            ),
            idle_lock_minutes=float(lock_minutes) if lock_minutes else None,
            tile_url=get_setting(session, keys.SETTING_TILE_URL, defaults.tile_url),
        )


def set_preference(engine: Engine, key: str, value: str) -> None:
    with session_scope(engine) as session:
        set_setting(session, key, value)


def local_officers(engine: Engine) -> list[Officer]:
    """Accounts known to this device (for signing in without the server)."""
    with session_scope(engine) as session:
        return [o for o in list_officers(session) if o.active]


def sign_in_local(engine: Engine, badge: str, password: str) -> Officer | None:
    """The officer if the password matches the hash stored on this device; else None."""
    with session_scope(engine) as session:
        officer = next((o for o in list_officers(session) if o.badge == badge.strip()), None)
        if officer is None or not officer.active:
            return None
        if not verify_password(officer.password_hash, password):
            return None
        set_setting(session, keys.SETTING_OFFICER, officer.id)
        set_setting(session, keys.SETTING_LOCKED, "")
        set_setting(session, keys.SETTING_LAST_ACTIVE, utcnow().isoformat())
        return officer


def has_local_password(engine: Engine, badge: str) -> bool:
    """Whether this device can check ``badge``'s password without the service."""
    with session_scope(engine) as session:
        officer = next((o for o in list_officers(session) if o.badge == badge.strip()), None)
        return officer is not None and officer.active and bool(officer.password_hash)


def remember_sign_in(engine: Engine, officer_id: str, password: str) -> Officer | None:
    """After the service accepted a sign-in: the officer (stored by the sync client) becomes
    this device's user, and a hash of the password lets them sign in here offline later."""
    with session_scope(engine) as session:
        officer = session.get(Officer, officer_id)
        if officer is None or not officer.active:
            return None
        try:
            officer.password_hash = hash_password(password)
        except ValueError:  # a password the service took but this device cannot keep
            officer.password_hash = None
        session.add(officer)
        set_setting(session, keys.SETTING_OFFICER, officer.id)
        set_setting(session, keys.SETTING_LOCKED, "")
        set_setting(session, keys.SETTING_LAST_ACTIVE, utcnow().isoformat())
        return officer


def check_password(engine: Engine, officer_id: str, password: str) -> bool:
    """The password against the hash kept on this device (the lock screen)."""
    with session_scope(engine) as session:
        officer = session.get(Officer, officer_id)
        return officer is not None and verify_password(officer.password_hash, password)


def forget_password(engine: Engine, officer_id: str) -> None:
    """The service no longer takes this password: this device stops taking it too."""
    with session_scope(engine) as session:
        officer = session.get(Officer, officer_id)
        if officer is not None:
            officer.password_hash = None
            session.add(officer)


def sign_out(engine: Engine) -> None:
    with session_scope(engine) as session:
        set_setting(session, keys.SETTING_OFFICER, "")
        set_setting(session, keys.SETTING_LOCKED, "")


def lock_state(engine: Engine) -> tuple[bool, datetime | None]:
    """Whether the device was locked, and when its user last touched it."""
    with session_scope(engine) as session:
        locked = get_setting(session, keys.SETTING_LOCKED) == "1"
        last = get_setting(session, keys.SETTING_LAST_ACTIVE)
    return locked, datetime.fromisoformat(last) if last else None


def save_lock_state(engine: Engine, locked: bool, last_active: datetime) -> None:
    with session_scope(engine) as session:
        set_setting(session, keys.SETTING_LOCKED, "1" if locked else "")
        set_setting(session, keys.SETTING_LAST_ACTIVE, last_active.isoformat())


# ---- places ---------------------------------------------------------------------------------


def officer_places(engine: Engine, officer: Officer) -> list[Place]:
    """Places of the officer's areas (all places for an admin)."""
    with session_scope(engine) as session:
        if officer.role == Role.admin:
            return list_places(session)
        return list_places(session, area_ids=officer_area_ids(session, officer.id))


def place_index(places: list[Place]) -> PlaceIndex:
    """Finds the named place for a GPS fix among the officer's places."""
    return PlaceIndex(places)


def add_place(engine: Engine, officer: Officer, name: str, lat: float, lon: float) -> Place:
    """A new named place at the current position, in the officer's (first) area."""
    with session_scope(engine) as session:
        areas = officer_area_ids(session, officer.id)
        place_in = PlaceIn(
            name=name.strip(), lat=lat, lon=lon, radius_m=50, area_id=areas[0] if areas else None
        )
        return add_device_place(session, place_in, officer.id)


# ---- today ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """One plan's progress in a line for the Today screen."""

    plan_id: str
    title: str
    summary: str
    share: float | None
    on_track: bool | None


@dataclass(frozen=True)
class TodayData:
    tasks: list[Task]
    headlines: list[Headline]
    places: dict[str, Place]
    returned: list[Plan] = field(default_factory=list)
    """The officer's own plans returned for correction (each with the supervisor's note)."""


def _active_plans(session: Session, officer: Officer, day: date) -> list[Plan]:
    return [
        p
        for p in list_plans(session, officer_id=officer.id)
        if p.status == PlanStatus.approved and p.period_start <= day <= p.period_end
    ]


def _headline(session: Session, plan: Plan, day: date) -> Headline:
    progress = plan_progress(session, plan.id, today=day)
    criterion = progress.criterion
    return Headline(
        plan_id=plan.id,
        title=plan.title,
        summary=criterion.summary,
        share=criterion.share_done,
        on_track=criterion.on_track,
    )


def today_data(engine: Engine, officer: Officer, day: date, now: datetime) -> TodayData:
    """Everything the Today screen shows, read in one transaction."""
    with session_scope(engine) as session:
        tasks = tasks_for_day(session, day, officer_id=officer.id, now=now)
        headlines = [_headline(session, p, day) for p in _active_plans(session, officer, day)]
        places = {p.id: p for p in list_places(session)}
        returned = _returned_plans(session, officer)
    return TodayData(tasks=tasks, headlines=headlines, places=places, returned=returned)


def _returned_plans(session: Session, officer: Officer) -> list[Plan]:
    """The officer's own plans a supervisor returned, waiting for their correction."""
    own = list_plans(session, officer_id=officer.id)
    return [p for p in own if p.status == PlanStatus.returned]


def returned_plans(engine: Engine, officer: Officer) -> list[Plan]:
    with session_scope(engine) as session:
        return _returned_plans(session, officer)


def pending_count(engine: Engine, officer_id: str | None = None) -> int:
    """Changes waiting to be sent, all or of ``officer_id`` (a SQL count)."""
    return sync_local.pending_count(engine, officer_id)


def own_unsettled(engine: Engine, officer_id: str) -> int:
    """The officer's changes not in the unit's store yet: waiting, or refused and not dealt
    with (what signing out leaves behind on this device)."""
    counts = sync_local.waiting(engine, officer_id)
    return counts.pending + counts.unsent


def sync_status(
    engine: Engine, client: SyncClient | None, officer_id: str | None = None
) -> SyncState:
    """What the sync badge shows to ``officer_id``: their changes waiting or not sent, other
    officers' changes waiting for their sign-in, reachable, the last good sync."""
    if client is None:  # no sync configured: only what waits on this device
        counts = sync_local.waiting(engine, officer_id)
        return SyncState(
            pending=counts.pending,
            last_success=None,
            last_error=None,
            online=None,
            unsent=counts.unsent,
            others=counts.others,
        )
    return client.state(officer_id)


# ---- entries --------------------------------------------------------------------------------


def log(engine: Engine, officer_id: str, device_id: str, entry_in: EntryIn) -> str:
    """Store a new entry at once (queued for sync); returns its id."""
    with session_scope(engine) as session:
        revision = entry_store.log_entry(
            session, entry_in, officer_id=officer_id, device_id=device_id
        )
        return revision.entry_id


def revise(
    engine: Engine, officer_id: str, device_id: str, entry_id: str, entry_in: EntryIn
) -> None:
    with session_scope(engine) as session:
        entry_store.revise_entry(
            session, entry_id, entry_in, officer_id=officer_id, device_id=device_id
        )


def delete(engine: Engine, officer_id: str, device_id: str, entry_id: str) -> bool:
    """Delete an entry; ``False`` when it was deleted already (a second tap, another tab)."""
    with session_scope(engine) as session:
        if entry_store.current_revision(session, entry_id).deleted:
            return False
        entry_store.delete_entry(session, entry_id, officer_id=officer_id, device_id=device_id)
        return True


def restore(engine: Engine, officer_id: str, device_id: str, entry_id: str) -> bool:
    """Undo a delete (a new revision, synced like any change); ``False`` when the entry is in
    force already (Cofnij tapped twice, or in two tabs)."""
    with session_scope(engine) as session:
        if not entry_store.current_revision(session, entry_id).deleted:
            return False
        entry_store.restore_entry(session, entry_id, officer_id=officer_id, device_id=device_id)
        return True


def resend(engine: Engine, officer_id: str, device_id: str, mutation_id: int) -> None:
    sync_local.resend(engine, mutation_id, officer_id=officer_id, device_id=device_id)


def discard(engine: Engine, officer_id: str, device_id: str, mutation_id: int) -> None:
    sync_local.discard(engine, mutation_id, officer_id=officer_id, device_id=device_id)


def _log_choices(session: Session, active: list[Plan], also: str | None) -> list[PlanDocument]:
    ids = [p.id for p in active]
    if also and also not in ids and session.get(Plan, also) is not None:
        ids.append(also)
    return [read_plan(session, plan_id) for plan_id in ids]


@dataclass(frozen=True)
class LogStart:
    """What the log form opens with, read in one transaction (one hop off the event loop
    between the tap on "Odnotuj" and the form)."""

    base: EntryRevision | None
    """The entry edited or repeated; ``None`` for a new one."""
    action: Action | None
    """The plan's task the form was opened from."""
    plan_id: str | None
    """The plan the entry is logged against at first."""
    choices: list[PlanDocument]


def log_start(
    engine: Engine, officer: Officer, day: date, entry_id: str | None, action_id: str | None
) -> LogStart | None:
    """The log form's start: from an entry (``entry_id``: edit or repeat), a task
    (``action_id``), or nothing; ``None`` when the entry is not stored (any more)."""
    with session_scope(engine) as session:
        base = None
        if entry_id:
            try:
                base = entry_store.current_revision(session, entry_id)
            except NotFound:
                return None
        action = session.get(Action, action_id) if action_id else None
        active = _active_plans(session, officer, day)
        source = base or action
        if source is not None:
            plan_id = source.plan_id
        else:  # a new entry: the plan in force, when there is one
            plan_id = active[0].id if len(active) == 1 else None
        return LogStart(base, action, plan_id, _log_choices(session, active, plan_id))


def counter_uses(
    doc: PlanDocument | None, kind: EntryKind, action_id: str | None
) -> list[CounterUse]:
    """The log form's counters in order, each with what it counts for (no I/O)."""
    return form_counters(doc.plan if doc else None, doc.actions if doc else [], kind, action_id)


def revisions(engine: Engine, entry_id: str) -> list[EntryRevision]:
    with session_scope(engine) as session:
        return entry_store.entry_history(session, entry_id)


@dataclass(frozen=True)
class Unsent:
    """An entry's change the service did not store, with the service's reason."""

    entry: EntryRevision
    """The entry as it is on this device (a tombstone when the refused change was a delete)."""
    mutation_id: int
    code: str
    detail: str


@dataclass(frozen=True)
class UnsentDocument:
    """A plan's or a place's change the service did not store, with its reason."""

    mutation_id: int
    object_type: str
    """'plan' or 'place'."""
    object_id: str
    title: str
    code: str


HISTORY_PAGE = 20
"""Entries History draws at once (a screenful and some); older ones come with "Show older"."""

Cursor = tuple[datetime, str]
"""Where a page of History ended: the last entry's ``occurred_at`` and id."""


@dataclass(frozen=True)
class HistoryData:
    days: list[tuple[date, list[EntryRevision]]]
    places: dict[str, Place]
    actions: dict[str, str]
    unsent: list[Unsent]
    """Shown first, whatever their day: the officer must see them and act (first page only)."""
    waiting: set[str]
    """Entries with a change still waiting to be sent."""
    documents: list[UnsentDocument] = field(default_factory=list)
    """The officer's plan and place changes the service did not store (first page only)."""
    older: Cursor | None = None
    """Where the next page starts, when there are older entries."""


def _unsent_documents(session: Session, officer_id: str) -> list[UnsentDocument]:
    out = []
    for item in sync_local.conflicts_in(session, officer_id):
        if item.object_type == "plan":
            plan = session.get(Plan, item.object_id)
            title = plan.title if plan is not None else ""
        elif item.object_type == "place":
            place = session.get(Place, item.object_id)
            title = place.name if place is not None else ""
        else:
            continue
        out.append(
            UnsentDocument(
                item.mutation_id or 0, item.object_type, item.object_id, title, item.refusal_code
            )
        )
    return out


def history(
    engine: Engine,
    officer_id: str,
    until_day: date,
    limit: int = HISTORY_PAGE,
    before: Cursor | None = None,
) -> HistoryData:
    """A page of the officer's entries in force up to ``until_day``, grouped by local day,
    newest first, at most ``limit`` of them, older than ``before``; entries the service did
    not store apart, at the top of the first page."""
    _, until = local_day_bounds(until_day)
    first = before is None
    with session_scope(engine) as session:
        rows = entry_store.current_entries(
            session, officer_id=officer_id, until=until, before=before, limit=limit + 1
        )
        rows, rest = rows[:limit], rows[limit:]
        older = (rows[-1].occurred_at, rows[-1].entry_id) if rest else None
        refused = sync_local.unsent_entries(session, officer_id)
        unsent = [_unsent(session, eid, item) for eid, item in refused.items()] if first else []
        waiting = sync_local.pending_entry_ids(session)
        documents = _unsent_documents(session, officer_id) if first else []
        shown = [*rows, *(u.entry for u in unsent)]
        places = _places_of(session, {r.place_id for r in shown if r.place_id})
        action_ids = {r.action_id for r in shown if r.action_id}
        actions = {a: session.get(Action, a) for a in action_ids}
    grouped: dict[date, list[EntryRevision]] = {}
    for row in rows:
        if row.entry_id not in refused:
            grouped.setdefault(to_local(row.occurred_at).date(), []).append(row)
    return HistoryData(
        days=sorted(grouped.items(), reverse=True),
        places=places,
        actions={k: v.text for k, v in actions.items() if v is not None},
        unsent=unsent,
        waiting=waiting,
        documents=documents,
        older=older,
    )


def _unsent(session: Session, entry_id: str, item: OutboxItem) -> Unsent:
    revision = entry_store.current_revision(session, entry_id)
    return Unsent(revision, item.mutation_id or 0, item.refusal_code, item.last_error)


def _places_of(session: Session, ids: set[str]) -> dict[str, Place]:
    """The places named by ``ids`` (those still stored), by id."""
    if not ids:
        return {}
    return {p.id: p for p in session.exec(select(Place).where(col(Place.id).in_(ids)))}


# ---- plans ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanSync:
    """Where this device's changes of one plan stand, as the signed-in officer sees them."""

    unsent: UnsentDocument | None
    """Their change the service did not store (with the way to resend or give it up)."""
    waiting: int
    """Their changes waiting to be sent."""
    others: int
    """Changes of another user of this device, waiting for that user's sign-in."""


def plan_sync(session: Session, plan_id: str, officer_id: str) -> PlanSync:
    unsent = [d for d in _unsent_documents(session, officer_id) if d.object_id == plan_id]
    return PlanSync(
        unsent=unsent[-1] if unsent else None,
        waiting=sync_local.pending_of(session, "plan", plan_id, officer_id),
        others=sync_local.waiting_for_others(session, "plan", plan_id, officer_id),
    )


@dataclass(frozen=True)
class PlanScreen:
    """One plan with its progress and what the signed-in officer may do with it."""

    doc: PlanDocument | None
    progress: PlanProgress | None
    plans: list[Plan]
    places: dict[str, Place]
    area_label: str
    officer_name: str
    can_edit: bool
    to_review: int
    sync: PlanSync | None = None
    can_set_baseline: bool = False
    """The signed-in officer may enter or correct this reduction plan's baseline."""


def plan_screen(engine: Engine, officer: Officer, plan_id: str | None, day: date) -> PlanScreen:
    """The chosen plan, or the officer's plan in force today, or their newest visible one."""
    with session_scope(engine) as session:
        plans = workflow.visible_plans(session, officer)
        to_review = len(workflow.plans_to_review(session, officer))
        chosen = next((p for p in plans if p.id == plan_id), None)
        if chosen is None:
            active = _active_plans(session, officer, day)
            own = [p for p in plans if p.officer_id == officer.id]
            chosen = (active or own or plans or [None])[0]
        if chosen is None:
            return PlanScreen(
                doc=None,
                progress=None,
                plans=plans,
                places={},
                area_label="",
                officer_name="",
                can_edit=False,
                to_review=to_review,
            )
        doc = read_plan(session, chosen.id)
        progress = (
            plan_progress(session, chosen.id, today=day)
            if chosen.status in (PlanStatus.approved, PlanStatus.closed)
            else None
        )
        area = session.get(ServiceArea, chosen.area_id)
        owner = session.get(Officer, chosen.officer_id)
        return PlanScreen(
            doc=doc,
            progress=progress,
            plans=plans,
            places={p.id: p for p in list_places(session)},
            area_label=area.number_text if area else "",
            officer_name=owner.name if owner else "",
            can_edit=workflow.may_edit(session, officer, chosen),
            to_review=to_review,
            sync=plan_sync(session, chosen.id, officer.id),
            can_set_baseline=workflow.may_set_baseline(session, officer, chosen),
        )


def plan_document(engine: Engine, plan_id: str) -> PlanDocument:
    with session_scope(engine) as session:
        return read_plan(session, plan_id)


@dataclass
class ImportedFile:
    """A plan document picked in the app: its plans, each to be opened and saved on its own."""

    officer_id: str
    """Who picked it: nobody else signing in on this page sees it."""
    name: str
    plans: list[ImportedPlan]
    saved: dict[int, str] = field(default_factory=dict)
    """Plan number (from 1) → id of the draft it was saved as."""

    @property
    def open_numbers(self) -> list[int]:
        return [n for n in range(1, len(self.plans) + 1) if n not in self.saved]


def import_document(officer: Officer, name: str, data: bytes) -> ImportedFile:
    """Read a picked document (``importer.DocumentError`` when it cannot be read)."""
    plans = parse_plans(read_document_bytes(data, name))
    return ImportedFile(officer_id=officer.id, name=name, plans=plans)


def officer_areas(engine: Engine, officer: Officer) -> list[ServiceArea]:
    with session_scope(engine) as session:
        ids = officer_area_ids(session, officer.id)
        areas = [session.get(ServiceArea, a) for a in ids]
        return [a for a in areas if a is not None]


def save_plan_draft(engine: Engine, officer: Officer, plan_in: PlanIn) -> Plan:
    """Each plan change is queued for sync in the transaction that makes it."""
    with session_scope(engine) as session:
        plan = workflow.save_draft(session, officer, plan_in)
        workflow.queue_for_sync(session, plan.id, officer.id)
        return plan


def set_baseline(engine: Engine, officer: Officer, plan_id: str, value: int | None) -> Plan:
    """Enter or correct a reduction plan's baseline; queued for sync like any plan change."""
    with session_scope(engine) as session:
        plan = workflow.set_baseline(session, officer, plan_id, value)
        workflow.queue_for_sync(session, plan.id, officer.id)
        return plan


def submit_plan(engine: Engine, officer: Officer, plan_id: str) -> Plan:
    with session_scope(engine) as session:
        plan = workflow.submit(session, officer, plan_id)
        workflow.queue_for_sync(session, plan.id, officer.id)
        return plan


def _check_no_others_waiting(session: Session, officer: Officer, plan_id: str) -> None:
    """A review on this device waits until the plan's author's changes here reach the server:
    the server would judge the review against the plan it holds, not the one shown here."""
    if sync_local.waiting_for_others(session, "plan", plan_id, officer.id):
        raise workflow.WorkflowError(
            _(
                "This plan has changes of another user of this device that are not on the "
                "server yet: review it once that user has signed in here and they are sent."
            )
        )


def approve_plan(
    engine: Engine, officer: Officer, plan_id: str, note: str = "", *, syncs: bool = True
) -> Plan:
    """``syncs``: this device sends its changes to a service (a review waits for the plan's
    own changes to reach it first)."""
    with session_scope(engine) as session:
        if syncs:
            _check_no_others_waiting(session, officer, plan_id)
        plan = workflow.approve(session, officer, plan_id, note)
        workflow.queue_for_sync(session, plan.id, officer.id)
        return plan


def return_plan(
    engine: Engine, officer: Officer, plan_id: str, note: str, *, syncs: bool = True
) -> Plan:
    with session_scope(engine) as session:
        if syncs:
            _check_no_others_waiting(session, officer, plan_id)
        plan = workflow.return_plan(session, officer, plan_id, note)
        workflow.queue_for_sync(session, plan.id, officer.id)
        return plan


@dataclass(frozen=True)
class ReviewItem:
    plan: Plan
    officer_name: str
    area_label: str
    actions: Sequence[Action]
    doc: PlanDocument | None = None
    """The whole plan (partners and channels too), as the supervisor reviews it."""
    places: dict[str, str] = field(default_factory=dict)
    """Place id → name, for the actions' and the criterion's places."""
    changes: PlanChanges | None = None
    """On a resubmission: what changed since the plan was last returned."""


def review_queue(engine: Engine, officer: Officer) -> list[ReviewItem]:
    with session_scope(engine) as session:
        items = []
        for plan in workflow.plans_to_review(session, officer):
            owner = session.get(Officer, plan.officer_id)
            area = session.get(ServiceArea, plan.area_id)
            doc = read_plan(session, plan.id)
            items.append(
                ReviewItem(
                    plan=plan,
                    officer_name=owner.name if owner else "",
                    area_label=area.number_text if area else "",
                    actions=doc.actions,
                    doc=doc,
                    places={p.id: p.name for p in list_places(session)},
                    changes=since_returned(doc),
                )
            )
        return items


FILE_KINDS = ("docx", "pdf", "csv", "xlsx")


def plan_file(engine: Engine, plan_id: str, kind: str, day: date) -> tuple[str, bytes]:
    """The plan's realization report (docx, pdf) or its entries (csv, xlsx), named for saving."""
    from app.core.reports.docx import render_docx
    from app.core.reports.export import csv_bytes, export_rows, xlsx_bytes
    from app.core.reports.pdf import render_pdf
    from app.core.reports.report import build_report

    if kind not in FILE_KINDS:
        raise ValueError(f"unknown file kind {kind!r}")
    with Session(engine) as session:
        plan = read_plan(session, plan_id).plan
        if kind in ("docx", "pdf"):
            report = build_report(session, plan_id, day)
            data = render_docx(report) if kind == "docx" else render_pdf(report)
            stem = "raport"
        else:
            rows = export_rows(session, plan_id=plan_id)
            data = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows)
            stem = "wpisy"
    return f"{stem}-{plan.period_start:%Y-%m}-{plan_id[:8]}.{kind}", data


def unit_overview_rows(engine: Engine, officer: Officer, day: date) -> list[OverviewRow]:
    """Every plan of a supervisor's unit with its progress; nothing for an officer."""
    if officer.role not in (Role.supervisor, Role.admin):
        return []
    with Session(engine) as session:
        return unit_overview(session, officer.unit_id, day)


# ---- map ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapData:
    """What the map draws: the places someone may log at, and the day's entries."""

    places: list[Place]
    entries: list[EntryRevision]
    officers: dict[str, str]
    """Officer id → name, for the entries' labels (a supervisor sees the unit's)."""


def map_data(engine: Engine, officer: Officer, day: date) -> MapData:
    """An officer's places and their entries of ``day``; a supervisor's: the whole unit's
    (an admin's: everything)."""
    since, until = local_day_bounds(day)
    with session_scope(engine) as session:
        if officer.role == Role.officer:
            places = list_places(session, area_ids=officer_area_ids(session, officer.id))
            entries = entry_store.current_entries(
                session, officer_id=officer.id, since=since, until=until
            )
            people = [officer]
        else:
            people = list_officers(session)
            areas = None
            if officer.role == Role.supervisor:
                people = [o for o in people if o.unit_id == officer.unit_id]
                query = select(ServiceArea.id).where(ServiceArea.unit_id == officer.unit_id)
                areas = list(session.exec(query))
            places = list_places(session, area_ids=areas)
            ids = {o.id for o in people}
            entries = [
                e
                for e in entry_store.current_entries(session, since=since, until=until)
                if e.officer_id in ids
            ]
    return MapData(places=places, entries=entries, officers={o.id: o.name for o in people})


TILE_PLACEHOLDERS = ("{z}", "{x}", "{y}")


def check_tile_url(text: str) -> str:
    """The tile address as typed, trimmed; empty means no tiles. ValueError if unusable."""
    url = text.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(url)
    if not all(p in url for p in TILE_PLACEHOLDERS):
        raise ValueError(url)
    return url


def set_tile_url(engine: Engine, text: str) -> str:
    """Store the device's tile address (validated); returns what was stored."""
    url = check_tile_url(text)
    set_preference(engine, keys.SETTING_TILE_URL, url)
    return url
