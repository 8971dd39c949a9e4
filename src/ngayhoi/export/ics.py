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

import collections
import datetime as dt
import functools
import hashlib
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from json.encoder import encode_basestring
from typing import cast
from zoneinfo import ZoneInfo

import attrs
import icalendar

from ngayhoi._version import __version__
from ngayhoi.errors import ExportError
from ngayhoi.export import _lines
from ngayhoi.model import Festival, ResourceKind, due_date, due_note
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
        when = f"{_wall(slot.start, tz):%H:%M}"
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
        start=_wall(slot.start, tz),
        end=_wall(slot.end, tz),
        location=location,
        description="\n".join(lines) or None,
        categories=(act.kind.part.value.capitalize(),),
        geo=geo,
        related_to=related,
        resources=tuple(held),
    )


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


def _safe_name(text: str) -> str:
    # icalendar neither escapes nor unescapes NAME/X-WR-CALNAME/X-WR-CALDESC
    # (ICAL_INTEROP.md §3.3): keep , ; \ out of them.
    cleaned = text.replace(";", " –").replace(",", " –").replace("\\", "/")
    return unicodedata.normalize("NFC", " ".join(cleaned.split()))


def master_feed(schedule: Schedule, events: Mapping[str, CalendarEvent] | None = None) -> Feed:
    """The organiser's calendar: every event of the festival.

    >>> import ngayhoi
    >>> master_feed(ngayhoi.schedule(ngayhoi.samples.tiny_festival())).filename
    'master.ics'
    """
    fest = schedule.festival
    uids = tuple(calendar_events(schedule) if events is None else events)
    return Feed(
        id="master",
        name=_safe_name(f"{fest.name} – Tổng hợp"),
        description=_safe_name(
            f"Lịch tổng hợp của {fest.organiser or 'Ban tổ chức'}: mọi điểm tổ chức và mọi đoàn"
        ),
        uids=uids,
        kind="master",
    )


def commune_feeds(
    schedule: Schedule, events: Mapping[str, CalendarEvent] | None = None
) -> list[Feed]:
    """One calendar per hosting unit: its activities, its tasks, and the visits it receives.

    >>> import ngayhoi
    >>> [f.id for f in commune_feeds(ngayhoi.schedule(ngayhoi.samples.tiny_festival()))]
    ['commune-x']
    """
    fest = schedule.festival
    if events is None:
        events = calendar_events(schedule)
    tasks: dict[str | None, list[str]] = {}
    for task in fest.prep_tasks:
        tasks.setdefault(task.unit, []).append(activity_uid(fest, task.id))
    feeds = []
    for unit in fest.hosts():
        uids = [activity_uid(fest, s.activity) for s in schedule.for_unit(unit.id)]
        uids += tasks.get(unit.id, ())
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


def delegation_feeds(
    schedule: Schedule, events: Mapping[str, CalendarEvent] | None = None
) -> list[Feed]:
    """One calendar per delegation: each visit and the travel between visits.

    >>> import ngayhoi
    >>> sched = ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation())
    >>> [(f.id, len(f.uids)) for f in delegation_feeds(sched)]
    [('delegation-doan-1', 3)]
    """
    fest = schedule.festival
    if events is None:
        events = calendar_events(schedule)
    feeds = []
    for resource in schedule.delegations():
        uids = [uid for _, uid in _itinerary_uids(schedule, resource.id)]
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
    owned: dict[str, list[str]] = {}
    for task in fest.prep_tasks:
        owned.setdefault(task.owner, []).append(activity_uid(fest, task.id))
    feeds = []
    for role in iter_roles(fest):
        uids = [activity_uid(fest, s.activity) for s in schedule.for_resource(role.id)]
        uids += owned.get(role.id, ())
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


