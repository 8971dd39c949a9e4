"""The serial schedule generation scheme over blocks: one pass of the heuristic.

A pass places blocks in a priority order, each at the earliest time every member
finds its resources (pools, unary lines with travel, groups), propagating the
temporal bounds after each placement and unscheduling when a maximum lag pulls an
earlier block (see :mod:`ngayhoi.scheduling.solvers.heuristic.search` for the method).
"""

from __future__ import annotations

import heapq
import random
from bisect import bisect_right
from collections.abc import Sequence

import attrs

from ngayhoi.scheduling.problem import (
    BIG,
    NO_REASON,
    Conflict,
    Problem,
    Reason,
    WaitNote,
)
from ngayhoi.scheduling.solvers.heuristic.blocks import Blocks

_LOOKAHEAD = 24 * 60


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


class Pass:
    """State of one serial pass: starts, bounds, resource timelines."""

    def __init__(self, p: Problem, blocks: Blocks, es: list[int], ls: list[int]) -> None:
        """An empty pass over ``p`` with the given earliest and latest starts."""
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
        self.last_reason = NO_REASON
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
            soonest = BIG
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
                return (stay, BIG, u)  # fresh members last: keep them for later
            travel = p.travel(line.sites[k - 1], p.site[i]) if p.unary_travels[u] else 0
            return (stay, s - line.ends[k - 1] - travel, u)

        return sorted(found, key=idle)[:q]

    def search(self, b: int, release: int, start_at: int | None = None) -> _Found:
        """The earliest start of block ``b`` (from ``start_at`` on) where every member fits."""
        members = self.blocks.members[b]
        off = self.blocks.offset
        earliest = release
        latest = BIG
        for i in members:
            earliest = max(earliest, self.es[i] - off[i])
            latest = min(latest, self.ls[i] - off[i])
        t = earliest if start_at is None else max(earliest, start_at)
        chosen: dict[int, list[int]] = {}
        cause = NO_REASON
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


def priority_order(
    blocks: Blocks, key: Sequence[float], rng: random.Random | None, noise: float
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


def run_pass(p: Problem, blocks: Blocks, es: list[int], ls: list[int], order: list[int]) -> Pass:
    """One serial pass over the blocks in ``order``, restarting when a block is unscheduled."""
    release = block_releases(p, blocks)
    restarts = 0
    limit = 4 * len(blocks.members) + 20
    simple = [
        len(m) == 1 and not p.need_unary[m[0]] and not p.need_groups[m[0]] for m in blocks.members
    ]
    while True:
        state = Pass(p, blocks, es, ls)
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


def block_releases(p: Problem, blocks: Blocks) -> list[int]:
    """Each block's earliest start from its members' own lower bounds."""
    return [min(p.lo[i] - blocks.offset[i] for i in members) for members in blocks.members]


def run_parallel(
    p: Problem,
    blocks: Blocks,
    es: list[int],
    ls: list[int],
    key: Sequence[tuple[float, float]],
) -> Pass:
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
    state = Pass(p, blocks, es, ls)
    release = block_releases(p, blocks)
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
        if found.t < due.get(res, BIG):
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
                if found.t < due.get(x, BIG):
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


def score_of(p: Problem, state: Pass) -> Score:
    """How good a pass is: see :data:`Score`."""
    starts = [s if s is not None else 0 for s in state.start]
    makespan = max((starts[i] + p.dur[i] for i in range(p.n)), default=0)
    excess = sum(c.wanted - c.latest for c in state.conflicts)
    moved = 0
    if p.previous is not None:
        moved = sum(
            1 for s, old in zip(starts, p.previous, strict=True) if old is not None and s != old
        )
    return (len(state.conflicts) + len(state.clashes), excess, moved, makespan, sum(starts))
