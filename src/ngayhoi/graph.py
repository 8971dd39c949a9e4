"""The dependency network in networkx: consistency, earliest and latest times, slack.

Dependencies with minimum and maximum lags, windows, fixed starts and
simultaneous starts all become *difference constraints* between start times,
``start(v) >= start(u) + w``: a simple temporal network. It is consistent iff
the constraint graph has no positive cycle, which networkx finds as a negative
cycle of the negated weights (Bellman-Ford). Earliest starts are longest paths
from the origin (midnight of the first day); latest starts come from longest
paths to a sink fixed at the horizon.

>>> import pendulum
>>> from ngayhoi.model import Activity, Dependency, Festival, Site, Unit
>>> fest = Festival(
...     id="demo", name="Ngày hội", days=["2023-08-06"],
...     units=[Unit(id="x", name="X", official_name="Xã X", kind="xã")],
...     sites=[Site(id="x.ubnd", name="UBND xã X", unit="x")],
...     activities=[
...         Activity(id="x.chao-co", kind="flag-salute", title="Chào cờ", site="x.ubnd", duration=5,
...                  fixed_start=pendulum.datetime(2023, 8, 6, 7, 30, tz="Asia/Ho_Chi_Minh")),
...         Activity(id="x.bao-cao", kind="report", title="Báo cáo", site="x.ubnd", duration=15),
...     ],
...     dependencies=[Dependency("x.chao-co", "x.bao-cao", min_lag=2)],
... )
>>> timing = analyse(fest)
>>> fest.at(timing.earliest["x.bao-cao"]).format("HH:mm")
'07:37'
>>> timing.critical_path
('x.chao-co', 'x.bao-cao')
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from typing import TYPE_CHECKING

import attrs

from ngayhoi._lazy import lazy_import
from ngayhoi._records import plain_repr
from ngayhoi.diagnostics import Rule, Violation
from ngayhoi.errors import DependencyCycleError, InfeasibleError, Said
from ngayhoi.i18n import N_
from ngayhoi.model import Activity, DependencyType, Festival, minutes
from ngayhoi.network import PositiveCycle, longest_paths

if TYPE_CHECKING:
    import networkx as nx
else:
    nx = lazy_import("networkx")  # only cycles, slack and graph views need it

__all__ = [
    "ORIGIN",
    "SINK",
    "TemporalAnalysis",
    "analyse",
    "check_consistency",
    "dependency_graph",
    "difference_constraints",
    "earliest_starts",
    "plain_graph",
    "positive_cycle",
    "start_bounds",
    "temporal_network",
]

#: The node at minute 0 (midnight starting the first day).
ORIGIN = "@origin"
#: The node at the horizon, after every activity.
SINK = "@sink"


def dependency_graph(festival: Festival) -> nx.MultiDiGraph[str]:
    """The activities as nodes and the dependencies as edges, as the plan states them.

    Nodes carry ``title``, ``site`` and ``duration`` (minutes); edges carry
    ``type`` ("FS", "SS", "FF", "SF"), ``min_lag`` and, where the plan sets one,
    ``max_lag`` (minutes; absent for no maximum). Two activities may be linked
    more than once (an SS and an FF), hence a multigraph. Every attribute is a
    plain ``str`` or ``int``, so ``nx.write_graphml`` writes the graph as it is.

    >>> import io
    >>> from ngayhoi.model import Festival
    >>> graph = dependency_graph(Festival(id="f", name="F", days=["2023-08-06"]))
    >>> graph.number_of_nodes(), graph.graph["festival"]
    (0, 'f')
    >>> nx.write_graphml(graph, io.BytesIO())
    """
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(festival=festival.id)
    for act in festival.activities:
        graph.add_node(act.id, title=act.title, site=act.site, duration=minutes(act.duration))
    for dep in festival.dependencies:
        lags = {"min_lag": minutes(dep.min_lag)}
        if dep.max_lag is not None:
            lags["max_lag"] = minutes(dep.max_lag)
        graph.add_edge(dep.predecessor, dep.successor, type=str(dep.type.value), **lags)
    return graph


def plain_graph(graph: nx.DiGraph[str]) -> nx.DiGraph[str]:
    """A copy of a :func:`temporal_network` whose attributes are plain types, for GraphML.

    Each edge keeps its ``weight`` and gets ``kind`` (the rule: "dependency",
    "window", "sync", ...) and ``why`` (the rule in words) as strings, in place
    of the object the explanations use; the words are made here, once per edge.

    >>> import io
    >>> from ngayhoi.model import Festival
    >>> plain = plain_graph(temporal_network(Festival(id="f", name="F", days=["2023-08-06"])))
    >>> nx.write_graphml(plain, io.BytesIO())
    """
    plain: nx.DiGraph[str] = nx.DiGraph(**{k: v for k, v in graph.graph.items() if _plain(v)})
    for node, data in graph.nodes(data=True):
        plain.add_node(node, **{k: v for k, v in data.items() if _plain(v)})
    for u, v, data in graph.edges(data=True):
        attrs_: dict[str, object] = {k: w for k, w in data.items() if _plain(w)}
        why = data.get("why")
        if isinstance(why, _Why):
            attrs_["kind"], attrs_["why"] = why.kind, str(why.text)
        plain.add_edge(u, v, **attrs_)
    return plain


def _plain(value: object) -> bool:
    """Whether GraphML holds the value as it is (an enum is not, even a str one)."""
    return type(value) in {str, int, float, bool}


def start_bounds(festival: Festival, activity: Activity) -> tuple[int, int]:
    """The earliest and latest start of an activity from its own window, in minutes.

    The default window runs from the first day's opening to the last day's
    closing; outdoor activities, and every activity at an outdoor site, also
    end by ``festival.outdoor_until`` on their day.

    >>> from ngayhoi.model import Festival, Activity, Site, Unit
    >>> f = Festival(id="f", name="F", days=["2023-08-06"],
    ...              units=[Unit(id="x", name="X", official_name="Xã X", kind="xã")],
    ...              sites=[Site(id="s", name="Sân", unit="x")],
    ...              activities=[Activity(id="g", kind="folk-games", title="Trò chơi", site="s",
    ...                                   duration=75, outdoor=True)])
    >>> lo, hi = start_bounds(f, f.activity("g"))
    >>> f.at(lo).format("HH:mm"), f.at(hi).format("HH:mm")
    ('06:00', '09:45')
    """
    duration = minutes(activity.duration)
    if activity.fixed_start is not None:
        fixed = festival.minute(activity.fixed_start)
        return fixed, fixed
    lo, hi_end = festival.window()
    if activity.earliest_start is not None:
        lo = festival.minute(activity.earliest_start)
    if activity.latest_end is not None:
        hi_end = festival.minute(activity.latest_end)
    in_open = activity.outdoor or festival.site(activity.site).outdoor
    if in_open and festival.outdoor_until is not None:
        limit = festival.minute(festival.local(festival.day_of(activity), festival.outdoor_until))
        hi_end = min(hi_end, limit)
    return lo, hi_end - duration


@plain_repr
@attrs.frozen(repr=False)
class _Why:
    """Why an edge of the temporal network exists, for explanations.

    The sentence is made only when an explanation needs it: formatting times
    for every edge of a large plan would cost more than scheduling it.
    """

    kind: str
    render: Callable[[], str]
    dependency: bool = False

    @property
    def text(self) -> str:
        """The rule, in words."""
        return self.render()


def _const(text: str) -> Callable[[], str]:
    return lambda: text


def temporal_network(festival: Festival) -> nx.DiGraph[str]:
    """The difference constraints on start times as a weighted digraph.

    An edge ``u -> v`` with weight ``w`` means ``start(v) >= start(u) + w``
    (minutes). :data:`ORIGIN` stands for minute 0; windows are edges from and to
    it. Each edge's ``why`` says which rule of the plan it comes from. Where
    two rules link the same pair, the tighter one is kept.

    >>> from ngayhoi.model import Festival
    >>> sorted(temporal_network(Festival(id="f", name="F", days=["2023-08-06"])).nodes)
    ['@origin']

    Its edges carry an object that words the rule on demand; :func:`plain_graph`
    turns them into strings for ``nx.write_graphml``.
    """
    graph: nx.DiGraph[str] = nx.DiGraph(festival=festival.id)
    graph.add_node(ORIGIN)
    for act in festival.activities:
        graph.add_node(act.id, duration=minutes(act.duration))
    for u, v, weight, kind, render in difference_constraints(festival):
        _add(graph, u, v, weight, _Why(kind, render, dependency=kind == "dependency"))
    return graph


def difference_constraints(
    festival: Festival,
) -> Iterator[tuple[str, str, int, str, Callable[[], str]]]:
    """Every rule of the plan as ``(u, v, w, kind, render)``: ``start(v) >= start(u) + w``.

    ``kind`` is ``"fixed"``, ``"window"``, ``"dependency"``, ``"max-lag"`` or
    ``"sync"``; ``render()`` says the rule in words. :data:`ORIGIN` is minute 0.
    This is the one place the semantics of windows, lags and simultaneous
    starts are written down; the networkx graph and the scheduler's arrays
    are both made from it.

    >>> from ngayhoi.samples import tiny_festival
    >>> [(u, v, w, k) for u, v, w, k, _ in difference_constraints(tiny_festival())][:2]
    [('@origin', 'x.chao-co', 450, 'fixed'), ('x.chao-co', '@origin', -450, 'fixed')]
    """
    durations: dict[str, int] = {}
    for act in festival.activities:
        d = minutes(act.duration)
        durations[act.id] = d
        lo, hi = start_bounds(festival, act)
        if act.fixed_start is not None:
            fixed = partial(_fixed_text, festival, act.id, lo)
            yield ORIGIN, act.id, lo, "fixed", fixed
            yield act.id, ORIGIN, -hi, "fixed", fixed
        else:
            yield (
                ORIGIN,
                act.id,
                lo,
                "window",
                partial(
                    _window_text,
                    festival,
                    act.id,
                    N_("{activity} starts no earlier than {time}"),
                    lo,
                ),
            )
            yield (
                act.id,
                ORIGIN,
                -hi,
                "window",
                partial(
                    _window_text,
                    festival,
                    act.id,
                    N_("{activity} ends no later than {time}"),
                    hi + d,
                ),
            )
    for dep in festival.dependencies:
        a, b = dep.predecessor, dep.successor
        # start(b) - start(a) >= base + min_lag, where base depends on which ends are linked.
        base = {
            DependencyType.FS: durations[a],
            DependencyType.SS: 0,
            DependencyType.FF: durations[a] - durations[b],
            DependencyType.SF: -durations[b],
        }[dep.type]
        text = partial(
            _describe,
            festival,
            kind=dep.type,
            a=a,
            b=b,
            lo=minutes(dep.min_lag),
            max_lag=dep.max_lag,
        )
        yield a, b, base + minutes(dep.min_lag), "dependency", text
        if dep.max_lag is not None:
            yield b, a, -(base + minutes(dep.max_lag)), "max-lag", text
    for group in festival.sync_groups:
        anchor = group.hub or group.activities[0]
        for other in group.activities:
            if other != anchor:
                sync = partial(_sync_text, festival, other, anchor, group.title)
                yield anchor, other, 0, "sync", sync
                yield other, anchor, 0, "sync", sync


def _fixed_text(festival: Festival, aid: str, at: int) -> str:
    return Said(
        N_("{activity} is fixed to start at {time}"),
        activity=festival.label(aid),
        time=festival.at(at).format("HH:mm"),
    )


def _window_text(festival: Festival, aid: str, template: str, at: int) -> str:
    """``template`` ("{activity} starts no earlier than {time}") said of ``aid`` at ``at``."""
    return Said(template, activity=festival.label(aid), time=festival.at(at).format("DD/MM HH:mm"))


def _sync_text(festival: Festival, other: str, anchor: str, title: str) -> str:
    return Said(
        N_("{activity} starts with {anchor} ({group})"),
        activity=festival.label(other),
        anchor=festival.label(anchor),
        group=title,
    )


def _add(graph: nx.DiGraph[str], u: str, v: str, weight: int, why: _Why) -> None:
    data = graph.get_edge_data(u, v)
    if data is None or weight > data["weight"]:
        graph.add_edge(u, v, weight=weight, why=why)


def _describe(
    festival: Festival,
    *,
    kind: DependencyType,
    a: str,
    b: str,
    lo: int,
    max_lag: object,
) -> str:
    template = {
        DependencyType.FS: N_("{later} starts {gap} after {earlier} finishes"),
        DependencyType.SS: N_("{later} starts {gap} after {earlier} starts"),
        DependencyType.FF: N_("{later} finishes {gap} after {earlier} finishes"),
        DependencyType.SF: N_("{later} finishes {gap} after {earlier} starts"),
    }[kind]
    if max_lag is None:
        gap = Said(N_("at least {minutes} min"), minutes=lo)
    else:
        most = int(max_lag.total_seconds() // 60)  # type: ignore[attr-defined]
        gap = Said(N_("{least} to {most} min"), least=lo, most=most)
    return Said(template, later=festival.label(b), gap=gap, earlier=festival.label(a))


def _negated(_u: str, _v: str, data: Mapping[str, object]) -> float:
    return -float(data["weight"])  # type: ignore[arg-type]


def _longest_from(graph: nx.DiGraph[str], source: str, festival: Festival) -> dict[str, int]:
    """Longest path lengths from ``source``; a positive cycle raises a named error."""
    try:
        lengths = nx.single_source_bellman_ford_path_length(graph, source, weight=_negated)
    except nx.NetworkXUnbounded:
        raise _cycle_error(graph, positive_cycle(graph, source), festival) from None
    return {node: -int(length) for node, length in lengths.items()}


def positive_cycle(graph: nx.DiGraph[str], source: str) -> list[str]:
    """A cycle of positive total ``weight`` reachable from ``source``, first node repeated last.

    networkx finds it in linear-ish time as a negative cycle of the negated
    weights. Its ``find_negative_cycle`` can report "detected but not found"
    on some graphs (networkx issue 5916), so a label-correcting search with a
    parent-walk check stands behind it.

    Raises:
        ValueError: the graph has no positive cycle reachable from ``source``.

    >>> g = nx.DiGraph()
    >>> g.add_edge("a", "b", weight=5)
    >>> g.add_edge("b", "a", weight=-3)
    >>> positive_cycle(g, "a")
    ['a', 'b', 'a']
    """
    try:
        found = nx.find_negative_cycle(graph, source, weight=_negated)
    except nx.NetworkXError:
        return _positive_cycle_fallback(graph, source)
    return [str(node) for node in found]


def _positive_cycle_fallback(graph: nx.DiGraph[str], source: str) -> list[str]:
    """The same cycle from the project's own label-correcting core (:mod:`ngayhoi.network`)."""
    nodes = [source, *sorted(nx.descendants(graph, source) - {source}, key=str)]
    index = {node: i for i, node in enumerate(nodes)}
    out = [[(index[v], int(data["weight"]), 0) for v, data in graph.succ[u].items()] for u in nodes]
    lowest = -(sum(abs(w) for arcs in out for _, w, _ in arcs) + 1)
    try:
        longest_paths(out, [0] + [lowest] * (len(nodes) - 1))
    except PositiveCycle as found:
        return [nodes[i] for i in found.cycle]
    msg = "no positive cycle: the network is consistent"
    raise ValueError(msg)


