"""No idle crowd: waits within ``max_idle``; movable items fill a delegation's drive.

A commune a delegation visits holds its formal part when the delegation can
be there; the people should not sit idle until then. This module keeps every
wait between consecutive programme items at one point within the festival's
``max_idle`` (a scheduling constraint, not only a checker rule), and for each
visited point chooses where the movable items go (:data:`MOVABLE`: the folk
games, the welcome performance, the forum, the report before the people):
in their programme place, early (right after the parade, while the people
wait for the delegation) or late (after the closing, which also shortens the
part the delegation attends).

The choice is a small, bounded and deterministic search. Each round
schedules the plan with the waits free, reads when each delegation can be at
each point, picks for each point the order whose items fit that time best,
and schedules it with the waits capped. Of all rounds it keeps the best
schedule by, in this order: broken rules (the scheduler's and the protocol
checker's), idle minutes, the end of the last outdoor item, the end of the day,
the number of items moved.

>>> import ngayhoi
>>> sched = schedule_without_idle(ngayhoi.samples.tiny_festival(), ngayhoi.schedule)
>>> sched.feasible
True
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence

import attrs

from ngayhoi.model import Dependency, DependencyType, Festival, minutes
from ngayhoi.scheduling.result import Schedule
from ngayhoi.scheduling.spans import attendance_spans

__all__ = [
    "MOVABLE",
    "Arrangement",
    "arrange",
    "idle_score",
    "programme_order",
    "schedule_without_idle",
]

#: Programme items the scheduler may move, in the order it considers freeing them:
#: the folk games and the welcome performance first (phần hội may go before or after
#: phần lễ, DOMAIN.md §2.1), then the forum and the report before the people.
MOVABLE: tuple[str, ...] = ("tro-choi", "van-nghe", "dien-dan", "bao-cao")

#: What each search strategy may move, and what it takes out of the delegation's part.
_STRATEGIES: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    (frozenset({"tro-choi", "van-nghe"}), frozenset()),
    (frozenset({"tro-choi", "van-nghe", "dien-dan"}), frozenset({"dien-dan"})),
    (frozenset(MOVABLE), frozenset({"dien-dan", "bao-cao"})),
)

_ROUNDS = 2
_REPAIRS = 24

Runner = Callable[..., Schedule]


@attrs.frozen
class Arrangement:
    """Where a point's movable items go: item key -> ``"early"`` or ``"late"``.

    Items not named keep their programme place.
    """

    moves: tuple[tuple[str, str], ...] = ()

    def get(self, key: str) -> str | None:
        """The place of item ``key``, or ``None`` for its programme place."""
        return dict(self.moves).get(key)


def programme_order(festival: Festival, site: str) -> list[str] | None:
    """The programme items of a point in their chained order, or ``None`` if not one chain.

    >>> import pendulum
    >>> from ngayhoi import data, templates
    >>> day = pendulum.date(2025, 8, 10)
    >>> fest = templates.plan_day(id="x", name="Ngày hội", day=day,
    ...                           communes=data.can_duoc_communes(day))
    >>> programme_order(fest, fest.sites[0].id)[:3]
    ['can-duoc.tap-trung', 'can-duoc.dieu-hanh', 'can-duoc.don-dai-bieu']
    """
    return _programme_orders(festival, [site]).get(site)


def _programme_orders(
    festival: Festival, sites: Sequence[str] | None = None
) -> dict[str, list[str]]:
    """Every point's chained programme order (of ``sites``, or all), in one pass over the links.

    A point whose items are not one chain is left out.
    """
    wanted = [s.id for s in festival.sites] if sites is None else list(sites)
    where: dict[str, str] = {}
    items: dict[str, set[str]] = {}
    for site in wanted:
        ids = {a.id for a in festival.activities_at(site) if a.item is not None}
        if len(ids) >= 2:  # noqa: PLR2004 - one item has no order to keep
            items[site] = ids
            where.update(dict.fromkeys(ids, site))
    nxt: dict[str, str] = {}
    prv: dict[str, str] = {}
    bad: set[str] = set()
    for dep in festival.dependencies:
        if dep.type is not DependencyType.FS:
            continue
        a, b = dep.predecessor, dep.successor
        at = where.get(a)
        if at is None or where.get(b) != at:
            continue
        if a in nxt or b in prv:
            bad.add(at)
        nxt[a], prv[b] = b, a
    out: dict[str, list[str]] = {}
    for site, chain in items.items():
        order = None if site in bad else _walk(chain, nxt, prv)
        if order is not None:
            out[site] = order
    return out


def _walk(ids: set[str], nxt: Mapping[str, str], prv: Mapping[str, str]) -> list[str] | None:
    """The items ``ids`` from their one head along ``nxt``, or ``None`` if not one chain."""
    heads = sorted(a for a in ids if a not in prv)  # not ids - prv.keys(): that walks prv
    if len(heads) != 1:
        return None
    order = [heads[0]]
    while order[-1] in nxt and len(order) <= len(ids):
        order.append(nxt[order[-1]])
    return order if len(order) == len(ids) else None


def _ordered(festival: Festival, order: list[str], arrangement: Arrangement) -> list[str]:
    """The point's order with the moves made: early after the anchor, late after the closing."""
    key = {a: festival.activity(a).item or "" for a in order}
    fixed = [i for i, a in enumerate(order) if festival.activity(a).fixed_start is not None]
    anchor = fixed[0] if fixed else 0
    early = [a for a in order[anchor + 1 :] if arrangement.get(key[a]) == "early"]
    late = [a for a in order[anchor + 1 :] if arrangement.get(key[a]) == "late"]
    rest = [a for a in order if a not in early and a not in late]
    position = rest.index(order[anchor]) + 1
    rest[position:position] = early
    settled = [i for i, a in enumerate(rest) if key[a] not in MOVABLE]
    end = settled[-1] + 1 if settled else len(rest)
    rest[end:end] = late
    return rest


