"""Plan: the five sections, the actions with their windows and status, progress and its chart."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import flet as ft
import flet_charts as fch

from app.core.i18n import fmt_date, fmt_datetime, fmt_number, fmt_percent, translator
from app.core.i18n.labels import KIND_COLOURS, kind_label, status_label
from app.core.model import CriterionKind, Plan, PlanStatus
from app.core.plans.progress import (
    Attention,
    BaselineSource,
    OverviewRow,
    attention,
    by_attention,
    days_left,
    lag_text,
)
from app.core.plans.render import action_when, criterion_summary
from app.core.plans.workflow import BASELINE_MAX
from app.device.ui import controls, plan_import, services
from app.device.ui.controls import N_
from app.device.ui.shell import Shell, route_for

_ = translator("ui")

STATUS_COLORS = {
    PlanStatus.draft: controls.MUTED,
    PlanStatus.submitted: controls.WARN_COLOR,
    PlanStatus.returned: controls.ALERT_COLOR,
    PlanStatus.approved: controls.OK_COLOR,
    PlanStatus.closed: controls.PRIMARY,
}
SECTION_TITLES = (
    N_("1. The diagnosed threat"),
    N_("2. The goal to achieve"),
    N_("3. Actions with their dates"),
    N_("4. Partners and their tasks"),
    N_("5. How residents are informed"),
)


def plan_option(plan: Plan, current: bool, chosen: Callable[[str], Awaitable[None]]) -> ft.Control:
    """One plan of the picker: its title in at most two lines, cut with an ellipsis (the whole
    title in its tooltip and read out by the screen reader), its period and status under it."""
    title = plan.title or _("Untitled plan")
    period = f"{fmt_date(plan.period_start, 'short')} – {fmt_date(plan.period_end, 'short')}"

    async def choose(_event: ft.ControlEvent) -> None:
        await chosen(plan.id)

    return ft.ListTile(
        title=ft.Text(
            title,
            max_lines=2,
            overflow=ft.TextOverflow.ELLIPSIS,
            weight=ft.FontWeight.W_600,
            key=f"plan-option-title-{plan.id}",
        ),
        subtitle=ft.Text(f"{period} · {status_label(plan.status)}", max_lines=1),
        selected=current,
        tooltip=title,
        on_click=choose,
        min_height=controls.TAP_MIN,
        key=f"plan-option-{plan.id}",
    )


def plan_choice_button(shell: Shell, plans: list[Plan], current_id: str) -> ft.Control:
    """'Other plans': a list in a dialog, long titles ending in an ellipsis. The dialog is
    closed by reference (see ``Shell.confirm``), then the chosen plan opened."""

    def open_list(_event: ft.ControlEvent) -> None:
        shell.state.activate()  # a fresh context: the list in the device's language

        async def cancelled(_event: ft.ControlEvent) -> None:
            await shell.close_dialog(dialog)

        async def chosen(plan_id: str) -> None:
            await shell.close_dialog(dialog)
            await shell.go(route_for("/plan", id=plan_id))

        dialog = ft.AlertDialog(
            title=ft.Text(_("Choose a plan")),
            content=ft.Column(
                [plan_option(p, p.id == current_id, chosen) for p in plans],
                scroll=ft.ScrollMode.AUTO,
                tight=True,
                width=360,
            ),
            actions=[
                ft.TextButton(
                    _("Cancel"),
                    on_click=cancelled,
                    key="plan-choice-cancel",
                    height=controls.TAP_MIN,
                )
            ],
        )
        shell.page.show_dialog(dialog)

    return controls.action_button(
        _("Other plans ({count})", count=len(plans) - 1),
        open_list,
        key="plan-choice",
        icon=ft.Icons.SWAP_HORIZ,
        kind="outlined",
    )


def axis_step(top: float, lines: int = 5) -> int:
    """A whole 1, 2 or 5 × 10ⁿ step giving about ``lines`` grid lines up to ``top`` (counts)."""
    rough = max(top / lines, 1)
    scale = 10 ** math.floor(math.log10(rough))
    return int(next(s * scale for s in (1, 2, 5, 10) if s * scale >= rough))


def progress_chart(progress: Any, plan: Plan) -> ft.Control:
    """Cumulative value by day against the target line (the pace, or the allowed ceiling)."""
    start = plan.period_start
    length = max(1, (plan.period_end - start).days)
    criterion = progress.criterion
    points = [fch.LineChartDataPoint((day - start).days, value) for day, value in progress.series]
    if not points:
        points = [fch.LineChartDataPoint(0, 0)]
    series = [
        fch.LineChartData(points=points, color=controls.PRIMARY, stroke_width=3, curved=False)
    ]
    limit = criterion.limit
    if limit is None and criterion.kind == CriterionKind.at_least:
        limit = criterion.target
    top = max([p.y for p in points] + [4])
    if limit is not None:
        if criterion.kind == CriterionKind.at_least:
            target_points = [fch.LineChartDataPoint(0, 0), fch.LineChartDataPoint(length, limit)]
        else:
            target_points = [
                fch.LineChartDataPoint(0, limit),
                fch.LineChartDataPoint(length, limit),
            ]
        series.append(
            fch.LineChartData(
                points=target_points,
                color=controls.ALERT_COLOR,
                stroke_width=2,
                dash_pattern=[6, 4],
            )
        )
        top = max(top, float(limit))
    step = axis_step(top * 1.05)
    top_y = step * math.ceil(top * 1.05 / step)
    months = []
    day = date(start.year, start.month, 1)
    while day <= plan.period_end:
        if day >= start:
            months.append(
                fch.ChartAxisLabel(
                    value=(day - start).days, label=ft.Text(f"{day:%m}.{day:%y}", size=11)
                )
            )
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    chart = fch.LineChart(
        data_series=series,
        min_x=0,
        max_x=length,
        min_y=0,
        max_y=top_y,
        height=200,
        interactive=False,
        # no "0" on the left axis: it would sit on the first date (the grid starts at 0)
        left_axis=fch.ChartAxis(
            label_size=36,
            label_spacing=step,
            show_min=False,
            title=ft.Text(_("count, cumulative"), size=12),
            title_size=20,
        ),
        bottom_axis=fch.ChartAxis(
            labels=months,
            label_size=22,
            label_spacing=1,
            title=ft.Text(_("month"), size=12),
            title_size=18,
        ),
        horizontal_grid_lines=fch.ChartGridLines(color="#D6DCE8", width=1),
    )
    legend = [chart_key(controls.PRIMARY, _("so far (cumulative)"), dashed=False)]
    if limit is not None:
        target = (
            _("target pace")
            if criterion.kind == CriterionKind.at_least
            else _("at most allowed (−{percent}%)", percent=criterion.target)
        )
        legend.append(chart_key(controls.ALERT_COLOR, target, dashed=True))
    return ft.Column(
        [
            ft.Semantics(
                content=ft.Container(chart, padding=ft.Padding.only(right=12, top=8)),
                label=_("Chart: progress so far against the target line"),
                identifier="progress-chart",
            ),
            ft.Row(legend, wrap=True, spacing=16),
        ],
        spacing=6,
    )


def chart_key(color: str, text: str, *, dashed: bool) -> ft.Control:
    """One line of a chart's legend: a short stroke in the line's colour, and its meaning."""
    if dashed:
        stroke: ft.Control = ft.Row(
            [ft.Container(width=7, height=3, bgcolor=color) for _i in range(3)], spacing=4
        )
    else:
        stroke = ft.Container(width=29, height=3, bgcolor=color)
    return ft.Row([stroke, ft.Text(text, size=13)], spacing=6, tight=True)


def bar_width(weeks: int, chart_width: float = 300) -> float:
    """Bars about two thirds of a week's slot on a phone's width (a half-year: ~8 dp each;
    a few weeks: wide, but never wider than 24 dp)."""
    return max(6.0, min(24.0, chart_width / max(1, weeks) * 0.66))


def weekly_card(progress: Any) -> ft.Control | None:
    """Entries per ISO week, stacked by kind, with a legend of the kinds that occur."""
    weeks = progress.weekly if progress is not None else []
    if not any(week.total for week in weeks):
        return None
    groups = []
    width = bar_width(len(weeks))
    for index, week in enumerate(weeks):
        level, stack = 0, []
        for kind, color in KIND_COLOURS.items():
            count = week.counts.get(kind, 0)
            if count:
                stack.append(
                    fch.BarChartRodStackItem(from_y=level, to_y=level + count, color=color)
                )
                level += count
        groups.append(
            fch.BarChartGroup(
                x=index,
                rods=[fch.BarChartRod(from_y=0, to_y=level, stack_items=stack, width=width)],
            )
        )
    top = max(week.total for week in weeks)
    step = axis_step(top * 1.1)
    labels = [
        fch.ChartAxisLabel(value=i, label=ft.Text(f"{w.week_start:%d.%m}", size=10))
        for i, w in enumerate(weeks)
        if i % max(1, len(weeks) // 5) == 0
    ]
    chart = fch.BarChart(
        groups=groups,
        max_y=step * math.ceil(top * 1.1 / step),
        height=180,
        interactive=False,
        left_axis=fch.ChartAxis(
            label_size=32,
            label_spacing=step,
            show_min=False,
            title=ft.Text(_("entries"), size=12),
            title_size=18,
        ),
        bottom_axis=fch.ChartAxis(
            labels=labels, label_size=20, title=ft.Text(_("week"), size=12), title_size=18
        ),
        horizontal_grid_lines=fch.ChartGridLines(color="#D6DCE8", width=1),
    )
    present = [k for k in KIND_COLOURS if any(w.counts.get(k) for w in weeks)]
    legend = [
        ft.Row(
            [
                ft.Container(width=14, height=14, bgcolor=KIND_COLOURS[kind], border_radius=3),
                ft.Text(kind_label(kind), size=14),
            ]
        )
        for kind in present
    ]
    return controls.card(
        controls.heading(_("Entries per week by kind"), 18),
        ft.Semantics(
            content=ft.Container(chart, padding=ft.Padding.only(right=12, top=8)),
            label=_("Chart: entries per week by kind"),
            identifier="weekly-chart",
        ),
        *legend,
        key="weekly-card",
    )


def baseline_rows(shell: Shell, screen: services.PlanScreen) -> list[ft.Control]:
    """A reduction plan's baseline: where it comes from, who entered it and when, and the way
    to enter or correct it (the officer of the plan, a supervisor of its unit)."""
    progress, plan = screen.progress, screen.doc.plan
    if progress is None or plan.criterion_kind != CriterionKind.reduce_by_percent:
        return []
    criterion = progress.criterion
    if criterion.baseline is None:
        line = _("No baseline yet.")
    elif criterion.baseline_source == BaselineSource.entered:
        line = _(
            "Baseline {value}: entered by {who}, {when}.",
            value=fmt_number(criterion.baseline),
            who=criterion.baseline_by or _("unknown"),
            when=fmt_datetime(criterion.baseline_at) if criterion.baseline_at else "—",
        )
        if criterion.computed_baseline is not None:
            line += " " + _(
                "From the previous plan's entries: {value}.",
                value=fmt_number(criterion.computed_baseline),
            )
    else:
        line = _(
            "Baseline {value}: from the previous plan's entries.",
            value=fmt_number(criterion.baseline),
        )
    rows: list[ft.Control] = [ft.Text(line, size=15, key="baseline-line")]
    if screen.can_set_baseline:
        label = (
            _("Correct the baseline") if criterion.baseline is not None else _("Enter the baseline")
        )
        rows.append(
            controls.action_button(
                label,
                lambda _e: open_baseline_dialog(shell, screen),
                key="baseline-edit",
                icon=ft.Icons.EDIT,
                kind="outlined",
            )
        )
    return rows


def open_baseline_dialog(shell: Shell, screen: services.PlanScreen) -> None:
    plan = screen.doc.plan
    criterion = screen.progress.criterion if screen.progress else None
    field = ft.TextField(
        label=_("Previous period's count"),
        value=str(criterion.baseline) if criterion and criterion.baseline is not None else "",
        keyboard_type=ft.KeyboardType.NUMBER,
        helper=_("From the KMZB reports and the list of interventions; empty: computed"),
        helper_max_lines=2,
        key="baseline-value",
        autofocus=True,
    )
    done = False

    async def cancelled(_event: ft.ControlEvent) -> None:
        await shell.close_dialog(dialog)

    async def save(_event: ft.ControlEvent) -> None:
        nonlocal done
        text = (field.value or "").strip().replace("\u2212", "-")
        if text.startswith("-"):
            field.error = _("Cannot be negative")
        elif text and (not text.isdigit() or int(text) > BASELINE_MAX):
            field.error = _("A whole number from 0 to {max}", max=fmt_number(BASELINE_MAX))
        else:
            field.error = None
        if field.error or done:
            shell.page.update()
            return
        done = True
        officer = shell.state.officer
        assert officer is not None
        value = int(text) if text else None
        await asyncio.to_thread(services.set_baseline, shell.state.engine, officer, plan.id, value)
        await shell.close_dialog(dialog)
        await shell.go(route_for("/plan", id=plan.id))
        shell.toast(_("Baseline saved."), key="baseline-saved")
        shell.follow_sync()
        shell.page.update()

    dialog = ft.AlertDialog(
        title=ft.Text(_("Baseline")),
        content=field,
        actions=[
            ft.TextButton(
                _("Cancel"),
                on_click=cancelled,
                key="baseline-cancel",
                height=controls.TAP_MIN,
            ),
            ft.FilledButton(_("Save"), on_click=save, key="baseline-save", height=controls.TAP_MIN),
        ],
    )
    shell.page.show_dialog(dialog)


def progress_card(shell: Shell, screen: services.PlanScreen) -> ft.Control:
    plan = screen.doc.plan
    progress = screen.progress
    rows: list[ft.Control] = [
        controls.heading(_("Progress"), 17),
        controls.muted(criterion_summary(plan)),
    ]
    if progress is None:
        rows.append(controls.muted(_("Progress is counted once the plan is approved.")))
        return controls.card(*rows)
    criterion = progress.criterion
    rows.append(ft.Text(criterion.summary, size=16, key="progress-summary"))
    if criterion.value is not None:
        figure = fmt_number(criterion.value)
        if criterion.limit is not None:
            figure = f"{figure} / {fmt_number(criterion.limit)}"  # as the summary says it
        rows.append(ft.Text(figure, size=30, weight=ft.FontWeight.BOLD, key="progress-value"))
    if criterion.share_done is not None:
        rows.append(
            ft.ProgressBar(
                value=max(0.0, min(1.0, criterion.share_done)),
                bar_height=10,
                color=controls.PRIMARY,
                bgcolor="#D6DCE8",
                semantics_label=_("Share of the goal"),
                semantics_value=round(max(0.0, criterion.share_done) * 100),
            )
        )
    rows += baseline_rows(shell, screen)
    rows.append(
        controls.muted(_("Time elapsed: {share}", share=fmt_percent(criterion.elapsed_share)))
    )
    rows.append(progress_chart(progress, plan))
    return controls.card(*rows, identifier="plan-progress")


def actions_section(screen: services.PlanScreen) -> list[ft.Control]:
    plan = screen.doc.plan
    by_action = {a.action_id: a for a in screen.progress.actions} if screen.progress else {}
    rows: list[ft.Control] = []
    for number, action in enumerate(screen.doc.actions, start=1):
        lines: list[ft.Control] = [
            ft.Text(f"{number}. {action.text}", size=15, weight=ft.FontWeight.W_600),
            controls.muted(f"{kind_label(action.kind)} · {action_when(action, plan)}", size=14),
        ]
        if action.place_id and action.place_id in screen.places:
            lines.append(controls.muted(screen.places[action.place_id].name, size=14))
        done = by_action.get(action.id)
        if done is not None:
            lines.append(
                ft.Text(
                    _("Done {done} of {due} so far", done=done.done, due=done.due),
                    size=15,
                    color=controls.OK_COLOR if done.done >= done.due else controls.WARN_COLOR,
                    key=f"action-progress-{action.id}",
                )
            )
        rows.append(ft.Container(ft.Column(lines, spacing=2), padding=ft.Padding.only(bottom=8)))
    return rows


def sections(screen: services.PlanScreen) -> list[ft.Control]:
    plan = screen.doc.plan
    threat = [ft.Text(plan.threat, size=15)]
    if plan.diagnosis:
        threat.append(controls.muted(_("How diagnosed: {text}", text=plan.diagnosis), size=14))
    goal = [ft.Text(plan.goal, size=15)]
    if plan.criterion_text:
        goal.append(controls.muted(plan.criterion_text, size=14))
    partners = [
        ft.Text(f"{p.name} — {p.tasks}" if p.tasks else p.name, size=15)
        for p in screen.doc.partners
    ]
    channels = [ft.Text(f"• {c.text}", size=15) for c in screen.doc.channels]
    bodies = [threat, goal, actions_section(screen), partners, channels]
    return [
        controls.card(
            controls.heading(_(title), 17),
            *(body or [controls.muted(_("(empty)"))]),
            identifier=f"section-{number}",
        )
        for number, (title, body) in enumerate(zip(SECTION_TITLES, bodies, strict=True), start=1)
    ]


def header_card(shell: Shell, screen: services.PlanScreen) -> ft.Control:
    plan = screen.doc.plan

    rows: list[ft.Control] = []
    if len(screen.plans) > 1:
        rows.append(plan_choice_button(shell, screen.plans, plan.id))
    rows += [
        ft.Text(
            plan.title or _("Untitled plan"), size=18, weight=ft.FontWeight.BOLD, key="plan-title"
        ),
        controls.muted(
            _("Area no. {area} · {officer}", area=screen.area_label, officer=screen.officer_name)
        ),
        controls.muted(
            _(
                "{start} – {end}",
                start=fmt_date(plan.period_start, "long"),
                end=fmt_date(plan.period_end, "long"),
            )
        ),
        controls.status_chip(
            status_label(plan.status), STATUS_COLORS[plan.status], key="plan-status"
        ),
    ]
    if plan.review_note:
        rows.append(
            ft.Text(
                _("Supervisor's note: {note}", note=plan.review_note),
                color=controls.ALERT_COLOR,
                key="review-note",
            )
        )
    rows += sync_lines(shell, screen.sync)
    return controls.card(*rows, identifier="plan-header")


def sync_lines(shell: Shell, sync: services.PlanSync | None) -> list[ft.Control]:
    """Where this device's changes of the plan stand: refused (why, resend or give up),
    waiting to be sent, or waiting for another user's sign-in."""
    from app.device.ui.history import document_lines

    if sync is None:
        return []
    rows: list[ft.Control] = []
    if sync.unsent is not None:
        rows += document_lines(shell, sync.unsent)
    elif sync.waiting:
        rows.append(controls.muted(_("Changes of this plan wait to be sent."), key="plan-waiting"))
    if sync.others:
        rows.append(
            ft.Text(
                _(
                    "Changes of this plan by another user of this device wait for that user "
                    "to sign in here ({count}).",
                    count=sync.others,
                ),
                color=controls.WARN_COLOR,
                key="plan-others-waiting",
            )
        )
    return rows


