"""For supervisors: the unit's submitted plans, to approve or return with a note."""

from __future__ import annotations

import asyncio

import flet as ft

from app.i18n import fmt_date, translator
from app.i18n.labels import kind_label
from app.plans.render import criterion_summary
from app.ui import controls, services
from app.ui.shell import Shell

_ = translator("ui")


def review_card(shell: Shell, item: services.ReviewItem) -> ft.Control:
    state = shell.state
    plan = item.plan
    note = ft.TextField(
        label=_("Note for the officer"),
        key=f"note-{plan.id}",
        multiline=True,
        min_lines=2,
        max_lines=5,
        max_length=2000,
    )

    async def decide(approve: bool) -> None:
        officer = state.officer
        assert officer is not None
        text = (note.value or "").strip()
        if not approve and not text:
            note.error = _("Say what to correct.")
            shell.page.update()
            return
        try:
            syncs = state.sync is not None
            if approve:
                await asyncio.to_thread(
                    services.approve_plan, state.engine, officer, plan.id, text, syncs=syncs
                )
            else:
                await asyncio.to_thread(
                    services.return_plan, state.engine, officer, plan.id, text, syncs=syncs
                )
        except (PermissionError, ValueError) as exc:
            shell.error(str(exc))
            shell.page.update()
            return
        await shell.refresh()
        shell.toast(_("Plan approved.") if approve else _("Plan returned."), key="reviewed")
        shell.follow_sync()
        shell.page.update()

    async def approve(_event: ft.ControlEvent) -> None:
        await decide(True)

    async def send_back(_event: ft.ControlEvent) -> None:
        await decide(False)

    period = _("{start} – {end}", start=fmt_date(plan.period_start), end=fmt_date(plan.period_end))
    lines: list[ft.Control] = [
        ft.Text(plan.title or _("Untitled plan"), size=17, weight=ft.FontWeight.BOLD),
        controls.muted(
            _("Area no. {area} · {officer}", area=item.area_label, officer=item.officer_name)
        ),
        controls.muted(period),
        ft.Text(plan.threat, size=15, max_lines=4),
        controls.muted(criterion_summary(plan)),
        *[
            controls.muted(f"{n}. [{kind_label(a.kind)}] {a.text}", size=14)
            for n, a in enumerate(item.actions, start=1)
        ],
        note,
        ft.Row(
            [
                controls.action_button(
                    _("Approve"),
                    approve,
                    key=f"approve-{plan.id}",
                    icon=ft.Icons.CHECK,
                    expand=True,
                ),
                controls.action_button(
                    _("Return"),
                    send_back,
                    key=f"return-{plan.id}",
                    icon=ft.Icons.UNDO,
                    kind="outlined",
                    expand=True,
                ),
            ],
            spacing=8,
        ),
    ]
    return controls.card(*lines, identifier=f"review-{plan.id}")


async def view(shell: Shell, _query: dict[str, str]) -> ft.View:
    state = shell.state
    officer = state.officer
    assert officer is not None
    items = await asyncio.to_thread(services.review_queue, state.engine, officer)
    body: list[ft.Control] = [review_card(shell, item) for item in items]
    if not body:
        body = [controls.muted(_("No plans waiting for approval."), key="no-reviews")]
    return shell.overlay_view("/approvals", _("Plans to approve"), body)