def arrange(
    festival: Festival,
    arrangements: Mapping[str, Arrangement],
    *,
    cap: int | None,
) -> Festival:
    """The festival with points' items reordered and the waits in their chains capped at ``cap``.

    An item keeps the gap it had after its predecessor (its own ``gap``, up to
    its ``max_gap``); ``cap`` lowers every such ``max_gap`` to ``cap`` minutes
    (never below the item's own gap).

    >>> import ngayhoi
    >>> fest = ngayhoi.samples.tiny_festival()
    >>> arrange(fest, {}, cap=15) == fest
    True
    """
    chains = _programme_orders(festival)
    if not chains:
        return festival
    incoming: dict[str, Dependency] = {}
    chained: set[tuple[str, str]] = set()
    for order in chains.values():
        chained.update(itertools.pairwise(order))
    kept: list[Dependency] = []
    for dep in festival.dependencies:
        pair = (dep.predecessor, dep.successor)
        if dep.type is DependencyType.FS and pair in chained:
            incoming[dep.successor] = dep
        else:
            kept.append(dep)
    added: list[Dependency] = []
    for sid, order in chains.items():
        new = _ordered(festival, order, arrangements.get(sid, Arrangement()))
        between = _between_fixed(festival, new)
        for k, (a, b) in enumerate(itertools.pairwise(new)):
            lo, hi = _gap(incoming.get(b), None if k in between else cap)
            added.append(Dependency(a, b, min_lag=lo, max_lag=hi))
    deps = tuple(kept + added)
    if deps == festival.dependencies:
        return festival
    return attrs.evolve(festival, dependencies=deps)


def _between_fixed(festival: Festival, order: list[str]) -> set[int]:
    """The links of a chain (``k``: ``order[k]`` to ``order[k + 1]``) between two fixed times.

    A second fixed time at a point (an ``[[override]]`` ``at``) is the organiser's
    instruction: the waits it forces between the first fixed item and it are
    kept (and reported), not capped at ``max_idle``.
    """
    fixed = [k for k, a in enumerate(order) if festival.activity(a).fixed_start is not None]
    if len(fixed) < 2:  # noqa: PLR2004 - one fixed time forces no wait
        return set()
    return set(range(fixed[0], fixed[-1]))


