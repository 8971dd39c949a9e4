"""Properties of the engine on generated problems: every path of the search, checked independently.

The festival properties (``test_properties.py``) reach the engine through the
translation; these build :class:`~ngayhoi.scheduling.problem.Problem` directly:
random precedence networks with minimum and maximum lags, windows, pools,
unary resources with travel and groups, solved by each path of ``solve``
(the one-pass quick path, the genetic search with forward-backward
improvement, iterated local search on plain RCPSP). Whatever comes back is
checked here against the problem itself, not against the engine's own view.
"""

from __future__ import annotations

import itertools

import attrs
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ngayhoi.scheduling.problem import EngineResult, Problem
from ngayhoi.scheduling.solvers.heuristic import search
from ngayhoi.scheduling.solvers.heuristic.bounds import initial_bounds
from ngayhoi.scheduling.solvers.heuristic.parts import split
from ngayhoi.scheduling.solvers.heuristic.search import solve


@attrs.frozen
class Spec:
    """A problem as plain data, so hypothesis can shrink and print it."""

    durations: tuple[int, ...]
    edges: tuple[tuple[int, int, int], ...]  # start[v] >= start[u] + w
    precedence: tuple[bool, ...]  # per edge: a forward (ordering) edge or a maximum lag
    lo: tuple[int, ...]
    pools: tuple[int, ...]
    pool_needs: tuple[tuple[int, int, int], ...]  # activity, pool, quantity
    unary: int
    sites: tuple[int, ...]
    unary_needs: tuple[tuple[int, int], ...]  # activity, unary
    group: tuple[int, ...]  # members (unary indices) of one group
    group_needs: tuple[int, ...]  # activities that take any one member
    travel: int  # minutes between two different sites, for every unary

    def problem(self) -> Problem:
        """The engine problem this spec describes."""
        n = len(self.durations)
        p = Problem.new(n, durations=list(self.durations))
        p.lo = list(self.lo)
        p.site = list(self.sites)
        for (u, v, w), forward in zip(self.edges, self.precedence, strict=True):
            p.add_edge(u, v, w, precedence=forward)
        pools = [p.add_pool(f"R{k}", cap) for k, cap in enumerate(self.pools)]
        for i, r, q in self.pool_needs:
            p.need_pool(i, pools[r], q)
        lines = [p.add_unary(f"U{k}", travels=self.travel > 0) for k in range(self.unary)]
        for i, u in self.unary_needs:
            p.need_one(i, lines[u])
        if self.group:
            g = p.add_group("G", [lines[u] for u in self.group])
            for i in self.group_needs:
                p.need_any(i, g)
        gap = self.travel
        p.travel = lambda a, b: 0 if a == b else gap
        return p


@st.composite
def specs(draw: st.DrawFn, *, plain: bool = False) -> Spec:
    """Problems that always have a schedule: lags and windows loose enough for a serial one.

    Every maximum lag is at least the sum of all durations, lags and travel,
    and each pool's capacity covers its largest demand, so doing everything
    one after another in topological order always works.
    """
    n = draw(st.integers(2, 10))
    durations = tuple(draw(st.lists(st.integers(1, 12), min_size=n, max_size=n)))
    pairs = [(u, v) for u, v in itertools.combinations(range(n), 2)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=min(len(pairs), 14)))
    lags = [draw(st.integers(0, 0 if plain else 6)) for _ in chosen]
    edges = [(u, v, durations[u] + lag) for (u, v), lag in zip(chosen, lags, strict=True)]
    forward = [True] * len(edges)
    pools = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    pool_needs: list[tuple[int, int, int]] = []
    for i in range(n):
        for r, cap in enumerate(pools):
            q = draw(st.integers(0, cap))
            if q:
                pool_needs.append((i, r, q))
    unary = 0 if plain else draw(st.integers(0, 3))
    travel = 0 if plain or unary == 0 else draw(st.integers(0, 9))
    slack = sum(durations) + sum(lags) + travel * n + 1
    if not plain:
        for (u, v), _ in zip(chosen, lags, strict=True):
            if draw(st.booleans()):
                # v must start at most `slack` after u starts: a maximum lag.
                edges.append((v, u, -(durations[u] + slack)))
                forward.append(False)
    lo = tuple(0 if plain else draw(st.integers(0, 20)) for _ in range(n))
    sites = tuple(0 if plain else draw(st.integers(0, 2)) for _ in range(n))
    unary_needs = tuple(
        (i, u) for i in range(n) for u in range(unary) if draw(st.integers(0, 3)) == 0
    )
    group = tuple(u for u in range(unary) if draw(st.booleans()))
    # An activity that names members takes "any one" from the others: some must be left.
    group_needs = tuple(
        i
        for i in range(n)
        if set(group) - {u for j, u in unary_needs if j == i}
        if draw(st.integers(0, 2)) == 0
    )
    return Spec(
        durations=durations,
        edges=tuple(edges),
        precedence=tuple(forward),
        lo=lo,
        pools=pools,
        pool_needs=tuple(pool_needs),
        unary=unary,
        sites=sites,
        unary_needs=unary_needs,
        group=group,
        group_needs=group_needs,
        travel=travel,
    )