def _cycle_error(
    graph: nx.DiGraph[str], cycle: list[str], festival: Festival
) -> DependencyCycleError | InfeasibleError:
    edges = list(itertools.pairwise(cycle))
    whys: list[_Why] = [graph.edges[u, v]["why"] for u, v in edges]
    excess = sum(graph.edges[u, v]["weight"] for u, v in edges)
    nodes = [n for n in cycle[:-1] if n not in {ORIGIN, SINK}]
    # Start the listing at the first activity in plan order, so the message is stable.
    if all(w.dependency for w in whys):
        order = {a.id: i for i, a in enumerate(festival.activities)}
        first = min(range(len(nodes)), key=lambda i: order[nodes[i]])
        ids = nodes[first:] + nodes[:first]
        titles = [festival.label(a) for a in ids]
        detail = Said(N_("the lags add up to {minutes} min around it"), minutes=excess)
        return DependencyCycleError(ids, titles, detail)
    rules = Said.joined(dict.fromkeys(w.text for w in whys))
    unique = list(dict.fromkeys(nodes))
    message = Said(
        N_("these constraints cannot all hold, they are {minutes} min too tight together: {rules}"),
        minutes=excess,
        rules=rules,
    )
    violation = Violation(
        rule=Rule.TEMPORAL, activities=tuple(unique), message=message, amount=excess
    )
    return InfeasibleError(Said(N_("the plan's times are impossible")), [violation])


