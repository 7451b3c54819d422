"""Plan editing in the app: create, edit every section, submit; a supervisor approves or returns."""

from datetime import datetime

import pytest
from conftest import OFFICER, SUPERVISOR
from flet_harness import FletHarness

from app.core.model import PlanStatus
from app.core.store.db import session_scope
from app.core.store.plans import list_plans, read_plan


def plans_titled(engine, title):
    with session_scope(engine) as session:
        return [read_plan(session, p.id) for p in list_plans(session) if p.title == title]


async def fill_new_plan(h):
    await h.go("/plan")
    await h.click("new-plan")
    assert (h.view_routes(), h.page.route) == (["/plan", "/plan/edit"], "/plan/edit?new=1")
    # 18 Nov 2026: a new plan is written for the next half-year
    assert (h.get("plan-start").value, h.get("plan-end").value) == ("01.01.2027", "30.06.2027")
    await h.type_into("plan-title-field", "Dzikie wysypisko przy ul. Leśnej")
    await h.type_into("plan-threat", "Wyrzucanie odpadów w lesie przy ul. Leśnej.")
    await h.type_into("plan-diagnosis", "Zgłoszenia w KMZB.")
    await h.type_into("plan-goal", "Ograniczenie zaśmiecania terenu.")
    await h.select("plan-criterion-kind", "reduce_by_percent")
    await h.toggle("measure-offences", True)
    await h.type_into("plan-target", "30")
    await h.type_into("plan-baseline", "12")
    await h.click("add-action")
    await h.type_into("action-1-text", "Kontrole miejsca w godzinach 18:00–2:00")
    await h.select("action-1-kind", "place_check")
    await h.type_into("action-1-from", "18:00")
    await h.type_into("action-1-to", "02:00")
    await h.toggle("action-1-day-4", True)
    await h.toggle("action-1-day-5", True)
    await h.click("add-action")
    await h.type_into("action-2-text", "Spotkanie z sołtysem")
    await h.select("action-2-kind", "meeting")
    await h.type_into("action-2-end", "31.03.2027")
    await h.toggle("action-2-deadline", True)
    await h.click("add-action")
    await h.type_into("action-3-text", "Rozmowy z mieszkańcami")
    await h.type_into("action-3-freq-times", "2")
    await h.select("action-3-freq-per", "week")
    await h.click("partner-add")
    await h.type_into("partner-1-0", "Nadleśnictwo")
    await h.type_into("partner-1-1", "Wspólne patrole")
    await h.click("channel-add")
    await h.type_into("channel-1-0", "Strona internetowa KPP")


async def test_create_a_plan_from_scratch(app, ui_engine):
    await fill_new_plan(app)
    await app.click("save-plan")
    [doc] = plans_titled(ui_engine, "Dzikie wysypisko przy ul. Leśnej")
    plan = doc.plan
    assert plan.status == PlanStatus.draft
    assert (plan.criterion_kind, plan.criterion_measures, plan.criterion_target) == (
        "reduce_by_percent",
        ["offences"],
        30,
    )
    assert plan.criterion_baseline == 12 and plan.diagnosis == "Zgłoszenia w KMZB."
    check, meeting, talks = doc.actions
    assert (f"{check.time_from:%H:%M}", f"{check.time_to:%H:%M}", check.weekdays) == (
        "18:00",
        "02:00",
        [4, 5],
    )
    assert meeting.deadline and str(meeting.end_date) == "2027-03-31"
    assert (talks.freq_times, talks.freq_per) == (2, "week")
    assert [(p.name, p.tasks) for p in doc.partners] == [("Nadleśnictwo", "Wspólne patrole")]
    assert [c.text for c in doc.channels] == ["Strona internetowa KPP"]
    assert app.page.route == f"/plan?id={plan.id}"
    assert app.get("plan-status").content.value == "Projekt"
    assert app.find("edit-plan") and app.find("submit-plan")


async def test_a_bad_field_is_named_and_nothing_is_saved(app, ui_engine):
    await fill_new_plan(app)
    await app.type_into("action-2-end", "31.02.2027")
    await app.click("save-plan")
    assert app.get("action-2-end").error == "To nie jest data: wpisz ją jako DD.MM.RRRR."
    assert app.get("plan-message").value == "Nie zapisano: popraw pola zaznaczone na czerwono (1)."
    await app.type_into("action-2-end", "30.09.2027")
    await app.click("save-plan")
    assert app.get("action-2-end").error == "Poza okresem planu (01.01.2027 – 30.06.2027)."
    assert plans_titled(ui_engine, "Dzikie wysypisko przy ul. Leśnej") == []


