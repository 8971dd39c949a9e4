"""The result every scheduling backend fills: a :class:`Schedule`.

>>> import ngayhoi
>>> fest = ngayhoi.samples.tiny_festival()
>>> sched = ngayhoi.schedule(fest)
>>> sched.status
<Status.OPTIMAL: 'optimal'>
>>> sched["x.chao-co"].start.format("HH:mm")
'07:30'
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pendulum

from ngayhoi._frozen import FrozenMap
from ngayhoi._records import plain_repr
from ngayhoi.diagnostics import Violation, Wait
from ngayhoi.errors import (
    InfeasibleError,
    NaiveDatetimeError,
    PlanError,
    Said,
    UnknownActivityError,
)
from ngayhoi.i18n import N_
from ngayhoi.model import Festival, Resource, ResourceKind, due_date
from ngayhoi.model._fields import count_repr

__all__ = ["Leg", "PrepSlot", "Schedule", "Slot", "Status"]


class Status(enum.StrEnum):
    """How good the schedule is known to be."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"

    @property
    def has_times(self) -> bool:
        """Whether the schedule holds a time for every activity."""
        return self in {Status.OPTIMAL, Status.FEASIBLE}


def _to_instant(value: object) -> pendulum.DateTime:
    """An aware ``datetime`` or ISO string as a ``pendulum.DateTime``; naive ones are refused."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            msg = Said(
                N_("slot time {value!r} is not an ISO date and time, e.g. 2023-08-06T07:00+07:00"),
                value=value,
            )
            raise PlanError(msg) from None
    if not isinstance(value, dt.datetime):
        msg = Said(
            N_("slot time {value!r} is not a date and time; give an aware datetime"), value=value
        )
        raise PlanError(msg)
    if value.tzinfo is None:
        msg = Said(
            N_(
                "slot time {value} has no time zone; give an aware datetime, e.g. datetime(..., "
                "tzinfo=ZoneInfo('Asia/Ho_Chi_Minh'))"
            ),
            value=value.isoformat(),
        )
        raise NaiveDatetimeError(msg)
    if isinstance(value, pendulum.DateTime):
        return value
    return pendulum.instance(value)


def plain_datetime(value: dt.datetime) -> dt.datetime:
    """The same instant as a stdlib ``datetime`` with a ``zoneinfo.ZoneInfo`` (or fixed offset).

    >>> import pendulum
    >>> plain_datetime(pendulum.datetime(2023, 8, 6, 7, tz="Asia/Ho_Chi_Minh"))
    datetime.datetime(2023, 8, 6, 7, 0, tzinfo=zoneinfo.ZoneInfo(key='Asia/Ho_Chi_Minh'))
    """
    tz = value.tzinfo
    name = getattr(tz, "key", None) or getattr(tz, "name", None)
    zone: dt.tzinfo
    if (isinstance(name, str) and "/" in name) or name == "UTC":
        zone = ZoneInfo(str(name))
    else:
        offset = value.utcoffset() or dt.timedelta(0)
        zone = dt.timezone(offset)
    return dt.datetime.fromtimestamp(value.timestamp(), zone)


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class Slot:
    """One activity placed in time, with the resources it holds.

    Attributes:
        activity: the activity's id.
        start: when it starts.
        end: when it ends.
        resources: the ids of the resources it holds (the delegation chosen
            from a group included), in the order of its needs.
        pool_units: for pools, which numbered units (1-based) it holds.
        total_slack: minutes it can move later without moving the end of the plan.
        free_slack: minutes it can move later without moving any other activity.
    """

    activity: str
    start: pendulum.DateTime = attrs.field(converter=_to_instant)
    end: pendulum.DateTime = attrs.field(converter=_to_instant)
    resources: tuple[str, ...] = ()
    pool_units: tuple[tuple[str, tuple[int, ...]], ...] = ()
    total_slack: int | None = None
    free_slack: int | None = None

    @property
    def critical(self) -> bool:
        """Whether the activity has no total slack."""
        return self.total_slack == 0

    @property
    def minutes(self) -> int:
        """Its length in minutes."""
        # Instants, not pendulum's Interval (slow in bulk); both count the hour a
        # clock change adds or removes, which a plain datetime subtraction would not.
        return int((self.end.timestamp() - self.start.timestamp()) // 60)


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class PrepSlot:
    """A preparation task and the date it is due."""

    task: str
    due: pendulum.Date


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class Leg:
    """A delegation travelling between two sites.

    ``depart`` is the end of the visit it leaves and ``arrive`` that plus the
    travel time; the delegation may wait at the destination after arriving.
    """

    resource: str
    origin: str
    destination: str
    depart: pendulum.DateTime
    arrive: pendulum.DateTime

    @property
    def minutes(self) -> int:
        """Travel time in minutes."""
        return int((self.arrive - self.depart).total_seconds() // 60)


def _freeze(table: Mapping[str, Any]) -> FrozenMap[str, Any]:
    if isinstance(table, FrozenMap):
        return table
    if not isinstance(table, Mapping):
        msg = Said(
            N_("schedule: {table!r} is not a mapping of activity (or task) ids to slots"),
            table=table,
        )
        raise PlanError(msg)
    return FrozenMap(table)


@plain_repr
@attrs.frozen(kw_only=True, cache_hash=True, repr=False)
class Schedule(Mapping[str, Slot]):
    """Start, end, resources and slack of every activity, and how they were found.

    A read-only ``Mapping`` of activity id to :class:`Slot`, in plan order: ``in``,
    ``get``, ``keys``/``items``/``values`` and ``dict(schedule)`` work, and a
    missing id raises a ``KeyError``. Two schedules are equal when their plans,
    times, resources, slack, status and diagnostics are equal; the solver's
    name, bound and running time do not count. ``to_records()`` gives one plain
    ``dict`` per slot for pandas or polars.

    >>> import ngayhoi
    >>> sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
    >>> "x.chao-co" in sched, sched.get("nope") is None, list(sched)
    (True, True, ['x.chao-co', 'x.bao-cao'])
    >>> sched == ngayhoi.schedule(ngayhoi.samples.tiny_festival())
    True

    Attributes:
        festival: the plan that was scheduled.
        status: optimal, feasible, infeasible or unknown.
        slots: one :class:`Slot` per activity, in plan order (empty when infeasible).
        prep: the due date of every preparation task.
        violations: every constraint broken or unmeetable, by name.
        waits: every time an activity waited for a resource.
        critical_path: activity ids on the critical path, in order.
        bound: a lower bound on the end of the plan (minute after the origin), if known.
        solver: which backend made it.
        seconds: how long the backend took.
        passes: how many passes (schedule evaluations) the search spent.
        cut_short: the time limit (a safety cap) ended the search before its
            budget did, so another machine may find another schedule; see ``note``.
    """

    festival: Festival = attrs.field(repr=False)
    status: Status
    # A copy: the slots are grouped on first use, so they must not change after.
    slots: Mapping[str, Slot] = attrs.field(factory=FrozenMap, converter=_freeze, repr=False)
    prep: Mapping[str, PrepSlot] = attrs.field(factory=FrozenMap, converter=_freeze, repr=False)
    violations: tuple[Violation, ...] = attrs.field(default=(), repr=count_repr)
    waits: tuple[Wait, ...] = attrs.field(default=(), repr=count_repr)
    critical_path: tuple[str, ...] = attrs.field(default=(), repr=False)
    bound: int | None = attrs.field(default=None, eq=False)
    solver: str = attrs.field(default="temporal", eq=False)
    seconds: float = attrs.field(default=0.0, eq=False, repr=False)
    passes: int = attrs.field(default=0, eq=False, repr=False)
    cut_short: bool = attrs.field(default=False, eq=False)
    # Slots grouped by site, unit and resource, built on first use: exports ask
    # once per commune and per delegation, and a scan each time is quadratic.
    _groups: dict[str, dict[str, list[Slot]]] = attrs.field(
        init=False, factory=dict, eq=False, repr=False, hash=False
    )

    def __getitem__(self, activity_id: str) -> Slot:
        """The slot of an activity; a ``KeyError`` (naming close ids) when it has none."""
        try:
            return self.slots[activity_id]
        except (KeyError, TypeError):
            raise UnknownActivityError(
                item_kind="schedule",
                item_id=self.festival.id,
                ref_kind="activity",
                ref=activity_id,
                valid=self.slots,
            ) from None

    def __contains__(self, activity_id: object) -> bool:
        """Whether the activity has a slot."""
        return activity_id in self.slots

    def __iter__(self) -> Iterator[str]:
        """The ids of the placed activities, in plan order (``values()`` gives the slots)."""
        return iter(self.slots)

    def __len__(self) -> int:
        """How many activities are placed."""
        return len(self.slots)

    @property
    def note(self) -> str:
        """Why the search stopped, when that makes the result depend on the machine; else ``""``.

        >>> import ngayhoi
        >>> ngayhoi.schedule(ngayhoi.samples.tiny_festival()).note
        ''
        """
        if not self.cut_short:
            return ""
        return (
            f"the search was cut short by its time limit after {self.passes} passes, "
            "before its budget: another machine or a busier one may find another schedule; "
            "raise the time limit or lower the budget"
        )

    @property
    def feasible(self) -> bool:
        """Whether every activity has a time that meets every constraint.

        >>> import ngayhoi
        >>> ngayhoi.schedule(ngayhoi.samples.tiny_festival()).feasible
        True
        """
        return self.status.has_times and not self.violations

    @property
    def makespan(self) -> int | None:
        """Minutes from the origin to the end of the last placed activity; ``None`` if none is."""
        if not self.slots:
            return None
        return max(self.festival.minute(s.end) for s in self.slots.values())

    def unwrap(self) -> Schedule:
        """Return the schedule, or raise :class:`InfeasibleError` listing every violation.

        ``ngayhoi.schedule()`` already raises unless ``raise_on_infeasible=False``.

        >>> import ngayhoi
        >>> ngayhoi.schedule(ngayhoi.samples.tiny_festival()).unwrap().status.has_times
        True
        """
        if not self.feasible:
            msg = Said(
                N_(
                    "no schedule meets every constraint of festival '{id}' "
                    "({status}, {count} violation(s))"
                ),
                id=self.festival.id,
                status=Said(self.status.value),
                count=len(self.violations),
            )
            raise InfeasibleError(msg, self.violations, self)
        return self

    def to_records(self) -> list[dict[str, Any]]:
        """One plain ``dict`` per slot, in plan order, for pandas, polars or JSON tools.

        Keys: ``activity``, ``title``, ``kind``, ``unit``, ``site``, ``start`` and
        ``end`` (aware stdlib ``datetime`` with a ``ZoneInfo``), ``minutes``,
        ``resources`` (a list of resource ids), ``total_slack``, ``free_slack``
        and ``critical``.

        >>> import ngayhoi
        >>> rec = ngayhoi.schedule(ngayhoi.samples.tiny_festival()).to_records()[0]
        >>> rec["activity"], rec["unit"], rec["start"].isoformat(), type(rec["start"]).__module__
        ('x.chao-co', 'x', '2023-08-06T07:30:00+07:00', 'datetime')
        """
        fest = self.festival
        unit_of = {s.id: s.unit for s in fest.sites}
        out: list[dict[str, Any]] = []
        for slot in self.slots.values():
            act = fest.activity(slot.activity)
            out.append(
                {
                    "activity": slot.activity,
                    "title": act.title,
                    "kind": act.kind.value,
                    "unit": unit_of[act.site],
                    "site": act.site,
                    "start": plain_datetime(slot.start),
                    "end": plain_datetime(slot.end),
                    "minutes": slot.minutes,
                    "resources": list(slot.resources),
                    "total_slack": slot.total_slack,
                    "free_slack": slot.free_slack,
                    "critical": slot.critical,
                }
            )
        return out

    def _grouped(self, by: str) -> dict[str, list[Slot]]:
        """The slots by site, unit or resource (and role), each list by start time."""
        found = self._groups.get(by)
        if found is not None:
            return found
        fest = self.festival
        groups: dict[str, list[Slot]] = {}
        unit_of = {s.id: s.unit for s in fest.sites}
        for slot in self.slots.values():
            act = fest.activity(slot.activity)
            if by == "site":
                keys: Iterable[str] = (act.site,)
            elif by == "unit":
                keys = (unit_of[act.site],)
            else:
                keys = dict.fromkeys((*slot.resources, *act.roles))
            for key in keys:
                groups.setdefault(key, []).append(slot)
        for slots in groups.values():
            slots.sort(key=_order)
        self._groups[by] = groups
        return groups

    def at_site(self, site_id: str) -> list[Slot]:
        """The slots at one site, by start time."""
        return list(self._grouped("site").get(site_id, ()))

    def for_unit(self, unit_id: str) -> list[Slot]:
        """The slots hosted by one unit (commune), by start time."""
        return list(self._grouped("unit").get(unit_id, ()))

    def for_resource(self, resource_id: str) -> list[Slot]:
        """The slots that hold a resource (or need a role), by start time."""
        return list(self._grouped("resource").get(resource_id, ()))

    def itinerary(self, resource_id: str) -> list[Slot | Leg]:
        """A delegation's day: its visits and the travel between them, in order.

        Travel starts when a visit ends; a visit at the same site as the one
        before needs no travel. Legs from and to the delegation's home are
        included when it has one.
        """
        resource: Resource = self.festival.resource(resource_id)
        visits = self.for_resource(resource_id)
        out: list[Slot | Leg] = []
        here = resource.home
        for visit in visits:
            site = self.festival.activity(visit.activity).site
            if here is not None and here != site:
                travel = self.festival.travel_minutes(here, site) or 0
                previous = out[-1] if out and isinstance(out[-1], Slot) else None
                # Leave right after the last visit of the same day; on a new day, or
                # from home, leave just in time.
                if previous is not None and previous.end.date() == visit.start.date():
                    depart = previous.end
                else:
                    depart = visit.start.subtract(minutes=travel)
                out.append(
                    Leg(
                        resource=resource_id,
                        origin=here,
                        destination=site,
                        depart=depart,
                        arrive=depart.add(minutes=travel),
                    )
                )
            out.append(visit)
            here = site
        if visits and resource.home is not None and here is not None and here != resource.home:
            travel = self.festival.travel_minutes(here, resource.home) or 0
            last = visits[-1].end
            out.append(
                Leg(
                    resource=resource_id,
                    origin=here,
                    destination=resource.home,
                    depart=last,
                    arrive=last.add(minutes=travel),
                )
            )
        return out

    def delegations(self) -> tuple[Resource, ...]:
        """The delegations of the plan that hold at least one activity."""
        used = {r for s in self.slots.values() for r in s.resources}
        return tuple(
            r for r in self.festival.resources if r.kind is ResourceKind.DELEGATION and r.id in used
        )


def _order(slot: Slot) -> tuple[pendulum.DateTime, pendulum.DateTime, str]:
    return (slot.start, slot.end, slot.activity)


def prep_slots(festival: Festival) -> FrozenMap[str, PrepSlot]:
    """The due date of every prep task."""
    return FrozenMap(
        {t.id: PrepSlot(task=t.id, due=due_date(festival, t)) for t in festival.prep_tasks}
    )