def check_consistency(festival: Festival) -> None:
    """Raise if no times satisfy the dependencies, windows and simultaneous starts.

    Raises:
        DependencyCycleError: the dependencies alone form a cycle with a
            positive total lag; the message lists the activities in order.
        InfeasibleError: windows, fixed starts, maximum lags or simultaneous
            starts contradict each other; the violation names every rule involved.

    >>> from ngayhoi.model import Festival
    >>> check_consistency(Festival(id="f", name="F", days=["2023-08-06"]))
    """
    _longest_from(temporal_network(festival), ORIGIN, festival)


def earliest_starts(festival: Festival) -> dict[str, int]:
    """The earliest start of every activity, in minutes after :attr:`Festival.origin`.

    >>> from ngayhoi.model import Festival
    >>> earliest_starts(Festival(id="f", name="F", days=["2023-08-06"]))
    {}
    """
    lengths = _longest_from(temporal_network(festival), ORIGIN, festival)
    return {a.id: lengths[a.id] for a in festival.activities}


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class TemporalAnalysis:
    """Earliest and latest starts, slack and the critical path, without resources.

    Attributes:
        earliest: earliest start of each activity (minutes after the origin).
        latest: latest start that still meets every constraint and the horizon.
        horizon: the end the latest starts are computed against.
        total_slack: ``latest - earliest``.
        free_slack: how far each activity can slip without delaying any other.
        critical_path: a chain of zero-slack activities ending at the horizon.
    """

    earliest: dict[str, int]
    latest: dict[str, int]
    horizon: int
    total_slack: dict[str, int]
    free_slack: dict[str, int]
    critical_path: tuple[str, ...]


