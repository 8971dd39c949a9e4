r"""iCalendar export: one calendar per commune, a master, and views per delegation and role.

The profile is the project's ``ICAL_INTEROP.md`` §1: UTF-8 NFC text, CRLF,
folding between characters (icalendar does it), ``TZID=Asia/Ho_Chi_Minh`` with
an embedded VTIMEZONE, stable UIDs from the plan's ids, no METHOD (these are
feeds), calendar names without ``, ; \``, ``REFRESH-INTERVAL;VALUE=DURATION``.

Every event is rendered once, from the schedule, and the same bytes go into
every feed it appears in: the UID ``<festival>.<activity>@<domain>`` is the
same in the commune feed, the master and a delegation's feed.

>>> import pendulum, ngayhoi
>>> sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
>>> stamp = pendulum.datetime(2023, 7, 1, tz="UTC")
>>> cal = calendar_bytes(sched, master_feed(sched), stamp=stamp)
>>> b"UID:tiny.x.chao-co@ngayhoi.vn" in cal, b"\r\n" in cal
(True, True)
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import cast
from zoneinfo import ZoneInfo

import attrs
import icalendar

from ngayhoi._version import __version__
from ngayhoi.errors import ExportError
from ngayhoi.model import Festival, ResourceKind, due_date
from ngayhoi.model.festival import iter_roles
from ngayhoi.scheduling.result import Leg, Schedule, Slot

__all__ = [
    "PRODID",
    "CalendarEvent",
    "Feed",
    "Revision",
    "activity_uid",
    "calendar_bytes",
    "calendar_events",
    "commune_feeds",
    "delegation_feeds",
    "master_feed",
    "role_feeds",
    "standard_feeds",
]

#: The PRODID of every calendar ngayhoi writes.
PRODID = f"-//ngayhoi//ngayhoi {__version__}//VI"
_UTC = dt.UTC
_CANCEL_MARK = "[HỦY] "


@attrs.frozen(kw_only=True)
class CalendarEvent:
    """One event or to-do, as every feed shows it: the unit that gets a UID.

    Attributes:
        uid: the stable identity, ``<festival>.<id>@<domain>``.
        kind: ``"activity"``, ``"travel"`` or ``"task"``.
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
        data = attrs.asdict(self, value_serializer=lambda _i, _a, v: _local(v))
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
        data = attrs.asdict(self, value_serializer=lambda _i, _a, v: _plain(v))
        blob = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()


