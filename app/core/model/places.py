"""Named places an officer checks: a playground, a shop, a block of flats."""

from sqlmodel import JSON, Field, SQLModel

from app.core.model.ids import new_id


class PlaceBase(SQLModel):
    name: str = Field(min_length=2, max_length=200)
    aliases: list[str] = Field(default_factory=list, sa_type=JSON)
    address: str = Field(default="", max_length=300)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    radius_m: float = Field(default=75, gt=0, le=5000)
    area_id: str | None = Field(default=None, foreign_key="service_area.id", max_length=36)


class Place(PlaceBase, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    server_version: int | None = Field(default=None, index=True)


class PlaceIn(PlaceBase):
    """A place as typed by an officer or sent by a device (validated)."""

    id: str | None = Field(default=None, max_length=36)