def returned_banners(shell: Shell, plans: list[Plan]) -> list[ft.Control]:
    """The officer's plans a supervisor returned: the note, and the way to correct each."""
    banners: list[ft.Control] = []
    for plan in plans:
        plan_id = plan.id

        async def correct(_event: ft.ControlEvent, plan_id: str = plan_id) -> None:
            await shell.go(route_for("/plan/edit", id=plan_id))

        banners.append(
            ft.Container(
                content=controls.card(
                    ft.Row(
                        [
                            ft.Icon(ft.Icons.UNDO, color=controls.ALERT_COLOR),
                            ft.Text(
                                _("Plan returned: {title}", title=plan.title or _("Untitled plan")),
                                size=16,
                                weight=ft.FontWeight.W_600,
                                color=controls.ALERT_COLOR,
                                expand=True,
                                max_lines=2,
                                overflow=ft.TextOverflow.ELLIPSIS,
                            ),
                        ],
                        spacing=8,
                    ),
                    ft.Text(
                        _("Supervisor's note: {note}", note=plan.review_note),
                        size=15,
                        key=f"returned-note-{plan_id}",
                    ),
                    controls.action_button(
                        _("Correct the plan"),
                        correct,
                        key=f"correct-plan-{plan_id}",
                        icon=ft.Icons.EDIT,
                    ),
                    identifier=f"returned-{plan_id}",
                ),
                key=f"returned-{plan_id}",
            )
        )
    return banners


