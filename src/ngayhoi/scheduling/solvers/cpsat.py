"""The exact backend on OR-Tools CP-SAT (``pip install 'ngayhoi[cpsat]'``).

The same engine :class:`~ngayhoi.scheduling.problem.Problem` the heuristic
solves becomes a constraint model: one fixed-size interval per activity,
difference constraints for the temporal network, a cumulative constraint per
pool, no-overlap per unary resource, optional intervals for "any one of a
group", and for travelling delegations a disjunction per pair of visits that
leaves room for the drive. It minimises the end of the plan and reports
CP-SAT's status and bound in the same :class:`Schedule`.

>>> import ngayhoi
>>> from ngayhoi.samples import two_communes_one_delegation
>>> sched = schedule_cpsat(two_communes_one_delegation(), time_limit=5)
>>> sched.status, sorted(s.start.format("HH:mm") for s in sched.values())
(<Status.OPTIMAL: 'optimal'>, ['08:00', '08:40'])
"""

from __future__ import annotations

import time
from collections import defaultdict

import attrs

from ngayhoi.diagnostics import Rule, Violation
from ngayhoi.errors import DependencyCycleError, InfeasibleError, NgayhoiError
from ngayhoi.graph import check_consistency
from ngayhoi.model import Festival
from ngayhoi.scheduling.problem import EngineResult, Problem, pool_units
from ngayhoi.scheduling.result import Schedule, Status, prep_slots

__all__ = ["CpResult", "schedule_cpsat", "solve_cpsat"]

_BIG = 10**9


@attrs.define
class CpResult:
    """What CP-SAT found for an engine problem."""

    status: Status
    starts: list[int]
    unary_of: list[list[int]]
    makespan: int | None
    bound: int | None
    seconds: float


def _load() -> object:
    try:
        from ortools.sat.python import cp_model  # noqa: PLC0415 - optional extra
    except ImportError as err:
        msg = (
            "the CP-SAT backend needs OR-Tools: pip install 'ngayhoi[cpsat]' "
            "(or use backend='heuristic')"
        )
        raise NgayhoiError(msg) from err
    return cp_model


