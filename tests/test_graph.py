"""The dependency network: every link type, lags of any sign, cycles, impossible windows, CPM."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import networkx as nx
import pytest

from ngayhoi.errors import DependencyCycleError, InfeasibleError
from ngayhoi.graph import (
    _positive_cycle_fallback,
    analyse,
    check_consistency,
    dependency_graph,
    earliest_starts,
    positive_cycle,
)
from ngayhoi.model import Dependency, DependencyType, Site, SyncGroup, Unit

from conftest import act, at, one_site_festival


def _start_of(fest_kwargs: dict[str, object], ident: str) -> str:
    fest = one_site_festival(*fest_kwargs["activities"], dependencies=fest_kwargs["deps"])  # type: ignore[misc]
    return fest.at(earliest_starts(fest)[ident]).format("HH:mm")


@pytest.mark.parametrize(
    ("kind", "lag", "expected"),
    [
        (DependencyType.FS, 5, "07:15"),
        (DependencyType.FS, -5, "07:05"),  # overlap allowed by a negative lag
        (DependencyType.SS, 3, "07:03"),
        (DependencyType.SS, -3, "06:57"),
        (DependencyType.FF, 5, "06:55"),  # B (20 min) finishes 5 min after A (ends 07:10)
        (DependencyType.FF, -5, "06:45"),
        (DependencyType.SF, 30, "07:10"),  # B finishes 30 min after A starts
        (DependencyType.SF, -10, "06:30"),
    ],
)
def test_min_lag_pushes_the_successor(kind: DependencyType, lag: int, expected: str) -> None:
    a = act("a", 10, fixed_start=at(7))
    b = act("b", 20)
    deps = [Dependency("a", "b", kind, min_lag=lag)]
    assert _start_of({"activities": [a, b], "deps": deps}, "b") == expected


@pytest.mark.parametrize(
    ("kind", "max_lag", "expected"),
    [
        (DependencyType.FS, 5, "07:45"),  # A must finish at most 5 min before B starts at 08:00
        (DependencyType.SS, 5, "07:55"),
        (DependencyType.FF, 5, "08:05"),
        (DependencyType.SF, 5, "08:15"),
        (DependencyType.SS, -5, "08:05"),  # B starts at least... at most -5 after A: A after B
    ],
)
def test_max_lag_pulls_the_predecessor(kind: DependencyType, max_lag: int, expected: str) -> None:
    a = act("a", 10)
    b = act("b", 20, fixed_start=at(8))
    deps = [Dependency("a", "b", kind, min_lag=-60, max_lag=max_lag)]
    assert _start_of({"activities": [a, b], "deps": deps}, "a") == expected


def test_a_cycle_names_the_activities_by_title_in_order() -> None:
    fest = one_site_festival(
        act("a"),
        act("b"),
        act("c"),
        dependencies=[Dependency("b", "c"), Dependency("c", "a"), Dependency("a", "b")],
    )
    with pytest.raises(DependencyCycleError) as info:
        check_consistency(fest)
    assert info.value.cycle == ("a", "b", "c")
    assert "Mục A at Long Hòa [a] → Mục B at Long Hòa [b] → Mục C at Long Hòa [c]" in str(
        info.value
    )


def test_a_cycle_with_negative_lags_that_adds_to_zero_is_consistent() -> None:
    # Start-to-start both ways with lag 0: the two start together, not a cycle error.
    fest = one_site_festival(
        act("a", fixed_start=at(7)),
        act("b"),
        dependencies=[
            Dependency("a", "b", DependencyType.SS),
            Dependency("b", "a", DependencyType.SS),
        ],
    )
    assert earliest_starts(fest)["b"] == earliest_starts(fest)["a"]


def test_an_impossible_window_names_both_activities_and_the_amount() -> None:
    fest = one_site_festival(
        act("a", 10, fixed_start=at(7)),
        act("b", 20, latest_end=at(7, 15)),
        dependencies=[Dependency("a", "b")],
    )
    with pytest.raises(InfeasibleError) as info:
        check_consistency(fest)
    (violation,) = info.value.violations
    assert violation.rule == "temporal"
    assert set(violation.activities) == {"a", "b"}
    assert violation.amount == 15
    assert "Mục A at Long Hòa is fixed to start at 07:00" in str(info.value)
    assert "Mục B at Long Hòa ends no later than 06/08 07:15" in str(info.value)


def test_an_impossible_max_lag_raises_infeasible_not_cycle() -> None:
    fest = one_site_festival(
        act("a", 10, fixed_start=at(7)),
        act("b", 20, earliest_start=at(8)),
        dependencies=[Dependency("a", "b", max_lag=10)],
    )
    with pytest.raises(InfeasibleError, match=r"Mục B at Long Hòa starts 0 to 10 min after Mục A"):
        check_consistency(fest)


def test_simultaneous_starts_across_sites_follow_the_fixed_one() -> None:
    units = [Unit(id=u, name=u.upper(), official_name=f"Xã {u.upper()}", kind="xã") for u in "xy"]
    sites = [Site(id=f"s{u}", name=f"Sân {u}", unit=u) for u in "xy"]
    from ngayhoi.model import Activity, Festival  # noqa: PLC0415

    acts = [
        Activity(
            id="px", kind="parade", title="Diễu hành", site="sx", duration=30, fixed_start=at(6, 45)
        ),
        Activity(id="py", kind="parade", title="Diễu hành", site="sy", duration=30),
    ]
    fest = Festival(
        id="f",
        name="F",
        days=[at(0).date()],
        units=units,
        sites=sites,
        activities=acts,
        sync_groups=[SyncGroup(id="g", title="Diễu hành đồng loạt", activities=["px", "py"])],
    )
    assert earliest_starts(fest) == {"px": 405, "py": 405}


def test_conflicting_simultaneous_starts_are_infeasible() -> None:
    fest = one_site_festival(
        act("a", fixed_start=at(7)),
        act("b", fixed_start=at(7, 5)),
        sync_groups=[SyncGroup(id="g", title="Đồng loạt", activities=["a", "b"])],
    )
    with pytest.raises(InfeasibleError, match=r"5 min too tight.*starts with"):
        check_consistency(fest)


def test_slack_and_critical_path() -> None:
    fest = one_site_festival(
        act("a", 10, earliest_start=at(7)),
        act("b", 5, earliest_start=at(7)),
        act("c", 10),
        dependencies=[Dependency("a", "c"), Dependency("b", "c")],
    )
    timing = analyse(fest)
    assert timing.critical_path == ("a", "c")
    assert timing.total_slack == {"a": 0, "b": 5, "c": 0}
    assert timing.free_slack == {"a": 0, "b": 5, "c": 0}
    assert fest.at(timing.latest["b"]).format("HH:mm") == "07:05"


def test_free_slack_is_smaller_than_total_slack_along_a_chain() -> None:
    fest = one_site_festival(
        act("a", 10, earliest_start=at(7)),
        act("b", 5, earliest_start=at(7)),
        act("b2", 5),
        act("c", 20),
        dependencies=[Dependency("a", "c"), Dependency("b", "b2"), Dependency("b2", "c")],
    )
    timing = analyse(fest)
    assert timing.total_slack["b"] == 0
    assert timing.critical_path == ("a", "c")
    fest2 = one_site_festival(
        act("a", 30, earliest_start=at(7)),
        act("b", 5, earliest_start=at(7)),
        act("b2", 5),
        act("c", 20),
        dependencies=[Dependency("a", "c"), Dependency("b", "b2"), Dependency("b2", "c")],
    )
    timing2 = analyse(fest2)
    assert (timing2.total_slack["b"], timing2.free_slack["b"]) == (20, 0)
    assert (timing2.total_slack["b2"], timing2.free_slack["b2"]) == (20, 20)


def test_outdoor_activities_end_by_eleven() -> None:
    fest = one_site_festival(act("g", 75, outdoor=True, earliest_start=at(10)))
    with pytest.raises(InfeasibleError, match=r"ends no later than 06/08 11:00"):
        check_consistency(fest)


def test_dependency_graph_keeps_parallel_links() -> None:
    fest = one_site_festival(
        act("a"),
        act("b"),
        dependencies=[
            Dependency("a", "b", DependencyType.SS, min_lag=2),
            Dependency("a", "b", DependencyType.FF, min_lag=1),
        ],
    )
    graph = dependency_graph(fest)
    assert graph.number_of_edges("a", "b") == 2
    assert {d["type"] for _, _, d in graph.edges(data=True)} == {
        DependencyType.SS,
        DependencyType.FF,
    }


@pytest.mark.parametrize("finder", [positive_cycle, _positive_cycle_fallback])
def test_a_positive_cycle_behind_a_long_chain_is_returned_in_edge_order(
    finder: Callable[[nx.DiGraph[str], str], list[str]],
) -> None:
    graph: nx.DiGraph[str] = nx.DiGraph()
    chain = [f"n{k}" for k in range(500)]
    for u, v in itertools.pairwise(chain):
        graph.add_edge(u, v, weight=1)
    graph.add_edge("n499", "x", weight=3)
    graph.add_edge("x", "y", weight=2)
    graph.add_edge("y", "n499", weight=-4)  # 3 + 2 - 4 = 1 > 0
    cycle = finder(graph, "n0")
    assert cycle[0] == cycle[-1]
    assert set(cycle) == {"n499", "x", "y"}
    assert all(graph.has_edge(u, v) for u, v in itertools.pairwise(cycle))
    assert sum(graph.edges[u, v]["weight"] for u, v in itertools.pairwise(cycle)) > 0


def test_a_consistent_network_has_no_positive_cycle_to_return() -> None:
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_edge("a", "b", weight=5)
    graph.add_edge("b", "a", weight=-5)
    with pytest.raises(ValueError, match="no positive cycle"):
        _positive_cycle_fallback(graph, "a")
