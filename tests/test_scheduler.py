"""The resource-aware scheduler, every installed backend: delegations, pools, windows, why not."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable

import attrs
import pendulum
import pytest

import ngayhoi
from ngayhoi.errors import DependencyCycleError, InfeasibleError, PlanError
from ngayhoi.export.text import itineraries
from ngayhoi.model import (
    Activity,
    Dependency,
    Festival,
    Requirement,
    Resource,
    Site,
    SyncGroup,
    TravelTimes,
    Unit,
)
from ngayhoi.samples import two_communes_one_delegation
from ngayhoi.scheduling import Schedule, Status, schedule_heuristic
from ngayhoi.scheduling.checker import (
    check_attendance,
    check_idle,
    check_protocol,
    check_schedule,
)

from conftest import DAY, TZ, load_example

HAS_ORTOOLS = importlib.util.find_spec("ortools") is not None
Backend = Callable[[Festival], Schedule]


def _heuristic(fest: Festival) -> Schedule:
    return schedule_heuristic(fest, seed=0, time_limit=0.5)


def _cpsat(fest: Festival) -> Schedule:
    from ngayhoi.scheduling.solvers.cpsat import schedule_cpsat  # noqa: PLC0415

    return schedule_cpsat(fest, time_limit=20)


BACKENDS = [
    pytest.param(_heuristic, id="heuristic"),
    pytest.param(
        _cpsat,
        id="cpsat",
        marks=pytest.mark.skipif(
            not HAS_ORTOOLS, reason="OR-Tools not installed: pip install 'ngayhoi[cpsat]'"
        ),
    ),
]


def at(hour: int, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(DAY.year, DAY.month, DAY.day, hour, minute, tz=TZ)


def _communes(*names: str) -> tuple[list[Unit], list[Site]]:
    units = [Unit(id=n, name=n.upper(), official_name=f"Xã {n.upper()}", kind="xã") for n in names]
    return units, [Site(id=n, name=f"UBND xã {n.upper()}", unit=n) for n in names]


def _award(unit: str, **kw: object) -> Activity:
    return Activity(
        id=f"{unit}.trao-thuong",
        kind="award-ceremony",
        title="Trao thưởng",
        site=unit,
        duration=15,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("run", BACKENDS)
def test_one_delegation_visits_two_communes_with_the_drive_between(run: Backend) -> None:
    sched = run(two_communes_one_delegation())
    assert sched.status.has_times
    assert not sched.violations
    assert check_schedule(sched) == []
    starts = sorted(s.start for s in sched.values())
    assert (starts[1] - starts[0]).in_minutes() == 15 + 25
    legs = [p for p in sched.itinerary("doan-1") if isinstance(p, ngayhoi.Leg)]
    assert [leg.minutes for leg in legs] == [25]


def test_the_wait_for_a_delegation_is_explained() -> None:
    sched = _heuristic(two_communes_one_delegation())
    (wait,) = sched.waits
    assert wait.minutes == 40
    assert wait.resource == "doan-1"
    assert "Đoàn 1 is at Trao thưởng at Xã A until 08:15 and needs 25 min to get here" in str(wait)


@pytest.mark.parametrize("run", BACKENDS)
def test_any_one_of_a_group_spreads_over_the_delegations(run: Backend) -> None:
    units, sites = _communes("a", "b", "c")
    fest = Festival(
        id="g",
        name="Ngày hội",
        days=[DAY],
        units=units,
        sites=sites,
        activities=[_award(u.id, fixed_start=at(8)) for u in units],
        resources=[
            Resource(id=f"doan-{k}", name=f"Đoàn {k}", kind="delegation", group="doan")
            for k in (1, 2, 3)
        ],
        travel=TravelTimes(default=20),
    )
    fest = _with_needs(fest, "doan")
    sched = run(fest)
    assert check_schedule(sched) == []
    assert sorted(r for s in sched.values() for r in s.resources) == ["doan-1", "doan-2", "doan-3"]


def _with_needs(fest: Festival, resource: str) -> Festival:
    import attrs  # noqa: PLC0415

    return attrs.evolve(
        fest,
        activities=[attrs.evolve(a, needs=[Requirement(resource)]) for a in fest.activities],
    )


@pytest.mark.parametrize("run", BACKENDS)
def test_a_pool_never_exceeds_its_capacity_and_units_are_numbered(run: Backend) -> None:
    units, sites = _communes("a", "b", "c", "d")
    fest = Festival(
        id="p",
        name="Ngày hội",
        days=[DAY],
        units=units,
        sites=sites,
        activities=[
            Activity(
                id=f"{u.id}.van-nghe",
                kind="performance",
                title="Văn nghệ",
                site=u.id,
                duration=30,
                earliest_start=at(7),
                needs=[Requirement("loa")],
            )
            for u in units
        ],
        resources=[Resource(id="loa", name="Bộ âm thanh lưu động", kind="pool", capacity=2)],
    )
    sched = run(fest)
    assert check_schedule(sched) == []
    assert sorted(s.start.format("HH:mm") for s in sched.values()) == [
        "07:00",
        "07:00",
        "07:30",
        "07:30",
    ]
    units_held = sorted(dict(s.pool_units)["loa"] for s in sched.values())
    assert units_held == [(1,), (1,), (2,), (2,)]


@pytest.mark.parametrize("run", BACKENDS)
def test_a_named_delegation_and_simultaneous_parades_together(run: Backend) -> None:
    units, sites = _communes("a", "b")
    parades = [
        Activity(id=f"{u.id}.dieu-hanh", kind="parade", title="Diễu hành", site=u.id, duration=30)
        for u in units
    ]
    awards = [_award(u.id, needs=[Requirement("doan-2")]) for u in units]
    fest = Festival(
        id="s",
        name="Ngày hội",
        days=[DAY],
        units=units,
        sites=sites,
        activities=[*parades, *awards],
        dependencies=[
            Dependency(f"{u.id}.dieu-hanh", f"{u.id}.trao-thuong", min_lag=15) for u in units
        ],
        sync_groups=[SyncGroup(id="dl", title="Đồng loạt", activities=[p.id for p in parades])],
        resources=[Resource(id="doan-2", name="Đoàn 2", kind="delegation")],
        travel=TravelTimes(minutes={("a", "b"): 10}),
        opens="06:45",
    )
    sched = run(fest)
    assert check_schedule(sched) == []
    assert {sched[p.id].start.format("HH:mm") for p in parades} == {"06:45"}
    assert sorted(sched[a.id].start.format("HH:mm") for a in awards) == ["07:30", "07:55"]


def test_a_max_lag_pulled_by_a_delegation_moves_the_whole_ceremony() -> None:
    # The ceremony chain is rigid; the award inside it waits for the delegation,
    # so the chain starts later, within its max gap after the parade.
    fest = ngayhoi.templates.plan_day(
        id="r",
        name="Ngày hội",
        day=DAY,
        communes=_communes("a", "b")[0],
        programme=ngayhoi.templates.standard_programme(folk_games=False).gaps(
            don_dai_bieu=(15, 150)
        ),
        at=pendulum.time(6, 45),
        resources=[Resource(id="doan-1", name="Đoàn 1", kind="delegation", group="doan")],
        needs={"a.trao-thuong": [Requirement("doan")], "b.trao-thuong": [Requirement("doan")]},
        travel=TravelTimes(default=30),
        preparation=False,
    )
    sched = _heuristic(fest)
    assert check_schedule(sched) == []
    assert check_attendance(sched) == []
    assert [v.amount for v in check_idle(sched)] == [107]  # the people of the second commune wait
    # The delegation attends from the introduction of guests to its own speech,
    # so the second commune's formal part starts 30 min after the first one's ends.
    first, later = sorted("ab", key=lambda u: sched[f"{u}.tuyen-bo-ly-do"].start)
    left = sched[f"{first}.phat-bieu-chi-dao"].end
    assert (sched[f"{later}.tuyen-bo-ly-do"].start - left).in_minutes() == 30
    assert (sched[f"{later}.don-dai-bieu"].start - at(7, 30)).in_minutes() == 107


def _two_fixed_ceremonies_one_delegation() -> Festival:
    """Two award ceremonies fixed at 08:00, one delegation 25 min away: cannot both be met."""
    units, sites = _communes("a", "b")
    return Festival(
        id="u",
        name="Ngày hội",
        days=[DAY],
        units=units,
        sites=sites,
        activities=[_award(u.id, fixed_start=at(8), needs=[Requirement("doan")]) for u in units],
        resources=[Resource(id="doan-1", name="Đoàn 1", kind="delegation", group="doan")],
        travel=TravelTimes(default=25),
    )


def test_an_unmeetable_plan_names_the_constraint_and_unwrap_raises() -> None:
    fest = _two_fixed_ceremonies_one_delegation()
    sched = _heuristic(fest)
    assert sched.status is Status.UNKNOWN
    (violation,) = sched.violations
    assert violation.rule == "travel"
    assert violation.amount == 40
    assert (
        "must start by 08:00 (it is fixed to start at 08:00) but cannot start before 08:40"
        in violation.message
    )
    assert "Đoàn 1 is at Trao thưởng at A until 08:15 and needs 25 min" in violation.message
    with pytest.raises(InfeasibleError) as info:
        sched.unwrap()
    assert info.value.violations == sched.violations


@pytest.mark.skipif(not HAS_ORTOOLS, reason="OR-Tools not installed: pip install 'ngayhoi[cpsat]'")
def test_cpsat_proves_the_same_plan_infeasible() -> None:
    fest = _two_fixed_ceremonies_one_delegation()
    sched = _cpsat(fest)
    assert sched.status is Status.INFEASIBLE
    with pytest.raises(InfeasibleError, match="CP-SAT proved"):
        sched.unwrap()


def test_a_missing_travel_time_is_a_plan_error_naming_both_sites() -> None:
    fest = two_communes_one_delegation()
    import attrs  # noqa: PLC0415

    with pytest.raises(
        ngayhoi.PlanError, match=r"from site '(a|b)' to '(a|b)' but the plan gives no travel"
    ):
        _heuristic(attrs.evolve(fest, travel=TravelTimes()))


def test_the_heuristic_is_deterministic_for_a_seed() -> None:
    example = load_example("can_duoc_2023")
    fest = example.build()
    one = schedule_heuristic(fest, seed=3, max_passes=5, time_limit=60)
    two = schedule_heuristic(fest, seed=3, max_passes=5, time_limit=60)
    assert [(s.activity, s.start, s.resources) for s in one.values()] == [
        (s.activity, s.start, s.resources) for s in two.values()
    ]


def test_the_can_duoc_delegations_each_visit_several_communes_validly() -> None:
    example = load_example("can_duoc_2023")
    sched = ngayhoi.schedule(example.build()).unwrap()
    assert check_schedule(sched) == []
    delegations = sched.delegations()
    assert len(delegations) == 3
    for d in delegations:
        visits = [p for p in sched.itinerary(d.id) if isinstance(p, ngayhoi.Slot)]
        assert len(visits) >= 2
        legs = [p for p in sched.itinerary(d.id) if isinstance(p, ngayhoi.Leg)]
        assert legs[0].origin == "ubnd-huyen"
        assert legs[-1].destination == "ubnd-huyen"
    text = itineraries(sched)
    assert "di chuyển" in text
    assert text.count("Công bố quyết định và trao khen thưởng") == 6
    assert text.count("Tuyên bố lý do, giới thiệu đại biểu") == 6
    assert check_protocol(sched) == []


def test_slack_and_critical_path_after_resources() -> None:
    sched = _heuristic(two_communes_one_delegation())
    first, second = sorted(sched.values(), key=lambda s: s.start)
    assert second.total_slack == 0
    assert first.total_slack == 0  # moving the first visit later moves the second
    assert sched.critical_path == (first.activity, second.activity)


def test_a_named_member_and_its_group_in_one_block_are_refused_on_the_day() -> None:
    # Two ceremonies tied to one start: one needs Đoàn 1 by name, the other any
    # member of "doan", whose only member is Đoàn 1. No start can work.
    units, sites = _communes("a", "b")
    awards = [
        _award("a", needs=[Requirement("doan-1")]),
        _award("b", needs=[Requirement("doan")]),
    ]
    fest = Festival(
        id="s",
        name="Ngày hội",
        days=[DAY],
        units=units,
        sites=sites,
        activities=awards,
        sync_groups=[SyncGroup(id="tt", title="Đồng loạt", activities=[a.id for a in awards])],
        resources=[Resource(id="doan-1", name="Đoàn 1", kind="delegation", group="doan")],
        travel=TravelTimes(minutes={("a", "b"): 10}),
    )
    sched = schedule_heuristic(fest)
    assert sched.status in {Status.INFEASIBLE, Status.UNKNOWN}
    assert {s.start.date() for s in sched.slots.values()} <= set(fest.days)
    assert any("doan" in v.message for v in sched.violations)
    assert not any("the items before it cannot end earlier" in v.message for v in sched.violations)


@pytest.mark.parametrize("run", BACKENDS)
def test_a_cycle_is_bad_input_for_every_backend(run: Backend) -> None:
    fest = two_communes_one_delegation()
    looped = attrs.evolve(
        fest,
        dependencies=[
            Dependency("a.trao-thuong", "b.trao-thuong"),
            Dependency("b.trao-thuong", "a.trao-thuong"),
        ],
    )
    with pytest.raises(DependencyCycleError, match=r"Trao thưởng"):
        run(looped)


def test_the_temporal_backend_refuses_a_plan_with_delegations() -> None:
    with pytest.raises(PlanError, match="backend 'temporal' ignores resource capacities"):
        ngayhoi.schedule(two_communes_one_delegation(), backend="temporal")
