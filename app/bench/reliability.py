"""Reliability figures of the sync service under hostile and careless use (issue 13).

Starts a real ``rejon serve`` on a free loopback port over a fresh database with the demo
loaded, sends requests of each class and counts what came back: requests tried, answers 5xx,
rows leaked beyond the caller's reach, secrets seen in answers or in the service's log, and,
after ``kill -9`` in the middle of 5,000-entry pushes, entries lost or doubled.

    python -m app.bench.reliability                    # SQLite
    python -m app.bench.reliability --db postgresql    # a new schema in REJON_TEST_PG_URL
    python -m app.bench.reliability --quick            # a tenth of the requests

Nothing here is a test: it prints a Markdown table for the README's "Reliability" section.
"""

from __future__ import annotations

import json
import math
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import typer
from sqlalchemy import func, text
from sqlmodel import Session, col, select

from app.bench.server import free_port, fresh_database
from app.core.demo import DEMO_PASSWORD, half_year, load_demo, place_id
from app.core.model import EntryRevision, Plan
from app.core.model.clock import local_today
from app.core.model.ids import stable_id
from app.core.store.db import open_store

OFFICER, SUPERVISOR, OTHER_OFFICER, OTHER_SUPERVISOR, ADMIN = (
    "100301",
    "100300",
    "200301",
    "200300",
    "999000",
)
BADGES = (OFFICER, SUPERVISOR, OTHER_OFFICER, OTHER_SUPERVISOR, ADMIN)
SECRET = "Sekret-Probe-"
"""Every password the probe sends carries this, so the log and answers can be searched."""
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass
class Tally:
    tried: int = 0
    server_errors: int = 0
    """500s and the like: a crash. 503 (the database is away, retry later) is counted apart."""
    unavailable: int = 0
    findings: list[str] = field(default_factory=list)