def scrolls(app: FletHarness) -> list[str]:
    """The scroll keys the screen was asked to scroll to, in order."""
    return [str(a["scroll_key"]) for _c, name, a in app.conn.method_calls if name == "scroll_to"]


async def test_errors_in_polish_at_their_fields_in_form_order(app, ui_engine):
    """An empty form and bad values: every error at its own field, in Polish, nothing raw or
    English; the first field in the form's order is scrolled to; nothing is stored."""
    await app.go("/plan")
    await app.click("new-plan")
    await app.type_into("plan-end", "01.12.2026")  # before the start: the period's error
    await app.select("plan-criterion-kind", "reduce_by_percent")
    await app.type_into("plan-target", "150")
    await app.click("add-action")
    assert scrolls(app) == ["action-1-text"], "a new action is scrolled into view to be written"
    await app.type_into("action-1-freq-times", "0")
    await app.type_into("action-1-from", "25:00")
    app.conn.method_calls.clear()
    await app.click("save-plan")

    errors = {
        "plan-end": "Okres kończy się przed początkiem.",
        "plan-threat": "Opisz zagrożenie.",
        "plan-goal": "Podaj cel.",
        "plan-target": "Spadek to procent od 1 do 100.",
        "action-1-text": "Opisz działanie.",
        "action-1-from": "To nie jest godzina: wpisz ją jako GG:MM.",
        "action-1-to": "Podaj też godzinę końca (albo żadnej).",
        "action-1-freq-times": "Liczba całkowita od 1 do 100.",
    }
    for key, message in errors.items():
        assert app.get(key).error == message, key
    assert app.get("plan-measures-error").value == "Zaznacz co najmniej jeden miernik."
    assert app.get("plan-message").value == "Nie zapisano: popraw pola zaznaczone na czerwono (9)."
    assert scrolls(app) == ["plan-end"], "the first error in the form's order"
    assert plans_titled(ui_engine, "") == []

    await app.type_into("plan-threat", "Picie alkoholu na skwerze.")  # a second, other error
    await app.click("save-plan")
    assert app.get("plan-threat").error is None
    assert app.get("plan-message").value == "Nie zapisano: popraw pola zaznaczone na czerwono (8)."
    app.assert_no_crash()


async def test_remove_an_action_with_undo_and_add_another(app, ui_engine):
    """Removing and adding actions: each card keeps its own controls, headed 1, 2, 3 in
    order; removing offers Undo; only what is on screen is saved."""
    await app.go("/plan")
    await app.click("new-plan")
    await app.type_into("plan-threat", "Zagrożenie")
    await app.type_into("plan-goal", "Cel")
    for n, text in enumerate(("Pierwsze", "Drugie"), start=1):
        await app.click("add-action")
        await app.type_into(f"action-{n}-text", text)
    await app.click("action-1-remove")
    assert app.toast("action-removed").content.value == "Usunięto działanie 1."
    assert app.get("action-2-heading").value == "Działanie 1"
    await app.click("add-action")
    await app.type_into("action-3-text", "Trzecie")
    assert [app.get(f"action-{n}-heading").value for n in (2, 3)] == [
        "Działanie 1",
        "Działanie 2",
    ]
    assert len(app.get("plan-actions").controls) == 2
    await app.trigger(app.toast("action-removed"), "action")  # Undo
    assert [c.key for c in app.get("plan-actions").controls] == [
        "action-1",
        "action-2",
        "action-3",
    ]
    assert app.get("action-1-heading").value == "Działanie 1"
    await app.click("save-plan")
    [doc] = plans_titled(ui_engine, "")
    assert [a.text for a in doc.actions] == ["Pierwsze", "Drugie", "Trzecie"]


