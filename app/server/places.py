"""Places over the API: an officer names a new place in the field and it reaches the unit.

A place travels before the entries logged at it (the device's outbox keeps the order), so
the service knows it when those entries arrive. Who may write it follows the same reach as
every other write: an officer their own areas, a supervisor their unit's, an admin any.
"""

from sqlmodel import Session

from app.core.model import Place, PlaceIn, ServiceArea
from app.core.store.places import save_place
from app.core.sync.schemas import PlaceWriteIn, RefusalCode
from app.server.push import Refused
from app.server.scope import Scope


def write_place(session: Session, scope: Scope, place_id: str, body: PlaceWriteIn) -> Place:
    """Create the place, or change one in reach; the caller commits."""
    if body.area_id is None:
        if not scope.everything:
            raise Refused(
                403, "a new place must belong to one of your areas", RefusalCode.outside_areas
            )
    elif session.get(ServiceArea, body.area_id) is None:
        raise Refused(400, f"unknown area {body.area_id}", RefusalCode.unknown_area)
    elif not scope.has_area(body.area_id):
        raise Refused(403, f"area {body.area_id} is outside your areas", RefusalCode.outside_areas)
    stored = session.get(Place, place_id)
    if stored is not None and not scope.has_area(stored.area_id):
        raise Refused(403, f"place {place_id} belongs to another area", RefusalCode.outside_areas)
    return save_place(session, PlaceIn(id=place_id, **body.model_dump()))
