"""Quick log: two taps from Today, GPS never blocking, poor fixes marked, Undo."""

import flet as ft
from conftest import CHECK_ACTION, DAY, LUBARTOW_PLAN, NIVEA, NIVEA_ID, geo_denied, geo_fakes

from app.core.demo import place_id
from app.core.i18n import fmt_number, set_language
from app.core.model import MAX_COUNT, EntryKind
from app.core.model.ids import stable_id
from app.core.plans.progress import plan_progress
from app.core.reports.generate import DEVICE_ID as GENERATOR
from app.core.store.db import session_scope
from app.core.store.entries import current_entries, entry_history
from app.core.store.places import list_places
from app.device.ui import log

KRASNIK_OFFICER = stable_id("officer", "200301")


def stored(engine):
    """Entries in force that this test made (the demo's history comes from the generator)."""
    with session_scope(engine) as session:
        return [e for e in current_entries(session) if e.device_id != GENERATOR]


async def test_a_nivea_check_takes_two_taps(app, ui_engine):
    await app.click(f"log-{CHECK_ACTION}")  # tap 1
    assert app.view_routes() == ["/", "/log"]
    assert app.page.route == f"/log?action={CHECK_ACTION}&plan={LUBARTOW_PLAN}"
    await app.wait_for(lambda: "Dokładność GPS ±8 m" in app.get("gps-status").value)
    await app.click("save")  # tap 2
    [entry] = stored(ui_engine)
    assert entry.kind == "place_check"
    assert (entry.action_id, entry.plan_id, entry.place_id) == (
        CHECK_ACTION,
        LUBARTOW_PLAN,
        NIVEA_ID,
    )
    assert (entry.lat, entry.lon, entry.accuracy_m, entry.gps_poor) == (
        NIVEA.lat,
        NIVEA.lon,
        8.0,
        False,
    )
    assert app.view_routes() == ["/"]
    assert app.get(f"status-{CHECK_ACTION}").content.value == "Zrobione"
    snack = app.toast("saved")
    assert snack.open and snack.action == "Cofnij"
    assert "Zapisano: Kontrola miejsca" in snack.content.value
    assert app.get("sync-badge").content.controls[1].value == "Czeka: 1"


async def test_undo_removes_the_entry_with_a_tombstone(app, ui_engine):
    await app.click(f"log-{CHECK_ACTION}")
    await app.click("save")
    [entry] = stored(ui_engine)
    await app.trigger(app.toast("saved"), "action")
    assert stored(ui_engine) == []
    with session_scope(ui_engine) as session:
        history = entry_history(session, entry.entry_id)
    assert [r.deleted for r in history] == [False, True]
    assert app.get(f"status-{CHECK_ACTION}").content.value == "Do zrobienia"
    assert app.find("undone")


async def test_saving_never_waits_for_gps(app_factory, ui_engine):
    never = {"Geolocator.get_permission_status": lambda c, a: _forever()}
    async with app_factory(geo=never) as h:
        await h.click(f"log-{CHECK_ACTION}")
        assert h.get("gps-status").value == "Ustalanie położenia…"
        await h.click("save")
        [entry] = stored(ui_engine)
        assert entry.place_id == NIVEA_ID and entry.lat is None and not entry.gps_poor


async def _forever():
    import asyncio

    await asyncio.sleep(3600)


async def test_gps_denied_then_pick_a_place_and_save(app_factory, ui_engine):
    async with app_factory(geo=geo_denied()) as h:
        await h.click("new-entry")
        await h.wait_for(lambda: "Brak zgody na GPS" in h.get("gps-status").value)
        assert h.get("add-place").disabled, "a new place needs a position"
        osiedle = place_id("osiedle")
        await h.click(f"place-{osiedle}")
        await h.click("save")
        [entry] = stored(ui_engine)
        assert entry.place_id == osiedle and entry.lat is None and entry.accuracy_m is None
        assert entry.kind == "foot_patrol" and entry.plan_id == LUBARTOW_PLAN
        assert entry.action_id is None


async def test_fix_picks_the_nearest_place_for_a_free_entry(app_factory, ui_engine):
    async with app_factory(geo=geo_fakes(NIVEA.lat + 0.0002, NIVEA.lon, 12)) as h:
        await h.click("new-entry")
        await h.wait_for(lambda: "±12 m" in h.get("gps-status").value)
        # the nearest place whose radius holds the fix, chosen without a tap
        assert isinstance(h.get(f"place-{NIVEA_ID}"), ft.FilledButton)
        await h.click("save")
        [entry] = stored(ui_engine)
        assert entry.place_id == NIVEA_ID