def analyse(
    festival: Festival,
    *,
    horizon: int | None = None,
    starts: Mapping[str, int] | None = None,
    network: nx.DiGraph[str] | None = None,
) -> TemporalAnalysis:
    """Earliest and latest times, total and free slack, and the critical path.

    Args:
        festival: the plan.
        horizon: the minute everything must end by; default: the earliest
            possible end of the whole plan.
        starts: starts to measure slack around instead of the earliest ones
            (a resource-feasible schedule, say). Slack then means how far each
            activity can move later keeping the others where they are.
        network: extra constraints as a :func:`temporal_network` (the scheduler
            passes one with the resource order added), or ``None``.

    Raises:
        DependencyCycleError: see :func:`check_consistency`.
        InfeasibleError: see :func:`check_consistency`.

    >>> from ngayhoi.samples import tiny_festival
    >>> timing = analyse(tiny_festival())
    >>> timing.total_slack, timing.horizon
    ({'x.chao-co': 0, 'x.bao-cao': 0}, 472)
    """
    graph = temporal_network(festival) if network is None else network
    lengths = _longest_from(graph, ORIGIN, festival)
    ids = [a.id for a in festival.activities]
    durations = {a.id: minutes(a.duration) for a in festival.activities}
    earliest = {a: lengths[a] for a in ids}
    at = dict(starts) if starts is not None else earliest
    finish = max((at[a] + durations[a] for a in ids), default=0)
    end = finish if horizon is None else max(horizon, finish)
    graph.add_node(SINK)
    try:
        for a in ids:
            _add(
                graph,
                a,
                SINK,
                durations[a],
                _Why("horizon", _const(Said(N_("ends by the horizon")))),
            )
        _add(graph, ORIGIN, SINK, end, _Why("horizon", _const(Said(N_("the horizon")))))
        _add(graph, SINK, ORIGIN, -end, _Why("horizon", _const(Said(N_("the horizon")))))
        to_sink = _longest_from(graph.reverse(copy=False), SINK, festival)
    finally:
        graph.remove_node(SINK)
    latest = {a: end - to_sink[a] for a in ids}
    total = {a: latest[a] - at[a] for a in ids}
    free: dict[str, int] = {}
    for a in ids:
        room = end - (at[a] + durations[a])
        for v, data in graph.succ[a].items():
            ref = 0 if v == ORIGIN else at[v]
            room = min(room, ref - at[a] - int(data["weight"]))
        free[a] = room
    critical = _critical_chain(graph, at, total, durations, end)
    return TemporalAnalysis(
        earliest=earliest,
        latest=latest,
        horizon=end,
        total_slack=total,
        free_slack=free,
        critical_path=critical,
    )


def _critical_chain(
    graph: nx.DiGraph[str],
    at: Mapping[str, int],
    total: Mapping[str, int],
    durations: Mapping[str, int],
    end: int,
) -> tuple[str, ...]:
    enders = [a for a in at if total[a] == 0 and at[a] + durations[a] == end]
    if not enders:
        return ()
    chain = [min(enders, key=lambda a: (at[a], a))]
    seen = set(chain)
    while True:
        here = chain[-1]
        tight = sorted(
            u
            for u, data in graph.pred[here].items()
            if u in at
            and u not in seen
            and total[u] == 0
            and int(data["weight"]) >= 0
            and at[u] + int(data["weight"]) == at[here]
        )
        if not tight:
            break
        chain.append(tight[0])
        seen.add(tight[0])
    return tuple(reversed(chain))


def activity_ids(festival: Festival) -> Iterable[str]:
    """The activity ids in plan order (a convenience for callers building on the graph)."""
    return (a.id for a in festival.activities)
