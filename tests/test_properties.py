"""Properties over generated plans: whatever the scheduler returns, the checker agrees with it."""

from __future__ import annotations

import functools
import importlib.util
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import cast

import attrs
import icalendar
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ngayhoi.export import export_calendars
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
from ngayhoi.scheduling import schedule_heuristic
from ngayhoi.scheduling.checker import check_schedule
from ngayhoi.templates.preparation import preparation_cascade
from ngayhoi.templates.roles import standard_roles

from conftest import DAY, SHARED, TZ

HAS_ORTOOLS = importlib.util.find_spec("ortools") is not None


@st.composite
def festivals(draw: st.DrawFn) -> Festival:
    """Small festivals with every kind of constraint the model holds."""
    n_communes = draw(st.integers(1, 4))
    names = [f"x{k}" for k in range(n_communes)]
    units = [Unit(id=n, name=n, official_name=f"Xã {n}", kind="xã") for n in names]
    sites = [Site(id=n, name=f"Sân {n}", unit=n) for n in names]
    delegations = draw(st.integers(1, 3))
    pool_cap = draw(st.integers(1, 2))
    activities: list[Activity] = []
    dependencies: list[Dependency] = []
    for n in names:
        count = draw(st.integers(1, 4))
        previous = None
        for k in range(count):
            # A delegation by group ("any one of them") or by name, so a named
            # member and its own group can meet in one simultaneous block.
            needs = draw(st.sampled_from([(), ("doan",), ("loa",), ("doan", "loa"), ("doan-1",)]))
            window = draw(st.sampled_from(["none", "early", "late", "fixed"]))
            options: dict[str, object] = {}
            if window == "early":
                options["earliest_start"] = pendulum.datetime(
                    DAY.year, DAY.month, DAY.day, draw(st.integers(6, 12)), tz=TZ
                )
            elif window == "late":
                options["latest_end"] = pendulum.datetime(
                    DAY.year, DAY.month, DAY.day, draw(st.integers(12, 20)), tz=TZ
                )
            elif window == "fixed" and k == 0:
                options["fixed_start"] = pendulum.datetime(
                    DAY.year,
                    DAY.month,
                    DAY.day,
                    draw(st.integers(7, 9)),
                    15 * draw(st.integers(0, 3)),
                    tz=TZ,
                )
            act = Activity(
                id=f"{n}.a{k}",
                kind="other",
                title=f"Hoạt động {k}",
                site=n,
                duration=draw(st.integers(5, 60)),
                outdoor=draw(st.booleans()),
                needs=[Requirement(r) for r in needs],
                **options,  # type: ignore[arg-type]
            )
            activities.append(act)
            if previous is not None:
                kind = draw(st.sampled_from(list(DependencyType)))
                low = draw(st.integers(-10, 20))
                high = draw(st.one_of(st.none(), st.integers(low, low + 60)))
                dependencies.append(Dependency(previous, act.id, kind, min_lag=low, max_lag=high))
            previous = act.id
    groups = []
    firsts = [a.id for a in activities if a.id.endswith(".a0")]
    if len(firsts) > 1 and draw(st.booleans()):
        groups.append(SyncGroup(id="dong-loat", title="Đồng loạt", activities=firsts))
    resources = [
        Resource(id=f"doan-{k}", name=f"Đoàn {k}", kind="delegation", group="doan")
        for k in range(1, delegations + 1)
    ]
    resources.append(Resource(id="loa", name="Loa", kind="pool", capacity=pool_cap))
    travel = TravelTimes(default=draw(st.integers(0, 30)))
    return Festival(
        id="prop",
        name="Ngày hội",
        days=[DAY],
        units=units,
        sites=sites,
        activities=activities,
        dependencies=dependencies,
        sync_groups=groups,
        resources=resources,
        travel=travel,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(festivals())
def test_every_heuristic_schedule_passes_the_checker_or_says_why_not(fest: Festival) -> None:
    sched = schedule_heuristic(fest, seed=1, max_passes=4, time_limit=5)
    if sched.status.has_times and not sched.violations:
        # Every slot on the festival's own days (a named delegation and its group
        # once pushed slots a month past the plan).
        for slot in sched.values():
            assert slot.start.date() in fest.days
            assert slot.end.date() in fest.days
    if sched.status.has_times and not sched.violations:
        assert check_schedule(sched) == []
    else:
        assert sched.violations
        for violation in sched.violations:
            assert violation.rule
            assert violation.message
    if sched.slots:
        # Even a best-effort schedule places every activity, whole.
        rules = {v.rule for v in check_schedule(sched)}
        assert not rules & {"complete", "non-preemption"}
        if not any(v.rule == "capacity" for v in sched.violations):
            # Unless a resource cannot be shared at all, it is never double-booked.
            assert not rules & {"requirement", "capacity", "overlap"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(festivals())
def test_cpsat_agrees_with_the_checker_and_is_never_worse(fest: Festival) -> None:
    if not HAS_ORTOOLS:
        pytest.skip("OR-Tools not installed: pip install 'ngayhoi[cpsat]'")
    from ngayhoi.scheduling.solvers.cpsat import schedule_cpsat  # noqa: PLC0415

    exact = schedule_cpsat(fest, time_limit=10)
    if exact.status.has_times:
        assert check_schedule(exact) == []
    heuristic = schedule_heuristic(fest, seed=1, max_passes=4, time_limit=5)
    if heuristic.status.has_times and not heuristic.violations and exact.status.value == "optimal":
        assert (exact.makespan or 0) <= (heuristic.makespan or 0)
    if exact.status.value == "infeasible":
        assert not (heuristic.status.has_times and not heuristic.violations)


@functools.cache
def _structural() -> Callable[[bytes], tuple[list[str], list[str], list[str]]]:
    """``check_bytes`` of ``../shared/ics_check/structural.py`` (standard library only)."""
    path = SHARED / "ics_check" / "structural.py"
    if not path.exists():
        pytest.fail(f"{path} is missing: the tests need ../shared beside the repository")
    spec = importlib.util.spec_from_file_location("ics_structural", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return cast("Callable[[bytes], tuple[list[str], list[str], list[str]]]", module.check_bytes)


_ALARM = re.compile(r"\) ([A-Z-]+): invalid backslash escape")
_TEXT_VALUE = re.compile(r"(?:[^\\]|\\[\\;,nN])*")


def _without_escape_false_alarms(data: bytes, errors: list[str]) -> list[str]:
    """The structural errors, less its regex's alarm on an escaped backslash before a letter.

    ``structural.py`` looks for a backslash not followed by ``\\ ; , n N`` with
    one regular expression, so in ``\\\\a`` (an escaped backslash, then "a") it
    takes the second backslash for the start of an escape. The alarm is
    dropped only when every value of that property, read left to right, holds
    nothing but valid escapes (RFC 5545 §3.3.11).
    """
    lines = data.replace(b"\r\n ", b"").decode().split("\r\n")
    kept = []
    for error in errors:
        alarm = _ALARM.search(error)
        if alarm is not None:
            values = [line.split(":", 1)[1] for line in lines if line.startswith(alarm[1] + ":")]
            if values and all(_TEXT_VALUE.fullmatch(v) for v in values):
                continue
        kept.append(error)
    return kept


#: Text an organiser might paste: Vietnamese, the characters iCalendar escapes,
#: line breaks, quotes, markup, an emoji and a combining mark (stored NFC).
_PASTED = (
    st.lists(
        st.sampled_from(
            [
                *"aăâđêôơư ệữỳếỗAĐ09",
                *[";", ",", ":", "\\", '"', "'", "\n", "\t", "<b>", "&", "|", "🇻🇳"],
                *["e\u0301", "\u2028", "–", "→", "END:VEVENT", "\\N", "\\n"],
            ]
        ),
        min_size=1,
        max_size=60,
    )
    .map("".join)
    .filter(str.strip)
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(festivals(), st.lists(_PASTED, min_size=3, max_size=3), st.sampled_from(["event", "todo"]))
def test_every_feed_of_every_scheduled_plan_passes_the_structural_check(
    fest: Festival, texts: list[str], tasks: str
) -> None:
    check_bytes = _structural()
    title, venue, name = texts
    fest = attrs.evolve(
        fest,
        name=name,
        activities=[attrs.evolve(a, title=f"{title} {a.id}") for a in fest.activities],
        sites=[attrs.evolve(s, name=venue) for s in fest.sites],
        prep_tasks=preparation_cascade([u.id for u in fest.units]),
        resources=[*fest.resources, *standard_roles()],
    )
    sched = schedule_heuristic(fest, seed=1, max_passes=2, time_limit=2)
    if not sched.feasible:
        assert sched.violations  # exporters refuse it, and the plan says why
        return
    with tempfile.TemporaryDirectory() as folder:
        report = export_calendars(sched, folder, tasks=tasks)
        files = sorted(Path(folder).glob("*.ics"))
        assert len(files) == len(report.feeds)
        for path in files:
            data = path.read_bytes()
            errors = _without_escape_false_alarms(data, check_bytes(data)[0])
            assert errors == [], f"{path.name}: {errors}"
        master = icalendar.Calendar.from_ical((Path(folder) / "master.ics").read_bytes())
        summaries = {str(e["SUMMARY"]) for e in master.walk("VEVENT")}
        for act in fest.activities:
            assert any(s.startswith(f"{act.title} – ") for s in summaries)
