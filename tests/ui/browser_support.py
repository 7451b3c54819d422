"""Shared pieces of the real-browser tests: `rejon run` on a free port, Debian's Chromium,
a phone-sized page, signing in through the form, screenshots."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sqlmodel import Session, select

from app.bench.browser import type_into as bench_type_into
from app.core.demo import PLACES
from app.core.model import Entry, EntryIn, EntryRevision, OutboxItem
from app.core.store.db import make_engine

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
DAY = "2026-11-18"
NIVEA = PLACES["nivea"]
PASSWORD = "rejon-demo"
TIMEOUT = 20_000
SIGN_IN_TIMEOUT = 90_000
"""A new device's first sign-in pulls the officer's plans and entries (the supervisor's whole
unit) through the service: on a loaded machine it can take far longer than a tap."""
REJON = (sys.executable, "-c", "from app.cli.main import main; main()")
WORDS = {
    "pl": {
        "badge": "Numer służbowy",
        "password": "Hasło",
        "sign_in": "Zaloguj",
        "new_entry": "Nowy wpis",
        "today": "Dziś",
        "plan": "Plan",
        "settings": "Ustawienia",
        "sync_now": "Synchronizuj teraz",
        "action": "Działanie",
        "add_action": "Dodaj działanie",
        "to_approve": r"^Do zatwierdzenia \(\d+\)$",
    },
    "en": {
        "badge": "Badge number",
        "password": "Password",
        "sign_in": "Sign me in",
        "new_entry": "New entry",
        "today": "Today",
        "plan": "Plan",
        "settings": "Settings",
        "sync_now": "Sync now",
        "action": "Action",
        "add_action": "Add action",
        "to_approve": r"^To approve \(\d+\)$",
    },
}
"""The labels the browser tests find controls by, in the app's two languages."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(storage: Path) -> dict[str, str]:
    env = dict(os.environ, REJON_STORAGE_DIR=str(storage))
    for name in ("DISPLAY", "REJON_DATABASE_URL", "REJON_SERVER_DATABASE_URL"):
        env.pop(name, None)
    return env


def _wait_for(url: str, proc: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not start:\n{log.read_text()}")
        time.sleep(0.2)


@contextmanager
def rejon_run(storage: Path, *args: str, day: str = DAY) -> Iterator[str]:
    """`rejon run` on a free port over ``storage`` (the demo in its service), on a fixed day."""
    port = free_port()
    log_path = storage / f"run-{port}.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [*REJON, "run", "--port", str(port), "--date", day, *args],
            cwd=ROOT,
            env=_env(storage),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_for(url, proc, log_path)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@contextmanager
def chromium() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) "
            "or set CHROMIUM to its path; the browser tests never skip."
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield browser
        browser.close()


def open_page(
    browser: Browser, url: str, *, gps: tuple[float, float] | None = (NIVEA.lat, NIVEA.lon)
) -> Page:
    """A new browser (its own context: storage, device) at phone size, its first frame drawn."""
    options: dict = {"viewport": {"width": 412, "height": 915}, "locale": "pl-PL"}
    if gps is not None:
        options["geolocation"] = {"latitude": gps[0], "longitude": gps[1], "accuracy": 8}
        options["permissions"] = ["geolocation"]
    page = browser.new_context(**options).new_page()
    load(page, url)
    expect(page.get_by_role("tab", name="Dziś")).to_be_attached(timeout=TIMEOUT)
    return page


def load(page: Page, url: str | None = None) -> None:
    """Open (or, without ``url``, reload) the app and wait for its accessibility tree."""
    page.add_init_script("window.addEventListener('flutter-first-frame',()=>{window.__ff=1})")
    if url is None:
        page.reload()
    else:
        page.goto(url)
    page.wait_for_function("window.__ff === 1", timeout=60_000)
    page.locator("flt-semantics-placeholder").dispatch_event("click")


def sign_in(page: Page, badge: str, password: str = PASSWORD, language: str = "pl") -> None:
    """Through the form, as a person would; ends on Today."""
    words = WORDS[language]
    expect(page.get_by_role("button", name=words["sign_in"])).to_be_attached(timeout=TIMEOUT)
    type_into(page, words["badge"], badge)
    type_into(page, words["password"], password)
    tap_until(
        page,
        page.get_by_role("button", name=words["sign_in"]),
        page.get_by_role("button", name=words["new_entry"]),
        timeout=SIGN_IN_TIMEOUT,
    )


def tap_until(page: Page, target: Locator, shows: Locator, timeout: float = TIMEOUT) -> None:
    """Tap, and once more if the tap was lost: right after a text field had focus, or a screen
    was redrawn, Flutter's web client may take a click only as a focus change."""
    target.click()
    try:
        expect(shows.first).to_be_attached(timeout=5_000)
        return
    except AssertionError:
        if target.count():  # still there: the tap was lost, or the app is busy with it
            # disabled while the first tap is handled: then it was not lost
            with suppress(PlaywrightTimeoutError):
                target.click(timeout=5_000)
    expect(shows.first).to_be_attached(timeout=timeout)


