r"""iCalendar encoding: a feed's events as bytes, with the VTIMEZONE it needs.

The profile is the project's ``ICAL_INTEROP.md`` §1: UTF-8 NFC text, CRLF,
folding between characters (icalendar does it), ``TZID=Asia/Ho_Chi_Minh`` with
an embedded VTIMEZONE, stable UIDs from the plan's ids, no METHOD (these are
feeds), calendar names without ``, ; \``, ``REFRESH-INTERVAL;VALUE=DURATION``.

Every event is rendered once and the same bytes go into every feed it
appears in (``rendered``).

>>> import pendulum, ngayhoi
>>> from ngayhoi.export.feeds import master_feed
>>> sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
>>> stamp = pendulum.datetime(2023, 7, 1, tz="UTC")
>>> cal = calendar_bytes(sched, master_feed(sched), stamp=stamp)
>>> b"UID:tiny.x.chao-co@ngayhoi.vn" in cal, b"\r\n" in cal
(True, True)
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from zoneinfo import ZoneInfo

import attrs

from ngayhoi._version import __version__
from ngayhoi.errors import ExportError, Said
from ngayhoi.export import _lines
from ngayhoi.export.events import CalendarEvent, Revision, calendar_events, view_uid
from ngayhoi.export.feeds import Feed, _safe_name
from ngayhoi.i18n import N_
from ngayhoi.scheduling.result import Schedule

__all__ = [
    "PRODID",
    "calendar_bytes",
    "component_bytes",
]

#: The PRODID of every calendar ngayhoi writes.
PRODID = f"-//ngayhoi//ngayhoi {__version__}//VI"
_UTC = dt.UTC
_CANCEL_MARK = "[HỦY] "


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
    >>> from ngayhoi.export.feeds import master_feed
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
            msg = Said(
                N_("feed '{id}': no event with UID '{uid}' to write; re-run the schedule"),
                id=feed.id,
                uid=uid,
            )
            raise ExportError(msg) from None
        if uid_scope == "view":
            event = attrs.evolve(event, uid=view_uid(uid, feed.id), related_to=uid)
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

    The fixed properties are :func:`_calendar_props` (cached); the names are
    written here, in the place icalendar's canonical order gives them, cleaned by
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
    """The calendar's properties before and after its names, as icalendar writes them.

    Written here (icalendar's import costs a tenth of an everyday export), in
    icalendar's order: VERSION, PRODID, CALSCALE first, the rest alphabetical
    after the names. ``REFRESH-INTERVAL`` carries ``VALUE=DURATION``, which
    RFC 7986 §5.7 requires. ``tests/test_ics_writer.py`` checks the bytes are
    the ones icalendar builds.

    >>> print(_calendar_props("Asia/Ho_Chi_Minh")[1].decode().replace(chr(13), ""), end="")
    REFRESH-INTERVAL;VALUE=DURATION:PT1H
    X-PUBLISHED-TTL:PT1H
    X-WR-TIMEZONE:Asia/Ho_Chi_Minh
    """
    first = (
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:" + _lines.escape(PRODID),
        "CALSCALE:GREGORIAN",
    )
    last = (
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
        "X-WR-TIMEZONE:" + _lines.escape(timezone),
    )
    return _content_lines(first), _content_lines(last)


def _content_lines(lines: tuple[str, ...]) -> bytes:
    return b"".join(_lines.fold_bytes(line.encode()) + b"\r\n" for line in lines)


def _zones(event: CalendarEvent) -> frozenset[str]:
    """The TZIDs an event's times are written in."""
    if event.kind in {"task", "todo"} or not isinstance(event.start, dt.datetime):
        return frozenset()
    times = (t for t in (event.start, event.end) if t is not None and t.tzinfo is not None)
    return frozenset(z for z in map(_lines.tzid, times) if z != "UTC")


#: The VTIMEZONE of the zone almost every plan uses, as :func:`_built_vtimezone` builds it
#: (``tests/test_ics_writer.py`` checks they are the same bytes): building it walks the zone's
#: history and took a tenth of an everyday export.
_KNOWN_VTIMEZONES = {
    "Asia/Ho_Chi_Minh": (
        b"BEGIN:VTIMEZONE\r\nTZID:Asia/Ho_Chi_Minh\r\nBEGIN:STANDARD\r\n"
        b"DTSTART:19750613T000000\r\nTZNAME:+07\r\nTZOFFSETFROM:+0800\r\n"
        b"TZOFFSETTO:+0700\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
    ),
}


def _vtimezone(tzid: str) -> bytes:
    """The VTIMEZONE for ``tzid``: :func:`_built_vtimezone`, known ahead for Asia/Ho_Chi_Minh.

    >>> _vtimezone("Asia/Ho_Chi_Minh") == _built_vtimezone("Asia/Ho_Chi_Minh")
    True
    """
    known = _KNOWN_VTIMEZONES.get(tzid)
    return known if known is not None else _built_vtimezone(tzid)


@functools.lru_cache(maxsize=8)
def _built_vtimezone(tzid: str) -> bytes:
    """The VTIMEZONE icalendar builds for ``tzid`` (cached: it is the same in every feed).

    A zone without daylight saving time keeps only its last STANDARD block.
    icalendar writes one block per offset the zone ever had since 1970
    (Asia/Ho_Chi_Minh: +08:00 from 1970, +07:00 from 13/6/1975); Microsoft's
    importer rules (MS-OXCICAL 2.1.3.1.1.19.2) say exactly one STANDARD block
    SHOULD be exported and allow an importer to read only the first, which
    would put every event an hour off (ICAL_INTEROP.md §2.1, interop review P6).
    The block kept starts at the last change, from the offset before it, so
    times since then (every festival) read the same in every client.

    >>> text = _built_vtimezone("Asia/Ho_Chi_Minh").decode()
    >>> text.count("BEGIN:STANDARD"), "TZOFFSETTO:+0700" in text, "TZOFFSETTO:+0800" in text
    (1, True, False)
    """
    import icalendar  # noqa: PLC0415 - only for a zone not known ahead

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
        blocks = tz.subcomponents
        if len(blocks) > 1 and all(
            b.name == "STANDARD" and "RRULE" not in b and "RDATE" not in b for b in blocks
        ):
            tz.subcomponents = [max(blocks, key=lambda b: b.decoded("DTSTART"))]
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
    if event.kind == "todo" or (event.kind == "task" and tasks == "todo"):
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
