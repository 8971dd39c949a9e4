"""The integer core of the built-in heuristic: a serial schedule generation scheme.

Everything here is minutes and indices; :mod:`ngayhoi.scheduling.heuristic`
translates a festival in and a :class:`~ngayhoi.scheduling.result.Schedule` out.

The method, from the resource-constrained project scheduling literature:

* **Serial schedule generation** (Kelley 1963; Kolisch 1996) over *blocks*:
  activities tied by fixed distances (a min lag equal to a max lag, a
  simultaneous start) are placed together, at the earliest time at which every
  member finds its resources. Each activity is contiguous and holds its
  resources from start to end, so nothing is ever split.
* **Time windows and maximum lags** as in RCPSP/max (Franck, Neumann and
  Schwindt 2001): bounds are propagated through the temporal network after each
  placement; when a block cannot start before its latest start because an
  earlier block pulls it (a maximum lag), that earlier block is delayed and
  the pass restarts ("unscheduling").
* **Travelling unary resources**: a delegation is free for an activity at a
  site only if it can reach it from its previous visit and reach its next
  visit after it (sequence-dependent setup times).
* **Sampling and forward-backward improvement**: passes use latest-start
  priorities, the first deterministic and the next biased-random (Kolisch
  1996, regret-based sampling); on problems without maximum lags or travel,
  each pass is followed by forward-backward improvement (justification; Li
  and Willis 1992, Valls, Ballestín and Quintanilla 2005), which shifts every
  activity right and then left in turn.

A pass is deterministic for a given seed; the search stops at the pass limit
(a deterministic budget), after ``patience`` passes without improvement, when
the makespan meets the lower bound, or at the time limit. Only the time limit
depends on the machine; :attr:`EngineResult.clock_cut` says when it fired.

>>> p = Problem.new(3, durations=[3, 2, 2])
>>> p.add_edge(0, 2, 3)               # 2 starts after 0 ends
>>> pool = p.add_pool("may", 1)
>>> p.need_pool(1, pool, 1); p.need_pool(2, pool, 1)
>>> solve(p, time_limit=1.0).starts
[0, 0, 3]
"""

from __future__ import annotations

import contextlib
import gc
import heapq
import random
import time
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

import attrs

from ngayhoi._lazy import lazy_import

if TYPE_CHECKING:
    import networkx as nx
else:
    nx = lazy_import("networkx")  # only blocks that depend on each other both ways need it

__all__ = ["EngineResult", "Problem", "TemporalConflict", "paused_gc", "solve"]

_LOOKAHEAD = 24 * 60
_BIG = 10**9


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small lists.

    A pass allocates tens of thousands of containers and frees few; with a
    large plan alive, each full collection walks every object, which made
    passes grow faster than linearly. Reference counting still frees memory.

    >>> import gc
    >>> with paused_gc():
    ...     gc.isenabled()
    False
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class TemporalConflict(Exception):  # noqa: N818 - a condition, not an error of the caller
    """The temporal network has a positive cycle: no times satisfy it."""


@attrs.define
class Problem:
    """A scheduling problem in minutes.

    Edges are difference constraints ``start[v] >= start[u] + w``. ``lo`` and
    ``hi`` bound each start. Resources: pools (capacity, each activity takes a
    quantity), unary lines (one activity at a time, with travel between sites
    when ``travels``), and groups of unary lines of which an activity takes any
    ``quantity`` members.
    """

    n: int
    dur: list[int]
    lo: list[int]
    hi: list[int]
    out: list[list[tuple[int, int, int]]]
    inn: list[list[tuple[int, int, int]]]
    prec: list[list[int]]
    site: list[int]
    pool_names: list[str] = attrs.field(factory=list)
    pool_cap: list[int] = attrs.field(factory=list)
    unary_names: list[str] = attrs.field(factory=list)
    unary_travels: list[bool] = attrs.field(factory=list)
    group_names: list[str] = attrs.field(factory=list)
    group_members: list[list[int]] = attrs.field(factory=list)
    need_pools: list[list[tuple[int, int]]] = attrs.field(factory=list)
    need_unary: list[list[int]] = attrs.field(factory=list)
    need_groups: list[list[tuple[int, int]]] = attrs.field(factory=list)
    travel: Callable[[int, int], int] = attrs.field(default=lambda _a, _b: 0)
    edge_labels: list[str] = attrs.field(factory=list)
    previous: list[int | None] | None = None  # starts of an earlier plan, kept where possible
    previous_lines: list[list[int]] | None = None  # unary lines each activity held before

    @classmethod
    def new(cls, n: int, *, durations: Sequence[int], horizon: int = _BIG) -> Problem:
        """An empty problem with ``n`` activities of the given durations, all sites 0."""
        return cls(
            n=n,
            dur=list(durations),
            lo=[0] * n,
            hi=[horizon] * n,
            out=[[] for _ in range(n)],
            inn=[[] for _ in range(n)],
            prec=[[] for _ in range(n)],
            site=[0] * n,
            need_pools=[[] for _ in range(n)],
            need_unary=[[] for _ in range(n)],
            need_groups=[[] for _ in range(n)],
        )

    def add_edge(self, u: int, v: int, w: int, *, label: str = "", precedence: bool = True) -> None:
        """Require ``start[v] >= start[u] + w``; ``precedence`` orders u before v in passes."""
        index = len(self.edge_labels)
        self.edge_labels.append(label)
        self.out[u].append((v, w, index))
        self.inn[v].append((u, w, index))
        if precedence:
            self.prec[u].append(v)

    def add_pool(self, name: str, capacity: int) -> int:
        """A pool of ``capacity`` interchangeable units; returns its index."""
        self.pool_names.append(name)
        self.pool_cap.append(capacity)
        return len(self.pool_cap) - 1

    def add_unary(self, name: str, *, travels: bool = False) -> int:
        """A resource that holds one activity at a time; returns its index."""
        self.unary_names.append(name)
        self.unary_travels.append(travels)
        return len(self.unary_names) - 1

    def add_group(self, name: str, members: Sequence[int]) -> int:
        """A group of unary resources; an activity may take any of them."""
        self.group_names.append(name)
        self.group_members.append(list(members))
        return len(self.group_names) - 1

    def need_pool(self, activity: int, pool: int, quantity: int) -> None:
        """The activity holds ``quantity`` units of the pool from start to end."""
        self.need_pools[activity].append((pool, quantity))

    def need_one(self, activity: int, unary: int) -> None:
        """The activity holds this unary resource."""
        self.need_unary[activity].append(unary)

    def need_any(self, activity: int, group: int, quantity: int = 1) -> None:
        """The activity holds ``quantity`` distinct members of the group."""
        self.need_groups[activity].append((group, quantity))

    @property
    def has_max_lags(self) -> bool:
        """Whether any constraint points against the precedence order."""
        prec = {(u, v) for u in range(self.n) for v in self.prec[u]}
        return any((u, v) not in prec for u in range(self.n) for v, _, _ in self.out[u])

    @property
    def travels(self) -> bool:
        """Whether any unary resource needs travel time."""
        return any(self.unary_travels)


@attrs.frozen
class Reason:
    """What held an activity back: a resource, and the activity using it (or -1)."""

    resource: str
    blocker: int = -1
    travel: int = 0


