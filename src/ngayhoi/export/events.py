"""The event model of the calendars: what an event is and its identity.

Every event is built once, from the schedule, and the same event goes into
every feed it appears in: the UID ``<festival>.<activity>@<domain>`` is the
same in the commune feed, the master and a delegation's feed. A
:class:`Revision` (SEQUENCE and the change time) is what the export state keeps
per UID; :mod:`ngayhoi.export.feeds` says which events each calendar shows and
:mod:`ngayhoi.export.encoding` writes them.

>>> import ngayhoi
>>> events = calendar_events(ngayhoi.schedule(ngayhoi.samples.tiny_festival()))
>>> events["tiny.x.chao-co@ngayhoi.vn"].kind
'activity'
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from json.encoder import encode_basestring
from typing import cast
from zoneinfo import ZoneInfo

import attrs

from ngayhoi._records import plain_repr
from ngayhoi.export import _lines
from ngayhoi.model import (
    Festival,
    ResourceKind,
    SyncKind,
    due_date,
    due_note,
)
from ngayhoi.scheduling.result import Leg, Schedule, Slot
from ngayhoi.templates.terms import role_wording, unit_terms, worded

__all__ = [
    "CalendarEvent",
    "Revision",
    "activity_uid",
    "calendar_events",
    "view_uid",
]

_UTC = dt.UTC


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class CalendarEvent:
    """One event or to-do, as every feed shows it: the unit that gets a UID.

    Attributes:
        uid: the stable identity, ``<festival>.<id>@<domain>``.
        kind: ``"activity"``, ``"travel"``, ``"task"`` (a preparation task, written
            as an all-day event unless the feed asks for to-dos) or ``"todo"`` (one
            always written as a VTODO).
        summary: the title line.
        start: aware start (events) or the due date (tasks).
        end: aware end, ``None`` for tasks.
        location: where, for people.
        description: details, one fact per line.
        categories: labels.
        geo: ``(lat, lon)`` of the site, if known.
        related_to: the UID of the event this one belongs to (a bridge's hub).
        cancelled: whether it no longer takes place.
        transparent: whether it leaves the time free (travel blocks do not).
        resources: the delegations (and other named resources) it holds, by name.
    """

    uid: str
    kind: str
    summary: str
    start: dt.datetime | dt.date
    end: dt.datetime | None = None
    location: str | None = None
    description: str | None = None
    categories: tuple[str, ...] = ()
    geo: tuple[float, float] | None = None
    related_to: str | None = None
    cancelled: bool = False
    transparent: bool = False
    resources: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The event as plain JSON data (for the export state).

        >>> e = CalendarEvent(uid="u", kind="task", summary="Tổng duyệt", start=dt.date(2023, 8, 5))
        >>> CalendarEvent.from_json(e.to_json()) == e
        True
        """
        data = self._fields(_local)
        data["all_day"] = not isinstance(self.start, dt.datetime)
        if isinstance(self.start, dt.datetime):
            data["tz"] = str(self.start.tzinfo)
        return data

    @classmethod
    def from_json(cls, data: dict[str, object]) -> CalendarEvent:
        """The event back from :meth:`to_json`."""
        fields = dict(data)
        all_day = bool(fields.pop("all_day", False))
        zone = ZoneInfo(str(fields.pop("tz", "UTC")))
        start = str(fields["start"])
        fields["start"] = dt.date.fromisoformat(start) if all_day else _aware(start, zone)
        end = fields.get("end")
        fields["end"] = None if end is None else _aware(str(end), zone)
        for key in ("categories", "resources"):
            fields[key] = tuple(cast("list[str]", fields.get(key) or []))
        geo = fields.get("geo")
        fields["geo"] = None if geo is None else tuple(cast("list[float]", geo))
        return cls(**fields)  # type: ignore[arg-type]

    def fingerprint(self) -> str:
        """A digest of everything a subscriber sees; a change bumps SEQUENCE.

        >>> e = CalendarEvent(uid="u", kind="activity", summary="Chào cờ",
        ...                   start=dt.date(2023, 8, 6))
        >>> e.fingerprint() == attrs.evolve(e, summary="Bế mạc").fingerprint()
        False
        """
        # The text json.dumps(fields, sort_keys=True, ensure_ascii=False) gives,
        # written out (the state keeps these digests, so they must not change);
        # tests/test_ics.py checks the two agree.
        text = _json_text
        start, end = _plain(self.start), _plain(self.end)
        geo = "null" if self.geo is None else f"[{self.geo[0]!r}, {self.geo[1]!r}]"
        blob = (
            f'{{"cancelled": {_JSON_BOOL[self.cancelled]}, '
            f'"categories": [{", ".join(map(text, self.categories))}], '
            f'"description": {text(self.description)}, "end": {text(end)}, '
            f'"geo": {geo}, "kind": {text(self.kind)}, "location": {text(self.location)}, '
            f'"related_to": {text(self.related_to)}, '
            f'"resources": [{", ".join(map(text, self.resources))}], '
            f'"start": {text(start)}, "summary": {text(self.summary)}, '
            f'"transparent": {_JSON_BOOL[self.transparent]}, "uid": {text(self.uid)}}}'
        )
        return hashlib.sha256(blob.encode()).hexdigest()

    def _fields(self, when: Callable[[object], object]) -> dict[str, object]:
        # What attrs.asdict gives (tuples as lists), written out: a national
        # export turns 160,000 events into JSON and asdict is the slow part.
        return {
            "uid": self.uid,
            "kind": self.kind,
            "summary": self.summary,
            "start": when(self.start),
            "end": when(self.end),
            "location": self.location,
            "description": self.description,
            "categories": list(self.categories),
            "geo": None if self.geo is None else list(self.geo),
            "related_to": self.related_to,
            "cancelled": self.cancelled,
            "transparent": self.transparent,
            "resources": list(self.resources),
        }


_JSON_BOOL = {True: "true", False: "false"}


def _json_text(value: object) -> str:
    """A JSON string (or null) as json.dumps writes it with ensure_ascii=False."""
    return "null" if value is None else encode_basestring(str(value))


def _aware(text: str, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(zone)


def _local(value: object) -> object:
    """Datetimes in their own zone with the offset, dates in ISO: JSON-ready."""
    if isinstance(value, dt.datetime):
        return _lines.iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _plain(value: object) -> object:
    if isinstance(value, dt.datetime):
        return _utc_iso(value, value.utcoffset())
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@functools.lru_cache(maxsize=4096)
def _utc_iso(value: dt.datetime, _offset: dt.timedelta | None) -> str:
    return value.astimezone(_UTC).isoformat()


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class Revision:
    """What a subscriber's client keys updates on: SEQUENCE and the change time.

    ``stamp`` is the UTC time of the event's last change; it is written as
    both DTSTAMP and LAST-MODIFIED, so an unchanged event keeps its bytes.
    """

    sequence: int = 0
    stamp: dt.datetime
    created: dt.datetime


def activity_uid(festival: Festival, item_id: str) -> str:
    """The UID of an activity (or task) of the festival, the same in every feed.

    >>> from ngayhoi.samples import tiny_festival
    >>> activity_uid(tiny_festival(), "x.chao-co")
    'tiny.x.chao-co@ngayhoi.vn'
    """
    return f"{festival.id}.{item_id}@{festival.domain}"


def view_uid(uid: str, feed_id: str) -> str:
    """The UID an event has in one feed with ``uid_scope="view"``.

    >>> view_uid("tiny.x.chao-co@ngayhoi.vn", "master")
    'tiny.x.chao-co.master@ngayhoi.vn'
    """
    local, _, domain = uid.partition("@")
    return f"{local}.{feed_id}@{domain}"


def _leg_uid(festival: Festival, leg: Leg, occurrence: int = 1) -> str:
    more = f".{occurrence}" if occurrence > 1 else ""
    return (
        f"{festival.id}.travel.{leg.resource}.{leg.origin}.{leg.destination}{more}"
        f"@{festival.domain}"
    )


def _itinerary_uids(schedule: Schedule, resource_id: str) -> list[tuple[Slot | Leg, str]]:
    """A delegation's visits and (non-zero) drives in order, each with its UID.

    A drive between the same two sites made twice in a day gets ``.2`` after
    the first one's UID, so every drive keeps an identity of its own.
    """
    fest = schedule.festival
    seen: collections.Counter[tuple[str, str]] = collections.Counter()
    out: list[tuple[Slot | Leg, str]] = []
    for part in schedule.itinerary(resource_id):
        if isinstance(part, Slot):
            out.append((part, activity_uid(fest, part.activity)))
        elif part.minutes > 0:
            seen[part.origin, part.destination] += 1
            out.append((part, _leg_uid(fest, part, seen[part.origin, part.destination])))
    return out


def calendar_events(
    schedule: Schedule, *, tasks: bool = True, todos: bool = False
) -> dict[str, CalendarEvent]:
    """Every event of the schedule, keyed by UID: activities, delegations' travel, tasks.

    Preparation tasks are of kind ``"task"`` (written as all-day events), or
    ``"todo"`` with ``todos`` (written as VTODOs): the form is part of what
    subscribers see, so switching it changes the events' fingerprints and the
    export raises their SEQUENCE and reports them (``ngayhoi export --tasks``).

    >>> import ngayhoi
    >>> sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
    >>> calendar_events(sched)["tiny.x.bao-cao@ngayhoi.vn"].summary
    'Báo cáo đánh giá phong trào – Long Hòa'
    """
    fest = schedule.festival
    tz = ZoneInfo(fest.timezone)
    out: dict[str, CalendarEvent] = {}
    for slot in schedule.values():
        event = _activity_event(schedule, slot, tz)
        out[event.uid] = event
    for resource in schedule.delegations():
        for part, uid in _itinerary_uids(schedule, resource.id):
            if isinstance(part, Leg):
                out[uid] = _travel_event(fest, part, tz, uid)
    if tasks:
        for task in fest.prep_tasks:
            uid = activity_uid(fest, task.id)
            owner = fest.resource(task.owner).name
            host = f" – {fest.unit(task.unit).name}" if task.unit else ""
            if task.unit:
                terms = unit_terms(fest.unit(task.unit).kind, fest.days[0])
                owner = (role_wording(task.owner, terms) if terms else None) or owner
            lines = [f"Chủ trì: {owner}"]
            if task.deliverable:
                lines.append(f"Sản phẩm: {task.deliverable}")
            offset = f"T{task.offset_days:+d}" if task.offset_days else "T"
            lines.append(f"Hạn: {offset} so với ngày hội")
            moved = due_note(fest, task)
            if moved:
                lines.append(f"Hạn {moved}")
            out[uid] = CalendarEvent(
                uid=uid,
                kind="todo" if todos else "task",
                summary=f"{task.title}{host}",
                start=due_date(fest, task),
                description="\n".join(lines),
                categories=("Chuẩn bị",),
            )
    return out


def _activity_event(schedule: Schedule, slot: Slot, tz: ZoneInfo) -> CalendarEvent:
    fest = schedule.festival
    act = fest.activity(slot.activity)
    site = fest.site(act.site)
    unit = fest.unit(site.unit)
    location = site.location
    if unit.name not in location:
        location = f"{location}, {unit.official_name}"
    # A standard item is titled in the words of its unit's kind and day (templates/terms.py).
    terms = unit_terms(unit.kind, slot.start.in_timezone(fest.timezone).date())
    title, lead = worded(act.item, act.title, act.lead, terms)
    lines: list[str] = []
    if lead:
        lines.append(f"Phụ trách: {lead}")
    lines += _sync_lines(fest, slot, title, tz)
    held = []
    for resource_id in slot.resources:
        resource = fest.resource(resource_id)
        if resource.kind is ResourceKind.DELEGATION:
            lines.append(f"Đoàn dự: {resource.name}")
            held.append(resource.name)
    awards = fest.awards_at(act.id)
    if awards:
        lines.append(f"Khen thưởng ({len(awards)}):")
        lines.extend(f"- {a.title}: {a.recipient}" for a in awards)
    if act.description:
        lines.append(act.description)
    related = None
    for group in fest.sync_groups_of(act.id):
        if group.hub is not None and group.hub != act.id:
            related = activity_uid(fest, group.hub)
    geo = (site.lat, site.lon) if site.lat is not None and site.lon is not None else None
    return CalendarEvent(
        uid=activity_uid(fest, act.id),
        kind="activity",
        summary=f"{title} – {unit.name}",
        start=_wall(slot.start, tz),
        end=_wall(slot.end, tz),
        location=location,
        description="\n".join(lines) or None,
        categories=(act.kind.part.value.capitalize(),),
        geo=geo,
        related_to=related,
        resources=tuple(held),
    )


def _sync_lines(fest: Festival, slot: Slot, title: str, tz: ZoneInfo) -> list[str]:
    """A line per simultaneous start or online bridge the activity takes part in."""
    act = fest.activity(slot.activity)
    lines = []
    for group in fest.sync_groups_of(act.id):
        when = f"{_wall(slot.start, tz):%H:%M}"
        what = "Điểm cầu trực tuyến" if group.kind is SyncKind.BRIDGE else "Đồng loạt"
        shared = group.title
        if shared == f"{act.title} (đồng loạt)":  # named after this item: in this unit's words
            shared = f"{title} (đồng loạt)"
        lines.append(f"{what}: {shared}, {len(group.activities)} điểm, bắt đầu {when}")
    return lines


def _wall(moment: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The moment on the festival's clock, as a plain datetime in ``tz``."""
    local = moment if getattr(moment.tzinfo, "key", None) == tz.key else moment.astimezone(tz)
    return dt.datetime(
        local.year,
        local.month,
        local.day,
        local.hour,
        local.minute,
        local.second,
        tzinfo=tz,
        fold=local.fold,
    )


def _travel_event(festival: Festival, leg: Leg, tz: ZoneInfo, uid: str) -> CalendarEvent:
    origin = festival.site(leg.origin)
    destination = festival.site(leg.destination)
    name = festival.resource(leg.resource).name
    return CalendarEvent(
        uid=uid,
        kind="travel",
        summary=f"{name} di chuyển: {origin.name} → {destination.name}",
        start=_wall(leg.depart, tz),
        end=_wall(leg.arrive, tz),
        location=destination.location,
        description=f"Thời gian di chuyển dự kiến: {leg.minutes} phút",
        categories=("Di chuyển",),
    )