class Probe:
    """One ``rejon serve`` (restartable after ``kill -9``) and the counts per request class."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="rejon-serve-", suffix=".log")  # noqa: SIM115
        self.process: subprocess.Popen | None = None
        self.tallies: dict[str, Tally] = {}
        self.answers: list[str] = []
        self.sent_secrets: set[str] = set()
        self.missing_headers = 0

    def start(self) -> None:
        command = [sys.executable, "-c", "from app.cli.main import main; main()", "serve"]
        command += ["--db", self.db_url, "--port", str(self.port)]
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            command, stdout=self.log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("rejon serve did not start")

    def kill9(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(15)

    def tally(self, name: str) -> Tally:
        return self.tallies.setdefault(name, Tally())

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        *,
        token: str | None = None,
        local_address: str | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if token:
            headers["Authorization"] = f"Bearer {token}"
        transport = httpx.HTTPTransport(local_address=local_address) if local_address else None
        tally = self.tally(kind)
        tally.tried += 1  # counted when sent: a request cut by kill -9 has no answer
        with httpx.Client(base_url=self.base, timeout=30, transport=transport) as http:
            response = http.request(method, path, headers=headers, **kwargs)
        if response.status_code == 503:
            tally.unavailable += 1
        elif response.status_code >= 500:
            tally.server_errors += 1
            tally.findings.append(f"{response.status_code} {method} {path}")
        self.answers.append(response.text)
        if response.headers.get("cache-control") != "no-store" or "nosniff" not in str(
            response.headers.get("x-content-type-options")
        ):
            self.missing_headers += 1
        return response

    def token(self, badge: str, address: str = "127.0.0.1") -> str:
        response = self.request(
            "sign-in",
            "POST",
            "/api/v1/auth/login",
            json={"badge": badge, "password": DEMO_PASSWORD},
            local_address=address,
        )
        assert response.status_code == 200, response.text
        token = response.json()["access_token"]
        self.sent_secrets.add(token)
        return token


def current_plan(key: str) -> str:
    return stable_id("plan", key, str(half_year(local_today())[0]))


def content(**overrides: Any) -> dict:
    base = {
        "kind": "place_check",
        "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        "plan_id": current_plan("lubartow"),
        "place_id": place_id("nivea"),
        "lat": 51.4663,
        "lon": 22.6107,
        "accuracy_m": 8.0,
        "persons_legitimised": 1,
        "note": "próba",
    }
    base.update(overrides)
    return base


def mutation(number: int, **fields: Any) -> dict:
    body = {
        "mutation_id": number,
        "type": "entry",
        "entry_id": str(uuid.uuid4()),
        "revision_id": str(uuid.uuid4()),
        "content": content(),
    }
    body.update(fields)
    return body


def stored_revisions(db_url: str, entry_ids: list[str] | None = None) -> tuple[int, int]:
    """(revisions, distinct entries) stored, optionally among ``entry_ids``."""
    engine = open_store(db_url)
    try:
        with Session(engine) as session:
            query = select(func.count(), func.count(func.distinct(EntryRevision.entry_id)))
            if entry_ids is not None:
                found = (0, 0)
                for start in range(0, len(entry_ids), 900):
                    part = entry_ids[start : start + 900]
                    row = session.exec(query.where(col(EntryRevision.entry_id).in_(part))).one()
                    found = (found[0] + row[0], found[1] + row[1])
                return found
            row = session.exec(query).one()
            return int(row[0]), int(row[1])
    finally:
        engine.dispose()


# classes of requests ------------------------------------------------------------------


def access_control(probe: Probe, tokens: dict[str, str]) -> None:
    """Every role against every plan and every other's entries; pulls checked for reach."""
    plans = [current_plan("lubartow"), current_plan("krasnik")]
    for badge, token in tokens.items():
        for plan in plans:
            probe.request("access control", "GET", f"/api/v1/plans/{plan}", token=token)
            other = "krasnik" if plan == plans[1] else "lubartow"
            place = place_id("emeryci") if other == "krasnik" else place_id("nivea")
            body = {
                "client_id": f"ac-{badge}",
                "mutations": [mutation(1, content=content(plan_id=plan, place_id=place))],
            }
            probe.request("access control", "POST", "/api/v1/push", token=token, json=body)
    # the admin logs against Kraśnik: nobody in Lubartów may see Kraśnik's rows in a pull
    admin_entry = {
        "client_id": "ac-admin-2",
        "mutations": [mutation(1, content=content(plan_id=plans[1], place_id=place_id("emeryci")))],
    }
    probe.request("access control", "POST", "/api/v1/push", token=tokens[ADMIN], json=admin_entry)
    for badge in (OFFICER, SUPERVISOR):
        page = probe.request("access control", "GET", "/api/v1/changes", token=tokens[badge]).json()
        leaked = [p["id"] for p in page.get("plans", []) if p["id"] == plans[1]]
        leaked += [o["badge"] for o in page.get("officers", []) if o["badge"].startswith("2003")]
        leaked += [r["plan_id"] for r in page.get("revisions", []) if r["plan_id"] == plans[1]]
        if leaked:
            probe.tally("access control").findings.append(f"{badge} pulled {leaked}")
    for badge in BADGES:  # someone else's entry, edited by every other role
        entry = mutation(1)
        owner = tokens[OFFICER]
        probe.request(
            "access control",
            "POST",
            "/api/v1/push",
            token=owner,
            json={"client_id": f"own-{badge}", "mutations": [entry]},
        )
        edit = mutation(
            2,
            entry_id=entry["entry_id"],
            base_revision_id=entry["revision_id"],
            content=content(plan_id=None, place_id=None),
        )
        probe.request(
            "access control",
            "POST",
            "/api/v1/push",
            token=tokens[badge],
            json={"client_id": f"ed-{badge}", "mutations": [edit]},
        )


def hostile_values(rng: random.Random) -> list[Any]:
    return [
        math.nan,
        math.inf,
        -math.inf,
        "\ud800",
        "a\x00b",
        2**64,
        -(2**63),
        True,
        "3",
        [],
        {},
        None,
        "0001-01-01T00:30:00+01:00",
        "9999-12-31T23:30:00-01:00",
        "2026-02-30T10:00:00Z",
        "x" * 5000,
        rng.uniform(-1e308, 1e308),
    ]


