"""Small reusable pieces of the field app, sized for one hand outdoors.

Tap targets are at least 48 dp (buttons 56 dp high), text is dark on light, and every
control carries a label a screen reader reads out — the same labels the browser tests use.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import flet as ft

from app.core.i18n import fmt_datetime, fmt_number, translator
from app.core.model.entries import MAX_COUNT
from app.device.sync.client import Failure, SyncState

_ = translator("ui")

PRIMARY = "#0B3D91"
"""Police navy: 10:1 contrast on white."""
OK_COLOR = "#1B5E20"
WARN_COLOR = "#8A4B00"
ALERT_COLOR = "#B71C1C"
MUTED = "#37474F"
TAP = 56
"""Height of primary buttons (dp)."""
TAP_MIN = 48
"""The smallest side of anything tappable (dp): Material's and WCAG's touch target."""


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is defined; ``_()`` translates it when shown."""
    return message


Handler = Callable[[ft.ControlEvent], Awaitable[None] | None]


def theme() -> ft.Theme:
    """Material 3 from the navy seed, with the strong navy itself for buttons and outlines.

    Every button is at least 48 dp high, also those we do not draw ourselves (a snackbar's
    action, a dialog's buttons): the web client would otherwise use the desktop's compact
    density (32 dp)."""
    tall = ft.ButtonStyle(padding=ft.Padding.symmetric(horizontal=16, vertical=14))
    return ft.Theme(
        color_scheme_seed=PRIMARY,
        use_material3=True,
        visual_density=ft.VisualDensity.STANDARD,
        text_button_theme=ft.TextButtonTheme(style=tall),
        filled_button_theme=ft.FilledButtonTheme(style=tall),
        outlined_button_theme=ft.OutlinedButtonTheme(style=tall),
        color_scheme=ft.ColorScheme(
            primary=PRIMARY,
            on_primary=ft.Colors.WHITE,
            secondary_container="#D5E0F7",
            on_secondary_container="#0A1F4D",
            on_surface="#111418",
            on_surface_variant="#2E3440",
            outline="#5A6478",
        ),
    )


def action_button(
    label: str,
    on_click: Handler | None,
    *,
    key: str | None = None,
    icon: ft.IconData | None = None,
    kind: str = "filled",
    expand: bool = False,
    disabled: bool = False,
) -> ft.Control:
    """A big labelled button; its text is also its accessible name."""
    cls = {"filled": ft.FilledButton, "tonal": ft.FilledTonalButton, "outlined": ft.OutlinedButton}
    return cls[kind](
        content=ft.Text(label, size=17, weight=ft.FontWeight.W_600),
        icon=icon,
        on_click=on_click,
        key=key,
        height=TAP,
        expand=expand,
        disabled=disabled,
    )


def labelled(control: ft.Control, label: str, *, expand: bool = False) -> ft.Control:
    """A control whose own accessible name the web client leaves empty (a dropdown), named."""
    return ft.Semantics(content=control, label=label, expand=expand)


def tap_tall(control: ft.Control) -> ft.Control:
    """``control`` (a labelled checkbox) given the full 48 dp height a thumb needs: the web
    client draws a checkbox's row at the desktop's 40 dp."""
    return ft.Container(control, height=TAP_MIN)  # tight: the checkbox row itself is 48 high


def password_field(key: str) -> ft.TextField:
    """A password field whose show/hide button says what it does (Flutter's own has no name).

    The button reads "Pokaż hasło" / "Ukryj hasło" and is a full 48×48 target."""
    show, hide = _("Show password"), _("Hide password")

    def toggle(_event: ft.ControlEvent) -> None:
        field.password = not field.password
        reveal.icon = ft.Icon(
            ft.Icons.VISIBILITY if field.password else ft.Icons.VISIBILITY_OFF,
            semantics_label=show if field.password else hide,
        )
        reveal.tooltip = show if field.password else hide
        field.update()

    reveal = ft.IconButton(
        icon=ft.Icon(ft.Icons.VISIBILITY, semantics_label=show),
        tooltip=show,
        width=TAP_MIN,
        height=TAP_MIN,
        on_click=toggle,
        key=f"{key}-reveal",
    )
    field = ft.TextField(label=_("Password"), key=key, password=True, suffix_icon=reveal)
    return field


def heading(text: str, size: int = 20) -> ft.Text:
    return ft.Text(text, size=size, weight=ft.FontWeight.BOLD, color=PRIMARY)