def to_english(page: Page) -> None:
    """Ustawienia → English: the device's language, kept across sign-outs."""
    page.get_by_role("tab", name="Ustawienia").click()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("tab", name="Settings")).to_be_attached(timeout=TIMEOUT)


def type_into(page: Page, field: str | Locator, text: str) -> None:
    """Type into a field found by its label (or given), with the tests' patience."""
    bench_type_into(page, field, text, timeout_ms=TIMEOUT)


def served_app(name: str) -> tuple[object, object]:
    """A module's ``storage`` and ``app_url`` fixtures: one ``rejon run`` over its own storage."""

    @pytest.fixture(scope="module")
    def storage(tmp_path_factory: pytest.TempPathFactory) -> Path:
        return tmp_path_factory.mktemp(name)

    @pytest.fixture(scope="module")
    def app_url(storage: Path) -> Iterator[str]:
        with rejon_run(storage) as url:
            yield url

    return storage, app_url


def message(page: Page, text: str | re.Pattern[str]) -> Locator:
    """``text`` as a text node, or as the label of a group (a snackbar): Flutter exposes a
    snackbar's text either way, depending on timing, so both are accepted."""
    exact = isinstance(text, str)
    return page.get_by_text(text, exact=exact).or_(page.get_by_label(text, exact=exact))


def shown(page: Page, text: str | re.Pattern[str]) -> None:
    """``text`` is on screen (``message``)."""
    expect(message(page, text).first).to_be_attached(timeout=TIMEOUT)


def shot(page: Page, name: str) -> None:
    """Let the canvas catch up with the accessibility tree, then keep a screenshot."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    assert page.get_by_text("Unknown control").count() == 0, f"{name}: a control is missing"


@dataclass
class Service:
    """`rejon serve` over the same store as the app's embedded service: stop and start it."""

    storage: Path
    port: int
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log_path = self.storage / f"serve-{self.port}.log"
        with log_path.open("a") as log:
            db = f"sqlite:///{self.storage / 'server.db'}"
            self.proc = subprocess.Popen(
                [*REJON, "serve", "--db", db, "--port", str(self.port)],
                cwd=ROOT,
                env=_env(self.storage),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait_for(f"{self.url}/healthz", self.proc, log_path)

    def kill(self) -> None:
        """kill -9: no goodbye to anyone."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(10)
            self.proc = None


def _content(revision: EntryRevision) -> tuple:
    content = revision.model_dump(include={*EntryIn.model_fields, "deleted", "entry_id"})
    content["occurred_at"] = revision.occurred_at.replace(tzinfo=None)
    return tuple(sorted(content.items()))


def reconcile(storage: Path) -> dict[str, str]:
    """Every entry on every device store in ``storage`` is in the unit's store — each of its
    revisions held there with the same content ("stored") — or has a change waiting to be
    sent ("waiting"), or one the service refused, shown with its reason ("unsent"), or was
    given up on purpose ("discarded"). There is no fourth state: an AssertionError names the
    entry. (A device may lag behind changes made elsewhere; it never holds one of its own
    that the unit does not.)"""
    states: dict[str, str] = {}
    server = make_engine(f"sqlite:///{storage / 'server.db'}")
    try:
        for path in sorted(storage.rglob("*.db")):
            if path.name == "server.db":
                continue
            device = make_engine(f"sqlite:///{path}")
            try:
                with Session(device) as here, Session(server) as there:
                    items = here.exec(select(OutboxItem).where(OutboxItem.object_type == "entry"))
                    by_entry: dict[str, list[OutboxItem]] = {}
                    for item in items:
                        by_entry.setdefault(item.object_id, []).append(item)
                    for head in here.exec(select(Entry)):
                        states[head.id] = _state(path, head, by_entry.get(head.id, []), here, there)
            finally:
                device.dispose()
    finally:
        server.dispose()
    return states


def _state(path: Path, head: Entry, items: list[OutboxItem], here: Session, there: Session) -> str:
    if any(i.acked_at is None for i in items):
        return "waiting"
    if any(i.last_error and i.resolved_at is None for i in items):
        return "unsent"
    if any(i.resolution == "discarded" for i in items):
        return "discarded"
    superseded = {i.revision_id for i in items if i.last_error and i.resolved_at is not None}
    revisions = here.exec(select(EntryRevision).where(EntryRevision.entry_id == head.id))
    for revision in revisions:
        if revision.id in superseded:  # refused, then corrected and sent as a later one
            continue
        stored = there.get(EntryRevision, revision.id)
        if stored is None or _content(stored) != _content(revision):
            raise AssertionError(
                f"{path.name}: entry {head.id} (revision {revision.id}) is neither in the "
                "unit's store, nor waiting, nor shown as not sent"
            )
    return "stored"
