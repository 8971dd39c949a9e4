"""Independent parts of a problem: scheduled one by one, the results merged.

Two activities depend on each other when a constraint links them or they can
compete for a resource (the same pool, the same unary line, lines of one
group). A constraint with an activity whose time the windows alone fix
(earliest start = latest start) links nothing: it only bounds the other end,
so it is folded into that end's window. What remains falls apart into
connected parts that share no resource and no constraint; any schedule of the
whole is a schedule of each part, and the parts' best schedules together are
the whole's. A nationwide day is thousands of communes whose only common time
is the parade's fixed start: each commune, or each cluster a delegation
visits, is its own part.

A part that needs no resource at all is placed at its earliest starts (the
earliest solution of a consistent temporal network meets every constraint and
is the best there is). The others are searched, each with the whole budget of
passes: a part's search does not depend on how many other parts there are.

>>> from ngayhoi.scheduling.problem import BIG, Problem
>>> p = Problem.new(4, durations=[3, 2, 2, 5])
>>> p.add_edge(0, 1, 3)
>>> pool = p.add_pool("may", 1)
>>> p.need_pool(1, pool, 1); p.need_pool(2, pool, 1)
>>> [part.ids for part in split(p, [0, 3, 0, 0], [BIG] * 4)]
[[0, 1, 2], [3]]
"""

from __future__ import annotations

import attrs

from ngayhoi.scheduling.problem import Problem

__all__ = ["Part", "split"]


@attrs.define
class Part:
    """One independent part: its activities (global indices, ascending) and its problem."""

    ids: list[int]
    problem: Problem
    #: Local unary line -> global unary line.
    lines: list[int]
    #: Whether any activity of the part needs a resource.
    needs_resources: bool


def split(p: Problem, es: list[int], ls: list[int]) -> list[Part]:
    """The independent parts of ``p``, given its earliest and latest starts; in index order.

    Returns one part (``p`` itself) when it does not fall apart.
    """
    n = p.n
    n_pools, n_lines = len(p.pool_cap), len(p.unary_names)
    # Union-find over activities, then pools, unary lines and groups.
    parent = list(range(n + n_pools + n_lines + len(p.group_members)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    fixed = [es[i] == ls[i] for i in range(n)]
    for u in range(n):
        # A fixed activity links nothing by its constraints, but it still takes its resources.
        if not fixed[u]:
            for v, _, _ in p.out[u]:
                if not fixed[v]:
                    union(u, v)
        for r, _ in p.need_pools[u]:
            union(u, n + r)
        for line in p.need_unary[u]:
            union(u, n + n_pools + line)
        for g, _ in p.need_groups[u]:
            union(u, n + n_pools + n_lines + g)
    for g, members in enumerate(p.group_members):
        for line in members:
            union(n + n_pools + n_lines + g, n + n_pools + line)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    if len(groups) <= 1:
        return [Part(list(range(n)), p, list(range(n_lines)), needs_resources=True)]
    parts: list[Part] = []
    free: list[int] = []
    for ids in groups.values():
        if any(p.need_pools[i] or p.need_unary[i] or p.need_groups[i] for i in ids):
            parts.append(_part(p, ids, es, fixed))
        else:
            free.extend(ids)
    if free:
        free.sort()
        parts.append(_part(p, free, es, fixed, needs_resources=False))
    parts.sort(key=lambda part: part.ids[0])
    return parts


def _part(
    p: Problem, ids: list[int], es: list[int], fixed: list[bool], *, needs_resources: bool = True
) -> Part:
    """The problem of the activities ``ids``; constraints with fixed activities become windows."""
    local = {g: k for k, g in enumerate(ids)}
    q = Problem.new(len(ids), durations=[p.dur[i] for i in ids])
    q.lo = [es[i] if fixed[i] else p.lo[i] for i in ids]
    q.hi = [es[i] if fixed[i] else p.hi[i] for i in ids]
    q.site = [p.site[i] for i in ids]
    q.travel = p.travel
    ordered = [set(p.prec[i]) for i in ids]
    for k, u in enumerate(ids):
        for v, w, index in p.out[u]:
            j = local.get(v)
            if j is not None and not (fixed[u] or fixed[v]):
                q.add_edge(k, j, w, label=p.edge_labels[index], precedence=v in ordered[k])
            elif fixed[u] and not fixed[v] and j is not None:
                q.lo[j] = max(q.lo[j], es[u] + w)
            elif fixed[v] and not fixed[u]:
                q.hi[k] = min(q.hi[k], es[v] - w)
            elif j is None and not fixed[u]:  # pragma: no cover - a link joins the parts
                msg = "a constraint links two parts"
                raise AssertionError(msg)
        # The constraints into this activity from a fixed one, wherever the fixed one lives.
        if not fixed[u]:
            for v, w, _ in p.inn[u]:
                if fixed[v] and v not in local:
                    q.lo[k] = max(q.lo[k], es[v] + w)
    if not needs_resources:
        return Part(ids, q, [], needs_resources=False)
    pools: dict[int, int] = {}
    lines: dict[int, int] = {}
    groups: dict[int, int] = {}
    for k, i in enumerate(ids):
        for r, amount in p.need_pools[i]:
            if r not in pools:
                pools[r] = q.add_pool(p.pool_names[r], p.pool_cap[r])
            q.need_pool(k, pools[r], amount)
        for line in p.need_unary[i]:
            if line not in lines:
                lines[line] = q.add_unary(p.unary_names[line], travels=p.unary_travels[line])
            q.need_one(k, lines[line])
        for g, amount in p.need_groups[i]:
            if g not in groups:
                for line in p.group_members[g]:
                    if line not in lines:
                        lines[line] = q.add_unary(
                            p.unary_names[line], travels=p.unary_travels[line]
                        )
                groups[g] = q.add_group(p.group_names[g], [lines[m] for m in p.group_members[g]])
            q.need_any(k, groups[g], amount)
    if p.previous is not None:
        q.previous = [p.previous[i] for i in ids]
    if p.previous_lines is not None:
        q.previous_lines = [[lines[m] for m in p.previous_lines[i] if m in lines] for i in ids]
    back = sorted(lines, key=lambda g: lines[g])
    return Part(ids, q, back, needs_resources=True)