def plan_buttons(
    shell: Shell, screen: services.PlanScreen | None, *, with_reviews: bool = True
) -> list[ft.Control]:
    """New plan, import, and the plan's own actions; the plans to approve unless the unit's
    overview already leads to them."""
    state = shell.state
    officer = state.officer
    assert officer is not None
    buttons: list[ft.Control] = []

    async def new_plan(_event: ft.ControlEvent) -> None:
        await shell.go(route_for("/plan/edit", new="1"))

    async def reviews(_event: ft.ControlEvent) -> None:
        await shell.go("/approvals")

    if with_reviews and screen is not None and screen.to_review:
        buttons.append(
            controls.action_button(
                _("To approve ({count})", count=screen.to_review),
                reviews,
                key="open-approvals",
                icon=ft.Icons.FACT_CHECK,
            )
        )
    if screen is not None and screen.doc is not None and screen.can_edit:
        plan_id = screen.doc.plan.id

        async def edit(_event: ft.ControlEvent) -> None:
            await shell.go(route_for("/plan/edit", id=plan_id))

        async def submit(_event: ft.ControlEvent) -> None:
            try:
                await asyncio.to_thread(services.submit_plan, state.engine, officer, plan_id)
            except (PermissionError, ValueError) as exc:
                shell.error(_("Not submitted: {reason}", reason=str(exc).splitlines()[0]))
                shell.page.update()
                return
            await shell.refresh()
            shell.toast(_("Submitted for approval."), key="submitted")
            shell.follow_sync()
            shell.page.update()

        buttons.append(
            controls.action_button(_("Edit plan"), edit, key="edit-plan", icon=ft.Icons.EDIT)
        )
        buttons.append(
            controls.action_button(
                _("Submit for approval"),
                submit,
                key="submit-plan",
                icon=ft.Icons.SEND,
                kind="tonal",
            )
        )
    buttons.append(
        controls.action_button(
            _("New plan"), new_plan, key="new-plan", icon=ft.Icons.NOTE_ADD, kind="outlined"
        )
    )
    buttons.append(plan_import.import_button(shell))
    for button in buttons:
        button.expand = True
    return [ft.Row([button]) for button in buttons]