def bad_input(probe: Probe, token: str, rng: random.Random, rounds: int, db_url: str) -> str:
    before, taken = stored_revisions(db_url), 0
    fields = [
        *content(),
        "action_id",
        "gps_poor",
        "leaflets",
        "fines",
        "recorded_at",
        "mutation_id",
        "entry_id",
    ]
    for _ in range(rounds):
        for value in hostile_values(rng):
            name = rng.choice(fields)
            one = mutation(1)
            if name in ("recorded_at", "mutation_id", "entry_id"):
                one[name] = value
            else:
                one["content"][name] = value
            device = f"bad-{uuid.uuid4().hex[:8]}"
            body = json.dumps({"client_id": device, "mutations": [one]}, allow_nan=True)
            answer = probe.request(
                "bad input",
                "POST",
                "/api/v1/push",
                token=token,
                content=body,
                headers={"Content-Type": "application/json"},
            )
            if answer.status_code == 200:  # a value that was fine where it was put
                taken += sum(r["status"] == "applied" for r in answer.json()["results"])
            secret = f"{SECRET}{uuid.uuid4().hex[:8]}"
            probe.sent_secrets.add(secret)
            password = f"{value}{secret}" if isinstance(value, str) else secret
            login = json.dumps(
                {"badge": rng.choice([*BADGES, "x\ud800"]), "password": password, "extra": value},
                allow_nan=True,
            )
            probe.request(
                "bad input",
                "POST",
                "/api/v1/auth/login",
                content=login,
                headers={"Content-Type": "application/json"},
                local_address=f"127.0.{rng.randint(10, 250)}.{rng.randint(1, 250)}",
            )
    stored = stored_revisions(db_url)[0] - before[0]
    if stored != taken:
        probe.tally("bad input").findings.append(f"{stored - taken} refused entries stored")
    return f"{taken} acknowledged (a harmless value), {stored - taken} refused ones stored"


def replays(probe: Probe, token: str, db_url: str) -> tuple[int, int]:
    batch = [mutation(number) for number in range(1, 51)]
    body = {"client_id": "replay", "mutations": batch}
    for _ in range(5):
        probe.request("replays", "POST", "/api/v1/push", token=token, json=body)
    for one in batch:  # each alone, again
        probe.request(
            "replays",
            "POST",
            "/api/v1/push",
            token=token,
            json={"client_id": "replay", "mutations": [one]},
        )
    revisions, entries = stored_revisions(db_url, [m["entry_id"] for m in batch])
    return 50 - entries, revisions - entries


def killed_pushes(
    probe: Probe, token: str, db_url: str, total: int, kills: int, rng: random.Random
) -> tuple[int, int, int]:
    """``total`` entries in batches of 500, the service killed with SIGKILL ``kills`` times in
    the middle of a push and restarted; each batch is sent again until acknowledged."""
    batches = [[mutation(start + i) for i in range(1, 501)] for start in range(0, total, 500)]
    planned = sorted(rng.sample(range(len(batches)), min(kills, len(batches))))
    killed = 0
    for number, batch in enumerate(batches):
        body = {"client_id": "killed", "mutations": batch}
        if number in planned:
            timer = threading.Timer(rng.uniform(0.01, 0.3), probe.kill9)
            timer.start()
            with suppress(httpx.HTTPError):  # the answer may never come: that is the point
                probe.request("kill -9 mid-push", "POST", "/api/v1/push", token=token, json=body)
            timer.join()
            killed += 1
            probe.start()
        while True:
            try:
                if (
                    probe.request(
                        "kill -9 mid-push", "POST", "/api/v1/push", token=token, json=body
                    ).status_code
                    == 200
                ):
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
    ids = [m["entry_id"] for batch in batches for m in batch]
    revisions, entries = stored_revisions(db_url, ids)
    return killed, len(ids) - entries, revisions - entries


