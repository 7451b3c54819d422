"""The named place of a GPS fix: the nearest place whose radius holds the point.

Answers are those of ``geopy.distance.geodesic`` (WGS-84) — the same as a plain loop over
every place — but only a few places are measured. A cheap bound rules the rest out:

On the ellipsoid, in geodetic coordinates, ds² = M(φ)²dφ² + N(φ)²cos²φ dλ², with the
meridian radius M(φ) ≥ a(1 − e²) and N(φ) ≥ a. So every path is at least as long as the
same path on a sphere of radius R = a(1 − e²), and the geodesic distance is at least the
great-circle distance on that sphere (haversine). A place farther than its radius on that
sphere is farther on the ellipsoid too. Places are kept in latitude bands sorted by
longitude, so the candidates for a bound come from a few binary searches.
"""

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from geopy.distance import geodesic
from sqlmodel import Session

from app.core.model import Place
from app.core.store.places import list_places

_A = 6_378_137.0  # WGS-84 semi-major axis (m)
_F = 1 / 298.257223563
_E2 = _F * (2 - _F)
SPHERE_R = _A * (1 - _E2)
"""Radius of a sphere on which no distance is longer than on WGS-84 (the lower bound)."""
_SLACK = 1e-9  # relative, for rounding in the bound; it only lets a few more places through
_SLACK_M = 1e-6  # absolute: geographiclib is accurate to ~15 nm
_HALF_EARTH = math.pi * SPHERE_R
_MIN_BAND_DEG = 0.01


@dataclass(frozen=True)
class PlaceMatch:
    place: Place
    distance_m: float


def geodesic_m(lat: float, lon: float, place: Place) -> float:
    """The reference distance, measured exactly as a loop over all places would."""
    return geodesic((lat, lon), (place.lat, place.lon)).meters


def sphere_lower_bound_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on the radius-R sphere: never more than the WGS-84 geodesic."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * SPHERE_R * math.asin(min(1.0, math.sqrt(h)))


def _check_point(lat: float, lon: float) -> None:
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValueError(f"a GPS fix needs finite coordinates, got {lat!r}, {lon!r}")
    if not -90 <= lat <= 90 or not -180 <= lon <= 180:
        raise ValueError(f"latitude {lat} / longitude {lon} out of range (±90 / ±180)")


