"""The built-in resource-aware scheduler: festival in, :class:`Schedule` out.

It translates the festival's temporal network and resources into the integer
:mod:`~ngayhoi.scheduling.engine`, runs it, and translates the result back,
with an explanation for every wait and every constraint it could not meet.

>>> import ngayhoi
>>> from ngayhoi.samples import two_communes_one_delegation
>>> sched = schedule_heuristic(two_communes_one_delegation(), seed=0, time_limit=1.0)
>>> [(s.activity, s.start.format("HH:mm"), s.resources) for s in sched if s.resources]
[('a.trao-thuong', '08:00', ('doan-1',)), ('b.trao-thuong', '08:40', ('doan-1',))]
>>> print(sched.waits[0])
Trao thưởng at Xã B waits 40 min for Đoàn 1: Đoàn 1 is at Trao thưởng at Xã A until 08:15 and needs 25 min to get here
"""

from __future__ import annotations

import time
from collections import defaultdict

import networkx as nx

from ngayhoi.diagnostics import Violation, Wait
from ngayhoi.errors import DependencyCycleError, InfeasibleError, PlanError
from ngayhoi.graph import ORIGIN, _Why, analyse, check_consistency, temporal_network
from ngayhoi.model import Festival, Resource, minutes
from ngayhoi.scheduling.engine import Conflict, EngineResult, Problem, Reason, solve
from ngayhoi.scheduling.result import Schedule, Slot, Status, prep_slots

__all__ = ["Translation", "schedule_heuristic", "translate"]

_BIG = 10**9


class Translation:
    """A festival as an engine :class:`Problem`, with the maps back to ids."""

    def __init__(self, festival: Festival) -> None:
        """Build the problem; raise :class:`PlanError` for travel the plan cannot give."""
        self.festival = festival
        self.network = temporal_network(festival)
        acts = festival.activities
        self.ids = [a.id for a in acts]
        self.index = {a: i for i, a in enumerate(self.ids)}
        durations = [minutes(a.duration) for a in acts]
        p = Problem.new(len(acts), durations=durations)
        site_ids = [s.id for s in festival.sites]
        self.site_index = {s: k for k, s in enumerate(site_ids)}
        p.site = [self.site_index[a.site] for a in acts]
        for u, v, data in self.network.edges(data=True):
            why: _Why = data["why"]
            w = int(data["weight"])
            if u == ORIGIN:
                p.lo[self.index[v]] = max(p.lo[self.index[v]], w)
            elif v == ORIGIN:
                p.hi[self.index[u]] = min(p.hi[self.index[u]], -w)
            else:
                p.add_edge(
                    self.index[u], self.index[v], w, label=why.text, precedence=why.dependency
                )
        self.problem = p
        self._resources(festival, site_ids)

    def _resources(self, festival: Festival, site_ids: list[str]) -> None:
        p = self.problem
        groups: dict[str, list[Resource]] = defaultdict(list)
        for res in festival.resources:
            if res.group is not None:
                groups[res.group].append(res)
        named = {req.resource for a in festival.activities for req in a.needs}
        # A group of identical members that nobody names on their own and that
        # never travel behaves as a pool: schedule it as one, number the units after.
        self.pooled: dict[str, list[str]] = {}
        for gid, members in groups.items():
            if (
                gid in named
                and not any(m.travels for m in members)
                and not (named & {m.id for m in members})
            ):
                self.pooled[gid] = [m.id for m in members]
        self.pool_of: dict[str, int] = {}
        self.unary_of: dict[str, int] = {}
        self.unary_ids: list[str] = []
        for res in festival.resources:
            if res.capacity is None or (res.group in self.pooled):
                continue
            if res.capacity == 1:
                self.unary_of[res.id] = p.add_unary(res.id, travels=res.travels)
                self.unary_ids.append(res.id)
            else:
                self.pool_of[res.id] = p.add_pool(res.id, res.capacity)
        for gid, ids in self.pooled.items():
            self.pool_of[gid] = p.add_pool(gid, len(ids))
        self.group_of: dict[str, int] = {}
        for gid, members in groups.items():
            if gid in self.pooled:
                continue
            unary = [self.unary_of[m.id] for m in members if m.id in self.unary_of]
            if len(unary) != len(members):
                msg = (
                    f"resource group '{gid}': every member must have capacity 1 to be taken "
                    "as 'any one of'; give pools their own ids and name them directly"
                )
                raise PlanError(msg)
            self.group_of[gid] = p.add_group(gid, unary)
        for i, act in enumerate(festival.activities):
            for req in act.needs:
                rid = req.resource
                if rid in self.pool_of:
                    p.need_pool(i, self.pool_of[rid], req.quantity)
                elif rid in self.unary_of:
                    p.need_one(i, self.unary_of[rid])
                elif rid in self.group_of:
                    p.need_any(i, self.group_of[rid], req.quantity)
        self._travel(festival, site_ids)

    def _travel(self, festival: Festival, site_ids: list[str]) -> None:
        p = self.problem
        travelling = [u for u, t in enumerate(p.unary_travels) if t]
        if not travelling:
            return
        users: dict[int, set[int]] = defaultdict(set)
        for i in range(p.n):
            for u in p.need_unary[i]:
                users[u].add(p.site[i])
            for g, _ in p.need_groups[i]:
                for u in p.group_members[g]:
                    users[u].add(p.site[i])
        table: dict[tuple[int, int], int] = {}
        for u in travelling:
            res = festival.resource(p.unary_names[u])
            sites = sorted(users[u])
            if res.home is not None:
                sites = sorted({*sites, self.site_index[res.home]})
            for a in sites:
                for b in sites:
                    if a == b or (a, b) in table:
                        continue
                    found = festival.travel_minutes(site_ids[a], site_ids[b])
                    if found is None:
                        msg = (
                            f"delegation '{res.id}' may travel from site '{site_ids[a]}' to "
                            f"'{site_ids[b]}' but the plan gives no travel time: add it to the "
                            "travel matrix, or give both sites coordinates and a speed"
                        )
                        raise PlanError(msg)
                    table[(a, b)] = found

        def travel(a: int, b: int) -> int:
            return 0 if a == b else table.get((a, b), 0)

        p.travel = travel


