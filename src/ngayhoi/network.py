"""The one label-correcting core: longest paths over difference constraints.

A temporal network is a set of constraints ``start[v] >= start[u] + w``. Its
earliest starts are longest paths, its latest starts shortest paths backwards,
and it is inconsistent exactly when it has a cycle of positive weight. Three
callers share this one core: :mod:`ngayhoi.graph` (naming a cycle of the plan
when networkx cannot), the heuristic's bounds
(:mod:`ngayhoi.scheduling.solvers.heuristic.bounds`) and the slack of a finished
schedule (:mod:`ngayhoi.scheduling.translate`).

The method is FIFO label correcting (Bellman-Ford-Moore). A positive cycle is
found by walking the parent pointers every ``n`` relaxations: a walk that meets
itself is a cycle of the parent graph, which in a longest-path search has
positive weight (Tarjan's subtree disassembly and Cherkassky and Goldberg's
survey, 1999, compare such checks). That finds a cycle after work proportional
to its length times the arcs, not the ``n * m`` of waiting until a node has been
relaxed ``n`` times.

Arcs are given per node as ``(target, weight, label)`` triples; the label is
the caller's and is ignored here.

>>> out = [[(1, 3, 0)], [(2, 2, 1)], []]
>>> longest_paths(out, [0, 0, 0])
[0, 3, 5]
>>> latest_starts(incoming(out), [10, 10, 10])
[5, 8, 10]
>>> longest_paths([[(1, 3, 0)], [(0, -2, 1)]], [0, 0])
Traceback (most recent call last):
...
ngayhoi.network.PositiveCycle: a cycle of positive weight: 1 -> 0 -> 1
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

__all__ = ["Arcs", "PositiveCycle", "incoming", "latest_starts", "longest_paths"]

Arcs = Sequence[Sequence[tuple[int, int, int]]]
"""Per node, its arcs as ``(other node, weight, label)``."""


class PositiveCycle(Exception):  # noqa: N818 - a finding about the network, not a caller's error
    """The network has a cycle of positive weight: no starts satisfy it.

    Attributes:
        cycle: the nodes of the cycle in arc order, the first repeated last.
    """

    def __init__(self, cycle: list[int]) -> None:
        """A finding naming the cycle's nodes."""
        self.cycle = cycle
        super().__init__("a cycle of positive weight: " + " -> ".join(map(str, cycle)))


def longest_paths(out: Arcs, lo: Sequence[int]) -> list[int]:
    """Earliest starts: the least labels at or above ``lo`` that satisfy every arc.

    Raises:
        PositiveCycle: the network is inconsistent; the cycle is named.

    >>> longest_paths([[(1, 5, 0)], []], [2, 0])
    [2, 7]
    """
    return _correct(out, list(lo), forward=True)


def latest_starts(inn: Arcs, hi: Sequence[int]) -> list[int]:
    """Latest starts: the greatest labels at or below ``hi`` that satisfy every arc.

    ``inn`` lists, per node, its incoming arcs as ``(source, weight, label)``:
    the same constraints as the ``out`` of :func:`longest_paths`, seen from
    their targets.

    Raises:
        PositiveCycle: the network is inconsistent; the cycle is named.

    >>> latest_starts([[], [(0, 5, 0)]], [20, 9])
    [4, 9]
    """
    return [-x for x in _correct(inn, [-h for h in hi], forward=False)]


def incoming(out: Arcs) -> list[list[tuple[int, int, int]]]:
    """The incoming arcs of every node, from the outgoing ones.

    >>> incoming([[(1, 3, 0)], [(2, 2, 1)], []])
    [[], [(0, 3, 0)], [(1, 2, 1)]]
    """
    inn: list[list[tuple[int, int, int]]] = [[] for _ in out]
    for u, arcs in enumerate(out):
        for v, w, label in arcs:
            inn[v].append((u, w, label))
    return inn


def _correct(out: Arcs, dist: list[int], *, forward: bool) -> list[int]:
    """FIFO label correcting for longest paths from ``dist``, checking parents every n steps."""
    n = len(dist)
    if n == 0:
        return dist
    queue = deque(range(n))
    queued = [True] * n
    parent = [-1] * n
    count = [0] * n
    relaxations = 0
    while queue:
        u = queue.popleft()
        queued[u] = False
        count[u] += 1
        if count[u] > n + 1:  # a guard the parent walks make unreachable in practice
            for _ in range(n):
                u = parent[u]
            raise PositiveCycle(_oriented(_parent_cycle(parent, u), forward=forward))
        du = dist[u]
        for v, w, _ in out[u]:
            if dist[v] < du + w:
                dist[v] = du + w
                parent[v] = u
                relaxations += 1
                if relaxations % n == 0 and (cycle := _parent_cycle(parent, v)):
                    raise PositiveCycle(_oriented(cycle, forward=forward))
                if not queued[v]:
                    queued[v] = True
                    queue.append(v)
    return dist


def _oriented(cycle: list[int], *, forward: bool) -> list[int]:
    """The cycle in the order of the caller's arcs (a backward pass walks them reversed)."""
    return cycle if forward else cycle[::-1]


def _parent_cycle(parent: Sequence[int], start: int) -> list[int]:
    """The cycle the parent pointers of ``start`` run into, in arc order, or ``[]``."""
    seen: dict[int, int] = {}
    path: list[int] = []
    x = start
    while x != -1 and x not in seen:
        seen[x] = len(path)
        path.append(x)
        x = parent[x]
    if x == -1:
        return []
    cycle = path[seen[x] :]
    cycle.reverse()
    return [*cycle, cycle[0]]
