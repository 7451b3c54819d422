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

from app.core.i18n import fmt_number, translator
from app.core.i18n.labels import kind_label, measure_label
from app.core.model import COUNT_FIELDS, Action, EntryIn, EntryKind, EntryRevision, Place
from app.core.model.clock import LOCAL_TZ, to_local, to_utc
from app.core.store.errors import Conflict
from app.core.store.plans import PlanDocument
from app.device.ui import controls, gps, services
from app.device.ui.shell import Shell
from app.device.ui.state import Fix

_ = translator("ui")

PICK_LIST = 5
REST_AFTER_S = 0.1
"""The form's first frame holds what a two-tap log needs: the task, the kind, the place and
Zapisz. The counts (those for the plan first), the note, the date, the time and the
drop-downs' other options follow this much later, in a frame of their own, below what is
already drawn, so nothing on screen moves: the first frame comes sooner (in Chromium the
counters were a fifth of a new user's tap → form)."""
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


def chosen_only(options: list[ft.DropdownOption], value: str) -> list[ft.DropdownOption]:
    """A drop-down's first frame: only the option shown (all of them if none is the value);
    the others come with the rest of the form, ``REST_AFTER_S`` later, before a finger can
    open the list."""
    shown = [option for option in options if option.key == value]
    return shown or options