def violations(spec: Spec, result: EngineResult) -> list[str]:
    """Every rule the result breaks, found from the spec alone."""
    s = result.starts
    n = len(spec.durations)
    end = [s[i] + spec.durations[i] for i in range(n)]
    out = [f"edge {u}->{v} ({w})" for u, v, w in spec.edges if s[v] < s[u] + w]
    out += [f"{i} before its window" for i in range(n) if s[i] < spec.lo[i]]
    out += _pool_violations(spec, s, end)
    return out + _unary_violations(spec, result, s, end)


def _pool_violations(spec: Spec, s: list[int], end: list[int]) -> list[str]:
    out = []
    for r, cap in enumerate(spec.pools):
        for t in range(min(s), max(end)):
            used = sum(q for i, rr, q in spec.pool_needs if rr == r and s[i] <= t < end[i])
            if used > cap:
                out.append(f"pool R{r} holds {used} > {cap} at {t}")
                break
    return out


def _unary_violations(spec: Spec, result: EngineResult, s: list[int], end: list[int]) -> list[str]:
    # Who holds each unary line: the named needs, plus the group member chosen.
    out = []
    holders: dict[int, list[int]] = {}
    for i, u in spec.unary_needs:
        holders.setdefault(u, []).append(i)
    for i in spec.group_needs:
        named = {u for j, u in spec.unary_needs if j == i}
        taken = [u for u in result.unary_of[i] if u in spec.group and u not in named]
        if not taken:
            out.append(f"{i} holds no member of the group (it holds {result.unary_of[i]})")
        for u in taken:
            holders.setdefault(u, []).append(i)
    for u, acts in holders.items():
        for a, b in itertools.combinations(acts, 2):
            gap = spec.travel if spec.sites[a] != spec.sites[b] else 0
            if not (end[a] + gap <= s[b] or end[b] + gap <= s[a]):
                out.append(f"U{u} at {a} and {b} at once (travel {gap})")
    return out


def _check(spec: Spec, result: EngineResult) -> None:
    assert len(result.starts) == len(spec.durations)
    broken = violations(spec, result)
    if result.conflicts or result.clashes:
        return  # the engine said it failed; the checker needs no agreement then
    assert broken == [], (broken, spec)
    assert result.makespan == max(
        st + d for st, d in zip(result.starts, spec.durations, strict=True)
    ) - min(0, *result.starts)
    assert result.bound <= result.makespan


SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(specs())
def test_the_quick_path_keeps_every_rule_it_claims(spec: Spec) -> None:
    result = solve(spec.problem(), time_limit=0)
    _check(spec, result)
    assert not result.conflicts, "a serial schedule exists, so one pass must place every block"


LAGGED = Spec(
    durations=(1, 1, 1),
    edges=((0, 1, 1), (0, 2, 5)),  # a 4-minute lag past the plain RCPSP horizon
    precedence=(True, True),
    lo=(0, 0, 0),
    pools=(1,),
    pool_needs=((2, 0, 1),),
    unary=0,
    sites=(0, 0, 0),
    unary_needs=(),
    group=(),
    group_needs=(),
    travel=0,
)


@SETTINGS
@given(specs(), st.integers(0, 3))
@example(LAGGED, 0)  # found by hypothesis: the lean scheme's horizon ignored lags
def test_the_genetic_search_keeps_every_rule_and_never_loses_to_one_pass(
    spec: Spec, seed: int
) -> None:
    quick = solve(spec.problem(), time_limit=0)
    searched = solve(spec.problem(), seed=seed, time_limit=60, max_passes=30, population=8)
    _check(spec, searched)
    assert not searched.conflicts
    assert searched.makespan <= quick.makespan


