"""What one app session knows: who is signed in, the language, the store, the clock.

Views read this and call services; nothing here draws controls. Device-wide choices
(signed-in officer, language, GPS threshold, server address, idle lock) live in the device's
local store's settings, so they survive a restart of the phone. On the web a device is one
browser (``app.device.ui.devices``): each has a store of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from app.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, set_language
from app.core.model import Officer, Place
from app.core.model.clock import local_now
from app.device.sync.local import SERVER_URL

if TYPE_CHECKING:
    import flet as ft
    import flet_geolocator as fgl

    from app.core.places.nearest import PlaceIndex
    from app.device.sync.client import SyncClient
    from app.device.ui.devices import Attempts, WebDevice
    from app.device.ui.services import ImportedFile

SETTING_OFFICER = "officer_id"
SETTING_LANGUAGE = "language"
SETTING_GPS_THRESHOLD = "gps_poor_threshold_m"
SETTING_SERVER_URL = SERVER_URL
SETTING_IDLE_LOCK = "idle_lock_minutes"
SETTING_LOCKED = "locked"
SETTING_LAST_ACTIVE = "last_active_at"
DEFAULT_LOCK_MINUTES = 15.0
"""A signed-in browser locks after this long without use (``rejon run --idle-lock``)."""
SETTING_TILE_URL = "tile_url"


@dataclass(frozen=True)
class Fix:
    """One GPS reading as the app uses it."""

    lat: float
    lon: float
    accuracy_m: float | None


@dataclass
class AppState:
    """Session state shared by the screens of one running app."""

    engine: Engine
    device_id: str
    clock: Callable[[], datetime] = local_now
    """The process's clock (``app.core.model.clock``): one \"now\" for screens and rules."""
    officer: Officer | None = None
    language: str = DEFAULT_LANGUAGE
    gps_threshold_m: float = 100.0
    server_url: str = ""
    tile_url: str = ""
    """Where the map's tiles come from; empty: a plain background, nothing requested."""
    sync: SyncClient | None = None
    """The sync client (``app.device.sync.client.SyncClient``) when the sync module is installed."""
    place_index: PlaceIndex | None = None
    places: list[Place] = field(default_factory=list)
    """The officer's places (the pick list when there is no GPS fix)."""
    last_fix: Fix | None = None
    geolocator: fgl.Geolocator | None = None
    """The page's flet-geolocator service (kept here: a strong reference keeps it registered)."""
    file_picker: ft.FilePicker | None = None
    """The page's file picker: saves reports and exports (a download in the browser) and picks
    plan documents to import (its ``on_result``)."""
    imported: ImportedFile | None = None
    """The plan document picked last, until each of its plans is saved as a draft."""
    badge_slot: ft.Container | None = None
    """Today's sync badge holder, redrawn while a save is being sent."""
    detail_slot: ft.Container | None = None
    """Today's sync notice holder (what failed, what was not sent), redrawn with the badge."""
    sign_in_attempts: Attempts | None = None
    """Failed sign-ins on a phone (a browser's are its device's)."""
    history_shown: int = 0
    """How many of the officer's entries History has drawn (it grows with "Show older"): a
    redraw after a change on History keeps them."""
    device: WebDevice | None = None
    """On the web: this browser's device (its store, sync loop, idle lock); None on a phone."""

    def now(self) -> datetime:
        """Aware local time (Europe/Warsaw)."""
        return self.clock()

    def today(self) -> date:
        return self.clock().date()

    def activate(self) -> None:
        """Make this session's language current (handlers run in fresh contexts)."""
        set_language(self.language if self.language in LANGUAGES else DEFAULT_LANGUAGE)

    @property
    def officer_id(self) -> str | None:
        """The signed-in officer's id (``None``: nobody)."""
        return self.officer.id if self.officer is not None else None

    @property
    def signed_in(self) -> bool:
        return self.officer is not None

    @property
    def locked(self) -> bool:
        """Signed in, but the idle lock asks for the password again."""
        return self.signed_in and self.device is not None and self.device.lock.locked
