"""Mapa: places with their radius, the day's entries and the fix; tap a place to log there;
tiles only from a configured address."""

import flet as ft
import flet_map as fmap
from conftest import CHECK_ACTION, DAY, NIVEA, NIVEA_ID, OFFICER, SUPERVISOR, geo_fakes
from sqlmodel import select

from app.core.model import Officer, ServiceArea
from app.core.reports.generate import DEVICE_ID as GENERATOR
from app.core.store.db import session_scope
from app.core.store.entries import current_entries
from app.core.store.places import list_places
from app.core.store.settings import get_setting
from app.device.ui import services
from app.device.ui import state as keys

FAR_AWAY = (51.30, 22.30)
"""Kilometres from every place of the demo."""
OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def officer(engine, officer_id: str = OFFICER) -> Officer:
    with session_scope(engine) as session:
        return session.get(Officer, officer_id)


def place_circles(app) -> list[fmap.CircleMarker]:
    """The places' circles (the fix's accuracy circle has no border)."""
    return [c for c in app.find(type=fmap.CircleMarker) if c.border_stroke_width > 0]


def made_here(engine):
    with session_scope(engine) as session:
        return [e for e in current_entries(session) if e.device_id != GENERATOR]


def tap(lat: float, lon: float) -> dict:
    return {"coordinates": {"latitude": lat, "longitude": lon}}


async def test_an_officer_sees_their_places_todays_entries_and_the_fix(app, ui_engine):
    await app.click(f"log-{CHECK_ACTION}")
    await app.wait_for(lambda: "Dokładność GPS" in app.get("gps-status").value)
    await app.click("save")  # today's first entry, at Nivea (the history ends yesterday)
    await app.go("/map")
    await app.wait_for(lambda: "jesteś: Plac zabaw Nivea" in app.get("map-gps").value)
    data = services.map_data(ui_engine, officer(ui_engine), DAY)
    assert data.places == services.officer_places(ui_engine, officer(ui_engine))
    assert len(data.entries) == 1
    circles = place_circles(app)
    assert sorted(c.radius for c in circles) == sorted(p.radius_m for p in data.places)
    assert all(c.use_radius_in_meter for c in circles)
    # no tile address: nothing to download, a plain background
    assert app.find(type=fmap.TileLayer) == []
    # a numbered badge per place, a dot per entry of the day, a dot for the fix
    assert len(app.find(type=fmap.Marker)) == len(data.places) + 1 + 1
    text = app.text()
    assert "Dzisiejsze wpisy (1)" in text and "Kontrola miejsca · Plac zabaw Nivea" in text
    assert "promień 60 m · dziś: 1" in text
    assert "Przystanek" not in text and "PZERiI" not in text  # other officers' rejony


async def test_log_here_presets_the_place_even_far_from_it(app_factory, ui_engine):
    async with app_factory(geo=geo_fakes(*FAR_AWAY)) as app:
        await app.go("/map")
        await app.wait_for(lambda: "Dokładność GPS" in app.get("map-gps").value)
        assert "jesteś" not in app.get("map-gps").value
        await app.click(f"map-log-{NIVEA_ID}")
        assert app.view_routes() == ["/", "/log"]
        assert app.page.route == f"/log?place={NIVEA_ID}"
        await app.wait_for(lambda: "Dokładność GPS" in app.get("gps-status").value)
        assert isinstance(app.get(f"place-{NIVEA_ID}"), ft.FilledButton)  # chosen
        await app.click("save")
    [entry] = made_here(ui_engine)
    assert entry.place_id == NIVEA_ID and entry.lat == FAR_AWAY[0]


async def test_tapping_inside_a_place_logs_there_and_outside_does_nothing(app):
    await app.go("/map")
    the_map = app.get("map")
    await app.trigger(the_map, "tap", tap(*FAR_AWAY))
    assert app.view_routes() == ["/map"]
    await app.trigger(the_map, "tap", tap(NIVEA.lat + 0.0002, NIVEA.lon))  # ~22 m from it
    assert app.page.route == f"/log?place={NIVEA_ID}"


async def test_an_unknown_place_in_the_address_is_ignored(app):
    await app.go("/log?place=not-a-place")
    assert app.view_routes() == ["/", "/log"]
    await app.wait_for(lambda: "Dokładność GPS" in app.get("gps-status").value)
    # the GPS fix chose the place, not the address
    assert isinstance(app.get(f"place-{NIVEA_ID}"), ft.FilledButton)


async def test_a_supervisor_sees_the_units_places_and_entries(app_factory, ui_engine):
    async with app_factory() as officer_app:  # the officer logs at Nivea
        await officer_app.click(f"log-{CHECK_ACTION}")
        await officer_app.click("save")
    async with app_factory(officer=SUPERVISOR) as app:
        await app.go("/map")
        with session_scope(ui_engine) as session:
            supervisor = session.get(Officer, SUPERVISOR)
            query = select(ServiceArea.id).where(ServiceArea.unit_id == supervisor.unit_id)
            areas = list(session.exec(query))
            unit_places = list_places(session, area_ids=areas)
        assert len(place_circles(app)) == len(unit_places) > 3  # every rejon of the unit
        text = app.text()
        assert "Dzisiejsze wpisy (1)" in text
        assert "Kontrola miejsca · Plac zabaw Nivea · st. asp. Tomasz Nowak" in text
        assert "Park miejski przy ul. Cichej" in text and "PZERiI" not in text


async def test_a_tile_address_is_checked_stored_and_used(app, ui_engine):
    await app.go("/map")
    await app.type_into("tile-url", "ftp://tiles.example/{z}/{x}.png")
    await app.click("tile-save")
    assert "Adres http(s) z {z}, {x} i {y}" in app.get("tile-url").error
    with session_scope(ui_engine) as session:
        assert get_setting(session, keys.SETTING_TILE_URL, "unset") == "unset"  # nothing stored
    await app.type_into("tile-url", OSM)
    await app.click("tile-save")
    [tiles] = app.find(type=fmap.TileLayer)
    assert tiles.url_template == OSM
    assert app.find(type=fmap.SimpleAttribution)  # OpenStreetMap's credit
    with session_scope(ui_engine) as session:
        assert get_setting(session, keys.SETTING_TILE_URL) == OSM
    await app.type_into("tile-url", "")
    await app.click("tile-save")
    assert app.find(type=fmap.TileLayer) == []


def test_the_tile_address_comes_from_the_environment(ui_engine, monkeypatch):
    from app.core.config import get_settings

    monkeypatch.setenv("REJON_TILE_URL", "https://kafelki.kpp.example/{z}/{x}/{y}.png")
    get_settings.cache_clear()
    try:
        assert services.load_device(ui_engine).tile_url.startswith("https://kafelki.kpp")
    finally:
        get_settings.cache_clear()
    monkeypatch.delenv("REJON_TILE_URL")
    assert services.load_device(ui_engine).tile_url == ""
