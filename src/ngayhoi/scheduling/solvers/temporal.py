"""Times from the dependency network alone: every activity at its earliest start.

Exact when no activity needs a resource with a limited capacity: the earliest
starts are then optimal for every regular objective (each activity as early as
possible). Festivals with delegations or pools go to the resource-aware
backends, which fill the same :class:`~ngayhoi.scheduling.result.Schedule`.
"""

from __future__ import annotations

import time

from ngayhoi.diagnostics import Violation
from ngayhoi.errors import DependencyCycleError, InfeasibleError, PlanError
from ngayhoi.graph import analyse
from ngayhoi.model import Festival, minutes
from ngayhoi.scheduling.result import Schedule, Slot, Status, prep_slots

__all__ = ["needs_resources", "schedule_times"]


def needs_resources(festival: Festival) -> bool:
    """Whether any activity needs a resource whose capacity is limited.

    >>> import ngayhoi
    >>> needs_resources(ngayhoi.samples.tiny_festival())
    False
    """
    for act in festival.activities:
        for req in act.needs:
            for member in festival.group_members(req.resource):
                if festival.resource(member).capacity is not None:
                    return True
    return False


def schedule_times(festival: Festival) -> Schedule:
    """Schedule every activity at its earliest start, ignoring resource capacities.

    An impossible plan gives an infeasible schedule whose violations name the
    constraints; it does not raise.

    >>> import ngayhoi
    >>> s = schedule_times(ngayhoi.samples.tiny_festival())
    >>> [(x.activity, x.start.format("HH:mm"), x.total_slack) for x in s.values()]
    [('x.chao-co', '07:30', 0), ('x.bao-cao', '07:37', 0)]
    """
    if needs_resources(festival):
        limited = next(
            req.resource
            for act in festival.activities
            for req in act.needs
            if any(
                festival.resource(m).capacity is not None
                for m in festival.group_members(req.resource)
            )
        )
        msg = (
            f"backend 'temporal' ignores resource capacities, but festival '{festival.id}' "
            f"has activities that need a limited resource (e.g. '{limited}'); "
            "use backend 'heuristic', 'cpsat' or 'auto'"
        )
        raise PlanError(msg)
    began = time.perf_counter()
    try:
        timing = analyse(festival)
    except DependencyCycleError:
        raise  # bad input, not an infeasible result
    except InfeasibleError as err:
        return _infeasible(festival, err.violations, began)
    slots = {}
    for act in festival.activities:
        start = timing.earliest[act.id]
        slots[act.id] = Slot(
            activity=act.id,
            start=festival.at(start),
            end=festival.at(start + minutes(act.duration)),
            resources=tuple(r.resource for r in act.needs),
            total_slack=timing.total_slack[act.id],
            free_slack=timing.free_slack[act.id],
        )
    return Schedule(
        festival=festival,
        status=Status.OPTIMAL,
        slots=slots,
        prep=prep_slots(festival),
        critical_path=timing.critical_path,
        bound=timing.horizon,
        solver="temporal",
        seconds=time.perf_counter() - began,
    )


def _infeasible(festival: Festival, violations: tuple[Violation, ...], began: float) -> Schedule:
    return Schedule(
        festival=festival,
        status=Status.INFEASIBLE,
        prep=prep_slots(festival),
        violations=violations,
        solver="temporal",
        seconds=time.perf_counter() - began,
    )