async def test_edit_submit_then_supervisor_returns_and_approves(app, app_factory, ui_engine):
    await fill_new_plan(app)
    await app.click("save-plan")
    [doc] = plans_titled(ui_engine, "Dzikie wysypisko przy ul. Leśnej")
    await app.click("edit-plan")
    assert app.get("action-1-text").value == "Kontrole miejsca w godzinach 18:00–2:00"
    await app.click("action-3-remove")
    await app.type_into("plan-goal", "Brak nowych wysypisk.")
    await app.click("save-submit-plan")
    [doc] = plans_titled(ui_engine, "Dzikie wysypisko przy ul. Leśnej")
    assert doc.plan.status == PlanStatus.submitted and doc.plan.goal == "Brak nowych wysypisk."
    assert len(doc.actions) == 2
    assert not app.find("edit-plan"), "a submitted plan is not edited"

    async with app_factory(officer=SUPERVISOR) as sup:
        await sup.go("/plan")
        await sup.click("open-approvals")
        plan_id = doc.plan.id
        await sup.click(f"return-{plan_id}")
        assert sup.get(f"note-{plan_id}").error == "Napisz, co poprawić."
        await sup.type_into(f"note-{plan_id}", "Dodaj miernik dla spotkania.")
        await sup.click(f"return-{plan_id}")
        assert sup.find("no-reviews")

    await app.go("/")
    await app.go(f"/plan?id={plan_id}")
    assert app.get("plan-status").content.value == "Zwrócony do poprawy"
    assert "Dodaj miernik dla spotkania." in app.get("review-note").value
    await app.click("submit-plan")
    async with app_factory(officer=SUPERVISOR) as sup:
        await sup.go("/approvals")
        # the whole plan, and on a resubmission the note it was returned with
        note = sup.get(f"previous-note-{plan_id}").value
        assert note == "Twoja poprzednia uwaga: Dodaj miernik dla spotkania."
        criterion = sup.get(f"review-criterion-{plan_id}").value
        assert criterion == "Ujawnione wykroczenia: −30% · poprzedni okres: 12"
        check = doc.actions[0]
        assert sup.get(f"review-action-{check.id}").value == (
            "Kontrola miejsca · przez cały okres, godz. 18:00–02:00, pt, sob"
        )
        text = sup.text()
        assert "Nadleśnictwo — Wspólne patrole" in text and "• Strona internetowa KPP" in text
        await sup.click(f"open-plan-{plan_id}")
        assert sup.page.route == f"/plan?id={plan_id}"
        await sup.go("/approvals")
        await sup.click(f"approve-{plan_id}")
        assert sup.find("reviewed")
    [doc] = plans_titled(ui_engine, "Dzikie wysypisko przy ul. Leśnej")
    assert doc.plan.status == PlanStatus.approved


async def test_an_imported_draft_opens_in_the_editor_and_is_submitted(app, ui_engine):
    from pathlib import Path

    from app.core.plans.drafts import save_draft
    from app.core.plans.importer import import_file

    sample = Path(__file__).resolve().parents[3] / "shared" / "plans" / "000_22956f2d2e43d89d.txt"
    if not sample.exists():
        pytest.skip(f"sample plan not found: {sample} (the shared folder is absent)")
    with session_scope(ui_engine) as session:
        draft = save_draft(session, import_file(sample))
    await app.go(f"/plan?id={draft.id}")
    assert app.get("plan-status").content.value == "Projekt"
    await app.click("edit-plan")
    assert app.get("plan-start").value == "01.01.2024"
    assert "Nivea" in app.get("plan-threat").value
    await app.type_into("plan-title-field", "Plac zabaw Nivea (z dokumentu)")
    await app.click("save-submit-plan")
    [doc] = plans_titled(ui_engine, "Plac zabaw Nivea (z dokumentu)")
    assert doc.plan.id == draft.id and doc.plan.status == PlanStatus.submitted


async def test_dates_from_a_calendar_and_number_keyboards(app):
    import flet as ft

    await app.go("/plan")
    await app.click("new-plan")
    await app.click("plan-end-calendar")
    [picker] = [d for d in app.dialogs() if isinstance(d, ft.DatePicker)]
    assert picker.value.date().isoformat() == "2027-06-30"
    picker.value = datetime(2027, 5, 31)
    await app.trigger(picker, "change", "2027-05-31T00:00:00.000")
    assert app.get("plan-end").value == "31.05.2027"
    assert app.get("plan-target").keyboard_type == ft.KeyboardType.NUMBER
    await app.click("add-action")
    assert app.get("action-1-freq-times").keyboard_type == ft.KeyboardType.NUMBER
    assert app.get("action-1-from").keyboard_type == ft.KeyboardType.DATETIME
    assert app.find("action-1-start-calendar")


