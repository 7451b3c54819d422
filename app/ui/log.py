"""Quick log: the form behind every task's button, prefilled so a routine check is two taps.

The place comes from the task, else from the GPS fix (the nearest named place whose radius
holds it), else from a short pick list; a new place can be added at the current position.
Saving writes to the local store at once — it never waits for GPS or the network.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import flet as ft
import flet_geolocator as fgl
from pydantic import ValidationError

from app.i18n import fmt_number, translator
from app.i18n.labels import kind_label
from app.model import COUNT_FIELDS, EntryIn, EntryKind, EntryRevision, Place
from app.model.clock import LOCAL_TZ, to_local, to_utc
from app.store.errors import Conflict, NotFound
from app.ui import controls, gps, services
from app.ui.controls import N_
from app.ui.shell import Shell
from app.ui.state import Fix

_ = translator("ui")

COUNTER_LABELS = {
    "persons_legitimised": N_("Persons ID-checked"),
    "leaflets": N_("Leaflets handed out"),
    "residents_spoken": N_("Residents spoken to"),
    "interventions": N_("Interventions"),
    "offences": N_("Offences found"),
    "fines": N_("Fines"),
    "cautions": N_("Cautions"),
}
PICK_LIST = 5
FUTURE_SLACK_S = 10 * 60
"""Clocks differ a little; a time further ahead than this is a typing error."""


def parse_when(day_text: str, time_text: str) -> datetime:
    """'18.11.2026' (or ISO) and '14:05' as an aware local time; ValueError if unreadable."""
    day_text, time_text = day_text.strip(), time_text.strip().replace(".", ":")
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            day = datetime.strptime(day_text, pattern).date()
            break
        except ValueError:
            continue
    else:
        raise ValueError("date")
    try:
        clock = datetime.strptime(time_text, "%H:%M").time()
    except ValueError:
        raise ValueError("time") from None
    return datetime.combine(day, clock, LOCAL_TZ)


def distance_text(metres: float) -> str:
    if metres < 1000:
        return f"{fmt_number(round(metres))} m"
    return f"{fmt_number(round(metres / 1000, 1))} km"


class LogForm:
    """The entry form and its state; ``mode`` is new, edit (a revision) or copy (repeat)."""

    def __init__(
        self,
        shell: Shell,
        *,
        mode: str,
        places: list[Place],
        kind: EntryKind,
        plan_id: str | None,
        action_id: str | None,
        place_id: str | None,
        base: EntryRevision | None = None,
    ) -> None:
        self.shell = shell
        self.state = shell.state
        self.mode = mode
        self.places = {p.id: p for p in places}
        self.plan_id = plan_id
        self.action_id = action_id
        self.task_action_id = action_id
        self.task_kind = str(kind)
        self.place_id = place_id
        self.place_from_task = place_id is not None
        self.base = base
        self.fix: Fix | None = None
        if base is not None and mode == "edit" and base.lat is not None and base.lon is not None:
            self.fix = Fix(base.lat, base.lon, base.accuracy_m)
        self.locating = mode != "edit"
        self.gps_problem: gps.GpsProblem | None = None
        self.saving = False

        now = self.state.now()
        when = to_local(base.occurred_at) if base is not None and mode == "edit" else now
        self.kind = ft.Dropdown(
            key="kind",
            label=_("What"),
            value=str(kind),
            options=[ft.DropdownOption(key=str(k), text=kind_label(k)) for k in EntryKind],
            on_select=self._kind_chosen,
            expand=True,
        )
        self.gps_text = ft.Text(size=15, key="gps-status")
        self.place_list = ft.Column(spacing=8, key="place-list")
        self.new_place_name = ft.TextField(
            label=_("Name of the new place"), key="new-place-name", visible=False
        )
        self.new_place_save = controls.action_button(
            _("Add place"), self._add_place, key="new-place-save", kind="outlined"
        )
        self.new_place_save.visible = False
        self.add_place_button = controls.action_button(
            _("Add new place here"),
            self._show_new_place,
            key="add-place",
            icon=ft.Icons.ADD_LOCATION_ALT,
            kind="outlined",
        )
        self.counters = {
            name: controls.CounterStepper(
                name, _(COUNTER_LABELS[name]), getattr(base, name) if base is not None else 0
            )
            for name in COUNT_FIELDS
        }
        self.note = ft.TextField(
            label=_("Note"),
            value=base.note if base is not None else "",
            multiline=True,
            min_lines=1,
            max_lines=4,
            max_length=2000,
            key="note",
        )
        self.day = ft.TextField(
            label=_("Date"), value=when.strftime("%d.%m.%Y"), key="date", expand=True
        )
        self.time = ft.TextField(
            label=_("Time"),
            value=when.strftime("%H:%M"),
            key="time",
            expand=True,
            keyboard_type=ft.KeyboardType.DATETIME,
        )
        self.save_button = controls.action_button(
            _("Save"), self._save, key="save", icon=ft.Icons.CHECK, expand=True
        )
        self._draw_places()
        self._draw_gps()

    # ---- drawing ------------------------------------------------------------------------------
    def controls(self) -> list[ft.Control]:
        counters = [c.control for c in self.counters.values()]
        return [
            ft.Row([self.kind]),
            controls.card(
                controls.heading(_("Place"), 17),
                self.gps_text,
                self.place_list,
                self.add_place_button,
                self.new_place_name,
                self.new_place_save,
            ),
            ft.Row([self.save_button]),
            controls.card(controls.heading(_("Counts"), 17), *counters),
            self.note,
            ft.Row([self.day, self.time]),
            ft.Container(height=8),
        ]

    def _candidates(self) -> list[tuple[Place, float | None]]:
        """The pick list: the closest places to the fix, else the area's; the chosen one first."""
        index = self.state.place_index
        if self.fix is not None and index is not None:
            matches = index.closest(self.fix.lat, self.fix.lon, limit=PICK_LIST)
            chosen = [(m.place, m.distance_m) for m in matches]
        else:
            chosen = [(p, None) for p in list(self.places.values())[: PICK_LIST + 2]]
        if self.place_id and self.place_id in self.places:
            selected = self.places[self.place_id]
            if all(p.id != selected.id for p, _d in chosen):
                chosen.insert(0, (selected, None))
            chosen.sort(key=lambda pair: pair[0].id != selected.id)
        return chosen

    def _draw_places(self) -> None:
        def choose(place_id: str) -> Any:
            def handler(_event: ft.ControlEvent) -> None:
                self.place_id = None if self.place_id == place_id else place_id
                self.place_from_task = False
                self._draw_places()

            return handler

        buttons: list[ft.Control] = []
        for place, metres in self._candidates():
            sub = place.address
            if metres is not None:
                sub = _("{distance} away", distance=distance_text(metres))
            buttons.append(
                controls.choice_button(
                    place.name,
                    place.id == self.place_id,
                    choose(place.id),
                    key=f"place-{place.id}",
                    sublabel=sub,
                )
            )
        if not buttons:
            buttons.append(controls.muted(_("No places in your area yet.")))
        self.place_list.controls = buttons
        self.add_place_button.disabled = self.fix is None

    def _draw_gps(self) -> None:
        if self.locating:
            self.gps_text.value = _("Finding your position…")
            self.gps_text.color = controls.MUTED
            return
        if self.fix is None:
            self.gps_text.value = {
                gps.GpsProblem.denied: _("No GPS permission: pick the place below."),
                gps.GpsProblem.timeout: _("No GPS fix in time: pick the place below."),
            }.get(self.gps_problem, _("No GPS position: pick the place below."))
            self.gps_text.color = controls.WARN_COLOR
            return
        if self.fix.accuracy_m is None:
            self.gps_text.value = _("GPS position (accuracy unknown)")
            self.gps_text.color = controls.MUTED
        elif self.poor_fix:
            self.gps_text.value = _(
                "Poor GPS accuracy (±{metres} m): the entry will be marked.",
                metres=fmt_number(round(self.fix.accuracy_m)),
            )
            self.gps_text.color = controls.ALERT_COLOR
        else:
            self.gps_text.value = _(
                "GPS accuracy ±{metres} m", metres=fmt_number(round(self.fix.accuracy_m))
            )
            self.gps_text.color = controls.OK_COLOR

    @property
    def poor_fix(self) -> bool:
        fix = self.fix
        return bool(
            fix and fix.accuracy_m is not None and fix.accuracy_m > self.state.gps_threshold_m
        )

    # ---- GPS ------------------------------------------------------------------------------------
    async def locate(self) -> None:
        """Runs beside the form (page.run_task): fills the place when a fix arrives."""
        geo = self.state.geolocator
        result = await gps.locate(geo) if isinstance(geo, fgl.Geolocator) else gps.GpsResult(None)
        self.state.activate()
        self.locating = False
        self.fix, self.gps_problem = result.fix, result.problem
        if result.fix is not None:
            self.state.last_fix = result.fix
            index = self.state.place_index
            if not self.place_from_task and self.place_id is None and index is not None:
                match = index.nearest(result.fix.lat, result.fix.lon)
                if match is not None:
                    self.place_id = match.place.id
        self._draw_gps()
        self._draw_places()
        self.shell.page.update()

    # ---- handlers -------------------------------------------------------------------------------
    def _kind_chosen(self, _event: ft.ControlEvent) -> None:
        # another kind is no longer the task it came from; the plan link stays
        self.action_id = self.task_action_id if self.kind.value == self.task_kind else None

    def _show_new_place(self, _event: ft.ControlEvent) -> None:
        self.new_place_name.visible = True
        self.new_place_save.visible = True

    async def _add_place(self, _event: ft.ControlEvent) -> None:
        name = (self.new_place_name.value or "").strip()
        if self.fix is None:
            self.new_place_name.error = _("A new place needs a GPS position.")
        elif len(name) < 2:
            self.new_place_name.error = _("Give the place a name.")
        else:
            place = await asyncio.to_thread(
                services.add_place,
                self.state.engine,
                self.state.officer,
                name,
                self.fix.lat,
                self.fix.lon,
            )
            await self.shell.reload_places()
            self.places[place.id] = place
            self.place_id = place.id
            self.place_from_task = False
            self.new_place_name.error = None
            self.new_place_name.value = ""
            self.new_place_name.visible = False
            self.new_place_save.visible = False
            self._draw_places()
        self.shell.page.update()

    def entry_in(self) -> EntryIn | None:
        """The entry as typed, or None with the problems shown on the fields."""
        ok = all(c.valid() for c in self.counters.values())
        self.day.error = self.time.error = None
        try:
            occurred = parse_when(self.day.value or "", self.time.value or "")
        except ValueError as exc:
            if str(exc) == "date":
                self.day.error = _("Date as DD.MM.YYYY")
            else:
                self.time.error = _("Time as HH:MM")
            return None
        if (occurred - self.state.now()).total_seconds() > FUTURE_SLACK_S:
            self.time.error = _("This time is in the future.")
            return None
        if not ok:
            return None
        fix = self.fix
        kind = EntryKind(self.kind.value or EntryKind.other)
        return EntryIn(
            kind=kind,
            occurred_at=to_utc(occurred),
            plan_id=self.plan_id,
            action_id=self.action_id,
            place_id=self.place_id,
            lat=fix.lat if fix else None,
            lon=fix.lon if fix else None,
            accuracy_m=fix.accuracy_m if fix else None,
            gps_poor=self.poor_fix,
            note=(self.note.value or "").strip(),
            **{name: c.value for name, c in self.counters.items()},
        )

    async def _save(self, _event: ft.ControlEvent) -> None:
        if self.saving:
            return
        entry_in = self.entry_in()
        if entry_in is None:
            self.shell.page.update()
            return
        self.saving = True
        state = self.state
        officer = state.officer
        assert officer is not None
        try:
            if self.mode == "edit" and self.base is not None:
                entry_id = self.base.entry_id
                await asyncio.to_thread(
                    services.revise, state.engine, officer.id, state.device_id, entry_id, entry_in
                )
            else:
                entry_id = await asyncio.to_thread(
                    services.log, state.engine, officer.id, state.device_id, entry_in
                )
        except Conflict:  # deleted meanwhile (another tab, Back to an old form)
            self.saving = False
            self.shell.error(_("Not saved: this entry was deleted."))
            self.shell.page.update()
            return
        except ValidationError as exc:
            self.saving = False
            fields = ", ".join(sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]}))
            self.shell.error(_("Not saved: check the entry ({fields}).", fields=fields or "—"))
            self.shell.page.update()
            return
        if self.mode == "edit":
            await self.shell.go("/history")
            self.shell.toast(_("Changes saved (the previous version is kept)."))
            self.shell.follow_sync()
        else:  # confirmed at once over Today as drawn; Today's fresh figures follow
            self.shell.close_overlay()
            self.shell.toast(
                _("Saved: {what}", what=kind_label(entry_in.kind)),
                undo=lambda: self.shell.undo_entry(entry_id),
                key="saved",
            )
            await self.shell.go("/")
            self.shell.follow_sync()
        self.shell.page.update()