def outage(probe: Probe, token: str, db_url: str, rounds: int) -> str:
    """PostgreSQL: every connection of the service cut while requests run (SQLite: none)."""
    if not db_url.startswith("postgresql"):
        return "not run on SQLite (a file cannot be taken away from a running process)"
    engine = open_store(db_url)
    cut = text(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    without_retry = 0
    try:
        for number in range(rounds):
            with engine.begin() as conn:
                conn.execute(cut)
            for method, path, kwargs in (
                ("GET", "/healthz", {}),
                (
                    "POST",
                    "/api/v1/push",
                    {"json": {"client_id": "outage", "mutations": [mutation(number + 1)]}},
                ),
                ("GET", "/api/v1/changes", {}),
            ):
                response = probe.request("database outage", method, path, token=token, **kwargs)
                if response.status_code == 503 and not response.headers.get("retry-after"):
                    without_retry += 1
    finally:
        engine.dispose()
    return f"503 without Retry-After: {without_retry}"


def brute_force(probe: Probe, attempts: int) -> str:
    guesser, officer = "127.0.0.2", "127.0.0.3"
    token = probe.token(OFFICER, officer)
    statuses = []
    for _ in range(attempts):
        secret = f"{SECRET}{uuid.uuid4().hex[:8]}"
        probe.sent_secrets.add(secret)
        body = {"badge": OFFICER, "password": secret}
        statuses.append(
            probe.request(
                "sign-in brute force",
                "POST",
                "/api/v1/auth/login",
                json=body,
                local_address=guesser,
            ).status_code
        )
        spoofed = probe.request(
            "sign-in brute force",
            "POST",
            "/api/v1/auth/login",
            json=body,
            local_address=guesser,
            headers={"X-Forwarded-For": officer},
        )
        statuses.append(spoofed.status_code)
    own = probe.request(
        "sign-in brute force",
        "POST",
        "/api/v1/auth/login",
        json={"badge": OFFICER, "password": DEMO_PASSWORD},
        local_address=officer,
    )
    session = probe.request("sign-in brute force", "GET", "/api/v1/auth/me", token=token)
    refused = sum(1 for s in statuses if s == 429)
    return (
        f"guesser refused {refused}/{len(statuses)}; officer from own address "
        f"{own.status_code}; existing session {session.status_code}"
    )


def fuzz(probe: Probe, token: str, examples: int) -> str:
    """schemathesis against the live /openapi.json with every check, both generation modes."""
    try:
        import schemathesis
        from schemathesis import GenerationMode
        from schemathesis.checks import load_all_checks
        from schemathesis.config import PositiveDataAcceptanceConfig
    except ImportError:
        return "schemathesis not installed (pip install -e '.[test]')"
    load_all_checks()
    schema = schemathesis.openapi.from_url(f"{probe.base}/openapi.json")
    schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
        expected_statuses=["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]
    )
    failures: list[str] = []
    nothing_to_spoil: list[str] = []
    tally = probe.tally("schemathesis (all checks)")
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.label.endswith("/logout"):
                continue  # it would revoke the probe's token

            try:
                _fuzz_operation(operation, mode, examples, token, tally, failures)
            except Exception as exc:  # hypothesis found nothing to generate (no parameters)
                if "Unsatisfiable" in type(exc).__name__ and mode is GenerationMode.NEGATIVE:
                    nothing_to_spoil.append(operation.label)
                else:
                    failures.append(f"{operation.label}: {type(exc).__name__}")
    tally.findings.extend(failures)
    return (
        f"{len(failures)} check failures; {len(nothing_to_spoil)} operations without "
        "parameters have no negative cases"
    )


def _fuzz_operation(
    operation: Any, mode: Any, examples: int, token: str, tally: Tally, failures: list[str]
) -> None:
    from hypothesis import HealthCheck, given, settings
    from schemathesis import GenerationMode
    from schemathesis.checks import CHECKS

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        spoilt = case.meta is not None and any(
            location.value == "header" and info.mode is GenerationMode.NEGATIVE
            for location, info in case.meta.components.items()
        )
        headers = None if spoilt else {"Authorization": f"Bearer {token}"}
        response = case.call(headers=headers)
        tally.tried += 1
        if response.status_code == 503:
            tally.unavailable += 1
        elif response.status_code >= 500:
            tally.server_errors += 1
        try:
            case.validate_response(response, checks=CHECKS.get_all(), headers=headers)
        except Exception as exc:  # a failed check: counted, the run goes on
            failures.append(f"{operation.label}: {str(exc).splitlines()[0][:120]}")

    run()


@contextmanager
def database(kind: str, pg_url: str) -> Iterator[str]:
    with fresh_database(kind, pg_url) as url:
        engine = open_store(url)
        with Session(engine) as session:
            load_demo(session)
            session.commit()
            assert session.exec(select(Plan)).first() is not None
        engine.dispose()
        yield url


def main(
    db: str = typer.Option("sqlite", help="sqlite or postgresql"),
    pg_url: str = typer.Option(
        os.environ.get("REJON_TEST_PG_URL", DEFAULT_PG), help="PostgreSQL for --db postgresql"
    ),
    quick: bool = typer.Option(False, help="A tenth of the requests."),
    seed: int = typer.Option(13, help="Seed of the random choices."),
) -> None:
    rng = random.Random(seed)
    scale = 10 if quick else 1
    with database(db, pg_url) as url:
        probe = Probe(url)
        probe.start()
        notes: dict[str, str] = {}
        try:
            tokens = {badge: probe.token(badge) for badge in BADGES}
            steps: list[tuple[str, Callable[[], Any]]] = [
                ("access control", lambda: access_control(probe, tokens)),
                (
                    "bad input",
                    lambda: bad_input(probe, tokens[OFFICER], rng, max(1, 20 // scale), url),
                ),
                ("replays", lambda: replays(probe, tokens[OFFICER], url)),
                (
                    "kill -9 mid-push",
                    lambda: killed_pushes(
                        probe, tokens[OFFICER], url, 5000 // scale, max(1, 5 // scale), rng
                    ),
                ),
                (
                    "database outage",
                    lambda: outage(probe, tokens[OFFICER], url, max(2, 20 // scale)),
                ),
                ("sign-in brute force", lambda: brute_force(probe, max(3, 30 // scale))),
                (
                    "schemathesis (all checks)",
                    lambda: fuzz(probe, tokens[OFFICER], max(3, 25 // scale)),
                ),
            ]
            for name, step in steps:
                started = time.monotonic()
                result = step()
                if name == "replays":
                    result = f"lost {result[0]}, doubled {result[1]}"
                elif name == "kill -9 mid-push":
                    result = f"{result[0]} kills; entries lost {result[1]}, doubled {result[2]}"
                notes[name] = f"{result or ''}".strip()
                typer.echo(f"… {name}: {time.monotonic() - started:.1f} s", err=True)
        finally:
            probe.stop()
        probe.log.seek(0)
        log_text = probe.log.read().decode("utf-8", "replace")
    answers = "\n".join(probe.answers)
    leaked_log = sum(1 for s in probe.sent_secrets if s in log_text)
    leaked_answers = sum(1 for s in probe.sent_secrets if s.startswith(SECRET) and s in answers)
    typer.echo(
        f"\nDatabase: {db}. Secrets sent: {len(probe.sent_secrets)}; found in the log: "
        f"{leaked_log}; passwords echoed in answers: {leaked_answers}; answers without "
        f"no-store/nosniff: {probe.missing_headers}.\n"
    )
    typer.echo("| class | requests | 5xx other than 503 | 503 (retry) | findings |")
    typer.echo("|---|---|---|---|---|")
    for name, tally in probe.tallies.items():
        extra = "; ".join([notes.get(name, ""), *tally.findings[:3]]).strip("; ")
        counts = f"{tally.tried} | {tally.server_errors} | {tally.unavailable}"
        typer.echo(f"| {name} | {counts} | {extra or '—'} |")
    for name, note in notes.items():
        if name not in probe.tallies:
            typer.echo(f"| {name} | 0 | — | — | {note} |")
    total = sum(t.tried for t in probe.tallies.values())
    errors = sum(t.server_errors for t in probe.tallies.values())
    unavailable = sum(t.unavailable for t in probe.tallies.values())
    typer.echo(f"| **all** | **{total}** | **{errors}** | **{unavailable}** | |")


if __name__ == "__main__":
    typer.run(main)
