"""What an officer feels, measured in Chromium at 412×915 beside a minimal Flet app of ours.

A real ``rejon run`` (fresh storage, the demo in its service) and the reference
(``app.bench.flet_reference``: a button opening a view with eight fields, a Save going back
with a snackbar, three tabs) are served on loopback, both without a CDN. Debian's Chromium
(Playwright) opens each as a new user would, alternating between the two, so both see the
same machine at the same moment:

- *first frame*: navigation start → Flutter's ``flutter-first-frame`` event;
- *sign-in → Today*: a new device's first sign-in (through the service, the officer's data
  pulled) until Today's "Nowy wpis" is on screen;
- *tap "Odnotuj" → log form*, *"Zapisz" → "Zapisano"*, *Today → History*, *History → Plan*.

A tap is timed inside the page: ``performance.now()`` just before the click is dispatched on
the accessibility element, and again when a ``MutationObserver`` sees the awaited element in
Flutter's accessibility tree (which Flutter writes in the frame that draws it). Playwright's
own waits poll at 100 ms steps and are used only between timed taps.

The second series repeats the officer's taps with 10,000 entries stored on the device (two
years of logging, linked to the plan in force so Today and the progress read them) and 1,000
of them waiting to be sent: the device's sync rounds push them while the taps are timed.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from app.bench.server import free_port
from app.bench.timing import Figure, Stats
from app.bench.web import rejon_run
from app.core.demo import DEMO_PASSWORD, PLACES
from app.core.model.ids import stable_id

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
BADGE = "100301"
WAIT_MS = 180_000
"""Generous: two shared cores, Chromium and two servers on them."""

INIT_SCRIPT = """
window.addEventListener('flutter-first-frame', () => { window.__ff = performance.now(); });
window.__benchFind = (spec) => {
  const host = document.querySelector('flt-semantics-host');
  if (!host) return null;
  for (const el of host.querySelectorAll(spec.css || '*')) {
    if (el.dataset.benchSeen) continue;
    const label = (el.getAttribute('aria-label') || '').trim();
    let own = '';
    for (const node of el.childNodes) if (node.nodeType === 3) own += node.nodeValue;
    own = own.trim();
    const hit = (s) => (spec.prefix ? s.startsWith(spec.text) : s === spec.text);
    if (hit(label) || hit(own)) return el;
  }
  return null;
};
window.__benchQuiet = (quietMs, timeout) => new Promise((resolve) => {
  // the page has settled: no change in the accessibility tree for quietMs (or timeout)
  let timer = null;
  const observer = new MutationObserver(() => {
    clearTimeout(timer);
    timer = setTimeout(done, quietMs);
  });
  const done = () => { observer.disconnect(); clearTimeout(limit); resolve(); };
  const limit = setTimeout(done, timeout);
  observer.observe(document.body, {
    subtree: true, childList: true, characterData: true, attributes: true,
  });
  timer = setTimeout(done, quietMs);
});
window.__benchTap = (el, spec, timeout) => new Promise((resolve, reject) => {
  // what already matches (a snackbar still up, a form still closing) does not count
  for (let old = window.__benchFind(spec); old; old = window.__benchFind(spec)) {
    old.dataset.benchSeen = '1';
  }
  const target = el.matches('[flt-tappable]') ? el : (el.querySelector('[flt-tappable]') || el);
  let timer = null;
  const observer = new MutationObserver(() => {
    if (window.__benchFind(spec)) {
      const elapsed = performance.now() - start;
      observer.disconnect();
      clearTimeout(timer);
      resolve(elapsed);
    }
  });
  observer.observe(document.body, {
    subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: ['aria-label'],
  });
  timer = setTimeout(() => { observer.disconnect(); reject(new Error('not shown')); }, timeout);
  const start = performance.now();
  target.click();
});
"""


@dataclass(frozen=True)
class Awaited:
    """What shows that a tap has been answered: an accessibility element's text or label."""

    text: str
    css: str = "*"
    prefix: bool = False

    def js(self) -> dict[str, object]:
        return {"text": self.text, "css": self.css, "prefix": self.prefix}


