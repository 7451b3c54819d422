"""The priority action plan (plan działania priorytetowego) in its five official sections.

1 threat (+ how it was diagnosed), 2 goal with a measurable criterion, 3 actions with dates,
4 partners with their tasks, 5 channels of informing the community.
"""

from datetime import date, datetime, time
from typing import Self

from pydantic import JsonValue, field_validator, model_validator
from sqlmodel import JSON, Field, SQLModel

from app.core.model.clock import utcnow
from app.core.model.enums import (
    CriterionKind,
    EntryKind,
    FrequencyUnit,
    Measure,
    PlanStatus,
    enum_type,
)
from app.core.model.ids import new_id

TEXT_MAX = 20_000


class CriterionFields(SQLModel):
    """Section 2's measurable criterion, flattened onto the plan."""

    criterion_kind: CriterionKind = Field(
        default=CriterionKind.qualitative, sa_type=enum_type(CriterionKind)
    )
    criterion_measures: list[Measure] = Field(default_factory=list, sa_type=JSON)
    criterion_target: int | None = Field(default=None, ge=0, le=1_000_000)
    criterion_baseline: int | None = Field(
        default=None, ge=0, le=1_000_000, description="previous period's value, if entered"
    )
    criterion_place_id: str | None = Field(default=None, foreign_key="place.id", max_length=36)
    criterion_text: str = Field(default="", max_length=TEXT_MAX)

    @model_validator(mode="after")
    def _criterion_is_measurable(self) -> Self:
        kind = self.criterion_kind
        if kind == CriterionKind.qualitative:
            return self
        if not self.criterion_measures:
            raise ValueError(f"criterion '{kind}' needs at least one measure")
        if self.criterion_target is None or self.criterion_target <= 0:
            raise ValueError(f"criterion '{kind}' needs a positive target")
        if kind == CriterionKind.reduce_by_percent and self.criterion_target > 100:
            raise ValueError("a reduction target is a percentage from 1 to 100")
        return self


class PlanBase(CriterionFields):
    area_id: str = Field(foreign_key="service_area.id", max_length=36, index=True)
    officer_id: str = Field(foreign_key="officer.id", max_length=36, index=True)
    title: str = Field(default="", max_length=300)
    period_start: date
    period_end: date
    threat: str = Field(min_length=1, max_length=TEXT_MAX)
    diagnosis: str = Field(default="", max_length=TEXT_MAX)
    goal: str = Field(min_length=1, max_length=TEXT_MAX)

    @model_validator(mode="after")
    def _period_is_ordered(self) -> Self:
        if self.period_end < self.period_start:
            raise ValueError(
                f"the period ends ({self.period_end}) before it starts ({self.period_start})"
            )
        return self


class Plan(PlanBase, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    status: PlanStatus = Field(default=PlanStatus.draft, sa_type=enum_type(PlanStatus))
    review_note: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    server_version: int | None = Field(default=None, index=True)
    criterion_baseline_by: str = Field(
        default="", max_length=300, description="who entered the baseline (name, badge)"
    )
    criterion_baseline_at: datetime | None = Field(
        default=None, description="when the baseline was entered or last corrected"
    )
    returned_content: dict[str, JsonValue] | None = Field(
        default=None,
        sa_type=JSON,
        description="the plan's content when it was last returned (to show what changed since)",
    )


class ActionBase(SQLModel):
    text: str = Field(min_length=1, max_length=TEXT_MAX)
    kind: EntryKind = Field(default=EntryKind.other, sa_type=enum_type(EntryKind))
    start_date: date | None = Field(default=None, description="None: from the plan's start")
    end_date: date | None = Field(default=None, description="None: to the plan's end")
    deadline: bool = Field(default=False, description="a one-off task due by end_date")
    time_from: time | None = None
    time_to: time | None = Field(default=None, description="earlier than time_from: past midnight")
    weekdays: list[int] | None = Field(default=None, sa_type=JSON, description="0=Mon … 6=Sun")
    freq_times: int | None = Field(default=None, ge=1, le=100)
    freq_per: FrequencyUnit | None = Field(default=None, sa_type=enum_type(FrequencyUnit))
    place_id: str | None = Field(default=None, foreign_key="place.id", max_length=36)

    @model_validator(mode="after")
    def _window_is_consistent(self) -> Self:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError(
                f"the action ends ({self.end_date}) before it starts ({self.start_date})"
            )
        if self.deadline and self.end_date is None:
            raise ValueError("a deadline action needs an end date")
        if (self.time_from is None) != (self.time_to is None):
            raise ValueError("daily hours need both a start and an end time")
        if (self.freq_times is None) != (self.freq_per is None):
            raise ValueError("a frequency needs both a count and a unit (e.g. 2 per week)")
        return self

    @field_validator("weekdays")
    @classmethod
    def _weekdays_in_range(cls, value: list[int] | None) -> list[int] | None:
        if value is None:
            return None
        if not value or any(not 0 <= d <= 6 for d in value):
            raise ValueError("weekdays are numbers 0 (Monday) to 6 (Sunday), at least one")
        return sorted(set(value))


class Action(ActionBase, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    plan_id: str = Field(foreign_key="plan.id", max_length=36, index=True)
    position: int = 0


class PartnerBase(SQLModel):
    name: str = Field(min_length=1, max_length=500)
    tasks: str = Field(default="", max_length=TEXT_MAX)


class Partner(PartnerBase, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    plan_id: str = Field(foreign_key="plan.id", max_length=36, index=True)
    position: int = 0


class ChannelBase(SQLModel):
    text: str = Field(min_length=1, max_length=TEXT_MAX)


class Channel(ChannelBase, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    plan_id: str = Field(foreign_key="plan.id", max_length=36, index=True)
    position: int = 0


class ActionIn(ActionBase):
    id: str | None = Field(default=None, max_length=36)


class PartnerIn(PartnerBase):
    id: str | None = Field(default=None, max_length=36)


class ChannelIn(ChannelBase):
    id: str | None = Field(default=None, max_length=36)


class PlanIn(PlanBase):
    """A whole plan, validated, as written by an officer, the importer or the demo loader."""

    id: str | None = Field(default=None, max_length=36)
    status: PlanStatus = PlanStatus.draft
    actions: list[ActionIn] = Field(default_factory=list)
    partners: list[PartnerIn] = Field(default_factory=list)
    channels: list[ChannelIn] = Field(default_factory=list)

    @model_validator(mode="after")
    def _actions_within_period(self) -> Self:
        for number, action in enumerate(self.actions, start=1):
            for label, day in (("starts", action.start_date), ("ends", action.end_date)):
                if day and not self.period_start <= day <= self.period_end:
                    raise ValueError(
                        f"action {number} {label} on {day}, outside the plan's period "
                        f"{self.period_start}–{self.period_end}"
                    )
        return self