async def test_the_editor_speaks_english_in_english(app, ui_engine):
    """Every text of the action editor, a partner row's tooltip and the toasts in English
    (handlers run in fresh contexts: each makes the officer's language current)."""
    await app.go("/settings")
    await app.click("lang-en")
    await app.go("/plan")
    await app.click("new-plan")
    await app.click("add-action")
    await app.click("partner-add")
    assert app.get("action-1-heading").value == "Action 1"
    assert app.get("action-1-start").label == "From" and app.get("action-1-to").label == "Hours to"
    assert [app.get(f"action-1-day-{d}").label for d in range(7)] == [
        "Mon",
        "Tue",
        "Wed",
        "Thu",
        "Fri",
        "Sat",
        "Sun",
    ]
    assert app.get("partner-1-remove").tooltip == "Remove"
    assert app.get("action-1-remove").content.value == "Remove action"
    await app.click("action-1-remove")
    assert app.toast("action-removed").content.value == "Action 1 removed."
    await app.click("save-plan")
    assert app.get("plan-threat").error == "Describe the threat."
    assert app.get("plan-message").value.startswith("Not saved: correct the fields")
    polish = [t for t in app.texts(app.page.views[-1]) if any(c in t for c in "ąęłńóśźżĄĘŁŃÓŚŹŻ")]
    assert polish == [], polish


def returned_plan(engine, note="Dodaj częstotliwość spotkań."):
    """A plan of the demo officer's, submitted and returned by the unit's supervisor."""
    from datetime import date

    from app.core.demo import AREA_IDS
    from app.core.model import ActionIn, ChannelIn, EntryKind, Officer, PartnerIn, PlanIn
    from app.core.plans import workflow

    with session_scope(engine) as session:
        officer = session.get(Officer, OFFICER)
        boss = session.get(Officer, SUPERVISOR)
        plan = workflow.save_draft(
            session,
            officer,
            PlanIn(
                area_id=AREA_IDS["lubartow"],
                officer_id=officer.id,
                title="Garaże przy ul. Lubelskiej",
                period_start=date(2027, 1, 1),
                period_end=date(2027, 6, 30),
                threat="Spożywanie alkoholu przy garażach",
                goal="Mniej interwencji",
                actions=[
                    ActionIn(text="Patrol garaży", kind=EntryKind.foot_patrol),
                    ActionIn(text="Spotkanie z mieszkańcami", kind=EntryKind.meeting),
                ],
                partners=[PartnerIn(name="Straż Miejska", tasks="wspólne patrole")],
                channels=[ChannelIn(text="Strona KPP")],
            ),
        )
        workflow.submit(session, officer, plan.id)
        workflow.return_plan(session, boss, plan.id, note)
        return plan.id


async def test_a_resubmission_shows_the_supervisor_what_changed(app, app_factory, ui_engine):
    plan_id = returned_plan(ui_engine)
    await app.go(f"/plan?id={plan_id}")
    await app.click("edit-plan")
    await app.click("action-1-remove")
    await app.type_into("action-2-freq-times", "1")
    await app.select("action-2-freq-per", "month")
    await app.click("save-submit-plan")
    [doc] = plans_titled(ui_engine, "Garaże przy ul. Lubelskiej")
    assert doc.plan.status == PlanStatus.submitted

    async with app_factory(officer=SUPERVISOR) as sup:
        await sup.go("/approvals")
        assert sup.get(f"previous-note-{plan_id}").value == (
            "Twoja poprzednia uwaga: Dodaj częstotliwość spotkań."
        )
        changed = sup.text(sup.get(f"changes-{plan_id}"))
        assert "Zmiany od zwrotu" in changed
        assert "3. Usunięto działanie: Patrol garaży" in changed
        assert "3. Zmieniono działanie: Spotkanie z mieszkańcami (częstotliwość)" in changed
        assert "Okres" not in changed and "4." not in changed, "only what changed"