async def test_poor_accuracy_is_shown_and_marked(app_factory, ui_engine):
    async with app_factory(geo=geo_fakes(accuracy=250)) as h:
        await h.click(f"log-{CHECK_ACTION}")
        await h.wait_for(lambda: "Słaba dokładność GPS (±250 m)" in h.get("gps-status").value)
        await h.click("save")
        [entry] = stored(ui_engine)
        assert entry.gps_poor and entry.accuracy_m == 250


async def test_counters_step_and_take_typed_numbers(app, ui_engine):
    await app.click(f"log-{CHECK_ACTION}")
    await app.click("count-offences-plus")
    await app.click("count-offences-plus")
    await app.click("count-offences-minus")
    await app.click("count-interventions-minus")  # never below zero
    await app.type_into("count-persons_legitimised", "12")
    await app.type_into("note", "  Grupa młodzieży, pouczenia.  ")
    await app.click("save")
    [entry] = stored(ui_engine)
    assert (entry.offences, entry.interventions, entry.persons_legitimised) == (1, 0, 12)
    assert entry.note == "Grupa młodzieży, pouczenia."


async def test_time_is_changeable_and_checked(app, ui_engine):
    await app.click(f"log-{CHECK_ACTION}")
    assert (app.get("date").value, app.get("time").value) == ("18.11.2026", "10:00")
    await app.type_into("time", "25:99")
    await app.click("save")
    assert app.get("time").error == "Godzina w formacie GG:MM"
    assert stored(ui_engine) == []
    await app.type_into("time", "21:00")
    await app.click("save")
    assert app.get("time").error == "Ta godzina jest w przyszłości."
    await app.type_into("time", "8.15")
    await app.type_into("date", "17.11.2026")
    await app.click("save")
    [entry] = stored(ui_engine)
    assert entry.occurred_at.isoformat().startswith("2026-11-17T07:15")  # UTC


async def test_too_big_count_is_refused_on_the_field(app, ui_engine):
    await app.click(f"log-{CHECK_ACTION}")
    await app.click("more-counters")  # leaflets are not what a check usually counts
    await app.type_into("count-leaflets", "20000")
    assert app.get("count-leaflets").error == f"Najwyżej {fmt_number(MAX_COUNT)}"  # as typed
    await app.click("save")
    assert app.get("count-leaflets").error == f"Najwyżej {fmt_number(MAX_COUNT)}"
    assert stored(ui_engine) == []


async def test_a_negative_count_is_an_error_never_a_silent_change(app, ui_engine):
    await app.click(f"log-{CHECK_ACTION}")
    for typed in ("-5", "\u22125"):
        await app.type_into("count-offences", typed)
        assert app.get("count-offences").error == "Liczba nie może być ujemna"
        await app.click("save")
        assert stored(ui_engine) == []
    await app.type_into("count-offences", "5")
    assert app.get("count-offences").error is None
    await app.click("save")
    [entry] = stored(ui_engine)
    assert entry.offences == 5


async def test_focusing_a_count_selects_it_so_typing_replaces_the_zero(app):
    await app.click(f"log-{CHECK_ACTION}")
    field = app.get("count-offences")
    await app.trigger(field, "focus")
    assert (field.selection.base_offset, field.selection.extent_offset) == (0, 1)


async def test_the_counters_that_count_come_first_for_the_checks_plan(app):
    """Lubartów counts offences and interventions at the playground: they lead, marked."""
    await app.click(f"log-{CHECK_ACTION}")
    counting = app.find("counts-for-interventions") + app.find("counts-for-offences")
    assert [t.value for t in counting] == ["liczy się do celu", "liczy się do celu"]
    assert not app.find("counts-for-persons_legitimised")
    assert app.get("count-persons_legitimised")  # the kind's usual counter, shown
    assert not app.find("count-leaflets")  # one tap away
    await app.click("more-counters")
    assert app.get("count-leaflets")