def _gap(dep: Dependency | None, cap: int | None) -> tuple[int, int | None]:
    if dep is None:  # the first item, moved: it follows at once
        return 0, 0
    lo = minutes(dep.min_lag)
    hi = None if dep.max_lag is None else minutes(dep.max_lag)
    if cap is not None and (hi is None or hi > cap):
        hi = max(lo, cap)
    return lo, hi


def idle_score(schedule: Schedule) -> tuple[int, int, int, int]:
    """What the search minimises: broken rules, idle minutes, last outdoor end, end of the day.

    >>> import ngayhoi
    >>> idle_score(ngayhoi.schedule(ngayhoi.samples.tiny_festival()))[:2]
    (0, 2)
    """
    from ngayhoi.scheduling.checker import check_protocol, idle_minutes  # noqa: PLC0415 - cycle

    fest = schedule.festival
    broken = len(schedule.violations) + len(check_protocol(schedule))
    idle = sum(m for waits in idle_minutes(schedule).values() for _, m in waits)
    ends = [fest.minute(s.end) for s in schedule.values()]
    outdoor = [
        fest.minute(s.end)
        for s in schedule.values()
        if fest.has_activity(s.activity)
        and (fest.activity(s.activity).outdoor or fest.site(fest.activity(s.activity).site).outdoor)
    ]
    return broken, idle, max(outdoor, default=0), max(ends, default=0)


def _visited(festival: Festival) -> dict[str, str]:
    """Each point a delegation or a named person must reach: site -> the first item they hold.

    For a delegation that is its attendance span's first item.
    """
    out = {festival.activity(s.first).site: s.first for s in attendance_spans(festival)}
    for act in festival.activities:
        if act.site in out or act.item is None:
            continue
        for req in act.needs:
            found = festival.find_resource(req.resource)
            members = [festival.find_resource(m) for m in festival.group_members(req.resource)]
            if any(r is not None and r.drives for r in [found, *members]):
                out[act.site] = act.id
                break
    return out


def _incoming(festival: Festival, chains: Mapping[str, list[str]]) -> dict[str, Dependency]:
    """Each chained item's link from its predecessor in the programme (by successor)."""
    chained: set[tuple[str, str]] = set()
    for order in chains.values():
        chained.update(itertools.pairwise(order))
    return {
        dep.successor: dep
        for dep in festival.dependencies
        if dep.type is DependencyType.FS and (dep.predecessor, dep.successor) in chained
    }


def _window(
    festival: Festival,
    order: list[str],
    first: str,
    cap: int | None,
    incoming: Mapping[str, Dependency],
) -> tuple[int, int] | None:
    """Earliest and latest start of ``first`` after the point's fixed item, waits capped.

    ``order`` is the point's order with its moves made; each item keeps the gap
    of its programme link (``incoming``), as :func:`arrange` links them.
    """
    fixed = [a for a in order if festival.activity(a).fixed_start is not None]
    if not fixed or first not in order:
        return None
    anchor = fixed[0]
    i, j = order.index(anchor), order.index(first)
    if j <= i:
        return None
    start = festival.minute(festival.activity(anchor).fixed_start)  # type: ignore[arg-type]
    lo = hi = start
    for a, b in itertools.pairwise(order[i : j + 1]):
        d = minutes(festival.activity(a).duration)
        g_lo, g_hi = _gap(incoming.get(b), cap)
        lo += d + g_lo
        hi += d + (g_lo if g_hi is None else g_hi)
    return lo, hi


def _choices(movable: frozenset[str], out: frozenset[str], keys: set[str]) -> list[Arrangement]:
    """Every arrangement of a point's movable items, the fewest moves first."""
    options: list[list[tuple[str, str | None]]] = []
    for key in MOVABLE:
        if key not in movable or key not in keys:
            continue
        places: list[str | None] = ["early", "late"] if key in out else [None, "early"]
        if key == "tro-choi":
            places = [None, "early"]
        options.append([(key, p) for p in places])
    found = [
        Arrangement(tuple((k, p) for k, p in combo if p is not None))
        for combo in itertools.product(*options)
    ]
    return sorted(found, key=lambda a: len(a.moves))


