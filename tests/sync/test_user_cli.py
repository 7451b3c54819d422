"""`rejon user add|list|disable` on a service database."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
from sqlmodel import Session
from typer.testing import CliRunner

from app.cli.main import cli
from app.core.store.db import open_store
from app.core.store.org import officer_by_badge
from app.core.store.versions import init_server_store
from app.server.server import create_app

runner = CliRunner()


async def test_user_commands(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'server.db'}"
    engine = open_store(url)
    init_server_store(engine)  # as `rejon serve` leaves it
    monkeypatch.setenv("REJON_PASSWORD", "haslo-testowe-1")

    add = ["user", "add", "300301", "--name", "asp. Jan Test", "--unit", "KPP w Puławach"]
    added = runner.invoke(cli, [*add, "--area", "7", "--area", "XII", "--db", url])
    assert added.exit_code == 0, added.output
    assert "Added officer 300301" in added.output and "areas: 7, XII" in added.output
    again = runner.invoke(cli, [*add, "--db", url])
    assert again.exit_code == 1 and "already taken" in again.output
    boss = ["user", "add", "300300", "--name", "kom. Ewa Test", "--unit", "KPP w Puławach"]
    assert runner.invoke(cli, [*boss, "--role", "supervisor", "--db", url]).exit_code == 0

    listed = runner.invoke(cli, ["user", "list", "--db", url])
    assert listed.exit_code == 0
    lines = listed.output.splitlines()
    assert any(line.startswith("300301") and "7,XII" in line for line in lines)
    assert any(line.startswith("300300") and "supervisor" in line for line in lines)

    with Session(engine) as session:
        officer = officer_by_badge(session, "300301")
        assert officer.password_hash.startswith("$argon2id$")
        assert officer.server_version is not None  # written outside the API, still versioned

    app = create_app(engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://rejon.test"
    ) as http:
        body = {"badge": "300301", "password": "haslo-testowe-1"}
        login = await http.post("/api/v1/auth/login", json=body)
        assert login.status_code == 200
        token = login.json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert (await http.get("/api/v1/auth/me", headers=headers)).status_code == 200

        disabled = runner.invoke(cli, ["user", "disable", "300301", "--db", url])
        assert disabled.exit_code == 0 and "1 token(s) revoked" in disabled.output
        assert (await http.get("/api/v1/auth/me", headers=headers)).status_code == 401
        assert (await http.post("/api/v1/auth/login", json=body)).status_code == 401
    missing = runner.invoke(cli, ["user", "disable", "999999", "--db", url])
    assert missing.exit_code == 1
    engine.dispose()


async def test_an_officer_added_in_a_fresh_process_is_pulled_at_once(tmp_path):
    """`rejon user add` alone in its process (nothing else imported) still stamps the
    officer's version: a supervisor's phone pulls the new officer without a restart."""
    url = f"sqlite:///{tmp_path / 'server.db'}"
    engine = open_store(url)
    init_server_store(engine)  # as `rejon serve` leaves it
    env = {**os.environ, "REJON_PASSWORD": "haslo-testowe-1"}
    base = [sys.executable, "-m", "app.cli.main", "user", "add"]
    unit = ["--unit", "KPP w Puławach", "--area", "7", "--db", url]
    for badge, role in (("300300", "supervisor"), ("300301", "officer")):
        done = subprocess.run(
            [*base, badge, "--name", f"Test {badge}", "--role", role, *unit],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr

    with Session(engine) as session:
        assert officer_by_badge(session, "300301").server_version is not None

    app = create_app(engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://rejon.test"
    ) as http:
        body = {"badge": "300300", "password": "haslo-testowe-1"}
        token = (await http.post("/api/v1/auth/login", json=body)).json()["access_token"]
        pulled = await http.get("/api/v1/changes", headers={"Authorization": f"Bearer {token}"})
        assert pulled.status_code == 200, pulled.text
        badges = {officer["badge"] for officer in pulled.json()["officers"]}
        assert "300301" in badges
    engine.dispose()