def solve_cpsat(  # noqa: C901, PLR0912, PLR0915 - one model, built in one place
    p: Problem,
    *,
    time_limit: float = 10.0,
    workers: int = 2,
    hint: list[int] | None = None,
    seed: int = 0,
) -> CpResult:
    """Solve an engine problem exactly (or as far as ``time_limit`` allows).

    >>> p = Problem.new(2, durations=[3, 4])
    >>> _ = p.add_pool("x", 1); p.need_pool(0, 0, 1); p.need_pool(1, 0, 1)
    >>> r = solve_cpsat(p, time_limit=5)
    >>> r.status.value, r.makespan
    ('optimal', 7)
    """
    cp_model = _load()
    began = time.perf_counter()
    model = cp_model.CpModel()  # type: ignore[attr-defined]
    finite_hi = [h for h in p.hi if h < _BIG // 2]
    horizon = max([*finite_hi, max(p.lo, default=0)]) + sum(p.dur) + 1
    if p.travels:
        horizon += sum(p.dur) + 24 * 60
    start = []
    interval = []
    for i in range(p.n):
        hi = min(p.hi[i], horizon)
        var = model.NewIntVar(p.lo[i], max(p.lo[i], hi), f"s{i}")
        start.append(var)
        interval.append(model.NewFixedSizeIntervalVar(var, p.dur[i], f"i{i}"))
    for u in range(p.n):
        for v, w, _ in p.out[u]:
            model.Add(start[v] >= start[u] + w)
    for r, cap in enumerate(p.pool_cap):
        users = [(i, q) for i in range(p.n) for rr, q in p.need_pools[i] if rr == r]
        if users:
            model.AddCumulative([interval[i] for i, _ in users], [q for _, q in users], cap)
    # Unary resources: who may hold each one, mandatory (named) or optional (via a group).
    on_line: dict[int, list[tuple[int, object, object | None]]] = defaultdict(list)
    choice: dict[tuple[int, int], object] = {}
    for i in range(p.n):
        for u in p.need_unary[i]:
            on_line[u].append((i, interval[i], None))
        for g, q in p.need_groups[i]:
            picks = []
            for u in p.group_members[g]:
                x = model.NewBoolVar(f"x{i}_{u}")
                choice[(i, u)] = x
                picks.append(x)
                opt = model.NewOptionalFixedSizeIntervalVar(start[i], p.dur[i], x, f"o{i}_{u}")
                on_line[u].append((i, opt, x))
            model.Add(sum(picks) == q)
    for u, holders in on_line.items():
        model.AddNoOverlap([iv for _, iv, _ in holders])
        if not p.unary_travels[u]:
            continue
        for k, (i, _, xi) in enumerate(holders):
            for j, _, xj in holders[k + 1 :]:
                ti = p.travel(p.site[i], p.site[j])
                tj = p.travel(p.site[j], p.site[i])
                if ti == 0 and tj == 0:
                    continue
                first = model.NewBoolVar(f"b{i}_{j}_{u}")
                present = [x for x in (xi, xj) if x is not None]
                model.Add(start[j] >= start[i] + p.dur[i] + ti).OnlyEnforceIf([first, *present])
                model.Add(start[i] >= start[j] + p.dur[j] + tj).OnlyEnforceIf(
                    [first.Not(), *present]
                )
    end = model.NewIntVar(0, horizon + max(p.dur, default=0), "makespan")
    if p.n:
        model.AddMaxEquality(end, [start[i] + p.dur[i] for i in range(p.n)])
    model.Minimize(end)
    if hint is not None:
        for i, value in enumerate(hint):
            model.AddHint(start[i], value)
    solver = cp_model.CpSolver()  # type: ignore[attr-defined]
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_search_workers = workers
    solver.parameters.random_seed = seed
    code = solver.Solve(model)
    names = {
        cp_model.OPTIMAL: Status.OPTIMAL,  # type: ignore[attr-defined]
        cp_model.FEASIBLE: Status.FEASIBLE,  # type: ignore[attr-defined]
        cp_model.INFEASIBLE: Status.INFEASIBLE,  # type: ignore[attr-defined]
    }
    status = names.get(code, Status.UNKNOWN)
    seconds = time.perf_counter() - began
    if not status.has_times:
        bound = None if status is Status.INFEASIBLE else int(solver.BestObjectiveBound())
        return CpResult(status, [], [], None, bound, seconds)
    starts = [int(solver.Value(s)) for s in start]
    unary_of: list[list[int]] = [[] for _ in range(p.n)]
    for i in range(p.n):
        unary_of[i].extend(p.need_unary[i])
        for g, _ in p.need_groups[i]:
            unary_of[i].extend(u for u in p.group_members[g] if solver.Value(choice[(i, u)]))
    return CpResult(
        status=status,
        starts=starts,
        unary_of=unary_of,
        makespan=int(solver.ObjectiveValue()),
        bound=int(solver.BestObjectiveBound()),
        seconds=seconds,
    )


def schedule_cpsat(
    festival: Festival,
    *,
    time_limit: float = 10.0,
    workers: int = 2,
    hint: Schedule | None = None,
) -> Schedule:
    """Schedule with CP-SAT; status and bound come from the solver.

    Args:
        festival: the plan.
        time_limit: seconds CP-SAT may search.
        workers: CP-SAT search workers (threads).
        hint: a schedule to start from (e.g. the heuristic's).

    >>> import ngayhoi
    >>> schedule_cpsat(ngayhoi.samples.tiny_festival(), time_limit=5).status.value
    'optimal'
    """
    from ngayhoi.scheduling.translate import Translation, failed_schedule, to_schedule  # noqa: PLC0415

    began = time.perf_counter()
    try:
        check_consistency(festival)
    except DependencyCycleError:
        raise  # bad input, not an infeasible result
    except InfeasibleError as err:
        return attrs.evolve(failed_schedule(festival, list(err.violations), began), solver="cpsat")
    tr = Translation(festival)
    starts_hint = None
    if hint is not None and hint.slots:
        starts_hint = tr.extend([festival.minute(hint[a].start) for a in tr.ids[: tr.real]])
    found = solve_cpsat(tr.problem, time_limit=time_limit, workers=workers, hint=starts_hint)
    if not found.status.has_times:
        message = (
            "CP-SAT proved that no schedule meets every constraint"
            if found.status is Status.INFEASIBLE
            else f"CP-SAT found no schedule in {time_limit:g} s"
        )
        violation = Violation(rule=Rule.RESOURCES, activities=(), message=message)
        return Schedule(
            festival=festival,
            status=found.status,
            prep=prep_slots(festival),
            violations=(violation,),
            bound=found.bound,
            solver="cpsat",
            seconds=time.perf_counter() - began,
        )
    engine = EngineResult(
        starts=found.starts,
        unary_of=found.unary_of,
        pool_units=pool_units(tr.problem, found.starts),
        conflicts=[],
        waits=[],
        clashes=[],
        makespan=found.makespan or 0,
        bound=found.bound or 0,
        passes=0,
        seconds=found.seconds,
        optimal=found.status is Status.OPTIMAL,
    )
    out = to_schedule(tr, engine, began)
    return attrs.evolve(out, status=found.status, solver="cpsat", bound=found.bound)