class PlaceIndex:
    """Places indexed for GPS snapping; build once per list of places and keep it."""

    def __init__(self, places: Sequence[Place]) -> None:
        self.places: tuple[Place, ...] = tuple(places)
        for place in self.places:
            _check_point(place.lat, place.lon)
        self.max_radius_m = max((p.radius_m for p in self.places), default=0.0)
        # band height: the largest radius (as an angle on the sphere), so a snap looks at
        # the point's band and its neighbours only
        radius_deg = math.degrees(self.max_radius_m / SPHERE_R)
        self._band_deg = max(radius_deg, _MIN_BAND_DEG)
        bands: dict[int, list[tuple[float, int]]] = {}
        for n, place in enumerate(self.places):
            bands.setdefault(self._band(place.lat), []).append((place.lon, n))
        self._bands = {
            key: ([lon for lon, _ in rows], [n for _, n in rows])
            for key, rows in ((k, sorted(v)) for k, v in bands.items())
        }

    def __len__(self) -> int:
        return len(self.places)

    def _band(self, lat: float) -> int:
        return math.floor(lat / self._band_deg)

    def _candidates(self, lat: float, lon: float, reach_m: float) -> Iterable[int]:
        """Indexes of every place within ``reach_m`` on the sphere (and some more)."""
        sigma = (reach_m * (1 + _SLACK) + _SLACK_M) / SPHERE_R  # angular reach
        if sigma >= math.pi:
            yield from range(len(self.places))
            return
        lat_lo = max(-90.0, lat - math.degrees(sigma))
        lat_hi = min(90.0, lat + math.degrees(sigma))
        # the widest longitude reach of a spherical cap: asin(sin σ / cos φ), unless it
        # holds a pole
        phi = math.radians(lat)
        if sigma < math.pi / 2 - abs(phi) - 1e-12:
            reach_deg = math.degrees(math.asin(min(1.0, math.sin(sigma) / math.cos(phi))))
            ranges = _lon_ranges(lon - reach_deg, lon + reach_deg)
        else:
            ranges = [(-180.0, 180.0)]
        for band in range(self._band(lat_lo), self._band(lat_hi) + 1):
            rows = self._bands.get(band)
            if rows is None:
                continue
            lons, ids = rows
            for lo, hi in ranges:
                yield from ids[bisect_left(lons, lo) : bisect_right(lons, hi)]

    def nearest(self, lat: float, lon: float) -> PlaceMatch | None:
        """The nearest place whose radius holds the point (ties: the earlier place), else None."""
        _check_point(lat, lon)
        best: PlaceMatch | None = None
        for n in sorted(self._candidates(lat, lon, self.max_radius_m)):
            place = self.places[n]
            if self._bound(lat, lon, n) > place.radius_m:
                continue
            distance = geodesic_m(lat, lon, place)
            if distance <= place.radius_m and (best is None or distance < best.distance_m):
                best = PlaceMatch(place, distance)
        return best

    def closest(self, lat: float, lon: float, limit: int = 5) -> list[PlaceMatch]:
        """The ``limit`` nearest places at any distance, nearest first (for a pick list).

        Widens the reach until ``limit`` places lie within it, then measures them in order of
        their bound and stops once the next bound exceeds the ``limit``-th distance: any place
        left out is, by the bound, farther than all of those returned.
        """
        _check_point(lat, lon)
        limit = min(limit, len(self.places))
        if limit <= 0:
            return []
        reach = max(1_000.0, self.max_radius_m)
        while True:
            bounds = sorted(
                (bound, n)
                for n in set(self._candidates(lat, lon, reach))
                if (bound := self._bound(lat, lon, n)) <= reach
            )
            if len(bounds) < limit and reach < _HALF_EARTH:
                reach *= 4
                continue
            ranked: list[tuple[float, int]] = []
            for bound, n in bounds:
                if len(ranked) == limit and bound > ranked[-1][0]:
                    break
                ranked = sorted([*ranked, (geodesic_m(lat, lon, self.places[n]), n)])[:limit]
            if ranked[-1][0] <= reach or reach >= _HALF_EARTH:
                return [PlaceMatch(self.places[n], distance) for distance, n in ranked]
            reach = ranked[-1][0]  # a farther place might still beat the last one: look again

    def _bound(self, lat: float, lon: float, n: int) -> float:
        place = self.places[n]
        return sphere_lower_bound_m(lat, lon, place.lat, place.lon) * (1 - _SLACK) - _SLACK_M


def _lon_ranges(lo: float, hi: float) -> list[tuple[float, float]]:
    """[lo, hi] in degrees as ranges within [-180, 180], split at the antimeridian."""
    if hi - lo >= 360:
        return [(-180.0, 180.0)]
    if lo < -180:
        return [(-180.0, hi), (lo + 360, 180.0)]
    if hi > 180:
        return [(lo, 180.0), (-180.0, hi - 360)]
    return [(lo, hi)]


def load_place_index(session: Session, area_ids: list[str] | None = None) -> PlaceIndex:
    """An index of the stored places (of the given areas); the app keeps one per session."""
    return PlaceIndex(list_places(session, area_ids))


def place_for_fix(
    session: Session, lat: float, lon: float, area_ids: list[str] | None = None
) -> PlaceMatch | None:
    """The named place of one GPS fix, from the store.

    Reads the places on every call: for repeated fixes, hold a ``load_place_index`` instead.
    """
    return load_place_index(session, area_ids).nearest(lat, lon)
