"""Bad input to the model is refused with a message that names the problem."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from pydantic import ValidationError

from app.core.model import ActionIn, EntryIn, PlaceIn, PlanIn, ServiceAreaBase
from app.core.model.roman import parse_area_number, roman_to_int

NOW = datetime(2024, 3, 1, 18, 30, tzinfo=UTC)


def entry(**changes: object) -> EntryIn:
    data: dict[str, object] = {"kind": "place_check", "occurred_at": NOW}
    data.update(changes)
    return EntryIn.model_validate(data)


def plan(**changes: object) -> PlanIn:
    data: dict[str, object] = {
        "area_id": "a",
        "officer_id": "o",
        "period_start": date(2024, 1, 1),
        "period_end": date(2024, 6, 30),
        "threat": "t",
        "goal": "g",
    }
    data.update(changes)
    return PlanIn.model_validate(data)


def test_a_valid_entry_keeps_its_counts() -> None:
    e = entry(persons_legitimised=3, leaflets="12", lat=51.4663, lon=22.6107, accuracy_m=8)
    assert e.counts()["persons_legitimised"] == 3
    assert e.counts()["leaflets"] == 12


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"persons_legitimised": -1}, "greater than or equal to 0"),
        ({"leaflets": 2.5}, "whole number"),
        ({"fines": True}, "whole number"),
        ({"cautions": "dwa"}, "whole number"),
        ({"residents_spoken": 10_001}, "less than or equal to 10000"),
        ({"lat": 91, "lon": 22.6}, "less than or equal to 90"),
        ({"lat": 51.0, "lon": -181}, "greater than or equal to -180"),
        ({"lat": 51.0}, "both latitude and longitude"),
        ({"accuracy_m": 5}, "accuracy given without a position"),
        ({"kind": "arrest"}, "Input should be 'place_check'"),
        ({"occurred_at": datetime(2024, 3, 1, 18, 30)}, "needs a time zone"),
        ({"occurred_at": datetime.now(UTC) + timedelta(days=2)}, "in the future"),
        ({"note": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_bad_entries_are_refused_with_a_clear_message(changes: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        entry(**changes)


def test_a_plan_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"period ends \(2023-12-31\) before it starts"):
        plan(period_end=date(2023, 12, 31))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"criterion_kind": "at_least", "criterion_target": 80}, "needs at least one measure"),
        (
            {"criterion_kind": "at_least", "criterion_measures": ["residents_spoken"]},
            "needs a positive target",
        ),
        (
            {
                "criterion_kind": "reduce_by_percent",
                "criterion_measures": ["offences"],
                "criterion_target": 150,
            },
            "percentage from 1 to 100",
        ),
        ({"criterion_kind": "at_least", "criterion_measures": ["arrests"]}, "Input should be"),
    ],
)
def test_criteria_must_be_measurable(changes: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        plan(**changes)


def test_measurable_criteria_are_accepted() -> None:
    p = plan(
        criterion_kind="reduce_by_percent",
        criterion_measures=["offences", "interventions"],
        criterion_target=50,
        criterion_baseline=16,
    )
    assert p.criterion_measures == ["offences", "interventions"]
    assert plan().criterion_kind == "qualitative"


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (
            {"start_date": date(2024, 5, 1), "end_date": date(2024, 4, 1)},
            "ends .* before it starts",
        ),
        ({"deadline": True}, "deadline action needs an end date"),
        ({"time_from": time(7)}, "both a start and an end time"),
        ({"freq_times": 2}, "both a count and a unit"),
        ({"weekdays": [0, 7]}, "0 \\(Monday\\) to 6 \\(Sunday\\)"),
        ({"weekdays": []}, "at least one"),
        ({"kind": "dance"}, "Input should be"),
    ],
)
def test_inconsistent_actions_are_refused(action: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ActionIn.model_validate({"text": "x", **action})


def test_actions_must_fall_within_the_plan_period() -> None:
    with pytest.raises(ValidationError, match="action 1 ends on 2024-07-31, outside"):
        plan(actions=[{"text": "x", "end_date": date(2024, 7, 31)}])


def test_a_window_across_midnight_is_valid() -> None:
    action = ActionIn(text="Kontrole", time_from=time(21), time_to=time(2), weekdays=[5, 4, 5])
    assert action.weekdays == [4, 5]


def test_places_need_valid_coordinates_and_radius() -> None:
    with pytest.raises(ValidationError, match="less than or equal to 90"):
        PlaceIn(name="Plac", lat=91, lon=22)
    with pytest.raises(ValidationError, match="greater than 0"):
        PlaceIn(name="Plac", lat=51, lon=22, radius_m=0)


@pytest.mark.parametrize(
    ("text", "number"), [("3", 3), ("03", 3), ("XIII", 13), ("xii", 12), ("nr 7", 7), ("IV", 4)]
)
def test_area_numbers_are_normalised(text: str, number: int) -> None:
    assert parse_area_number(text) == number


@pytest.mark.parametrize("text", ["", "IIII", "3a", "0", "XM"])
def test_unreadable_area_numbers_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"area number|Roman"):
        parse_area_number(text)
    with pytest.raises(ValidationError):
        ServiceAreaBase(unit_id="u", number_text=text or " ")


def test_roman_numerals() -> None:
    assert [roman_to_int(r) for r in ("I", "IX", "XL", "MCMXCIV")] == [1, 9, 40, 1994]
