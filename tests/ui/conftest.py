"""Fixtures for the in-process UI tests: a demo store on a fixed day, a signed-in app."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from flet_harness import FletHarness
from sqlalchemy.engine import Engine

from app.core.demo import PLACES, place_id
from app.core.model.clock import LOCAL_TZ
from app.core.model.ids import stable_id
from app.core.store.db import make_engine, session_scope
from app.core.store.settings import set_setting
from app.device.ui import state as keys
from app.device.ui.app import make_main
from app.device.ui.bootstrap import open_local_store

DEVICE_ONLY = importlib.util.find_spec("fastapi") is None
"""A virtual environment of the phone's set alone (CI's device step): the tests that need the
service, the commands or a browser are not collected there; everything else is."""
if DEVICE_ONLY:
    collect_ignore_glob = [
        "test_e2e_*.py",
        "test_ui_web_devices.py",
        "test_ui_wiring.py",
        "test_web_page.py",  # the page Flet's web server serves to browsers
    ]

DAY = date(2026, 11, 18)
"""A Wednesday inside the demo's renewed half-year."""
NOW = datetime.combine(DAY, time(10, 0), LOCAL_TZ)
NIVEA = PLACES["nivea"]
NIVEA_ID = place_id("nivea")
OFFICER = stable_id("officer", "100301")
SUPERVISOR = stable_id("officer", "100300")
CHECK_ACTION = stable_id("action", "lubartow", "2026-07-01", "check")
LUBARTOW_PLAN = stable_id("plan", "lubartow", "2026-07-01")


def geo_fakes(lat: float = NIVEA.lat, lon: float = NIVEA.lon, accuracy: float = 8.0) -> dict:
    return {
        "Geolocator.get_permission_status": lambda c, a: "whileInUse",
        "Geolocator.get_current_position": lambda c, a: {
            "latitude": lat,
            "longitude": lon,
            "accuracy": accuracy,
        },
    }


def geo_denied() -> dict:
    def refuse(_c: Any, _a: Any) -> Any:
        raise RuntimeError("User denied Geolocation")

    return {
        "Geolocator.get_permission_status": lambda c, a: "deniedForever",
        "Geolocator.request_permission": lambda c, a: "deniedForever",
        "Geolocator.get_current_position": refuse,
    }


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated demo database per run; each test gets a copy (fast)."""
    path = tmp_path_factory.mktemp("ui-template") / "rejon.db"
    engine = open_local_store(f"sqlite:///{path}", today=DAY)
    engine.dispose()
    return path


@pytest.fixture
def ui_engine(demo_template: Path, tmp_path: Path) -> Engine:
    path = tmp_path / "rejon.db"
    shutil.copy(demo_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def sign_in(engine: Engine, officer_id: str = OFFICER) -> None:
    with session_scope(engine) as session:
        set_setting(session, keys.SETTING_OFFICER, officer_id)


@pytest.fixture
def app_factory(ui_engine: Engine) -> Callable[..., FletHarness]:
    """``app(geo=..., officer=..., sync=...)`` → an unstarted harness over the demo store."""

    def build(
        *, geo: dict | None = None, officer: str | None = OFFICER, sync: Any = None
    ) -> FletHarness:
        if officer:
            sign_in(ui_engine, officer)
        main = make_main(ui_engine, clock=lambda: NOW, sync_factory=lambda _state: sync)
        return FletHarness(main, method_handlers=geo if geo is not None else geo_fakes())

    return build


@pytest.fixture
async def app(app_factory: Callable[..., FletHarness]) -> AsyncIterator[FletHarness]:
    harness = await app_factory().start()
    yield harness
    await harness.close()


@pytest.fixture(autouse=True)
def _forms_complete_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The log form draws its rest a moment after its first frame (``REST_AFTER_S``): here at
    once, in the same task as in the app, so a test's tap finds every field when it settles."""
    from app.device.ui import log

    monkeypatch.setattr(log, "REST_AFTER_S", 0.0)


@pytest.fixture(autouse=True)
def _no_handler_fails_unnoticed(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> Iterator[None]:
    """The app turns a failing handler into a toast (``keep_session_alive``): a test must
    still fail on one, unless it provokes it on purpose."""
    yield
    if request.node.get_closest_marker("handler_error_expected"):
        return
    failed = [r.getMessage() for r in caplog.records if r.name == "app.device.ui.app"]
    assert not failed, f"a handler failed: {failed}"
