"""Dziś: what is due today, one big button per task, the sync state and the plan's headline."""

from __future__ import annotations

import asyncio

import flet as ft

from app.core.i18n import fmt_date, translator
from app.core.i18n.labels import kind_label
from app.core.schedule.labels import frequency_progress, status_label, task_hours
from app.core.schedule.service import Task, TaskMode, TaskStatus
from app.device.sync.client import SyncState
from app.device.ui import controls, services
from app.device.ui.plan import returned_banners
from app.device.ui.shell import Shell, route_for
from app.device.ui.signin import sign_in_panel

_ = translator("ui")


def window_text(task: Task) -> str:
    """'07:00–22:00 · open now', 'due 31 Dec 2026', '1 of 2 this week' (as the CLI says it)."""
    parts = []
    hours = task_hours(task)
    if hours:
        parts.append(hours)
        parts.append(_("open now") if task.open_now else _("outside hours"))
    if task.mode == TaskMode.deadline and task.due:
        parts.append(_("due {date}", date=fmt_date(task.due)))
    progress = frequency_progress(task)
    if progress:
        parts.append(progress)
    return " · ".join(parts)


_CHIP_COLOURS = {
    TaskStatus.done: controls.OK_COLOR,
    TaskStatus.overdue: controls.ALERT_COLOR,
    TaskStatus.todo: controls.WARN_COLOR,
}


def status_chip(task: Task) -> ft.Control:
    status = TaskStatus(task.status)
    label = status_label(status)
    return controls.status_chip(
        label[:1].upper() + label[1:], _CHIP_COLOURS[status], key=f"status-{task.action_id}"
    )


def task_tile(shell: Shell, task: Task, place_name: str | None) -> ft.Control:
    async def open_log(_event: ft.ControlEvent) -> None:
        await shell.go(route_for("/log", action=task.action_id, plan=task.plan_id))

    lines: list[ft.Control] = [
        ft.Text(task.text, size=17, weight=ft.FontWeight.W_600, key=f"task-{task.action_id}"),
        controls.muted(f"{kind_label(task.kind)} · {window_text(task)}"),
    ]
    if place_name:
        lines.append(
            ft.Row(
                [
                    ft.Icon(ft.Icons.PLACE, size=18, color=controls.MUTED),
                    controls.muted(place_name),
                ],
                spacing=4,
            )
        )
    log_button = ft.Semantics(
        identifier=f"log-{task.action_id}",
        content=controls.action_button(
            _("Log"), open_log, key=f"log-{task.action_id}", icon=ft.Icons.EDIT_NOTE
        ),
    )
    lines.append(
        ft.Row(
            [status_chip(task), log_button],
            alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
            vertical_alignment=ft.CrossAxisAlignment.CENTER,
        )
    )
    return controls.card(*lines, identifier=f"task-{task.action_id}")


def headline_card(headline: services.Headline) -> ft.Control:
    rows: list[ft.Control] = [
        ft.Text(
            headline.title,
            size=15,
            weight=ft.FontWeight.W_600,
            max_lines=2,
            overflow=ft.TextOverflow.ELLIPSIS,
        ),
        ft.Text(headline.summary, size=15, key=f"headline-{headline.plan_id}"),
    ]
    if headline.share is not None:
        share = max(0.0, min(1.0, headline.share))
        rows.append(
            ft.ProgressBar(
                value=share,
                bar_height=10,
                color=controls.PRIMARY,
                bgcolor="#D6DCE8",
                semantics_label=_("Plan progress"),
                semantics_value=round(share * 100),
            )
        )
    if headline.on_track is not None:
        rows.append(
            controls.status_chip(
                _("On track") if headline.on_track else _("Behind schedule"),
                controls.OK_COLOR if headline.on_track else controls.ALERT_COLOR,
            )
        )
    return controls.card(*rows, identifier=f"headline-{headline.plan_id}")


def sync_notice(shell: Shell, status: SyncState) -> ft.Control | None:
    """What needs the officer's eye about sync, with the way to it (History)."""
    text = controls.sync_detail(status)
    if text is None:
        return None

    async def show(_event: ft.ControlEvent) -> None:
        await shell.go("/history")

    lines: list[ft.Control] = [ft.Text(text, size=15, key="sync-detail")]
    if status.unsent:
        lines.append(
            controls.action_button(
                _("Show in History"), show, key="show-unsent", kind="outlined", icon=ft.Icons.LIST
            )
        )
    return controls.card(*lines, identifier="sync-notice")


async def view(shell: Shell, _query: dict[str, str]) -> ft.View:

    state = shell.state
    title = _("Today, {date}", date=fmt_date(state.today(), "medium"))
    if state.officer is None:
        panel = await sign_in_panel(shell)
        return shell.tab_view("/", title, [panel])
    data, status = await asyncio.gather(
        asyncio.to_thread(
            services.today_data, state.engine, state.officer, state.today(), state.now()
        ),
        asyncio.to_thread(services.sync_status, state.engine, state.sync, state.officer_id),
    )

    async def free_log(_event: ft.ControlEvent) -> None:
        await shell.go("/log")

    body: list[ft.Control] = [
        ft.Row(
            [controls.muted(state.officer.name, key="officer-name")],
            alignment=ft.MainAxisAlignment.START,
        )
    ]
    detail_slot = ft.Container(sync_notice(shell, status))
    state.detail_slot = detail_slot
    body.append(detail_slot)
    body += returned_banners(shell, data.returned)
    body += [headline_card(h) for h in data.headlines]
    body.append(controls.heading(_("Tasks for today")))
    if not data.tasks:
        body.append(controls.muted(_("Nothing due today."), key="no-tasks"))
    for task in data.tasks:
        place = data.places.get(task.place_id) if task.place_id else None
        body.append(task_tile(shell, task, place.name if place else None))
    body.append(
        controls.action_button(
            _("New entry"), free_log, key="new-entry", icon=ft.Icons.ADD, kind="tonal"
        )
    )
    badge = ft.Container(controls.sync_badge(status))
    state.badge_slot = badge
    return shell.tab_view("/", title, body, actions=[badge])
