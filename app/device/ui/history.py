"""Historia: the officer's entries by day; edit (a new revision), delete (a tombstone), repeat."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from urllib.parse import urlsplit

import flet as ft

from app.core.i18n import fmt_date, fmt_number, translator
from app.core.i18n.labels import kind_label, measure_label, refusal_label
from app.core.model import COUNT_FIELDS, EntryRevision, Place
from app.core.model.clock import to_local
from app.device.ui import controls, services
from app.device.ui.shell import Shell, route_for

_ = translator("ui")


def counts_text(entry: EntryRevision) -> str:
    parts = [
        f"{measure_label(name)}: {fmt_number(getattr(entry, name))}"
        for name in COUNT_FIELDS
        if getattr(entry, name)
    ]
    return " · ".join(parts)


def entry_card(
    shell: Shell,
    entry: EntryRevision,
    places: dict[str, Place],
    actions: dict[str, str],
    *,
    waiting: bool = False,
    unsent: services.Unsent | None = None,
) -> ft.Control:
    eid = entry.entry_id

    async def edit(_event: ft.ControlEvent) -> None:
        await shell.go(route_for("/log", entry=eid))

    async def repeat(_event: ft.ControlEvent) -> None:
        await shell.go(route_for("/log", copy=eid))

    def ask_delete(_event: ft.ControlEvent) -> None:
        async def delete() -> None:
            officer = shell.state.officer
            assert officer is not None
            done = await asyncio.to_thread(
                services.delete, shell.state.engine, officer.id, shell.state.device_id, eid
            )
            await shell.refresh()
            if done:
                shell.toast(_("Entry deleted."), undo=lambda: shell.undo_delete(eid), key="deleted")
                shell.follow_sync()
            else:
                shell.toast(_("This entry was already deleted."), key="deleted")
            shell.page.update()

        shell.confirm(
            _("Delete this entry?"),
            _("It disappears from your log and reports; its history is kept."),
            _("Delete"),
            delete,
            key="delete",
            icon=ft.Icons.DELETE,
        )

    local = to_local(entry.occurred_at)
    when = f"{local:%H:%M}"
    if unsent is not None:  # listed apart from its day: the day belongs in the title
        when = f"{fmt_date(local.date(), 'medium')}, {when}"
    lines: list[ft.Control] = [
        ft.Text(
            f"{when} · {kind_label(entry.kind)}",
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
    if waiting:
        flags.append(_("waiting to be sent"))
    if flags:
        lines.append(controls.muted(" · ".join(flags), size=13))
    if unsent is not None:
        lines += unsent_lines(shell, unsent)
    buttons = [
        controls.action_button(_("Edit"), edit, key=f"edit-{eid}", kind="outlined", expand=True)
    ]
    if not entry.deleted:
        buttons += [
            controls.action_button(
                _("Repeat"), repeat, key=f"repeat-{eid}", kind="outlined", expand=True
            ),
            controls.action_button(
                _("Delete"), ask_delete, key=f"delete-{eid}", kind="outlined", expand=True
            ),
        ]
    if unsent is None or not entry.deleted:
        lines.append(ft.Row(buttons, spacing=6))
    return controls.card(*lines, identifier=f"entry-{eid}")


def unsent_lines(shell: Shell, unsent: services.Unsent) -> list[ft.Control]:
    """Why the service did not store the entry, and what the officer can do about it."""
    eid = unsent.entry.entry_id
    reason = refusal_label(unsent.code)
    what = _("deleting it") if unsent.entry.deleted else _("this version")
    text = _("Not sent ({what}): {reason}.", what=what, reason=reason)

    async def settle(service: Callable[..., None], message: str, key: str) -> None:
        """Resend or give up the unsent change, then show the result."""
        officer = shell.state.officer
        assert officer is not None
        engine, device_id = shell.state.engine, shell.state.device_id
        await asyncio.to_thread(service, engine, officer.id, device_id, unsent.mutation_id)
        await shell.refresh()
        shell.toast(message, key=key)
        if service is services.resend:
            shell.follow_sync()
        shell.page.update()

    async def resend(_event: ft.ControlEvent) -> None:
        await settle(services.resend, _("Queued to be sent again."), "resent")

    def ask_discard(_event: ft.ControlEvent) -> None:
        async def discard() -> None:
            message = _("Given up: the entry is as the unit's store has it.")
            await settle(services.discard, message, "discarded")

        shell.confirm(
            _("Give up this change?"),
            _(
                "It will not be sent. On this phone the entry returns to what the unit's "
                "store holds (or disappears if the store never had it). This is recorded."
            ),
            _("Give up"),
            discard,
            key="discard",
            icon=ft.Icons.DELETE_FOREVER,
        )

    return _unsent_rows(text, eid, resend, ask_discard)


def _unsent_rows(
    text: str,
    key: str,
    resend: Callable[[ft.ControlEvent], Awaitable[None]],
    ask_discard: Callable[[ft.ControlEvent], None],
) -> list[ft.Control]:
    """A change the service did not store: why, then Send again / Give up (entries, plans and
    places alike)."""
    return [
        ft.Row(
            [
                ft.Icon(ft.Icons.ERROR, color=controls.ALERT_COLOR, size=20),
                ft.Text(
                    text,
                    color=controls.ALERT_COLOR,
                    size=15,
                    weight=ft.FontWeight.W_600,
                    expand=True,
                    key=f"unsent-{key}",
                ),
            ],
            vertical_alignment=ft.CrossAxisAlignment.START,
        ),
        ft.Row(
            [
                controls.action_button(
                    _("Send again"), resend, key=f"resend-{key}", icon=ft.Icons.SEND, expand=True
                ),
                controls.action_button(
                    _("Give up"), ask_discard, key=f"discard-{key}", kind="outlined", expand=True
                ),
            ],
            spacing=6,
        ),
    ]


def document_lines(shell: Shell, document: services.UnsentDocument) -> list[ft.Control]:
    """A plan's or place's change the service did not store: why, and resend or give up."""
    key = document.object_id
    what = (
        _("Plan “{title}”", title=document.title or _("Untitled plan"))
        if document.object_type == "plan"
        else _("Place “{title}”", title=document.title)
    )
    text = _("Not sent ({what}): {reason}.", what=what, reason=refusal_label(document.code))

    async def settle(service: Callable[..., None], message: str, toast_key: str) -> None:
        officer = shell.state.officer
        assert officer is not None
        engine, device_id = shell.state.engine, shell.state.device_id
        await asyncio.to_thread(service, engine, officer.id, device_id, document.mutation_id)
        shell.follow_sync()
        await shell.refresh()
        shell.toast(message, key=toast_key)
        shell.page.update()

    async def resend(_event: ft.ControlEvent) -> None:
        await settle(services.resend, _("Queued to be sent again."), "resent")

    def ask_discard(_event: ft.ControlEvent) -> None:
        async def discard() -> None:
            message = _("Given up: the unit's version comes back with the next sync.")
            await settle(services.discard, message, "discarded")

        shell.confirm(
            _("Give up this change?"),
            _(
                "It will not be sent. This device takes the unit's version back with the next "
                "sync. This is recorded."
            ),
            _("Give up"),
            discard,
            key="discard",
            icon=ft.Icons.DELETE_FOREVER,
        )

    return _unsent_rows(text, key, resend, ask_discard)


KEEPS_PAGES = ("/history", "/log")
"""Coming from these (a redraw after a change, back from an edit), History draws as many
entries as it showed; from another tab it starts again with the newest page."""


class Pages:
    """History's entries by day, a page at a time: "Show older" adds the next page below."""

    def __init__(self, shell: Shell, data: services.HistoryData) -> None:
        self.shell = shell
        self.last_day: date | None = None
        self.older = data.older
        self.loading = False
        self.more = controls.action_button(
            _("Show older"), self.show_older, key="history-more", icon=ft.Icons.EXPAND_MORE
        )
        self.column = ft.Column(
            self.cards(data), spacing=10, horizontal_alignment=ft.CrossAxisAlignment.STRETCH
        )
        if self.older is not None:
            self.column.controls.append(self.more)

    def cards(self, data: services.HistoryData) -> list[ft.Control]:
        """A day's heading (unless the page before ended in that day), then its entries."""
        out: list[ft.Control] = []
        for day, entries in data.days:
            if day != self.last_day:
                out.append(controls.heading(fmt_date(day, "full"), 17))
                self.last_day = day
            for e in entries:
                waiting = e.entry_id in data.waiting
                out.append(entry_card(self.shell, e, data.places, data.actions, waiting=waiting))
        return out

    async def show_older(self, _event: ft.ControlEvent) -> None:
        state = self.shell.state
        if self.older is None or self.loading or state.officer is None:
            return
        self.loading = True  # a second tap while this one loads does nothing
        try:
            data = await asyncio.to_thread(
                services.history,
                state.engine,
                state.officer.id,
                state.today(),
                services.HISTORY_PAGE,
                self.older,
            )
        finally:
            self.loading = False
        state.history_shown += services.HISTORY_PAGE
        self.older = data.older
        self.column.controls.remove(self.more)
        self.column.controls += self.cards(data)
        if self.older is not None:
            self.column.controls.append(self.more)
        self.shell.page.update()


async def view(shell: Shell, _query: dict[str, str]) -> ft.View:
    state = shell.state
    officer = state.officer
    assert officer is not None
    if urlsplit(shell.previous_route).path not in KEEPS_PAGES:
        state.history_shown = services.HISTORY_PAGE
    data = await asyncio.to_thread(
        services.history,
        state.engine,
        officer.id,
        state.today(),
        max(state.history_shown, services.HISTORY_PAGE),
    )
    body: list[ft.Control] = []
    unsent = len(data.unsent) + len(data.documents)
    if unsent:
        body.append(
            controls.heading(_("Not sent ({count})", count=unsent), 17),
        )
        body.append(
            controls.muted(
                _("The server did not store these. Correct (Edit) or send again, or give up.")
            )
        )
        body += [
            controls.card(*document_lines(shell, d), identifier=f"unsent-{d.object_id}")
            for d in data.documents
        ]
        body += [
            entry_card(shell, u.entry, data.places, data.actions, unsent=u) for u in data.unsent
        ]
    if not data.days and not unsent:
        body.append(controls.muted(_("No entries yet."), key="no-entries"))
    body.append(Pages(shell, data).column)
    return shell.tab_view("/history", _("History"), body)
