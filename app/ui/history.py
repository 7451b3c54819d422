"""Historia: the officer's entries by day; edit (a new revision), delete (a tombstone), repeat."""

from __future__ import annotations

import asyncio

import flet as ft

from app.i18n import fmt_date, fmt_number, translator
from app.i18n.labels import kind_label
from app.model import COUNT_FIELDS, EntryRevision, Place
from app.model.clock import to_local
from app.ui import controls, services
from app.ui.log import COUNTER_LABELS
from app.ui.shell import Shell, route_for

_ = translator("ui")
DAYS_SHOWN = 60


def counts_text(entry: EntryRevision) -> str:
    parts = [
        f"{_(COUNTER_LABELS[name])}: {fmt_number(getattr(entry, name))}"
        for name in COUNT_FIELDS
        if getattr(entry, name)
    ]
    return " · ".join(parts)


def entry_card(
    shell: Shell, entry: EntryRevision, places: dict[str, Place], actions: dict[str, str]
) -> ft.Control:
    eid = entry.entry_id

    async def edit(_event: ft.ControlEvent) -> None:
        await shell.go(route_for("/log", entry=eid))

    async def repeat(_event: ft.ControlEvent) -> None:
        await shell.go(route_for("/log", copy=eid))

    def ask_delete(_event: ft.ControlEvent) -> None:
        async def confirmed(_e: ft.ControlEvent) -> None:
            shell.page.pop_dialog()
            shell.page.update()
            officer = shell.state.officer
            assert officer is not None
            await asyncio.to_thread(
                services.delete, shell.state.engine, officer.id, shell.state.device_id, eid
            )
            await shell.refresh()
            shell.toast(_("Entry deleted."), key="deleted")
            shell.page.update()

        def cancelled(_e: ft.ControlEvent) -> None:
            shell.page.pop_dialog()
            shell.page.update()

        shell.page.show_dialog(
            ft.AlertDialog(
                key="confirm-delete-dialog",
                title=ft.Text(_("Delete this entry?")),
                content=ft.Text(_("It disappears from your log and reports; its history is kept.")),
                actions=[
                    ft.TextButton(_("Cancel"), on_click=cancelled, key="cancel-delete"),
                    ft.FilledButton(
                        _("Delete"), icon=ft.Icons.DELETE, on_click=confirmed, key="confirm-delete"
                    ),
                ],
            )
        )

    local = to_local(entry.occurred_at)
    lines: list[ft.Control] = [
        ft.Text(
            f"{local:%H:%M} · {kind_label(entry.kind)}",
            size=17,
            weight=ft.FontWeight.W_600,
            key=f"entry-{eid}",
        )
    ]
    place = places.get(entry.place_id) if entry.place_id else None
    lines.append(controls.muted(place.name if place else _("No place")))
    if entry.action_id and entry.action_id in actions:
        lines.append(controls.muted(actions[entry.action_id], size=13))
    counts = counts_text(entry)
    if counts:
        lines.append(ft.Text(counts, size=15))
    if entry.note:
        lines.append(ft.Text(entry.note, size=15, italic=True))
    flags = []
    if entry.lat is None:
        flags.append(_("no GPS position"))
    elif entry.gps_poor:
        flags.append(_("poor GPS accuracy"))
    if entry.seq > 1:
        flags.append(_("edited"))
    if flags:
        lines.append(controls.muted(" · ".join(flags), size=13))
    lines.append(
        ft.Row(
            [
                controls.action_button(
                    _("Edit"), edit, key=f"edit-{eid}", kind="outlined", expand=True
                ),
                controls.action_button(
                    _("Repeat"), repeat, key=f"repeat-{eid}", kind="outlined", expand=True
                ),
                controls.action_button(
                    _("Delete"), ask_delete, key=f"delete-{eid}", kind="outlined", expand=True
                ),
            ],
            spacing=6,
        )
    )
    return controls.card(*lines, identifier=f"entry-{eid}")


async def view(shell: Shell, _query: dict[str, str]) -> ft.View:
    state = shell.state
    officer = state.officer
    assert officer is not None
    data = await asyncio.to_thread(
        services.history, state.engine, officer.id, state.today(), DAYS_SHOWN
    )
    body: list[ft.Control] = []
    if not data.days:
        body.append(controls.muted(_("No entries yet."), key="no-entries"))
    for day, entries in data.days:
        body.append(controls.heading(fmt_date(day, "full"), 17))
        body += [entry_card(shell, e, data.places, data.actions) for e in entries]
    return shell.tab_view("/history", _("History"), body)
