"""The label-correcting core agrees with networkx on random temporal networks."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ngayhoi.network import PositiveCycle, incoming, latest_starts, longest_paths

Arc = tuple[int, int, int]


@st.composite
def networks(draw: st.DrawFn) -> tuple[int, list[list[Arc]]]:
    n = draw(st.integers(1, 12))
    arcs = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(-20, 20)),
            max_size=3 * n,
        )
    )
    out: list[list[Arc]] = [[] for _ in range(n)]
    for label, (u, v, w) in enumerate(arcs):
        if u != v:
            out[u].append((v, w, label))
    return n, out


def _networkx(n: int, out: list[list[Arc]]) -> nx.DiGraph[int]:
    graph: nx.DiGraph[int] = nx.DiGraph()
    graph.add_nodes_from(range(-1, n))
    for v in range(n):
        graph.add_edge(-1, v, weight=0)
    for u, arcs in enumerate(out):
        for v, w, _ in arcs:
            if not graph.has_edge(u, v) or graph.edges[u, v]["weight"] < w:
                graph.add_edge(u, v, weight=w)
    return graph


@settings(max_examples=300, deadline=None)
@given(networks())
def test_longest_paths_match_bellman_ford_or_name_a_positive_cycle(
    network: tuple[int, list[list[Arc]]],
) -> None:
    n, out = network
    graph = _networkx(n, out)
    negated = {(u, v): -d["weight"] for u, v, d in graph.edges(data=True)}
    nx.set_edge_attributes(graph, negated, "neg")
    if nx.negative_edge_cycle(graph, weight="neg"):
        with pytest.raises(PositiveCycle) as raised:
            longest_paths(out, [0] * n)
        cycle = raised.value.cycle
        assert cycle[0] == cycle[-1]
        weight = sum(max(w for t, w, _ in out[u] if t == v) for u, v in itertools.pairwise(cycle))
        assert weight > 0
        return
    found = longest_paths(out, [0] * n)
    expected = nx.single_source_bellman_ford_path_length(graph, -1, weight="neg")
    assert found == [-int(expected[v]) for v in range(n)]


@settings(max_examples=300, deadline=None)
@given(networks(), st.integers(0, 50))
def test_latest_starts_are_the_greatest_labels_that_satisfy_every_arc(
    network: tuple[int, list[list[Arc]]], top: int
) -> None:
    n, out = network
    try:
        longest_paths(out, [0] * n)
    except PositiveCycle:
        return
    latest = latest_starts(incoming(out), [top] * n)
    assert all(x <= top for x in latest)
    assert all(latest[v] >= latest[u] + w for u in range(n) for v, w, _ in out[u])
    # Greatest: each label is tight against the cap or against some arc.
    for u in range(n):
        tight = [latest[v] - w for v, w, _ in out[u]]
        assert latest[u] == min([top, *tight])
