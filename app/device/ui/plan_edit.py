"""The plan editor: every section, actions with their windows; save a draft or submit it.

A new plan starts empty for the officer's area and the current half-year; a draft imported
from a document (``rejon plan import --save``) opens here like any other draft. A document
picked in the app (``plan_import``) opens here unsaved, filled with what the importer read and
its warnings beside the fields they are about.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import date, datetime, time
from typing import TypeVar

import flet as ft
import flet_map as fmap
from pydantic import ValidationError

from app.core.i18n import translator
from app.core.i18n.labels import (
    criterion_label,
    frequency_label,
    kind_label,
    measure_label,
    weekday_label,
)
from app.core.model import (
    ActionIn,
    ChannelIn,
    CriterionKind,
    EntryKind,
    FrequencyUnit,
    Measure,
    PartnerIn,
    Place,
    Plan,
    PlanIn,
    PlanStatus,
    ServiceArea,
)
from app.core.model.plans import Action
from app.core.plans.drafts import action_in
from app.core.plans.importer import ImportedAction, ImportedPlan, WarningField
from app.core.store.plans import PlanDocument
from app.device.ui import area_map, controls, plan_import, services
from app.device.ui.shell import Shell, route_for

_ = translator("ui")
NO_PLACE = "-"
MAX_TIMES = 100
MAX_FIGURE = 1_000_000
MAX_PERIOD_DAYS = 366
T = TypeVar("T")


class FormError(ValueError):
    """A field the officer has to correct; the message says what is wrong, in their language."""


def parse_day(text: str, required: bool = True) -> date | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise FormError(_("Enter a date (DD.MM.YYYY)."))
        return None
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise FormError(_("Not a date: write it as DD.MM.YYYY."))


def parse_clock(text: str) -> time | None:
    text = (text or "").strip().replace(".", ":")
    if not text:
        return None
    try:
        return datetime.strptime(text, "%H:%M").time()
    except ValueError:
        raise FormError(_("Not an hour: write it as HH:MM.")) from None


Marked = ft.TextField | ft.Dropdown | ft.Text
"""What an error is shown on: a field, or an error line under a group of boxes."""


class Problems:
    """The form's errors, in form order, each shown at its own field."""

    def __init__(self) -> None:
        self.marked: list[Marked] = []

    def add(self, control: Marked, message: str) -> None:
        if control in self.marked:
            return  # the first problem of a field is the one to fix first
        if isinstance(control, ft.TextField):
            control.error = message
        elif isinstance(control, ft.Dropdown):
            control.error_text = message
        else:
            control.value, control.visible = message, True
        self.marked.append(control)

    def check(self, control: Marked, parse: Callable[[], T]) -> T | None:
        """``parse()``, or None with its FormError shown at ``control``."""
        try:
            return parse()
        except FormError as exc:
            self.add(control, str(exc))
            return None


def clear(controls_: list[Marked]) -> None:
    for control in controls_:
        if isinstance(control, ft.TextField):
            control.error = None
        elif isinstance(control, ft.Dropdown):
            control.error_text = None
        else:
            control.value, control.visible = "", False


def error_line(key: str) -> ft.Text:
    """An error under a group of boxes (measures, weekdays): hidden until there is one."""
    return ft.Text("", color=controls.ALERT_COLOR, size=13, visible=False, key=ft.ScrollKey(key))


