"""Answers that help: why a plan cannot be carried out, in one short sentence each.

Each reason names what breaks, by how many minutes, and the plan keys to
change with a value that works: the value is tried on the plan before it is
offered ("extend outdoor_until to 11:30, or add a delegation, or shorten
programme.minutes.tro-choi to 60"). The reason is English, a
:class:`~ngayhoi.errors.Said` of its parts (what breaks, each fix) whose
templates are in the catalogue, so the command line says the whole sentence in
Vietnamese ("kéo dài outdoor_until đến 11:30, hoặc thêm một đoàn, ...").
The scheduler's own sentence, with the full chain of rules, is kept for
``--explain``.

>>> import ngayhoi
>>> advise(ngayhoi.schedule(ngayhoi.samples.tiny_festival()))
[]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from functools import partial

import attrs

from ngayhoi._records import plain_repr
from ngayhoi.diagnostics import Violation
from ngayhoi.errors import NgayhoiError, Said
from ngayhoi.i18n import N_
from ngayhoi.model import Festival, Resource, ResourceKind, minutes
from ngayhoi.scheduling.result import Schedule, Status

__all__ = ["WORDS", "Advice", "advise"]

_FIT = N_("does not fit its time window")
_TRAVEL = N_("a delegation cannot get there in time")
_SHORT = N_("not enough delegations or people in charge")

#: What each broken rule means, in a few English words (templates of the catalogue:
#: the command line says them in its language).
WORDS: dict[str, str] = {
    "temporal": _FIT,
    "window": _FIT,
    "precedence": N_("the programme's order cannot be kept"),
    "simultaneity": N_("cannot start together with the others"),
    "travel": _TRAVEL,
    "resource": _SHORT,
    "resources": _SHORT,
    "capacity": _SHORT,
    "requirement": _SHORT,
    "overlap": N_("one delegation in two places at once"),
    "unary-travel": _TRAVEL,
    "idle": N_("the people wait too long"),
    "outdoor": N_("outdoors past outdoor_until"),
    "attendance": N_("a delegation does not attend the whole ceremony"),
    "one-place": N_("one person in two places at once"),
}
#: What a rule without words of its own means.
_OTHER = N_("cannot be carried out")

#: Items whose length the advice may shorten, longest first, down to their usual lowest.
_SHORTEN = ("tro-choi", "dien-dan", "bao-cao", "van-nghe", "dieu-hanh")

#: How many candidate fixes are tried per plan (each one schedules the plan again).
_TRIES = 6

#: The passes each try may spend: a quick look, enough to see a fix work.
_BUDGET = 40

#: A safety cap on one try's search, in seconds (the budget ends it first on any plan
#: of a province; it only keeps a huge plan's advice from taking minutes).
_SECONDS = 10.0


@plain_repr
@attrs.frozen(repr=False)
class Advice:
    """One reason: what breaks, and the fixes that were tried and work.

    Attributes:
        reason: the short sentence with the fixes (English, a :class:`~ngayhoi.errors.Said`
            of its parts that the command line says in its language).
        detail: the scheduler's full explanation (for ``--explain``; a ``Said`` too when
            the rule's message is one).
    """

    reason: str
    detail: str


def _hhmm(value: int) -> str:
    return f"{value // 60:02d}:{value % 60:02d}"


def _round_up(value: int, step: int = 5) -> int:
    return -(-value // step) * step


def _where(fest: Festival, v: Violation) -> str:
    """The first activity involved and its unit ("Báo cáo (Xã Long Hòa)"), or the plan."""
    for aid in v.activities:
        if fest.has_activity(aid):
            act = fest.activity(aid)
            unit = fest.unit(fest.site(act.site).unit)
            return f"{act.title[:1].upper()}{act.title[1:]} ({unit.official_name})"
    return Said(N_("The plan"))


def _either(fixes: list[Said]) -> Said:
    """The fixes as alternatives: "a, or b, or c" (one template, nested)."""
    said = fixes[-1]
    for fix in reversed(fixes[:-1]):
        said = Said(N_("{fix}, or {other}"), fix=fix, other=said)
    return said


def _candidates(fest: Festival, v: Violation) -> Iterator[tuple[Said, Callable[[], Festival]]]:
    """Changes that might fix ``v``: (the words naming the plan key and value, the changed plan)."""
    need = max(5, _round_up(v.amount or 5))
    involved = [fest.activity(a) for a in v.activities if fest.has_activity(a)]
    if fest.outdoor_until is not None:
        clock = fest.outdoor_until.hour * 60 + fest.outdoor_until.minute
        later = min(clock + need, 23 * 60)
        until = dt.time(later // 60, later % 60)
        yield (
            Said(N_("extend outdoor_until to {time}"), time=_hhmm(later)),
            lambda: attrs.evolve(fest, outdoor_until=until),
        )
    delegations = [r for r in fest.resources if r.kind is ResourceKind.DELEGATION]
    if delegations and v.rule in {"travel", "resource", "capacity", "window", "attendance", "idle"}:
        yield (
            Said(N_('add a delegation ([[resources]] kind = "delegation")')),
            lambda: _one_more(fest),
        )
    if fest.max_idle is not None and v.rule == "idle":
        more = fest.max_idle + need
        yield (
            Said(N_("raise max_idle to {minutes}"), minutes=more),
            lambda: attrs.evolve(fest, max_idle=more),
        )
    early = []
    if any(a.fixed_start is not None for a in fest.activities) and involved:
        first = min(fest.minute(a.fixed_start) for a in fest.activities if a.fixed_start)
        at = fest.at(first - need).format("HH:mm")
        early.append(
            (Said(N_("move programme.at to {time}"), time=at), partial(_earlier, fest, need))
        )
    lengths = _item_lengths(fest)
    for n, key in enumerate(_SHORTEN):
        if n == 1:
            yield from early
        if key not in lengths:
            continue
        now, low = lengths[key]
        shorter = max(low, now - need)
        if shorter < now:
            yield (
                Said(N_("shorten programme.minutes.{key} to {minutes}"), key=key, minutes=shorter),
                partial(_shorten, fest, key, shorter),
            )


def _item_lengths(fest: Festival) -> dict[str, tuple[int, int]]:
    from ngayhoi.templates.programme import STANDARD_ITEMS  # noqa: PLC0415 - defaults only

    low = {i.key: i.low for i in STANDARD_ITEMS}
    out: dict[str, tuple[int, int]] = {}
    for act in fest.activities:
        if act.item in low:
            now = minutes(act.duration)
            known = out.get(act.item)
            out[act.item] = (max(now, known[0]) if known else now, low[act.item])
    return out


def _shorten(fest: Festival, key: str, length: int) -> Festival:
    acts = tuple(
        attrs.evolve(a, duration=min(minutes(a.duration), length)) if a.item == key else a
        for a in fest.activities
    )
    return attrs.evolve(fest, activities=acts)


def _earlier(fest: Festival, by: int) -> Festival:
    shift = dt.timedelta(minutes=by)
    acts = tuple(
        attrs.evolve(a, fixed_start=a.fixed_start - shift) if a.fixed_start is not None else a
        for a in fest.activities
    )
    opens = fest.opens
    first = min(fest.minute(a.fixed_start) for a in acts if a.fixed_start is not None)
    if first < fest.minute(fest.local(fest.days[0], opens)):
        opens = dt.time(max(0, first - 30) // 60, max(0, first - 30) % 60)
    return attrs.evolve(fest, activities=acts, opens=opens)


def _one_more(fest: Festival) -> Festival:
    delegations = [r for r in fest.resources if r.kind is ResourceKind.DELEGATION]
    model = delegations[-1]
    taken = {r.id for r in fest.resources}
    k = len(delegations) + 1
    while f"doan-{k}" in taken:
        k += 1
    extra = Resource(
        id=f"doan-{k}",
        name=f"Đoàn {k}",
        kind=ResourceKind.DELEGATION,
        group=model.group,
        home=model.home,
    )
    return attrs.evolve(fest, resources=(*fest.resources, extra))


#: The orders each try schedules: the programme's, and the games before the ceremony.
_ORDERS: tuple[tuple[tuple[str, str], ...], ...] = ((), (("tro-choi", "early"),))


def _arranged(plan: Festival) -> Iterator[Festival]:
    """The plan in each order of :data:`_ORDERS`, waits capped, as the scheduler would start."""
    from ngayhoi.scheduling.idle import Arrangement, arrange  # noqa: PLC0415 - cycle

    for moves in _ORDERS:
        every = dict.fromkeys((s.id for s in plan.sites), Arrangement(moves))
        yield arrange(plan, every, cap=plan.max_idle)


def _quick(plan: Festival) -> Schedule:
    """The plan scheduled with a small budget and a short idle search: enough to see a fix work.

    First the times alone (as :func:`_consistent`, no search at all): a fix whose
    times cannot hold in either order is dropped at once. Otherwise the resource
    scheduler runs with :data:`_BUDGET` passes and one round of each of the idle
    search's strategies, without its repairs (``quick``: seven runs at most, where
    :func:`ngayhoi.schedule` may run the scheduler forty times on a broken plan). A fix offered
    works: the schedule seen meets every constraint.
    """
    from ngayhoi.graph import check_consistency  # noqa: PLC0415 - only when advising
    from ngayhoi.scheduling.idle import schedule_without_idle  # noqa: PLC0415 - cycle
    from ngayhoi.scheduling.solvers.heuristic import schedule_heuristic  # noqa: PLC0415 - cycle
    from ngayhoi.scheduling.solvers.temporal import (  # noqa: PLC0415 - cycle
        needs_resources,
        schedule_times,
    )

    for arranged in _arranged(plan):
        try:
            check_consistency(arranged)
        except NgayhoiError:
            continue
        break
    else:
        return Schedule(festival=plan, status=Status.INFEASIBLE)
    if not needs_resources(plan):
        return schedule_without_idle(plan, lambda f, **_: schedule_times(f), quick=True)
    return schedule_without_idle(
        plan, schedule_heuristic, quick=True, max_passes=_BUDGET, time_limit=_SECONDS
    )


def _consistent(plan: Festival) -> Schedule:
    """For times that cannot all hold: the times alone, waits capped, without a search."""
    from ngayhoi.graph import check_consistency  # noqa: PLC0415 - only when advising

    # The scheduler may move the games before the ceremony: try that order too.
    for arranged in _arranged(plan):
        try:
            check_consistency(arranged)
        except NgayhoiError:
            continue
        return Schedule(festival=plan, status=Status.FEASIBLE)
    return Schedule(festival=plan, status=Status.INFEASIBLE)


def _works(plan: Festival, run: Callable[[Festival], Schedule]) -> bool:
    try:
        return run(plan).feasible
    except NgayhoiError:
        return False


def _fixes(
    fest: Festival, v: Violation, run: Callable[[Festival], Schedule], tries: int
) -> tuple[list[Said], int]:
    fixes: list[Said] = []
    for words, change in _candidates(fest, v):
        if tries >= _TRIES:
            break
        tries += 1
        try:
            changed = change()
        except (NgayhoiError, ValueError, OverflowError):
            continue
        if _works(changed, run):
            fixes.append(words)
    return fixes, tries


def advise(
    schedule: Schedule,
    run: Callable[[Festival], Schedule] | None = None,
) -> list[Advice]:
    """One :class:`Advice` per broken rule, with fixes tried on the plan (the first few reasons).

    Args:
        schedule: a schedule that could not meet every constraint.
        run: schedules a changed plan (default: :func:`ngayhoi.schedule`
            with ``raise_on_infeasible=False``); a fix is offered only when it works.

    >>> import attrs, ngayhoi
    >>> from ngayhoi.diagnostics import Violation
    >>> fest = ngayhoi.samples.tiny_festival()
    >>> late = Violation(rule="window", activities=["x.bao-cao"], amount=20, message="late")
    >>> failed = attrs.evolve(ngayhoi.schedule(fest), violations=(late,))
    >>> [advice] = advise(failed, run=lambda plan: failed)
    >>> advice.reason
    'Báo cáo đánh giá phong trào (Xã Long Hòa): does not fit its time window (20 min short); \
fix the plan as --explain shows.'
    >>> advice.reason.values["reason"].template
    '{where}: {what} ({minutes} min short)'
    """
    if run is None:
        run = _consistent if schedule.status is Status.INFEASIBLE else _quick

    fest = schedule.festival
    out: list[Advice] = []
    tries = 0
    seen: set[tuple[str, str]] = set()
    for v in schedule.violations:
        what = Said(WORDS.get(v.rule, _OTHER))
        if v.amount:
            short = Said(
                N_("{where}: {what} ({minutes} min short)"),
                where=_where(fest, v),
                what=what,
                minutes=v.amount,
            )
        else:
            short = Said(N_("{where}: {what}"), where=_where(fest, v), what=what)
        key = (str(short), v.rule)
        if key in seen:
            continue
        seen.add(key)
        fixes, tries = _fixes(fest, v, run, tries)
        if fixes:
            reason = Said(N_("{reason}; {fixes}."), reason=short, fixes=_either(fixes))
        else:
            reason = Said(N_("{reason}; fix the plan as --explain shows."), reason=short)
        out.append(Advice(reason=reason, detail=v.message))
    return out