def _choose(
    festival: Festival,
    visited: Mapping[str, str],
    targets: Mapping[str, int],
    strategy: tuple[frozenset[str], frozenset[str]],
) -> dict[str, Arrangement]:
    """For each visited point, the arrangement whose wait window best fits the delegation's time."""
    out: dict[str, Arrangement] = {}
    cap = festival.max_idle
    chains = _programme_orders(festival, sorted(visited))
    incoming = _incoming(festival, chains)
    for site, first in sorted(visited.items()):
        order = chains.get(site)
        if order is None:
            continue
        keys = {festival.activity(a).item or "" for a in order}
        best: tuple[int, int, int] | None = None
        for k, choice in enumerate(_choices(*strategy, keys)):
            new = _ordered(festival, order, choice)
            window = _window(festival, new, first, cap, incoming)
            if window is None:
                continue
            lo, hi = window
            target = targets.get(site, lo)
            miss = lo - target if target < lo else max(0, target - hi)
            score = (miss, len(choice.moves), k)
            if best is None or score < best:
                best = score
                out[site] = choice
    return out


def _span_starts(schedule: Schedule, visited: Mapping[str, str]) -> dict[str, int]:
    fest = schedule.festival
    return {
        site: fest.minute(schedule.slots[first].start)
        for site, first in visited.items()
        if first in schedule.slots
    }


def schedule_without_idle(
    festival: Festival,
    run: Runner,
    *,
    previous: Schedule | None = None,
    quick: bool = False,
    **options: object,
) -> Schedule:
    """Schedule with each point's waits within ``max_idle``; items move to fill delegations' drives.

    Args:
        festival: the plan.
        run: the scheduler, ``run(festival, previous=..., **options) -> Schedule``
            (it must return infeasible schedules rather than raise).
        previous: the schedule being re-planned, passed on to every run.
        quick: search one round of each strategy, without repairs (seven runs
            at most): the advice's look at whether a fix works.
        options: passed on to ``run``.

    Returns:
        The best schedule found; its ``festival`` is the plan with the chosen
        order of items (the same activities and ids, other links between them).
        A plan with ``max_idle = false`` is scheduled as it is.
    """
    cap = festival.max_idle
    if cap is None:
        return run(festival, previous=previous, **options)
    # The heuristic's search: inside, a part searched once is not searched again.
    from ngayhoi.scheduling.solvers.heuristic.search import remembering_parts  # noqa: PLC0415

    with remembering_parts():
        return _search(festival, run, cap, previous=previous, quick=quick, options=options)


def _search(
    festival: Festival,
    run: Runner,
    cap: int,
    *,
    previous: Schedule | None,
    quick: bool,
    options: Mapping[str, object],
) -> Schedule:
    """The strategies and repairs of :func:`schedule_without_idle`, waits capped at ``cap``."""
    visited = _visited(festival)
    trials = _Trials(festival, run, options)
    best = trials.run({}, cap, previous)
    if trials.score(best)[0] == 0:
        return best
    scored = (*trials.score(best), 0)
    chosen: dict[str, Arrangement] = {}
    for strategy in _STRATEGIES if visited else ():
        arrangements: dict[str, Arrangement] = {}
        for _ in range(1 if quick else _ROUNDS):
            seen = trials.run(arrangements, None, previous)
            targets = _span_starts(seen, _visited(seen.festival))
            arrangements = _choose(festival, visited, targets, strategy)
            trial = trials.run(arrangements, cap, previous or seen)
            trial_score = (*trials.score(trial), _moved(arrangements))
            if trial_score < scored:
                best, scored, chosen = trial, trial_score, arrangements
            if scored[0] == 0:
                return best
    if quick:
        return best
    return _repair(festival, trials, (best, scored, chosen), previous)


