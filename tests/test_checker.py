"""The independent checker: each rule broken exactly once, and a schedule that keeps them all."""

from __future__ import annotations

import attrs
import pendulum
import pytest

from ngayhoi.model import (
    Activity,
    Dependency,
    DependencyType,
    Festival,
    Requirement,
    Resource,
    Site,
    SyncGroup,
    TravelTimes,
    Unit,
)
from ngayhoi.scheduling import Schedule, Slot, Status
from ngayhoi.scheduling.checker import RULES, check_schedule

from conftest import DAY, TZ


def _festival() -> Festival:
    units = [Unit(id=u, name=u.upper(), official_name=f"Xã {u.upper()}", kind="xã") for u in "xy"]
    sites = [Site(id=f"s{u}", name=f"Sân {u}", unit=u) for u in "xy"]

    def act(ident: str, site: str, minutes: int, **kw: object) -> Activity:
        return Activity(
            id=ident,
            kind="other",
            title=f"Mục {ident}",
            site=site,
            duration=minutes,
            **kw,  # type: ignore[arg-type]
        )

    def at(hour: int, minute: int = 0) -> pendulum.DateTime:
        return pendulum.datetime(DAY.year, DAY.month, DAY.day, hour, minute, tz=TZ)

    return Festival(
        id="chk",
        name="Kiểm tra",
        days=[DAY],
        units=units,
        sites=sites,
        activities=[
            act("p1", "sx", 30, fixed_start=at(6, 45)),
            act("p2", "sy", 30),
            act("a1", "sx", 15, needs=[Requirement("doan")]),
            act("a2", "sy", 15, needs=[Requirement("doan")]),
            act("g1", "sx", 60, outdoor=True, needs=[Requirement("loa")]),
            act("g2", "sy", 60, outdoor=True, needs=[Requirement("loa")]),
        ],
        dependencies=[
            Dependency("p1", "a1", min_lag=15, max_lag=60),
            Dependency("p2", "a2", DependencyType.FS, min_lag=15),
            Dependency("a1", "g1"),
            Dependency("a2", "g2"),
        ],
        sync_groups=[SyncGroup(id="dl", title="Diễu hành đồng loạt", activities=["p1", "p2"])],
        resources=[
            Resource(id="doan-1", name="Đoàn 1", kind="delegation", group="doan"),
            Resource(id="loa", name="Bộ loa", kind="pool", capacity=1),
        ],
        travel=TravelTimes(minutes={("sx", "sy"): 20}),
    )


def _schedule(fest: Festival, **moves: int) -> Schedule:
    """A valid hand-made schedule; ``moves`` shift single activities by minutes."""
    minute = {"p1": 405, "p2": 405, "a1": 450, "a2": 485, "g1": 465, "g2": 525}
    held = {"a1": ("doan-1",), "a2": ("doan-1",), "g1": ("loa",), "g2": ("loa",)}
    slots = {}
    for act in fest.activities:
        start = minute[act.id] + moves.get(act.id, 0)
        slots[act.id] = Slot(
            activity=act.id,
            start=fest.at(start),
            end=fest.at(start + int(act.duration.total_seconds() // 60)),
            resources=held.get(act.id, ()),
        )
    return Schedule(festival=fest, status=Status.FEASIBLE, slots=slots, solver="hand")


def _rules(schedule: Schedule) -> list[str]:
    return [v.rule for v in check_schedule(schedule)]


def test_a_schedule_keeping_every_rule_has_no_violation() -> None:
    assert check_schedule(_schedule(_festival())) == []


def test_precedence_broken_once() -> None:
    fest = _festival()
    violations = RULES["precedence"](_schedule(fest, a2=-40))
    assert [(v.rule, v.activities, v.amount) for v in violations] == [
        ("precedence", ("p2", "a2"), 5)
    ]
    assert "must be at least 15 min after Mục p2 at Y" in violations[0].message


def test_max_lag_broken_once() -> None:
    fest = _festival()
    sched = _schedule(fest, a1=60, g1=60)
    violations = RULES["precedence"](sched)
    assert [(v.activities, v.amount) for v in violations] == [(("p1", "a1"), 15)]
    assert "at most 60 min" in violations[0].message


def test_window_broken_once_by_the_outdoor_limit() -> None:
    fest = _festival()
    sched = _schedule(fest, g2=100)
    violations = RULES["window"](sched)
    assert [(v.activities, v.amount) for v in violations] == [(("g2",), 25)]
    assert "outdoors and must end by 11:00" in violations[0].message


def test_fixed_start_broken_once() -> None:
    fest = _festival()
    violations = RULES["window"](_schedule(fest, p1=5))
    assert [(v.activities, v.amount) for v in violations] == [(("p1",), 5)]


def test_simultaneity_broken_once() -> None:
    fest = _festival()
    violations = RULES["simultaneity"](_schedule(fest, p2=5))
    assert [(v.activities, v.amount) for v in violations] == [(("p1", "p2"), 5)]


def test_capacity_broken_once() -> None:
    fest = attrs.evolve(
        _festival(),
        resources=[
            Resource(id="doan-1", name="Đoàn 1", kind="delegation", group="doan"),
            Resource(id="loa", name="Bộ loa", kind="pool", capacity=2),
        ],
    )
    base = _schedule(fest, g2=-30)
    slots = dict(base.slots)
    for aid in ("g1", "g2"):
        slots[aid] = attrs.evolve(slots[aid], pool_units=(("loa", (1,)),))
    sched = attrs.evolve(base, slots=slots)
    violations = RULES["capacity"](sched)
    assert [(v.rule, v.activities) for v in violations] == [("capacity", ("g1", "g2"))]
    assert "hold the same unit 1" in violations[0].message


def test_pool_over_capacity_found() -> None:
    fest = _festival()
    sched = _schedule(fest, g2=-50)  # the one loa at both sites at once
    assert "overlap" in _rules(sched)


def test_travel_broken_once() -> None:
    fest = _festival()
    violations = RULES["unary-travel"](_schedule(fest, a2=-5))
    assert [(v.rule, v.activities, v.amount) for v in violations] == [("travel", ("a1", "a2"), 5)]
    assert "the drive takes 20 min" in violations[0].message


def test_unary_overlap_found() -> None:
    fest = _festival()
    violations = RULES["unary-travel"](_schedule(fest, a2=-30))
    assert [v.rule for v in violations] == ["overlap"]


def test_non_preemption_broken_once() -> None:
    fest = _festival()
    base = _schedule(fest)
    slots = dict(base.slots)
    slots["g1"] = attrs.evolve(slots["g1"], end=slots["g1"].end.add(minutes=10))
    violations = RULES["non-preemption"](attrs.evolve(base, slots=slots))
    assert [(v.activities, v.amount) for v in violations] == [(("g1",), 10)]


def test_requirement_broken_once() -> None:
    fest = _festival()
    base = _schedule(fest)
    slots = dict(base.slots)
    slots["a2"] = attrs.evolve(slots["a2"], resources=())
    violations = RULES["requirement"](attrs.evolve(base, slots=slots))
    assert [(v.activities, v.resource) for v in violations] == [(("a2",), "doan")]


def test_missing_activity_found() -> None:
    fest = _festival()
    base = _schedule(fest)
    slots = {k: v for k, v in base.slots.items() if k != "g2"}
    violations = RULES["complete"](attrs.evolve(base, slots=slots))
    assert [v.activities for v in violations] == [("g2",)]


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_rule_accepts_the_valid_schedule(rule: str) -> None:
    assert RULES[rule](_schedule(_festival())) == []