def day_text(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def current_half_year(day: date) -> tuple[date, date]:
    if day.month <= 6:
        return date(day.year, 1, 1), date(day.year, 6, 30)
    return date(day.year, 7, 1), date(day.year, 12, 31)


def next_half_year(day: date) -> tuple[date, date]:
    """The half-year after the one holding ``day``: a new plan is written for what comes."""
    if day.month <= 6:
        return date(day.year, 7, 1), date(day.year, 12, 31)
    return date(day.year + 1, 1, 1), date(day.year + 1, 6, 30)


def warning_notes(messages: list[str], key: str) -> list[ft.Control]:
    """The importer's warnings about one field, shown right by it (nothing when none)."""
    if not messages:
        return []
    lines = [
        ft.Row(
            [
                ft.Icon(ft.Icons.WARNING_AMBER_ROUNDED, color=controls.WARN_COLOR, size=20),
                ft.Text(message, color=controls.WARN_COLOR, size=14, expand=True),
            ],
            vertical_alignment=ft.CrossAxisAlignment.START,
        )
        for message in messages
    ]
    return [
        ft.Container(
            ft.Column(lines, spacing=4),
            bgcolor="#FFF3E0",
            border_radius=8,
            padding=8,
            key=key,
        )
    ]


def with_date_picker(shell: Shell, field: ft.TextField) -> ft.TextField:
    """A date field that also opens a calendar (the typed DD.MM.YYYY still works)."""

    def chosen(event: ft.ControlEvent) -> None:
        value = event.control.value
        if isinstance(value, datetime):
            field.value, field.error = day_text(value.date()), None
            shell.page.update()

    def open_picker(_event: ft.ControlEvent) -> None:
        shell.state.activate()
        try:
            current = parse_day(field.value or "", required=False)
        except FormError:
            current = None
        today = shell.state.today()
        picker = ft.DatePicker(
            value=datetime.combine(current or today, time()),
            first_date=datetime(2000, 1, 1),
            last_date=datetime(today.year + 2, 12, 31),
            current_date=datetime.combine(today, time()),
            on_change=chosen,
        )
        shell.page.show_dialog(picker)

    field.suffix_icon = ft.IconButton(
        icon=ft.Icons.CALENDAR_MONTH,
        tooltip=_("Choose in the calendar"),
        on_click=open_picker,
        key=f"{field.key}-calendar",
    )
    return field


def place_options(places: list[Place]) -> list[ft.DropdownOption]:
    return [ft.DropdownOption(key=NO_PLACE, text=_("(no place)"))] + [
        ft.DropdownOption(key=p.id, text=p.name) for p in places
    ]


def _field(
    label: str,
    value: str,
    key: str,
    *,
    multiline: bool = False,
    keyboard: ft.KeyboardType | None = None,
    helper: str | None = None,
) -> ft.TextField:
    """A text field whose key is also a scroll target (the editor scrolls to an error)."""
    return ft.TextField(
        label=label,
        value=value,
        key=ft.ScrollKey(key),
        multiline=multiline,
        min_lines=2 if multiline else 1,
        max_lines=8 if multiline else 1,
        keyboard_type=keyboard or (ft.KeyboardType.MULTILINE if multiline else None),
        helper=helper,
    )


def _date_field(
    shell: Shell, label: str, day: date | None, key: str, helper: str | None = None
) -> ft.TextField:
    """A day typed as DD.MM.YYYY or chosen on the calendar."""
    field = _field(label, day_text(day), key, keyboard=ft.KeyboardType.DATETIME, helper=helper)
    return with_date_picker(shell, field)


class ActionEditor:
    """One action: what, kind, window (dates, deadline, hours, weekdays), frequency, place.

    Its controls are keyed by ``serial``, given once and never reused in the editor, while
    its heading shows its place in the list: after a removal, a new action never shares a
    key with another (Flet draws one control per key) and the numbers stay 1, 2, 3…"""

    def __init__(
        self,
        editor: PlanEditor,
        serial: int,
        action: Action | ActionIn | None,
        notes: list[str] | None = None,
    ) -> None:
        self.editor = editor
        self.serial = serial
        self.id = action.id if action else None
        k = f"action-{serial}"
        self.text = _field(_("Action"), action.text if action else "", f"{k}-text", multiline=True)
        self.kind = ft.Dropdown(
            label=_("Kind"),
            key=f"{k}-kind",
            value=str(action.kind if action else EntryKind.place_check),
            options=[ft.DropdownOption(key=str(x), text=kind_label(x)) for x in EntryKind],
            expand=True,
        )
        shell = editor.shell
        start, end = (action.start_date, action.end_date) if action else (None, None)
        self.start = _date_field(shell, _("From"), start, f"{k}-start", _("empty: plan start"))
        self.end = _date_field(shell, _("To"), end, f"{k}-end", _("empty: plan end"))
        self.deadline = ft.Checkbox(
            label=_("One-off, due by the end date"),
            value=bool(action and action.deadline),
            key=f"{k}-deadline",
        )
        self.time_from = _field(
            _("Hours from"),
            f"{action.time_from:%H:%M}" if action and action.time_from else "",
            f"{k}-from",
            keyboard=ft.KeyboardType.DATETIME,
            helper=_("HH:MM"),
        )
        self.time_to = _field(
            _("Hours to"),
            f"{action.time_to:%H:%M}" if action and action.time_to else "",
            f"{k}-to",
            keyboard=ft.KeyboardType.DATETIME,
            helper=_("HH:MM"),
        )
        days = set(action.weekdays or []) if action else set()
        self.weekdays = [
            ft.Checkbox(label=weekday_label(i), value=i in days, key=f"{k}-day-{i}")
            for i in range(7)
        ]
        self.freq_times = _field(
            _("Times"),
            str(action.freq_times) if action and action.freq_times else "",
            f"{k}-freq-times",
            keyboard=ft.KeyboardType.NUMBER,
        )
        self.freq_per = ft.Dropdown(
            label=_("Per"),
            key=ft.ScrollKey(f"{k}-freq-per"),
            value=str(action.freq_per) if action and action.freq_per else NO_PLACE,
            options=[ft.DropdownOption(key=NO_PLACE, text=_("(no frequency)"))]
            + [
                ft.DropdownOption(key=str(u), text=frequency_label(1, u).removeprefix("1× "))
                for u in FrequencyUnit
            ],
            expand=True,
        )
        self.place = ft.Dropdown(
            label=_("Place"),
            key=f"{k}-place",
            value=action.place_id if action and action.place_id else NO_PLACE,
            options=place_options(editor.places),
            expand=True,
        )
        self.remove_button = controls.action_button(
            _("Remove action"), self._remove, key=f"{k}-remove", kind="outlined"
        )
        self.heading = controls.heading(_("Action {number}", number=serial), 16)
        self.heading.key = f"{k}-heading"
        self.control = controls.card(
            self.heading,
            *warning_notes(notes or [], f"warn-action-{serial}"),
            ft.Semantics(content=self.text, identifier=f"{k}-text"),  # findable in a browser
            controls.labelled(ft.Row([self.kind]), _("Kind")),
            ft.Row([ft.Container(self.start, expand=True), ft.Container(self.end, expand=True)]),
            controls.tap_tall(self.deadline),
            ft.Row(
                [ft.Container(self.time_from, expand=True), ft.Container(self.time_to, expand=True)]
            ),
            ft.Row([controls.tap_tall(d) for d in self.weekdays[:4]], spacing=0),
            ft.Row([controls.tap_tall(d) for d in self.weekdays[4:]], spacing=0),
            ft.Row(
                [
                    ft.Container(self.freq_times, width=110),
                    controls.labelled(self.freq_per, _("Per"), expand=True),
                ]
            ),
            controls.labelled(ft.Row([self.place]), _("Place")),
            self.remove_button,
            key=k,
        )

    def _remove(self, _event: ft.ControlEvent) -> None:
        self.editor.remove_action(self)

    def markable(self) -> list[Marked]:
        return [
            self.text,
            self.start,
            self.end,
            self.time_from,
            self.time_to,
            self.freq_times,
            self.freq_per,
        ]

    def action_in(self, problems: Problems, period: tuple[date, date] | None) -> ActionIn | None:
        """The action as typed, each problem shown at its field in form order (None then)."""
        before = len(problems.marked)
        text = (self.text.value or "").strip()
        if not text:
            problems.add(self.text, _("Describe the action."))
        start = problems.check(self.start, lambda: parse_day(self.start.value or "", False))
        end = problems.check(self.end, lambda: parse_day(self.end.value or "", False))
        for field, day in ((self.start, start), (self.end, end)):
            if day is not None and period is not None and not period[0] <= day <= period[1]:
                problems.add(
                    field,
                    _(
                        "Outside the plan's period ({start} – {end}).",
                        start=day_text(period[0]),
                        end=day_text(period[1]),
                    ),
                )
        if start and end and end < start:
            problems.add(self.end, _("Ends before it starts."))
        if self.deadline.value and not (self.end.value or "").strip():
            problems.add(self.end, _("A one-off action needs the date it is due by."))
        time_from = problems.check(self.time_from, lambda: parse_clock(self.time_from.value or ""))
        time_to = problems.check(self.time_to, lambda: parse_clock(self.time_to.value or ""))
        if (self.time_from.value or "").strip() and not (self.time_to.value or "").strip():
            problems.add(self.time_to, _("Give the end hour too (or neither)."))
        if (self.time_to.value or "").strip() and not (self.time_from.value or "").strip():
            problems.add(self.time_from, _("Give the start hour too (or neither)."))
        times = (self.freq_times.value or "").strip()
        per = self.freq_per.value if self.freq_per.value not in (None, NO_PLACE) else None
        if times and (not times.isdigit() or not 1 <= int(times) <= MAX_TIMES):
            problems.add(self.freq_times, _("A whole number from 1 to {max}.", max=MAX_TIMES))
        elif times and per is None:
            problems.add(self.freq_per, _("Choose how often: a day, a week or a month."))
        elif per is not None and not times:
            problems.add(self.freq_times, _("How many times?"))
        if len(problems.marked) > before:
            return None
        days = [i for i, box in enumerate(self.weekdays) if box.value]
        try:
            return ActionIn(
                id=self.id,
                text=text,
                kind=EntryKind(self.kind.value or EntryKind.other),
                start_date=start,
                end_date=end,
                deadline=bool(self.deadline.value),
                time_from=time_from,
                time_to=time_to,
                weekdays=days or None,
                freq_times=int(times) if times else None,
                freq_per=FrequencyUnit(per) if per else None,
                place_id=self.place.value if self.place.value not in (None, NO_PLACE) else None,
            )
        except ValidationError:
            problems.add(self.text, _("This action cannot be saved as it is: check its fields."))
            return None


PICK_MAP_HEIGHT = 260


class NewPlace:
    """ "Add a place" for the criterion: a name, and the position from GPS here and now or
    from a tap on the map (drawn with the officer's places when the panel is first opened).

    The place is stored (and queued for sync) at once, like a place added in the quick log,
    and chosen as the criterion's place."""

    def __init__(self, editor: PlanEditor) -> None:
        self.editor = editor
        self.name = _field(_("Name of the new place"), "", "criterion-place-name")
        self.message = ft.Text("", color=controls.ALERT_COLOR, size=14, key="criterion-place-msg")
        self.tapped: tuple[float, float] | None = None
        self.pin = fmap.MarkerLayer(markers=[])
        self.map_slot = ft.Column(spacing=8)
        self.tapped_text = controls.muted(
            _("Or tap the map where the place is."), size=14, key="criterion-place-tapped"
        )
        self.add_tapped = controls.action_button(
            _("Add at the point tapped"),
            self._add_tapped,
            key="criterion-place-map-add",
            icon=ft.Icons.PIN_DROP,
            kind="tonal",
            disabled=True,
        )
        self.panel = ft.Column(
            [
                self.name,
                self.message,
                controls.action_button(
                    _("Add at my position (GPS)"),
                    self._add_here,
                    key="criterion-place-gps",
                    icon=ft.Icons.MY_LOCATION,
                    kind="tonal",
                ),
                self.tapped_text,
                self.map_slot,
                self.add_tapped,
            ],
            visible=False,
            spacing=8,
        )
        self.control = ft.Column(
            [
                controls.action_button(
                    _("Add a new place"),
                    self._open,
                    key="criterion-place-new",
                    icon=ft.Icons.ADD_LOCATION_ALT,
                    kind="outlined",
                ),
                self.panel,
            ],
            spacing=8,
        )

    def _open(self, _event: ft.ControlEvent) -> None:
        self.panel.visible = not self.panel.visible
        if self.panel.visible and not self.map_slot.controls:
            self.map_slot.controls = [self._map()]

    def _map(self) -> ft.Control:
        """The officer's places (numbered, with their radius) and the pin of the last tap."""
        state = self.editor.shell.state
        places = self.editor.places
        the_map = fmap.Map(
            key="criterion-place-map",
            height=PICK_MAP_HEIGHT,
            bgcolor=area_map.PLAIN_BACKGROUND,
            layers=[
                *area_map.tile_layers(state.tile_url),
                area_map.place_circles(places),
                area_map.place_badges(places),
                self.pin,
            ],
            on_tap=self._tapped,
            interaction_configuration=area_map.quiet_interaction(in_a_form=True),
            min_zoom=5,
            max_zoom=19,
            **area_map.camera_for([area_map.point(p.lat, p.lon) for p in places], state.last_fix),
        )
        return ft.Container(the_map, border_radius=12, clip_behavior=ft.ClipBehavior.HARD_EDGE)

    def _tapped(self, event: fmap.MapTapEvent) -> None:
        self.editor.shell.state.activate()  # a fresh context: the point in the device's language
        where = event.coordinates
        if where is None:
            return
        lat, lon = float(where.latitude), float(where.longitude)
        self.tapped = (lat, lon)
        self.pin.markers = [
            fmap.Marker(
                content=ft.Icon(ft.Icons.PLACE, color=controls.ALERT_COLOR, size=36),
                coordinates=area_map.point(lat, lon),
                width=36,
                height=36,
                alignment=ft.Alignment.TOP_CENTER,
            )
        ]
        self.tapped_text.value = _(
            "Point on the map: {lat}, {lon}", lat=f"{lat:.5f}", lon=f"{lon:.5f}"
        )
        self.add_tapped.disabled = False
        self.editor.shell.page.update()

    def _named(self) -> str | None:
        """The new place's name, or ``None`` (and the field marked) when it is empty."""
        name = (self.name.value or "").strip()
        self.name.error = None if name else _("Name the place.")
        return name or None

    async def _add_here(self, _event: ft.ControlEvent) -> None:
        from app.device.ui.gps import locate

        shell = self.editor.shell
        state = shell.state
        state.activate()
        name = self._named()
        if name is None:
            shell.page.update()
            return
        self.message.value = _("Finding your position…")
        shell.page.update()
        result = await locate(state.geolocator) if state.geolocator is not None else None
        if result is None or result.fix is None:
            self.message.value = _(
                "No GPS position: stand at the place and try again, or tap it on the map."
            )
            shell.page.update()
            return
        await self._add(name, result.fix.lat, result.fix.lon)

    async def _add_tapped(self, _event: ft.ControlEvent) -> None:
        self.editor.shell.state.activate()
        name = self._named()
        if name is None or self.tapped is None:
            self.editor.shell.page.update()
            return
        await self._add(name, *self.tapped)

    async def _add(self, name: str, lat: float, lon: float) -> None:
        """Store the place, choose it as the criterion's, offer it to every action."""
        shell = self.editor.shell
        officer = shell.state.officer
        assert officer is not None
        place = await asyncio.to_thread(
            services.add_place, shell.state.engine, officer, name, lat, lon
        )
        self.editor.places.append(place)
        self.editor.criterion_place.options = place_options(self.editor.places)
        self.editor.criterion_place.value = place.id
        for action in self.editor.actions:
            action.place.options = place_options(self.editor.places)
        self.name.value, self.message.value, self.panel.visible = "", "", False
        self.tapped, self.pin.markers, self.map_slot.controls = None, [], []
        self.tapped_text.value = _("Or tap the map where the place is.")
        self.add_tapped.disabled = True
        await shell.reload_places()
        shell.toast(_("Place added: {name}", name=place.name), key="criterion-place-added")
        shell.follow_sync()
        shell.page.update()


class RowsEditor:
    """Partners (name + tasks) or channels (text): add and remove rows.

    Rows are keyed by a serial never reused (a removed row's key never comes back)."""

    def __init__(
        self,
        key: str,
        labels: tuple[str, ...],
        rows: list[tuple[str, ...]],
        activate: Callable[[], None],
    ) -> None:
        self.key = key
        self.activate = activate
        self.labels = labels
        self.serials = 0
        self.column = ft.Column(spacing=8, key=key)
        self.rows: list[tuple[ft.Control, list[ft.TextField]]] = []
        for values in rows:
            self._add(values)
        self.add_button = controls.action_button(
            _("Add"), self._add_clicked, key=f"{key}-add", kind="outlined", icon=ft.Icons.ADD
        )

    def _add(self, values: tuple[str, ...]) -> None:
        self.serials += 1
        n = self.serials
        fields = [
            _field(label, value, f"{self.key}-{n}-{i}", multiline=True)
            for i, (label, value) in enumerate(zip(self.labels, values, strict=True))
        ]

        def remove(_event: ft.ControlEvent) -> None:
            self.rows = [r for r in self.rows if r[0] is not container]
            self.column.controls = [r[0] for r in self.rows]

        remove_button = ft.IconButton(
            icon=ft.Icons.DELETE_OUTLINE,
            tooltip=_("Remove"),
            key=f"{self.key}-{n}-remove",
            on_click=remove,
            width=controls.TAP,
            height=controls.TAP,
        )
        container = ft.Row([ft.Column(fields, expand=True, spacing=6), remove_button])
        self.rows.append((container, fields))
        self.column.controls = [r[0] for r in self.rows]

    def _add_clicked(self, _event: ft.ControlEvent) -> None:
        self.activate()  # the new row's tooltip in the officer's language
        self._add(tuple("" for _label in self.labels))

    def values(self) -> list[tuple[str, ...]]:
        out = []
        for _container, fields in self.rows:
            values = tuple((f.value or "").strip() for f in fields)
            if any(values):
                out.append(values)
        return out

    def markable(self) -> list[Marked]:
        return [f for _container, fields in self.rows for f in fields]

    def checked(self, problems: Problems) -> list[tuple[str, ...]]:
        """The filled rows; a row with its first field (the name) empty is an error there."""
        for _container, fields in self.rows:
            values = [(f.value or "").strip() for f in fields]
            if any(values) and not values[0]:
                problems.add(fields[0], _("Name it (or remove the row)."))
        return self.values()


class PlanEditor:
    """The whole plan as fields; ``plan_in()`` turns them into a validated PlanIn."""

    def __init__(
        self,
        shell: Shell,
        doc: PlanDocument | None,
        areas: list[ServiceArea],
        places: list[Place],
        imported: ImportedPlan | None = None,
        import_number: int | None = None,
    ) -> None:
        self.shell = shell
        self.doc = doc
        self.places = places
        self.import_number = import_number
        officer = shell.state.officer
        assert officer is not None
        self.notes: dict[tuple[WarningField, int | None], list[str]] = {}
        plan: Plan | PlanIn | None = doc.plan if doc else None
        actions: list[Action] | list[ActionIn] = doc.actions if doc else []
        partners = [(p.name, p.tasks) for p in doc.partners] if doc else []
        channels = [(c.text,) for c in doc.channels] if doc else []
        if imported is not None:
            plan = self._from_import(imported, areas, officer.id)
            actions = [
                self._action_from_import(a, n, imported)
                for n, a in enumerate(imported.actions, start=1)
            ]
            partners = [(p.name, p.tasks) for p in imported.partners]
            channels = [(c,) for c in imported.channels]
        self.plan_id = plan.id if plan else None
        self.officer_id = plan.officer_id if plan else officer.id
        start, end = (
            (plan.period_start, plan.period_end) if plan else next_half_year(shell.state.today())
        )
        self.message = ft.Text("", color=controls.ALERT_COLOR, key="plan-message")
        self.area = ft.Dropdown(
            label=_("Service area"),
            key=ft.ScrollKey("plan-area"),
            value=plan.area_id if plan else (areas[0].id if areas else None),
            options=[ft.DropdownOption(key=a.id, text=a.name or a.number_text) for a in areas],
            expand=True,
        )
        self.title = _field(_("Title"), plan.title if plan else "", "plan-title-field")
        self.start = _date_field(shell, _("Period from"), start, "plan-start")
        self.end = _date_field(shell, _("Period to"), end, "plan-end")
        self.threat = _field(
            _("Threat"), plan.threat if plan else "", "plan-threat", multiline=True
        )
        self.diagnosis = _field(
            _("How it was diagnosed"),
            plan.diagnosis if plan else "",
            "plan-diagnosis",
            multiline=True,
        )
        self.goal = _field(_("Goal"), plan.goal if plan else "", "plan-goal", multiline=True)
        self.criterion_kind = ft.Dropdown(
            label=_("Measurable criterion"),
            key="plan-criterion-kind",
            value=str(plan.criterion_kind if plan else CriterionKind.qualitative),
            options=[ft.DropdownOption(key=str(c), text=criterion_label(c)) for c in CriterionKind],
            expand=True,
        )
        measures = {str(m) for m in (plan.criterion_measures if plan else [])}
        self.measures = [
            ft.Checkbox(label=measure_label(m), value=str(m) in measures, key=f"measure-{m}")
            for m in Measure
        ]
        self.measures_error = error_line("plan-measures-error")
        self.target = _field(
            _("Target"),
            str(plan.criterion_target) if plan and plan.criterion_target is not None else "",
            "plan-target",
            keyboard=ft.KeyboardType.NUMBER,
            helper=_("a number; for a reduction, the percent"),
        )
        self.baseline = _field(
            _("Previous period's value"),
            str(plan.criterion_baseline) if plan and plan.criterion_baseline is not None else "",
            "plan-baseline",
            keyboard=ft.KeyboardType.NUMBER,
            helper=_("optional; else counted from the previous plan's entries"),
        )
        place_id = plan.criterion_place_id if plan else None
        self.new_place = NewPlace(self)
        self.criterion_place = ft.Dropdown(
            label=_("Place where it is measured"),
            key=ft.ScrollKey("plan-criterion-place"),
            value=place_id if place_id in {p.id for p in places} else NO_PLACE,
            options=place_options(places),
            expand=True,
        )
        self.criterion_text = _field(
            _("Criterion as written"),
            plan.criterion_text if plan else "",
            "plan-criterion-text",
            multiline=True,
        )
        self.action_column = ft.Column(spacing=10, key="plan-actions")
        self.actions: list[ActionEditor] = []
        self.serials = 0
        for action in actions:
            notes = self.notes.get((WarningField.actions, self.serials + 1), [])
            self.actions.append(ActionEditor(self, self._new_serial(), action, notes))
        self._show_actions()
        activate = shell.state.activate
        self.partners = RowsEditor("partner", (_("Partner"), _("Their tasks")), partners, activate)
        self.channels = RowsEditor("channel", (_("How residents are told"),), channels, activate)

    # ---- a document read by the importer ------------------------------------------------------
    def _from_import(
        self, imported: ImportedPlan, areas: list[ServiceArea], officer_id: str
    ) -> PlanIn:
        """The plan's fields as read (unvalidated: the officer corrects them before saving)."""
        for warning in imported.warnings:
            where = WarningField.area if warning.field == WarningField.unit else warning.field
            self.notes.setdefault((where, warning.action), []).append(warning.message)
        area = next((a for a in areas if a.number == imported.area_number), None)
        if area is None and imported.area_number is not None:
            self.notes.setdefault((WarningField.area, None), []).append(
                _(
                    "The document names area no. {area}, which is not yours: choose the area.",
                    area=imported.area,
                )
            )
        criterion = imported.criterion
        chosen = area or (areas[0] if areas else None)
        return PlanIn.model_construct(
            id=None,
            area_id=chosen.id if chosen else "",
            officer_id=officer_id,
            title=imported.title or "",
            period_start=imported.period_start,
            period_end=imported.period_end,
            threat=imported.threat or "",
            diagnosis=imported.diagnosis or "",
            goal=imported.goal or "",
            criterion_kind=criterion.kind if criterion else CriterionKind.qualitative,
            criterion_measures=list(criterion.measure) if criterion else [],
            criterion_target=criterion.target if criterion else None,
            criterion_baseline=criterion.baseline if criterion else None,
            criterion_text=criterion.text if criterion else "",
        )

    def _action_from_import(
        self, action: ImportedAction, number: int, imported: ImportedPlan
    ) -> ActionIn:
        try:
            return action_in(action, imported.period_start, imported.period_end)
        except ValidationError:
            self.notes.setdefault((WarningField.actions, number), []).append(
                _(
                    "Action {number}: its dates and hours could not be used: enter them.",
                    number=number,
                )
            )
            return ActionIn.model_construct(id=None, text=action.text, kind=action.kind)

    def _notes(self, where: WarningField) -> list[ft.Control]:
        return warning_notes(self.notes.get((where, None), []), f"warn-{where}")

    # ---- the form -----------------------------------------------------------------------------
    def controls(self) -> list[ft.Control]:
        banner: list[ft.Control] = []
        if self.import_number is not None:
            banner = [
                ft.Text(
                    _(
                        "Read from a document: check the fields marked with a warning, "
                        "correct them, then save the draft or submit it."
                    ),
                    size=15,
                    key="import-banner",
                ),
                *self._notes(WarningField.document),
            ]
        returned = self.doc.plan if self.doc is not None else None
        if returned is not None and returned.status == PlanStatus.returned and returned.review_note:
            banner.append(
                controls.card(
                    ft.Text(
                        _("Returned for correction"),
                        size=16,
                        weight=ft.FontWeight.W_600,
                        color=controls.ALERT_COLOR,
                    ),
                    ft.Text(
                        _("Supervisor's note: {note}", note=returned.review_note),
                        size=15,
                        key="editor-review-note",
                    ),
                    identifier="editor-review-note",
                )
            )
        return [
            *banner,
            self.message,
            controls.card(
                controls.heading(_("Plan"), 17),
                *self._notes(WarningField.title),
                self.title,
                *self._notes(WarningField.area),
                controls.labelled(ft.Row([self.area]), _("Service area")),
                *self._notes(WarningField.period),
                ft.Row(
                    [ft.Container(self.start, expand=True), ft.Container(self.end, expand=True)]
                ),
            ),
            controls.card(
                controls.heading(_("1. The diagnosed threat"), 17),
                *self._notes(WarningField.threat),
                self.threat,
                self.diagnosis,
            ),
            controls.card(
                controls.heading(_("2. The goal to achieve"), 17),
                *self._notes(WarningField.goal),
                self.goal,
                *self._notes(WarningField.criterion),
                controls.labelled(ft.Row([self.criterion_kind]), _("Measurable criterion")),
                ft.Column([controls.tap_tall(m) for m in self.measures], spacing=0),
                self.measures_error,
                self.target,
                self.baseline,
                controls.labelled(ft.Row([self.criterion_place]), _("Place where it is measured")),
                self.new_place.control,
                self.criterion_text,
            ),
            controls.heading(_("3. Actions with their dates"), 17),
            *self._notes(WarningField.actions),
            self.action_column,
            controls.action_button(
                _("Add action"),
                self._add_action,
                key="add-action",
                icon=ft.Icons.ADD,
                kind="outlined",
            ),
            controls.card(
                controls.heading(_("4. Partners and their tasks"), 17),
                *self._notes(WarningField.partners),
                self.partners.column,
                self.partners.add_button,
            ),
            controls.card(
                controls.heading(_("5. How residents are informed"), 17),
                *self._notes(WarningField.channels),
                self.channels.column,
                self.channels.add_button,
            ),
            ft.Row(
                [
                    controls.action_button(
                        _("Save draft"), self._save, key="save-plan", expand=True
                    ),
                ]
            ),
            ft.Row(
                [
                    controls.action_button(
                        _("Save and submit for approval"),
                        self._save_and_submit,
                        key="save-submit-plan",
                        kind="tonal",
                        expand=True,
                    ),
                ]
            ),
        ]

    def _new_serial(self) -> int:
        self.serials += 1
        return self.serials

    def _show_actions(self) -> None:
        """The action cards in order, each headed by its place in the list."""
        for number, action in enumerate(self.actions, start=1):
            action.heading.value = _("Action {number}", number=number)
        self.action_column.controls = [a.control for a in self.actions]

    async def _add_action(self, _event: ft.ControlEvent) -> None:
        """A new, empty action at the end of the list, scrolled into view to be written."""
        self.shell.state.activate()  # a handler runs in a fresh context: the officer's language
        action = ActionEditor(self, self._new_serial(), None)
        self.actions.append(action)
        self._show_actions()
        self.shell.page.update()
        await self._scroll_to(action.text)

    def remove_action(self, editor: ActionEditor) -> None:
        """Remove the action from the form, with Undo (nothing is saved until "Save")."""
        if editor not in self.actions:
            return
        self.shell.state.activate()
        position = self.actions.index(editor)
        self.actions.remove(editor)
        self._show_actions()

        async def undo() -> None:
            self.shell.state.activate()
            if editor not in self.actions:
                self.actions.insert(min(position, len(self.actions)), editor)
                self._show_actions()
                self.shell.page.update()

        self.shell.toast(
            _("Action {number} removed.", number=position + 1), undo=undo, key="action-removed"
        )
        self.shell.page.update()

    def markable(self) -> list[Marked]:
        """Every control an error can be shown at, in form order."""
        fields: list[Marked] = [
            self.title,
            self.area,
            self.start,
            self.end,
            self.threat,
            self.goal,
            self.measures_error,
            self.target,
            self.baseline,
        ]
        for action in self.actions:
            fields += action.markable()
        return fields + self.partners.markable() + self.channels.markable()

    def plan_in(self, problems: Problems) -> PlanIn | None:
        """The plan as typed; each problem is shown at its field, in form order (None then)."""
        if not self.area.value:
            problems.add(self.area, _("Choose the service area."))
        start = problems.check(self.start, lambda: parse_day(self.start.value or ""))
        end = problems.check(self.end, lambda: parse_day(self.end.value or ""))
        if start and end and end < start:
            problems.add(self.end, _("The period ends before it starts."))
        elif start and end and (end - start).days > MAX_PERIOD_DAYS:
            problems.add(self.end, _("A plan's period is at most a year."))
        if not (self.threat.value or "").strip():
            problems.add(self.threat, _("Describe the threat."))
        if not (self.goal.value or "").strip():
            problems.add(self.goal, _("State the goal."))
        kind = CriterionKind(self.criterion_kind.value or CriterionKind.qualitative)
        measures = [
            Measure(str(box.key).removeprefix("measure-")) for box in self.measures if box.value
        ]
        numbers: dict[str, int | None] = {}
        for name, field in (("target", self.target), ("baseline", self.baseline)):
            text = (field.value or "").strip().rstrip("%").strip()
            numbers[name] = int(text) if text.isdigit() else None
            if text and (not text.isdigit() or int(text) > MAX_FIGURE):
                problems.add(field, _("A whole number from 0 to {max}.", max=MAX_FIGURE))
        if kind != CriterionKind.qualitative:
            if not measures:
                problems.add(self.measures_error, _("Tick at least one measure."))
            target = numbers["target"]
            if not (self.target.value or "").strip() or target == 0:
                problems.add(self.target, _("Give the target: a whole number above 0."))
            elif kind == CriterionKind.reduce_by_percent and target is not None and target > 100:
                problems.add(self.target, _("A reduction is a percentage from 1 to 100."))
        period = (start, end) if start and end and start <= end else None
        actions = [a.action_in(problems, period) for a in self.actions]
        partners = self.partners.checked(problems)
        channels = self.channels.checked(problems)
        if problems.marked:
            return None
        try:
            return PlanIn(
                id=self.plan_id,
                area_id=self.area.value or "",
                officer_id=self.officer_id,
                title=(self.title.value or "").strip(),
                period_start=start,
                period_end=end,
                threat=(self.threat.value or "").strip(),
                diagnosis=(self.diagnosis.value or "").strip(),
                goal=(self.goal.value or "").strip(),
                criterion_kind=CriterionKind(
                    self.criterion_kind.value or CriterionKind.qualitative
                ),
                criterion_measures=[
                    Measure(str(box.key).removeprefix("measure-"))
                    for box in self.measures
                    if box.value
                ],
                criterion_target=numbers["target"],
                criterion_baseline=numbers["baseline"],
                criterion_place_id=self.criterion_place.value
                if self.criterion_place.value not in (None, NO_PLACE)
                else None,
                criterion_text=(self.criterion_text.value or "").strip(),
                actions=[a for a in actions if a is not None],
                partners=[PartnerIn(name=n, tasks=t) for n, t in partners],
                channels=[ChannelIn(text=t) for (t,) in channels],
            )
        except ValidationError:  # every rule is checked above: this is a rule we missed
            problems.add(self.title, _("The plan cannot be saved as it is: check its fields."))
            return None

    async def _show_problems(self, problems: Problems) -> None:
        """The count at the top, each error at its field, the first field scrolled to."""
        count = len(problems.marked)
        self.message.value = _(
            "Not saved: correct the fields marked in red ({count}).", count=count
        )
        self.shell.page.update()
        order = {id(control): n for n, control in enumerate(self.markable())}
        await self._scroll_to(min(problems.marked, key=lambda c: order.get(id(c), len(order))))

    async def _scroll_to(self, control: ft.Control) -> None:
        """Scroll the editor to ``control`` (keyed by a ``ScrollKey``); a scroll the client
        does not answer leaves the form as it is (what it points at is shown all the same)."""
        view = self.shell.page.views[-1] if self.shell.page.views else None
        if view is not None and isinstance(control.key, ft.ScrollKey):
            with contextlib.suppress(RuntimeError, TimeoutError):
                await view.scroll_to(scroll_key=control.key, duration=300)

    async def _store(self) -> str | None:
        """Save the draft; the plan's id, or None with the problems shown at their fields."""
        state = self.shell.state
        state.activate()
        officer = state.officer
        assert officer is not None
        clear(self.markable())
        problems = Problems()
        plan_in = self.plan_in(problems)
        if plan_in is None:
            await self._show_problems(problems)
            return None
        try:
            plan = await asyncio.to_thread(services.save_plan_draft, state.engine, officer, plan_in)
        except (PermissionError, ValueError) as exc:
            self.message.value = _("Not saved: {reason}", reason=str(exc))
            self.shell.page.update()
            with contextlib.suppress(RuntimeError, TimeoutError):
                await self.shell.page.views[-1].scroll_to(offset=0, duration=300)
            return None
        self.message.value = ""
        self.plan_id = plan.id
        self.shell.follow_sync()
        if self.import_number is not None and state.imported is not None:
            state.imported.saved[self.import_number] = plan.id
        return plan.id

    async def _save(self, _event: ft.ControlEvent) -> None:
        plan_id = await self._store()
        if plan_id is None:
            return
        await self.shell.go(route_for("/plan", id=plan_id))
        self.shell.toast(_("Draft saved."), key="plan-saved")
        self.shell.page.update()

    async def _save_and_submit(self, _event: ft.ControlEvent) -> None:
        plan_id = await self._store()
        if plan_id is None:
            return
        state = self.shell.state
        try:
            await asyncio.to_thread(services.submit_plan, state.engine, state.officer, plan_id)
        except (PermissionError, ValueError) as exc:
            self.shell.error(_("Saved, but not submitted: {reason}", reason=str(exc)))
            self.shell.page.update()
            return
        await self.shell.go(route_for("/plan", id=plan_id))
        self.shell.toast(_("Submitted for approval."), key="submitted")
        self.shell.follow_sync()
        self.shell.page.update()


def _imported_plan(
    imported: services.ImportedFile | None, number_text: str | None
) -> tuple[ImportedPlan | None, int | None]:
    """The picked document's plan the route names (``imported=N``), while it is not saved."""
    if imported is None or not number_text or not number_text.isdigit():
        return None, None
    number = int(number_text)
    if not 1 <= number <= len(imported.plans) or number in imported.saved:
        return None, None
    return imported.plans[number - 1], number


async def view(shell: Shell, query: dict[str, str]) -> ft.View:
    state = shell.state
    officer = state.officer
    assert officer is not None
    plan_id = query.get("id")
    doc = (
        await asyncio.to_thread(services.plan_document, state.engine, plan_id) if plan_id else None
    )
    imported, number = _imported_plan(plan_import.current_import(state), query.get("imported"))
    areas, places = await asyncio.gather(
        asyncio.to_thread(services.officer_areas, state.engine, officer),
        asyncio.to_thread(services.officer_places, state.engine, officer),
    )
    editor = PlanEditor(shell, doc, areas, places, imported, number)
    title = _("Edit plan") if doc else _("Imported plan") if imported else _("New plan")
    return shell.overlay_view("/plan/edit", title, editor.controls())
