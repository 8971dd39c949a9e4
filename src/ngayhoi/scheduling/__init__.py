"""Scheduling: ``schedule(festival) -> Schedule``; backends share one result shape.

>>> import ngayhoi
>>> ngayhoi.schedule(ngayhoi.samples.tiny_festival()).solver
'temporal'
"""

from __future__ import annotations

from typing import Literal

import attrs

from ngayhoi.arguments import int_argument, seconds_argument
from ngayhoi.errors import PlanError, Said
from ngayhoi.i18n import N_
from ngayhoi.model import Festival
from ngayhoi.scheduling.idle import schedule_without_idle
from ngayhoi.scheduling.result import Leg, PrepSlot, Schedule, Slot, Status
from ngayhoi.scheduling.solvers.heuristic import DEFAULT_BUDGET, TIME_CAP, schedule_heuristic
from ngayhoi.scheduling.solvers.temporal import needs_resources, schedule_times
from ngayhoi.scheduling.translate import canonical
from ngayhoi.scheduling.weather import RAIN, moves_in_rain, rain_plan

Backend = Literal["auto", "temporal", "heuristic", "cpsat"]

__all__ = [
    "DEFAULT_BUDGET",
    "TIME_CAP",
    "Backend",
    "Leg",
    "PrepSlot",
    "Schedule",
    "Slot",
    "Status",
    "canonical",
    "needs_resources",
    "schedule",
    "schedule_heuristic",
    "schedule_times",
]


def schedule(
    festival: Festival,
    *,
    backend: Backend = "auto",
    seed: int = 0,
    budget: int | None = DEFAULT_BUDGET,
    time_limit: float | None = None,
    previous: Schedule | None = None,
    raise_on_infeasible: bool = True,
) -> Schedule:
    """Schedule every activity of the festival.

    Args:
        festival: the plan.
        backend: ``"temporal"`` (dependencies and windows only, exact; refuses
            plans whose activities need a limited resource),
            ``"heuristic"`` (the built-in resource-aware scheduler),
            ``"cpsat"`` (OR-Tools CP-SAT, exact, needs ``ngayhoi[cpsat]``),
            or ``"auto"``: temporal when no activity needs a resource with a
            limited capacity, else heuristic.
        seed: the seed of the heuristic's random passes.
        budget: how many passes (schedule evaluations) the heuristic may
            spend; the result is then the same on any machine, under any load.
            ``None``: search until the time limit.
        time_limit: for the heuristic, a safety cap in seconds (default
            ``TIME_CAP``, 60; ``0``: one quick pass); when it fires first the
            schedule says so (``cut_short``, ``note``). For CP-SAT, its search
            time (default 2).
        previous: the schedule being re-planned; the heuristic then keeps as
            many activities where they were as the new constraints allow.
        raise_on_infeasible: raise :class:`InfeasibleError` when no schedule
            meets every constraint (the default); ``False`` returns that
            schedule instead, with its ``status`` and ``violations``.

    Returns:
        A :class:`Schedule` that meets every constraint (``schedule.feasible``),
        or with ``raise_on_infeasible=False`` whatever the backend found.

    Raises:
        PlanError: the festival has no activities, names an unknown backend,
            or asks ``"temporal"`` to schedule limited resources.
        DependencyCycleError: the dependencies form a cycle (bad input, a
            :class:`PlanError`, from every backend).
        InfeasibleError: no schedule meets every constraint; ``err.schedule``
            is the partial schedule and ``err.violations`` says why.

    >>> import ngayhoi
    >>> sched = schedule(ngayhoi.samples.two_communes_one_delegation(), backend="heuristic")
    >>> sched.status.has_times, len(sched.waits), sched.cut_short
    (True, 1, False)
    """
    _check_arguments(festival, seed, budget, time_limit, previous)
    if not festival.activities:
        msg = Said(
            N_(
                "festival '{id}' has no activities, so there is nothing to schedule; add "
                "activities (ngayhoi.templates.stamp_programme stamps the standard programme)"
            ),
            id=festival.id,
        )
        raise PlanError(msg)
    limits = (budget, time_limit)
    if festival.weather == RAIN:
        # The rain plan re-plans from the dry schedule: as few changes as the roofs allow.
        wet = rain_plan(festival)
        if previous is None and moves_in_rain(festival):
            dry = attrs.evolve(festival, weather="nang")
            previous = _run(dry, backend, seed, limits, None)
        festival = wet
    result = _run(festival, backend, seed, limits, previous)
    return result.unwrap() if raise_on_infeasible else result


#: The most passes a budget may ask for: far past any useful search, short of unbounded.
MAX_BUDGET = 10_000_000


def _check_arguments(
    festival: object,
    seed: object,
    budget: object,
    time_limit: object,
    previous: object,
) -> None:
    """Refuse wrong types and values of :func:`schedule`'s arguments, naming the argument."""
    if not isinstance(festival, Festival):
        raise PlanError(
            kind="argument",
            item="festival",
            value=type(festival).__name__,
            expected="a Festival (ngayhoi.io.load reads one from a plan file)",
        )
    int_argument(seed, "seed", -(2**63), 2**63 - 1)
    if budget is not None:
        int_argument(budget, "budget", 1, MAX_BUDGET)
    seconds_argument(time_limit, "time_limit")
    if previous is not None and not isinstance(previous, Schedule):
        raise PlanError(
            kind="argument",
            item="previous",
            value=type(previous).__name__,
            expected="None or the Schedule being re-planned",
        )


def _times(festival: Festival, *, previous: Schedule | None = None) -> Schedule:
    """The temporal backend as the idle search runs it (it has no re-plan base)."""
    del previous
    return schedule_times(festival)


def _run(
    festival: Festival,
    backend: Backend,
    seed: int,
    limits: tuple[int | None, float | None],
    previous: Schedule | None,
) -> Schedule:
    budget, time_limit = limits
    if backend == "auto":
        backend = "heuristic" if needs_resources(festival) else "temporal"
    if backend == "temporal":
        return schedule_without_idle(festival, _times)
    if backend == "heuristic":
        return schedule_without_idle(
            festival,
            schedule_heuristic,
            previous=previous,
            seed=seed,
            time_limit=TIME_CAP if time_limit is None else time_limit,
            max_passes=budget,
        )
    if backend == "cpsat":
        from ngayhoi.scheduling.solvers.cpsat import schedule_cpsat  # noqa: PLC0415 - optional extra

        return schedule_cpsat(festival, time_limit=2.0 if time_limit is None else time_limit)
    msg = Said(
        N_("unknown backend {backend!r}; use 'auto', 'temporal', 'heuristic' or 'cpsat'"),
        backend=backend,
    )
    raise PlanError(msg)
