"""An independent checker: one function per named rule, for any :class:`Schedule`.

It reads only the festival and the slots, never the scheduler's internals, so
it judges schedules from any backend, a file, or a person's edits alike.

>>> import ngayhoi
>>> from ngayhoi.samples import two_communes_one_delegation
>>> check_schedule(ngayhoi.schedule(two_communes_one_delegation()))
[]
"""

from __future__ import annotations

import itertools
import weakref
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator

import attrs

from ngayhoi._records import plain_repr
from ngayhoi.diagnostics import Rule, Violation
from ngayhoi.errors import Said
from ngayhoi.i18n import N_
from ngayhoi.model import Activity, DependencyType, Festival, ResourceKind, minutes
from ngayhoi.scheduling.result import Schedule, Slot
from ngayhoi.scheduling.spans import attendance_spans, travelling
from ngayhoi.templates.terms import worded_title

__all__ = [
    "PROTOCOL",
    "RULES",
    "FixedWait",
    "check_attendance",
    "check_capacity",
    "check_complete",
    "check_idle",
    "check_non_preemption",
    "check_one_place",
    "check_outdoor",
    "check_precedence",
    "check_protocol",
    "check_requirements",
    "check_schedule",
    "check_simultaneity",
    "check_unary_travel",
    "check_windows",
    "fixed_time_waits",
    "idle_minutes",
]


def _known(schedule: Schedule) -> Iterator[tuple[Slot, Activity]]:
    """The slots of activities the plan holds, with their activity.

    Slots for activities the plan does not hold are ``check_complete``'s business.
    """
    fest = schedule.festival
    for slot in schedule.values():
        if fest.has_activity(slot.activity):
            yield slot, fest.activity(slot.activity)


def _hhmm(fest: Festival, minute: int) -> str:
    at = fest.at(minute)
    return f"{at.hour:02d}:{at.minute:02d}"  # pendulum's format() would load its locale


def check_complete(schedule: Schedule) -> list[Violation]:
    """Every activity of the festival has exactly one slot, and no slot is for a stranger.

    >>> import ngayhoi
    >>> check_complete(ngayhoi.schedule(ngayhoi.samples.tiny_festival()))
    []
    """
    fest = schedule.festival
    out = [
        Violation(
            rule=Rule.COMPLETE,
            activities=(a.id,),
            message=Said(N_("{activity} has no time in the schedule"), activity=fest.label(a.id)),
        )
        for a in fest.activities
        if a.id not in schedule.slots
    ]
    out += [
        Violation(
            rule=Rule.COMPLETE,
            activities=(aid,),
            message=Said(
                N_("the schedule places '{id}', which is not an activity of the plan"), id=aid
            ),
        )
        for aid in schedule.slots
        if not fest.has_activity(aid)
    ]
    return out


def check_non_preemption(schedule: Schedule) -> list[Violation]:
    """Each activity runs in one piece for exactly its duration.

    >>> import ngayhoi
    >>> check_non_preemption(ngayhoi.schedule(ngayhoi.samples.tiny_festival()))
    []
    """
    fest = schedule.festival
    out = []
    for slot, act in _known(schedule):
        want = minutes(act.duration)
        got = slot.minutes
        if got != want:
            out.append(
                Violation(
                    rule=Rule.NON_PREEMPTION,
                    activities=(slot.activity,),
                    message=Said(
                        N_(
                            "{activity} runs {got} min in the schedule but lasts {want} min: "
                            "it must be held in one piece"
                        ),
                        activity=fest.label(slot.activity),
                        got=got,
                        want=want,
                    ),
                    amount=abs(got - want),
                )
            )
    return out


def _starts(schedule: Schedule) -> dict[str, int]:
    fest = schedule.festival
    return {s.activity: fest.minute(s.start) for s in schedule.values()}


def _ends(schedule: Schedule) -> dict[str, int]:
    fest = schedule.festival
    return {s.activity: fest.minute(s.end) for s in schedule.values()}