FILE_BUTTONS = (
    ("docx", N_("Report (DOCX)"), ft.Icons.DESCRIPTION),
    ("pdf", N_("Report (PDF)"), ft.Icons.PICTURE_AS_PDF),
    ("csv", N_("Entries (CSV)"), ft.Icons.TABLE_ROWS),
    ("xlsx", N_("Entries (XLSX)"), ft.Icons.GRID_ON),
)


def files_card(shell: Shell, screen: services.PlanScreen) -> ft.Control:
    """The realization report and the entries, saved as files (a download in the browser)."""
    state = shell.state
    assert screen.doc is not None
    plan_id = screen.doc.plan.id

    def saver(kind: str) -> Callable[[ft.ControlEvent], Awaitable[None]]:
        async def save(_event: ft.ControlEvent) -> None:
            state.activate()  # a fresh context: the file and its toast in the device's language
            try:
                name, data = await asyncio.to_thread(
                    services.plan_file, state.engine, plan_id, kind, state.today()
                )
                await state.file_picker.save_file(file_name=name, src_bytes=data)
            except (OSError, RuntimeError, ValueError) as exc:
                shell.error(_("Could not prepare the file: {reason}", reason=str(exc)))
                shell.page.update()
                return
            shell.toast(_("Saved: {name}", name=name), key="file-saved")
            shell.page.update()

        return save

    rows = [
        ft.Row(
            [
                controls.action_button(
                    _(label),
                    saver(kind),
                    key=f"file-{kind}",
                    icon=icon,
                    kind="outlined",
                    expand=True,
                )
            ]
        )
        for kind, label, icon in FILE_BUTTONS
    ]
    return controls.card(
        controls.heading(_("Report and export"), 18), *rows, identifier="plan-files"
    )


