"""The integer scheduling problem every backend shares, and the result shapes.

Everything here is minutes and indices: :mod:`ngayhoi.scheduling.translate` turns a
festival into a :class:`Problem` and an :class:`EngineResult` back into a
:class:`~ngayhoi.scheduling.result.Schedule`; the solvers in
:mod:`ngayhoi.scheduling.solvers` read the problem and write the result.

>>> p = Problem.new(2, durations=[3, 2])
>>> p.add_edge(0, 1, 3)
>>> p.out[0]
[(1, 3, 0)]
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence

import attrs

from ngayhoi._records import plain_repr

__all__ = [
    "BIG",
    "NO_REASON",
    "Conflict",
    "EngineResult",
    "Problem",
    "Reason",
    "TemporalConflict",
    "WaitNote",
    "pool_units",
]

BIG = 10**9
"""A horizon no festival reaches: a start bound at or above ``BIG // 2`` means none."""


class TemporalConflict(Exception):  # noqa: N818 - a condition, not an error of the caller
    """The temporal network has a positive cycle: no times satisfy it."""


@plain_repr
@attrs.define(repr=False)
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
    def new(cls, n: int, *, durations: Sequence[int], horizon: int = BIG) -> Problem:
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


@plain_repr
@attrs.frozen(repr=False)
class Reason:
    """What held an activity back: a resource, and the activity using it (or -1)."""

    resource: str
    blocker: int = -1
    travel: int = 0


NO_REASON = Reason("")


@plain_repr
@attrs.define(repr=False)
class Conflict:
    """Why a block could not be placed by its latest start."""

    block: int
    activity: int
    earliest: int
    latest: int
    wanted: int
    reason: Reason
    source: int | None


@plain_repr
@attrs.define(repr=False)
class WaitNote:
    """An activity placed later than its earliest start because of a resource."""

    activity: int
    minutes: int
    reason: Reason


@plain_repr
@attrs.define(repr=False)
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


def pool_units(p: Problem, starts: list[int]) -> dict[tuple[int, int], list[int]]:
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
