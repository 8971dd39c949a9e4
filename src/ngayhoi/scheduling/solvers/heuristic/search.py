"""The integer core of the built-in heuristic: a serial schedule generation scheme.

Everything here is minutes and indices; :mod:`ngayhoi.scheduling.solvers.heuristic`
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

* **Independent parts** (:mod:`~ngayhoi.scheduling.solvers.heuristic.parts`):
  activities that share no resource and no constraint (a constraint with an
  activity the windows fix, such as a parade at a fixed time, links nothing)
  are searched apart, each with the whole budget, and stop when they meet
  the whole problem's lower bound; a part that needs no resource keeps its
  earliest starts. A nationwide day falls apart into its communes and the
  clusters each delegation visits.

A pass is deterministic for a given seed; the search stops at the pass limit
(a deterministic budget), after ``patience`` passes without improvement, when
the makespan meets the lower bound, or at the time limit. Only the time limit
depends on the machine; :attr:`EngineResult.clock_cut` says when it fired.

>>> from ngayhoi.scheduling.problem import Problem
>>> p = Problem.new(3, durations=[3, 2, 2])
>>> p.add_edge(0, 2, 3)               # 2 starts after 0 ends
>>> pool = p.add_pool("may", 1)
>>> p.need_pool(1, pool, 1); p.need_pool(2, pool, 1)
>>> solve(p, time_limit=1.0).starts
[0, 0, 3]
"""

from __future__ import annotations

import contextlib
import contextvars
import gc
import random
import time
from collections.abc import Iterator

import attrs

from ngayhoi.errors import PlanError
from ngayhoi.scheduling.problem import (
    BIG,
    Conflict,
    EngineResult,
    Problem,
    Reason,
    WaitNote,
    pool_units,
)
from ngayhoi.scheduling.solvers.heuristic.blocks import Blocks, find_blocks
from ngayhoi.scheduling.solvers.heuristic.bounds import initial_bounds, lower_bound
from ngayhoi.scheduling.solvers.heuristic.justify import Mirror, justify_pass, reverse_problem
from ngayhoi.scheduling.solvers.heuristic.parts import Part, split
from ngayhoi.scheduling.solvers.heuristic.pure import PureSGS, is_pure
from ngayhoi.scheduling.solvers.heuristic.sgs import (
    Pass,
    Score,
    priority_order,
    run_parallel,
    run_pass,
    score_of,
)

__all__ = ["paused_gc", "solve"]


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
    es, ls = initial_bounds(p)
    parts = split(p, es, ls)
    settings = _Settings(seed, time_limit, max_passes, justify, population, patience)
    if len(parts) == 1:
        return _solve_whole(p, es, ls, settings, began)
    return _solve_parts(p, parts, es, settings, began)


@attrs.frozen
class _Settings:
    """The search's arguments, as :func:`solve` got them."""

    seed: int
    time_limit: float
    max_passes: int | None
    justify: bool
    population: int
    patience: int | None
    #: A makespan good enough to stop at: the whole problem's lower bound, for a part of it.
    goal: int = 0


def _solve_parts(
    p: Problem, parts: list[Part], es: list[int], settings: _Settings, began: float
) -> EngineResult:
    """Each independent part searched on its own (the whole budget each), the results merged.

    A part without resources keeps its earliest starts. The time limit is
    shared: a part starts with what the parts before it left.
    """
    starts = list(es)
    unary_of: list[list[int]] = [[] for _ in range(p.n)]
    conflicts: list[Conflict] = []
    waits: list[WaitNote] = []
    clashes: list[tuple[list[int], str]] = []
    bound = lower_bound(p, es)
    passes = 0
    cut = False
    limit = settings.time_limit
    settings = attrs.evolve(settings, goal=bound)
    for part in parts:
        if not part.needs_resources:
            continue  # the earliest starts meet every constraint of a part without resources
        ids = part.ids
        if limit > 0:
            left = max(limit - (time.perf_counter() - began), 1e-9)
            here = attrs.evolve(settings, time_limit=left)
        else:
            here = settings
        memo = _MEMO.get()
        key = _fingerprint(part.problem, settings) if memo is not None else None
        found = memo.done.get(key) if memo is not None and key is not None else None
        if found is None:
            sub_es, sub_ls = initial_bounds(part.problem)
            found = _solve_whole(part.problem, sub_es, sub_ls, here, time.perf_counter())
            if memo is not None and key is not None and not found.clock_cut:
                memo.keep(key, found, part.problem.n)
        for k, i in enumerate(ids):
            starts[i] = found.starts[k]
            unary_of[i] = [part.lines[u] for u in found.unary_of[k]]

        def back(reason: Reason, ids: list[int] = ids) -> Reason:
            if reason.blocker < 0:
                return reason
            return attrs.evolve(reason, blocker=ids[reason.blocker])

        conflicts.extend(
            attrs.evolve(
                c,
                activity=ids[c.activity],
                reason=back(c.reason),
                source=None if c.source is None else ids[c.source],
            )
            for c in found.conflicts
        )
        waits.extend(WaitNote(ids[w.activity], w.minutes, back(w.reason)) for w in found.waits)
        clashes.extend(([ids[i] for i in tied], name) for tied, name in found.clashes)
        bound = max(bound, found.bound)
        passes += found.passes
        cut = cut or found.clock_cut
    makespan = max((starts[i] + p.dur[i] for i in range(p.n)), default=0)
    return EngineResult(
        starts=starts,
        unary_of=unary_of,
        pool_units=pool_units(p, starts),
        conflicts=conflicts,
        waits=waits,
        clashes=clashes,
        makespan=makespan,
        bound=bound,
        passes=max(passes, 1),
        seconds=time.perf_counter() - began,
        optimal=not conflicts and not clashes and makespan <= bound,
        clock_cut=cut,
    )


