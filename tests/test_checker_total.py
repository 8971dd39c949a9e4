"""The checker reports on any schedule a caller can build; it never raises."""

from __future__ import annotations

import attrs
import pendulum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ngayhoi
from ngayhoi.io import load
from ngayhoi.scheduling import Schedule, Slot
from ngayhoi.scheduling.checker import RULES, check_protocol, check_schedule

from conftest import ROOT

_BASE = ngayhoi.schedule(load(ROOT / "examples" / "can_duoc_2023.toml"), backend="heuristic")


@st.composite
def damaged(draw: st.DrawFn) -> Schedule:
    """The 17-commune schedule with slots moved, swapped, dropped or holding unknown things."""
    slots = dict(_BASE.slots)
    ids = sorted(slots)
    for _ in range(draw(st.integers(1, 8))):
        aid = draw(st.sampled_from(ids))
        if aid not in slots:
            continue
        slot = slots[aid]
        how = draw(
            st.sampled_from(
                ["shift", "reverse", "drop", "unknown-resource", "other-day", "zero", "stranger"]
            )
        )
        if how == "shift":
            delta = pendulum.duration(minutes=draw(st.integers(-600, 600)))
            slots[aid] = attrs.evolve(slot, start=slot.start + delta, end=slot.end + delta)
        elif how == "reverse":
            slots[aid] = attrs.evolve(slot, start=slot.end, end=slot.start)
        elif how == "drop":
            del slots[aid]
        elif how == "unknown-resource":
            slots[aid] = attrs.evolve(slot, resources=(*slot.resources, "khong-co"))
        elif how == "other-day":
            days = pendulum.duration(days=draw(st.integers(-400, 400)))
            slots[aid] = attrs.evolve(slot, start=slot.start + days, end=slot.end + days)
        elif how == "zero":
            slots[aid] = Slot(activity=aid, start=slot.start, end=slot.start)
        else:  # a slot of an activity the plan does not have
            slots["khong-co.hoat-dong"] = attrs.evolve(slot, activity="khong-co.hoat-dong")
    return attrs.evolve(_BASE, slots=slots)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_every_rule_reports_on_a_damaged_schedule_instead_of_raising(sched: Schedule) -> None:
    found = check_schedule(sched) + check_protocol(sched)
    for violation in found:
        assert violation.rule
        assert violation.message
    if len(sched.slots) < len(_BASE.slots):
        assert any(v.rule == "complete" for v in found)


def test_the_undamaged_example_breaks_no_rule() -> None:
    assert check_schedule(_BASE) == []
    assert check_protocol(_BASE) == []
    assert set(RULES) >= {"complete", "precedence", "window", "capacity", "unary-travel"}
