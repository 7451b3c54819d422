"""Nothing lost, nothing hidden, no handler ends the session (in-process, over the harness)."""

from __future__ import annotations

import asyncio

import flet as ft
import pytest
from conftest import CHECK_ACTION, DAY, NIVEA, NOW, OFFICER
from flet.messaging.protocol import MessageAction

from app.core.model import EntryIn, EntryKind, OutboxItem
from app.core.model.clock import fixed_day_clock, to_utc, utcnow
from app.core.reports.generate import DEVICE_ID as GENERATOR
from app.core.store.db import session_scope
from app.core.store.entries import current_entries, entry_history, log_entry
from app.core.sync.schemas import RefusalCode
from app.device.sync.client import Failure, SyncState
from app.device.ui import services


def stored(engine):
    """Entries in force that this test made (the demo's history comes from the generator)."""
    with session_scope(engine) as session:
        return [e for e in current_entries(session) if e.device_id != GENERATOR]


def refuse_latest(engine, code: RefusalCode, reason: str = "400 refused") -> int:
    """What the client records when the service refuses the newest change."""
    with session_scope(engine) as session:
        from sqlmodel import col, select

        item = session.exec(select(OutboxItem).order_by(col(OutboxItem.mutation_id).desc())).first()
        item.acked_at, item.last_error, item.refusal_code = utcnow(), f"refused: {reason}", code
        session.add(item)
        return item.mutation_id


async def test_edit_then_delete_then_back_never_reopens_a_deleted_entry(app, ui_engine):
    await app.click(f"log-{CHECK_ACTION}")
    await app.click("save")
    [entry] = stored(ui_engine)
    await app.go("/history")
    await app.click(f"edit-{entry.entry_id}")
    await app.click("count-offences-plus")
    await app.click("save")  # back on History with "Changes saved" still showing
    await app.click(f"delete-{entry.entry_id}")
    await app.click("cancel-delete")  # closes the dialog itself, not the toast on top
    assert not [d for d in app.dialogs() if isinstance(d, ft.AlertDialog)]
    await app.click(f"delete-{entry.entry_id}")
    confirm = app.get("confirm-delete")
    await app.click(confirm)
    await app.click(confirm)  # a second tap on the closing dialog changes nothing
    assert stored(ui_engine) == []
    with session_scope(ui_engine) as session:
        assert [r.deleted for r in entry_history(session, entry.entry_id)] == [False, False, True]

    await app.go(f"/log?entry={entry.entry_id}")  # Back to the old edit form
    assert app.find("gone") and not app.find("save")
    app.assert_no_crash()


async def test_undo_a_delete_restores_the_entry(app, ui_engine):
    await app.click(f"log-{CHECK_ACTION}")
    await app.click("save")
    [entry] = stored(ui_engine)
    await app.go("/history")
    await app.click(f"delete-{entry.entry_id}")
    await app.click("confirm-delete")
    assert stored(ui_engine) == []
    await app.trigger(app.toast("deleted"), "action")
    [back] = stored(ui_engine)
    assert back.entry_id == entry.entry_id and back.seq == 3 and not back.deleted
    assert app.toast("restored")


async def test_two_toasts_in_a_row_keep_the_session(app):
    """Two saves in a moment (a report, then an export): the client dismisses the first
    snackbar when the second comes; that used to end the session ("Frozen controls")."""
    await app.go("/settings")
    await app.click("save-gps-threshold")
    await app.click("save-gps-threshold")
    snacks = [d for d in app.dialogs() if isinstance(d, ft.SnackBar)]
    assert len(snacks) == 2
    await app.trigger(snacks[0], "dismiss", check_synced=False)
    app.assert_no_crash()
    assert app.toast("gps-saved").open


@pytest.mark.handler_error_expected
async def test_a_failing_handler_ends_in_a_polish_message_not_a_crash(app, caplog):
    await app.go("/settings")

    def boom(_event):
        raise RuntimeError("something unexpected")

    button = app.get("sync-now")
    button.on_click = boom
    await app.session.dispatch_event(button._i, "click", None)
    await app.settle(asyncio.all_tasks())
    crashed = [m for m in app.messages if m.action == MessageAction.SESSION_CRASHED]
    assert not crashed
    assert "Coś poszło nie tak" in app.toast("error").content.value
    assert app.find("server-url")  # the screen is still there
    assert [r.getMessage() for r in caplog.records if r.name == "app.device.ui.app"]