@dataclass
class Series:
    """Samples in seconds, by step."""

    samples: dict[str, list[float]] = field(default_factory=dict)

    def add(self, step: str, seconds: float) -> None:
        self.samples.setdefault(step, []).append(seconds)

    def stats(self, step: str) -> Stats:
        return Stats.of(self.samples[step])


QUIET_MS = 300
"""Before a timed tap the page is left to settle (not timed): no change on screen for this
long, so one step's follow-up work (a redraw after a confirmation, a GPS fix) is not timed as
the next step's, and the element tapped is the one on screen."""


def tap(page: Page, target: Locator, awaited: Awaited) -> float:
    """Click ``target`` inside the page; seconds until ``awaited`` is in the accessibility tree."""
    page.evaluate("([quiet, timeout]) => window.__benchQuiet(quiet, timeout)", [QUIET_MS, 30_000])
    handle = target.element_handle(timeout=WAIT_MS)
    elapsed_ms = page.evaluate(
        "([el, spec, timeout]) => window.__benchTap(el, spec, timeout)",
        [handle, awaited.js(), WAIT_MS],
    )
    return float(elapsed_ms) / 1000


def open_fresh(browser: Browser, url: str) -> tuple[Page, float]:
    """A new browser profile (a new device) at phone size; the page and its first frame (s)."""
    page = browser.new_context(
        viewport={"width": 412, "height": 915},
        locale="pl-PL",
        geolocation={"latitude": PLACES["nivea"].lat, "longitude": PLACES["nivea"].lon},
        permissions=["geolocation"],
    ).new_page()
    page.add_init_script(INIT_SCRIPT)
    page.goto(url)
    page.wait_for_function("window.__ff !== undefined", timeout=WAIT_MS)
    first_frame = float(page.evaluate("window.__ff")) / 1000
    page.locator("flt-semantics-placeholder").dispatch_event("click")
    return page, first_frame


EDITING = """() => {
  const e = document.activeElement;
  return !!e && (e.tagName === 'INPUT' || e.tagName === 'TEXTAREA');
}"""
"""Whether Flutter's editing element (an input or a textarea) holds the keyboard focus."""


def steady(page: Page, target: Locator, attempts: int = 20) -> None:
    """Wait until ``target`` stays where it is (a scroll or a redraw has come to rest): a click
    computed while the page still moves lands on whatever moved under it."""
    box = target.bounding_box()
    for _ in range(attempts):
        page.wait_for_timeout(150)
        now = target.bounding_box()
        if now == box:
            return
        box = now


def type_into(page: Page, field: str | Locator, text: str, timeout_ms: float = WAIT_MS) -> None:
    """Type into a field (its label, or the field itself) once Flutter's editing element holds
    the focus (not timed).

    Right after a page (re)loads, Flutter may still be moving its editing element and drop the
    first keystrokes: the field is cleared and typed again until it holds the text."""
    from playwright.sync_api import expect

    field_ = page.get_by_label(field, exact=True) if isinstance(field, str) else field
    for _ in range(5):
        steady(page, field_)
        field_.click()
        page.wait_for_timeout(300)
        if not page.evaluate(EDITING):  # the click only moved the focus: typing now would
            continue  # press whatever holds it (a space "clicks" a focused button)
        if not field_.evaluate("el => el === document.activeElement"):
            continue  # another field took the click (the page moved): never type over it
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        page.keyboard.type(text)
        page.wait_for_timeout(200)
        if field_.input_value() == text:
            return
    expect(field_).to_have_value(text, timeout=timeout_ms)


def attached(locator: Locator) -> None:
    locator.first.wait_for(state="attached", timeout=WAIT_MS)


TODAY = Awaited("Nowy wpis", css="[role=button]")


