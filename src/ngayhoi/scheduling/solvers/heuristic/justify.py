"""Forward-backward improvement: right-justify a pass in the mirror problem, then left.

Justification after Li and Willis (1992) and Valls, Ballestín and Quintanilla (2005).
"""

from __future__ import annotations

import attrs

from ngayhoi.scheduling.problem import (
    BIG,
    Problem,
    TemporalConflict,
)
from ngayhoi.scheduling.solvers.heuristic.blocks import Blocks
from ngayhoi.scheduling.solvers.heuristic.bounds import initial_bounds
from ngayhoi.scheduling.solvers.heuristic.sgs import Pass, priority_order, run_pass


def reverse_problem(p: Problem, horizon: int) -> Problem:
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
    mirror_bounds(p, r, horizon)
    return r


def mirror_bounds(p: Problem, r: Problem, horizon: int) -> None:
    """A start bound mirrors into an end bound of the reversed problem."""
    for u in range(p.n):
        r.hi[u] = horizon - p.lo[u] - p.dur[u]
        r.lo[u] = max(0, horizon - p.hi[u] - p.dur[u]) if p.hi[u] < BIG // 2 else 0


@attrs.define
class Mirror:
    """The reversed problem for forward-backward improvement, and what stays fixed in it."""

    rev: Problem
    blocks: Blocks
    es: list[int]  # forward earliest starts
    ls: list[int]  # forward latest starts
    tails: list[int] | None  # reversed earliest starts, when no start has an upper bound


def justify_pass(p: Problem, mirror: Mirror | None, blocks: Blocks, state: Pass) -> Pass:
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
        mirror_bounds(p, rev, horizon)
        try:
            res, rls = initial_bounds(rev)
        except TemporalConflict:
            return state
    border = priority_order(
        mirror.blocks, [-float(ends[m[0]]) for m in mirror.blocks.members], None, 0.0
    )
    back = run_pass(rev, mirror.blocks, res, rls, border)
    bstarts = [horizon - (s or 0) - p.dur[i] for i, s in enumerate(back.start)]
    forder = priority_order(blocks, [float(bstarts[m[0]]) for m in blocks.members], None, 0.0)
    return run_pass(p, blocks, mirror.es, mirror.ls, forder)