async def test_a_krasnik_meeting_with_leaflets_counts_for_every_task_it_fulfils(
    app_factory, ui_engine
):
    """The issue's example: the form says which counters feed the goal and the tasks, and
    the saved meeting moves the goal once and the meeting, talks and leaflets tasks."""
    plan_id = stable_id("plan", "krasnik", "2026-07-01")
    meeting, talks, leaflets = (
        stable_id("action", "krasnik", "2026-07-01", name)
        for name in ("meetings", "talks", "leaflets")
    )
    with session_scope(ui_engine) as session:
        before = plan_progress(session, plan_id, DAY)
    async with app_factory(officer=KRASNIK_OFFICER, geo=geo_denied()) as h:
        await h.go(f"/log?action={meeting}&plan={plan_id}")
        assert h.get("task").value == f"{plan_id}|{meeting}"
        assert h.get("counts-for-residents_spoken").value == (
            "liczy się do celu i do zadania: "
            "Rozmowy z seniorami o zagrożeniach i metodach działania oszustów"
        )
        assert h.get("counts-for-leaflets").value == (
            "liczy się do zadania: Kolportaż ulotek informacyjnych"
        )
        await h.type_into("count-leaflets", "40")
        await h.type_into("count-residents_spoken", "25")
        await h.click("save")
        [entry] = stored(ui_engine)
        assert (entry.kind, entry.action_id, entry.place_id) == (
            "meeting",
            meeting,
            place_id("emeryci"),
        )
    with session_scope(ui_engine) as session:
        after = plan_progress(session, plan_id, DAY)
    assert after.criterion.value == before.criterion.value + 25
    times = {a.action_id: b.times for a, b in zip(before.actions, after.actions, strict=True)}
    moved = {
        a.action_id for a, b in zip(before.actions, after.actions, strict=True) if b.times > a.times
    }
    assert moved == {meeting, talks, leaflets}
    assert times[leaflets] == next(a.times for a in before.actions if a.action_id == leaflets) + 1


async def test_choosing_a_task_on_a_new_entry_sets_its_kind_and_what_counts(app_factory):
    plan_id = stable_id("plan", "krasnik", "2026-07-01")
    leaflets = stable_id("action", "krasnik", "2026-07-01", "leaflets")
    async with app_factory(officer=KRASNIK_OFFICER, geo=geo_denied()) as h:
        await h.click("new-entry")
        assert h.get("task").value == f"{plan_id}|"  # the plan in force, no task yet
        await h.select("task", f"{plan_id}|{leaflets}")
        assert h.get("kind").value == "leaflets"
        assert h.get("counts-for-leaflets").value == (
            "liczy się do zadania: Kolportaż ulotek informacyjnych"
        )
        await h.select("kind", "talk")  # another kind: no longer that task
        assert h.get("task").value == f"{plan_id}|"


async def test_without_a_place_the_officer_is_asked_once(app_factory, ui_engine):
    async with app_factory(geo=geo_denied()) as h:
        await h.click("new-entry")
        await h.wait_for(lambda: "Brak zgody na GPS" in h.get("gps-status").value)
        await h.click("save")
        assert stored(ui_engine) == []
        await h.click("cancel-placeless")  # "Wybierz miejsce": back to the form, nothing saved
        assert stored(ui_engine) == [] and h.view_routes() == ["/", "/log"]
        await h.click("save")
        await h.type_into("time", "25:00")  # meanwhile a wrong time: refused on its field
        await h.click("confirm-placeless")
        assert h.get("time").error and stored(ui_engine) == []
        await h.type_into("time", "09:00")
        await h.click("save")  # the answer is remembered: no second question
        [entry] = stored(ui_engine)
        assert entry.place_id is None


async def test_add_a_new_place_at_the_current_position(app_factory, ui_engine):
    async with app_factory(geo=geo_fakes(51.47, 22.62, 5)) as h:
        await h.click("new-entry")
        await h.wait_for(lambda: not h.get("add-place").disabled)
        assert h.find("new-place-name") == []  # put in when asked for, not sent hidden
        await h.click("add-place")
        await h.click("new-place-save")
        assert h.get("new-place-name").error == "Podaj nazwę miejsca."
        await h.type_into("new-place-name", "Skwer przy Lubelskiej")
        await h.click("new-place-save")
        assert h.find("new-place-name") == [] and h.find("new-place-save") == []
        await h.click("save")
        [entry] = stored(ui_engine)
        with session_scope(ui_engine) as session:
            place = next(p for p in list_places(session) if p.name == "Skwer przy Lubelskiej")
        assert entry.place_id == place.id and (place.lat, place.lon) == (51.47, 22.62)