@attrs.define
class _Memo:
    """Parts searched in one idle search, by :func:`_fingerprint`, and the activities they hold."""

    done: dict[tuple[object, ...], EngineResult] = attrs.field(factory=dict)
    held: int = 0

    def keep(self, key: tuple[object, ...], found: EngineResult, size: int) -> None:
        """Keep a part's result; forget them all first when they would hold too much."""
        if self.held + size > _KEEP:
            self.done.clear()
            self.held = 0
        if size <= _KEEP:
            self.done[key] = found
            self.held += size


#: The parts remembered in the run in progress (:func:`remembering_parts`), or ``None``.
_MEMO: contextvars.ContextVar[_Memo | None] = contextvars.ContextVar("parts", default=None)
#: The most activities the remembered parts may hold together (their keys hold their problems).
_KEEP = 200_000


@contextlib.contextmanager
def remembering_parts() -> Iterator[None]:
    """Within it, a part searched once (same problem, budget, goal) is not searched again.

    The idle search schedules a plan many times over with a few points changed, and a
    part's search is a function of the part. The memory is the run's own: it is dropped
    when the outermost block ends, so nothing a process scheduled before changes a
    result or stays held (a nested block shares its outer one's).

    >>> with remembering_parts():
    ...     _MEMO.get() is not None
    True
    >>> _MEMO.get() is None
    True
    """
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set(_Memo())
    try:
        yield
    finally:
        _MEMO.reset(token)


def _fingerprint(q: Problem, settings: _Settings) -> tuple[object, ...] | None:
    """Everything a part's search depends on (its travel times too), or ``None`` if unknown.

    The time limit is left out: a search the clock cut short is not kept.
    """
    travel: tuple[int, ...] = ()
    if any(q.unary_travels):
        sites = sorted(set(q.site))
        try:
            travel = tuple(q.travel(a, b) for a in sites for b in sites)
        except PlanError:
            return None  # a travel time the plan does not give: let the search say so
    return (
        settings.seed,
        settings.max_passes,
        settings.justify,
        settings.population,
        settings.patience,
        settings.goal,
        settings.time_limit <= 0,
        tuple(q.dur),
        tuple(q.lo),
        tuple(q.hi),
        tuple(q.site),
        tuple(tuple(x) for x in q.out),
        tuple(tuple(x) for x in q.prec),
        tuple(q.pool_names),
        tuple(q.pool_cap),
        tuple(q.unary_names),
        tuple(q.unary_travels),
        tuple(q.group_names),
        tuple(tuple(m) for m in q.group_members),
        tuple(tuple(x) for x in q.need_pools),
        tuple(tuple(x) for x in q.need_unary),
        tuple(tuple(x) for x in q.need_groups),
        travel,
        None if q.previous is None else tuple(q.previous),
        None if q.previous_lines is None else tuple(tuple(x) for x in q.previous_lines),
    )