async def test_history_shows_refused_entries_with_the_reason_and_resend(app, ui_engine):
    await app.click(f"log-{CHECK_ACTION}")
    await app.click("save")
    [entry] = stored(ui_engine)
    refuse_latest(ui_engine, RefusalCode.outside_areas)
    await app.go("/history")
    text = app.get(f"unsent-{entry.entry_id}").value
    assert text == "Nie wysłano (ta wersja): plan lub miejsce jest poza Twoimi rejonami."
    assert "Nie wysłano (1)" in app.text()
    await app.go("/")
    assert app.get("sync-badge").content.controls[1].value == "Nie wysłano: 1"
    assert "Serwer nie przyjął zmian: 1" in app.get("sync-detail").value

    await app.go("/history")
    await app.click(f"resend-{entry.entry_id}")
    assert not app.find(f"unsent-{entry.entry_id}")
    with session_scope(ui_engine) as session:
        assert len(services.sync_local.pending_entry_ids(session)) == 1
    assert "czeka na wysłanie" in app.text()


async def test_give_up_is_confirmed_and_recorded(app, ui_engine):
    await app.click(f"log-{CHECK_ACTION}")
    await app.click("save")
    [entry] = stored(ui_engine)
    refuse_latest(ui_engine, RefusalCode.unknown_place)
    await app.go("/history")
    await app.click(f"discard-{entry.entry_id}")
    await app.click("cancel-discard")
    assert app.find(f"unsent-{entry.entry_id}")
    await app.click(f"discard-{entry.entry_id}")
    await app.click("confirm-discard")
    assert stored(ui_engine) == []  # the service never had it: gone here too, on purpose
    with session_scope(ui_engine) as session:
        from sqlmodel import select

        [item] = session.exec(select(OutboxItem)).all()
        assert item.resolution == "discarded" and item.resolved_at is not None
    assert not app.find(f"unsent-{entry.entry_id}") and not app.find(f"entry-{entry.entry_id}")


async def test_a_bad_server_address_is_refused_in_polish(app, ui_engine):
    await app.go("/settings")
    for bad in ("http://exa mple", "localhost:8550", "ftp://rejon.pl", "http://"):
        await app.type_into("server-url", bad)
        await app.click("save-server-url")
        assert app.get("server-url").error.startswith("To nie jest adres serwera")
    await app.type_into("server-url", "https://rejon.example.pl/sync/")
    await app.click("save-server-url")
    assert app.get("server-url").error is None


async def test_the_badge_says_when_sync_failed_and_since_when(app_factory):
    class FailedSync:
        def officer_active(self) -> None:
            """A tap tells the client to hold its next batch; this one sends none."""

        def state(self, _officer_id=None):
            return SyncState(
                pending=0,
                online=False,
                last_success=to_utc(NOW.replace(hour=8, minute=5)),
                last_error="no connection",
                failure=Failure.offline,
            )

    async with app_factory(sync=FailedSync()) as h:
        assert h.get("sync-badge").content.controls[1].value == "Błąd synchronizacji"
        detail = h.get("sync-detail").value
        assert "brak połączenia z serwerem" in detail and "08:05" in detail


async def test_a_demonstration_day_after_the_real_date_saves(app_factory, ui_engine):
    """`rejon run --date` later than today: saving used to fail as "in the future"."""
    from datetime import timedelta

    from conftest import geo_fakes, sign_in
    from flet_harness import FletHarness

    from app.device.ui.app import make_main

    later = (utcnow() + timedelta(days=30)).date()
    sign_in(ui_engine, OFFICER)
    main = make_main(ui_engine, clock=fixed_day_clock(later), sync_factory=lambda _s: None)
    async with FletHarness(main, method_handlers=geo_fakes()) as h:
        await h.click("new-entry")
        await h.wait_for(lambda: "±8 m" in h.get("gps-status").value)  # the playground found
        await h.click("save")
        h.assert_no_crash()
        assert h.toast("saved")
    [entry] = stored(ui_engine)
    assert entry.occurred_at.date() >= later - timedelta(days=1)
    with session_scope(ui_engine) as session:  # and the model's own rule agrees
        log_entry(
            session,
            EntryIn(kind=EntryKind.other, occurred_at=to_utc(fixed_day_clock(later)())),
            officer_id=OFFICER,
            device_id="x",
        )
    assert DAY and NIVEA


async def test_flutters_own_texts_follow_the_apps_language(app):
    """Without a locale the web client says "Back" and "2,000 characters remaining"."""
    assert app.page.locale_configuration.current_locale.language_code == "pl"
    await app.go("/settings")
    await app.click("lang-en")
    assert app.page.locale_configuration.current_locale.language_code == "en"
    await app.click("lang-pl")
    assert app.page.locale_configuration.current_locale.language_code == "pl"
