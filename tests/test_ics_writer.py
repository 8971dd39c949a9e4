"""The direct VEVENT/VTODO writer against icalendar's own serialiser, and the fast digests.

``ngayhoi.export.encoding.component_bytes`` writes events line by line for speed;
these tests build the same component through icalendar's object model (the
way the project wrote them before) and require identical bytes, over
generated Vietnamese text with every character the escaping and folding rules
care about.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from zoneinfo import ZoneInfo

import attrs
import icalendar
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.caselessdict import canonsort_keys
from icalendar.timezone.tzid import tzid_from_dt

import ngayhoi
from ngayhoi.export import _lines
from ngayhoi.export.encoding import PRODID, _calendar_props, calendar_bytes, component_bytes
from ngayhoi.export.events import CalendarEvent, Revision
from ngayhoi.export.feeds import master_feed, standard_feeds
from ngayhoi.scheduling.result import Slot

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = dt.UTC
#: The festival's zone, UTC under three names (written with Z, no VTIMEZONE), and two
#: zones with clock changes, where a local time can occur twice (fold) or never.
ZONES = st.sampled_from(
    [
        TZ,
        UTC,
        ZoneInfo("UTC"),
        ZoneInfo("Etc/UTC"),
        ZoneInfo("Europe/Berlin"),
        ZoneInfo("America/New_York"),
    ]
)

# Letters of Vietnamese in NFC, the characters escaping and folding care about,
# a combining mark, an astral emoji, and the separators some parsers split on.
_ALPHABET = st.sampled_from(
    [
        *"aăâbdđeêghiklmnoôơpqrstuưvxyAĐƯ ệữỳếỗ0123456789",
        *[";", ",", ":", "\\", '"', "'", "\n", "\r\n", "\t", "^", "<", "&", "|", "→", "–"],
        *["\u0301", "\U0001f1fb", "\u2028", "\u00a0", "N", "n"],
    ]
)
_TEXT = st.lists(_ALPHABET, min_size=1, max_size=160).map("".join)
_MOMENT = st.datetimes(  # hypothesis takes naive bounds and draws naive values
    min_value=dt.datetime(2023, 1, 1),  # noqa: DTZ001
    max_value=dt.datetime(2027, 12, 31),  # noqa: DTZ001
).map(lambda d: d.replace(second=0, microsecond=0))


@st.composite
def events(draw: st.DrawFn) -> tuple[CalendarEvent, Revision]:
    kind = draw(st.sampled_from(["activity", "travel", "task"]))
    if kind == "task":
        start: dt.date | dt.datetime = draw(_MOMENT).date()
        end = None
    else:
        zone = draw(ZONES)
        begin = draw(_MOMENT).replace(tzinfo=zone, fold=draw(st.integers(0, 1)))
        start, end = begin, begin + dt.timedelta(minutes=draw(st.integers(1, 600)))
    event = CalendarEvent(
        uid=f"f.{draw(st.from_regex(r'[a-z0-9-]{1,60}', fullmatch=True))}@ngayhoi.vn",
        kind=kind,
        summary=draw(_TEXT),
        start=start,
        end=end,
        location=draw(st.none() | _TEXT),
        description=draw(st.none() | _TEXT),
        categories=tuple(draw(st.lists(_TEXT, max_size=3))),
        geo=draw(st.none() | st.tuples(st.floats(-90, 90), st.floats(-180, 180))),
        related_to=draw(st.none() | st.just("f.hub@ngayhoi.vn")),
        cancelled=draw(st.booleans()),
        transparent=draw(st.booleans()),
        resources=tuple(draw(st.lists(_TEXT, max_size=2))),
    )
    stamp = draw(_MOMENT).replace(tzinfo=UTC)
    revision = Revision(sequence=draw(st.integers(0, 10_000)), stamp=stamp, created=stamp)
    return event, revision


def _through_icalendar(event: CalendarEvent, revision: Revision, *, tasks: str) -> bytes:
    """The component as icalendar 7.3's object model writes it."""
    summary = event.summary
    if event.cancelled and not summary.startswith("[HỦY] "):
        summary = "[HỦY] " + summary
    if event.kind == "task" and tasks == "todo":
        return _todo_through_icalendar(event, revision, summary)
    comp = icalendar.Event()
    comp.add("UID", event.uid)
    comp.add("DTSTAMP", revision.stamp)
    comp.add("DTSTART", event.start)
    comp.add("DTEND", event.start + dt.timedelta(days=1) if event.kind == "task" else event.end)
    comp.add("SUMMARY", summary)
    comp.add("SEQUENCE", revision.sequence)
    comp.add("CREATED", revision.created)
    comp.add("LAST-MODIFIED", revision.stamp)
    if event.location:
        comp.add("LOCATION", event.location)
    if event.description:
        comp.add("DESCRIPTION", event.description)
    if event.categories:
        comp.add("CATEGORIES", list(event.categories))
    if event.geo is not None:
        comp.add("GEO", event.geo)
    if event.related_to:
        comp.add("RELATED-TO", event.related_to, parameters={"RELTYPE": "PARENT"})
    comp.add("STATUS", "CANCELLED" if event.cancelled else "CONFIRMED")
    transparent = event.transparent or event.kind == "task"
    comp.add("TRANSP", "TRANSPARENT" if transparent else "OPAQUE")
    return bytes(comp.to_ical())


