"""The plan editor: every section, actions with their windows; save a draft or submit it.

A new plan starts empty for the officer's area and the current half-year; a draft imported
from a document (``rejon plan import --save``) opens here like any other draft. A document
picked in the app (``plan_import``) opens here unsaved, filled with what the importer read and
its warnings beside the fields they are about.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time

import flet as ft
from pydantic import ValidationError

from app.i18n import translator
from app.i18n.labels import criterion_label, frequency_label, kind_label, measure_label
from app.model import (
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
    ServiceArea,
)
from app.model.plans import Action
from app.plans.drafts import action_in
from app.plans.importer import ImportedAction, ImportedPlan, WarningField
from app.store.plans import PlanDocument
from app.ui import controls, plan_import, services
from app.ui.controls import N_
from app.ui.shell import Shell, route_for

_ = translator("ui")
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
NO_PLACE = "-"


class FormError(ValueError):
    """A field the officer has to correct; the message says which."""


def parse_day(text: str, what: str, required: bool = True) -> date | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise FormError(_("{what}: give a date (DD.MM.YYYY).", what=what))
        return None
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise FormError(_("{what}: '{text}' is not a date (DD.MM.YYYY).", what=what, text=text))


def parse_clock(text: str, what: str) -> time | None:
    text = (text or "").strip().replace(".", ":")
    if not text:
        return None
    try:
        return datetime.strptime(text, "%H:%M").time()
    except ValueError:
        raise FormError(
            _("{what}: '{text}' is not a time (HH:MM).", what=what, text=text)
        ) from None


def day_text(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def current_half_year(day: date) -> tuple[date, date]:
    if day.month <= 6:
        return date(day.year, 1, 1), date(day.year, 6, 30)
    return date(day.year, 7, 1), date(day.year, 12, 31)


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


def _field(label: str, value: str, key: str, *, multiline: bool = False) -> ft.TextField:
    return ft.TextField(
        label=label,
        value=value,
        key=key,
        multiline=multiline,
        min_lines=2 if multiline else 1,
        max_lines=8 if multiline else 1,
    )


class ActionEditor:
    """One action: what, kind, window (dates, deadline, hours, weekdays), frequency, place."""

    def __init__(
        self,
        editor: PlanEditor,
        number: int,
        action: Action | ActionIn | None,
        notes: list[str] | None = None,
    ) -> None:
        self.editor = editor
        self.id = action.id if action else None
        k = f"action-{number}"
        self.text = _field(_("Action"), action.text if action else "", f"{k}-text", multiline=True)
        self.kind = ft.Dropdown(
            label=_("Kind"),
            key=f"{k}-kind",
            value=str(action.kind if action else EntryKind.place_check),
            options=[ft.DropdownOption(key=str(x), text=kind_label(x)) for x in EntryKind],
            expand=True,
        )
        self.start = _field(
            _("From (empty: plan start)"), day_text(action and action.start_date), f"{k}-start"
        )
        self.end = _field(
            _("To (empty: plan end)"), day_text(action and action.end_date), f"{k}-end"
        )
        self.deadline = ft.Checkbox(
            label=_("One-off, due by the end date"),
            value=bool(action and action.deadline),
            key=f"{k}-deadline",
        )
        self.time_from = _field(
            _("Hours from"),
            f"{action.time_from:%H:%M}" if action and action.time_from else "",
            f"{k}-from",
        )
        self.time_to = _field(
            _("Hours to"), f"{action.time_to:%H:%M}" if action and action.time_to else "", f"{k}-to"
        )
        days = set(action.weekdays or []) if action else set()
        self.weekdays = [
            ft.Checkbox(label=_(name), value=i in days, key=f"{k}-day-{i}")
            for i, name in enumerate(WEEKDAYS)
        ]
        self.freq_times = _field(
            _("Times"),
            str(action.freq_times) if action and action.freq_times else "",
            f"{k}-freq-times",
        )
        self.freq_times.keyboard_type = ft.KeyboardType.NUMBER
        self.freq_per = ft.Dropdown(
            label=_("Per"),
            key=f"{k}-freq-per",
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
            options=[ft.DropdownOption(key=NO_PLACE, text=_("(no place)"))]
            + [ft.DropdownOption(key=p.id, text=p.name) for p in editor.places],
            expand=True,
        )
        self.remove_button = controls.action_button(
            _("Remove action"), self._remove, key=f"{k}-remove", kind="outlined"
        )
        self.control = controls.card(
            controls.heading(_("Action {number}", number=number), 16),
            *warning_notes(notes or [], f"warn-action-{number}"),
            self.text,
            controls.labelled(ft.Row([self.kind]), _("Kind")),
            ft.Row([ft.Container(self.start, expand=True), ft.Container(self.end, expand=True)]),
            self.deadline,
            ft.Row(
                [ft.Container(self.time_from, expand=True), ft.Container(self.time_to, expand=True)]
            ),
            ft.Row(self.weekdays[:4], spacing=0),
            ft.Row(self.weekdays[4:], spacing=0),
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

    def action_in(self, number: int) -> ActionIn:
        what = _("Action {number}", number=number)
        times = (self.freq_times.value or "").strip()
        if times and not times.isdigit():
            raise FormError(_("{what}: the frequency is a whole number.", what=what))
        per = self.freq_per.value if self.freq_per.value not in (None, NO_PLACE) else None
        days = [i for i, box in enumerate(self.weekdays) if box.value]
        try:
            return ActionIn(
                id=self.id,
                text=(self.text.value or "").strip(),
                kind=EntryKind(self.kind.value or EntryKind.other),
                start_date=parse_day(self.start.value or "", what, required=False),
                end_date=parse_day(self.end.value or "", what, required=False),
                deadline=bool(self.deadline.value),
                time_from=parse_clock(self.time_from.value or "", what),
                time_to=parse_clock(self.time_to.value or "", what),
                weekdays=days or None,
                freq_times=int(times) if times else None,
                freq_per=FrequencyUnit(per) if per else None,
                place_id=self.place.value if self.place.value not in (None, NO_PLACE) else None,
            )
        except ValidationError as exc:
            raise FormError(f"{what}: {_first_error(exc)}") from None


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error.get("loc", ()) if p != "__root__")
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


class RowsEditor:
    """Partners (name + tasks) or channels (text): add and remove rows."""

    def __init__(self, key: str, labels: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
        self.key = key
        self.labels = labels
        self.column = ft.Column(spacing=8, key=key)
        self.rows: list[tuple[ft.Control, list[ft.TextField]]] = []
        for values in rows:
            self._add(values)
        self.add_button = controls.action_button(
            _("Add"), self._add_clicked, key=f"{key}-add", kind="outlined", icon=ft.Icons.ADD
        )

    def _add(self, values: tuple[str, ...]) -> None:
        n = len(self.rows) + 1
        fields = [
            _field(label, value, f"{self.key}-{n}-{i}", multiline=i > 0)
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
        self._add(tuple("" for _label in self.labels))

    def values(self) -> list[tuple[str, ...]]:
        out = []
        for _container, fields in self.rows:
            values = tuple((f.value or "").strip() for f in fields)
            if any(values):
                out.append(values)
        return out


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
            (plan.period_start, plan.period_end) if plan else current_half_year(shell.state.today())
        )
        self.message = ft.Text("", color=controls.ALERT_COLOR, key="plan-message")
        self.area = ft.Dropdown(
            label=_("Service area"),
            key="plan-area",
            value=plan.area_id if plan else (areas[0].id if areas else None),
            options=[ft.DropdownOption(key=a.id, text=a.name or a.number_text) for a in areas],
            expand=True,
        )
        self.title = _field(_("Title"), plan.title if plan else "", "plan-title-field")
        self.start = _field(_("Period from"), day_text(start), "plan-start")
        self.end = _field(_("Period to"), day_text(end), "plan-end")
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
        self.target = _field(
            _("Target (number, or percent for a reduction)"),
            str(plan.criterion_target) if plan and plan.criterion_target is not None else "",
            "plan-target",
        )
        self.baseline = _field(
            _("Previous period's value (optional)"),
            str(plan.criterion_baseline) if plan and plan.criterion_baseline is not None else "",
            "plan-baseline",
        )
        self.criterion_text = _field(
            _("Criterion as written"),
            plan.criterion_text if plan else "",
            "plan-criterion-text",
            multiline=True,
        )
        self.action_column = ft.Column(spacing=10, key="plan-actions")
        self.actions: list[ActionEditor] = []
        for action in actions:
            number = len(self.actions) + 1
            notes = self.notes.get((WarningField.actions, number), [])
            self.actions.append(ActionEditor(self, number, action, notes))
        self.action_column.controls = [a.control for a in self.actions]
        self.partners = RowsEditor("partner", (_("Partner"), _("Their tasks")), partners)
        self.channels = RowsEditor("channel", (_("How residents are told"),), channels)

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
                ft.Column(self.measures, spacing=0),
                self.target,
                self.baseline,
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

    def _add_action(self, _event: ft.ControlEvent) -> None:
        self.actions.append(ActionEditor(self, len(self.actions) + 1, None))
        self.action_column.controls = [a.control for a in self.actions]

    def remove_action(self, editor: ActionEditor) -> None:
        self.actions = [a for a in self.actions if a is not editor]
        self.action_column.controls = [a.control for a in self.actions]

    def plan_in(self) -> PlanIn:
        """The plan as typed; FormError names the first field to correct."""
        start = parse_day(self.start.value or "", _("Period from"))
        end = parse_day(self.end.value or "", _("Period to"))
        numbers = {}
        for name, field in (("target", self.target), ("baseline", self.baseline)):
            text = (field.value or "").strip().rstrip("%").strip()
            if text and not text.isdigit():
                raise FormError(_("{what}: a whole number.", what=field.label))
            numbers[name] = int(text) if text else None
        actions = [a.action_in(n) for n, a in enumerate(self.actions, start=1)]
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
                criterion_text=(self.criterion_text.value or "").strip(),
                actions=actions,
                partners=[PartnerIn(name=n, tasks=t) for n, t in self.partners.values()],
                channels=[ChannelIn(text=t) for (t,) in self.channels.values()],
            )
        except ValidationError as exc:
            raise FormError(_first_error(exc)) from None

    async def _store(self) -> str | None:
        """Save the draft; the plan's id, or None with the problem shown."""
        state = self.shell.state
        officer = state.officer
        assert officer is not None
        try:
            plan_in = self.plan_in()
            plan = await asyncio.to_thread(services.save_plan_draft, state.engine, officer, plan_in)
        except (FormError, PermissionError, ValueError) as exc:
            self.message.value = _("Not saved: {reason}", reason=str(exc))
            self.shell.error(self.message.value)
            self.shell.page.update()
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