def officer_taps(page: Page, series: Series) -> None:
    """Odnotuj → Zapisz → History → Plan, then back to Today (not timed)."""
    series.add(
        "form",
        tap(
            page,
            page.locator('[flt-semantics-identifier^="log-"]').first,
            Awaited("Zapisz", css="[role=button]"),
        ),
    )
    attached(page.get_by_text("Dokładność GPS", exact=False))  # the fix is in: the form settled
    series.add(
        "save",
        tap(page, page.get_by_role("button", name="Zapisz"), Awaited("Zapisano", prefix=True)),
    )
    series.add(
        "history",
        tap(page, page.get_by_role("tab", name="Historia"), Awaited("Historia", css="h2")),
    )
    series.add("plan", tap(page, page.get_by_role("tab", name="Plan"), Awaited("Plan", css="h2")))
    tap(page, page.get_by_role("tab", name="Dziś"), TODAY)


def reference_taps(page: Page, series: Series) -> None:
    """The same navigation in the reference app."""
    series.add(
        "form",
        tap(
            page,
            page.get_by_role("button", name="Otwórz formularz"),
            Awaited("Zapisz formularz", css="[role=button]"),
        ),
    )
    series.add(
        "save",
        tap(
            page,
            page.get_by_role("button", name="Zapisz formularz"),
            Awaited("Zapisano", prefix=True),
        ),
    )
    series.add(
        "history", tap(page, page.get_by_role("tab", name="Lista"), Awaited("Lista", css="h2"))
    )
    series.add("plan", tap(page, page.get_by_role("tab", name="Plan"), Awaited("Plan", css="h2")))
    tap(
        page,
        page.get_by_role("tab", name="Start"),
        Awaited("Otwórz formularz", css="[role=button]"),
    )


def officer_visit(browser: Browser, url: str, series: Series, cycles: int) -> Page:
    """A new user: first frame, first sign-in, ``cycles`` rounds of taps. The page stays open."""
    page, first_frame = open_fresh(browser, url)
    series.add("first_frame", first_frame)
    attached(page.get_by_role("button", name="Zaloguj"))
    type_into(page, "Numer służbowy", BADGE)
    type_into(page, "Hasło", DEMO_PASSWORD)
    series.add("sign_in", tap(page, page.get_by_role("button", name="Zaloguj"), TODAY))
    for _ in range(cycles):
        officer_taps(page, series)
    return page


def reference_visit(browser: Browser, url: str, series: Series, cycles: int) -> None:
    page, first_frame = open_fresh(browser, url)
    series.add("first_frame", first_frame)
    attached(page.get_by_role("button", name="Otwórz formularz"))
    for _ in range(cycles):
        reference_taps(page, series)
    page.context.close()


@contextlib.contextmanager
def reference_server() -> Iterator[str]:
    """The minimal Flet app on a free loopback port (a subprocess, as ``rejon run`` is)."""
    port = free_port()
    command = [sys.executable, "-m", "app.bench.flet_reference", str(port)]
    env = dict(os.environ, FLET_WEB_NO_CDN="true", PYTHONUNBUFFERED="1")
    url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.monotonic() + 60
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(url, timeout=1).status_code == 200:
                        break
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"the reference did not start:\n{log.read().decode()}")
                time.sleep(0.2)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # a bench extra, like the tests'
        raise RuntimeError(
            "the browser benchmark needs playwright: pip install -e '.[test]'"
        ) from exc
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} not found: apt-get install -y chromium (or set CHROMIUM)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
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
        try:
            yield browser
        finally:
            browser.close()


