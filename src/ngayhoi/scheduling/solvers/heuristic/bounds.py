"""Bounds from the temporal network alone: earliest and latest starts, a makespan bound."""

from __future__ import annotations

from collections.abc import Sequence

from ngayhoi.network import PositiveCycle, latest_starts, longest_paths
from ngayhoi.scheduling.problem import (
    Problem,
    TemporalConflict,
)


def initial_bounds(p: Problem) -> tuple[list[int], list[int]]:
    """Earliest and latest starts from the temporal network alone (:mod:`ngayhoi.network`).

    Raises:
        TemporalConflict: the network has a positive cycle, or a window is empty.

    >>> p = Problem.new(2, durations=[3, 2], horizon=10)
    >>> p.add_edge(0, 1, 3)
    >>> initial_bounds(p)
    ([0, 3], [7, 10])
    """
    try:
        es = longest_paths(p.out, p.lo)
        ls = latest_starts(p.inn, p.hi)
    except PositiveCycle as cycle:
        msg = "temporal network has a positive cycle"
        raise TemporalConflict(msg) from cycle
    if any(es[i] > ls[i] for i in range(p.n)):
        msg = "a window is empty"
        raise TemporalConflict(msg)
    return es, ls


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
