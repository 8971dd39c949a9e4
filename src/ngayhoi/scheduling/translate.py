"""Festival in, integer problem out, and back: the named, group and pooled rules in one place.

>>> import ngayhoi
>>> translate(ngayhoi.samples.two_communes_one_delegation()).problem.n
2
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict, deque
from collections.abc import Sequence

import attrs

from ngayhoi.diagnostics import Rule, Violation, Wait
from ngayhoi.errors import PlanError, Said
from ngayhoi.graph import ORIGIN, difference_constraints
from ngayhoi.i18n import N_
from ngayhoi.model import Festival, Resource, minutes
from ngayhoi.network import PositiveCycle, latest_starts
from ngayhoi.scheduling.problem import (
    BIG,
    Conflict,
    EngineResult,
    Problem,
    Reason,
)
from ngayhoi.scheduling.result import Schedule, Slot, Status, prep_slots
from ngayhoi.scheduling.spans import attendance_spans, travelling

__all__ = [
    "Translation",
    "canonical",
    "failed_schedule",
    "in_plan_order",
    "spanned",
    "to_schedule",
    "translate",
]


def _key(item: object) -> tuple[str, str]:
    return (str(getattr(item, "id", "")), repr(item))


def canonical(festival: Festival) -> Festival:
    """The same plan with its units, sites, resources, links, awards and tasks sorted by id.

    The search breaks ties by position, so it runs on this order: a plan file
    that lists its tables in another order gets the same schedule.

    >>> import ngayhoi
    >>> fest = ngayhoi.samples.two_communes_one_delegation()
    >>> [r.id for r in canonical(fest).resources] == sorted(r.id for r in fest.resources)
    True
    """
    f = festival
    ordered = attrs.evolve(
        f,
        units=tuple(sorted(f.units, key=_key)),
        sites=tuple(sorted(f.sites, key=_key)),
        dependencies=tuple(sorted(f.dependencies, key=_key)),
        resources=tuple(sorted(f.resources, key=_key)),
        sync_groups=tuple(sorted(f.sync_groups, key=_key)),
        prep_tasks=tuple(sorted(f.prep_tasks, key=_key)),
        awards=tuple(sorted(f.awards, key=_key)),
    )
    return festival if ordered == festival else ordered


class Translation:
    """A festival as an engine :class:`Problem`, with the maps back to ids."""

    def __init__(self, festival: Festival) -> None:
        """Build the problem; raise :class:`PlanError` for travel the plan cannot give."""
        self.festival = festival
        acts = festival.activities
        self.ids = [a.id for a in acts]
        self.index = {a: i for i, a in enumerate(self.ids)}
        self.real = len(acts)
        durations = [minutes(a.duration) for a in acts]
        self.spans = attendance_spans(festival)
        # One hidden activity per attendance span holds the delegation from the
        # first item it attends to the end of the last; it stands for its need.
        durations += [span.minutes for span in self.spans]
        self.ids += [span.need for span in self.spans]
        p = Problem.new(len(durations), durations=durations)
        site_ids = [s.id for s in festival.sites]
        self.site_index = {s: k for k, s in enumerate(site_ids)}
        p.site = [self.site_index[a.site] for a in acts]
        p.site += [p.site[self.index[span.first]] for span in self.spans]
        index = self.index
        best: dict[tuple[int, int], tuple[int, str]] = {}
        ordered: set[tuple[int, int]] = set()
        for u, v, w, kind, _ in difference_constraints(festival):
            if u == ORIGIN:
                p.lo[index[v]] = max(p.lo[index[v]], w)
            elif v == ORIGIN:
                p.hi[index[u]] = min(p.hi[index[u]], -w)
            else:
                key = (index[u], index[v])
                known = best.get(key)
                if known is None or w > known[0]:
                    best[key] = (w, kind)
                if kind == "dependency":
                    ordered.add(key)
        for (a, b), (w, kind) in best.items():
            p.add_edge(a, b, w, label=kind, precedence=(a, b) in ordered)
        for k, span in enumerate(self.spans):
            hidden, first, last = self.real + k, index[span.first], index[span.last]
            tail = span.minutes - p.dur[last]
            p.add_edge(first, hidden, 0, label="attendance")
            p.add_edge(hidden, first, 0, label="attendance", precedence=False)
            p.add_edge(hidden, last, tail, label="attendance", precedence=False)
            p.add_edge(last, hidden, -tail, label="attendance", precedence=False)
        self.problem = p
        self._resources(festival, site_ids)

    def _resources(self, festival: Festival, site_ids: list[str]) -> None:
        p = self.problem
        groups: dict[str, list[Resource]] = defaultdict(list)
        for res in festival.resources:
            if res.group is not None:
                groups[res.group].append(res)
        named = {req.resource for a in festival.activities for req in a.needs}
        travel = festival.travel
        # Travel that is zero everywhere, said so explicitly, is no travel at all.
        self.moves = not (
            travel.speed_kmh is None
            and travel.default == 0
            and not any(m > 0 for m in travel.minutes.values())
        )
        # A group of identical members that nobody names on their own and that
        # never travel behaves as a pool: schedule it as one, number the units after.
        self.pooled: dict[str, list[str]] = {}
        for gid, members in groups.items():
            moving = self.moves and any(m.drives for m in members)
            if gid in named and not moving and not (named & {m.id for m in members}):
                self.pooled[gid] = [m.id for m in members]
        self.pool_of: dict[str, int] = {}
        self.unary_of: dict[str, int] = {}
        self.unary_ids: list[str] = []
        for res in festival.resources:
            if res.capacity is None or (res.group in self.pooled):
                continue
            if res.capacity == 1:
                self.unary_of[res.id] = p.add_unary(res.id, travels=res.drives and self.moves)
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
                msg = Said(
                    N_(
                        "resource group '{gid}': every member must have capacity 1 to be taken "
                        "as 'any one of'; give pools their own ids and name them directly"
                    ),
                    gid=gid,
                )
                raise PlanError(msg)
            self.group_of[gid] = p.add_group(gid, unary)
        carried = {span.need: self.real + k for k, span in enumerate(self.spans)}
        for i, act in enumerate(festival.activities):
            for req in act.needs:
                rid = req.resource
                if act.id in carried and travelling(festival, rid):
                    i = carried[act.id]  # noqa: PLW2901 - the span holds it instead
                if rid in self.pool_of:
                    p.need_pool(i, self.pool_of[rid], req.quantity)
                elif rid in self.unary_of:
                    p.need_one(i, self.unary_of[rid])
                elif rid in self.group_of:
                    p.need_any(i, self.group_of[rid], req.quantity)
                i = self.index[act.id]  # noqa: PLW2901 - back to the activity itself
        self._travel(festival, site_ids)

    def span_lines(self, unary_of: Sequence[Sequence[int]]) -> dict[int, list[int]]:
        """For each activity inside an attendance span, the unary lines its span holds."""
        out: dict[int, list[int]] = defaultdict(list)
        for k, span in enumerate(self.spans):
            for aid in span.members:
                out[self.index[aid]].extend(unary_of[self.real + k])
        return out

    def extend(self, starts: list[int]) -> list[int]:
        """Starts of the real activities, with the hidden span activities added."""
        return starts + [starts[self.index[span.first]] for span in self.spans]

    def _travel(self, festival: Festival, site_ids: list[str]) -> None:
        p = self.problem
        if not p.travels:
            return
        table: dict[tuple[int, int], int] = {}

        def travel(a: int, b: int) -> int:
            if a == b:
                return 0
            found = table.get((a, b))
            if found is None:
                known = festival.travel_minutes(site_ids[a], site_ids[b])
                if known is None:
                    msg = Said(
                        N_(
                            "a delegation may travel from site '{value}' to '{value2}' but the "
                            "plan gives no travel time: add it to the travel matrix, give both "
                            "sites coordinates and a speed, or a default"
                        ),
                        value=site_ids[a],
                        value2=site_ids[b],
                    )
                    raise PlanError(msg)
                found = table[(a, b)] = known
            return found

        p.travel = travel


def spanned(tr: Translation, aid: str) -> bool:
    """Whether the activity is a member of an attendance span."""
    return any(aid in span.members for span in tr.spans)


def translate(festival: Festival) -> Translation:
    """The festival as an engine problem (for inspection and benchmarks).

    >>> import ngayhoi
    >>> translate(ngayhoi.samples.two_communes_one_delegation()).problem.n
    2
    """
    return Translation(festival)


def in_plan_order(plan: Festival, sched: Schedule) -> Schedule:
    """The schedule of the canonical plan, told as the plan given: its festival, its order."""
    if sched.festival is plan:
        return sched
    slots = sched.slots
    return attrs.evolve(
        sched,
        festival=plan,
        slots={a.id: slots[a.id] for a in plan.activities if a.id in slots},
        prep=prep_slots(plan),
    )


def failed_schedule(festival: Festival, violations: list[Violation], began: float) -> Schedule:
    """An infeasible schedule without times, carrying why."""
    return Schedule(
        festival=festival,
        status=Status.INFEASIBLE,
        prep=prep_slots(festival),
        violations=tuple(violations),
        solver="heuristic",
        seconds=time.perf_counter() - began,
    )


def to_schedule(tr: Translation, result: EngineResult, began: float) -> Schedule:
    """The engine's result as a schedule of the festival, with waits and conflicts explained."""
    fest = tr.festival
    p = tr.problem
    starts = result.starts
    member_of_pool: dict[tuple[int, int], list[str]] = {}
    for (i, r), units in result.pool_units.items():
        name = p.pool_names[r]
        if name in tr.pooled:
            member_of_pool[(i, r)] = [tr.pooled[name][u - 1] for u in units]
    slots: dict[str, Slot] = {}
    spans = tr.span_lines(result.unary_of)
    for i, act in enumerate(fest.activities):
        held: list[str] = []
        pool_units: list[tuple[str, tuple[int, ...]]] = []
        attends = [p.unary_names[u] for u in spans.get(i, ())]
        chosen = [p.unary_names[u] for u in result.unary_of[i]] + attends
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
        held.extend(c for c in attends if c not in held)
        slots[act.id] = Slot(
            activity=act.id,
            start=fest.at(starts[i]),
            end=fest.at(starts[i] + p.dur[i]),
            resources=tuple(held),
            pool_units=tuple(pool_units),
        )
    violations = [_conflict_violation(tr, c, starts) for c in result.conflicts]
    for tied, resource in result.clashes:
        ids = tuple(tr.ids[i] for i in tied)
        labels = Said.joined((fest.label(a) for a in ids), ", ")
        violations.append(
            Violation(
                rule=Rule.CAPACITY,
                activities=ids,
                message=Said(
                    N_(
                        "{activities} are tied to start together but need more of "
                        "{resource} at once than there is"
                    ),
                    activities=labels,
                    resource=_resource_name(fest, resource),
                ),
                resource=resource,
            )
        )
    waits = [
        Wait(
            activity=tr.ids[w.activity],
            resource=w.reason.resource,
            minutes=w.minutes,
            message=Said.joined(
                (
                    Said(
                        N_("{activity} waits {minutes} min for {resource}"),
                        activity=fest.label(tr.ids[w.activity]),
                        minutes=w.minutes,
                        resource=_resource_name(fest, w.reason.resource),
                    ),
                    _reason_text(tr, w.reason, starts),
                ),
                ": ",
            ),
            blocker=tr.ids[w.reason.blocker] if w.reason.blocker >= 0 else None,
            free_at=(
                _clock(fest, starts[w.reason.blocker] + tr.problem.dur[w.reason.blocker])
                if w.reason.blocker >= 0
                else None
            ),
            travel=max(0, w.reason.travel),
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
        passes=result.passes,
        cut_short=result.clock_cut,
    )


def _resource_name(festival: Festival, rid: str) -> str:
    found = festival.find_resource(rid)
    return rid if found is None else found.name


def _reason_text(tr: Translation, reason: Reason, starts: list[int]) -> Said:
    fest = tr.festival
    name = _resource_name(fest, reason.resource)
    if reason.blocker < 0:
        return Said(N_("{resource} is fully in use then"), resource=name)
    blocker = tr.ids[reason.blocker]
    until = _clock(fest, starts[reason.blocker] + tr.problem.dur[reason.blocker])
    there = Said(
        N_("{resource} is at {activity} until {time}"),
        resource=name,
        activity=fest.label(blocker),
        time=until,
    )
    if reason.travel > 0:
        travel = Said(N_(" and needs {minutes} min to get here"), minutes=reason.travel)
        return Said.joined((there, travel), "")
    return there


def _clock(fest: Festival, minute: int) -> str:
    """``HH:mm``, with the date when the time falls outside the festival's days."""
    at = fest.at(minute)
    # Written out: pendulum's format() loads its locale tables (and importlib.resources)
    # the first time, more than the rest of a small plan's reasons.
    clock = f"{at.hour:02d}:{at.minute:02d}"
    if at.date() in fest.days:
        return clock
    return f"{clock} {at.day:02d}/{at.month:02d}/{at.year:04d}"


def _conflict_violation(tr: Translation, c: Conflict, starts: list[int]) -> Violation:
    fest = tr.festival
    aid = tr.ids[c.activity]
    latest = _clock(fest, c.latest)
    wanted = _clock(fest, c.wanted)
    if c.reason.resource:
        why = _reason_text(tr, c.reason, starts)
    else:
        why = Said(N_("the items before it cannot end earlier"))
    if c.source is not None:
        limit: Said | None = Said(
            N_("held there by {activity}"), activity=fest.label(tr.ids[c.source])
        )
    else:
        limit = _deadline_text(tr, c.activity, c.latest)
    values = {"activity": fest.label(aid), "latest": latest, "wanted": wanted, "why": why}
    if limit is None:
        template = N_("{activity} must start by {latest} but cannot start before {wanted}: {why}")
        message = Said(template, **values)
    else:
        template = N_(
            "{activity} must start by {latest} ({limit}) but cannot start before {wanted}: {why}"
        )
        message = Said(template, limit=limit, **values)
    rule = (
        Rule.TRAVEL if c.reason.travel > 0 else Rule.RESOURCE if c.reason.resource else Rule.WINDOW
    )
    return Violation(
        rule=rule,
        activities=(aid,) if c.source is None else (aid, tr.ids[c.source]),
        message=message,
        amount=c.wanted - c.latest,
        resource=c.reason.resource or None,
    )


def _deadline_text(tr: Translation, activity: int, latest: int) -> Said | None:
    """Which deadline sets an activity's latest start: its own window, or one later in its chain.

    ``None`` when none is found.
    """
    p = tr.problem
    fest = tr.festival
    dist = {activity: 0}
    queue = deque([activity])
    budget = 50 * (p.n + 1)
    while queue and budget:
        budget -= 1
        u = queue.popleft()
        for v, w, _ in p.out[u]:
            if w >= 0 and dist[u] + w > dist.get(v, -BIG):
                dist[v] = dist[u] + w
                queue.append(v)
    for v, d in sorted(dist.items(), key=lambda x: x[1]):
        if p.hi[v] < BIG // 2 and p.hi[v] - d == latest:
            act = fest.activity(tr.ids[v])
            end = fest.at(p.hi[v] + p.dur[v]).format("HH:mm")
            if act.fixed_start is not None:
                fixed = fest.at(p.hi[v]).format("HH:mm")
                if v == activity:
                    return Said(N_("it is fixed to start at {time}"), time=fixed)
                return Said(
                    N_("so that {activity} can start at its fixed {time}"),
                    activity=fest.label(tr.ids[v]),
                    time=fixed,
                )
            in_open = act.outdoor or fest.site(act.site).outdoor
            outdoors = in_open and fest.outdoor_until is not None
            if v == activity:
                if outdoors:
                    return Said(N_("it is outdoors: it must end by {time}"), time=end)
                return Said(N_("its window: it must end by {time}"), time=end)
            if outdoors:
                template = N_("so that {activity} can end by {time}: that is outdoors")
            else:
                template = N_("so that {activity} can end by {time}: its window")
            return Said(template, activity=fest.label(tr.ids[v]), time=end)
    return None


def _slack(
    tr: Translation, slots: dict[str, Slot], starts: list[int], result: EngineResult
) -> tuple[tuple[str, ...], dict[str, Slot]]:
    """Slack and critical path after resources: the order on each unary resource is kept.

    Consecutive visits of a unary resource (travel included) become
    precedences; pools with a capacity above one are not re-sequenced, so the
    slack of their users may be optimistic. Latest starts come from a backward
    label-correcting pass over the same difference constraints the engine uses.
    """
    if result.conflicts or result.clashes:
        return (), slots
    p = tr.problem
    n = p.n
    extra: list[list[tuple[int, int]]] = [[] for _ in range(n)]  # u -> (v, w)
    by_line: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for i in range(n):
        for u in result.unary_of[i]:
            by_line[u].append((starts[i], i))
    for u, visits in by_line.items():
        visits.sort()
        for (_, a), (_, b) in itertools.pairwise(visits):
            gap = p.dur[a] + (p.travel(p.site[a], p.site[b]) if p.unary_travels[u] else 0)
            extra[a].append((b, gap))
    horizon = max((starts[i] + p.dur[i] for i in range(n)), default=0)
    latest = [min(p.hi[i], horizon - p.dur[i]) for i in range(n)]
    preds: list[list[tuple[int, int, int]]] = [[] for _ in range(n)]
    for u in range(n):
        for v, w, label in p.out[u]:
            preds[v].append((u, w, label))
        for v, w in extra[u]:
            preds[v].append((u, w, -1))
    try:
        latest = latest_starts(preds, latest)
    except PositiveCycle as cycle:
        msg = "resource order contradicts the schedule's own constraints"
        raise AssertionError(msg) from cycle
    total = [latest[i] - starts[i] for i in range(n)]
    free = []
    for u in range(n):
        room = min(horizon - starts[u] - p.dur[u], p.hi[u] - starts[u])
        for v, w, _ in p.out[u]:
            room = min(room, starts[v] - starts[u] - w)
        for v, w in extra[u]:
            room = min(room, starts[v] - starts[u] - w)
        free.append(room)
    critical = _critical_path(p, starts, total, preds, horizon)
    out = {
        aid: Slot(
            activity=s.activity,
            start=s.start,
            end=s.end,
            resources=s.resources,
            pool_units=s.pool_units,
            total_slack=total[tr.index[aid]],
            free_slack=free[tr.index[aid]],
        )
        for aid, s in slots.items()
    }
    return tuple(tr.ids[i] for i in critical if i < tr.real), out


def _critical_path(
    p: Problem,
    starts: list[int],
    total: list[int],
    preds: list[list[tuple[int, int, int]]],
    horizon: int,
) -> list[int]:
    """A chain of zero-slack activities, linked by tight constraints, that ends at the horizon."""
    enders = [i for i in range(p.n) if total[i] == 0 and starts[i] + p.dur[i] == horizon]
    if not enders:
        return []
    chain = [min(enders, key=lambda i: (starts[i], i))]
    seen = set(chain)
    while True:
        here = chain[-1]
        tight = [
            u
            for u, w, _ in preds[here]
            if u not in seen and total[u] == 0 and w >= 0 and starts[u] + w == starts[here]
        ]
        if not tight:
            break
        nxt = min(tight, key=lambda u: (starts[u], u))
        chain.append(nxt)
        seen.add(nxt)
    chain.reverse()
    return chain