def _aware(text: str, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(zone)


def _local(value: object) -> object:
    """Datetimes in their own zone with the offset, dates in ISO: JSON-ready."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _plain(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.astimezone(_UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@attrs.frozen(kw_only=True)
class Revision:
    """What a subscriber's client keys updates on: SEQUENCE and the change time.

    ``stamp`` is the UTC time of the event's last change; it is written as
    both DTSTAMP and LAST-MODIFIED, so an unchanged event keeps its bytes.
    """

    sequence: int = 0
    stamp: dt.datetime
    created: dt.datetime


@attrs.frozen(kw_only=True)
class Feed:
    """One calendar file: which events it shows and what it is called.

    Attributes:
        id: ASCII slug; the file is ``<id>.ics``.
        name: the calendar's name, in Vietnamese.
        description: a sentence saying whose calendar it is.
        uids: the UIDs of its events, in order.
        kind: ``"master"``, ``"commune"``, ``"delegation"``, ``"role"`` or ``"person"``.
        subject: the id of the unit, delegation or role it is for.
    """

    id: str
    name: str
    description: str
    uids: tuple[str, ...]
    kind: str
    subject: str | None = None

    @property
    def filename(self) -> str:
        """The file name of the feed."""
        return f"{self.id}.ics"


def activity_uid(festival: Festival, item_id: str) -> str:
    """The UID of an activity (or task) of the festival, the same in every feed.

    >>> from ngayhoi.samples import tiny_festival
    >>> activity_uid(tiny_festival(), "x.chao-co")
    'tiny.x.chao-co@ngayhoi.vn'
    """
    return f"{festival.id}.{item_id}@{festival.domain}"


def _leg_uid(festival: Festival, leg: Leg) -> str:
    return f"{festival.id}.travel.{leg.resource}.{leg.origin}.{leg.destination}@{festival.domain}"


def calendar_events(schedule: Schedule, *, tasks: bool = True) -> dict[str, CalendarEvent]:
    """Every event of the schedule, keyed by UID: activities, delegations' travel, tasks.

    >>> import ngayhoi
    >>> events = calendar_events(ngayhoi.schedule(ngayhoi.samples.tiny_festival()))
    >>> events["tiny.x.bao-cao@ngayhoi.vn"].summary
    'Báo cáo đánh giá phong trào – Long Hòa'
    """
    fest = schedule.festival
    tz = ZoneInfo(fest.timezone)
    out: dict[str, CalendarEvent] = {}
    for slot in schedule:
        event = _activity_event(schedule, slot, tz)
        out[event.uid] = event
    for resource in schedule.delegations():
        for part in schedule.itinerary(resource.id):
            if isinstance(part, Leg) and part.minutes > 0:
                event = _travel_event(fest, part, tz)
                out[event.uid] = event
    if tasks:
        for task in fest.prep_tasks:
            uid = activity_uid(fest, task.id)
            owner = fest.resource(task.owner).name
            host = f" – {fest.unit(task.unit).name}" if task.unit else ""
            lines = [f"Chủ trì: {owner}"]
            if task.deliverable:
                lines.append(f"Sản phẩm: {task.deliverable}")
            offset = f"T{task.offset_days:+d}" if task.offset_days else "T"
            lines.append(f"Hạn: {offset} so với ngày hội")
            out[uid] = CalendarEvent(
                uid=uid,
                kind="task",
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
    lines: list[str] = []
    if act.lead:
        lines.append(f"Phụ trách: {act.lead}")
    for group in fest.sync_groups_of(act.id):
        when = slot.start.in_timezone(fest.timezone).format("HH:mm")
        what = "Điểm cầu trực tuyến" if group.kind.value == "diem-cau" else "Đồng loạt"
        lines.append(f"{what}: {group.title}, {len(group.activities)} điểm, bắt đầu {when}")
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
        summary=f"{act.title} – {unit.name}",
        start=slot.start.in_timezone(fest.timezone).naive().replace(tzinfo=tz),
        end=slot.end.in_timezone(fest.timezone).naive().replace(tzinfo=tz),
        location=location,
        description="\n".join(lines) or None,
        categories=(act.kind.part.value.capitalize(),),
        geo=geo,
        related_to=related,
        resources=tuple(held),
    )


def _travel_event(festival: Festival, leg: Leg, tz: ZoneInfo) -> CalendarEvent:
    origin = festival.site(leg.origin)
    destination = festival.site(leg.destination)
    name = festival.resource(leg.resource).name
    return CalendarEvent(
        uid=_leg_uid(festival, leg),
        kind="travel",
        summary=f"{name} di chuyển: {origin.name} → {destination.name}",
        start=leg.depart.in_timezone(festival.timezone).naive().replace(tzinfo=tz),
        end=leg.arrive.in_timezone(festival.timezone).naive().replace(tzinfo=tz),
        location=destination.location,
        description=f"Thời gian di chuyển dự kiến: {leg.minutes} phút",
        categories=("Di chuyển",),
    )


class _Text(icalendar.vText):
    r"""A TEXT value escaped by RFC 5545 §3.3.11 alone.

    icalendar's own escaping first reads the two characters ``\N`` in the
    value as a line break, so a plan's ``C:\New`` would reach the calendar as
    two lines; here a backslash is always a backslash.

    >>> _Text("C:\\New; a, b\nc").to_ical()
    b'C:\\\\New\\; a\\, b\\nc'
    """

    def to_ical(self) -> bytes:
        """The escaped value, UTF-8 encoded."""
        text = str(self).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
        return text.encode("utf-8")


def _safe_name(text: str) -> str:
    # icalendar neither escapes nor unescapes NAME/X-WR-CALNAME/X-WR-CALDESC
    # (ICAL_INTEROP.md §3.3): keep , ; \ out of them.
    cleaned = text.replace(";", " –").replace(",", " –").replace("\\", "/")
    return unicodedata.normalize("NFC", " ".join(cleaned.split()))


def master_feed(schedule: Schedule) -> Feed:
    """The organiser's calendar: every event of the festival.

    >>> import ngayhoi
    >>> master_feed(ngayhoi.schedule(ngayhoi.samples.tiny_festival())).filename
    'master.ics'
    """
    fest = schedule.festival
    uids = tuple(calendar_events(schedule))
    return Feed(
        id="master",
        name=_safe_name(f"{fest.name} – Tổng hợp"),
        description=_safe_name(
            f"Lịch tổng hợp của {fest.organiser or 'Ban tổ chức'}: mọi điểm tổ chức và mọi đoàn"
        ),
        uids=uids,
        kind="master",
    )


def commune_feeds(schedule: Schedule) -> list[Feed]:
    """One calendar per hosting unit: its activities, its tasks, and the visits it receives.

    >>> import ngayhoi
    >>> [f.id for f in commune_feeds(ngayhoi.schedule(ngayhoi.samples.tiny_festival()))]
    ['commune-x']
    """
    fest = schedule.festival
    events = calendar_events(schedule)
    feeds = []
    for unit in fest.hosts():
        ids = [s.activity for s in schedule.for_unit(unit.id)]
        uids = [activity_uid(fest, a) for a in ids]
        uids += [activity_uid(fest, t.id) for t in fest.prep_tasks if t.unit == unit.id]
        feeds.append(
            Feed(
                id=f"commune-{unit.id}",
                name=_safe_name(f"{fest.name} – {unit.official_name}"),
                description=_safe_name(f"Chương trình Ngày hội tại {unit.official_name}"),
                uids=tuple(u for u in uids if u in events),
                kind="commune",
                subject=unit.id,
            )
        )
    return feeds


def delegation_feeds(schedule: Schedule) -> list[Feed]:
    """One calendar per delegation: each visit and the travel between visits.

    >>> import ngayhoi
    >>> sched = ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation())
    >>> [(f.id, len(f.uids)) for f in delegation_feeds(sched)]
    [('delegation-doan-1', 3)]
    """
    fest = schedule.festival
    events = calendar_events(schedule)
    feeds = []
    for resource in schedule.delegations():
        uids = []
        for part in schedule.itinerary(resource.id):
            if isinstance(part, Slot):
                uids.append(activity_uid(fest, part.activity))
            elif part.minutes > 0:
                uids.append(_leg_uid(fest, part))
        feeds.append(
            Feed(
                id=f"delegation-{resource.id}",
                name=_safe_name(f"{fest.name} – {resource.name}"),
                description=_safe_name(f"Lịch trình của {resource.name}: các điểm dự và di chuyển"),
                uids=tuple(u for u in uids if u in events),
                kind="delegation",
                subject=resource.id,
            )
        )
    return feeds


def role_feeds(schedule: Schedule) -> list[Feed]:
    """One calendar per role or team: the activities it takes part in and the tasks it owns.

    >>> import pendulum, ngayhoi
    >>> day = pendulum.date(2023, 8, 6)
    >>> fest = ngayhoi.templates.plan_day(id="f", name="F", day=day,
    ...                                   communes=ngayhoi.data.can_duoc_communes(day)[:1])
    >>> "role-cong-an-xa" in [f.id for f in role_feeds(ngayhoi.schedule(fest))]
    True
    """
    fest = schedule.festival
    feeds = []
    for role in iter_roles(fest):
        uids = [activity_uid(fest, s.activity) for s in schedule.for_resource(role.id)]
        uids += [activity_uid(fest, t.id) for t in fest.prep_tasks if t.owner == role.id]
        if not uids:
            continue
        feeds.append(
            Feed(
                id=f"role-{role.id}",
                name=_safe_name(f"{fest.name} – {role.name}"),
                description=_safe_name(f"Các việc của {role.name} tại mọi điểm"),
                uids=tuple(uids),
                kind="role",
                subject=role.id,
            )
        )
    return feeds


def standard_feeds(schedule: Schedule, *, roles: bool = True) -> list[Feed]:
    """The master, one feed per commune and per delegation, and (optionally) per role.

    >>> import ngayhoi
    >>> [f.kind for f in standard_feeds(ngayhoi.schedule(ngayhoi.samples.tiny_festival()))]
    ['master', 'commune']
    """
    feeds = [master_feed(schedule), *commune_feeds(schedule), *delegation_feeds(schedule)]
    if roles:
        feeds += role_feeds(schedule)
    return feeds


def calendar_bytes(
    schedule: Schedule,
    feed: Feed,
    *,
    stamp: dt.datetime | None = None,
    revisions: Mapping[str, Revision] | None = None,
    events: Mapping[str, CalendarEvent] | None = None,
    cancel_mark: bool = True,
    tasks: str = "event",
    uid_scope: str = "event",
) -> bytes:
    """Render one feed to iCalendar bytes.

    Args:
        schedule: the schedule the events come from.
        feed: which events, and the calendar's names.
        stamp: the UTC time written as DTSTAMP/LAST-MODIFIED of events without
            a revision (default: now). Inject it for reproducible files.
        revisions: SEQUENCE and change time per UID (the export state keeps them).
        events: the events by UID, if already built (plus cancelled ones kept
            from an earlier export).
        cancel_mark: prefix cancelled events' titles with ``[HỦY]`` for clients
            that ignore STATUS:CANCELLED (Outlook, calcurse).
        tasks: preparation tasks as all-day ``"event"`` (every client shows
            them) or as ``"todo"`` (VTODO with a due date, for task lists).
        uid_scope: ``"event"`` keeps one UID per event in every feed (the
            default: subscriptions stay apart per calendar); ``"view"`` gives
            each feed its own UIDs, linked to the shared one by RELATED-TO, for
            people who *import* several feeds into one account (Google keys
            imported events by UID per account, ICAL_INTEROP.md §2).

    >>> import pendulum, ngayhoi
    >>> sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
    >>> stamp = pendulum.datetime(2023, 7, 1, tz="UTC")
    >>> data = calendar_bytes(sched, master_feed(sched), stamp=stamp)
    >>> data.count(b"BEGIN:VEVENT"), b"DTSTAMP:20230701T000000Z" in data
    (2, True)
    """
    table = calendar_events(schedule) if events is None else events
    when = (stamp or dt.datetime.now(_UTC)).astimezone(_UTC).replace(microsecond=0)
    cal = icalendar.Calendar()
    cal.add("VERSION", "2.0")
    cal.add("PRODID", PRODID)
    cal.add("CALSCALE", "GREGORIAN")
    cal.add("NAME", feed.name)
    cal.add("X-WR-CALNAME", feed.name)
    cal.add("X-WR-CALDESC", feed.description)
    cal.add("X-WR-TIMEZONE", schedule.festival.timezone)
    # RFC 7986 §5.7 requires VALUE=DURATION; icalendar 7.3 leaves it out unless asked.
    cal.add("REFRESH-INTERVAL", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    # An X- property has no known type: wrap in vDuration or it is written "1:00:00".
    cal.add("X-PUBLISHED-TTL", icalendar.vDuration(dt.timedelta(hours=1)))
    for uid in feed.uids:
        try:
            event = table[uid]
        except KeyError:
            msg = f"feed '{feed.id}': no event with UID '{uid}' to write; re-run the schedule"
            raise ExportError(msg) from None
        revision = (revisions or {}).get(uid) or Revision(stamp=when, created=when)
        if uid_scope == "view":
            local, _, domain = uid.partition("@")
            event = attrs.evolve(event, uid=f"{local}.{feed.id}@{domain}", related_to=uid)
        cal.add_component(_component(event, revision, cancel_mark=cancel_mark, tasks=tasks))
    _add_timezones(cal)
    return bytes(cal.to_ical())


def _add_timezones(cal: icalendar.Calendar) -> None:
    """Put a VTIMEZONE for every TZID the events use before the events."""
    position = len(cal.timezones)
    for tzid in sorted(cal.get_missing_tzids()):
        tz = _vtimezone(tzid)
        if tz is not None:
            cal.subcomponents.insert(position, tz)
            position += 1


@functools.lru_cache(maxsize=16)
def _vtimezone(tzid: str) -> icalendar.Timezone | None:
    # Deriving a VTIMEZONE walks every transition from 1970 to 2038: most of the
    # time of writing a feed. It depends on the TZID only, so derive it once; the
    # one component is shared by calendars that are written and dropped, never changed.
    try:
        tz = icalendar.Timezone.from_tzid(tzid)
    except ValueError:
        return None
    # icalendar 7.3 puts a COMMENT directly in VTIMEZONE; RFC 5545 §3.6.5 allows
    # it only in STANDARD/DAYLIGHT and libical rejects it.
    tz.pop("COMMENT", None)
    return tz


def _component(
    event: CalendarEvent, revision: Revision, *, cancel_mark: bool, tasks: str = "event"
) -> icalendar.Event | icalendar.Todo:
    comp: icalendar.Event | icalendar.Todo
    summary = event.summary
    if event.cancelled and cancel_mark and not summary.startswith(_CANCEL_MARK):
        summary = _CANCEL_MARK + summary
    if event.kind == "task" and tasks == "todo":
        return _todo(event, revision, summary)
    comp = icalendar.Event()
    comp.add("UID", event.uid)
    comp.add("DTSTAMP", revision.stamp)
    comp.add("DTSTART", event.start)
    # A task is an all-day event on its due date; DTEND is the next day (RFC 5545 §3.6.1).
    comp.add("DTEND", _next_day(event.start) if event.kind == "task" else event.end)
    comp.add("SUMMARY", _Text(summary))
    comp.add("SEQUENCE", revision.sequence)
    comp.add("CREATED", revision.created)
    comp.add("LAST-MODIFIED", revision.stamp)
    if event.location:
        comp.add("LOCATION", _Text(event.location))
    if event.description:
        comp.add("DESCRIPTION", _Text(event.description))
    if event.categories:
        comp.add("CATEGORIES", list(event.categories))
    if event.geo is not None:
        comp.add("GEO", event.geo)
    if event.related_to:
        comp.add("RELATED-TO", event.related_to, parameters={"RELTYPE": "PARENT"})
    comp.add("STATUS", "CANCELLED" if event.cancelled else "CONFIRMED")
    comp.add("TRANSP", "TRANSPARENT" if event.transparent or event.kind == "task" else "OPAQUE")
    return comp


def _todo(event: CalendarEvent, revision: Revision, summary: str) -> icalendar.Todo:
    todo = icalendar.Todo()
    todo.add("UID", event.uid)
    todo.add("DTSTAMP", revision.stamp)
    todo.add("DUE", event.start)
    todo.add("SUMMARY", _Text(summary))
    todo.add("SEQUENCE", revision.sequence)
    todo.add("CREATED", revision.created)
    todo.add("LAST-MODIFIED", revision.stamp)
    if event.description:
        todo.add("DESCRIPTION", _Text(event.description))
    if event.categories:
        todo.add("CATEGORIES", list(event.categories))
    todo.add("STATUS", "CANCELLED" if event.cancelled else "NEEDS-ACTION")
    return todo


def _next_day(day: dt.date | dt.datetime) -> dt.date:
    if isinstance(day, dt.datetime):
        return day.date() + dt.timedelta(days=1)
    return day + dt.timedelta(days=1)


def feed_ids(feeds: Iterable[Feed]) -> Sequence[str]:
    """The ids of some feeds, checking they are unique (they become file names)."""
    ids = [f.id for f in feeds]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        msg = f"two feeds share the id '{dupes[0]}'; give the delegation or role another id"
        raise ExportError(msg)
    return ids