_ATTENTION_FLAGS = {
    Attention.to_review: (N_("waits for your decision"), controls.WARN_COLOR),
    Attention.behind: (N_("behind"), controls.ALERT_COLOR),
    Attention.no_data: (N_("no data"), controls.MUTED),
    Attention.not_started: (N_("not started"), controls.MUTED),
    Attention.on_track: (N_("on track"), controls.OK_COLOR),
}


def _flag(row: OverviewRow, state: Attention) -> tuple[str, str]:
    """The chip's text and colour: a plan's pace, its result once closed, or whose turn."""
    if state in _ATTENTION_FLAGS:
        text, color = _ATTENTION_FLAGS[state]
        return _(text), color
    if state == Attention.closed:
        met = row.criterion.met
        if met is None:
            return _("no data"), controls.MUTED
        return (
            (_("goal met"), controls.OK_COLOR) if met else (_("goal not met"), controls.ALERT_COLOR)
        )
    return status_label(row.status), controls.MUTED  # a draft or returned: the officer's turn


LAGS_SHOWN = 3
"""Actions behind named per plan; the rest counted."""


def lag_lines(row: OverviewRow) -> list[ft.Control]:
    """The plan's actions behind, most pressing first: overdue deadlines, then most missed."""
    if not row.lagging:
        return []
    lines = [
        ft.Text(
            _("Actions behind: {count}", count=len(row.lagging)),
            size=15,
            weight=ft.FontWeight.W_600,
            color=controls.ALERT_COLOR,
        )
    ]
    for lag in row.lagging[:LAGS_SHOWN]:
        lines.append(ft.Text(f"• {lag_text(lag)}", size=14, color=controls.ALERT_COLOR))
    if (more := len(row.lagging) - LAGS_SHOWN) > 0:
        lines.append(controls.muted(_("and {count} more", count=more), size=14))
    return [ft.Column(lines, spacing=2, key=f"overview-lag-{row.plan_id}")]


