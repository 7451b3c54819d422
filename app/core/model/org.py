"""Who works where: units (KPP/KMP, komisariat), service areas (rejony), officers."""

from pydantic import field_validator
from sqlmodel import Field, SQLModel

from app.core.model.enums import Role, enum_type
from app.core.model.ids import new_id
from app.core.model.roman import parse_area_number


class UnitBase(SQLModel):
    name: str = Field(min_length=2, max_length=200, description="e.g. 'KPP w Lubartowie'")
    city: str = Field(default="", max_length=100)


class Unit(UnitBase, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    server_version: int | None = Field(default=None, index=True)


class ServiceAreaBase(SQLModel):
    unit_id: str = Field(foreign_key="unit.id", max_length=36)
    number_text: str = Field(min_length=1, max_length=20, description="as written: '3', 'XIII'")
    name: str = Field(default="", max_length=200)

    @field_validator("number_text")
    @classmethod
    def _readable_number(cls, value: str) -> str:
        parse_area_number(value)  # raises ValueError with a clear message
        return value.strip()


class ServiceArea(ServiceAreaBase, table=True):
    __tablename__ = "service_area"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    number: int = Field(index=True, description="normalised area number")
    server_version: int | None = Field(default=None, index=True)


class OfficerBase(SQLModel):
    badge: str = Field(min_length=3, max_length=20, regex=r"^[0-9A-Za-z-]+$")
    name: str = Field(min_length=2, max_length=120)
    role: Role = Field(default=Role.officer, sa_type=enum_type(Role))
    unit_id: str = Field(foreign_key="unit.id", max_length=36)


class Officer(OfficerBase, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    badge: str = Field(unique=True, index=True, max_length=20)
    password_hash: str | None = Field(default=None, max_length=255)
    active: bool = Field(default=True)
    server_version: int | None = Field(default=None, index=True)


class OfficerArea(SQLModel, table=True):
    __tablename__ = "officer_area"

    officer_id: str = Field(foreign_key="officer.id", primary_key=True, max_length=36)
    area_id: str = Field(foreign_key="service_area.id", primary_key=True, max_length=36)