def gone_view(shell: Shell) -> ft.View:
    """An entry that is no longer there to edit (deleted, e.g. reached by Back)."""

    async def back(_event: ft.ControlEvent) -> None:
        await shell.go("/history")

    return shell.overlay_view(
        "/log",
        _("Edit entry"),
        [
            ft.Text(_("This entry was deleted: there is nothing to edit."), size=17, key="gone"),
            controls.action_button(_("Back to History"), back, key="back-to-history"),
        ],
    )


async def view(shell: Shell, query: dict[str, str]) -> ft.View:
    state = shell.state
    officer = state.officer
    assert officer is not None
    engine = state.engine
    edit_id, copy_id, action_id = query.get("entry"), query.get("copy"), query.get("action")
    base = None
    if edit_id or copy_id:
        try:
            base = await asyncio.to_thread(services.entry, engine, edit_id or copy_id)
        except NotFound:
            base = None
        if base is None or (edit_id and base.deleted):
            return gone_view(shell)
    action = await asyncio.to_thread(services.action, engine, action_id) if action_id else None
    if state.place_index is None:
        await shell.reload_places()
    places = state.places
    mode = "edit" if edit_id else "copy" if copy_id else "new"
    if base is not None:
        kind, plan_id = EntryKind(base.kind), base.plan_id
        act_id, place_id = base.action_id, base.place_id
        title = _("Edit entry") if mode == "edit" else _("Repeat entry")
    elif action is not None:
        kind, plan_id, act_id, place_id = action.kind, action.plan_id, action.id, action.place_id
        title = kind_label(action.kind)
    else:
        active = await asyncio.to_thread(services.active_plans, engine, officer, state.today())
        kind, plan_id, act_id = EntryKind.foot_patrol, None, None
        # a place chosen on the map comes preset (one of the officer's, else none)
        place_id = query.get("place") if any(p.id == query.get("place") for p in places) else None
        if len(active) == 1:
            plan_id = active[0].id
        title = _("New entry")
    form = LogForm(
        shell,
        mode=mode,
        places=places,
        kind=kind,
        plan_id=plan_id,
        action_id=act_id,
        place_id=place_id,
        base=base,
    )
    if form.locating:
        shell.page.run_task(form.locate)
    if action is not None:
        intro = controls.muted(action.text, key="log-task")
        return shell.overlay_view("/log", title, [intro, *form.controls()])
    return shell.overlay_view("/log", title, form.controls())