def overview_card(shell: Shell, rows: list[OverviewRow], today: date) -> ft.Control:
    """A supervisor's unit, what needs them first: the plans to decide on, then those behind,
    without data, not started, on track, with their officers; the closed ones apart."""

    def opener(plan_id: str) -> Callable[[ft.ControlEvent], Awaitable[None]]:
        async def open_plan(_event: ft.ControlEvent) -> None:
            await shell.go(route_for("/plan", id=plan_id))

        return open_plan

    async def reviews(_event: ft.ControlEvent) -> None:
        await shell.go("/approvals")

    lines: list[ft.Control] = [controls.heading(_("Plans of the unit"), 18)]
    ordered = by_attention(rows, today)
    waiting = sum(1 for row in rows if attention(row, today) == Attention.to_review)
    if waiting:
        lines.append(
            controls.action_button(
                _("To approve ({count})", count=waiting),
                reviews,
                key="open-approvals",
                icon=ft.Icons.FACT_CHECK,
            )
        )
    closed_heading = False
    for row in ordered:
        state = attention(row, today)
        if state == Attention.closed and not closed_heading:
            lines.append(controls.heading(_("Closed plans"), 16))
            closed_heading = True
        flag, color = _flag(row, state)
        detail = row.criterion.summary
        left = days_left(row, today)
        if left is not None:
            detail += " · " + _("days left: {count}", count=left)
        lines += [
            ft.Text(
                f"{_('Area no. {number}', number=row.area_number)} · {row.officer_name}",
                size=16,
                weight=ft.FontWeight.W_600,
            ),
            controls.muted(
                f"{fmt_date(row.period_start)} – {fmt_date(row.period_end)} · "
                f"{status_label(row.status)} · {row.title}"
            ),
            ft.Text(detail, size=15, key=f"overview-detail-{row.plan_id}"),
            *lag_lines(row),
            ft.Row(
                [
                    controls.status_chip(flag, color, key=f"track-{row.plan_id}"),
                    controls.action_button(
                        _("Open"),
                        opener(row.plan_id),
                        key=f"open-{row.plan_id}",
                        kind="tonal",
                    ),
                ],
                alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
            ),
            ft.Divider(),
        ]
    return controls.card(*lines, key="unit-overview", identifier="unit-overview")