_NO_REASON = Reason("")


@attrs.define
class Conflict:
    """Why a block could not be placed by its latest start."""

    block: int
    activity: int
    earliest: int
    latest: int
    wanted: int
    reason: Reason
    source: int | None


@attrs.define
class WaitNote:
    """An activity placed later than its earliest start because of a resource."""

    activity: int
    minutes: int
    reason: Reason


@attrs.define
class EngineResult:
    """The best pass found."""

    starts: list[int]
    unary_of: list[list[int]]
    pool_units: dict[tuple[int, int], list[int]]
    conflicts: list[Conflict]
    waits: list[WaitNote]
    clashes: list[tuple[list[int], str]]
    makespan: int
    bound: int
    passes: int
    seconds: float
    optimal: bool
    clock_cut: bool = False  # the time limit, not the pass budget, ended the search


# -- blocks -------------------------------------------------------------------


@attrs.define
class _Blocks:
    of: list[int]  # activity -> block
    members: list[list[int]]
    offset: list[int]  # activity -> offset from its block's anchor
    order_graph: list[list[int]]  # block-level precedence (DAG after condensation)
    impossible: dict[int, str] = attrs.field(factory=dict)  # block -> resource it cannot share


def _blocks(p: Problem) -> _Blocks:
    """Group activities tied by fixed distances into rigid blocks."""
    parent = list(range(p.n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    weight_of: dict[tuple[int, int], int] = {}
    for u in range(p.n):
        for v, w, _ in p.out[u]:
            if weight_of.get((u, v), -_BIG) < w:
                weight_of[(u, v)] = w
    rigid: list[list[tuple[int, int]]] = [[] for _ in range(p.n)]
    for (u, v), w in weight_of.items():
        back = weight_of.get((v, u))
        if back is not None and back == -w:
            rigid[u].append((v, w))
            a, b = find(u), find(v)
            if a != b:
                parent[a] = b
    groups: dict[int, list[int]] = {}
    for i in range(p.n):
        groups.setdefault(find(i), []).append(i)
    members = list(groups.values())
    of = [0] * p.n
    offset = [0] * p.n
    for b, group in enumerate(members):
        anchor = group[0]
        for i in group:
            of[i] = b
        if len(group) > 1:
            seen = {anchor}
            stack = [anchor]
            while stack:
                u = stack.pop()
                for v, w in rigid[u]:
                    if v not in seen:
                        seen.add(v)
                        offset[v] = offset[u] + w
                        stack.append(v)
            low = min(offset[i] for i in group)
            for i in group:
                offset[i] -= low
    nb = len(members)
    succ: list[set[int]] = [set() for _ in range(nb)]
    for u in range(p.n):
        for v in p.prec[u]:
            if of[u] != of[v]:
                succ[of[u]].add(of[v])
    order_graph = [sorted(c) for c in succ]
    if not _acyclic(order_graph):
        # Cycles between blocks (dependencies both ways with slack): merge each
        # strongly connected part for ordering purposes only.
        graph: nx.DiGraph[int] = nx.DiGraph()
        graph.add_nodes_from(range(nb))
        graph.add_edges_from((b, c) for b in range(nb) for c in order_graph[b])
        comp = nx.condensation(graph).graph["mapping"]
        order_graph = [[c for c in order_graph[b] if comp[b] != comp[c]] for b in range(nb)]
    blocks = _Blocks(of=of, members=members, offset=offset, order_graph=order_graph)
    blocks.impossible = _impossible(p, blocks)
    return blocks


def _impossible(p: Problem, blocks: _Blocks) -> dict[int, str]:
    """Blocks whose members, tied together in time, need more of a resource than exists."""
    out: dict[int, str] = {}
    for b, members in enumerate(blocks.members):
        for i in members:
            # One activity asking a group for more people than it has besides those
            # the activity already names can never be placed, however late.
            for g, q in p.need_groups[i]:
                named = sum(1 for u in p.need_unary[i] if u in p.group_members[g])
                if q + named > len(p.group_members[g]):
                    out[b] = p.group_names[g]
        if len(members) < 2:  # noqa: PLR2004
            continue
        off = blocks.offset
        span = [(off[i], off[i] + p.dur[i], i) for i in members]
        for r, cap in enumerate(p.pool_cap):
            events = sorted(
                [(s, q) for s, _, i in span for rr, q in p.need_pools[i] if rr == r]
                + [(e, -q) for _, e, i in span for rr, q in p.need_pools[i] if rr == r],
                key=lambda x: (x[0], x[1]),
            )
            level = 0
            for _, delta in events:
                level += delta
                if level > cap:
                    out[b] = p.pool_names[r]
        users: dict[int, list[tuple[int, int, int]]] = {}
        for s, e, i in span:
            for u in p.need_unary[i]:
                users.setdefault(u, []).append((s, e, p.site[i]))
        for u, uses in users.items():
            for k, (s1, e1, a) in enumerate(uses):
                for s2, e2, c in uses[k + 1 :]:
                    gap = p.travel(a, c) if p.unary_travels[u] else 0
                    back = p.travel(c, a) if p.unary_travels[u] else 0
                    if not (e1 + gap <= s2 or e2 + back <= s1):
                        out[b] = p.unary_names[u]
        for g, group in enumerate(p.group_members):
            # A member named directly takes one of the group's people as well.
            by_name = [(s, e) for s, e, i in span for u in p.need_unary[i] if u in group]
            events = sorted(
                [(s, q) for s, _, i in span for gg, q in p.need_groups[i] if gg == g]
                + [(e, -q) for _, e, i in span for gg, q in p.need_groups[i] if gg == g]
                + [(s, 1) for s, _ in by_name]
                + [(e, -1) for _, e in by_name],
                key=lambda x: (x[0], x[1]),
            )
            level = 0
            for _, delta in events:
                level += delta
                if level > len(group):
                    out[b] = p.group_names[g]
    return out


def _acyclic(graph: list[list[int]]) -> bool:
    indeg = [0] * len(graph)
    for targets in graph:
        for c in targets:
            indeg[c] += 1
    stack = [b for b, k in enumerate(indeg) if k == 0]
    seen = 0
    while stack:
        b = stack.pop()
        seen += 1
        for c in graph[b]:
            indeg[c] -= 1
            if indeg[c] == 0:
                stack.append(c)
    return seen == len(graph)


# -- bounds -------------------------------------------------------------------


def _initial_bounds(p: Problem) -> tuple[list[int], list[int]]:
    """Earliest and latest starts from the temporal network alone (label correcting)."""
    es = list(p.lo)
    ls = list(p.hi)
    queue = deque(range(p.n))
    in_queue = [True] * p.n
    count = [0] * p.n
    parent = [-1] * p.n
    relaxations = 0
    while queue:
        u = queue.popleft()
        in_queue[u] = False
        count[u] += 1
        if count[u] > p.n + 1:
            msg = "temporal network has a positive cycle"
            raise TemporalConflict(msg)
        eu = es[u]
        for v, w, _ in p.out[u]:
            if es[v] < eu + w:
                es[v] = eu + w
                parent[v] = u
                relaxations += 1
                # A cycle among the parent pointers is a positive cycle; looking
                # every n relaxations finds it long before a node is relaxed n times.
                if relaxations % p.n == 0 and _on_parent_cycle(parent, v):
                    msg = "temporal network has a positive cycle"
                    raise TemporalConflict(msg)
                if not in_queue[v]:
                    in_queue[v] = True
                    queue.append(v)
    queue = deque(range(p.n))
    in_queue = [True] * p.n
    while queue:
        v = queue.popleft()
        in_queue[v] = False
        lv = ls[v]
        for u, w, _ in p.inn[v]:
            if ls[u] > lv - w:
                ls[u] = lv - w
                if not in_queue[u]:
                    in_queue[u] = True
                    queue.append(u)
    if any(es[i] > ls[i] for i in range(p.n)):
        msg = "a window is empty"
        raise TemporalConflict(msg)
    return es, ls


def _on_parent_cycle(parent: Sequence[int], start: int) -> bool:
    """Whether following ``parent`` from ``start`` runs into a cycle instead of a root."""
    seen = set()
    x = start
    while x != -1 and x not in seen:
        seen.add(x)
        x = parent[x]
    return x != -1


def lower_bound(p: Problem, es: Sequence[int]) -> int:
    """A lower bound on the makespan: the critical path and each resource's work.

    >>> p = Problem.new(2, durations=[4, 4])
    >>> _ = p.add_pool("x", 1); p.need_pool(0, 0, 1); p.need_pool(1, 0, 1)
    >>> lower_bound(p, [0, 0])
    8
    """
    if p.n == 0:
        return 0
    bound = max(es[i] + p.dur[i] for i in range(p.n))
    start = min(es)
    work = [0] * len(p.pool_cap)
    unary_work = [0] * len(p.unary_names)
    group_work = [0] * len(p.group_members)
    for i in range(p.n):
        for r, q in p.need_pools[i]:
            work[r] += q * p.dur[i]
        for u in p.need_unary[i]:
            unary_work[u] += p.dur[i]
        for g, q in p.need_groups[i]:
            group_work[g] += q * p.dur[i]
    for r, cap in enumerate(p.pool_cap):
        bound = max(bound, start + -(-work[r] // cap))
    for u in range(len(p.unary_names)):
        bound = max(bound, start + unary_work[u])
    for g, members in enumerate(p.group_members):
        if members:
            bound = max(bound, start + -(-group_work[g] // len(members)))
    return bound


# -- one pass -----------------------------------------------------------------


class _Profile:
    """A pool's use per minute, with skip pointers past full minutes (union-find).

    ``nxt[t]`` leads to the first minute at or after ``t`` with any room, so a
    search jumps over a long busy stretch in near-constant time.
    """

    __slots__ = ("cap", "nxt", "use")

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.use: list[int] = []
        self.nxt: list[int] = []

    def grow(self, end: int) -> None:
        if end >= len(self.use):
            extra = end - len(self.use) + 512
            base = len(self.nxt)
            self.use.extend([0] * extra)
            self.nxt.extend(range(base, base + extra))

    def free_from(self, t: int) -> int:
        self.grow(t + 1)
        nxt = self.nxt
        root = t
        while nxt[root] != root:
            root = nxt[root]
            if root >= len(nxt) - 1:
                self.grow(root + 1)
                nxt = self.nxt
        while nxt[t] != root:
            nxt[t], t = root, nxt[t]
        return root

    def fits(self, s: int, e: int, q: int) -> tuple[bool, int]:
        if e >= len(self.use):
            self.grow(e)
        room = self.cap - q
        seg = self.use[s:e]
        if not seg or max(seg) <= room:
            return True, s
        k = len(seg) - 1
        while seg[k] <= room:
            k -= 1
        return False, self.free_from(s + k + 1)

    def add(self, s: int, e: int, q: int) -> None:
        if e + 1 >= len(self.use):
            self.grow(e + 1)
        use = self.use
        use[s:e] = [x + q for x in use[s:e]]
        cap = self.cap
        nxt = self.nxt
        for k in range(s, e):
            if use[k] >= cap:
                nxt[k] = k + 1


@attrs.define
class _Pending:
    """What the members of a block placed so far take, while the block is being fitted."""

    lines: list[tuple[int, int, int, int]] = attrs.field(factory=list)
    pools: list[tuple[int, int, int, int]] = attrs.field(factory=list)


@attrs.define
class _Found:
    """Where a block fits: its start, its bounds, the unary lines chosen, what delayed it."""

    t: int
    earliest: int
    latest: int
    chosen: dict[int, list[int]]
    cause: Reason
    ok: bool = True  # False: no start fits at all (the block asks for what does not exist)


class _Line:
    """The visits of one unary resource, sorted by start."""

    __slots__ = ("acts", "ends", "sites", "starts")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.sites: list[int] = []
        self.acts: list[int] = []

    def insert(self, s: int, e: int, site: int, act: int) -> None:
        i = bisect_right(self.starts, s)
        self.starts.insert(i, s)
        self.ends.insert(i, e)
        self.sites.insert(i, site)
        self.acts.insert(i, act)


class _Pass:
    """State of one serial pass: starts, bounds, resource timelines."""

    def __init__(self, p: Problem, blocks: _Blocks, es: list[int], ls: list[int]) -> None:
        self.p = p
        self.blocks = blocks
        self.es = list(es)
        self.ls = list(ls)
        self.ls_src: list[int | None] = [None] * p.n
        self.start: list[int | None] = [None] * p.n
        self.lines = [_Line() for _ in p.unary_names]
        self.profiles = [_Profile(cap) for cap in p.pool_cap]
        self.unary_of: list[list[int]] = [[] for _ in range(p.n)]
        self.conflicts: list[Conflict] = []
        self.clashes: dict[int, str] = {}
        self.horizon = 0  # the latest end of anything placed: past it, no resource frees up
        self.waits: list[WaitNote] = []
        self.last_reason = _NO_REASON
        self.pool_reasons = [Reason(name) for name in p.pool_names]

    # resource checks return (ok, next candidate start of the activity)

    def _pool_ok(self, r: int, s: int, e: int, q: int) -> tuple[bool, int]:
        ok, nxt = self.profiles[r].fits(s, e, q)
        if not ok:
            self.last_reason = self.pool_reasons[r]
        return ok, nxt

    def _line_ok(self, u: int, s: int, e: int, site: int) -> tuple[bool, int]:
        line = self.lines[u]
        travel = self.p.travel if self.p.unary_travels[u] else None
        i = bisect_right(line.starts, s)
        if i > 0:
            prev_site = line.sites[i - 1]
            ready = line.ends[i - 1] + (travel(prev_site, site) if travel else 0)
            if ready > s:
                self.last_reason = Reason(
                    self.p.unary_names[u], line.acts[i - 1], ready - line.ends[i - 1]
                )
                return False, ready
        if i < len(line.starts):
            next_site = line.sites[i]
            if e + (travel(site, next_site) if travel else 0) > line.starts[i]:
                after = line.ends[i] + (travel(next_site, site) if travel else 0)
                self.last_reason = Reason(self.p.unary_names[u], line.acts[i], after - line.ends[i])
                return False, max(after, s + 1)
        return True, s

    def _fits(
        self, i: int, s: int, *, choose: bool, pending: _Pending | None = None
    ) -> tuple[bool, int, list[int]]:
        """Whether activity ``i`` can hold its resources from ``s``; the unary lines chosen.

        ``pending`` holds what earlier members of the same block take at this
        start: members of one block compete for resources among themselves too.
        """
        p = self.p
        e = s + p.dur[i]
        site = p.site[i]
        for r, q in p.need_pools[i]:
            ok, nxt = self._pool_ok(r, s, e, q)
            if not ok:
                return False, nxt, []
            if pending is not None and not self._pool_ok_with(r, s, e, q, pending):
                self.last_reason = self.pool_reasons[r]
                return False, s + 1, []
        chosen: list[int] = []
        for u in p.need_unary[i]:
            ok, nxt = self._line_ok(u, s, e, site)
            if not ok:
                return False, nxt, []
            if pending is not None and self._clashes(u, s, e, site, pending):
                self.last_reason = Reason(p.unary_names[u])
                return False, s + 1, []
            chosen.append(u)
        for g, q in p.need_groups[i]:
            found: list[int] = []
            soonest = _BIG
            for u in p.group_members[g]:
                if u in chosen:
                    soonest = min(soonest, s + 1)  # never free for this activity: no jump
                    continue
                if pending is not None and self._clashes(u, s, e, site, pending):
                    soonest = min(soonest, s + 1)
                    continue
                ok, nxt = self._line_ok(u, s, e, site)
                if ok:
                    found.append(u)
                    if len(found) == q and not choose:
                        break
                else:
                    soonest = min(soonest, nxt)
            if len(found) < q:
                if soonest == s + 1:  # only the block's own members are in the way
                    self.last_reason = Reason(p.group_names[g])
                return False, max(soonest, s + 1), []
            if choose and len(found) > q:
                found = self._best_members(found, q, s, i)
            chosen.extend(found[:q])
        return True, s, chosen

    def _pool_ok_with(self, r: int, s: int, e: int, q: int, pending: _Pending) -> bool:
        """The pool also holds what earlier members of the block take."""
        extra = [(ps, pe, pq) for pr, ps, pe, pq in pending.pools if pr == r and ps < e and s < pe]
        if not extra:
            return True
        use = self.profiles[r].use
        seg = use[s:e]
        for ps, pe, pq in extra:
            for k in range(max(ps, s) - s, min(pe, e) - s):
                seg[k] += pq
        return max(seg) <= self.p.pool_cap[r] - q

    def _clashes(self, u: int, s: int, e: int, site: int, pending: _Pending) -> bool:
        """Whether line ``u`` is already taken by an earlier member of the block around [s, e)."""
        travel = self.p.travel if self.p.unary_travels[u] else None
        for pu, ps, pe, psite in pending.lines:
            if pu != u:
                continue
            before = pe + (travel(psite, site) if travel else 0) <= s
            after = e + (travel(site, psite) if travel else 0) <= ps
            if not (before or after):
                return True
        return False

    def _best_members(self, found: list[int], q: int, s: int, i: int) -> list[int]:
        """Among free members, prefer the one that arrives with the least idle time."""
        p = self.p

        kept = set(p.previous_lines[i]) if p.previous_lines is not None else set()

        def idle(u: int) -> tuple[int, int, int]:
            line = self.lines[u]
            stay = 0 if u in kept else 1  # a re-plan keeps whom it can
            k = bisect_right(line.starts, s)
            if k == 0:
                return (stay, _BIG, u)  # fresh members last: keep them for later
            travel = p.travel(line.sites[k - 1], p.site[i]) if p.unary_travels[u] else 0
            return (stay, s - line.ends[k - 1] - travel, u)

        return sorted(found, key=idle)[:q]

    def search(self, b: int, release: int, start_at: int | None = None) -> _Found:
        """The earliest start of block ``b`` (from ``start_at`` on) where every member fits."""
        members = self.blocks.members[b]
        off = self.blocks.offset
        earliest = release
        latest = _BIG
        for i in members:
            earliest = max(earliest, self.es[i] - off[i])
            latest = min(latest, self.ls[i] - off[i])
        t = earliest if start_at is None else max(earliest, start_at)
        chosen: dict[int, list[int]] = {}
        cause = _NO_REASON
        joint = len(members) > 1 and b not in self.blocks.impossible
        p = self.p
        while True:
            ok_all = True
            pending = _Pending() if joint else None
            for i in members:
                s = t + off[i]
                ok, nxt, lines = self._fits(i, s, choose=True, pending=pending)
                if not ok:
                    ok_all = False
                    cause = self.last_reason
                    t = max(t + 1, nxt - off[i])
                    break
                chosen[i] = lines
                if pending is not None:
                    e = s + p.dur[i]
                    pending.lines.extend((u, s, e, p.site[i]) for u in lines)
                    pending.pools.extend((r, s, e, q) for r, q in p.need_pools[i])
            # Past the latest start by a day, or a day past the end of everything placed
            # (from there on every resource is free), no later start can help.
            if ok_all or t > min(latest, max(earliest, self.horizon)) + _LOOKAHEAD:
                break
        return _Found(t=t, earliest=earliest, latest=latest, chosen=chosen, cause=cause, ok=ok_all)

    def settle(self, b: int, found: _Found, *, may_defer: bool) -> int | None:
        """Commit block ``b`` where ``search`` found room, or return the activity to delay."""
        p = self.p
        members = self.blocks.members[b]
        off = self.blocks.offset
        t, earliest, latest, cause = found.t, found.earliest, found.latest, found.cause
        if b in self.blocks.impossible and b not in self.clashes:
            self.clashes[b] = self.blocks.impossible[b]
        if not found.ok and t <= latest:
            # Nothing fits however late: a clash to report, placed where it was wanted.
            self.clashes.setdefault(b, cause.resource or "its resources")
            t = earliest
        if t > latest:
            # Which member's latest start binds, and what set it.
            binding = min(members, key=lambda i: self.ls[i] - off[i])
            source = self.ls_src[binding]
            self.conflicts.append(
                Conflict(
                    block=b,
                    activity=binding,
                    earliest=earliest + off[binding],
                    latest=latest + off[binding],
                    wanted=t + off[binding],
                    reason=cause,
                    source=source,
                )
            )
            if may_defer and source is not None and self.start[source] is not None:
                return source
        if t > earliest and cause.resource:
            for i in members:
                if p.need_pools[i] or p.need_unary[i] or p.need_groups[i]:
                    visit = self._binding_visit(i, t + off[i], found.chosen.get(i, []))
                    self.waits.append(WaitNote(i, t - earliest, visit or cause))
                    break
        self._commit(members, t, found.chosen)
        return None

    def place(self, b: int, release: int, *, may_defer: bool) -> int | None:
        """Place block ``b``, or return the activity to delay first (max-lag conflict)."""
        return self.settle(b, self.search(b, release), may_defer=may_defer)

    def place_simple(self, i: int, release: int) -> int | None:
        """Place a lone activity that needs only pools: the hot path of large problems."""
        p = self.p
        first = max(release, self.es[i])
        if first > self.ls[i]:
            return self.place(self.blocks.of[i], release, may_defer=True)
        d = p.dur[i]
        needs = p.need_pools[i]
        profiles = self.profiles
        t = first
        moved = True
        while moved:
            moved = False
            for r, q in needs:
                ok, nxt = profiles[r].fits(t, t + d, q)
                if not ok:
                    t = nxt
                    moved = True
                    break
        if t > self.ls[i]:
            return self.place(self.blocks.of[i], release, may_defer=True)
        if t > first and needs:
            self.waits.append(WaitNote(i, t - first, self.pool_reasons[needs[0][0]]))
        for r, q in needs:
            profiles[r].add(t, t + d, q)
        self.horizon = max(self.horizon, t + d)
        self.start[i] = t
        self.es[i] = t
        self.ls[i] = t
        self._propagate([i])
        return None

    def _binding_visit(self, i: int, s: int, lines: list[int]) -> Reason | None:
        """The visit on a chosen line that ends (plus travel) exactly when ``i`` starts."""
        p = self.p
        for u in lines:
            line = self.lines[u]
            k = bisect_right(line.starts, s)
            if k == 0:
                continue
            travel = p.travel(line.sites[k - 1], p.site[i]) if p.unary_travels[u] else 0
            if line.ends[k - 1] + travel == s:
                return Reason(p.unary_names[u], line.acts[k - 1], travel)
        return None

    def _commit(self, members: list[int], t: int, chosen: dict[int, list[int]]) -> None:
        p = self.p
        off = self.blocks.offset
        for i in members:
            s = t + off[i]
            e = s + p.dur[i]
            self.start[i] = s
            self.es[i] = s
            self.ls[i] = s
            for r, q in p.need_pools[i]:
                self.profiles[r].add(s, e, q)
            for u in chosen.get(i, ()):
                self.lines[u].insert(s, e, p.site[i], i)
            self.unary_of[i] = chosen.get(i, [])
            self.horizon = max(self.horizon, e)
        self._propagate(members)

    def _propagate(self, changed: list[int]) -> None:
        es, ls, start = self.es, self.ls, self.start
        out, inn = self.p.out, self.p.inn
        stack = list(changed)
        while stack:
            u = stack.pop()
            eu = es[u]
            for v, w, _ in out[u]:
                if start[v] is None and es[v] < eu + w:
                    es[v] = eu + w
                    stack.append(v)
            lu = ls[u]
            for v, w, _ in inn[u]:
                if start[v] is None and ls[v] > lu - w:
                    ls[v] = lu - w
                    self.ls_src[v] = u if start[u] is not None else self.ls_src[u]
                    stack.append(v)


def _order(
    blocks: _Blocks, key: Sequence[float], rng: random.Random | None, noise: float
) -> list[int]:
    """Blocks in an order consistent with precedence, lowest key first (Kahn with a heap)."""
    nb = len(blocks.members)
    indeg = [0] * nb
    for b in range(nb):
        for c in blocks.order_graph[b]:
            indeg[c] += 1

    def prio(b: int) -> float:
        return key[b] + (rng.random() * noise if rng is not None else 0.0)

    heap = [(prio(b), b) for b in range(nb) if indeg[b] == 0]
    heapq.heapify(heap)
    order = []
    while heap:
        _, b = heapq.heappop(heap)
        order.append(b)
        for c in blocks.order_graph[b]:
            indeg[c] -= 1
            if indeg[c] == 0:
                heapq.heappush(heap, (prio(c), c))
    if len(order) < nb:  # pragma: no cover - order_graph is acyclic by construction
        seen = set(order)
        order += [b for b in range(nb) if b not in seen]
    return order


def _run_pass(p: Problem, blocks: _Blocks, es: list[int], ls: list[int], order: list[int]) -> _Pass:
    release = _block_releases(p, blocks)
    restarts = 0
    limit = 4 * len(blocks.members) + 20
    simple = [
        len(m) == 1 and not p.need_unary[m[0]] and not p.need_groups[m[0]] for m in blocks.members
    ]
    while True:
        state = _Pass(p, blocks, es, ls)
        restart = False
        for b in order:
            if simple[b] and restarts < limit:
                source = state.place_simple(blocks.members[b][0], release[b])
            else:
                source = state.place(b, release[b], may_defer=restarts < limit)
            if source is not None:
                # Unscheduling (Franck et al. 2001): delay the block that pulls
                # this one by the amount missing, and start the pass again.
                conflict = state.conflicts[-1]
                sb = blocks.of[source]
                anchor_start = state.start[source] or 0  # placed: settle only defers to those
                release[sb] = (
                    anchor_start - blocks.offset[source] + (conflict.wanted - conflict.latest)
                )
                restarts += 1
                restart = True
                break
        if not restart:
            return state


def _block_releases(p: Problem, blocks: _Blocks) -> list[int]:
    return [min(p.lo[i] - blocks.offset[i] for i in members) for members in blocks.members]


def _run_parallel(
    p: Problem,
    blocks: _Blocks,
    es: list[int],
    ls: list[int],
    key: Sequence[tuple[float, float]],
) -> _Pass:
    """Parallel schedule generation: always start next whatever can start earliest.

    Among eligible blocks (all predecessors placed), the one whose earliest
    resource-feasible start is smallest goes next; ties go to the lower key.
    On one machine with release dates and tails this is Schrage's rule; in
    general it builds non-delay schedules (Kelley 1963; Kolisch 1996).

    Feasible starts only move later as resources fill, so a heap entry is a
    lower bound, re-evaluated when popped. A lone activity held back by a busy
    pool or line waits in that resource's own queue (by priority), and the
    resource re-enters the heap once, at its next free minute: thousands of
    activities waiting for one delegation cost a heap step each, not a rescan.
    """
    state = _Pass(p, blocks, es, ls)
    release = _block_releases(p, blocks)
    nb = len(blocks.members)
    indeg = [0] * nb
    for b in range(nb):
        for c in blocks.order_graph[b]:
            indeg[c] += 1
    simple = [len(m) == 1 and not p.need_groups[m[0]] for m in blocks.members]
    pool_id = {name: r for r, name in enumerate(p.pool_names)}
    line_id = {name: len(p.pool_names) + u for u, name in enumerate(p.unary_names)}
    waiting: dict[int, list[tuple[tuple[float, float], int]]] = {}
    due: dict[int, int] = {}  # resource -> the time of its one live heap entry
    heap: list[tuple[int, tuple[float, float], int, int]] = []

    def bound(b: int) -> int:
        return max(release[b], *(state.es[i] - blocks.offset[i] for i in blocks.members[b]))

    def done(b: int) -> None:
        for c in blocks.order_graph[b]:
            indeg[c] -= 1
            if indeg[c] == 0:
                heapq.heappush(heap, (bound(c), key[c], 0, c))

    def park(b: int, found: _Found) -> None:
        name = found.cause.resource
        res = pool_id.get(name, line_id.get(name)) if simple[b] else None
        if res is None:
            heapq.heappush(heap, (found.t, key[b], 0, b))
            return
        heapq.heappush(waiting.setdefault(res, []), (key[b], b))
        if found.t < due.get(res, _BIG):
            due[res] = found.t
            heapq.heappush(heap, (found.t, key[b], 1, res))

    heap.extend((bound(b), key[b], 0, b) for b in range(nb) if indeg[b] == 0)
    heapq.heapify(heap)
    while heap:
        when, _, kind, x = heapq.heappop(heap)
        if kind == 0:
            found = state.search(x, release[x], when)
            if found.t > when and found.ok:
                park(x, found)
                continue
            state.settle(x, found, may_defer=False)
            done(x)
            continue
        if due.get(x) != when:
            continue  # a stale entry of this resource
        del due[x]
        queue = waiting.get(x, [])
        held: list[tuple[tuple[float, float], int]] = []
        while queue:
            k, b = heapq.heappop(queue)
            found = state.search(b, release[b], when)
            if found.t == when or not found.ok:
                state.settle(b, found, may_defer=False)
                done(b)
                continue
            name = found.cause.resource
            same = pool_id.get(name, line_id.get(name)) == x
            if same:
                held.append((k, b))
                # Full for this one: assume full for all (unit demands) and come back later.
                if found.t < due.get(x, _BIG):
                    due[x] = found.t
                    heapq.heappush(heap, (found.t, k, 1, x))
                break
            park(b, found)
        for item in held:
            heapq.heappush(queue, item)
        if queue and x not in due:
            nxt = min(state.search(b, release[b], when).t for _, b in queue[:1])
            due[x] = nxt
            heapq.heappush(heap, (nxt, queue[0][0], 1, x))
    return state


#: (unmet constraints, minutes they miss by, activities moved from the previous
#: plan, makespan, sum of starts): smaller is better, in that order.
Score = tuple[int, int, int, int, int]


def _score(p: Problem, state: _Pass) -> Score:
    starts = [s if s is not None else 0 for s in state.start]
    makespan = max((starts[i] + p.dur[i] for i in range(p.n)), default=0)
    excess = sum(c.wanted - c.latest for c in state.conflicts)
    moved = 0
    if p.previous is not None:
        moved = sum(
            1 for s, old in zip(starts, p.previous, strict=True) if old is not None and s != old
        )
    return (len(state.conflicts) + len(state.clashes), excess, moved, makespan, sum(starts))


def _reverse(p: Problem, horizon: int) -> Problem:
    """The mirror problem: start' = horizon - end. Only for problems without max lags."""
    r = Problem.new(p.n, durations=p.dur)
    r.site = list(p.site)
    r.pool_names, r.pool_cap = p.pool_names, p.pool_cap
    r.unary_names, r.unary_travels = p.unary_names, p.unary_travels
    r.group_names, r.group_members = p.group_names, p.group_members
    r.need_pools, r.need_unary, r.need_groups = p.need_pools, p.need_unary, p.need_groups
    for u in range(p.n):
        for v, w, _ in p.out[u]:
            r.add_edge(v, u, w + p.dur[v] - p.dur[u])
    _mirror_bounds(p, r, horizon)
    return r


def _mirror_bounds(p: Problem, r: Problem, horizon: int) -> None:
    """A start bound mirrors into an end bound of the reversed problem."""
    for u in range(p.n):
        r.hi[u] = horizon - p.lo[u] - p.dur[u]
        r.lo[u] = max(0, horizon - p.hi[u] - p.dur[u]) if p.hi[u] < _BIG // 2 else 0


@attrs.define
class _Mirror:
    """The reversed problem for forward-backward improvement, and what stays fixed in it."""

    rev: Problem
    blocks: _Blocks
    es: list[int]  # forward earliest starts
    ls: list[int]  # forward latest starts
    tails: list[int] | None  # reversed earliest starts, when no start has an upper bound


def _justify(p: Problem, mirror: _Mirror | None, blocks: _Blocks, state: _Pass) -> _Pass:
    """Forward-backward improvement: right-justify then left-justify, keeping the order."""
    if mirror is None:
        return state
    rev = mirror.rev
    starts = [s if s is not None else 0 for s in state.start]
    horizon = max(starts[i] + p.dur[i] for i in range(p.n))
    ends = [starts[i] + p.dur[i] for i in range(p.n)]
    if mirror.tails is not None:
        # Without upper bounds the mirror's earliest starts never change, and its
        # latest starts are the forward earliest ends seen from the horizon.
        res = mirror.tails
        rls = [horizon - mirror.es[i] - p.dur[i] for i in range(p.n)]
    else:
        _mirror_bounds(p, rev, horizon)
        try:
            res, rls = _initial_bounds(rev)
        except TemporalConflict:
            return state
    border = _order(mirror.blocks, [-float(ends[m[0]]) for m in mirror.blocks.members], None, 0.0)
    back = _run_pass(rev, mirror.blocks, res, rls, border)
    bstarts = [horizon - (s or 0) - p.dur[i] for i, s in enumerate(back.start)]
    forder = _order(blocks, [float(bstarts[m[0]]) for m in blocks.members], None, 0.0)
    return _run_pass(p, blocks, mirror.es, mirror.ls, forder)


def solve(
    p: Problem,
    *,
    seed: int = 0,
    time_limit: float = 2.0,
    max_passes: int | None = None,
    justify: bool = True,
    population: int = 40,
    patience: int | None = 400,
) -> EngineResult:
    """Search for a good schedule until the time limit, the pass limit, or the lower bound.

    The first pass uses plain latest-start priorities, the next ``population - 1``
    biased-random ones; then a genetic algorithm over block orders (Hartmann
    1998: two-point crossover that keeps precedence, adjacent-swap mutation)
    breeds new orders from the best, each decoded by a pass (and justified).
    The search also stops when ``patience`` passes in a row found nothing better
    (plain RCPSP instances, which profit from every second, use the clock only).

    Raises:
        TemporalConflict: if the temporal network alone is inconsistent.

    >>> p = Problem.new(2, durations=[5, 5])
    >>> p.add_edge(0, 1, 5)
    >>> solve(p, time_limit=1).starts
    [0, 5]
    """
    began = time.perf_counter()
    blocks = _blocks(p)
    es, ls = _initial_bounds(p)
    bound = lower_bound(p, es)
    if _is_pure(p, blocks) and not (time_limit <= 0 and max_passes is None):
        return _solve_pure(
            p, blocks, es, ls, bound, seed, time_limit, max_passes, population, began
        )
    rng = random.Random(seed)
    key = [float(min(ls[i] - blocks.offset[i] for i in m)) for m in blocks.members]
    spread = max(1.0, max(key, default=0.0) - min(key, default=0.0))
    can_justify = justify and not p.has_max_lags and not p.travels
    mirror = None
    if can_justify:
        rev = _reverse(p, _BIG // 2)
        tails = None
        if all(h >= _BIG // 2 for h in p.hi):
            rev.hi = [_BIG] * p.n
            rev.lo = [0] * p.n
            tails = _initial_bounds(rev)[0]
        mirror = _Mirror(rev=rev, blocks=_blocks(rev), es=es, ls=ls, tails=tails)
    succ_blocks = [set(c) for c in blocks.order_graph]
    passes = 0

    def evaluate(order: list[int]) -> tuple[Score, _Pass, list[int]]:
        nonlocal passes
        state = _run_pass(p, blocks, es, ls, order)
        passes += 1
        score = _score(p, state)
        if can_justify and not state.conflicts:
            while True:
                improved = _justify(p, mirror, blocks, state)
                passes += 2
                better = _score(p, improved)
                if better >= score:
                    break
                state, score = improved, better
        return score, state, _relist(blocks, state, order)

    last_best: list[Score] = []
    since = [0]
    cut = [False]

    def finished(best: Score) -> bool:
        if best[0] == 0 and best[2] == 0 and best[3] <= bound:
            return True
        if max_passes is not None and passes >= max_passes:
            return True
        if not last_best or best != last_best[0]:
            last_best[:] = [best]
            since[0] = 0
        else:
            since[0] += 1
            if patience is not None and since[0] >= patience:
                return True  # no better schedule in a long while: stop before the clock does
        if time.perf_counter() - began >= time_limit:
            cut[0] = True
            return True
        return False

    pool: list[tuple[Score, int, _Pass, list[int]]] = []
    tag = 0
    quick = time_limit <= 0 and max_passes is None
    if quick and not p.has_max_lags:
        # One pass only: the parallel pass with Schrage's priorities.
        finish = [
            (float(min(ls[i] + p.dur[i] - blocks.offset[i] for i in m)), k)
            for m, k in zip(blocks.members, key, strict=True)
        ]
        return _result(p, _run_parallel(p, blocks, es, ls, finish), bound, 1, began)
    if quick:
        order = _order(blocks, key, None, 0.0)
        return _result(p, _run_pass(p, blocks, es, ls, order), bound, 1, began)
    if not p.has_max_lags:
        # Parallel passes first: on large problems they are often the best single
        # passes. Latest finish first, then latest start, is Schrage's rule.
        finish = [
            (float(min(ls[i] + p.dur[i] - blocks.offset[i] for i in m)), k)
            for m, k in zip(blocks.members, key, strict=True)
        ]
        for priority in (finish, [(k, 0.0) for k in key]):
            state = _run_parallel(p, blocks, es, ls, priority)
            passes += 1
            order = _relist(blocks, state, list(range(len(blocks.members))))
            score, state, relisted = evaluate(order)
            pool.append((score, tag, state, relisted))
            tag += 1
            if finished(min(pool)[0]):
                break
    if p.previous is not None:
        # A re-plan: first try the previous order, which keeps what can stay put.
        kept = [ls[i] if old is None else old for i, old in enumerate(p.previous)]
        before = [float(min(kept[i] - blocks.offset[i] for i in m)) for m in blocks.members]
        score, state, relisted = evaluate(_order(blocks, before, None, 0.0))
        pool.append((score, tag, state, relisted))
        tag += 1
    sampled = 0
    while len(pool) < max(1, population) and not (pool and finished(min(pool)[0])):
        noise = 0.0 if not sampled else spread * rng.random()
        order = _order(blocks, key, rng if sampled else None, noise)
        sampled += 1
        score, state, relisted = evaluate(order)
        pool.append((score, tag, state, relisted))
        tag += 1
        if finished(min(pool)[0]):
            break
    pool.sort(key=lambda x: (x[0], x[1]))
    seen = {tuple(item[3]) for item in pool}
    while not finished(pool[0][0]) and len(pool) > 1:
        mother = _tournament(pool, rng)
        father = _tournament(pool, rng)
        child = _crossover(mother, father, rng)
        _mutate(child, succ_blocks, rng)
        score, state, relisted = evaluate(child)
        if score < pool[-1][0] and tuple(relisted) not in seen:
            # Never twice the same order: clones would crowd out the variety.
            seen.discard(tuple(pool[-1][3]))
            seen.add(tuple(relisted))
            pool[-1] = (score, tag, state, relisted)
            tag += 1
            pool.sort(key=lambda x: (x[0], x[1]))
    return _result(p, pool[0][2], bound, passes, began, clock_cut=cut[0])


def _result(
    p: Problem, best: _Pass, bound: int, passes: int, began: float, *, clock_cut: bool = False
) -> EngineResult:
    score = _score(p, best)
    starts = [x if x is not None else 0 for x in best.start]
    return EngineResult(
        starts=starts,
        unary_of=best.unary_of,
        pool_units=_pool_units(p, starts),
        conflicts=best.conflicts,
        waits=best.waits,
        clashes=[(list(best.blocks.members[b]), name) for b, name in best.clashes.items()],
        makespan=score[3],
        bound=bound,
        passes=passes,
        seconds=time.perf_counter() - began,
        optimal=score[0] == 0 and score[3] <= bound,
        clock_cut=clock_cut,
    )


def _relist(blocks: _Blocks, state: _Pass, order: list[int]) -> list[int]:
    """The blocks in the order of their starts (ties kept as in ``order``): precedence-feasible."""
    starts = [x if x is not None else 0 for x in state.start]
    position = {b: k for k, b in enumerate(order)}
    anchor = [m[0] for m in blocks.members]
    return sorted(order, key=lambda b: (starts[anchor[b]] - blocks.offset[anchor[b]], position[b]))


GA_SHARE = 0.5


def _is_pure(p: Problem, blocks: _Blocks) -> bool:
    """Plain RCPSP: lone activities, pools only, precedence only, no deadlines, no re-plan."""
    return (
        len(blocks.members) == p.n
        and not p.unary_names
        and not p.group_members
        and not p.has_max_lags
        and all(h >= _BIG // 2 for h in p.hi)
        and p.previous is None
    )


class _PureSGS:
    """A lean serial schedule generation scheme for plain RCPSP, forwards and backwards.

    The general pass carries bounds, blocks, travel and explanations; here an
    activity list becomes start times with nothing but arrays, several times
    faster, so the genetic algorithm sees several times more schedules.
    """

    def __init__(self, p: Problem) -> None:
        self.n = p.n
        self.dur = p.dur
        self.lo = p.lo
        self.caps = p.pool_cap
        self.needs = p.need_pools
        self.preds: list[list[tuple[int, int]]] = [[] for _ in range(p.n)]
        self.succs: list[list[tuple[int, int]]] = [[] for _ in range(p.n)]
        for u in range(p.n):
            for v, w, _ in p.out[u]:
                self.preds[v].append((u, w))
                # Mirrored: end(u) after end(v) by the same gap, in reversed time.
                self.succs[u].append((v, w + p.dur[v] - p.dur[u]))
        # A serial pass never starts anything later than every activity (or its
        # longest lag, mirrored too) laid end to end after the latest release.
        longest = max(p.dur, default=0)
        reach = [max([p.dur[u]] + [w + longest for _, w, _ in p.out[u]]) for u in range(p.n)]
        self.horizon = sum(reach) + max(p.lo, default=0) + longest + 1

    def run(self, order: Sequence[int], *, backward: bool = False) -> list[int]:
        dur, caps, needs = self.dur, self.caps, self.needs
        links = self.succs if backward else self.preds
        lo = [0] * self.n if backward else self.lo
        h = self.horizon
        use = [[0] * h for _ in caps]
        start = [0] * self.n
        for j in order:
            t = lo[j]
            for i, w in links[j]:
                v = start[i] + w
                if v > t:  # noqa: PLR1730 - the hot loop: a comparison is cheaper than max()
                    t = v
            d = dur[j]
            nj = needs[j]
            if d and nj:
                moved = True
                while moved:
                    moved = False
                    for r, q in nj:
                        room = caps[r] - q
                        seg = use[r][t : t + d]
                        if max(seg) > room:
                            k = d - 1
                            while seg[k] <= room:
                                k -= 1
                            t += k + 1
                            moved = True
                            break
                for r, q in nj:
                    line = use[r]
                    line[t : t + d] = [x + q for x in line[t : t + d]]
            start[j] = t
        return start

    def makespan(self, start: list[int]) -> int:
        return max((s + d for s, d in zip(start, self.dur, strict=True)), default=0)

    def justify(self, start: list[int]) -> list[int]:
        """Forward-backward improvement until it stops helping (Valls et al. 2005)."""
        dur = self.dur
        best = start
        best_span = self.makespan(start)
        while True:
            ends = [s + d for s, d in zip(best, dur, strict=True)]
            back = self.run(sorted(range(self.n), key=lambda i: -ends[i]), backward=True)
            span = self.makespan(back)
            mirrored = [span - b - d for b, d in zip(back, dur, strict=True)]
            again = self.run(sorted(range(self.n), key=lambda i: mirrored[i]))
            new_span = self.makespan(again)
            if new_span >= best_span:
                return best
            best, best_span = again, new_span


def _solve_pure(  # noqa: PLR0917 - called once, from solve, with its own locals
    p: Problem,
    blocks: _Blocks,
    es: list[int],
    ls: list[int],
    bound: int,
    seed: int,
    time_limit: float,
    max_passes: int | None,
    population: int,
    began: float,
) -> EngineResult:
    """Sampling and a genetic algorithm over activity lists, with the lean scheme."""
    sgs = _PureSGS(p)
    rng = random.Random(seed)
    key = [float(ls[i]) for i in range(p.n)]
    spread = max(1.0, max(key, default=0.0) - min(key, default=0.0))
    succ = [set(c) for c in blocks.order_graph]
    passes = 0

    def evaluate(order: list[int]) -> tuple[int, int, list[int]]:
        nonlocal passes
        start = sgs.justify(sgs.run(order))
        passes += 1
        relisted = sorted(order, key=lambda i: start[i])
        return sgs.makespan(start), sum(start), relisted

    # Leave room for the last evaluation and the final decode inside the limit.
    deadline = time_limit - 0.02
    cut = [False]

    def finished(span: int) -> bool:
        if span <= bound:
            return True
        if max_passes is not None and passes >= max_passes:
            return True
        if time.perf_counter() - began >= deadline:
            cut[0] = True
            return True
        return False

    pool: list[tuple[int, int, list[int]]] = []
    seen: set[tuple[int, ...]] = set()
    # The first member is the parallel pass with Schrage's priorities, the quick
    # path's answer: decoded again in its start order it can only get shorter,
    # so the search never ends worse than one quick pass.
    finish = [(float(ls[i] + p.dur[i]), key[i]) for i in range(p.n)]
    quick = _run_parallel(p, blocks, es, ls, finish).start
    span, total, relisted = evaluate(sorted(range(p.n), key=lambda i: (quick[i] or 0, i)))
    seen.add(tuple(relisted))
    pool.append((span, total, relisted))
    while len(pool) < max(2, population) and not finished(min(pool)[0]):
        noise = spread * rng.random() if pool else 0.0
        span, total, relisted = evaluate(_order(blocks, key, rng if pool else None, noise))
        if tuple(relisted) not in seen:
            seen.add(tuple(relisted))
            pool.append((span, total, relisted))
        if finished(min(pool)[0]):
            break
    pool.sort()
    preds: list[set[int]] = [set() for _ in range(p.n)]
    for u in range(p.n):
        for v in succ[u]:
            preds[v].add(u)
    current = pool[0][2]
    current_score = pool[0][:2]
    while not finished(pool[0][0]):
        if rng.random() < GA_SHARE:
            a, b = rng.randrange(len(pool)), rng.randrange(len(pool))
            c, d = rng.randrange(len(pool)), rng.randrange(len(pool))
            child = _crossover(pool[min(a, b)][2], pool[min(c, d)][2], rng)
            _mutate(child, succ, rng)
        else:
            # Iterated local search: shift one activity within its precedence range
            # in the current list, accepting sideways moves to walk plateaus.
            child = _shift(current, preds, succ, rng)
        span, total, relisted = evaluate(child)
        if (span, total) <= current_score:
            current, current_score = relisted, (span, total)
        if (span, total) < pool[-1][:2] and tuple(relisted) not in seen:
            seen.discard(tuple(pool[-1][2]))
            seen.add(tuple(relisted))
            pool[-1] = (span, total, relisted)
            pool.sort()
    # The best list, decoded once more by the full pass for the result's details.
    best = _run_pass(p, blocks, es, ls, pool[0][2])
    return _result(p, best, bound, passes, began, clock_cut=cut[0])


def _shift(
    order: list[int], preds: list[set[int]], succ: list[set[int]], rng: random.Random
) -> list[int]:
    """Move one random entry of a list to a random place that keeps precedence."""
    child = list(order)
    k = rng.randrange(len(child))
    item = child.pop(k)
    lo = max((i + 1 for i, x in enumerate(child) if x in preds[item]), default=0)
    hi = min((i for i, x in enumerate(child) if x in succ[item]), default=len(child))
    child.insert(rng.randint(lo, hi), item)
    return child


def _tournament(pool: list[tuple[Score, int, _Pass, list[int]]], rng: random.Random) -> list[int]:
    a, b = rng.randrange(len(pool)), rng.randrange(len(pool))
    return pool[min(a, b)][3]  # the pool is sorted: the lower index is the fitter


def _crossover(mother: list[int], father: list[int], rng: random.Random) -> list[int]:
    """Two-point crossover of block orders that keeps precedence (Hartmann 1998)."""
    n = len(mother)
    q1, q2 = sorted((rng.randrange(n + 1), rng.randrange(n + 1)))
    child = mother[:q1]
    taken = set(child)
    for b in father:
        if len(child) >= q2:
            break
        if b not in taken:
            child.append(b)
            taken.add(b)
    child.extend(b for b in mother if b not in taken)
    return child


def _mutate(order: list[int], succ: list[set[int]], rng: random.Random, rate: float = 0.05) -> None:
    """Swap neighbours that are not linked by precedence, each with probability ``rate``."""
    for k in range(len(order) - 1):
        if rng.random() < rate and order[k + 1] not in succ[order[k]]:
            order[k], order[k + 1] = order[k + 1], order[k]


def _pool_units(p: Problem, starts: list[int]) -> dict[tuple[int, int], list[int]]:
    """Number the units of each pool so every activity keeps the same ones throughout.

    Greedy colouring of intervals by start time always succeeds when the pool's
    capacity is never exceeded.
    """
    out: dict[tuple[int, int], list[int]] = {}
    for r, cap in enumerate(p.pool_cap):
        users = sorted((starts[i], i) for i in range(p.n) for rr, _ in p.need_pools[i] if rr == r)
        free = list(range(1, cap + 1))
        heapq.heapify(free)
        busy: list[tuple[int, int]] = []
        for s, i in users:
            while busy and busy[0][0] <= s:
                heapq.heappush(free, heapq.heappop(busy)[1])
            q = next(q for rr, q in p.need_pools[i] if rr == r)
            units = [heapq.heappop(free) for _ in range(min(q, len(free)))]
            for unit in units:
                heapq.heappush(busy, (s + p.dur[i], unit))
            out[(i, r)] = sorted(units)
    return out