async def test_a_returned_plan_is_shown_on_today_and_plan_and_opens_in_the_editor(
    app, app_factory, ui_engine
):
    plan_id = returned_plan(ui_engine, note="Dodaj częstotliwość spotkań.")
    await app.go("/")
    banner = app.text(app.get(f"returned-{plan_id}"))
    assert "Plan zwrócony: Garaże przy ul. Lubelskiej" in banner
    assert app.get(f"returned-note-{plan_id}").value == (
        "Uwagi przełożonego: Dodaj częstotliwość spotkań."
    )
    await app.click(f"correct-plan-{plan_id}")
    assert app.page.route == f"/plan/edit?id={plan_id}"
    assert "Dodaj częstotliwość spotkań." in app.get("editor-review-note").value
    assert app.get("plan-title-field").value == "Garaże przy ul. Lubelskiej"

    await app.go("/plan")  # the plan in force is shown, the returned one announced above it
    assert app.find(f"returned-{plan_id}")
    await app.click(f"correct-plan-{plan_id}")
    assert app.page.route == f"/plan/edit?id={plan_id}"
    await app.click("save-submit-plan")
    await app.go("/")
    assert not app.find(f"returned-{plan_id}"), "submitted again: nothing left to correct"

    async with app_factory(officer=SUPERVISOR) as sup:  # another's returned plan: no banner
        await sup.go("/")
        assert not sup.find(f"returned-{plan_id}")


async def test_the_criterion_place_is_added_from_a_tap_on_the_map_or_gps(app_factory, ui_engine):
    """No GPS: the new place is tapped on the map (the officer's places drawn on it), added
    there and chosen as the criterion's place; with GPS, where the officer stands."""
    import flet_map as fmap
    from conftest import NIVEA, geo_denied, geo_fakes
    from sqlmodel import select

    from app.core.model import Place

    def place_named(name: str) -> Place:
        with session_scope(ui_engine) as session:
            return session.exec(select(Place).where(Place.name == name)).one()

    async with app_factory(geo=geo_denied()) as h:
        await fill_new_plan(h)
        assert h.find("criterion-place-map") == [], "no map until the officer asks for one"
        await h.click("criterion-place-new")
        await h.click("criterion-place-gps")
        assert h.get("criterion-place-name").error == "Podaj nazwę miejsca."
        await h.type_into("criterion-place-name", "Garaże, ul. Lubelska")
        await h.click("criterion-place-gps")
        assert "stuknij je na mapie" in h.get("criterion-place-msg").value
        assert h.get("criterion-place-map-add").disabled, "nothing tapped yet"
        the_map = h.get("criterion-place-map")
        assert len(h.find(type=fmap.Marker, root=the_map)) >= 1, "the officer's places drawn"
        garages = (51.4652, 22.6101)
        tap = {"coordinates": {"latitude": garages[0], "longitude": garages[1]}}
        await h.trigger(the_map, "tap", tap)
        assert h.get("criterion-place-tapped").value == "Punkt na mapie: 51.46520, 22.61010"
        await h.click("criterion-place-map-add")
        h.assert_no_crash()
        place = place_named("Garaże, ul. Lubelska")
        assert (place.lat, place.lon) == garages
        assert h.get("plan-criterion-place").value == place.id
        assert h.find("criterion-place-map") == [], "the panel closed, its map gone"
        await h.click("save-plan")
        [doc] = plans_titled(ui_engine, "Dzikie wysypisko przy ul. Leśnej")
        assert doc.plan.criterion_place_id == place.id

    async with app_factory(geo=geo_fakes(*garages)) as h:
        await fill_new_plan(h)
        await h.click("criterion-place-new")
        await h.type_into("criterion-place-name", "Garaże, ul. Lubelska 2")
        await h.click("criterion-place-gps")
        place = place_named("Garaże, ul. Lubelska 2")
        assert (place.lat, place.lon) == garages != (NIVEA.lat, NIVEA.lon)
        assert h.get("plan-criterion-place").value == place.id


async def test_the_editors_map_leaves_the_mouse_wheel_to_the_form(app):
    """Scrolling the editor over its map scrolls the form: the map does not zoom by wheel."""
    import flet_map as fmap

    await app.go("/plan")
    await app.click("new-plan")
    await app.click("criterion-place-new")
    flags = app.get("criterion-place-map").interaction_configuration.flags
    assert not flags & fmap.InteractionFlag.SCROLL_WHEEL_ZOOM
    assert flags & fmap.InteractionFlag.DRAG and flags & fmap.InteractionFlag.PINCH_ZOOM
