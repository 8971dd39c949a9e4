"""iCalendar export: the profile, determinism, and a parse round trip."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import attrs
import icalendar
import pendulum
import pytest

import ngayhoi
from ngayhoi.export import calendar_bytes, calendar_events, master_feed, write_calendars
from ngayhoi.model import Activity, Site

from conftest import DAY, act, at, one_site_festival

STAMP = pendulum.datetime(2023, 7, 1, 8, tz="UTC")


def _sample() -> ngayhoi.Schedule:
    fest = one_site_festival(
        act("a", 10, fixed_start=at(7)),
        Activity(
            id="b",
            kind="forum",
            title='Diễn đàn "Công an xã lắng nghe ý kiến của Nhân dân"; hỏi, đáp',
            site="s",
            duration=30,
            earliest_start=at(7, 30),
            description="Dòng 1\nDòng 2 với dấu \\ và ;",
        ),
    )
    return ngayhoi.schedule(fest).unwrap()


def test_round_trip_gives_back_the_same_uids_and_times() -> None:
    schedule = _sample()
    data = calendar_bytes(schedule, master_feed(schedule), stamp=STAMP)
    cal = icalendar.Calendar.from_ical(data)
    parsed = {str(e["UID"]): (e.decoded("DTSTART"), e.decoded("DTEND")) for e in cal.walk("VEVENT")}
    expected = {f"t.{s.activity}@ngayhoi.vn": (s.start, s.end) for s in schedule.values()}
    assert parsed == expected
    forum = next(e for e in cal.walk("VEVENT") if str(e["UID"]) == "t.b@ngayhoi.vn")
    assert (
        str(forum["SUMMARY"])
        == 'Diễn đàn "Công an xã lắng nghe ý kiến của Nhân dân"; hỏi, đáp – Long Hòa'
    )
    assert str(forum["DESCRIPTION"]).endswith("Dòng 1\nDòng 2 với dấu \\ và ;")


def test_output_is_deterministic_with_an_injected_stamp() -> None:
    one = calendar_bytes(_sample(), master_feed(_sample()), stamp=STAMP)
    two = calendar_bytes(_sample(), master_feed(_sample()), stamp=STAMP)
    assert one == two
    assert b"DTSTAMP:20230701T080000Z" in one


def test_profile_crlf_nfc_tzid_no_method_escaped() -> None:
    data = calendar_bytes(_sample(), master_feed(_sample()), stamp=STAMP)
    text = data.decode("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    assert "\r\n" in text
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "METHOD" not in text
    assert "BEGIN:VTIMEZONE" in text
    assert "DTSTART;TZID=Asia/Ho_Chi_Minh:20230806T070000" in text
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in text
    assert "X-PUBLISHED-TTL:PT1H" in text
    unfolded = text.replace("\r\n ", "")
    assert "hỏi\\, đáp" in unfolded
    assert 'Nhân dân"\\; hỏi' in unfolded
    # COMMENT inside VTIMEZONE breaks libical (ICAL_INTEROP.md §3.4).
    assert "COMMENT" not in text


def test_calendar_names_keep_commas_and_semicolons_out() -> None:
    fest = one_site_festival(act("a", fixed_start=at(7)))
    fest = attrs.evolve(fest, name="Ngày hội; xã, huyện \\ tỉnh")
    data = calendar_bytes(ngayhoi.schedule(fest), master_feed(ngayhoi.schedule(fest)), stamp=STAMP)
    name_line = next(
        line
        for line in data.decode().replace("\r\n ", "").split("\r\n")
        if line.startswith("X-WR-CALNAME")
    )
    assert not any(c in name_line.split(":", 1)[1] for c in ",;\\")


def test_geo_is_written_with_a_semicolon() -> None:
    fest = attrs.evolve(
        one_site_festival(act("a", fixed_start=at(7))),
        sites=[Site(id="s", name="Sân", unit="x", lat=10.5, lon=106.6)],
    )
    data = calendar_bytes(ngayhoi.schedule(fest), master_feed(ngayhoi.schedule(fest)), stamp=STAMP)
    assert b"GEO:10.5;106.6" in data


def test_the_same_event_has_the_same_bytes_in_every_feed(tmp_path: Path) -> None:
    schedule = _sample()
    write_calendars(schedule, tmp_path, stamp=STAMP)
    master = (tmp_path / "master.ics").read_bytes()
    commune = (tmp_path / "commune-x.ics").read_bytes()
    block = master[master.index(b"BEGIN:VEVENT") : master.index(b"END:VEVENT")]
    assert block in commune


def test_prep_tasks_are_all_day_events_in_their_commune_feed(tmp_path: Path) -> None:
    fest = ngayhoi.templates.plan_day(
        id="t",
        name="Ngày hội thử",
        day=DAY,
        communes=ngayhoi.data.can_duoc_communes(DAY)[:2],
    )
    schedule = ngayhoi.schedule(fest).unwrap()
    events = calendar_events(schedule)
    rehearsal = events["t.can-duoc.tong-duyet@ngayhoi.vn"]
    # T-1 is Saturday 5/8/2023: the deadline moves to the working day before it.
    assert rehearsal.start == pendulum.date(2023, 8, 4)
    assert "dời về thứ Sáu 04/08/2023 vì 05/08/2023 là thứ Bảy" in (rehearsal.description or "")
    write_calendars(schedule, tmp_path, stamp=STAMP)
    text = (tmp_path / "commune-can-duoc.ics").read_text(encoding="utf-8")
    assert "DTSTART;VALUE=DATE:20230804" in text
    assert "Tổng duyệt" in text


def test_write_calendars_refuses_a_file_outside_the_folder(tmp_path: Path) -> None:
    from ngayhoi.export import safe_child  # noqa: PLC0415

    with pytest.raises(ngayhoi.ExportError, match="would leave the output folder"):
        safe_child(tmp_path, "../x.ics")
