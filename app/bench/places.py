"""Snapping a GPS fix to the nearest named place, against a plain geodesic loop."""

import random
import time

from geopy.distance import geodesic

from app.bench.data import ORIGIN, random_places
from app.bench.timing import Figure, Stats, sample
from app.core.model import Place


def brute_force(places: list[Place], lat: float, lon: float) -> str | None:
    """The reference: geodesic distance to every place, nearest one whose radius holds the fix."""
    best: tuple[float, str] | None = None
    for place in places:
        distance = geodesic((lat, lon), (place.lat, place.lon)).meters
        if distance <= place.radius_m and (best is None or distance < best[0]):
            best = (distance, place.id)
    return best[1] if best else None


def nearest_place(n_places: int = 10_000, n_fixes: int = 20, seed: int = 3) -> list[Figure]:
    from app.core.places.nearest import PlaceIndex

    places = random_places(n_places, spread_deg=0.3)
    rng = random.Random(seed)
    # half the fixes close to a place (inside or just outside its radius), half anywhere
    fixes = []
    for i in range(n_fixes):
        if i % 2:
            fixes.append((ORIGIN[0] + rng.uniform(-0.3, 0.3), ORIGIN[1] + rng.uniform(-0.3, 0.3)))
        else:
            place = rng.choice(places)
            jitter = (rng.uniform(-0.003, 0.003), rng.uniform(-0.003, 0.003))
            fixes.append((place.lat + jitter[0], place.lon + jitter[1]))
    index = PlaceIndex(places)

    # the reference loop is slow: each fix is timed once, and its answer kept for comparison
    expected, loop_times = [], []
    for lat, lon in fixes:
        begin = time.perf_counter()
        expected.append(brute_force(places, lat, lon))
        loop_times.append(time.perf_counter() - begin)
    answers = [m.place.id if (m := index.nearest(lat, lon)) else None for lat, lon in fixes]
    identical = answers == expected
    cycle = iter(fixes * 50)
    fast = sample(lambda: index.nearest(*next(cycle)), repeat=len(fixes) * 40, warmup=len(fixes))
    slow = Stats.of(loop_times)
    ratio = slow.median / fast.median
    matched = sum(1 for answer in expected if answer)
    return [
        Figure(f"nearest place by geodesic loop, {n_places:,} places (reference)", slow),
        Figure(
            f"nearest place via PlaceIndex, {n_places:,} places",
            fast,
            value=f"{matched}/{len(fixes)} snapped, identical: {'yes' if identical else 'NO'}",
            ratio=ratio,
            ratio_label="faster",
            target="≥ 100× faster, identical",
            met=identical and ratio >= 100,
        ),
    ]