@SETTINGS
@given(specs(plain=True), st.integers(0, 3))
def test_local_search_on_plain_rcpsp_keeps_every_rule_and_never_loses_to_one_pass(
    spec: Spec, seed: int
) -> None:
    quick = solve(spec.problem(), time_limit=0)
    searched = solve(spec.problem(), seed=seed, time_limit=60, max_passes=40, population=8)
    _check(spec, searched)
    assert searched.makespan <= quick.makespan


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs(), st.integers(0, 3))
def test_the_same_seed_and_passes_give_the_same_schedule(spec: Spec, seed: int) -> None:
    runs = [
        solve(spec.problem(), seed=seed, time_limit=60, max_passes=20, population=6).starts
        for _ in range(2)
    ]
    assert runs[0] == runs[1]


def _side_by_side(a: Spec, b: Spec) -> Spec:
    """``a`` and ``b`` as one problem that shares nothing (``b`` without its group)."""
    n = len(a.durations)
    return Spec(
        durations=a.durations + b.durations,
        edges=a.edges + tuple((u + n, v + n, w) for u, v, w in b.edges),
        precedence=a.precedence + b.precedence,
        lo=a.lo + b.lo,
        pools=a.pools + b.pools,
        pool_needs=a.pool_needs + tuple((i + n, r + len(a.pools), q) for i, r, q in b.pool_needs),
        unary=a.unary + b.unary,
        sites=a.sites + b.sites,
        unary_needs=a.unary_needs + tuple((i + n, u + a.unary) for i, u in b.unary_needs),
        group=a.group,
        group_needs=a.group_needs,
        travel=max(a.travel, b.travel) if a.unary and b.unary else a.travel or b.travel,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs(), specs(), st.integers(0, 3))
def test_independent_parts_are_searched_apart_and_keep_every_rule(
    a: Spec, b: Spec, seed: int
) -> None:
    spec = _side_by_side(a, b)
    p = spec.problem()
    es, ls = initial_bounds(p)
    n = len(a.durations)
    parts = split(p, es, ls)
    # The two sides share nothing: a part that needs resources lies on one side (the
    # activities that need none are gathered into one part, placed at their earliest).
    for part in parts:
        if part.needs_resources:
            assert all(i < n for i in part.ids) or all(i >= n for i in part.ids)
    assert sorted(i for part in parts for i in part.ids) == list(range(p.n))
    quick = solve(spec.problem(), time_limit=0)
    searched = solve(spec.problem(), seed=seed, time_limit=60, max_passes=30, population=8)
    _check(spec, quick)
    _check(spec, searched)
    assert not searched.conflicts
    assert searched.makespan <= quick.makespan
    again = solve(spec.problem(), seed=seed, time_limit=60, max_passes=30, population=8)
    assert again.starts == searched.starts


def test_a_fixed_activity_links_no_parts_but_still_bounds_them() -> None:
    # 0 is fixed at 5 (the parade); 1 and 2 follow it and take one pool each; 3 ends by 0's start.
    p = Problem.new(4, durations=[10, 4, 4, 3])
    p.lo[0] = p.hi[0] = 5
    p.add_edge(0, 1, 10)
    p.add_edge(0, 2, 12)
    p.add_edge(3, 0, 3)
    p.add_edge(1, 0, -40, precedence=False)  # 1 starts at most 40 after 0
    one, two = p.add_pool("a", 1), p.add_pool("b", 1)
    p.need_pool(1, one, 1)
    p.need_pool(2, two, 1)
    p.need_pool(3, two, 1)
    es, ls = initial_bounds(p)
    assert [part.ids for part in split(p, es, ls)] == [[0], [1], [2, 3]]
    result = solve(p, time_limit=60, max_passes=10)
    assert result.starts[0] == 5
    assert 15 <= result.starts[1] <= 45
    assert result.starts[2] >= 17
    assert result.starts[3] + 3 <= 5


def test_parts_are_remembered_only_inside_one_run_and_give_the_same_result() -> None:
    # Two independent pools of two activities each: two parts that need resources.
    p = Problem.new(4, durations=[5, 7, 3, 4])
    one, two = p.add_pool("a", 1), p.add_pool("b", 1)
    for i, pool in ((0, one), (1, one), (2, two), (3, two)):
        p.need_pool(i, pool, 1)
    alone = solve(p, seed=1, time_limit=60, max_passes=20)
    with search.remembering_parts():
        memo = search._MEMO.get()  # noqa: SLF001 - the memory the run holds
        assert memo is not None
        first = solve(p, seed=1, time_limit=60, max_passes=20)
        kept = len(memo.done)
        again = solve(p, seed=1, time_limit=60, max_passes=20)
        assert len(memo.done) == kept == 2  # the same two parts, kept once
    assert search._MEMO.get() is None  # noqa: SLF001 - nothing stays held after the run
    assert alone.starts == first.starts == again.starts