async def test_the_form_opens_over_today_as_drawn(app):
    """Odnotuj builds the form only: Today under it is the screen already on the page."""
    today = app.page.views[0]
    await app.click(f"log-{CHECK_ACTION}")
    assert app.view_routes() == ["/", "/log"]
    assert app.page.views[0] is today
    await app.go("/history")
    await app.go("/log")  # from another tab Today is drawn afresh under the form
    assert app.view_routes() == ["/", "/log"] and app.page.views[0] is not today


async def test_zapisz_confirms_before_today_is_drawn_again(app, monkeypatch):
    """The snackbar goes out with the form closed over Today as drawn; Today's fresh
    figures (the task done) follow."""
    from app.device.ui.shell import Shell

    seen: list[tuple[str, list[str], list[str | None]]] = []
    go = Shell.go

    async def recording_go(shell: Shell, route: str) -> None:
        dialogs = [getattr(d.content, "key", None) for d in shell.page._dialogs.controls]
        seen.append((route, [v.route for v in shell.page.views], dialogs))
        await go(shell, route)

    monkeypatch.setattr(Shell, "go", recording_go)
    await app.click(f"log-{CHECK_ACTION}")
    await app.click("save")
    route, views, dialogs = seen[-1]
    assert (route, views) == ("/", ["/"]) and dialogs[-1] == "saved"
    assert app.get(f"status-{CHECK_ACTION}").content.value == "Zrobione"
    assert "Zapisano: Kontrola miejsca" in app.toast("saved").content.value


async def test_a_handler_draws_in_the_officers_language_whatever_context_it_runs_in(
    app_factory,
):
    """Flet runs each event in a task of its own, starting from the server's context (Polish):
    the session's dispatch makes the officer's language current first."""
    plan_id = stable_id("plan", "krasnik", "2026-07-01")
    leaflets = stable_id("action", "krasnik", "2026-07-01", "leaflets")
    async with app_factory(officer=KRASNIK_OFFICER, geo=geo_denied()) as h:
        await h.go("/settings")
        await h.click("lang-en")
        await h.go("/")
        await h.click("new-entry")
        set_language("pl")  # what a fresh task's context holds
        await h.select("task", f"{plan_id}|{leaflets}")
        assert h.get("counts-for-leaflets").value == (
            "counts towards the task: Kolportaż ulotek informacyjnych"
        )
        assert any(t.startswith("Counts towards the") for t in h.texts())
        assert not [t for t in h.texts() if t.startswith(("Liczy się", "liczy się"))]


async def test_the_forms_first_frame_holds_a_two_tap_log_and_the_rest_follows(app, monkeypatch):
    """What a two-tap log needs (the task, the kind, the place, Zapisz) goes out first, the
    drop-downs with their chosen option only; the counts, the note, the date, the time and
    the other options a frame later, below what is drawn."""
    monkeypatch.setattr(log, "REST_AFTER_S", 0.05)
    first_frame: list[set[str]] = []
    options: dict[str, list[str]] = {}
    complete_later = log.LogForm.complete_later

    async def recording(form: log.LogForm) -> None:
        keys = {getattr(c, "key", None) for c in app.walk(app.page.views[-1])}
        first_frame.append({k for k in keys if isinstance(k, str)})
        options["kind"] = [str(o.key) for o in form.kind.options]
        options["task"] = [str(o.key) for o in form.task.options]
        await complete_later(form)

    monkeypatch.setattr(log.LogForm, "complete_later", recording)
    await app.click(f"log-{CHECK_ACTION}")
    [drawn] = first_frame
    later = {"note", "date", "time", "count-offences", "count-persons_legitimised", "more-counters"}
    assert {"save", "kind", "task", "place-list", "add-place"} <= drawn
    assert not drawn & later
    assert options == {"kind": ["place_check"], "task": [f"{LUBARTOW_PLAN}|{CHECK_ACTION}"]}
    for key in (*later, "counts-for-offences"):
        assert app.get(key) is not None
    kinds = [o.key for o in app.get("kind").options]
    assert kinds == [str(k) for k in EntryKind] and app.get("kind").value == "place_check"
    tasks = [o.key for o in app.get("task").options]
    assert f"{LUBARTOW_PLAN}|{CHECK_ACTION}" in tasks and "|" in tasks and len(tasks) > 3
    await app.select("task", "|")  # every option can be chosen once the form is complete
    assert app.get("kind").value == "place_check" and app.get("task").value == "|"
