"""`rejon run`'s one process (app + sync service), the CLI command, and the translations."""

from pathlib import Path

import httpx
from babel.messages.extract import extract_from_dir
from typer.testing import CliRunner

from app.cli.main import cli
from app.cli.run import build_asgi
from app.core.i18n import gettext

UI = Path(__file__).resolve().parents[2] / "app" / "device" / "ui"


async def test_run_serves_the_app_and_the_sync_service_in_one_process(tmp_path):
    asgi, sync_url, devices = build_asgi(
        host="0.0.0.0",
        port=9,
        today=None,
        storage=tmp_path,
        server_db_url=f"sqlite:///{tmp_path / 'server.db'}",
    )
    assert sync_url == "http://127.0.0.1:9/sync", "devices reach the service on this host"
    assert devices.folder == tmp_path / "devices" and devices.lock_minutes == 15
    transport = httpx.ASGITransport(app=asgi)
    async with httpx.AsyncClient(transport=transport, base_url="http://rejon") as client:
        page = await client.get("/")
        assert page.status_code == 200 and "flutter" in page.text.lower()
        # skwasm on the page's own thread: not cross-origin isolated, so no rendering worker
        assert 'flet.webRenderer="skwasm"' in page.text
        assert "cross-origin-embedder-policy" not in page.headers
        assert page.headers["cross-origin-opener-policy"] == "same-origin"
        assert (await client.get("/icon.png")).headers["content-type"] == "image/png"
        assert (await client.get("/sync/healthz")).json()["status"] == "ok"
        login = await client.post(
            "/sync/api/v1/auth/login",
            json={"badge": "100301", "password": "rejon-demo", "client_id": "test-device"},
        )
        assert login.status_code == 200, "the embedded service holds the demo accounts"
    assert (tmp_path / "server.db").exists()
    assert not (tmp_path / "rejon.db").exists(), "no device store shared by every browser"


def test_run_is_a_cli_command_with_a_checked_date():
    runner = CliRunner()
    assert "run" in runner.invoke(cli, ["--help"]).output
    bad = runner.invoke(cli, ["run", "--date", "18.11.2026"])
    assert bad.exit_code == 2 and "not a date" in bad.output
    for minutes in ("0", "300"):
        bad = runner.invoke(cli, ["run", "--idle-lock", minutes])
        assert bad.exit_code == 2 and "--idle-lock" in bad.output
    assert "--idle-lock" in runner.invoke(cli, ["run", "--help"]).output


def test_every_screen_text_has_a_polish_translation():
    messages = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            UI, method_map=[("**.py", "python")], keywords={"_": None, "N_": None}
        )
    }
    assert len(messages) > 150
    untranslated = sorted(m for m in messages if gettext(m, "ui", "pl") == m and m[:1].isalpha())
    # a few strings read the same in both languages
    assert set(untranslated) <= {"Plan", "GPS", "Offline ({count})"}, untranslated
