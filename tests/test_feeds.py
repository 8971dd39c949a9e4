"""Feeds people can subscribe to, and a diff that reads like a notice (issue 12, parts 4 and 5)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import unicodedata
from collections.abc import Callable
from pathlib import Path

import attrs
import icalendar
import pendulum
import pytest

import ngayhoi
from ngayhoi.export import export_calendars
from ngayhoi.export.diff import KINDS, diff_events
from ngayhoi.export.encoding import (
    _KNOWN_VTIMEZONES,
    _built_vtimezone,
    _vtimezone,
    calendar_bytes,
)
from ngayhoi.export.events import CalendarEvent, activity_uid, calendar_events
from ngayhoi.export.feeds import Feed, _safe_name, standard_feeds
from ngayhoi.model import Unit
from ngayhoi.scheduling import Schedule

DAY = pendulum.date(2023, 8, 6)
V1 = dt.datetime(2023, 8, 1, 8, tzinfo=dt.UTC)
V2 = dt.datetime(2023, 8, 2, 8, tzinfo=dt.UTC)
V3 = dt.datetime(2023, 8, 3, 8, tzinfo=dt.UTC)
TZ = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture(scope="module")
def sched() -> Schedule:
    """Thị trấn Cần Đước and two xã of Huyện Cần Đước on 6/8/2023."""
    fest = ngayhoi.templates.plan_day(
        id="cd",
        name="Ngày hội toàn dân bảo vệ an ninh Tổ quốc năm 2023 – huyện Cần Đước",
        day=DAY,
        communes=ngayhoi.data.can_duoc_communes(DAY)[:3],
    )
    return ngayhoi.schedule(fest).unwrap()


def _common_prefix(names: list[str]) -> str:
    """The longest text every name starts with (characters, not path parts)."""
    first, last = min(names), max(names)
    size = next(
        (i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), len(first)
    )
    return first[:size]


def _unit_of(schedule: Schedule) -> dict[str, str]:
    fest = schedule.festival
    out = {}
    for unit in fest.hosts():
        for slot in schedule.for_unit(unit.id):
            out[activity_uid(fest, slot.activity)] = unit.id
    for task in fest.prep_tasks:
        if task.unit is not None:
            out[activity_uid(fest, task.id)] = task.unit
    return out


def test_the_mc_of_one_commune_gets_that_communes_day_not_every_flag_salute(
    sched: Schedule,
) -> None:
    feeds = {f.id: f for f in standard_feeds(sched, commune_roles=True)}
    where = _unit_of(sched)
    salutes = [u for u in feeds["role-mc"].uids if u.endswith(".chao-co@ngayhoi.vn")]
    assert len(salutes) == 3  # the district's MC feed: every commune's flag salute
    for unit in ("can-duoc", "long-trach", "long-khe"):
        mine = feeds[f"role-mc.{unit}"]
        assert mine.kind == "commune-role"
        assert mine.subject == "mc"
        assert {where[u] for u in mine.uids} == {unit}
        # Exactly the district feed's items in this commune, in the same order.
        assert list(mine.uids) == [u for u in feeds["role-mc"].uids if where.get(u) == unit]
        assert [u for u in mine.uids if u.endswith(".chao-co@ngayhoi.vn")] == [
            f"cd.{unit}.chao-co@ngayhoi.vn"
        ]


def test_every_role_has_a_feed_per_commune_it_works_in(sched: Schedule) -> None:
    feeds = standard_feeds(sched, commune_roles=True)
    where = _unit_of(sched)
    for district in (f for f in feeds if f.kind == "role"):
        units = {where[u] for u in district.uids if u in where}
        per_commune = {
            f.id.rsplit(".", 1)[1]
            for f in feeds
            if f.kind == "commune-role" and f.subject == district.subject
        }
        assert per_commune == units, district.id
    ids = [f.id for f in feeds]
    assert len(ids) == len(set(ids))


def test_calendar_names_start_with_what_tells_them_apart(sched: Schedule) -> None:
    feeds = standard_feeds(sched, commune_roles=True)
    names = [f.name for f in feeds]
    assert len(set(names)) == len(names)
    assert _common_prefix(names) == ""
    for feed in feeds:
        assert feed.label is not None
        assert feed.name == _safe_name(f"{feed.label} – Ngày hội 2023")
        assert unicodedata.is_normalized("NFC", feed.name)
        assert not any(c in feed.name for c in ",;\\")
        # The festival's full name is in the description.
        assert feed.description.endswith(
            "Ngày hội toàn dân bảo vệ an ninh Tổ quốc năm 2023 – huyện Cần Đước"
        )
    communes = [f.name for f in feeds if f.kind == "commune"]
    assert len(_common_prefix(communes)) <= len("Xã ")
    by_id = {f.id: f.name for f in feeds}
    assert by_id["role-mc.long-trach"] == "Long Trạch – MC – Ngày hội 2023"
    assert by_id["commune-long-trach"] == "Xã Long Trạch – Ngày hội 2023"
    assert by_id["master"] == "Tổng hợp – Ngày hội 2023"
    assert by_id["role-mc"] == "MC – các xã và thị trấn – Ngày hội 2023"


def test_role_names_follow_the_units_kind(sched: Schedule) -> None:
    by_id = {f.id: f for f in standard_feeds(sched, commune_roles=True)}
    assert by_id["role-cong-an-xa.can-duoc"].name == "Cần Đước – Công an thị trấn – Ngày hội 2023"
    assert by_id["role-ubnd-xa.can-duoc"].name == "Cần Đước – UBND thị trấn – Ngày hội 2023"
    assert by_id["role-cong-an-xa.long-khe"].name == "Long Khê – Công an xã – Ngày hội 2023"
    assert "tại Thị trấn Cần Đước" in by_id["commune-can-duoc"].description
    ward = Unit(id="phuong-1", name="Phường 1", official_name="Phường 1", kind="phường")
    fest = ngayhoi.templates.plan_day(id="p", name="Ngày hội phường", day=DAY, communes=[ward])
    feeds = {
        f.id: f.name for f in standard_feeds(ngayhoi.schedule(fest).unwrap(), commune_roles=True)
    }
    assert feeds["role-cong-an-xa.phuong-1"] == "Phường 1 – Công an phường – Ngày hội 2023"
    assert feeds["role-cong-an-xa"] == "Công an xã – các phường – Ngày hội 2023"


def test_a_plan_named_role_keeps_its_name(sched: Schedule) -> None:
    fest = sched.festival
    renamed = [
        attrs.evolve(r, name="Dẫn chương trình") if r.id == "mc" else r for r in fest.resources
    ]
    other = ngayhoi.schedule(attrs.evolve(fest, resources=renamed)).unwrap()
    names = {f.id: f.name for f in standard_feeds(other, commune_roles=True)}
    assert names["role-mc.can-duoc"] == "Cần Đước – Dẫn chương trình – Ngày hội 2023"


def test_the_embedded_zone_has_one_standard_block_at_plus_seven(sched: Schedule) -> None:
    data = calendar_bytes(sched, standard_feeds(sched)[0], stamp=V1)
    zone = data[data.index(b"BEGIN:VTIMEZONE") : data.index(b"END:VTIMEZONE")]
    assert zone.count(b"BEGIN:STANDARD") == 1
    assert b"DAYLIGHT" not in zone
    assert b"TZOFFSETTO:+0700" in zone
    assert b"TZOFFSETTO:+0800" not in zone
    calendar = icalendar.Calendar.from_ical(data)
    starts = [e.decoded("DTSTART") for e in calendar.walk("VEVENT")]
    timed = [s for s in starts if isinstance(s, dt.datetime)]
    assert timed
    assert {s.utcoffset() for s in timed} == {dt.timedelta(hours=7)}


@pytest.mark.parametrize("tzid", sorted(_KNOWN_VTIMEZONES))
def test_a_vtimezone_known_ahead_is_the_one_icalendar_builds(tzid: str) -> None:
    assert _vtimezone(tzid) == _built_vtimezone(tzid)


def test_a_zone_with_daylight_saving_keeps_every_block() -> None:
    berlin = _vtimezone("Europe/Berlin")
    assert b"BEGIN:DAYLIGHT" in berlin
    assert b"BEGIN:STANDARD" in berlin


def test_the_changed_feeds_pass_all_six_checkers(
    sched: Schedule,
    tmp_path: Path,
    ics_check: Callable[[Path], subprocess.CompletedProcess[str]],
) -> None:
    export_calendars(sched, tmp_path / "ev", now=V1, commune_roles=True)
    export_calendars(sched, tmp_path / "todo", now=V1, tasks="todo", commune_roles=True)
    files = [
        tmp_path / "ev" / "master.ics",
        tmp_path / "ev" / "commune-can-duoc.ics",
        tmp_path / "ev" / "role-mc.long-trach.ics",
        tmp_path / "ev" / "role-cong-an-xa.ics",
        tmp_path / "todo" / "role-cong-an-xa.can-duoc.ics",
    ]
    for path in files:
        result = ics_check(path)
        assert "6 passed, 0 failed" in result.stdout, f"{path}:\n{result.stdout}"


def test_switching_tasks_between_events_and_todos_is_a_change(
    sched: Schedule, tmp_path: Path
) -> None:
    tasks = len(sched.festival.prep_tasks)
    export_calendars(sched, tmp_path, now=V1)
    to_todo = export_calendars(sched, tmp_path, now=V2, tasks="todo")
    assert to_todo.counts == {"form": tasks}
    text = (tmp_path / "commune-can-duoc.ics").read_text(encoding="utf-8")
    todo = text[text.index("BEGIN:VTODO") : text.index("END:VTODO")]
    assert "SEQUENCE:1" in todo
    assert "DTSTAMP:20230802T080000Z" in todo
    assert "Đổi dạng:" in to_todo.diff.text()
    assert "nay là việc cần làm (to-do)" in to_todo.diff.text()
    again = export_calendars(sched, tmp_path, now=V3, tasks="todo")
    assert not again.diff
    assert again.written == []
    back = export_calendars(sched, tmp_path, now=V3, tasks="event")
    assert back.counts == {"form": tasks}
    text = (tmp_path / "commune-can-duoc.ics").read_text(encoding="utf-8")
    assert "BEGIN:VTODO" not in text
    assert "SEQUENCE:2" in text


def _event(uid: str, hour: int, *, summary: str = "Trao thưởng – Long Hòa") -> CalendarEvent:
    start = dt.datetime(2023, 8, 6, hour, tzinfo=TZ)
    return CalendarEvent(
        uid=uid,
        kind="activity",
        summary=summary,
        start=start,
        end=start + dt.timedelta(minutes=15),
    )


def _feed(fid: str, kind: str, label: str, *uids: str) -> Feed:
    return Feed(
        id=fid,
        name=f"{label} – Ngày hội 2023",
        description="",
        uids=uids,
        kind=kind,
        subject=fid.partition("-")[2] or None,
        label=label,
    )


def _notice() -> ngayhoi.export.PlanDiff:
    before = {"a@x": _event("a@x", 8), "b@x": _event("b@x", 9, summary="Diễn đàn – Long Hòa")}
    after = {"a@x": _event("a@x", 10)}
    feeds = {
        "commune-long-hoa": _feed("commune-long-hoa", "commune", "Xã Long Hòa", "a@x", "b@x"),
        "delegation-doan-2": _feed(
            "delegation-doan-2", "delegation", "Đoàn 2 BCĐ 138 huyện", "a@x", "b@x"
        ),
        "master": _feed("master", "master", "Tổng hợp", "a@x", "b@x"),
    }
    return diff_events(before, feeds, after, feeds)


def test_the_diff_reads_like_a_notice_summary_first_each_event_once() -> None:
    text = _notice().text()
    assert unicodedata.is_normalized("NFC", text)
    lines = text.splitlines()
    assert lines[0] == "Tóm tắt: 2 thay đổi (1 dời giờ, 1 hủy)"
    assert lines[1:3] == [
        "  Xã Long Hòa: 1 dời giờ, 1 hủy",
        "  Đoàn 2 BCĐ 138 huyện: 1 dời giờ, 1 hủy",
    ]
    assert lines[3] == "Chi tiết:"
    assert lines[4] == "  1. Dời giờ: Trao thưởng – Long Hòa, 06/08 08:00–08:15 → 06/08 10:00–10:15"
    assert lines[5] == "     Lịch: commune-long-hoa, delegation-doan-2, master"
    assert lines[6] == "  2. Hủy: Diễn đàn – Long Hòa, trước đây 06/08 09:00–09:15"
    assert text.count("Trao thưởng") == 1
    assert "Tổng hợp" not in text  # the master is not a person; its id is in the details


def test_the_diff_as_json_names_feeds_and_events_by_id() -> None:
    data = _notice().to_json()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert (data["format"], data["version"]) == ("ngayhoi-diff", 1)
    assert data["counts"] == {"moved": 1, "cancelled": 1}
    assert set(KINDS) >= set(data["counts"])
    feeds = data["feeds"]
    assert isinstance(feeds, dict)
    assert feeds["delegation-doan-2"] == {
        "kind": "delegation",
        "subject": "doan-2",
        "counts": {"moved": 1, "cancelled": 1},
        "uids": ["a@x", "b@x"],
    }
    assert "Đoàn 2" not in json.dumps(feeds, ensure_ascii=False)
    changes = data["changes"]
    assert isinstance(changes, list)
    assert [(c["kind"], c["uid"], c["feeds"]) for c in changes] == [
        ("moved", "a@x", ["commune-long-hoa", "delegation-doan-2", "master"]),
        ("cancelled", "b@x", ["commune-long-hoa", "delegation-doan-2", "master"]),
    ]
    assert changes[1]["after"] is None


def test_a_restored_event_is_reported_as_restored() -> None:
    cancelled = {"a@x": attrs.evolve(_event("a@x", 8), cancelled=True)}
    back = {"a@x": _event("a@x", 8)}
    result = diff_events(cancelled, {}, back, {})
    assert [c.kind for c in result.changes] == ["restored"]
    assert result.changes[0].describe().startswith("Khôi phục: ")


def test_calendar_events_can_give_tasks_as_todos(sched: Schedule) -> None:
    events = calendar_events(sched, todos=True)
    kinds = {e.kind for e in events.values()}
    assert "todo" in kinds
    assert "task" not in kinds