async def view(shell: Shell, query: dict[str, str]) -> ft.View:
    state = shell.state
    officer = state.officer
    assert officer is not None
    screen = await asyncio.to_thread(
        services.plan_screen, state.engine, officer, query.get("id"), state.today()
    )
    imported = plan_import.imported_card(shell)
    returned = await asyncio.to_thread(services.returned_plans, state.engine, officer)
    banners = returned_banners(shell, returned)
    if screen is None or screen.doc is None:
        body = [controls.muted(_("No plans yet."), key="no-plans"), *plan_buttons(shell, screen)]
        return shell.tab_view(
            "/plan", _("Plan"), [*([imported] if imported else []), *banners, *body]
        )
    overview = await asyncio.to_thread(
        services.unit_overview_rows, state.engine, officer, state.today()
    )
    body = [
        *([imported] if imported else []),
        *banners,
        header_card(shell, screen),
        *plan_buttons(shell, screen, with_reviews=not overview),
        progress_card(shell, screen),
        *([weekly] if (weekly := weekly_card(screen.progress)) else []),
        files_card(shell, screen),
        *sections(screen),
    ]
    if overview:  # a supervisor: the unit first, one plan below (that plan first once opened)
        card = overview_card(shell, overview, state.today())
        body = [*body, card] if query.get("id") else [card, *body]
    return shell.tab_view("/plan", _("Plan"), body)
