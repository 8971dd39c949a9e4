r"""Content lines for VEVENT and VTODO, written directly (RFC 5545 §3.1, §3.3.11).

Rendering a component through icalendar's object model costs about 1.5 ms; a
nationwide export writes 160,000 of them, so the events and tasks are written
here, line by line, and so are the calendar's own properties; only a VTIMEZONE
not known ahead, and the TZID of a zone not known ahead, still come from
icalendar (imported then: it takes about a tenth of an everyday export to
import, so the festival's own zone never needs it). The output is byte for byte what
icalendar 7.3 writes for the same component (``tests/test_ics.py`` compares
the two over generated text), with one deliberate difference: icalendar turns
the two characters ``\N`` in a value into a line break before escaping, so a
title holding a literal backslash and ``N`` would come back changed; here
every backslash is escaped, so text comes back exactly as it went in.

>>> print(escape("Hội trường; sân, bãi" + chr(10) + "ấp 1"))
Hội trường\; sân\, bãi\nấp 1
>>> print(fold("SUMMARY:" + "a" * 70).replace(chr(13) + chr(10), "|"))
SUMMARY:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa| aaaa
"""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

__all__ = [
    "CANONICAL_ORDER",
    "KNOWN_TZIDS",
    "escape",
    "fold",
    "fold_bytes",
    "iso",
    "order",
    "tzid",
    "utc",
    "when",
]

_LIMIT = 75
#: The properties icalendar 7.3 writes first, in this order, for each component
#: (``icalendar.Event.canonical_order``; a VTODO has none): the others follow
#: in alphabetical order. ``tests/test_ics_writer.py`` checks they are icalendar's.
CANONICAL_ORDER: dict[str, tuple[str, ...]] = {
    "VEVENT": (
        "SUMMARY",
        "DTSTART",
        "DTEND",
        "DURATION",
        "DTSTAMP",
        "UID",
        "RECURRENCE-ID",
        "SEQUENCE",
        "RRULE",
        "RDATE",
        "EXDATE",
    ),
    "VTODO": (),
}
#: The TZID icalendar writes for a ``zoneinfo`` zone of these keys (the festival's
#: zone, and UTC), known ahead so an export need not import icalendar:
#: ``tests/test_ics_writer.py`` checks they are the ones icalendar gives.
KNOWN_TZIDS = {"Asia/Ho_Chi_Minh": "Asia/Ho_Chi_Minh", "UTC": "UTC", "Etc/UTC": "UTC"}


def escape(text: str) -> str:
    r"""Escape a TEXT value: backslash, semicolon, comma and line breaks.

    >>> print(escape(r"a\N;b"))
    a\\N\;b
    """
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    r"""Fold a content line below 75 octets, never inside a UTF-8 sequence or an escape.

    Lines are cut before the character that would reach 75 octets; when the
    cut would fall right after a backslash, the backslash moves to the next
    line with the character it escapes (as icalendar does, for clients that
    unescape before unfolding).

    >>> fold("X:" + "ệ" * 30).split("\r\n ")[1]
    'ệệệệệệ'
    """
    return fold_bytes(line.encode()).decode()


def fold_bytes(data: bytes) -> bytes:
    r""":func:`fold` on the UTF-8 bytes of a line.

    >>> fold_bytes(b"SUMMARY:" + b"a" * 70)[-8:]
    b'a\r\n aaaa'
    """
    size = len(data)
    if size < _LIMIT:
        return data
    parts = []
    start = 0
    while size - start >= _LIMIT:
        end = start + _LIMIT - 1
        while data[end] & 0xC0 == 0x80:  # noqa: PLR2004 - a UTF-8 continuation byte
            end -= 1
        if end - start > 1 and data[end - 1] in b"\\^":
            end -= 1
        parts.append(data[start:end])
        start = end
    parts.append(data[start:])
    return b"\r\n ".join(parts)


def utc(moment: dt.datetime) -> str:
    """A UTC date-time value (``20230701T000000Z``).

    >>> utc(dt.datetime(2023, 7, 1, 6, 45, tzinfo=dt.UTC))
    '20230701T064500Z'
    """
    # Keyed on the offset too: datetimes that differ only in fold compare equal.
    return _utc(moment, moment.utcoffset())


@functools.lru_cache(maxsize=1024)
def _utc(moment: dt.datetime, _offset: dt.timedelta | None) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def iso(moment: dt.datetime) -> str:
    """``moment.isoformat()``, cached: most events of a plan share a few times.

    >>> iso(dt.datetime(2023, 7, 1, 8, tzinfo=dt.UTC))
    '2023-07-01T08:00:00+00:00'
    """
    # Keyed on the zone and offset too: one instant in two zones, or two instants
    # that differ only in fold, compare equal but read differently.
    return _iso(moment, str(moment.tzinfo), moment.utcoffset())


@functools.lru_cache(maxsize=4096)
def _iso(moment: dt.datetime, _zone: str, _offset: dt.timedelta | None) -> str:
    return moment.isoformat()


def when(value: dt.date | dt.datetime) -> tuple[str, str]:
    """The parameters and value of a DATE or a zoned DATE-TIME (``;TZID=...``).

    >>> from zoneinfo import ZoneInfo
    >>> when(dt.datetime(2023, 8, 6, 6, 45, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    (';TZID=Asia/Ho_Chi_Minh', '20230806T064500')
    >>> when(dt.date(2023, 8, 6))
    (';VALUE=DATE', '20230806')
    """
    # Not cached: aware datetimes that name one instant in two zones are equal
    # and hash alike, but are written differently.
    day = f"{value.year:04d}{value.month:02d}{value.day:02d}"
    if not isinstance(value, dt.datetime):
        return ";VALUE=DATE", day
    clock = f"{day}T{value.hour:02d}{value.minute:02d}{value.second:02d}"
    if value.tzinfo is None:
        return "", clock
    zone = tzid(value)
    if zone == "UTC":
        return "", clock + "Z"
    return f";TZID={zone}", clock


def tzid(value: dt.datetime) -> str:
    """The TZID icalendar writes for an aware datetime; ``"UTC"`` for every UTC zone.

    >>> from zoneinfo import ZoneInfo
    >>> tzid(dt.datetime(2023, 8, 6, tzinfo=ZoneInfo("Etc/UTC")))
    'UTC'
    >>> tzid(dt.datetime(2023, 8, 6, tzinfo=ZoneInfo("Europe/Berlin")))  # asks icalendar
    'Europe/Berlin'
    """
    zone = value.tzinfo
    if zone is dt.UTC:
        return "UTC"
    # icalendar reads a zone's ``key`` only when it has no pytz ``zone``.
    if isinstance(zone, ZoneInfo) and not hasattr(zone, "zone"):
        known = KNOWN_TZIDS.get(zone.key)
        if known is not None:
            return known
    from icalendar.timezone.tzid import tzid_from_dt  # noqa: PLC0415 - rarely needed

    return str(tzid_from_dt(value))


@functools.lru_cache(maxsize=64)
def order(component: str, names: frozenset[str]) -> tuple[str, ...]:
    """Property names in the order icalendar writes them for ``component`` (cached).

    >>> order("VEVENT", frozenset(["UID", "LOCATION", "SUMMARY", "CATEGORIES"]))
    ('SUMMARY', 'UID', 'CATEGORIES', 'LOCATION')
    """
    canonical = CANONICAL_ORDER[component]
    first = sorted((n for n in names if n in canonical), key=canonical.index)
    return (*first, *sorted(n for n in names if n not in canonical))
