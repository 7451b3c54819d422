"""GPS snapping: the same answers as a plain geodesic loop over every place, found faster."""

import math

import pytest
from geopy.distance import geodesic
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from app.core.demo import PLACES
from app.core.model import Place, PlaceIn, ServiceAreaBase, Unit
from app.core.places.nearest import PlaceIndex, PlaceMatch, place_for_fix, sphere_lower_bound_m
from app.core.store import org
from app.core.store.places import save_place


def brute_nearest(places: list[Place], lat: float, lon: float) -> tuple[int, float] | None:
    """The reference: every place measured with geopy, the nearest holding the point."""
    best = None
    for n, place in enumerate(places):
        distance = geodesic((lat, lon), (place.lat, place.lon)).meters
        if distance <= place.radius_m and (best is None or distance < best[1]):
            best = (n, distance)
    return best


def brute_closest(places: list[Place], lat: float, lon: float, limit: int) -> list[float]:
    distances = sorted(geodesic((lat, lon), (p.lat, p.lon)).meters for p in places)
    return distances[:limit]


def as_pair(places: list[Place], match: PlaceMatch | None) -> tuple[int, float] | None:
    if match is None:
        return None
    return next(n for n, p in enumerate(places) if p is match.place), match.distance_m


def make_places(rows: list[tuple[float, float, float]]) -> list[Place]:
    return [
        Place(id=str(n), name=f"miejsce {n}", lat=lat, lon=lon, radius_m=radius)
        for n, (lat, lon, radius) in enumerate(rows)
    ]


radii = st.one_of(st.sampled_from([40.0, 60.0, 75.0, 220.0, 600.0]), st.floats(0.5, 5000))


@st.composite
def town(draw: st.DrawFn) -> tuple[list[Place], tuple[float, float]]:
    """Places crowded around a Polish town, and a fix often right at a radius' edge."""
    lat0, lon0 = draw(st.floats(49.0, 54.8)), draw(st.floats(14.1, 24.1))
    spread = draw(st.sampled_from([0.002, 0.01, 0.05]))
    rows = draw(
        st.lists(
            st.tuples(st.floats(-spread, spread), st.floats(-spread, spread), radii),
            min_size=1,
            max_size=30,
        )
    )
    places = make_places([(lat0 + dy, lon0 + dx, r) for dy, dx, r in rows])
    return places, draw(fix_near(places))


@st.composite
def anywhere(draw: st.DrawFn) -> tuple[list[Place], tuple[float, float]]:
    """Places over the whole globe, by the poles and the antimeridian too."""
    lats = st.one_of(st.floats(-90, 90), st.floats(89.9, 90), st.floats(-90, -89.9))
    lons = st.one_of(st.floats(-180, 180), st.floats(179.9, 180), st.floats(-180, -179.9))
    rows = draw(st.lists(st.tuples(lats, lons, radii), min_size=1, max_size=20))
    places = make_places(rows)
    return places, draw(fix_near(places))


@st.composite
def fix_near(draw: st.DrawFn, places: list[Place]) -> tuple[float, float]:
    """A fix near one place: inside, outside, or within a few millimetres of its edge."""
    place = draw(st.sampled_from(places))
    share = draw(
        st.one_of(
            st.floats(0, 1.2),
            st.sampled_from([1.0, 1 - 1e-9, 1 + 1e-9]),
            st.floats(0.999999, 1.000001),
        )
    )
    bearing = draw(st.floats(0, 360))
    point = geodesic(meters=place.radius_m * share).destination((place.lat, place.lon), bearing)
    return point.latitude, point.longitude


@settings(max_examples=100, deadline=None)
@given(town())
def test_nearest_is_the_geodesic_loop_in_a_town(case: tuple) -> None:
    places, (lat, lon) = case
    assert as_pair(places, PlaceIndex(places).nearest(lat, lon)) == brute_nearest(places, lat, lon)


@settings(max_examples=60, deadline=None)
@given(anywhere())
def test_nearest_is_the_geodesic_loop_anywhere(case: tuple) -> None:
    places, (lat, lon) = case
    assert as_pair(places, PlaceIndex(places).nearest(lat, lon)) == brute_nearest(places, lat, lon)


@settings(max_examples=40, deadline=None)
@given(st.one_of(town(), anywhere()), st.integers(1, 8))
def test_closest_lists_the_nearest_places_in_order(case: tuple, limit: int) -> None:
    places, (lat, lon) = case
    found = PlaceIndex(places).closest(lat, lon, limit)
    assert [match.distance_m for match in found] == brute_closest(places, lat, lon, limit)


@settings(max_examples=200, deadline=None)
@given(st.floats(-90, 90), st.floats(-180, 180), st.floats(-90, 90), st.floats(-180, 180))
def test_the_sphere_bound_never_exceeds_the_geodesic(
    lat1: float, lon1: float, lat2: float, lon2: float
) -> None:
    bound = sphere_lower_bound_m(lat1, lon1, lat2, lon2)
    assert bound <= geodesic((lat1, lon1), (lat2, lon2)).meters * (1 + 1e-12) + 1e-6


def test_overlapping_places_pick_the_nearest_and_ties_the_first() -> None:
    nivea, osiedle = (PlaceIn.model_validate(PLACES[key]) for key in ("nivea", "osiedle"))
    places = make_places(
        [(p.lat, p.lon, p.radius_m) for p in (osiedle, nivea)] + [(nivea.lat, nivea.lon, 10)]
    )
    index = PlaceIndex(places)
    at_nivea = index.nearest(nivea.lat, nivea.lon)
    assert at_nivea is not None and at_nivea.place is places[1] and at_nivea.distance_m == 0
    # 150 m west of the playground only the estate's 220 m radius still holds
    west = geodesic(meters=150).destination((nivea.lat, nivea.lon), 270)
    match = index.nearest(west.latitude, west.longitude)
    assert match is not None and match.place is places[0]
    assert index.nearest(51.0, 22.0) is None
    assert [m.place.id for m in index.closest(nivea.lat, nivea.lon, 2)] == ["1", "2"]


def test_empty_index_and_bad_fixes() -> None:
    empty = PlaceIndex([])
    assert empty.nearest(51.0, 22.0) is None and empty.closest(51.0, 22.0) == []
    index = PlaceIndex(make_places([(51.0, 22.0, 50)]))
    assert index.closest(51.0, 22.0, 0) == []
    for lat, lon in ((91.0, 0.0), (0.0, 181.0), (math.nan, 0.0), (0.0, math.inf)):
        with pytest.raises(ValueError, match=r"GPS|out of range"):
            index.nearest(lat, lon)


@pytest.mark.db
def test_place_for_fix_reads_the_store(session: Session) -> None:
    org.upsert_unit(session, Unit(id="u1", name="KPP w Lubartowie"))
    org.upsert_area(session, ServiceAreaBase(unit_id="u1", number_text="3"), "a3")
    org.upsert_area(session, ServiceAreaBase(unit_id="u1", number_text="4"), "a4")
    for key, area in (("nivea", "a3"), ("osiedle", "a4")):
        save_place(session, PLACES[key].model_copy(update={"id": key, "area_id": area}))
    session.commit()
    nivea = PLACES["nivea"]
    match = place_for_fix(session, nivea.lat, nivea.lon)
    assert match is not None and match.place.id == "nivea"
    other_area = place_for_fix(session, nivea.lat, nivea.lon, area_ids=["a4"])
    assert other_area is not None and other_area.place.id == "osiedle"
    assert place_for_fix(session, nivea.lat, nivea.lon, area_ids=[]) is None