def counts_for(goal: bool, actions: list[str]) -> str:
    """'counts towards the goal', 'counts towards the task: Leaflets', or both."""
    tasks = "; ".join(actions)
    if goal and tasks:
        return _("counts towards the goal and the task: {tasks}", tasks=tasks)
    if goal:
        return _("counts towards the goal")
    return _("counts towards the task: {tasks}", tasks=tasks)


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
        choices: list[PlanDocument],
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
        self.choices = {doc.plan.id: doc for doc in choices}
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
        self.placeless_ok = False
        """The officer said once that this entry has no place: not asked again."""
        self.all_counters = False
        self.complete = False
        """Whether the rest of the form is drawn (see ``REST_AFTER_S``)."""

        now = self.state.now()
        when = to_local(base.occurred_at) if base is not None and mode == "edit" else now
        self.kind_options = [ft.DropdownOption(key=str(k), text=kind_label(k)) for k in EntryKind]
        self.task_options = self._task_options()
        self.kind = ft.Dropdown(
            key="kind",
            label=_("What"),
            value=str(kind),
            options=chosen_only(self.kind_options, str(kind)),
            on_select=self._kind_chosen,
            expand=True,
        )
        self.task = ft.Dropdown(
            key="task",
            label=_("Plan task"),
            value=self._task_key(),
            options=chosen_only(self.task_options, self._task_key()),
            on_select=self._task_chosen,
            expand=True,
            visible=bool(self.choices),
        )
        self.counter_box = ft.Column(spacing=10, key="counters")
        """The counts: empty in the first frame, drawn with the rest of the form."""
        self.gps_text = ft.Text(size=15, key="gps-status")
        self.place_list = ft.Column(spacing=8, key="place-list")
        self.new_place_name = ft.TextField(label=_("Name of the new place"), key="new-place-name")
        self.new_place_save = controls.action_button(
            _("Add place"), self._add_place, key="new-place-save", kind="outlined"
        )
        self.new_place = ft.Column(
            spacing=8, horizontal_alignment=ft.CrossAxisAlignment.STRETCH, visible=False
        )
        """The new place's name and its button, put in when "Add new place here" is tapped
        (hidden while empty: an empty column would still take the card's spacing)."""
        self.add_place_button = controls.action_button(
            _("Add new place here"),
            self._show_new_place,
            key="add-place",
            icon=ft.Icons.ADD_LOCATION_ALT,
            kind="outlined",
        )
        self.counters = {
            name: controls.CounterStepper(
                name, measure_label(name), getattr(base, name) if base is not None else 0
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
        self.more_counters = controls.action_button(
            _("More counts"),
            self._show_all_counters,
            key="more-counters",
            icon=ft.Icons.EXPAND_MORE,
            kind="outlined",
        )
        self.others_card: ft.Control = ft.Container()
        """The counts that count for nothing in the plan, under those that count."""
        self.rest = ft.Column(
            spacing=10, horizontal_alignment=ft.CrossAxisAlignment.STRETCH, key="log-rest"
        )
        """The note, the date and the time: put in once the first frame is out (neither built
        nor sent before: a hidden control costs the diff and the client as a shown one)."""
        self._draw_places()
        self._draw_gps()

    # ---- drawing ------------------------------------------------------------------------------
    def controls(self) -> list[ft.Control]:
        return [
            ft.Container(height=6),  # room for the first field's floating label
            controls.labelled(ft.Row([self.kind]), _("What")),
            controls.labelled(ft.Row([self.task], visible=bool(self.choices)), _("Plan task")),
            controls.card(
                controls.heading(_("Place"), 17),
                self.gps_text,
                self.place_list,
                self.add_place_button,
                self.new_place,
            ),
            self.counter_box,
            self.rest,
            ft.Container(height=8),
        ]

    async def complete_later(self) -> None:
        """Runs beside the form (page.run_task): draws the rest of it after its first frame."""
        await asyncio.sleep(REST_AFTER_S)
        self.state.activate()
        self.complete = True
        self.kind.options, self.task.options = self.kind_options, self.task_options
        self.rest.controls = [self.note, ft.Row([self.day, self.time])]
        self._draw_counters()
        self.shell.page.update()

    def save_bar(self) -> ft.Control:
        """Zapisz, fixed at the bottom below everything the officer fills: reachable from
        the first sight of the form (two taps from Today) and after the last field."""
        return ft.Semantics(content=ft.Row([self.save_button]), identifier="save-bar")

    # ---- the plan's task and what counts for it -----------------------------------------------
    def _task_key(self) -> str:
        return f"{self.plan_id or ''}|{self.action_id or ''}"

    def _task_options(self) -> list[ft.DropdownOption]:
        several = len(self.choices) > 1
        options = []
        for doc in self.choices.values():
            prefix = f"{doc.plan.title}: " if several else ""
            for action in doc.actions:
                options.append(
                    ft.DropdownOption(key=f"{doc.plan.id}|{action.id}", text=prefix + action.text)
                )
            options.append(
                ft.DropdownOption(key=f"{doc.plan.id}|", text=prefix + _("No task of the plan"))
            )
        options.append(ft.DropdownOption(key="|", text=_("Outside any plan")))
        return options

    def _action(self, action_id: str | None) -> Action | None:
        doc = self.choices.get(self.plan_id or "")
        return next((a for a in doc.actions if a.id == action_id), None) if doc else None

    def _draw_counters(self) -> None:
        """The counters that count for the chosen plan and task first, in a highlighted card
        saying what each one counts for; then the ones the kind usually fills; the rest one
        tap away (or shown when they hold a number)."""
        doc = self.choices.get(self.plan_id or "")
        kind = EntryKind(self.kind.value or EntryKind.other)
        uses = services.counter_uses(doc, kind, self.action_id)
        texts = {a.id: a.text for a in doc.actions} if doc else {}
        counting = [u for u in uses if u.counts]
        others = [u for u in uses if not u.counts]
        shown = [
            u
            for u in others
            if self.all_counters or u.usual or self.counters[u.name].value or u.name in self._bad()
        ]
        boxes: list[ft.Control] = []
        if counting:
            rows: list[ft.Control] = []
            for use in counting:
                rows.append(self.counters[use.name].control)
                rows.append(
                    ft.Text(
                        counts_for(use.goal, [texts[a] for a in use.actions]),
                        size=14,
                        weight=ft.FontWeight.W_600,
                        color=controls.PRIMARY,
                        key=f"counts-for-{use.name}",
                    )
                )
            title = (
                _("Counts towards the goal")
                if any(u.goal for u in counting)
                else _("Counts towards the plan's tasks")
            )
            boxes.append(
                controls.highlight_card(
                    ft.Row(
                        [
                            ft.Icon(ft.Icons.FLAG, color=controls.PRIMARY, size=22),
                            controls.heading(title, 17),
                        ],
                        spacing=6,
                    ),
                    *rows,
                    identifier="counting",
                )
            )
        rest: list[ft.Control] = [self.counters[u.name].control for u in shown]
        self.more_counters.visible = len(shown) < len(others)
        heading = _("Other counts") if counting else _("Counts")
        self.others_card = controls.card(controls.heading(heading, 17), *rest, self.more_counters)
        if self.complete:
            boxes.append(self.others_card)
        self.counter_box.controls = boxes

    def _bad(self) -> set[str]:
        return {name for name, c in self.counters.items() if c.field.error}

    def _show_all_counters(self, _event: ft.ControlEvent) -> None:
        self.all_counters = True
        self._draw_counters()

    def _task_chosen(self, _event: ft.ControlEvent) -> None:
        plan_id, _sep, action_id = (self.task.value or "|").partition("|")
        self.plan_id = plan_id or None
        self.action_id = self.task_action_id = action_id or None
        action = self._action(self.action_id)
        if action is not None:
            self.kind.value = self.task_kind = str(action.kind)
        self._draw_counters()

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
        self.task.value = self._task_key()
        self._draw_counters()

    def _show_new_place(self, _event: ft.ControlEvent) -> None:
        self.new_place.controls = [self.new_place_name, self.new_place_save]
        self.new_place.visible = True

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
            self.new_place.controls = []
            self.new_place.visible = False
            self._draw_places()
        self.shell.page.update()

    def entry_in(self) -> EntryIn | None:
        """The entry as typed, or None with the problems shown on the fields."""
        ok = all([c.valid() for c in self.counters.values()])
        if not ok:
            self._draw_counters()  # a wrong count among the hidden ones is shown
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

    def first_problem(self) -> ft.TextField | None:
        """The first field showing an error, in the order they are on screen."""
        fields = [c.field for c in self.counters.values()] + [self.day, self.time]
        return next((f for f in fields if f.error), None)

    async def _save_placeless(self) -> None:
        self.placeless_ok = True
        await self._save(None)

    async def _save(self, _event: ft.ControlEvent | None) -> None:
        if self.saving:
            return
        entry_in = self.entry_in()
        if entry_in is None:
            self.shell.page.update()
            wrong = self.first_problem()
            if wrong is not None:
                await wrong.focus()  # brings the field and its error into view
            return
        if entry_in.place_id is None and not self.placeless_ok:
            self.shell.confirm(
                _("Without a place?"),
                _("No place is chosen for this entry. Save it without a place?"),
                _("Save without a place"),
                self._save_placeless,
                key="placeless",
                cancel_label=_("Choose a place"),
            )
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
    edit_id, copy_id = query.get("entry"), query.get("copy")
    start = await asyncio.to_thread(
        services.log_start,
        state.engine,
        officer,
        state.today(),
        edit_id or copy_id,
        query.get("action"),
    )
    if start is None or (edit_id and start.base is not None and start.base.deleted):
        return gone_view(shell)
    if state.place_index is None:
        await shell.reload_places()
    places = state.places
    base, action, plan_id = start.base, start.action, start.plan_id
    mode = "edit" if edit_id else "copy" if copy_id else "new"
    if base is not None:
        kind, act_id, place_id = EntryKind(base.kind), base.action_id, base.place_id
        title = _("Edit entry") if mode == "edit" else _("Repeat entry")
    elif action is not None:
        kind, act_id, place_id = action.kind, action.id, action.place_id
        title = kind_label(action.kind)
    else:
        kind, act_id = EntryKind.foot_patrol, None
        # a place chosen on the map comes preset (one of the officer's, else none)
        place_id = query.get("place") if any(p.id == query.get("place") for p in places) else None
        title = _("New entry")
    choices = start.choices
    form = LogForm(
        shell,
        mode=mode,
        places=places,
        choices=choices,
        kind=kind,
        plan_id=plan_id,
        action_id=act_id,
        place_id=place_id,
        base=base,
    )
    if form.locating:
        shell.page.run_task(form.locate)
    shell.page.run_task(form.complete_later)
    body = form.controls()
    if action is not None:
        body.insert(0, controls.muted(action.text, key="log-task"))
    return shell.overlay_view("/log", title, body, bottom=form.save_bar())
