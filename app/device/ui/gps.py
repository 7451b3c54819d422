"""One GPS fix, asked politely and never waited on for long.

flet-geolocator on the web hangs on some calls (a permission request once granted, the web
configuration): so the status is checked first, permission is requested only when it was
denied, and every call is bounded. Any failure simply means "no position" — the officer
picks the place by hand and saving goes on.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from enum import StrEnum

import flet_geolocator as fgl

from app.device.ui.state import Fix

log = logging.getLogger(__name__)
CALL_TIMEOUT_S = 15.0


class GpsProblem(StrEnum):
    denied = "denied"
    timeout = "timeout"
    unavailable = "unavailable"


@dataclass(frozen=True)
class GpsResult:
    fix: Fix | None
    problem: GpsProblem | None = None


_DENIED = {
    fgl.GeolocatorPermissionStatus.DENIED_FOREVER,
    fgl.GeolocatorPermissionStatus.UNABLE_TO_DETERMINE,
}


async def locate(geo: fgl.Geolocator, timeout: float = CALL_TIMEOUT_S) -> GpsResult:
    """The current position, or why there is none."""
    try:
        status = await asyncio.wait_for(geo.get_permission_status(), timeout)
        if status == fgl.GeolocatorPermissionStatus.DENIED:
            status = await asyncio.wait_for(geo.request_permission(), timeout)
        if status in _DENIED or status == fgl.GeolocatorPermissionStatus.DENIED:
            return GpsResult(None, GpsProblem.denied)
        position = await asyncio.wait_for(
            geo.get_current_position(
                fgl.GeolocatorConfiguration(accuracy=fgl.GeolocatorPositionAccuracy.HIGH)
            ),
            timeout,
        )
    except TimeoutError:
        return GpsResult(None, GpsProblem.timeout)
    except Exception as exc:  # the client reports a refused or failed fix as an error
        log.info("no GPS fix: %s", exc)
        text = str(exc).lower()
        denied = "denied" in text or "permission" in text
        return GpsResult(None, GpsProblem.denied if denied else GpsProblem.unavailable)
    if position.latitude is None or position.longitude is None:
        return GpsResult(None, GpsProblem.unavailable)
    accuracy = float(position.accuracy) if position.accuracy is not None else None
    return GpsResult(Fix(float(position.latitude), float(position.longitude), accuracy))