def check_precedence(schedule: Schedule) -> list[Violation]:
    """Every dependency holds with its minimum and maximum lag.

    >>> import ngayhoi
    >>> check_precedence(ngayhoi.schedule(ngayhoi.samples.tiny_festival()))
    []
    """
    fest = schedule.festival
    start, end = _starts(schedule), _ends(schedule)
    out = []
    for dep in fest.dependencies:
        a, b = dep.predecessor, dep.successor
        if a not in start or b not in start:
            continue
        ref_a = end[a] if dep.type in {DependencyType.FS, DependencyType.FF} else start[a]
        ref_b = start[b] if dep.type in {DependencyType.FS, DependencyType.SS} else end[b]
        gap = ref_b - ref_a
        lo = minutes(dep.min_lag)
        hi = None if dep.max_lag is None else minutes(dep.max_lag)
        if gap < lo or (hi is not None and gap > hi):
            amount = lo - gap if gap < lo else gap - (hi or 0)
            if gap < lo:
                template = N_(
                    "{later} must be at least {minutes} min after {earlier} ({type}) "
                    "but is {gap} min"
                )
            else:
                template = N_(
                    "{later} must be at most {minutes} min after {earlier} ({type}) "
                    "but is {gap} min"
                )
            out.append(
                Violation(
                    rule=Rule.PRECEDENCE,
                    activities=(a, b),
                    message=Said(
                        template,
                        later=fest.label(b),
                        minutes=lo if gap < lo else hi,
                        earlier=fest.label(a),
                        type=dep.type.value,
                        gap=gap,
                    ),
                    amount=amount,
                )
            )
    return out


def check_windows(schedule: Schedule) -> list[Violation]:
    """Every activity keeps its fixed start, its window, the day's hours and the outdoor limit.

    >>> import ngayhoi
    >>> check_windows(ngayhoi.schedule(ngayhoi.samples.tiny_festival()))
    []
    """
    fest = schedule.festival
    lo_day, hi_day = fest.window()
    out = []
    for slot, act in _known(schedule):
        s, e = fest.minute(slot.start), fest.minute(slot.end)
        label = fest.label(act.id)
        problems: list[tuple[Said, int]] = []
        if act.fixed_start is not None and s != fest.minute(act.fixed_start):
            fixed = fest.minute(act.fixed_start)
            problems.append(
                (Said(N_("must start at {time}"), time=_hhmm(fest, fixed)), abs(s - fixed))
            )
        earliest = fest.minute(act.earliest_start) if act.earliest_start else None
        if earliest is None and act.fixed_start is None:
            earliest = lo_day
        if earliest is not None and s < earliest:
            problems.append(
                (Said(N_("may not start before {time}"), time=_hhmm(fest, earliest)), earliest - s)
            )
        latest = fest.minute(act.latest_end) if act.latest_end else None
        if latest is None and act.fixed_start is None:
            latest = hi_day
        if latest is not None and e > latest:
            problems.append((Said(N_("must end by {time}"), time=_hhmm(fest, latest)), e - latest))
        if act.outdoor and fest.outdoor_until is not None:
            limit = fest.minute(fest.local(fest.day_of(act), fest.outdoor_until))
            if e > limit:
                outdoors = Said(N_("is outdoors and must end by {time}"), time=_hhmm(fest, limit))
                problems.append((outdoors, e - limit))
        out += [
            Violation(
                rule=Rule.WINDOW,
                activities=(act.id,),
                message=Said(
                    N_("{activity} {problem}; it runs {start}–{end}"),
                    activity=label,
                    problem=what,
                    start=_hhmm(fest, s),
                    end=_hhmm(fest, e),
                ),
                amount=amount,
            )
            for what, amount in problems
        ]
    return out


def check_simultaneity(schedule: Schedule) -> list[Violation]:
    """The activities of each synchronisation group start at the same minute.

    >>> import ngayhoi
    >>> check_simultaneity(ngayhoi.schedule(ngayhoi.samples.tiny_festival()))
    []
    """
    fest = schedule.festival
    start = _starts(schedule)
    out = []
    for group in fest.sync_groups:
        placed = [a for a in group.activities if a in start]
        anchor = group.hub or placed[0] if placed else None
        if anchor is None or anchor not in start:
            continue
        out += [
            Violation(
                rule=Rule.SIMULTANEITY,
                activities=(anchor, a),
                message=Said(
                    N_("{activity} starts at {time}, not with {anchor} at {anchor_time} ({group})"),
                    activity=fest.label(a),
                    time=_hhmm(fest, start[a]),
                    anchor=fest.label(anchor),
                    anchor_time=_hhmm(fest, start[anchor]),
                    group=group.title,
                ),
                amount=abs(start[a] - start[anchor]),
            )
            for a in placed
            if start[a] != start[anchor]
        ]
    return out