def _todo_through_icalendar(event: CalendarEvent, revision: Revision, summary: str) -> bytes:
    todo = icalendar.Todo()
    for name, value in (
        ("UID", event.uid),
        ("DTSTAMP", revision.stamp),
        ("DUE", event.start),
        ("SUMMARY", summary),
        ("SEQUENCE", revision.sequence),
        ("CREATED", revision.created),
        ("LAST-MODIFIED", revision.stamp),
    ):
        todo.add(name, value)
    if event.description:
        todo.add("DESCRIPTION", event.description)
    if event.categories:
        todo.add("CATEGORIES", list(event.categories))
    todo.add("STATUS", "CANCELLED" if event.cancelled else "NEEDS-ACTION")
    return bytes(todo.to_ical())


def _icalendar_reads_it_as_written(event: CalendarEvent) -> bool:
    # icalendar turns a literal backslash-N into a line break before escaping
    # (see ngayhoi/export/_lines.py); such text is checked by its own test.
    texts = [event.summary, event.location or "", event.description or "", *event.categories]
    return not any("\\N" in t for t in texts)


@settings(max_examples=200, deadline=None)
@given(events(), st.sampled_from(["event", "todo"]))
def test_the_direct_writer_gives_icalendars_bytes(
    case: tuple[CalendarEvent, Revision], tasks: str
) -> None:
    event, revision = case
    if not _icalendar_reads_it_as_written(event):
        return
    ours = component_bytes(event, revision, tasks=tasks)
    assert ours == _through_icalendar(event, revision, tasks=tasks)


@settings(max_examples=200, deadline=None)
@given(events())
def test_written_text_parses_back_unchanged(case: tuple[CalendarEvent, Revision]) -> None:
    event, revision = case
    data = component_bytes(event, revision, cancel_mark=False)
    parsed = icalendar.Event.from_ical(data)
    lines = data.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)  # RFC 5545 §3.1
    normalised = event.summary.replace("\r\n", "\n").replace("\r", "\n")
    assert str(parsed["SUMMARY"]) == normalised
    assert str(parsed["UID"]) == event.uid


def test_a_literal_backslash_n_in_a_title_comes_back_as_written() -> None:
    stamp = dt.datetime(2023, 7, 1, tzinfo=UTC)
    event = CalendarEvent(
        uid="f.x@ngayhoi.vn",
        kind="task",
        summary=r"Thư mục C:\New\Nghị quyết",
        start=dt.date(2023, 8, 6),
    )
    data = component_bytes(event, Revision(stamp=stamp, created=stamp))
    assert b"SUMMARY:Th\xc6\xb0 m\xe1\xbb\xa5c C:\\\\New\\\\Ngh" in data
    assert str(icalendar.Event.from_ical(data)["SUMMARY"]) == event.summary


@settings(max_examples=300, deadline=None)
@given(events())
def test_the_fingerprint_is_the_digest_of_the_events_json(
    case: tuple[CalendarEvent, Revision],
) -> None:
    event, _ = case

    def plain(_i: object, _a: object, value: object) -> object:  # the digest's own rule
        if isinstance(value, dt.datetime):
            return value.astimezone(UTC).isoformat()
        return value.isoformat() if isinstance(value, dt.date) else value

    fields = attrs.asdict(event, value_serializer=plain)
    blob = json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()
    assert event.fingerprint() == hashlib.sha256(blob).hexdigest()


@settings(max_examples=100, deadline=None)
@given(events())
def test_the_state_json_holds_every_field_of_the_event(
    case: tuple[CalendarEvent, Revision],
) -> None:
    event, _ = case
    data = event.to_json()
    assert set(attrs.fields_dict(CalendarEvent)) <= set(data)
    assert CalendarEvent.from_json(json.loads(json.dumps(data))) == event


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=400).map("".join))
def test_folding_matches_icalendar_and_never_splits_a_character(text: str) -> None:
    line = "DESCRIPTION:" + _lines.escape(text)
    folded = _lines.fold_bytes(line.encode())
    reference = icalendar.Event()
    reference.add("DESCRIPTION", text.replace("\\N", "\\ N"))
    if "\\N" not in text:
        body = bytes(reference.to_ical()).split(b"\r\n")[1:-2]
        assert folded == b"\r\n".join(body)
    for part in folded.split(b"\r\n"):
        assert len(part) <= 75
        part.decode()  # a fold inside a UTF-8 sequence would not decode
    assert folded.replace(b"\r\n ", b"").decode() == line


