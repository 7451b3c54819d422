"""Named places."""

from sqlmodel import Session, col, select

from app.core.model import OutboxItem, Place, PlaceIn
from app.core.model.ids import new_id


def save_place(session: Session, place_in: PlaceIn) -> Place:
    """Insert, or update the place with the same id."""
    place_in = PlaceIn.model_validate(place_in.model_dump())
    data = place_in.model_dump(exclude={"id"})
    place = session.get(Place, place_in.id) if place_in.id else None
    if place is None:
        place = Place(id=place_in.id or new_id(), **data)
    else:
        for key, value in data.items():
            setattr(place, key, value)
    session.add(place)
    session.flush()
    return place


def add_device_place(session: Session, place_in: PlaceIn, officer_id: str) -> Place:
    """A place named on this device by ``officer_id``, queued for sync in the same transaction:
    it travels to the unit before the entries logged at it (the outbox keeps the order)."""
    place = save_place(session, place_in)
    session.add(OutboxItem(object_type="place", object_id=place.id, officer_id=officer_id))
    session.flush()
    return place


def list_places(session: Session, area_ids: list[str] | None = None) -> list[Place]:
    query = select(Place).order_by(Place.name)
    if area_ids is not None:
        query = query.where(col(Place.area_id).in_(area_ids))
    return list(session.exec(query))