def check_requirements(schedule: Schedule) -> list[Violation]:
    """Every activity holds what it needs: the named resource, enough group members, pool units.

    >>> import ngayhoi
    >>> check_requirements(ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation()))
    []
    """
    fest = schedule.festival
    out = []
    for slot, act in _known(schedule):
        units = dict(slot.pool_units)
        for req in act.needs:
            members = fest.group_members(req.resource)
            named = req.resource in {r.id for r in fest.resources}
            if named:
                ok = req.resource in slot.resources
                resource = fest.resource(req.resource)
                if ok and resource.capacity not in (None, 1):
                    ok = len(units.get(req.resource, ())) == req.quantity
            else:
                ok = len({r for r in slot.resources if r in members}) >= req.quantity
            if not ok:
                out.append(
                    Violation(
                        rule=Rule.REQUIREMENT,
                        activities=(act.id,),
                        message=Said(
                            N_(
                                "{activity} needs {quantity} of '{resource}' for its whole "
                                "length but holds {held}"
                            ),
                            activity=fest.label(act.id),
                            quantity=req.quantity,
                            resource=req.resource,
                            held=str(list(slot.resources)),
                        ),
                        resource=req.resource,
                    )
                )
    return out


def check_capacity(schedule: Schedule) -> list[Violation]:
    """No pool is ever over its capacity, and no pool unit is held twice at once.

    >>> import ngayhoi
    >>> check_capacity(ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation()))
    []
    """
    fest = schedule.festival
    out = []
    users: dict[str, list[tuple[int, int, int, tuple[int, ...], str]]] = defaultdict(list)
    for slot, act in _known(schedule):
        units = dict(slot.pool_units)
        for req in act.needs:
            if req.resource in slot.resources:
                res = fest.resource(req.resource)
                if res.kind is not ResourceKind.DELEGATION and res.capacity not in (None, 1):
                    users[res.id].append(
                        (
                            fest.minute(slot.start),
                            fest.minute(slot.end),
                            req.quantity,
                            units.get(res.id, ()),
                            act.id,
                        )
                    )
    for rid, uses in users.items():
        cap = fest.resource(rid).capacity or 0
        events = sorted([(s, q) for s, _, q, _, _ in uses] + [(e, -q) for _, e, q, _, _ in uses])
        level = 0
        reported = False
        for when, delta in events:
            level += delta
            if level > cap and not reported:
                over = sorted(a for s, e, _, _, a in uses if s <= when < e)
                out.append(
                    Violation(
                        rule=Rule.CAPACITY,
                        activities=tuple(over),
                        message=Said(
                            N_(
                                "'{resource}' is used {count} times at {time} "
                                "but has capacity {capacity}"
                            ),
                            resource=fest.resource(rid).name,
                            count=level,
                            time=_hhmm(fest, when),
                            capacity=cap,
                        ),
                        amount=level - cap,
                        resource=rid,
                    )
                )
                reported = True
        for i, (s1, e1, _, u1, a1) in enumerate(uses):
            for s2, e2, _, u2, a2 in uses[i + 1 :]:
                shared = set(u1) & set(u2)
                if shared and s1 < e2 and s2 < e1:
                    out.append(
                        Violation(
                            rule=Rule.CAPACITY,
                            activities=(a1, a2),
                            message=Said(
                                N_(
                                    "{first} and {second} hold the same unit {unit} "
                                    "of '{resource}' at once"
                                ),
                                first=fest.label(a1),
                                second=fest.label(a2),
                                unit=min(shared),
                                resource=fest.resource(rid).name,
                            ),
                            resource=rid,
                        )
                    )
    return out


