"""History: entries by day; edit makes a revision, delete a tombstone, repeat a new entry."""

from conftest import CHECK_ACTION, NIVEA_ID, OFFICER

from app.core.i18n import fmt_date
from app.core.model.clock import to_local
from app.core.reports.generate import DEVICE_ID as GENERATOR
from app.core.store.db import session_scope
from app.core.store.entries import current_entries, entry_history


def stored(engine):
    """Entries in force that this test made (the demo's history comes from the generator)."""
    with session_scope(engine) as session:
        return [e for e in current_entries(session) if e.device_id != GENERATOR]


async def log_check(app, offences: int = 0):
    await app.click(f"log-{CHECK_ACTION}")
    for _ in range(offences):
        await app.click("count-offences-plus")
    await app.click("save")


async def test_history_lists_entries_by_day(app, ui_engine):
    await log_check(app)
    await app.go("/history")
    [entry] = stored(ui_engine)
    text = app.text()
    assert "środa, 18 listopada 2026" in text
    assert "10:00 · Kontrola miejsca" in text
    assert "Plac zabaw Nivea" in text
    assert app.find(f"edit-{entry.entry_id}")


async def test_edit_keeps_the_old_revision(app, ui_engine):
    await log_check(app)
    [entry] = stored(ui_engine)
    await app.go("/history")
    await app.click(f"edit-{entry.entry_id}")
    assert app.get("count-offences").value == "0"
    await app.click("count-offences-plus")
    await app.type_into("note", "Poprawka")
    await app.click("save")
    assert app.view_routes() == ["/history"]
    [edited] = stored(ui_engine)
    assert edited.entry_id == entry.entry_id and edited.offences == 1 and edited.seq == 2
    assert edited.lat == entry.lat and edited.place_id == NIVEA_ID
    with session_scope(ui_engine) as session:
        assert [r.offences for r in entry_history(session, entry.entry_id)] == [0, 1]
    assert "poprawiony" in app.text()


async def test_delete_asks_then_leaves_a_tombstone(app, ui_engine):
    await log_check(app)
    [entry] = stored(ui_engine)
    await app.go("/history")
    await app.click(f"delete-{entry.entry_id}")
    await app.click("cancel-delete")
    assert len(stored(ui_engine)) == 1
    await app.click(f"delete-{entry.entry_id}")
    await app.click("confirm-delete")
    assert stored(ui_engine) == []
    with session_scope(ui_engine) as session:
        assert entry_history(session, entry.entry_id)[-1].deleted
    assert not app.find(f"edit-{entry.entry_id}")  # gone from the list


async def test_repeat_makes_a_new_entry_like_the_old(app, ui_engine):
    await app.click(f"log-{CHECK_ACTION}")
    await app.click("count-offences-plus")
    await app.type_into("note", "Wieczorna kontrola")
    await app.click("save")
    [first] = stored(ui_engine)
    await app.go("/history")
    await app.click(f"repeat-{first.entry_id}")
    assert app.get("note").value == "Wieczorna kontrola"
    assert app.get("count-offences").value == "1"
    await app.click("save")
    entries = stored(ui_engine)
    assert len(entries) == 2 and len({e.entry_id for e in entries}) == 2
    assert all(e.action_id == CHECK_ACTION and e.offences == 1 for e in entries)


async def test_a_refused_plan_change_is_shown_with_its_reason_and_can_be_given_up(
    app_factory, ui_engine
):
    """A plan change the service refused is not reverted in silence: History and the plan
    itself say so, in Polish, with Send again and Give up (which takes the unit's copy)."""
    from conftest import LUBARTOW_PLAN, OFFICER

    from app.core.model import OutboxItem
    from app.core.model.clock import utcnow
    from app.core.store.settings import get_setting, set_setting
    from app.device.sync import local

    with session_scope(ui_engine) as session:
        set_setting(session, local.CURSOR, "812")
        session.add(
            OutboxItem(
                object_type="plan",
                object_id=LUBARTOW_PLAN,
                officer_id=OFFICER,
                acked_at=utcnow(),
                last_error="refused: 403 this plan cannot be edited (status: approved)",
                refusal_code="not_allowed",
            )
        )
    async with app_factory() as h:
        assert h.get("sync-badge").content.controls[1].value == "Nie wysłano: 1"
        await h.go("/history")
        reason = h.get(f"unsent-{LUBARTOW_PLAN}").value
        assert reason.startswith("Nie wysłano (Plan „Plac zabaw Nivea")
        assert reason.endswith("nie masz uprawnień do tej zmiany.")
        await h.go(f"/plan?id={LUBARTOW_PLAN}")
        assert h.get(f"unsent-{LUBARTOW_PLAN}").value == reason
        await h.click(f"discard-{LUBARTOW_PLAN}")
        await h.click("confirm-discard")
        assert "wersja z serwera jednostki wróci" in h.toast("discarded").content.value
        assert not h.find(f"unsent-{LUBARTOW_PLAN}")
    with session_scope(ui_engine) as session:
        assert get_setting(session, local.CURSOR) == "0", "the unit's copy is pulled again"