@attrs.define
class _Trials:
    """The idle search's runs: each arrangement scheduled once (the same inputs, the same run).

    A run is a function of the arranged plan and the schedule it re-plans, so a
    round that arrives at an arrangement already tried (often none at all) takes
    the schedule found then instead of scheduling the whole plan again.
    """

    festival: Festival
    runner: Runner
    options: Mapping[str, object]
    done: dict[tuple[object, ...], Schedule] = attrs.field(factory=dict)
    scores: dict[int, tuple[int, int, int, int]] = attrs.field(factory=dict)

    def run(
        self, arrangements: Mapping[str, Arrangement], cap: int | None, previous: Schedule | None
    ) -> Schedule:
        """The plan arranged so, waits capped at ``cap``, scheduled as a re-plan of ``previous``."""
        moves = tuple(sorted((s, a.moves) for s, a in arrangements.items() if a.moves))
        # A schedule this search made is kept in ``done`` for as long as its id is in a key.
        key = (moves, cap, None if previous is None else id(previous))
        found = self.done.get(key)
        if found is None:
            plan = arrange(self.festival, arrangements, cap=cap)
            found = self.done[key] = self.runner(plan, previous=previous, **self.options)
        return found

    def score(self, schedule: Schedule) -> tuple[int, int, int, int]:
        """:func:`idle_score`, once per schedule."""
        found = self.scores.get(id(schedule))
        if found is None:
            found = self.scores[id(schedule)] = idle_score(schedule)
        return found


def _broken_sites(festival: Festival, schedule: Schedule) -> list[str]:
    """The points with a programme where the schedule breaks a rule."""
    from ngayhoi.scheduling.checker import check_protocol  # noqa: PLC0415 - cycle

    fest = schedule.festival
    broken = [*schedule.violations, *check_protocol(schedule)]
    sites = {fest.activity(a).site for v in broken for a in v.activities if fest.has_activity(a)}
    return sorted(_programme_orders(festival, sorted(sites)))


def _moved(arrangements: Mapping[str, Arrangement]) -> int:
    return sum(len(a.moves) for a in arrangements.values())


_Found = tuple[Schedule, tuple[int, ...], dict[str, Arrangement]]


def _repair(
    festival: Festival,
    trials: _Trials,
    found: _Found,
    previous: Schedule | None,
) -> Schedule:
    """Try each arrangement at the points the best schedule still breaks a rule at.

    First one order for every point with the same programme as a broken one
    (an outdoor limit breaks them all alike), then, within :data:`_REPAIRS`
    runs, each order at each broken visited point in turn: points tied
    together (a person leading at two points of one commune, say) give the
    fitting step no times to read.
    """
    found = _repair_alike(festival, trials, found, previous)
    best, scored, chosen = found
    if scored[0] == 0:
        return best
    sites = sorted(set(_broken_sites(festival, best)) & set(_visited(festival)))
    runs = 0
    chains = _programme_orders(festival, sites)
    for site in sites:
        keys = {festival.activity(a).item or "" for a in chains.get(site, ())}
        for choice in _choices(*_STRATEGIES[-1], keys):
            if runs >= _REPAIRS or scored[0] == 0:
                return best
            if choice == chosen.get(site, Arrangement()):
                continue
            trial_arr = {**chosen, site: choice}
            trial = trials.run(trial_arr, festival.max_idle, previous)
            runs += 1
            trial_score = (*trials.score(trial), _moved(trial_arr))
            if trial_score < scored:
                best, scored, chosen = trial, trial_score, trial_arr
    return best


def _signatures(festival: Festival) -> dict[str, tuple[str, ...]]:
    """Each point's programme as its items' keys in order (points without one chain left out)."""
    return {
        site: tuple(festival.activity(a).item or "" for a in order)
        for site, order in _programme_orders(festival).items()
    }


def _repair_alike(
    festival: Festival,
    trials: _Trials,
    found: _Found,
    previous: Schedule | None,
) -> _Found:
    best, scored, chosen = found
    signatures = _signatures(festival)
    broken = {signatures.get(s, ()) for s in _broken_sites(festival, best)}
    visited = _visited(festival)
    alike = [
        s.id
        for s in festival.sites
        if s.id not in visited and broken and signatures.get(s.id, ()) in broken
    ]
    if not alike:
        return found
    for choice in _choices(*_STRATEGIES[0], set(MOVABLE)):
        if not choice.moves:
            continue
        trial_arr = {**chosen, **dict.fromkeys(alike, choice)}
        trial = trials.run(trial_arr, festival.max_idle, previous)
        trial_score = (*trials.score(trial), _moved(trial_arr))
        if trial_score < scored:
            best, scored, chosen = trial, trial_score, trial_arr
        if scored[0] == 0:
            break
    return best, scored, chosen