def check_unary_travel(schedule: Schedule) -> list[Violation]:
    """A delegation (or anything of capacity 1) is at one activity at a time, travel between.

    Between two activities at different sites, a travelling delegation needs
    the travel time from the first site to the second.

    >>> import ngayhoi
    >>> check_unary_travel(ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation()))
    []
    """
    fest = schedule.festival
    out = []
    uses: dict[str, list[Slot]] = defaultdict(list)
    for slot in schedule.values():
        for rid in slot.resources:
            try:
                res = fest.resource(rid)
            except ValueError:
                continue
            if res.capacity == 1:
                uses[rid].append(slot)
    for rid, slots in uses.items():
        res = fest.resource(rid)
        ordered = sorted(slots, key=lambda s: (s.start, s.end))
        for a, b in itertools.pairwise(ordered):
            site_a = fest.activity(a.activity).site
            site_b = fest.activity(b.activity).site
            travel = (fest.travel_minutes(site_a, site_b) or 0) if res.drives else 0
            gap = fest.minute(b.start) - fest.minute(a.end)
            if gap < travel:
                if gap < 0:
                    what = Said(
                        N_("overlaps {activity} by {minutes} min"),
                        activity=fest.label(a.activity),
                        minutes=-gap,
                    )
                else:
                    what = Said(
                        N_(
                            "starts {gap} min after {activity} ends, "
                            "but the drive takes {travel} min"
                        ),
                        gap=gap,
                        activity=fest.label(a.activity),
                        travel=travel,
                    )
                out.append(
                    Violation(
                        rule=Rule.TRAVEL if gap >= 0 else Rule.OVERLAP,
                        activities=(a.activity, b.activity),
                        message=Said(
                            N_("{resource}: {activity} {problem}"),
                            resource=res.name,
                            activity=fest.label(b.activity),
                            problem=what,
                        ),
                        amount=travel - gap,
                        resource=rid,
                    )
                )
    return out


#: Every rule, by name, in the order :func:`check_schedule` applies them.
RULES: dict[str, Callable[[Schedule], list[Violation]]] = {
    "complete": check_complete,
    "non-preemption": check_non_preemption,
    "precedence": check_precedence,
    "window": check_windows,
    "simultaneity": check_simultaneity,
    "requirement": check_requirements,
    "capacity": check_capacity,
    "unary-travel": check_unary_travel,
}


def check_schedule(schedule: Schedule) -> list[Violation]:
    """Every violation of every rule; an empty list means the schedule is valid.

    >>> import ngayhoi
    >>> check_schedule(ngayhoi.schedule(ngayhoi.samples.tiny_festival()))
    []
    """
    if not schedule.status.has_times and not schedule.slots:
        return list(schedule.violations)
    out = check_complete(schedule)
    known = _of_plan(schedule)
    for name, rule in RULES.items():
        if name != "complete":
            out += rule(known)
    return out


def _of_plan(schedule: Schedule) -> Schedule:
    """The schedule without slots of activities the plan does not have (reported as incomplete).

    Every rule reads the plan's record of each slot's activity; a stranger's
    slot has none, so the rules other than completeness look past it instead
    of raising.
    """
    fest = schedule.festival
    if all(fest.has_activity(aid) for aid in schedule.slots):
        return schedule
    slots = {aid: slot for aid, slot in schedule.slots.items() if fest.has_activity(aid)}
    return attrs.evolve(schedule, slots=slots)


# -- protocol: what an official signing the programme checks -------------------


def check_attendance(schedule: Schedule) -> list[Violation]:
    """A delegation attending a ceremony is there from the introduction of guests to its speech.

    Each delegation held by an item of an attendance span (see
    :mod:`~ngayhoi.scheduling.spans`) holds every item of the span, and the
    items run back to back.

    >>> import ngayhoi
    >>> check_attendance(ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation()))
    []
    """
    fest = schedule.festival
    slots = schedule.slots
    out = []
    for span in attendance_spans(fest):
        need = slots.get(span.need)
        if need is None:
            continue
        guests = [r for r in need.resources if travelling(fest, r)]
        for member in span.members:
            slot = slots.get(member)
            if slot is None:
                continue
            out += [
                Violation(
                    rule=Rule.ATTENDANCE,
                    activities=(member, span.need),
                    message=Said(
                        N_(
                            "{activity} runs {start}–{end} without {delegation}, who attends "
                            "{attended}: a delegation stays from {first} to {last}"
                        ),
                        activity=fest.label(member),
                        start=slot.start.format("HH:mm"),
                        end=slot.end.format("HH:mm"),
                        delegation=_name(fest, r),
                        attended=fest.label(span.need),
                        first=fest.label(span.first),
                        last=fest.label(span.last),
                    ),
                    resource=r,
                )
                for r in guests
                if r not in slot.resources
            ]
        first, last = slots.get(span.first), slots.get(span.last)
        if first is not None and last is not None:
            held = fest.minute(last.end) - fest.minute(first.start)
            if held != span.minutes:
                out.append(
                    Violation(
                        rule=Rule.ATTENDANCE,
                        activities=(span.first, span.last),
                        message=Said(
                            N_(
                                "the formal part from {first} to {last} takes {minutes} min, "
                                "not {expected}: its items must run back to back"
                            ),
                            first=fest.label(span.first),
                            last=fest.label(span.last),
                            minutes=held,
                            expected=span.minutes,
                        ),
                        amount=abs(held - span.minutes),
                    )
                )
    return out


