"""The festival: everything a plan holds, checked once when it is built.

A :class:`Festival` is immutable. Building one runs every cross-object check
(unknown and duplicate ids, units not valid on the festival's days, windows
outside the days) and raises a :class:`~ngayhoi.errors.PlanError` subclass
naming the item. Use :func:`attrs.evolve` to change one and check it again.

>>> import pendulum
>>> from ngayhoi.model import Activity, Site, Unit
>>> fest = Festival(
...     id="demo", name="Ngày hội toàn dân bảo vệ ANTQ", days=[pendulum.date(2023, 8, 6)],
...     units=[Unit(id="long-hoa", name="Long Hòa", official_name="Xã Long Hòa", kind="xã")],
...     sites=[Site(id="long-hoa.ubnd", name="Hội trường UBND xã Long Hòa", unit="long-hoa")],
...     activities=[Activity(id="long-hoa.chao-co", kind="flag-salute", title="Chào cờ",
...                          site="long-hoa.ubnd", duration=5)],
... )
>>> fest.commune_of("long-hoa.chao-co").official_name
'Xã Long Hòa'
>>> fest.minute(pendulum.datetime(2023, 8, 6, 7, 30, tz="Asia/Ho_Chi_Minh"))
450
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeAlias, TypeVar

import attrs
import pendulum

from ngayhoi._records import plain_repr
from ngayhoi.errors import PlanError, PlanErrors, Said, UnitNotValidError, UnknownReferenceError
from ngayhoi.i18n import N_
from ngayhoi.model._fields import (
    TIMEZONE,
    check_year,
    count_repr,
    invalid,
    minutes,
    to_date,
    to_optional_text,
    to_text,
    valid_id,
    valid_optional_text,
    valid_text,
)
from ngayhoi.model.activities import Activity, Dependency, PrepTask, SyncGroup
from ngayhoi.model.awards import Award, check_power
from ngayhoi.model.resources import Resource, ResourceKind, TravelTimes
from ngayhoi.model.units import Site, Unit
from ngayhoi.model.workdays import working_day_after, working_day_before
from ngayhoi.text import check_id

__all__ = ["Festival"]

T = TypeVar("T")
_MAX_DAYS = 100
#: A wait longer than a day is no wait at a festival point.
_MAX_IDLE = 24 * 60


def _to_days(values: Iterable[dt.date | str]) -> tuple[pendulum.Date, ...]:
    if isinstance(values, dt.date | str):
        values = (values,)
    if not _is_sequence(values):
        return values  # type: ignore[return-value]  # _check_days names it
    return tuple(to_date(v) for v in values)


def _to_days_off(values: Iterable[dt.date | str]) -> tuple[pendulum.Date, ...]:
    if isinstance(values, dt.date | str):
        values = (values,)
    if not _is_sequence(values):
        msg = Said(
            N_("days_off {values!r} is not a list of dates; write days_off = [2025-08-15]"),
            values=values,
        )
        raise PlanError(msg, kind="festival", field="days_off", value=values)
    return tuple(sorted({to_date(v) for v in values}))


def _valid_flag(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        msg = Said(
            N_("{name} {value!r} is not true or false; write {name} = false"),
            name=attribute.name,
            value=value,
        )
        raise invalid(_instance, attribute, msg, value)


def _is_sequence(values: object) -> bool:
    return isinstance(values, Iterable) and not isinstance(
        values, str | bytes | Mapping | set | frozenset
    )


def _to_items(values: Iterable[T]) -> tuple[T, ...]:
    if not _is_sequence(values):
        return values  # type: ignore[return-value]  # _items names it
    return tuple(values)


def _to_units(values: Iterable[Unit]) -> tuple[Unit, ...]:
    return _to_items(values)


def _to_sites(values: Iterable[Site]) -> tuple[Site, ...]:
    return _to_items(values)


def _to_activities(values: Iterable[Activity]) -> tuple[Activity, ...]:
    return _to_items(values)


def _to_dependencies(values: Iterable[Dependency]) -> tuple[Dependency, ...]:
    return _to_items(values)


def _to_resources(values: Iterable[Resource]) -> tuple[Resource, ...]:
    return _to_items(values)


def _to_sync_groups(values: Iterable[SyncGroup]) -> tuple[SyncGroup, ...]:
    return _to_items(values)


def _to_prep_tasks(values: Iterable[PrepTask]) -> tuple[PrepTask, ...]:
    return _to_items(values)


def _to_awards(values: Iterable[Award]) -> tuple[Award, ...]:
    return _to_items(values)


def _to_campaign(
    value: tuple[dt.date | str, dt.date | str] | None,
) -> tuple[pendulum.Date, pendulum.Date] | None:
    if value is None or not _is_sequence(value):
        return value  # type: ignore[return-value]  # _check_campaign names anything but None
    pair = tuple(value)
    if len(pair) != 2:  # noqa: PLR2004
        return pair  # type: ignore[return-value]
    return (to_date(pair[0]), to_date(pair[1]))


def _to_time(value: dt.time | str) -> dt.time:
    if isinstance(value, str):
        try:
            return dt.time.fromisoformat(value)
        except ValueError:
            return value  # type: ignore[return-value]  # the validator names it
    return value


def _to_optional_time(value: dt.time | str | None) -> dt.time | None:
    return None if value is None else _to_time(value)


def _valid_time(instance: Festival, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None and attribute.name == "outdoor_until":
        return
    if not isinstance(value, dt.time) or value.tzinfo is not None or value.second:
        msg = Said(
            N_(
                "festival '{id}': {name} {value!r} is not a local time of day; use 'HH:MM', e.g. "
                "'06:00'"
            ),
            id=instance.id,
            name=attribute.name,
            value=value,
        )
        raise invalid(instance, attribute, msg, value)


def _to_zone_name(value: object) -> object:
    """A ``zoneinfo.ZoneInfo`` (or pendulum zone) as its IANA name; text stripped."""
    if isinstance(value, dt.tzinfo):
        name = getattr(value, "key", None) or getattr(value, "name", None)
        return name if isinstance(name, str) else value
    return value.strip() if isinstance(value, str) else value


def _valid_timezone(instance: Festival, _attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        msg = Said(
            N_("festival '{id}': timezone {value!r} is not an IANA zone name; use '{TIMEZONE}'"),
            id=instance.id,
            value=value,
            TIMEZONE=TIMEZONE,
        )
        raise invalid(instance, _attribute, msg, value)


_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*$")


def _valid_domain(instance: Festival, _attribute: attrs.Attribute[Any], value: object) -> None:
    # The domain ends every calendar UID (RFC 5545 §3.8.4.7 suggests one); a space or
    # a slash there breaks the UID in some clients.
    if not isinstance(value, str) or not _DOMAIN.match(value):
        msg = Said(
            N_(
                "festival '{id}': domain {value!r} is not a domain name; use lowercase letters, "
                "digits, '-' and '.', e.g. 'ubnd.longan.gov.vn'"
            ),
            id=instance.id,
            value=value,
        )
        raise invalid(instance, _attribute, msg, value)


def _valid_travel(instance: Festival, _attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, TravelTimes):
        msg = Said(
            N_(
                "festival '{id}': travel {value!r:.60} is not a TravelTimes; give "
                "TravelTimes(minutes={{(from_site, to_site): minutes}})"
            ),
            id=instance.id,
            value=value,
        )
        raise invalid(instance, _attribute, msg, value)


def _items(instance: Festival, attribute: attrs.Attribute[Any], value: Sequence[object]) -> None:
    expected = {
        "units": Unit,
        "sites": Site,
        "activities": Activity,
        "dependencies": Dependency,
        "resources": Resource,
        "sync_groups": SyncGroup,
        "prep_tasks": PrepTask,
        "awards": Award,
    }[attribute.name]
    if not isinstance(value, tuple):
        msg = Said(
            N_(
                "festival '{id}': {name} {value!r:.60} is not a list; give a list of {type} records"
            ),
            id=instance.id,
            name=attribute.name,
            value=value,
            type=expected.__name__,
        )
        raise invalid(instance, attribute, msg, value)
    for position, item in enumerate(value):
        if not isinstance(item, expected):
            msg = Said(
                N_("festival '{id}': {name}[{position}] is a {type}, expected a {type2}"),
                id=instance.id,
                name=attribute.name,
                position=position,
                type=type(item).__name__,
                type2=expected.__name__,
            )
            raise invalid(instance, attribute, msg, value)


#: The items a visiting delegation attends, first to last: from the
#: introduction of guests to the end of its own speech (DOMAIN.md §2.1, items 3-7).
ATTENDANCE_SPAN: tuple[str, str] = ("tuyen-bo-ly-do", "phat-bieu-chi-dao")


#: The most minutes the people at one point wait between two items (a default, DOMAIN.md §2.2).
MAX_IDLE = 15


#: The weather plans: dry (``nang``) or the rain plan (``mua``), which moves outdoor items
#: to each site's covered ``fallback``.
WEATHER = ("nang", "mua")


def _valid_weather(_instance: Festival, _attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in WEATHER:
        msg = Said(
            N_(
                'festival: weather {value!r} is not a weather plan; write weather = "nang" (dry, '
                'the default) or weather = "mua" (the rain plan)'
            ),
            value=value,
        )
        raise invalid(_instance, _attribute, msg, value)


def _valid_idle(_instance: Festival, _attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_IDLE:
        msg = Said(
            N_(
                "festival: max_idle {value!r} must be whole minutes from 0 to {MAX_IDLE}, e.g. "
                "max_idle = 15"
            ),
            value=value,
            MAX_IDLE=_MAX_IDLE,
        )
        raise PlanError(msg, kind="festival", field="max_idle", value=value)


def _to_span(value: Any) -> Any:  # noqa: ANN401 - normalises user input; the validator names it
    if isinstance(value, list):
        return tuple(value)
    return value


def _valid_span(_instance: Festival, _attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if (
        not isinstance(value, tuple)
        or len(value) != 2  # noqa: PLR2004 - first and last item
        or not all(isinstance(v, str) and check_id(v) is None for v in value)
    ):
        msg = Said(
            N_(
                "festival: attendance {value!r} must be two programme item keys, the first and "
                'the last item a delegation attends, e.g. ["tuyen-bo-ly-do", '
                '"phat-bieu-chi-dao"]'
            ),
            value=value,
        )
        raise invalid(_instance, _attribute, msg, value)


@plain_repr
@attrs.frozen(kw_only=True, cache_hash=True, repr=False)
class Festival:
    """A plan for the festival day (or days) across many communes.

    Attributes:
        id: ASCII slug; part of every calendar UID, so keep it stable across re-plans.
        name: the Vietnamese name of the festival.
        days: the festival's days; activities happen on them.
        timezone: the IANA time zone of the clock (``Asia/Ho_Chi_Minh``).
        campaign: the first and last day of the campaign window the days must fall in.
        organiser: who organises, in Vietnamese (BCĐ 138 huyện, UBND tỉnh, ...).
        units: the administrative units the plan uses; each must be valid on every day.
        sites: the festival points.
        activities: everything on the day.
        dependencies: temporal links between activities.
        resources: delegations, pools, roles.
        sync_groups: simultaneous starts and online bridges across communes.
        prep_tasks: work before and after the day.
        awards: awards presented at the ceremonies.
        travel: minutes between sites, for travelling delegations.
        opens: the earliest time of day an activity may start by default.
        closes: the latest time of day an activity may end by default.
        outdoor_until: outdoor activities end by this time of day (the August heat);
            ``None``: no limit.
        domain: the domain part of calendar UIDs.
        attendance: the first and last programme item a visiting delegation attends.
        max_idle: the most minutes the people at a point wait between two items.
        weather: ``"nang"`` (dry) or ``"mua"``: the rain plan, where the scheduler
            moves outdoor items to each site's ``fallback`` (``ngayhoi.scheduling.weather``).
        working_days: whether preparation deadlines move off weekends, Vietnamese
            public holidays and ``days_off`` (earlier; a task after the day that
            would land before its end moves later).
        days_off: the plan's own days off (a local holiday), on top of the public ones.
    """

    id: str = attrs.field(validator=valid_id)
    name: str = attrs.field(converter=to_text, validator=valid_text)
    days: tuple[pendulum.Date, ...] = attrs.field(converter=_to_days)
    timezone: str = attrs.field(
        default=TIMEZONE, converter=_to_zone_name, validator=_valid_timezone
    )
    campaign: tuple[pendulum.Date, pendulum.Date] | None = attrs.field(
        default=None, converter=_to_campaign
    )
    organiser: str | None = attrs.field(
        default=None, converter=to_optional_text, validator=valid_optional_text
    )
    units: tuple[Unit, ...] = attrs.field(
        default=(), repr=count_repr, converter=_to_units, validator=_items
    )
    sites: tuple[Site, ...] = attrs.field(
        default=(), repr=count_repr, converter=_to_sites, validator=_items
    )
    activities: tuple[Activity, ...] = attrs.field(
        default=(), repr=count_repr, converter=_to_activities, validator=_items
    )
    dependencies: tuple[Dependency, ...] = attrs.field(
        default=(), repr=count_repr, converter=_to_dependencies, validator=_items
    )
    resources: tuple[Resource, ...] = attrs.field(
        default=(), repr=count_repr, converter=_to_resources, validator=_items
    )
    sync_groups: tuple[SyncGroup, ...] = attrs.field(
        default=(), repr=count_repr, converter=_to_sync_groups, validator=_items
    )
    prep_tasks: tuple[PrepTask, ...] = attrs.field(
        default=(), repr=count_repr, converter=_to_prep_tasks, validator=_items
    )
    awards: tuple[Award, ...] = attrs.field(
        default=(), repr=count_repr, converter=_to_awards, validator=_items
    )
    travel: TravelTimes = attrs.field(factory=TravelTimes, validator=_valid_travel)
    opens: dt.time = attrs.field(default=dt.time(6, 0), converter=_to_time, validator=_valid_time)
    closes: dt.time = attrs.field(default=dt.time(22, 0), converter=_to_time, validator=_valid_time)
    outdoor_until: dt.time | None = attrs.field(
        default=dt.time(11, 0), converter=_to_optional_time, validator=_valid_time
    )
    domain: str = attrs.field(default="ngayhoi.vn", validator=_valid_domain)
    attendance: tuple[str, str] | None = attrs.field(
        default=ATTENDANCE_SPAN, converter=_to_span, validator=_valid_span
    )
    max_idle: int | None = attrs.field(default=MAX_IDLE, validator=_valid_idle)
    weather: str = attrs.field(default="nang", validator=_valid_weather, repr=False)
    working_days: bool = attrs.field(default=True, validator=_valid_flag, repr=False)
    days_off: tuple[pendulum.Date, ...] = attrs.field(
        default=(), converter=_to_days_off, repr=False
    )

    _index: _Index = attrs.field(init=False, eq=False, repr=False, hash=False)
    _clock: _Clock = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        """Run every cross-object check once, and index the items by id."""
        object.__setattr__(self, "_clock", _Clock.shared(self))
        object.__setattr__(self, "_index", _check(self))

    @classmethod
    def build(cls, **fields: Any) -> Festival:  # noqa: ANN401 - the constructor's own fields
        """Build a festival like the constructor, but name every cross-object error at once.

        The fields are checked first, as by the constructor (the first bad one is
        raised); then every unknown or duplicate id, unit not valid on the days,
        window outside the days, ... is gathered.

        Raises:
            PlanErrors: when several cross-object checks fail (each is in ``errors``).
            PlanError: when one check fails, that error.

        >>> from ngayhoi.model import Activity
        >>> try:
        ...     Festival.build(id="f", name="F", days=["2023-08-06"], activities=[
        ...         Activity(id="a", kind="other", title="A", site="x", duration=5),
        ...         Activity(id="b", kind="other", title="B", site="y", duration=5)])
        ... except PlanErrors as err:
        ...     print([e.field for e in err.errors], [e.item for e in err.errors])
        ['site', 'site'] ['a', 'b']
        """
        found: list[PlanError] = []
        token = _SINK.set(found)
        try:
            fest = cls(**fields)
        finally:
            _SINK.reset(token)
        if len(found) > 1:
            raise PlanErrors(found)
        if found:
            raise found[0]
        return fest

    # -- look-ups -------------------------------------------------------------

    def activity(self, activity_id: str) -> Activity:
        """The activity with this id.

        Raises:
            UnknownReferenceError: if there is none.
        """
        return _get(self._index.activities, activity_id, "activity")

    def site(self, site_id: str) -> Site:
        """The site with this id."""
        return _get(self._index.sites, site_id, "site")

    def unit(self, unit_id: str) -> Unit:
        """The unit with this id."""
        return _get(self._index.units, unit_id, "unit")

    def resource(self, resource_id: str) -> Resource:
        """The resource with this id."""
        return _get(self._index.resources, resource_id, "resource")

    def find_resource(self, resource_id: str) -> Resource | None:
        """The resource with this id, or ``None``."""
        return self._index.resources.get(resource_id)

    def prep_task(self, task_id: str) -> PrepTask:
        """The prep task with this id."""
        return _get(self._index.prep_tasks, task_id, "prep task")

    def has_activity(self, activity_id: str) -> bool:
        """Whether an activity with this id exists."""
        return activity_id in self._index.activities

    def label(self, activity_id: str) -> str:
        """The activity's title and host, for messages: ``"Chào cờ at Long Hòa"``.

        It is a :class:`~ngayhoi.errors.Said`, so a message that names it is said
        again in the command line's language ("Chào cờ tại Long Hòa").

        >>> from ngayhoi.samples import tiny_festival
        >>> label = tiny_festival().label("x.chao-co")
        >>> label, label.template
        ('Lễ chào cờ at Long Hòa', '{title} at {unit}')
        """
        act = self._index.activities.get(activity_id)
        if act is None:
            return activity_id
        site = self._index.sites[act.site]
        unit = self._index.units[site.unit]
        if self._index.sites_per_unit.get(unit.id, 0) > 1:
            return Said(
                N_("{title} at {site}, {unit}"), title=act.title, site=site.name, unit=unit.name
            )
        return Said(N_("{title} at {unit}"), title=act.title, unit=unit.name)

    def commune_of(self, activity_id: str) -> Unit:
        """The unit hosting the activity (the unit of its site)."""
        return self._index.units[self._index.sites[self.activity(activity_id).site].unit]

    def group_members(self, group: str) -> tuple[str, ...]:
        """The ids of the resources in a group, or the resource itself if ``group`` names one.

        >>> Festival(id="f", name="F", days=["2023-08-06"]).group_members("x")
        ()
        """
        if group in self._index.resources:
            return (group,)
        return self._index.groups.get(group, ())

    def activities_at(self, site_id: str) -> tuple[Activity, ...]:
        """The activities at a site, in plan order."""
        return tuple(self._index.by_site.get(site_id, ()))

    def hosts(self) -> tuple[Unit, ...]:
        """The units that host at least one activity, in plan order."""
        seen: dict[str, Unit] = {}
        for activity in self.activities:
            unit = self._index.units[self._index.sites[activity.site].unit]
            seen.setdefault(unit.id, unit)
        return tuple(seen.values())

    def awards_at(self, activity_id: str) -> tuple[Award, ...]:
        """The awards presented at an activity."""
        return tuple(self._index.awards_by_ceremony.get(activity_id, ()))

    def sync_groups_of(self, activity_id: str) -> tuple[SyncGroup, ...]:
        """The synchronisation groups an activity belongs to."""
        return tuple(self._index.sync_by_activity.get(activity_id, ()))

    # -- the clock ------------------------------------------------------------

    @property
    def origin(self) -> pendulum.DateTime:
        """Midnight at the start of the first day, the zero of the plan's minute clock."""
        return self._clock.origin

    def minute(self, when: dt.datetime) -> int:
        """Minutes from :attr:`origin` to ``when``.

        Raises:
            PlanError: if ``when`` has no time zone.
        """
        made = self._clock.made.get(id(when))
        if made is not None and made[0] is when:
            return made[1]  # a time this clock made (at): no timestamp to take
        if when.tzinfo is None:
            msg = Said(
                N_("time {value} has no time zone; give one, e.g. tz='{timezone}'"),
                value=when.isoformat(),
                timezone=self.timezone,
            )
            raise PlanError(msg, kind="argument", item="when", value=when)
        return int((when.timestamp() - self._clock.epoch) // 60)

    def at(self, minute: int) -> pendulum.DateTime:
        """The local time ``minute`` minutes after :attr:`origin`.

        >>> Festival(id="f", name="F", days=["2023-08-06"]).at(405).isoformat()
        '2023-08-06T06:45:00+07:00'
        """
        cache = self._clock.cache
        found = cache.get(minute)
        if found is None:
            found = self._clock.origin.add(minutes=minute)
            if len(cache) < _CLOCK_CACHE:
                cache[minute] = found
                self._clock.made[id(found)] = (found, minute)
        return found

    def local(self, day: dt.date, time: dt.time) -> pendulum.DateTime:
        """The local date and time on ``day`` at ``time`` in the festival's zone."""
        return pendulum.datetime(
            day.year, day.month, day.day, time.hour, time.minute, tz=self.timezone
        )

    def window(self) -> tuple[int, int]:
        """The default window of every activity in minutes: first day's opening to last closing."""
        found = self._clock.window
        if not found:
            found.extend(
                (
                    self.minute(self.local(self.days[0], self.opens)),
                    self.minute(self.local(self.days[-1], self.closes)),
                )
            )
        return found[0], found[1]

    def day_of(self, activity: Activity) -> pendulum.Date:
        """The day an activity is planned on.

        That of its own fixed or earliest start; else that of another activity
        at the same site that has one (a site's programme runs on one day);
        else the first day.
        """
        anchor = activity.fixed_start or activity.earliest_start
        if anchor is None:
            for other in self._index.by_site.get(activity.site, ()):
                anchor = other.fixed_start or other.earliest_start
                if anchor is not None:
                    break
        if anchor is None:
            return self.days[0]
        local = anchor.in_timezone(self.timezone)
        return pendulum.Date(local.year, local.month, local.day)

    def travel_minutes(self, origin_site: str, destination_site: str) -> int | None:
        """Minutes to travel between two sites, or ``None`` when the plan does not say."""
        return self.travel.lookup(origin_site, destination_site, self._index.coordinates)


_CLOCK_CACHE = 100_000


@plain_repr
@attrs.frozen(repr=False)
class _Clock:
    """The zero of the minute clock, and the times already made from it."""

    origin: pendulum.DateTime
    epoch: float
    cache: dict[int, pendulum.DateTime]
    window: list[int]
    #: The times in ``cache`` by identity, each with its minute (kept alive by the entry).
    made: dict[int, tuple[pendulum.DateTime, int]] = attrs.field(factory=dict)

    @classmethod
    def at_midnight(cls, fest: Festival) -> _Clock:
        if not isinstance(fest.days, tuple) or not fest.days:
            _check_days(fest)
        if not isinstance(fest.days[0], dt.date):
            _check_days(fest)
        try:
            pendulum.timezone(fest.timezone)
        except Exception:  # noqa: BLE001 - pendulum raises several kinds for unknown zones
            _check_days(fest)
        first = fest.days[0]
        origin = pendulum.datetime(first.year, first.month, first.day, tz=fest.timezone)
        return cls(origin=origin, epoch=origin.timestamp(), cache={}, window=[])

    @classmethod
    def shared(cls, fest: Festival) -> _Clock:
        """The clock of every festival with these days, zone and hours (the same times).

        A plan and the plans made from it (sorted, re-arranged) then share their
        times: a time one of them made is read back by another without a timestamp.
        """
        clock = cls.at_midnight(fest)
        key = (fest.days, fest.timezone, fest.opens, fest.closes)
        try:
            found = _CLOCKS.get(key)
        except TypeError:  # pragma: no cover - an unhashable field, refused by _check
            return clock
        if found is not None and found.origin == clock.origin:
            return found
        if len(_CLOCKS) >= _CLOCKS_KEPT:
            _CLOCKS.clear()
        _CLOCKS[key] = clock
        return clock


_CLOCKS: dict[tuple[object, ...], _Clock] = {}
_CLOCKS_KEPT = 64


@plain_repr
@attrs.frozen(repr=False)
class _Index:
    units: dict[str, Unit]
    sites: dict[str, Site]
    activities: dict[str, Activity]
    resources: dict[str, Resource]
    groups: dict[str, tuple[str, ...]]
    prep_tasks: dict[str, PrepTask]
    by_site: dict[str, list[Activity]]
    awards_by_ceremony: dict[str, list[Award]]
    sync_by_activity: dict[str, list[SyncGroup]]
    coordinates: dict[str, tuple[float, float]]
    sites_per_unit: dict[str, int]


def _get(table: dict[str, T], key: str, kind: str) -> T:
    try:
        return table[key]
    except KeyError:
        raise UnknownReferenceError(
            item_kind="lookup", item_id=key, ref_kind=kind, ref=key, valid=table
        ) from None


#: Where a cross-object error goes: raised at once, or gathered by :meth:`Festival.build`.
_Report: TypeAlias = Callable[[PlanError], None]
_SINK: contextvars.ContextVar[list[PlanError] | None] = contextvars.ContextVar(
    "ngayhoi_festival_errors", default=None
)


def _by_id(items: Sequence[T], kind: str, festival: Festival, report: _Report) -> dict[str, T]:
    table: dict[str, T] = {}
    for item in items:
        key: str = getattr(item, "id")  # noqa: B009 - every indexed record has an id
        if key in table:
            msg = Said(
                N_("festival '{id}': duplicate {kind} id '{key}'; every {kind} needs its own id"),
                id=festival.id,
                kind=Said(kind),
                key=key,
            )
            report(PlanError(msg, kind=kind, item=key, field="id", value=key))
            continue
        table[key] = item
    return table


def _raise(err: PlanError) -> None:
    raise err


def _check(fest: Festival) -> _Index:  # noqa: C901, PLR0912, PLR0915 - one pass over the plan, in order
    sink = _SINK.get()
    report: _Report = _raise if sink is None else sink.append
    reported = len(sink) if sink is not None else 0
    _check_days(fest)
    units = _by_id(fest.units, "unit", fest, report)
    for unit in fest.units:
        for day in fest.days:
            if not unit.valid_on(day):
                template = (
                    N_(
                        "unit '{id}' ({official_name}) is {validity}, but festival '{festival}' is "
                        "on {day}; it became part of '{successor}'; use the units valid on that "
                        "date (ngayhoi.data.units_on)"
                    )
                    if unit.successor
                    else N_(
                        "unit '{id}' ({official_name}) is {validity}, but festival '{festival}' is "
                        "on {day}; use the units valid on that date (ngayhoi.data.units_on)"
                    )
                )
                msg = Said(
                    template,
                    id=unit.id,
                    official_name=unit.official_name,
                    validity=unit.validity(),
                    festival=fest.id,
                    day=day,
                    successor=unit.successor,
                )
                report(UnitNotValidError(msg, kind="unit", item=unit.id, field="id", value=day))
                break
    _same_official_names(fest.units, report)
    sites = _by_id(fest.sites, "site", fest, report)
    for site in fest.sites:
        if site.unit not in units:
            report(
                UnknownReferenceError(
                    item_kind="site",
                    item_id=site.id,
                    ref_kind="unit",
                    ref=site.unit,
                    valid=units,
                    field="unit",
                )
            )
        for name in ("fallback", "hub"):
            ref = getattr(site, name)
            if ref is not None and ref not in sites:
                report(
                    UnknownReferenceError(
                        item_kind="site",
                        item_id=site.id,
                        ref_kind="site",
                        ref=ref,
                        valid=sites,
                        field=name,
                    )
                )
    resources = _by_id(fest.resources, "resource", fest, report)
    groups: dict[str, list[str]] = defaultdict(list)
    for res in fest.resources:
        if res.group is not None:
            if res.group in resources:
                msg = Said(
                    N_(
                        "resource '{id}': group '{group}' is also the id of a resource; give the "
                        "group its own id"
                    ),
                    id=res.id,
                    group=res.group,
                )
                report(PlanError(msg, kind="resource", item=res.id, field="group", value=res.group))
            else:
                groups[res.group].append(res.id)
        if res.home is not None and res.home not in sites:
            report(
                UnknownReferenceError(
                    item_kind="resource",
                    item_id=res.id,
                    ref_kind="site",
                    ref=res.home,
                    valid=sites,
                    field="home",
                )
            )
    activities = _by_id(fest.activities, "activity", fest, report)
    lo, hi = fest.window()
    first_midnight = 0
    last_midnight = fest.minute(fest.local(fest.days[-1], dt.time(0, 0))) + 24 * 60
    by_site: dict[str, list[Activity]] = defaultdict(list)
    for act in fest.activities:
        if act.site not in sites:
            report(
                UnknownReferenceError(
                    item_kind="activity",
                    item_id=act.id,
                    ref_kind="site",
                    ref=act.site,
                    valid=sites,
                    field="site",
                )
            )
        elif activities.get(act.id) is act:
            by_site[act.site].append(act)
        for req in act.needs:
            if req.resource in resources:
                cap = resources[req.resource].capacity
                if cap is not None and req.quantity > cap:
                    msg = Said(
                        N_(
                            "activity '{id}' ({title}): needs {quantity} of '{resource}' which "
                            "has capacity {cap}; lower the quantity or raise the capacity"
                        ),
                        id=act.id,
                        title=act.title,
                        quantity=req.quantity,
                        resource=req.resource,
                        cap=cap,
                    )
                    report(PlanError(msg, kind="activity", item=act.id, field="needs"))
            elif req.resource in groups:
                if req.quantity > len(groups[req.resource]):
                    msg = Said(
                        N_(
                            "activity '{id}' ({title}): needs {quantity} of group '{resource}' "
                            "which has {count} members"
                        ),
                        id=act.id,
                        title=act.title,
                        quantity=req.quantity,
                        resource=req.resource,
                        count=len(groups[req.resource]),
                    )
                    report(PlanError(msg, kind="activity", item=act.id, field="needs"))
            else:
                report(
                    UnknownReferenceError(
                        item_kind="activity",
                        item_id=act.id,
                        ref_kind="resource or group",
                        ref=req.resource,
                        valid=[*resources, *groups],
                        field="needs",
                    )
                )
        for role in act.roles:
            if role not in resources:
                report(
                    UnknownReferenceError(
                        item_kind="activity",
                        item_id=act.id,
                        ref_kind="role",
                        ref=role,
                        valid=resources,
                        field="roles",
                    )
                )
        for name in ("earliest_start", "latest_end", "fixed_start"):
            when: pendulum.DateTime | None = getattr(act, name)
            if when is None:
                continue
            at = fest.minute(when)
            end = at + (minutes(act.duration) if name == "fixed_start" else 0)
            if at < first_midnight or end > last_midnight:
                msg = Said(
                    N_(
                        "activity '{id}' ({title}): {name} {value} is outside the festival's "
                        "days ({value2} to {value3}); move it onto a festival day or add that "
                        "day"
                    ),
                    id=act.id,
                    title=act.title,
                    name=name,
                    value=when.isoformat(),
                    value2=fest.days[0],
                    value3=fest.days[-1],
                )
                report(PlanError(msg, kind="activity", item=act.id, field=name, value=when))
        unbounded = act.fixed_start is None and act.earliest_start is None
        if unbounded and act.latest_end is None and minutes(act.duration) > hi - lo:
            msg = Said(
                N_(
                    "activity '{id}' ({title}): lasts {value} min, longer than the festival's "
                    "opening hours ({value2} min)"
                ),
                id=act.id,
                title=act.title,
                value=minutes(act.duration),
                value2=hi - lo,
            )
            report(
                PlanError(msg, kind="activity", item=act.id, field="duration", value=act.duration)
            )
    for dep in fest.dependencies:
        for name in ("predecessor", "successor"):
            end_id = getattr(dep, name)
            if end_id not in activities:
                report(
                    UnknownReferenceError(
                        item_kind="dependency",
                        item_id=f"{dep.predecessor}->{dep.successor}",
                        ref_kind="activity",
                        ref=end_id,
                        valid=activities,
                        field=name,
                    )
                )
    _by_id(fest.sync_groups, "sync group", fest, report)
    sync_by_activity: dict[str, list[SyncGroup]] = defaultdict(list)
    for group in fest.sync_groups:
        for member in group.activities:
            if member not in activities:
                report(
                    UnknownReferenceError(
                        item_kind="sync group",
                        item_id=group.id,
                        ref_kind="activity",
                        ref=member,
                        valid=activities,
                        field="activities",
                    )
                )
            else:
                sync_by_activity[member].append(group)
    prep = _by_id(fest.prep_tasks, "prep task", fest, report)
    for task in fest.prep_tasks:
        _check_task(fest, task, activities, resources, units, prep, report)
    for task in fest.prep_tasks:
        for before in task.after:
            if before in prep and due_date(fest, prep[before]) > due_date(fest, task):
                msg = Said(
                    N_(
                        "prep task '{id}' ({title}) is due {value}, before '{before}' ({title2}) "
                        "which it comes after and which is due {value2}; move one of the two "
                        "dates"
                    ),
                    id=task.id,
                    title=task.title,
                    value=due_date(fest, task),
                    before=before,
                    title2=prep[before].title,
                    value2=due_date(fest, prep[before]),
                )
                report(PlanError(msg, kind="prep task", item=task.id, field="after", value=before))
    _by_id(fest.awards, "award", fest, report)
    awards_by_ceremony: dict[str, list[Award]] = defaultdict(list)
    for award in fest.awards:
        if award.ceremony not in activities:
            report(
                UnknownReferenceError(
                    item_kind="award",
                    item_id=award.id,
                    ref_kind="activity",
                    ref=award.ceremony,
                    valid=activities,
                    field="ceremony",
                )
            )
        for day in fest.days:
            try:
                check_power(award, day)
            except PlanError as err:
                report(err)
                break
            if not award.issuer.valid_on(day):
                msg = Said(
                    N_(
                        "award '{id}' ({title}): the issuer '{id2}' cannot sign awards on {day} "
                        "(valid {value} to {value2}); choose an issuer that exists then"
                    ),
                    id=award.id,
                    title=award.title,
                    id2=award.issuer.id,
                    day=day,
                    value=award.issuer.valid_from or "...",
                    value2=award.issuer.valid_to or "...",
                )
                report(PlanError(msg, kind="award", item=award.id, field="issuer", value=day))
                break
        awards_by_ceremony[award.ceremony].append(award)
    named: set[str] = set()  # the matrix holds both directions of a pair: name a site once
    for origin, destination in fest.travel.minutes:
        for site_id in (origin, destination):
            if site_id not in sites and site_id not in named:
                named.add(site_id)
                report(
                    UnknownReferenceError(
                        item_kind="travel time",
                        item_id=f"{origin}->{destination}",
                        ref_kind="site",
                        ref=site_id,
                        valid=sites,
                        field="from" if site_id == origin else "to",
                    )
                )
    coordinates: dict[str, tuple[float, float]] = {}
    for site in fest.sites:
        if site.lat is not None and site.lon is not None:
            coordinates[site.id] = (site.lat, site.lon)
    if sink is None or len(sink) == reported:
        # The travel check reads every activity's site and needs: only once they are known.
        _check_travel(fest, resources, groups, coordinates)
    return _Index(
        units=units,
        sites=sites,
        activities=activities,
        resources=resources,
        groups={k: tuple(v) for k, v in groups.items()},
        prep_tasks=prep,
        by_site=dict(by_site),
        awards_by_ceremony=dict(awards_by_ceremony),
        sync_by_activity=dict(sync_by_activity),
        coordinates=coordinates,
        sites_per_unit=_count_sites(by_site, sites),
    )


def _check_task(  # noqa: PLR0917 - the indexes a task refers into
    fest: Festival,
    task: PrepTask,
    activities: Mapping[str, Activity],
    resources: Mapping[str, Resource],
    units: Mapping[str, Unit],
    prep: Mapping[str, PrepTask],
    report: _Report,
) -> None:
    if task.id in activities:
        # Both become calendar events with the UID <festival>.<id>@<domain>: one
        # would silently replace the other in every feed.
        msg = Said(
            N_(
                "festival '{id}': prep task '{id2}' has the id of an activity; activities and "
                "prep tasks share one calendar UID space, so give the task another id (e.g. "
                "'{id2}.chuan-bi')"
            ),
            id=fest.id,
            id2=task.id,
        )
        report(PlanError(msg, kind="prep task", item=task.id, field="id", value=task.id))
    if task.owner not in resources:
        report(
            UnknownReferenceError(
                item_kind="prep task",
                item_id=task.id,
                ref_kind="owner role",
                ref=task.owner,
                valid=resources,
                field="owner",
            )
        )
    if task.unit is not None and task.unit not in units:
        report(
            UnknownReferenceError(
                item_kind="prep task",
                item_id=task.id,
                ref_kind="unit",
                ref=task.unit,
                valid=units,
                field="unit",
            )
        )
    for before in task.after:
        if before == task.id:
            report(
                PlanError(
                    kind="prep task",
                    item=task.id,
                    field="after",
                    value=before,
                    expected="the ids of other prep tasks",
                    hint="a task cannot come after itself; remove its own id from after",
                )
            )
        elif before not in prep:
            report(
                UnknownReferenceError(
                    item_kind="prep task",
                    item_id=task.id,
                    ref_kind="prep task",
                    ref=before,
                    valid=prep,
                    field="after",
                )
            )


def _same_official_names(units: Sequence[Unit], report: _Report) -> None:
    """Refuse two units of one parent with the same official name: people tell them apart by it.

    Names are stored in NFC, so a name typed with combining accents (NFD) is the
    same name as the precomposed one and is caught here.
    """
    seen: dict[tuple[str, str | None], Unit] = {}
    for unit in units:
        first = seen.setdefault((unit.official_name, unit.parent), unit)
        if first is not unit:
            msg = Said(
                N_(
                    "unit '{id}' has the same official name as unit '{id2}': {official_name!r} "
                    "(names are compared in Unicode NFC, so the same letters typed with "
                    "combining accents count as the same name); give each its own official name, "
                    "or drop '{id}' if it is a copy"
                ),
                id=unit.id,
                id2=first.id,
                official_name=unit.official_name,
            )
            report(
                PlanError(
                    msg, kind="unit", item=unit.id, field="official_name", value=unit.official_name
                )
            )


def _check_travel(
    fest: Festival,
    resources: Mapping[str, Resource],
    groups: Mapping[str, list[str]],
    coordinates: Mapping[str, tuple[float, float]],
) -> None:
    """Every pair of sites a delegation may drive between has a travel time.

    Only sites without a derived time need the matrix, so the work is bounded by
    the size of the matrix the plan gives.
    """
    travel = fest.travel
    if travel.default is not None:
        return
    for rid, visits in _visits(fest, resources, groups).items():
        uncovered = [s for s in visits if travel.speed_kmh is None or s not in coordinates]
        for a in uncovered:
            for b in visits:
                for origin, destination in ((a, b), (b, a)):
                    if origin != destination and (origin, destination) not in travel.minutes:
                        raise _no_travel(rid, origin, destination, visits)


def _visits(
    fest: Festival, resources: Mapping[str, Resource], groups: Mapping[str, list[str]]
) -> dict[str, dict[str, str]]:
    """For each delegation, the sites it may visit and one activity there."""
    sites_of: dict[str, dict[str, str]] = defaultdict(dict)
    for act in fest.activities:
        for req in act.needs:
            for rid in groups.get(req.resource, (req.resource,)):
                res = resources.get(rid)
                if res is not None and res.travels:
                    sites_of[rid].setdefault(act.site, act.id)
    return sites_of


def _no_travel(rid: str, a: str, b: str, visits: Mapping[str, str]) -> PlanError:
    msg = Said(
        N_(
            "resource '{rid}' (a delegation) may drive from site '{a}' to '{b}' but the plan "
            "gives no travel time for that pair (it may serve '{value}' and '{value2}'); add it "
            "to the travel matrix (TravelTimes(minutes={{('{a}', '{b}'): 20}}), in a plan file "
            '{{from = "{a}", to = "{b}", minutes = 20}} under [travel]), give both sites lat and '
            "lon and a speed_kmh, or set a default"
        ),
        rid=rid,
        a=a,
        b=b,
        value=visits[a],
        value2=visits[b],
    )
    return PlanError(msg, kind="travel", item=rid)


def _count_sites(
    by_site: Mapping[str, list[Activity]], sites: Mapping[str, Site]
) -> dict[str, int]:
    """How many sites with activities each unit has."""
    out: dict[str, int] = {}
    for site_id in by_site:
        unit = sites[site_id].unit
        out[unit] = out.get(unit, 0) + 1
    return out


def _check_days(fest: Festival) -> None:
    if not isinstance(fest.days, tuple):
        msg = Said(
            N_(
                "festival '{id}': days {days!r} is not a list of dates; give e.g. "
                "days=[pendulum.date(2023, 8, 6)] (in a plan file: days = [2023-08-06])"
            ),
            id=fest.id,
            days=fest.days,
        )
        raise PlanError(msg, kind="festival", item=fest.id, field="days")
    if not fest.days:
        msg = Said(
            N_("festival '{id}': days is empty; give at least one date, e.g. 2023-08-06"),
            id=fest.id,
        )
        raise PlanError(msg, kind="festival", item=fest.id, field="days")
    for day in fest.days:
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            msg = Said(
                N_("festival '{id}': day {day!r} is not a date; use an ISO date (2023-08-06)"),
                id=fest.id,
                day=day,
            )
            raise PlanError(msg, kind="festival", item=fest.id, field="days", value=day)
        check_year(day, "festival", fest.id, "days")
    if list(fest.days) != sorted(set(fest.days)):
        shown = [str(d) for d in fest.days]
        msg = Said(
            N_("festival '{id}': days {shown} must be distinct and in order"),
            id=fest.id,
            shown=shown,
        )
        raise PlanError(msg, kind="festival", item=fest.id, field="days")
    if len(fest.days) > _MAX_DAYS:
        msg = Said(
            N_("festival '{id}': {count} days; a festival lasts at most {MAX_DAYS}"),
            id=fest.id,
            count=len(fest.days),
            MAX_DAYS=_MAX_DAYS,
        )
        raise PlanError(msg, kind="festival", item=fest.id, field="days")
    try:
        pendulum.timezone(fest.timezone)
    except Exception:  # noqa: BLE001 - pendulum raises several kinds for unknown zones
        msg = Said(
            N_("festival '{id}': time zone {timezone!r} is not an IANA zone; use '{TIMEZONE}'"),
            id=fest.id,
            timezone=fest.timezone,
            TIMEZONE=TIMEZONE,
        )
        raise PlanError(msg, kind="festival", item=fest.id, field="timezone") from None
    _check_campaign(fest)
    if fest.opens >= fest.closes:
        msg = Said(
            N_(
                "festival '{id}': opens at {opens:%H:%M} but closes at {closes:%H:%M}; opens "
                "must be earlier than closes on the same day"
            ),
            id=fest.id,
            opens=fest.opens,
            closes=fest.closes,
        )
        raise PlanError(msg, kind="festival", item=fest.id, field="opens")


def _check_campaign(fest: Festival) -> None:
    if fest.campaign is not None:
        campaign: object = fest.campaign
        if (
            not isinstance(campaign, tuple)
            or len(campaign) != 2  # noqa: PLR2004
            or not all(isinstance(d, dt.date) and not isinstance(d, dt.datetime) for d in campaign)
        ):
            msg = Said(
                N_(
                    "festival '{id}': campaign {campaign!r} is not a pair of dates; give the "
                    "first and last day, e.g. campaign=('2023-07-01', '2023-08-19')"
                ),
                id=fest.id,
                campaign=campaign,
            )
            raise PlanError(msg, kind="festival", item=fest.id, field="campaign")
        first, last = fest.campaign
        for day in (first, last):
            check_year(day, "festival", fest.id, "campaign")
        if last < first:
            msg = Said(
                N_("festival '{id}': campaign ends {last}, before it starts {first}"),
                id=fest.id,
                last=last,
                first=first,
            )
            raise PlanError(msg, kind="festival", item=fest.id, field="campaign")
        outside = [str(d) for d in fest.days if not first <= d <= last]
        if outside:
            msg = Said(
                N_(
                    "festival '{id}': day {value} is outside the campaign window {first} to "
                    "{last}; move the day or widen the campaign"
                ),
                id=fest.id,
                value=outside[0],
                first=first,
                last=last,
            )
            raise PlanError(msg, kind="festival", item=fest.id, field="campaign")


def due_date(fest: Festival, task: PrepTask) -> pendulum.Date:
    """The date a prep task is due: its own ``due`` or the first day plus ``offset_days``.

    A date from ``offset_days`` that falls on a day off moves to the working day
    before it (:mod:`ngayhoi.model.workdays`), unless ``fest.working_days`` is off;
    a fixed ``due`` stays where it is.

    >>> f = Festival(id="f", name="F", days=["2023-08-06"])
    >>> due_date(f, PrepTask(id="t", title="Tổng duyệt", offset_days=-1, owner="btc"))
    Date(2023, 8, 4)
    >>> due_date(attrs.evolve(f, working_days=False),
    ...          PrepTask(id="t", title="Tổng duyệt", offset_days=-1, owner="btc"))
    Date(2023, 8, 5)
    """
    return _due(fest, task)[0]


def due_note(fest: Festival, task: PrepTask) -> str | None:
    """Why a prep task's date moved off its day ("dời về thứ Sáu ..."), or ``None``.

    >>> f = Festival(id="f", name="F", days=["2023-08-06"])
    >>> due_note(f, PrepTask(id="t", title="Tổng duyệt", offset_days=-1, owner="btc"))
    'dời về thứ Sáu 04/08/2023 vì 05/08/2023 là thứ Bảy'
    """
    return _due(fest, task)[1]


def _due(fest: Festival, task: PrepTask) -> tuple[pendulum.Date, str | None]:
    if task.due is not None:
        return task.due, None
    return _offset_due(fest.days, fest.days_off, fest.working_days, task.offset_days)


@functools.lru_cache(maxsize=4096)
def _offset_due(
    days: tuple[pendulum.Date, ...],
    days_off: tuple[pendulum.Date, ...],
    working_days: bool,
    offset_days: int,
) -> tuple[pendulum.Date, str | None]:
    # Cached: a plan's hundreds of tasks share a few offsets, and every Festival
    # (each attrs.evolve of one) checks its deadlines again.
    raw = days[0].add(days=offset_days)
    if not working_days or offset_days == 0 or raw in days:
        return raw, None
    moved, note = working_day_before(raw, days_off)
    if offset_days > 0 and moved <= days[-1]:
        moved, note = working_day_after(raw, days_off)
    return pendulum.Date(moved.year, moved.month, moved.day), note


def iter_roles(fest: Festival) -> Iterator[Resource]:
    """The resources that are roles or teams, in plan order."""
    return (r for r in fest.resources if r.kind is ResourceKind.ROLE)
