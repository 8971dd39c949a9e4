"""The bundled 17-commune example, end to end: times, order, calendars through real parsers."""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import icalendar
import pendulum
import pytest

import ngayhoi
from ngayhoi.scheduling.checker import check_protocol, idle_minutes

from conftest import ROOT, load_example

example = load_example("can_duoc_2023")
TZ = "Asia/Ho_Chi_Minh"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("can-duoc")
    result = subprocess.run(  # noqa: S603 - the example, as a user runs it
        [sys.executable, str(ROOT / "examples" / "can_duoc_2023.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Xã Long Hựu Tây" in result.stdout
    return out


def test_the_example_writes_17_commune_calendars_a_master_and_3_delegations(
    written: Path,
) -> None:
    names = sorted(p.name for p in written.glob("*.ics"))
    assert "master.ics" in names
    assert len([n for n in names if n.startswith("commune-")]) == 17
    assert len([n for n in names if n.startswith("delegation-")]) == 3


def test_every_calendar_passes_all_six_checkers(
    written: Path, ics_check: Callable[[Path], subprocess.CompletedProcess[str]]
) -> None:
    # A role feed per commune (role-<role>.<unit>.ics) is its commune feed's bytes, a
    # subset (tests/test_sync.py checks that for every one): the checkers read
    # Long Hòa's, not 17 × 11 copies.
    paths = [
        path
        for path in sorted(written.glob("*.ics"))
        if not (path.name.startswith("role-") and path.name.count(".") == 2)
        or path.name.endswith(".long-hoa.ics")
    ]
    assert any(path.name.endswith(".long-hoa.ics") for path in paths)
    for path in paths:
        result = ics_check(path)
        assert result.returncode == 0, f"{path.name}:\n{result.stdout}{result.stderr}"
        assert "6 passed, 0 failed" in result.stdout


def test_all_17_parades_start_at_0645_in_the_master(written: Path) -> None:
    cal = icalendar.Calendar.from_ical((written / "master.ics").read_bytes())
    parades = [e for e in cal.walk("VEVENT") if str(e["UID"]).endswith(".dieu-hanh@ngayhoi.vn")]
    assert len(parades) == 17
    expected = pendulum.datetime(2023, 8, 6, 6, 45, tz=TZ)
    for event in parades:
        start = event.decoded("DTSTART")
        assert start == expected
        assert start.utcoffset() == pendulum.duration(hours=7)
        assert event["DTSTART"].params["TZID"] == TZ


def test_each_commune_follows_its_programme_order_without_overlap() -> None:
    schedule = ngayhoi.schedule(example.build()).unwrap()
    standard = [i.key for i in ngayhoi.templates.standard_programme(forum=True).enabled()]
    programmes = example.VISITED_PROGRAMMES
    fest = schedule.festival
    assert len(fest.hosts()) == 17
    for unit in fest.hosts():
        slots = schedule.at_site(unit.id)
        order = (
            [i.key for i in programmes[unit.id].enabled()]
            if unit.id in example.VISITED
            else standard
        )
        assert [fest.activity(s.activity).item for s in slots] == order
        for before, after in itertools.pairwise(slots):
            assert before.end <= after.start, (before.activity, after.activity)
    ceremony = [k for k in standard if k not in {"tap-trung", "dieu-hanh", "tro-choi"}]
    assert ceremony[:4] == ["don-dai-bieu", "van-nghe", "chao-co", "tuyen-bo-ly-do"]
    assert ceremony[-1] == "be-mac"
    for programme in programmes.values():
        assert [i.key for i in programme.enabled() if i.key in ceremony] == ceremony


def test_the_example_keeps_protocol_attendance_spans_and_no_wait_over_15_minutes() -> None:
    schedule = ngayhoi.schedule(example.build()).unwrap()
    assert check_protocol(schedule) == []
    waits = idle_minutes(schedule)
    assert max(m for site in waits.values() for _, m in site) <= 15
    fest = schedule.festival
    span = ["tuyen-bo-ly-do", "bao-cao", "dien-dan", "trao-thuong", "phat-bieu-chi-dao"]
    for unit in example.VISITED:
        slots = [schedule[f"{unit}.{key}"] for key in span]
        guests = set(slots[0].resources) & {d.id for d in schedule.delegations()}
        assert len(guests) == 1, unit
        assert all(guests <= set(s.resources) for s in slots)
        for before, after in itertools.pairwise(slots):
            assert before.end == after.start
    assert len(fest.hosts()) == 17


def test_outdoor_items_end_by_eleven_and_prep_tasks_come_before_the_day() -> None:
    schedule = ngayhoi.schedule(example.build()).unwrap()
    fest = schedule.festival
    for slot in schedule.values():
        if fest.activity(slot.activity).outdoor:
            assert slot.end.format("HH:mm") <= "11:00"
    before = [p for p in schedule.prep.values() if p.due < fest.days[0]]
    assert len(before) == 17 * 7 + 1
    assert min(p.due for p in schedule.prep.values()) == pendulum.date(2023, 6, 27)


def test_the_example_uses_units_valid_in_2023() -> None:
    fest = example.build()
    assert all(u.valid_on(fest.days[0]) for u in fest.units)
    assert {u.id for u in fest.hosts()} >= {"long-khe", "long-hoa", "long-trach"}
