"""Shared pieces of the real-browser tests: `rejon run` on a free port, Debian's Chromium,
a phone-sized page, signing in through the form, screenshots."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from app.plans.demo import PLACES

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
DAY = "2026-11-18"
NIVEA = PLACES["nivea"]
PASSWORD = "rejon-demo"
TIMEOUT = 20_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def rejon_run(storage: Path, *args: str) -> Iterator[str]:
    """`rejon run` on a free port over ``storage`` (the demo in its service), on a fixed day."""
    port = free_port()
    env = dict(os.environ, REJON_STORAGE_DIR=str(storage))
    for name in ("DISPLAY", "REJON_DATABASE_URL", "REJON_SERVER_DATABASE_URL"):
        env.pop(name, None)
    log_path = storage / "server.log"
    command = [sys.executable, "-c", "from app.cli import main; main()", "run"]
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [*command, "--port", str(port), "--date", DAY, *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"rejon run did not start:\n{log_path.read_text()}")
            time.sleep(0.2)
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


def sign_in(page: Page, badge: str, password: str = PASSWORD) -> None:
    """Through the form, as a person would; ends on Today."""
    expect(page.get_by_role("button", name="Zaloguj")).to_be_attached(timeout=TIMEOUT)
    type_into(page, "Numer służbowy", badge)
    type_into(page, "Hasło", password)
    page.get_by_role("button", name="Zaloguj").click()
    expect(page.get_by_role("button", name="Nowy wpis")).to_be_attached(timeout=TIMEOUT)


def type_into(page: Page, label: str, text: str) -> None:
    """Focus a text field and type, once Flutter's editing element holds the focus.

    Right after a page (re)loads, Flutter may still be moving its editing element and drop the
    first keystrokes: the field is cleared and typed again until it holds the text."""
    field = page.get_by_label(label)
    for _ in range(4):
        field.click()
        page.wait_for_timeout(300)
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        page.keyboard.type(text)
        page.wait_for_timeout(200)
        if field.input_value() == text:
            return
    expect(field).to_have_value(text, timeout=TIMEOUT)


def shown(page: Page, text: str) -> None:
    """``text`` is on screen: as a text node, or as the label of a group (a snackbar)."""
    target = page.get_by_text(text, exact=True).or_(page.get_by_label(text, exact=True))
    expect(target.first).to_be_attached(timeout=TIMEOUT)


def shot(page: Page, name: str) -> None:
    """Let the canvas catch up with the accessibility tree, then keep a screenshot."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    assert page.get_by_text("Unknown control").count() == 0, f"{name}: a control is missing"