def _solve_whole(
    p: Problem, es: list[int], ls: list[int], settings: _Settings, began: float
) -> EngineResult:
    """The search over one problem that does not fall apart (see :func:`solve`)."""
    seed, time_limit, max_passes = settings.seed, settings.time_limit, settings.max_passes
    justify, population, patience = settings.justify, settings.population, settings.patience
    blocks = find_blocks(p)
    bound = lower_bound(p, es)
    enough = max(bound, settings.goal)
    if is_pure(p, blocks) and not (time_limit <= 0 and max_passes is None):
        return solve_pure(p, blocks, es, ls, (bound, enough), settings, began)
    rng = random.Random(seed)
    key = [float(min(ls[i] - blocks.offset[i] for i in m)) for m in blocks.members]
    spread = max(1.0, max(key, default=0.0) - min(key, default=0.0))
    can_justify = justify and not p.has_max_lags and not p.travels
    mirror = None
    if can_justify:
        rev = reverse_problem(p, BIG // 2)
        tails = None
        if all(h >= BIG // 2 for h in p.hi):
            rev.hi = [BIG] * p.n
            rev.lo = [0] * p.n
            tails = initial_bounds(rev)[0]
        mirror = Mirror(rev=rev, blocks=find_blocks(rev), es=es, ls=ls, tails=tails)
    succ_blocks = [set(c) for c in blocks.order_graph]
    passes = 0

    def evaluate(order: list[int]) -> tuple[Score, Pass, list[int]]:
        nonlocal passes
        state = run_pass(p, blocks, es, ls, order)
        passes += 1
        score = score_of(p, state)
        if can_justify and not state.conflicts:
            while True:
                improved = justify_pass(p, mirror, blocks, state)
                passes += 2
                better = score_of(p, improved)
                if better >= score:
                    break
                state, score = improved, better
        return score, state, _relist(blocks, state, order)

    last_best: list[Score] = []
    since = [0]
    cut = [False]

    def finished(best: Score) -> bool:
        if best[0] == 0 and best[2] == 0 and best[3] <= enough:
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

    pool: list[tuple[Score, int, Pass, list[int]]] = []
    tag = 0
    quick = time_limit <= 0 and max_passes is None
    if quick and not p.has_max_lags:
        # One pass only: the parallel pass with Schrage's priorities.
        finish = [
            (float(min(ls[i] + p.dur[i] - blocks.offset[i] for i in m)), k)
            for m, k in zip(blocks.members, key, strict=True)
        ]
        return _result(p, run_parallel(p, blocks, es, ls, finish), bound, 1, began)
    if quick:
        order = priority_order(blocks, key, None, 0.0)
        return _result(p, run_pass(p, blocks, es, ls, order), bound, 1, began)
    if not p.has_max_lags:
        # Parallel passes first: on large problems they are often the best single
        # passes. Latest finish first, then latest start, is Schrage's rule.
        finish = [
            (float(min(ls[i] + p.dur[i] - blocks.offset[i] for i in m)), k)
            for m, k in zip(blocks.members, key, strict=True)
        ]
        for priority in (finish, [(k, 0.0) for k in key]):
            state = run_parallel(p, blocks, es, ls, priority)
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
        score, state, relisted = evaluate(priority_order(blocks, before, None, 0.0))
        pool.append((score, tag, state, relisted))
        tag += 1
    sampled = 0
    while len(pool) < max(1, population) and not (pool and finished(min(pool)[0])):
        noise = 0.0 if not sampled else spread * rng.random()
        order = priority_order(blocks, key, rng if sampled else None, noise)
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
    p: Problem, best: Pass, bound: int, passes: int, began: float, *, clock_cut: bool = False
) -> EngineResult:
    score = score_of(p, best)
    starts = [x if x is not None else 0 for x in best.start]
    return EngineResult(
        starts=starts,
        unary_of=best.unary_of,
        pool_units=pool_units(p, starts),
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


def _relist(blocks: Blocks, state: Pass, order: list[int]) -> list[int]:
    """The blocks in the order of their starts (ties kept as in ``order``): precedence-feasible."""
    starts = [x if x is not None else 0 for x in state.start]
    position = {b: k for k, b in enumerate(order)}
    anchor = [m[0] for m in blocks.members]
    return sorted(order, key=lambda b: (starts[anchor[b]] - blocks.offset[anchor[b]], position[b]))


GA_SHARE = 0.5


def solve_pure(  # noqa: PLR0917 - called once, from solve, with its own locals
    p: Problem,
    blocks: Blocks,
    es: list[int],
    ls: list[int],
    bounds: tuple[int, int],
    settings: _Settings,
    began: float,
) -> EngineResult:
    """Sampling and a genetic algorithm over activity lists, with the lean scheme.

    ``bounds``: the lower bound, and the makespan good enough to stop at.
    """
    bound, enough = bounds
    seed, time_limit, max_passes = settings.seed, settings.time_limit, settings.max_passes
    population = settings.population
    sgs = PureSGS(p)
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
        if span <= enough:
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
    quick = run_parallel(p, blocks, es, ls, finish).start
    span, total, relisted = evaluate(sorted(range(p.n), key=lambda i: (quick[i] or 0, i)))
    seen.add(tuple(relisted))
    pool.append((span, total, relisted))
    while len(pool) < max(2, population) and not finished(min(pool)[0]):
        noise = spread * rng.random() if pool else 0.0
        span, total, relisted = evaluate(priority_order(blocks, key, rng if pool else None, noise))
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
    best = run_pass(p, blocks, es, ls, pool[0][2])
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


def _tournament(pool: list[tuple[Score, int, Pass, list[int]]], rng: random.Random) -> list[int]:
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
