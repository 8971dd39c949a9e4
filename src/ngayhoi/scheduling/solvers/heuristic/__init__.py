"""The built-in resource-aware scheduler: festival in, :class:`Schedule` out.

It translates the festival's temporal network and resources into the integer
problem of :mod:`~ngayhoi.scheduling.problem`, runs it, and translates the result back,
with an explanation for every wait and every constraint it could not meet.

>>> import ngayhoi
>>> from ngayhoi.samples import two_communes_one_delegation
>>> sched = schedule_heuristic(two_communes_one_delegation(), seed=0, time_limit=1.0)
>>> [(s.activity, s.start.format("HH:mm"), s.resources) for s in sched.values() if s.resources]
[('a.trao-thuong', '08:00', ('doan-1',)), ('b.trao-thuong', '08:40', ('doan-1',))]
>>> print(sched.waits[0])  # doctest: +NORMALIZE_WHITESPACE
Trao thưởng at Xã B waits 40 min for Đoàn 1: Đoàn 1 is at Trao thưởng at Xã A until 08:15
and needs 25 min to get here
"""

from __future__ import annotations

import time

from ngayhoi.errors import DependencyCycleError, InfeasibleError
from ngayhoi.graph import check_consistency
from ngayhoi.model import Festival
from ngayhoi.scheduling.problem import TemporalConflict
from ngayhoi.scheduling.result import Schedule
from ngayhoi.scheduling.solvers.heuristic.search import paused_gc, solve
from ngayhoi.scheduling.translate import (
    Translation,
    canonical,
    failed_schedule,
    in_plan_order,
    spanned,
    to_schedule,
)

__all__ = ["DEFAULT_BUDGET", "TIME_CAP", "schedule_heuristic"]

DEFAULT_BUDGET = 200
"""Schedule evaluations (passes) the search may spend: the 17-commune day needs ~0.25 s."""

TIME_CAP = 60.0
"""Seconds after which the search stops whatever its budget: a safety cap, not a budget."""


def schedule_heuristic(
    festival: Festival,
    *,
    seed: int = 0,
    time_limit: float = TIME_CAP,
    max_passes: int | None = DEFAULT_BUDGET,
    previous: Schedule | None = None,
) -> Schedule:
    """Schedule with the built-in heuristic; a function of the plan, seed and budget.

    The search runs on :func:`canonical` order and counts its work in passes
    (schedule evaluations), so the result does not depend on the order the
    plan lists things in, nor on the machine or its load.

    Args:
        festival: the plan.
        seed: the seed of the random passes.
        time_limit: a safety cap in seconds; when it ends the search before
            the budget does, ``cut_short`` is set and the result may differ
            from one machine to the next. ``0``: one quick pass, no search.
        max_passes: the budget, in passes, for each independent part of the plan; ``None``
            searches until the time limit.
        previous: an earlier schedule of (mostly) the same plan: a re-plan then
            moves as few activities as it can, after meeting every constraint.

    Returns:
        A schedule. Its status is ``optimal`` when the end of the plan meets
        the lower bound, ``feasible`` when every constraint holds, ``unknown``
        when some could not be met (they are in ``violations``), and
        ``infeasible`` when the times alone are impossible.

    >>> import ngayhoi
    >>> schedule_heuristic(ngayhoi.samples.tiny_festival(), max_passes=1).solver
    'heuristic'
    """
    began = time.perf_counter()
    if time_limit <= 0:
        max_passes = None  # one quick pass: as deterministic as a budget
    plan = festival
    festival = canonical(festival)
    try:
        with paused_gc():
            tr = Translation(festival)
            if previous is not None and previous.slots:
                known = [
                    festival.minute(previous.slots[a].start) if a in previous.slots else None
                    for a in tr.ids[: tr.real]
                ]
                tr.problem.previous = known + [known[tr.index[s.first]] for s in tr.spans]
                lines = tr.unary_of
                tr.problem.previous_lines = [
                    [lines[r] for r in previous.slots[a].resources if r in lines]
                    if a in previous.slots and (i >= tr.real or not spanned(tr, a))
                    else []
                    for i, a in enumerate(tr.ids)
                ]
            result = solve(tr.problem, seed=seed, time_limit=time_limit, max_passes=max_passes)
            return in_plan_order(plan, to_schedule(tr, result, began))
    except TemporalConflict:
        # The engine saw a positive cycle; networkx names it by titles.
        # A cycle of dependencies is bad input (DependencyCycleError, a PlanError),
        # raised as it is; other contradictions are an infeasible result.
        try:
            check_consistency(festival)
        except DependencyCycleError:
            raise
        except InfeasibleError as err:
            return failed_schedule(plan, list(err.violations), began)
        raise