def muted(text: str, size: int = 15, key: str | None = None) -> ft.Text:
    return ft.Text(text, size=size, color=MUTED, key=key)


def card(
    *controls: ft.Control, key: str | None = None, identifier: str | None = None
) -> ft.Control:
    """A white card whose texts a screen reader reads one by one (not merged into one label).

    ``identifier`` makes it findable in the browser's accessibility tree.
    """
    body = ft.Card(
        content=ft.Container(
            ft.Column(
                list(controls), spacing=8, horizontal_alignment=ft.CrossAxisAlignment.STRETCH
            ),
            padding=14,
        ),
        bgcolor=ft.Colors.WHITE,
        elevation=1,
        semantic_container=False,
        key=key,
    )
    if identifier:
        return ft.Semantics(content=body, identifier=identifier)
    return body


def highlight_card(*controls: ft.Control, identifier: str) -> ft.Control:
    """A card that stands out (what counts for the plan): tinted, with a navy border."""
    body = ft.Container(
        ft.Column(list(controls), spacing=8, horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
        padding=14,
        bgcolor="#E8EEFB",
        border=ft.Border.all(2, PRIMARY),
        border_radius=12,
    )
    return ft.Semantics(content=body, identifier=identifier)


def status_chip(text: str, color: str, key: str | None = None) -> ft.Control:
    """A coloured label; it keeps its own width in a stretched column."""
    chip = ft.Container(
        content=ft.Text(text, color=ft.Colors.WHITE, size=14, weight=ft.FontWeight.W_600),
        bgcolor=color,
        border_radius=14,
        padding=ft.Padding.symmetric(horizontal=10, vertical=4),
        key=key,
    )
    return ft.Row([chip], tight=True)


def sync_badge(status: SyncState, key: str = "sync-badge") -> ft.Control:
    """All sent / N waiting / offline / N not sent / waiting for another user's sign-in / sync
    failed — words, colour, a spoken label. "All sent" only when nothing waits (anyone's),
    nothing was refused and the last try worked."""
    failed = status.failure is not None or status.online is False
    if status.unsent:
        text, color, icon = _("Not sent: {count}", count=status.unsent), ALERT_COLOR, ft.Icons.ERROR
        spoken = _("Sync: {count} not sent, see History", count=status.unsent)
    elif status.pending and failed:
        text, color, icon = _("Offline ({count})", count=status.pending), MUTED, ft.Icons.CLOUD_OFF
        spoken = _("Sync: offline, {count} waiting", count=status.pending)
    elif status.pending:
        text, color = _("Waiting: {count}", count=status.pending), WARN_COLOR
        icon, spoken = ft.Icons.CLOUD_UPLOAD, _("Sync: {count} waiting", count=status.pending)
    elif status.others:
        text = _("Waiting for sign-in: {count}", count=status.others)  # the notice says whose
        color, icon = WARN_COLOR, ft.Icons.PERSON_OUTLINE
        spoken = _(
            "Sync: {count} changes of another user wait for their sign-in", count=status.others
        )
    elif failed:
        text, color, icon = _("Sync failed"), MUTED, ft.Icons.SYNC_PROBLEM
        spoken = _("Sync failed; nothing is waiting")
    else:
        text, color, icon = _("All sent"), OK_COLOR, ft.Icons.CLOUD_DONE
        spoken = _("Sync: all sent")
    badge = ft.Container(
        content=ft.Row(
            [ft.Icon(icon, color=ft.Colors.WHITE, size=18), ft.Text(text, color=ft.Colors.WHITE)],
            spacing=6,
            tight=True,
        ),
        bgcolor=color,
        border_radius=16,
        padding=ft.Padding.symmetric(horizontal=10, vertical=6),
        key=key,
    )
    return ft.Row([ft.Semantics(content=badge, label=spoken, identifier="sync-badge")], tight=True)


FAILURES = {
    Failure.offline: N_("no connection with the server"),
    Failure.bad_address: N_("the server address is not valid"),
    Failure.sign_in: N_("sign in again with the server"),
    Failure.not_the_service: N_("the address does not answer as the Rejon service"),
}


def sync_detail(status: SyncState) -> str | None:
    """One sentence under the badge when something needs the officer's eye, else ``None``."""
    parts = []
    if status.unsent:
        parts.append(
            _("The server did not accept {count} change(s): see History.", count=status.unsent)
        )
    if status.others:
        parts.append(
            _(
                "{count} change(s) of another user of this device wait for that user to sign in "
                "here; they are never sent under your sign-in.",
                count=status.others,
            )
        )
    if status.failure is not None:
        reason = _(FAILURES[status.failure])
        if status.last_success is not None:
            last = fmt_datetime(status.last_success)
            parts.append(_("Sync failed: {reason}. Last sync: {time}.", reason=reason, time=last))
        else:
            parts.append(_("Sync failed: {reason}. No sync yet.", reason=reason))
    return " ".join(parts) or None


class CounterStepper:
    """A count with − and + buttons that also takes a typed number (people, leaflets…).

    What is typed is checked as it is typed, and the error is shown on the field itself: a
    minus sign is an error (never dropped silently), so is anything but a whole number or a
    number above the limit. Focusing the field selects its content, so typing over a "0"
    gives "15", not "015".
    """

    def __init__(self, name: str, label: str, value: int = 0) -> None:
        self.name = name
        self.label = label
        self.field = ft.TextField(
            value=str(value),
            label=label,
            keyboard_type=ft.KeyboardType.NUMBER,
            text_align=ft.TextAlign.CENTER,
            text_size=18,
            expand=True,
            key=f"count-{name}",
            on_change=self._typed,
            on_focus=self._focused,
        )
        less, more = _("Less: {label}", label=label), _("More: {label}", label=label)
        self.minus = ft.IconButton(  # the icon's label names the button (a tooltip may not)
            icon=ft.Icon(ft.Icons.REMOVE, semantics_label=less),
            tooltip=less,
            icon_size=26,
            width=TAP_MIN,
            height=TAP,
            key=f"count-{name}-minus",
            on_click=self._step(-1),
        )
        self.plus = ft.IconButton(
            icon=ft.Icon(ft.Icons.ADD, semantics_label=more),
            tooltip=more,
            icon_size=26,
            width=TAP_MIN,
            height=TAP,
            key=f"count-{name}-plus",
            on_click=self._step(1),
        )
        self.control = ft.Row(
            [self.minus, self.field, self.plus],
            spacing=4,
            vertical_alignment=ft.CrossAxisAlignment.CENTER,
        )

    @property
    def value(self) -> int:
        """The count; an empty field is 0 (an invalid one too: :meth:`valid` says so)."""
        text = (self.field.value or "").strip()
        return int(text) if text.isdigit() else 0

    def problem(self) -> str | None:
        """What is wrong with the typed text, in words for the field, or None."""
        text = (self.field.value or "").strip().replace("\u2212", "-")
        if text.startswith("-") and text[1:].strip().isdigit():
            return _("Cannot be negative")
        if text and not text.isdigit():
            return _("Whole number")
        if text and int(text) > MAX_COUNT:
            return _("At most {max}", max=fmt_number(MAX_COUNT))
        return None

    def valid(self) -> bool:
        self.field.error = self.problem()
        return self.field.error is None

    def set(self, value: int) -> None:
        self.field.value = str(max(0, min(MAX_COUNT, value)))
        self.field.error = None

    def _typed(self, _event: ft.ControlEvent) -> None:
        self.valid()

    def _focused(self, _event: ft.ControlEvent) -> None:
        self.field.selection = ft.TextSelection(
            base_offset=0, extent_offset=len(self.field.value or "")
        )

    def _step(self, delta: int) -> Callable[[ft.ControlEvent], None]:
        def handler(_event: ft.ControlEvent) -> None:
            self.set(self.value + delta)

        return handler


def choice_button(
    label: str, selected: bool, on_click: Handler, *, key: str, sublabel: str = ""
) -> ft.Control:
    """One option of a short pick list (a place, an account): full width, easy to hit."""
    text: list[ft.Control] = [ft.Text(label, size=16, weight=ft.FontWeight.W_600)]
    if sublabel:
        text.append(ft.Text(sublabel, size=13))
    content = ft.Row(
        [
            ft.Icon(
                ft.Icons.CHECK_CIRCLE if selected else ft.Icons.RADIO_BUTTON_UNCHECKED, size=22
            ),
            ft.Column(text, spacing=0, expand=True, alignment=ft.MainAxisAlignment.CENTER),
        ],
        spacing=10,
        vertical_alignment=ft.CrossAxisAlignment.CENTER,
    )
    cls: Any = ft.FilledButton if selected else ft.OutlinedButton
    # no fixed height: a name that wraps (a long place's) grows the button instead of pushing
    # its distance onto the border; with the theme's padding, one line is TAP high
    body = ft.Container(content, padding=ft.Padding.symmetric(vertical=0 if sublabel else 3))
    return cls(content=body, on_click=on_click, key=key)
