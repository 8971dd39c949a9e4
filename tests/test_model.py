"""The model rejects bad plans once, when a festival is built, naming the item."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from ngayhoi import data
from ngayhoi.errors import PlanError, PlanErrors, UnitNotValidError, UnknownReferenceError
from ngayhoi.model import (
    Activity,
    Dependency,
    Festival,
    PrepTask,
    Requirement,
    Resource,
    Site,
    TravelTimes,
    Unit,
)
from ngayhoi.text import nfc, slugify

from conftest import DAY, act, at, one_site_festival


def test_a_2023_plan_naming_rach_kien_fails_with_the_units_valid_then() -> None:
    with pytest.raises(UnitNotValidError, match=r"rach-kien.*valid from 2025-07-01.*long-khe"):
        data.unit_on("rach-kien", pendulum.date(2023, 8, 6))
    unit = data.unit_on("rach-kien", pendulum.date(2025, 8, 10))
    with pytest.raises(UnitNotValidError, match=r"'rach-kien' \(Xã Rạch Kiến\).*2023-08-06"):
        Festival(id="f", name="F", days=[pendulum.date(2023, 8, 6)], units=[unit])


def test_a_2025_plan_naming_long_khe_fails_and_names_its_successor() -> None:
    with pytest.raises(UnitNotValidError, match=r"long-khe.*until 2025-06-30.*rach-kien"):
        data.unit_on("long-khe", pendulum.date(2025, 8, 10))
    unit = data.unit_on("long-khe", pendulum.date(2023, 8, 6))
    with pytest.raises(UnitNotValidError, match=r"became part of 'rach-kien'"):
        Festival(id="f", name="F", days=[pendulum.date(2025, 8, 10)], units=[unit])


def test_the_17_units_become_6_communes_on_1_july_2025() -> None:
    before = data.can_duoc_communes(pendulum.date(2025, 6, 30))
    after = data.can_duoc_communes(pendulum.date(2025, 7, 1))
    assert len(before) == 17
    assert len(after) == 6
    assert {u.successor for u in before} == {u.id for u in after}
    assert sum(len(data.predecessors(u)) for u in after) == 17


def test_unit_names_are_stored_in_nfc() -> None:
    for unit in data.all_units():
        assert unit.official_name == nfc(unit.official_name)
    decomposed = "Xa\u0303 Long Ho\u0300a"
    site = Site(id="s", name=decomposed, unit="x")
    assert site.name == nfc(decomposed)


def test_search_is_diacritic_and_tone_placement_insensitive() -> None:
    assert [u.id for u in data.search_units("Long Hoà", DAY)] == ["long-hoa"]
    assert [u.id for u in data.search_units("LONG HUU", pendulum.date(2025, 8, 10))] == ["long-huu"]


def test_slugs_drop_the_kind_and_diacritics() -> None:
    assert slugify("Xã Long Hựu Đông") == "long-huu-dong"
    assert slugify("Thị trấn Cần Đước") == "can-duoc"


def test_duplicate_activity_ids_are_refused() -> None:
    with pytest.raises(PlanError, match="duplicate activity id 'a'"):
        one_site_festival(act("a"), act("a"))


def test_unknown_site_names_the_activity_and_suggests() -> None:
    bad = Activity(id="a", kind="other", title="A", site="ss", duration=5)
    with pytest.raises(
        UnknownReferenceError, match=r"activity 'a': unknown site 'ss' \(valid: s\)"
    ):
        one_site_festival(bad)


def test_unknown_dependency_end_is_named() -> None:
    with pytest.raises(UnknownReferenceError, match=r"dependency 'a->b'.*unknown activity 'b'"):
        one_site_festival(act("a"), dependencies=[Dependency("a", "b")])


def test_unknown_resource_is_named() -> None:
    with pytest.raises(UnknownReferenceError, match=r"unknown resource or group 'doan'"):
        one_site_festival(act("a", needs=[Requirement("doan")]))


def test_naive_time_is_refused_with_the_fix() -> None:
    with pytest.raises(PlanError, match=r"activity 'a'.*fixed_start .* has no time zone.*tz="):
        act("a", fixed_start=dt.datetime(2023, 8, 6, 6, 45))  # noqa: DTZ001 - the point


def test_zero_duration_is_refused() -> None:
    with pytest.raises(PlanError, match=r"activity 'a'.*duration is 0 min; expected at least 1"):
        act("a", 0)


def test_window_shorter_than_duration_is_refused() -> None:
    with pytest.raises(PlanError, match=r"window .* is shorter than its duration of 30 min"):
        act("a", 30, earliest_start=at(7), latest_end=at(7, 20))


def test_min_lag_above_max_lag_is_refused() -> None:
    with pytest.raises(PlanError, match=r"max_lag 5 min is below min_lag 10 min"):
        Dependency("a", "b", min_lag=10, max_lag=5)


def test_times_outside_the_festival_days_are_refused() -> None:
    with pytest.raises(PlanError, match=r"outside the festival's days"):
        one_site_festival(act("a", fixed_start=at(7).add(days=1)))


def test_day_outside_the_campaign_is_refused() -> None:
    with pytest.raises(PlanError, match=r"outside the campaign window 2023-07-01 to 2023-08-01"):
        Festival(id="f", name="F", days=[DAY], campaign=("2023-07-01", "2023-08-01"))


def test_bad_ids_are_refused_with_a_suggestion() -> None:
    with pytest.raises(PlanError, match=r"try 'long-hoa'"):
        Site(id="Long Hòa", name="x", unit="x")


def test_prep_task_due_before_its_predecessor_is_refused() -> None:
    role = Resource(id="btc", name="Ban tổ chức", kind="role")
    tasks = [
        PrepTask(id="p1", title="Kế hoạch", offset_days=-10, owner="btc"),
        PrepTask(id="p2", title="Giấy mời", offset_days=-20, owner="btc", after=["p1"]),
    ]
    with pytest.raises(
        PlanError, match=r"prep task 'p2' \(Giấy mời\) is due 2023-07-17, before 'p1'"
    ):
        one_site_festival(resources=[role], prep_tasks=tasks)


def test_delegation_capacity_must_be_one() -> None:
    with pytest.raises(PlanError, match=r"a delegation is one group"):
        Resource(id="d", name="Đoàn", kind="delegation", capacity=2)


def test_negative_travel_time_is_refused() -> None:
    with pytest.raises(PlanError, match=r"travel time from 'a' to 'b': -5"):
        TravelTimes(minutes={("a", "b"): -5})


def test_travel_times_are_symmetric_unless_given_both_ways() -> None:
    tt = TravelTimes(minutes={("a", "b"): 10, ("b", "a"): 12})
    assert (tt.lookup("a", "b"), tt.lookup("b", "a")) == (10, 12)


def test_festival_equality_ignores_the_index() -> None:
    assert one_site_festival(act("a")) == one_site_festival(act("a"))
    assert one_site_festival(act("a")) != one_site_festival(act("a", 11))


def test_festival_build_names_every_cross_object_error_where_the_constructor_names_the_first() -> (
    None
):
    fields: dict[str, object] = {
        "id": "t",
        "name": "Ngày hội thử",
        "days": [DAY],
        "units": [Unit(id="x", name="Long Hòa", official_name="Xã Long Hòa", kind="xã")],
        "sites": [Site(id="s", name="Hội trường UBND xã Long Hòa", unit="y")],
        "activities": [act("a"), act("a"), act("b", roles=("mc",))],
        "dependencies": [Dependency(predecessor="a", successor="c")],
    }
    with pytest.raises(UnknownReferenceError) as first:
        Festival(**fields)  # type: ignore[arg-type]
    with pytest.raises(PlanErrors) as every:
        Festival.build(**fields)
    found = [(e.kind, e.item, e.field) for e in every.value.errors]
    assert found == [
        ("site", "s", "unit"),
        ("activity", "a", "id"),
        ("activity", "b", "roles"),
        ("dependency", "a->c", "successor"),
    ]
    assert str(every.value) == str(first.value)