def _name(fest: Festival, resource: str) -> str:
    found = fest.find_resource(resource)
    return resource if found is None else found.name


def _audiences(
    schedule: Schedule, sites: Collection[str] | None = None
) -> dict[str, list[list[tuple[int, int, str]]]]:
    """Per site (of ``sites``, or every one), its items by audience (one day, one event).

    The rules ask it of one schedule several times over: the last schedule's
    answer for every site is kept (by a weak reference) and given again.
    """
    if sites is None and _LAST_AUDIENCES:
        kept, answer = _LAST_AUDIENCES[0]
        if kept() is schedule:
            return answer
    fest = schedule.festival
    by_site: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    event: dict[str, tuple[object, str]] = {}
    for slot, act in _known(schedule):
        if sites is not None and act.site not in sites:
            continue
        by_site[act.site].append((fest.minute(slot.start), fest.minute(slot.end), act.id))
        # Another day, or another event at the same hall (a conference's items are
        # "<event>.<key>"), starts a new audience: no wait across them.
        event[act.id] = (slot.start.date(), (act.item or "").rpartition(".")[0])
    out: dict[str, list[list[tuple[int, int, str]]]] = {}
    for site, items in sorted(by_site.items()):
        items.sort()
        runs: list[list[tuple[int, int, str]]] = []
        previous: tuple[object, str] | None = None
        for item in items:
            if not runs or event[item[2]] != previous:
                runs.append([])
                previous = event[item[2]]
            runs[-1].append(item)
        out[site] = runs
    if sites is None:
        _LAST_AUDIENCES[:] = [(weakref.ref(schedule), out)]
    return out


#: The last schedule :func:`_audiences` read for every site, and its answer.
_LAST_AUDIENCES: list[
    tuple[weakref.ref[Schedule], dict[str, list[list[tuple[int, int, str]]]]]
] = []


def _waits_of(run: list[tuple[int, int, str]]) -> list[tuple[int, str, int]]:
    """The waits of one audience: (the position of the item after it, the item, minutes)."""
    waits: list[tuple[int, str, int]] = []
    busy_until: int | None = None
    for k, (start, end, aid) in enumerate(run):
        if busy_until is not None and start > busy_until:
            waits.append((k, aid, start - busy_until))
        busy_until = end if busy_until is None else max(busy_until, end)
    return waits


