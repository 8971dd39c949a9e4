"""Blocks: activities tied by fixed distances, which the schemes place together."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from ngayhoi._lazy import lazy_import
from ngayhoi.scheduling.problem import (
    BIG,
    Problem,
)

if TYPE_CHECKING:
    import networkx as nx
else:
    nx = lazy_import("networkx")


@attrs.define
class Blocks:
    """Activities grouped into blocks, each member at a fixed offset from its block's start."""

    of: list[int]  # activity -> block
    members: list[list[int]]
    offset: list[int]  # activity -> offset from its block's anchor
    order_graph: list[list[int]]  # block-level precedence (DAG after condensation)
    impossible: dict[int, str] = attrs.field(factory=dict)  # block -> resource it cannot share


def find_blocks(p: Problem) -> Blocks:
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
            if weight_of.get((u, v), -BIG) < w:
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
    blocks = Blocks(of=of, members=members, offset=offset, order_graph=order_graph)
    blocks.impossible = impossible(p, blocks)
    return blocks


def impossible(p: Problem, blocks: Blocks) -> dict[int, str]:
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
