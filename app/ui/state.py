"""What one app session knows: who is signed in, the language, the store, the clock.

Views read this and call services; nothing here draws controls. Device-wide choices
(signed-in officer, language, GPS threshold, server address) live in the local store's
settings, so they survive a restart of the phone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine

from app.i18n import DEFAULT_LANGUAGE, LANGUAGES, set_language
from app.model import Officer, Place
from app.model.clock import LOCAL_TZ

if TYPE_CHECKING:
    from app.places.nearest import PlaceIndex

SETTING_OFFICER = "officer_id"
SETTING_LANGUAGE = "language"
SETTING_GPS_THRESHOLD = "gps_poor_threshold_m"
SETTING_SERVER_URL = "server_url"
SETTING_TILE_URL = "tile_url"


def real_clock() -> datetime:
    return datetime.now(LOCAL_TZ)


def fixed_day_clock(day: date) -> Callable[[], datetime]:
    """A clock whose date is ``day`` and whose time of day runs (demos, browser tests)."""

    def clock() -> datetime:
        return datetime.combine(day, datetime.now(LOCAL_TZ).time(), LOCAL_TZ)

    return clock


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
    clock: Callable[[], datetime] = real_clock
    officer: Officer | None = None
    language: str = DEFAULT_LANGUAGE
    gps_threshold_m: float = 100.0
    server_url: str = ""
    tile_url: str = ""
    """Where the map's tiles come from; empty: a plain background, nothing requested."""
    sync: Any = None
    """The sync client (``app.sync.client.SyncClient``) when the sync module is installed."""
    place_index: PlaceIndex | None = None
    places: list[Place] = field(default_factory=list)
    """The officer's places (the pick list when there is no GPS fix)."""
    last_fix: Fix | None = None
    geolocator: Any = None
    """The page's flet-geolocator service (kept here: a strong reference keeps it registered)."""
    file_picker: Any = None
    """The page's file picker: saves reports and exports (a download in the browser)."""
    badge_slot: Any = None
    """Today's sync badge holder, redrawn while a save is being sent."""

    def now(self) -> datetime:
        """Aware local time (Europe/Warsaw)."""
        return self.clock()

    def today(self) -> date:
        return self.clock().date()

    def activate(self) -> None:
        """Make this session's language current (handlers run in fresh contexts)."""
        set_language(self.language if self.language in LANGUAGES else DEFAULT_LANGUAGE)

    @property
    def signed_in(self) -> bool:
        return self.officer is not None