def stock_device(storage: Path, known: set[Path], stored: int, waiting: int) -> None:
    """``stored`` entries in the plan in force on the device created since ``known``, the last
    ``waiting`` of them queued to be sent (the device's next sync round pushes them)."""
    from sqlalchemy import insert

    from app.bench.data import bulk_insert_entries, entry_rows
    from app.bench.local import current_half
    from app.core.model import OutboxItem
    from app.core.store.db import make_engine

    (path,) = set((storage / "devices").glob("*.db")) - known
    plan_id = stable_id("plan", "lubartow", current_half())
    end = datetime.now(UTC) - timedelta(hours=2)
    heads, revisions = entry_rows(
        stored,
        officer_id=stable_id("officer", BADGE),
        plan_id=plan_id,
        start=end - timedelta(days=730),  # two years of an officer's logging, 14 a day
        end=end,
        device_id="bench-browser",
    )
    newest_last = sorted(revisions, key=lambda r: r["occurred_at"])  # the newest wait: in the plan
    engine = make_engine(f"sqlite:///{path}")
    try:
        bulk_insert_entries(engine, heads, revisions)
        with engine.begin() as conn:
            conn.execute(
                insert(OutboxItem.__table__),
                [
                    {"object_type": "entry", "object_id": r["entry_id"], "revision_id": r["id"]}
                    for r in newest_last[-waiting:]
                ],
            )
    finally:
        engine.dispose()


STEPS = (
    ("first_frame", "first frame (navigation → Flutter's first frame)", "first frame"),
    ("sign_in", "first sign-in → Today (through the service, data pulled)", "tap → view"),
    ("form", 'tap "Odnotuj" → log form', "tap → view with 8 fields"),
    ("save", '"Zapisz" → "Zapisano"', "Save → back + snackbar"),
    ("history", "tab Today → History", "tab → tab"),
    ("plan", "tab History → Plan", "tab → tab"),
)
TARGETS = {"form": 1.5, "save": 1.5}
"""Issue 17: the two taps of a routine check within 1.5× of Flet itself at p95."""


def _figures(ours: Series, reference: Series, suffix: str = "") -> list[Figure]:
    figures = []
    for step, title, reference_title in STEPS:
        if step not in ours.samples:
            continue
        stats = ours.stats(step)
        against = "form" if step == "sign_in" else step
        base = reference.stats(against)
        ratio = stats.p95 / base.p95
        limit = TARGETS.get(step)
        figures.append(
            Figure(
                f"browser: {title}{suffix}",
                stats,
                value=f"(n={stats.samples}; minimal Flet {reference_title}: "
                f"median {base.median * 1e3:.0f}, p95 {base.p95 * 1e3:.0f} ms)",
                ratio=ratio,
                ratio_label="of minimal Flet at p95",
                target=f"≤ {limit}× at p95" if limit else "",
                met=ratio <= limit if limit else None,
                high="p95",
            )
        )
    return figures


def browser_figures(visits: int = 20, cycles: int = 1, stocked_taps: int = 20) -> list[Figure]:
    """``visits`` new users of each app, alternating, each doing ``cycles`` rounds of taps;
    then ``stocked_taps`` rounds on a device holding 10,000 entries (1,000 being sent)."""
    ours, reference, stocked, stocked_reference = Series(), Series(), Series(), Series()
    with (
        tempfile.TemporaryDirectory() as folder,
        rejon_run(Path(folder)) as (base, _process),
        reference_server() as reference_url,
        chromium() as browser,
    ):
        url = f"{base}/"
        # warm-up, not counted: the servers' first imports and drawings, Chromium's caches
        officer_visit(browser, url, Series(), 1).context.close()
        reference_visit(browser, reference_url, Series(), 1)
        for _ in range(visits):
            reference_visit(browser, reference_url, reference, cycles)
            officer_visit(browser, url, ours, cycles).context.close()
        storage = Path(folder)
        known = set((storage / "devices").glob("*.db"))
        page = officer_visit(browser, url, Series(), 0)
        stock_device(storage, known, 10_000, 1_000)
        reference_page, _ = open_fresh(browser, reference_url)
        attached(reference_page.get_by_role("button", name="Otwórz formularz"))
        for _ in range(stocked_taps):
            reference_taps(reference_page, stocked_reference)
            officer_taps(page, stocked)
        page.context.close()
        reference_page.context.close()
    return [
        *_figures(ours, reference),
        *_figures(stocked, stocked_reference, ", 10k stored, sync running"),
    ]
