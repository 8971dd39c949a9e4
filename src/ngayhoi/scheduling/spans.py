"""Attendance spans: a visiting delegation stays from the introduction of guests to its speech.

A delegation needed by an item of a commune's ceremony (the awards, say) is
there for the whole formal part it attends: from the festival's
``attendance`` first item (``tuyen-bo-ly-do``, where guests are introduced)
to its last (``phat-bieu-chi-dao``, its own speech), with every item between
them back to back. The scheduler holds the delegation for that span; its
calendar shows every item of it.

>>> from ngayhoi.samples import two_communes_one_delegation
>>> attendance_spans(two_communes_one_delegation())
[]
"""

from __future__ import annotations

from collections import defaultdict

import attrs

from ngayhoi._records import plain_repr
from ngayhoi.model import Activity, DependencyType, Festival, minutes

__all__ = ["Span", "attendance_spans", "travelling"]


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class Span:
    """The items a delegation attends at one site for the need of one activity.

    Attributes:
        need: the activity whose requirement the span carries.
        first: the first activity attended (guests are introduced).
        last: the last activity attended (the delegation's speech).
        members: every activity of the span, in order.
        minutes: from the start of ``first`` to the end of ``last``, back to back.
    """

    need: str
    first: str
    last: str
    members: tuple[str, ...]
    minutes: int


def travelling(festival: Festival, resource: str) -> bool:
    """Whether ``resource`` (an id or a group) is a delegation that travels to attend.

    >>> from ngayhoi.samples import two_communes_one_delegation
    >>> travelling(two_communes_one_delegation(), "doan-1")
    True
    """
    found = festival.find_resource(resource)
    if found is not None:
        return found.travels
    return any(
        (member := festival.find_resource(m)) is not None and member.travels
        for m in festival.group_members(resource)
    )


def _chain(festival: Festival, site: str) -> dict[str, list[tuple[str, int]]]:
    """Finish-to-start links between the activities of one site: pred -> (succ, start gap)."""
    return _chains(festival).get(site, {})


def _chains(festival: Festival) -> dict[str, dict[str, list[tuple[str, int]]]]:
    """:func:`_chain` of every site, in one pass over the dependencies."""
    out: dict[str, dict[str, list[tuple[str, int]]]] = {}
    for dep in festival.dependencies:
        if dep.type is not DependencyType.FS:
            continue
        if not (festival.has_activity(dep.predecessor) and festival.has_activity(dep.successor)):
            continue
        pred, succ = festival.activity(dep.predecessor), festival.activity(dep.successor)
        if pred.site != succ.site:
            continue
        links = out.setdefault(pred.site, defaultdict(list))
        links[pred.id].append((succ.id, minutes(pred.duration) + minutes(dep.min_lag)))
    return out


def _span_at(
    festival: Festival, act: Activity, chains: dict[str, dict[str, list[tuple[str, int]]]] | None
) -> Span | None:
    if festival.attendance is None:
        return None
    first_key, last_key = festival.attendance
    here = {a.item: a for a in festival.activities_at(act.site) if a.item is not None}
    first, last = here.get(first_key), here.get(last_key)
    if first is None or last is None:
        return None
    links = _chain(festival, act.site) if chains is None else chains.get(act.site, {})
    # Longest start offsets from the first item along the site's chain.
    offset: dict[str, int] = {first.id: 0}
    queue = [first.id]
    budget = (len(links) + 1) ** 2  # a cycle among the items stops here
    while queue and budget > 0:
        budget -= 1
        u = queue.pop()
        for v, w in links.get(u, ()):
            if offset.get(v, -1) < offset[u] + w:
                offset[v] = offset[u] + w
                queue.append(v)
    if last.id not in offset or act.id not in offset:
        return None
    members = tuple(
        sorted(
            (a for a in offset if offset[a] <= offset[last.id]),
            key=lambda a: (offset[a], a),
        )
    )
    if act.id not in members:
        return None
    return Span(
        need=act.id,
        first=first.id,
        last=last.id,
        members=members,
        minutes=offset[last.id] + minutes(last.duration),
    )


def attendance_spans(festival: Festival) -> list[Span]:
    """The spans the delegations attend: one per activity needing a delegation in a ceremony.

    An activity outside its site's span (or a festival with ``attendance =
    None``) keeps its need for its own length only.
    """
    if festival.attendance is None:
        return []
    out: list[Span] = []
    taken: set[str] = set()
    chains = None
    for act in festival.activities:
        if act.site in taken or not any(travelling(festival, r.resource) for r in act.needs):
            continue
        if chains is None:
            chains = _chains(festival)
        span = _span_at(festival, act, chains)
        if span is not None:
            out.append(span)
            taken.add(act.site)
    return out