def test_the_canonical_orders_known_ahead_are_icalendars() -> None:
    assert _lines.CANONICAL_ORDER["VEVENT"] == icalendar.Event.canonical_order
    assert _lines.CANONICAL_ORDER["VTODO"] == (icalendar.Todo.canonical_order or ())
    names = frozenset({"UID", "LOCATION", "SUMMARY", "CATEGORIES", "DTSTART", "X-A", "GEO"})
    for component, cls in (("VEVENT", icalendar.Event), ("VTODO", icalendar.Todo)):
        expected = canonsort_keys(sorted(names), cls.canonical_order)
        assert list(_lines.order(component, names)) == expected


@pytest.mark.parametrize("key", sorted(_lines.KNOWN_TZIDS))
def test_a_tzid_known_ahead_is_the_one_icalendar_gives(key: str) -> None:
    for zone in (ZoneInfo(key), pendulum.timezone(key)):
        moment = dt.datetime(2023, 8, 6, 7, 30, tzinfo=zone)
        assert _lines.tzid(moment) == tzid_from_dt(moment) == _lines.KNOWN_TZIDS[key]
    assert _lines.tzid(dt.datetime(2023, 8, 6, tzinfo=UTC)) == tzid_from_dt(
        dt.datetime(2023, 8, 6, tzinfo=UTC)
    )


def _calendar_props_through_icalendar(timezone: str) -> tuple[bytes, bytes]:
    """The calendar's own properties as icalendar 7.3 writes them (how ngayhoi built them)."""
    head = icalendar.Calendar()
    head.add("VERSION", "2.0")
    head.add("PRODID", PRODID)
    head.add("CALSCALE", "GREGORIAN")
    tail = icalendar.Calendar()
    tail.add("X-WR-TIMEZONE", timezone)
    tail.add("REFRESH-INTERVAL", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    tail.add("X-PUBLISHED-TTL", icalendar.vDuration(dt.timedelta(hours=1)))
    end = b"END:VCALENDAR\r\n"
    first = bytes(head.to_ical()).removesuffix(end)
    last = bytes(tail.to_ical()).removeprefix(b"BEGIN:VCALENDAR\r\n").removesuffix(end)
    return first, last


@pytest.mark.parametrize(
    "timezone", ["Asia/Ho_Chi_Minh", "UTC", "America/Argentina/Buenos_Aires", "Etc/GMT-7"]
)
def test_the_calendar_properties_written_directly_are_icalendars(timezone: str) -> None:
    assert _calendar_props(timezone) == _calendar_props_through_icalendar(timezone)


def test_a_festival_on_utc_writes_z_times_and_no_vtimezone() -> None:
    fest = attrs.evolve(ngayhoi.samples.tiny_festival(), timezone="UTC")
    data = calendar_bytes(ngayhoi.schedule(fest), master_feed(ngayhoi.schedule(fest)))
    assert b"TZID=" not in data
    assert b"BEGIN:VTIMEZONE" not in data
    starts = [line for line in data.split(b"\r\n") if line.startswith(b"DTSTART")]
    assert starts
    assert all(line.endswith(b"Z") for line in starts)


def test_a_slot_across_a_clock_change_lasts_its_real_minutes() -> None:
    berlin = "Europe/Berlin"  # 2024-03-31: 02:00 CET becomes 03:00 CEST
    slot = Slot(
        activity="a",
        start=pendulum.datetime(2024, 3, 31, 1, 30, tz=berlin),
        end=pendulum.datetime(2024, 3, 31, 4, 30, tz=berlin),
    )
    assert slot.minutes == 120


def test_a_schedule_keeps_its_own_copy_of_the_slots() -> None:
    sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
    given = dict(sched.slots)
    copy = attrs.evolve(sched, slots=given)
    unit = sched.festival.hosts()[0].id
    before = copy.for_unit(unit)
    given.clear()
    assert copy.for_unit(unit) == before
    assert len(copy) == len(before)


def test_a_delegation_driving_the_same_way_twice_has_two_drives_with_two_uids() -> None:
    base = ngayhoi.samples.two_communes_one_delegation()
    day = pendulum.datetime(2023, 8, 6, tz="Asia/Ho_Chi_Minh")
    visits = [  # a, b, a, b: the drive a -> b happens twice
        attrs.evolve(
            base.activity(f"{site}.trao-thuong"),
            id=f"{site}.lan-{k}",
            fixed_start=day.add(hours=8 + k),
            earliest_start=None,
        )
        for k, site in enumerate("abab")
    ]
    sched = ngayhoi.schedule(attrs.evolve(base, activities=visits)).unwrap()
    feed = next(f for f in standard_feeds(sched) if f.kind == "delegation")
    drives = [u for u in feed.uids if ".travel." in u]
    assert drives == [
        "hai-xa.travel.doan-1.a.b@ngayhoi.vn",
        "hai-xa.travel.doan-1.b.a@ngayhoi.vn",
        "hai-xa.travel.doan-1.a.b.2@ngayhoi.vn",
    ]
    data = calendar_bytes(sched, feed)
    uids = [line for line in data.split(b"\r\n") if line.startswith(b"UID:")]
    assert len(uids) == len(set(uids)) == len(feed.uids)