async def test_saving_an_entry_deleted_meanwhile_says_so_in_polish(app, ui_engine):
    """The store's "entry … was deleted" is for the log; the officer reads Polish."""
    from conftest import OFFICER

    from app.device.ui import services

    await log_check(app)
    [entry] = stored(ui_engine)
    await app.go("/history")
    await app.click(f"edit-{entry.entry_id}")
    assert services.delete(ui_engine, OFFICER, "another-tab", entry.entry_id)
    await app.click("count-offences-plus")
    await app.click("save")
    said = app.toast("error").content.value
    assert said == "Nie zapisano: ten wpis został usunięty."
    assert "was deleted" not in app.text() and "entry" not in said


async def test_undo_twice_restores_once_and_says_so(app, ui_engine):
    await log_check(app)
    [entry] = stored(ui_engine)
    await app.go("/history")
    await app.click(f"delete-{entry.entry_id}")
    await app.click("confirm-delete")
    assert stored(ui_engine) == []
    snackbar = app.toast("deleted")
    await app.trigger(snackbar, "action")
    await app.trigger(snackbar, "action")  # a second Cofnij: no crash, no second revision
    assert len(stored(ui_engine)) == 1
    with session_scope(ui_engine) as session:
        assert [r.deleted for r in entry_history(session, entry.entry_id)] == [False, True, False]
    assert app.toast("restored").content.value == "Ten wpis został już przywrócony."


def newest_first(engine):
    """The officer's entries in force, as History lists them (the demo's end yesterday)."""
    with session_scope(engine) as session:
        return current_entries(session, officer_id=OFFICER)


def listed(app) -> list[str]:
    """The entries History draws, top to bottom."""
    keys = [getattr(c, "key", None) for c in app.walk(app.page.views[-1])]
    return [k.removeprefix("edit-") for k in keys if isinstance(k, str) and k.startswith("edit-")]


async def test_history_draws_the_newest_page_then_older_ones_on_request(app, ui_engine):
    """A screenful first; "Pokaż starsze" adds the next page below, a day cut between two
    pages keeps one heading, and the button goes once everything is drawn."""
    from app.device.ui.services import HISTORY_PAGE

    entries = newest_first(ui_engine)
    mine = [e.entry_id for e in entries]
    assert len(mine) > 2 * HISTORY_PAGE, "the demo's history is longer than two pages"
    await app.go("/history")
    assert listed(app) == mine[:HISTORY_PAGE]
    more = app.get("history-more")
    assert more.content.value == "Pokaż starsze"
    await app.click(more)
    assert listed(app) == mine[: 2 * HISTORY_PAGE]
    while app.find("history-more"):
        await app.click("history-more")
    assert listed(app) == mine
    headings = {fmt_date(to_local(e.occurred_at).date(), "full") for e in entries}
    texts = app.texts(app.page.views[-1])
    assert all(texts.count(h) == 1 for h in headings), "one heading a day"


async def test_a_change_on_an_older_page_keeps_the_pages_drawn(app, ui_engine):
    """Deleting an entry reached with "Pokaż starsze" redraws as many entries as were shown;
    History opened again from its tab starts with the newest page."""
    from app.device.ui.services import HISTORY_PAGE

    mine = [e.entry_id for e in newest_first(ui_engine)]
    await app.go("/history")
    await app.click("history-more")
    victim = mine[HISTORY_PAGE + 1]
    await app.click(f"delete-{victim}")
    await app.click("confirm-delete")
    assert listed(app) == [e for e in mine if e != victim][: 2 * HISTORY_PAGE]
    await app.go("/")
    await app.go("/history")
    assert listed(app) == [e for e in mine if e != victim][:HISTORY_PAGE]


async def test_two_quick_taps_on_show_older_add_one_page(app, ui_engine):
    """The second tap lands while the first page loads: one page is added, nothing twice."""
    import asyncio

    from app.device.ui.services import HISTORY_PAGE

    mine = [e.entry_id for e in newest_first(ui_engine)]
    await app.go("/history")
    more = app.get("history-more")
    await asyncio.gather(app.click(more), app.click(more))
    assert listed(app) == mine[: 2 * HISTORY_PAGE]