def idle_minutes(schedule: Schedule) -> dict[str, list[tuple[str, int]]]:
    """Per site, each wait between consecutive items: (the item after the wait, minutes).

    Every wait counts, those a fixed time forces (:func:`fixed_time_waits`) too.

    >>> import ngayhoi
    >>> waits = idle_minutes(ngayhoi.schedule(ngayhoi.samples.tiny_festival()))
    >>> all(m > 0 for site in waits.values() for _, m in site)
    True
    """
    return {
        site: [(aid, m) for run in runs for _, aid, m in _waits_of(run)]
        for site, runs in _audiences(schedule).items()
    }


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class FixedWait:
    """A wait the organiser's fixed time forces: a second fixed time at a point.

    Between the point's first fixed item (the parade, the programme's anchor)
    and a later item with a fixed start of its own (an ``[[override]]`` with
    ``at``), the people wait what the two times leave over; that is the
    organiser's instruction, so it is reported here rather than broken.

    Attributes:
        site: the point.
        activity: the item after the wait.
        minutes: how long the people wait.
        fixed: the item whose fixed start forces the wait.
        at: its fixed start, ``HH:mm``.
    """

    site: str
    activity: str
    minutes: int
    fixed: str
    at: str

    def override(self, festival: Festival) -> str:
        """What fixes the time: the plan file's ``[[override]]`` of the unit and item.

        An activity without a programme item is named by its id.

        >>> import ngayhoi
        >>> fest = ngayhoi.samples.tiny_festival()
        >>> wait = FixedWait(site="x.ubnd", activity="x.bao-cao", minutes=40,
        ...                  fixed="x.chao-co", at="07:30")
        >>> wait.override(fest)
        "fixed_start of 'x.chao-co'"
        """
        act = festival.activity(self.fixed)
        if act.item is None:
            return f"fixed_start of {act.id!r}"
        unit = festival.site(act.site).unit
        return f'[[override]] unit = "{unit}", item = "{act.item}"'

    def vietnamese(self, festival: Festival) -> str:
        """The note in the run sheets: "chờ N phút do giờ cố định HH:MM của …".

        >>> import ngayhoi
        >>> fest = ngayhoi.samples.tiny_festival()
        >>> wait = FixedWait(site="x.ubnd", activity="x.bao-cao", minutes=40,
        ...                  fixed="x.chao-co", at="07:30")
        >>> wait.vietnamese(fest)
        "chờ 40 phút do giờ cố định 07:30 của Lễ chào cờ (fixed_start of 'x.chao-co')"
        """
        act = festival.activity(self.fixed)
        # The item in its unit's words, as the run sheet names it everywhere else.
        when = act.fixed_start
        day = when.in_timezone(festival.timezone).date() if when else festival.days[0]
        title = worded_title(festival, act.id, day)
        return (
            f"chờ {self.minutes} phút do giờ cố định {self.at} của {title} "
            f"({self.override(festival)})"
        )

    def english(self, festival: Festival) -> str:
        """The same note in English (the library's language)."""
        return (
            f"the people at {festival.site(self.site).name} wait {self.minutes} min before "
            f"{festival.label(self.activity)} because {festival.label(self.fixed)} is fixed at "
            f"{self.at} ({self.override(festival)}); a fixed time is the organiser's "
            "instruction, so this wait is reported, not broken"
        )


def fixed_time_waits(schedule: Schedule, sites: Collection[str] | None = None) -> list[FixedWait]:
    """The waits a second fixed time at a point forces (not broken, reported).

    A wait lies between the first item of the audience that keeps its fixed
    start and a later one that keeps its own: moving nothing in between can
    take it away. The later fixed item is the one named. ``sites`` limits the
    answer to those points (a run sheet's).

    >>> import ngayhoi
    >>> fixed_time_waits(ngayhoi.schedule(ngayhoi.samples.tiny_festival()))
    []
    """
    fest = schedule.festival
    out: list[FixedWait] = []
    for site, runs in _audiences(schedule, sites).items():
        for run in runs:
            kept = [
                k
                for k, (start, _end, aid) in enumerate(run)
                if (fixed_at := fest.activity(aid).fixed_start) is not None
                and fest.minute(fixed_at) == start
            ]
            if len(kept) < 2:  # noqa: PLR2004 - one fixed time forces no wait
                continue
            for k, aid, wait in _waits_of(run):
                later = [j for j in kept if j >= k]
                if later and kept[0] < k:
                    fixed = run[later[0]][2]
                    when = _hhmm(fest, run[later[0]][0])
                    out.append(
                        FixedWait(site=site, activity=aid, minutes=wait, fixed=fixed, at=when)
                    )
    return out


def check_idle(schedule: Schedule) -> list[Violation]:
    """Between consecutive items at one point the people wait at most ``max_idle`` minutes.

    A wait a second fixed time forces (an ``[[override]]`` ``at``) is the
    organiser's instruction: :func:`fixed_time_waits` reports it, this rule
    does not break it.

    >>> import ngayhoi
    >>> check_idle(ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation()))
    []
    """
    fest = schedule.festival
    limit = fest.max_idle
    if limit is None:
        return []
    forced = {(w.site, w.activity) for w in fixed_time_waits(schedule)}
    return [
        Violation(
            rule=Rule.IDLE,
            activities=(aid,),
            message=Said(
                N_(
                    "the people at {site} wait {minutes} min before {activity}; "
                    "at most {limit} min (max_idle) is allowed"
                ),
                site=fest.site(site).name,
                minutes=wait,
                activity=fest.label(aid),
                limit=limit,
            ),
            amount=wait - limit,
        )
        for site, waits in idle_minutes(schedule).items()
        for aid, wait in waits
        if wait > limit and (site, aid) not in forced
    ]