def translate(festival: Festival) -> Translation:
    """The festival as an engine problem (for inspection and benchmarks)."""
    return Translation(festival)


def schedule_heuristic(
    festival: Festival,
    *,
    seed: int = 0,
    time_limit: float = 2.0,
    max_passes: int | None = None,
) -> Schedule:
    """Schedule with the built-in heuristic; deterministic for a given seed and pass count.

    Args:
        festival: the plan.
        seed: the seed of the random passes.
        time_limit: seconds to search after the first pass (which always runs).
        max_passes: stop after this many passes, for runs that must repeat exactly.

    Returns:
        A schedule. Its status is ``optimal`` when the end of the plan meets
        the lower bound, ``feasible`` when every constraint holds, ``unknown``
        when some could not be met (they are in ``violations``), and
        ``infeasible`` when the times alone are impossible.
    """
    began = time.perf_counter()
    try:
        check_consistency(festival)
    except DependencyCycleError as err:
        return _failed(
            festival, [Violation(rule="cycle", activities=err.cycle, message=str(err))], began
        )
    except InfeasibleError as err:
        return _failed(festival, list(err.violations), began)
    tr = Translation(festival)
    result = solve(tr.problem, seed=seed, time_limit=time_limit, max_passes=max_passes)
    return _to_schedule(tr, result, began)


def _failed(festival: Festival, violations: list[Violation], began: float) -> Schedule:
    return Schedule(
        festival=festival,
        status=Status.INFEASIBLE,
        prep=prep_slots(festival),
        violations=tuple(violations),
        solver="heuristic",
        seconds=time.perf_counter() - began,
    )