def standard_feeds(
    schedule: Schedule,
    *,
    roles: bool = True,
    events: Mapping[str, CalendarEvent] | None = None,
) -> list[Feed]:
    """The master, one feed per commune and per delegation, and (optionally) per role.

    >>> import ngayhoi
    >>> [f.kind for f in standard_feeds(ngayhoi.schedule(ngayhoi.samples.tiny_festival()))]
    ['master', 'commune']
    """
    if events is None:
        events = calendar_events(schedule)
    feeds = [
        master_feed(schedule, events),
        *commune_feeds(schedule, events),
        *delegation_feeds(schedule, events),
    ]
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
    rendered: dict[str, tuple[bytes, frozenset[str]]] | None = None,
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
        rendered: a cache of events already written (bytes and TZIDs, by
            UID): pass one empty dict to every feed of one export so each event
            is written once (not used with ``uid_scope="view"``, where each
            feed has its own UIDs).

    >>> import pendulum, ngayhoi
    >>> sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
    >>> stamp = pendulum.datetime(2023, 7, 1, tz="UTC")
    >>> data = calendar_bytes(sched, master_feed(sched), stamp=stamp)
    >>> data.count(b"BEGIN:VEVENT"), b"DTSTAMP:20230701T000000Z" in data
    (2, True)
    """
    table = calendar_events(schedule) if events is None else events
    when = (stamp or dt.datetime.now(_UTC)).astimezone(_UTC).replace(microsecond=0)
    blocks: list[bytes] = []
    zones: set[str] = set()
    for uid in feed.uids:
        try:
            event = table[uid]
        except KeyError:
            msg = f"feed '{feed.id}': no event with UID '{uid}' to write; re-run the schedule"
            raise ExportError(msg) from None
        if uid_scope == "view":
            local, _, domain = uid.partition("@")
            event = attrs.evolve(event, uid=f"{local}.{feed.id}@{domain}", related_to=uid)
        elif rendered is not None and uid in rendered:
            block, used = rendered[uid]
            blocks.append(block)
            zones.update(used)
            continue
        revision = (revisions or {}).get(uid) or Revision(stamp=when, created=when)
        block = component_bytes(event, revision, cancel_mark=cancel_mark, tasks=tasks)
        used = _zones(event)
        if rendered is not None and uid_scope != "view":
            rendered[uid] = (block, used)
        blocks.append(block)
        zones.update(used)
    head = _calendar_head(feed, schedule.festival.timezone)
    timezones = b"".join(_vtimezone(z) for z in sorted(zones))
    return b"".join((head, timezones, *blocks, b"END:VCALENDAR\r\n"))


def _calendar_head(feed: Feed, timezone: str) -> bytes:
    """BEGIN:VCALENDAR and the calendar's own properties.

    The fixed properties come from icalendar (cached); the names are written
    here, in the place icalendar's canonical order gives them, cleaned by
    :func:`_safe_name` (clients do not unescape them, and a line break in one
    would end the property).
    """
    first, last = _calendar_props(timezone)
    fold = _lines.fold
    names = (
        fold("X-WR-CALDESC:" + _safe_name(feed.description)),
        fold("NAME:" + _safe_name(feed.name)),
        fold("X-WR-CALNAME:" + _safe_name(feed.name)),
    )
    return first + "\r\n".join(names).encode() + b"\r\n" + last


@functools.lru_cache(maxsize=8)
def _calendar_props(timezone: str) -> tuple[bytes, bytes]:
    """The calendar's properties before and after its names, as icalendar writes them."""
    head = icalendar.Calendar()
    head.add("VERSION", "2.0")
    head.add("PRODID", PRODID)
    head.add("CALSCALE", "GREGORIAN")
    tail = icalendar.Calendar()
    tail.add("X-WR-TIMEZONE", timezone)
    # RFC 7986 §5.7 requires VALUE=DURATION; icalendar 7.3 leaves it out unless asked.
    tail.add("REFRESH-INTERVAL", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    # An X- property has no known type: wrap in vDuration or it is written "1:00:00".
    tail.add("X-PUBLISHED-TTL", icalendar.vDuration(dt.timedelta(hours=1)))
    end = b"END:VCALENDAR\r\n"
    first = bytes(head.to_ical()).removesuffix(end)
    last = bytes(tail.to_ical()).removeprefix(b"BEGIN:VCALENDAR\r\n").removesuffix(end)
    return first, last


def _zones(event: CalendarEvent) -> frozenset[str]:
    """The TZIDs an event's times are written in."""
    if event.kind == "task" or not isinstance(event.start, dt.datetime):
        return frozenset()
    times = (t for t in (event.start, event.end) if t is not None and t.tzinfo is not None)
    return frozenset(z for z in map(_lines.tzid, times) if z != "UTC")


@functools.lru_cache(maxsize=8)
def _vtimezone(tzid: str) -> bytes:
    """The VTIMEZONE icalendar builds for ``tzid`` (cached: it is the same in every feed)."""
    cal = icalendar.Calendar()
    probe = icalendar.Event()
    probe.add("DTSTART", dt.datetime(2000, 1, 1, tzinfo=ZoneInfo(tzid)))
    cal.add_component(probe)
    cal.add_missing_timezones()
    out = []
    for tz in cal.walk("VTIMEZONE"):
        # icalendar 7.3 puts a COMMENT directly in VTIMEZONE; RFC 5545 §3.6.5 allows
        # it only in STANDARD/DAYLIGHT and libical rejects it.
        tz.pop("COMMENT", None)
        out.append(bytes(tz.to_ical()))
    return b"".join(out)


def component_bytes(
    event: CalendarEvent, revision: Revision, *, cancel_mark: bool = True, tasks: str = "event"
) -> bytes:
    r"""One VEVENT (or VTODO) as folded content lines, BEGIN to END.

    >>> e = CalendarEvent(uid="u@x", kind="task", summary="Họp; bàn", start=dt.date(2023, 8, 6))
    >>> stamp = dt.datetime(2023, 7, 1, tzinfo=dt.UTC)
    >>> print(component_bytes(e, Revision(stamp=stamp, created=stamp)).decode().splitlines()[1])
    SUMMARY:Họp\; bàn
    """
    summary = event.summary
    if event.cancelled and cancel_mark and not summary.startswith(_CANCEL_MARK):
        summary = _CANCEL_MARK + summary
    esc = _lines.escape
    stamp = _lines.utc(revision.stamp)
    props: dict[str, str] = {
        "UID": ":" + esc(event.uid),
        "DTSTAMP": ":" + stamp,
        "SUMMARY": ":" + esc(summary),
        "SEQUENCE": f":{revision.sequence}",
        "CREATED": ":" + _lines.utc(revision.created),
        "LAST-MODIFIED": ":" + stamp,
    }
    if event.kind == "task" and tasks == "todo":
        name = "VTODO"
        props["DUE"] = "%s:%s" % _lines.when(event.start)  # noqa: UP031 - a (params, value) pair
        props["STATUS"] = ":CANCELLED" if event.cancelled else ":NEEDS-ACTION"
    else:
        name = "VEVENT"
        # A task is an all-day event on its due date; DTEND is the next day (RFC 5545 §3.6.1).
        end = _next_day(event.start) if event.kind == "task" else event.end
        props["DTSTART"] = "%s:%s" % _lines.when(event.start)  # noqa: UP031
        if end is not None:
            props["DTEND"] = "%s:%s" % _lines.when(end)  # noqa: UP031
        if event.location:
            props["LOCATION"] = ":" + esc(event.location)
        if event.geo is not None:
            props["GEO"] = f":{float(event.geo[0])};{float(event.geo[1])}"
        if event.related_to:
            props["RELATED-TO"] = ";RELTYPE=PARENT:" + esc(event.related_to)
        props["STATUS"] = ":CANCELLED" if event.cancelled else ":CONFIRMED"
        transparent = event.transparent or event.kind == "task"
        props["TRANSP"] = ":TRANSPARENT" if transparent else ":OPAQUE"
    if event.description:
        props["DESCRIPTION"] = ":" + esc(event.description)
    if event.categories:
        props["CATEGORIES"] = ":" + ",".join(esc(c) for c in event.categories)
    fold = _lines.fold_bytes
    lines = [f"BEGIN:{name}".encode()]
    lines += [fold((key + props[key]).encode()) for key in _lines.order(name, frozenset(props))]
    lines.append(f"END:{name}\r\n".encode())
    return b"\r\n".join(lines)


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