#: Items a named official leads in person (DOMAIN.md §2.2, lead roles): nobody is in two places.
PEOPLE_OF_ITEMS: dict[str, str] = {
    "phat-bieu-tiep-thu": "Chủ tịch UBND",
    "bao-cao": "Trưởng Công an",
}


def check_one_place(schedule: Schedule) -> list[Violation]:
    """Nobody is in two places: a named person (``[[people]]``), a delegation and its members.

    Without named people, a unit's chairman and police chief are taken to lead
    the response and the report at each of its points.

    >>> import ngayhoi
    >>> check_one_place(ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation()))
    []
    """
    fest = schedule.festival
    people = {r.id: r for r in fest.resources if r.kind is ResourceKind.PERSON}
    with_team: dict[str, list[str]] = defaultdict(list)
    for p in people.values():
        if p.delegation is not None:
            with_team[p.delegation].append(p.id)
    held: dict[tuple[str, str], list[tuple[int, int, str, str]]] = defaultdict(list)
    for slot, act in _known(schedule):
        s, e = fest.minute(slot.start), fest.minute(slot.end)
        person = PEOPLE_OF_ITEMS.get(act.item or "")
        named = any(
            r.resource in people or set(fest.group_members(r.resource)) & set(people)
            for r in act.needs
        )
        if person is not None and not named:
            unit = fest.site(act.site).unit
            held[(f"{person} {fest.unit(unit).name}", unit)].append((s, e, act.site, act.id))
        for r in slot.resources:
            if travelling(fest, r) or r in people:
                held[(_name(fest, r), r)].append((s, e, act.site, act.id))
            for pid in with_team.get(r, ()):
                held[(people[pid].name, pid)].append((s, e, act.site, act.id))
    out = []
    for (who, ident), visits in sorted(held.items()):
        visits.sort()
        for (_, e1, site1, a1), (s2, _, site2, a2) in itertools.pairwise(visits):
            if s2 < e1 and site1 != site2:
                out.append(
                    Violation(
                        rule=Rule.ONE_PLACE,
                        activities=(a1, a2),
                        message=Said(
                            N_(
                                "{person} is at {first} and {second} at {time}: one person is "
                                "in one place; send a deputy or run the points one after another"
                            ),
                            person=who,
                            first=fest.label(a1),
                            second=fest.label(a2),
                            time=_hhmm(fest, s2),
                        ),
                        amount=e1 - s2,
                        resource=ident,
                    )
                )
    return out


def check_outdoor(schedule: Schedule) -> list[Violation]:
    """Outdoor items, and every item at an outdoor site, end by ``outdoor_until``.

    >>> import ngayhoi
    >>> check_outdoor(ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation()))
    []
    """
    fest = schedule.festival
    if fest.outdoor_until is None:
        return []
    out = []
    for slot, act in _known(schedule):
        if not (act.outdoor or fest.site(act.site).outdoor):
            continue
        limit = fest.minute(fest.local(fest.day_of(act), fest.outdoor_until))
        e = fest.minute(slot.end)
        if e > limit:
            out.append(
                Violation(
                    rule=Rule.OUTDOOR,
                    activities=(act.id,),
                    message=Said(
                        N_("{activity} is in the open until {time}, past outdoor_until {limit}"),
                        activity=fest.label(act.id),
                        time=_hhmm(fest, e),
                        limit=_hhmm(fest, limit),
                    ),
                    amount=e - limit,
                )
            )
    return out


#: The protocol rules by name: what makes a valid schedule a programme an official would sign.
PROTOCOL: dict[str, Callable[[Schedule], list[Violation]]] = {
    "attendance": check_attendance,
    "idle": check_idle,
    "one-place": check_one_place,
    "outdoor": check_outdoor,
}


def check_protocol(schedule: Schedule) -> list[Violation]:
    """Every broken protocol rule: attendance, idle time, one person one place, outdoor limits.

    >>> import ngayhoi
    >>> check_protocol(ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation()))
    []
    """
    if not schedule.slots:
        return []
    known = _of_plan(schedule)
    out: list[Violation] = []
    for rule in PROTOCOL.values():
        out += rule(known)
    return out