def _to_schedule(tr: Translation, result: EngineResult, began: float) -> Schedule:
    fest = tr.festival
    p = tr.problem
    starts = result.starts
    member_of_pool: dict[tuple[int, int], list[str]] = {}
    for (i, r), units in result.pool_units.items():
        name = p.pool_names[r]
        if name in tr.pooled:
            member_of_pool[(i, r)] = [tr.pooled[name][u - 1] for u in units]
    slots: dict[str, Slot] = {}
    for i, act in enumerate(fest.activities):
        held: list[str] = []
        pool_units: list[tuple[str, tuple[int, ...]]] = []
        chosen = [p.unary_names[u] for u in result.unary_of[i]]
        for req in act.needs:
            rid = req.resource
            if rid in tr.pool_of:
                r = tr.pool_of[rid]
                if rid in tr.pooled:
                    held.extend(member_of_pool.get((i, r), []))
                else:
                    held.append(rid)
                    pool_units.append((rid, tuple(result.pool_units.get((i, r), ()))))
            elif rid in tr.unary_of:
                held.append(rid)
            elif rid in tr.group_of:
                members = set(fest.group_members(rid))
                held.extend(c for c in chosen if c in members and c not in held)
            else:
                held.append(rid)  # a role without a capacity: taking part, never short
        slots[act.id] = Slot(
            activity=act.id,
            start=fest.at(starts[i]),
            end=fest.at(starts[i] + p.dur[i]),
            resources=tuple(held),
            pool_units=tuple(pool_units),
        )
    violations = [_conflict_violation(tr, c, starts) for c in result.conflicts]
    waits = [
        Wait(
            activity=tr.ids[w.activity],
            resource=w.reason.resource,
            minutes=w.minutes,
            message=(
                f"{fest.label(tr.ids[w.activity])} waits {w.minutes} min for "
                f"{_resource_name(fest, w.reason.resource)}: {_reason_text(tr, w.reason, starts)}"
            ),
        )
        for w in result.waits
    ]
    critical, slots = _slack(tr, slots, starts, result)
    if violations:
        status = Status.UNKNOWN
    elif result.optimal:
        status = Status.OPTIMAL
    else:
        status = Status.FEASIBLE
    return Schedule(
        festival=fest,
        status=status,
        slots=slots,
        prep=prep_slots(fest),
        violations=tuple(violations),
        waits=tuple(waits),
        critical_path=critical,
        bound=result.bound,
        solver="heuristic",
        seconds=time.perf_counter() - began,
    )


def _resource_name(festival: Festival, rid: str) -> str:
    try:
        return festival.resource(rid).name
    except PlanError:
        return rid


def _reason_text(tr: Translation, reason: Reason, starts: list[int]) -> str:
    fest = tr.festival
    name = _resource_name(fest, reason.resource)
    if reason.blocker < 0:
        return f"{name} is fully in use then"
    blocker = tr.ids[reason.blocker]
    until = fest.at(starts[reason.blocker] + tr.problem.dur[reason.blocker]).format("HH:mm")
    if reason.travel > 0:
        return (
            f"{name} is at {fest.label(blocker)} until {until} and needs {reason.travel} min "
            "to get here"
        )
    return f"{name} is at {fest.label(blocker)} until {until}"


def _conflict_violation(tr: Translation, c: Conflict, starts: list[int]) -> Violation:
    fest = tr.festival
    aid = tr.ids[c.activity]
    latest = fest.at(c.latest).format("HH:mm")
    wanted = fest.at(c.wanted).format("HH:mm")
    why = _reason_text(tr, c.reason, starts) if c.reason.resource else "its constraints"
    limit = ""
    if c.source is not None:
        limit = f" (held there by {fest.label(tr.ids[c.source])})"
    message = (
        f"{fest.label(aid)} must start by {latest}{limit} but cannot start before {wanted}: {why}"
    )
    rule = "travel" if c.reason.travel > 0 else "resource" if c.reason.resource else "window"
    return Violation(
        rule=rule,
        activities=(aid,) if c.source is None else (aid, tr.ids[c.source]),
        message=message,
        amount=c.wanted - c.latest,
        resource=c.reason.resource or None,
    )


def _slack(
    tr: Translation, slots: dict[str, Slot], starts: list[int], result: EngineResult
) -> tuple[tuple[str, ...], dict[str, Slot]]:
    """Slack and critical path after resources: the order on each unary resource is kept.

    Consecutive visits of a unary resource (travel included) become
    precedences; pools with a capacity above one are not re-sequenced, so the
    slack of their users may be optimistic.
    """
    if result.conflicts:
        return (), slots
    p = tr.problem
    network: nx.DiGraph[str] = tr.network.copy()
    for u in range(len(p.unary_names)):
        visits = sorted((starts[i], i) for i in range(p.n) if u in result.unary_of[i])
        for (_, a), (_, b) in zip(visits, visits[1:], strict=False):
            gap = p.dur[a] + p.travel(p.site[a], p.site[b]) if p.unary_travels[u] else p.dur[a]
            known = network.get_edge_data(tr.ids[a], tr.ids[b])
            if known is None or known["weight"] < gap:
                network.add_edge(
                    tr.ids[a], tr.ids[b], weight=gap, why=_Why("resource", p.unary_names[u])
                )
    timing = analyse(tr.festival, starts=dict(zip(tr.ids, starts, strict=True)), network=network)
    out = {
        aid: Slot(
            activity=s.activity,
            start=s.start,
            end=s.end,
            resources=s.resources,
            pool_units=s.pool_units,
            total_slack=timing.total_slack[aid],
            free_slack=timing.free_slack[aid],
        )
        for aid, s in slots.items()
    }
    return timing.critical_path, out
