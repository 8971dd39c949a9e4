"""Other events: the pilot day, the online review conference, the commendation meeting."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

import ngayhoi
from ngayhoi import io
from ngayhoi.export import export_calendars
from ngayhoi.export.runsheet import commune_runsheet
from ngayhoi.io import PlanFileError
from ngayhoi.model import SyncKind
from ngayhoi.scheduling.checker import check_protocol, check_schedule

from conftest import ROOT

PLAN = ROOT / "tests" / "data" / "pilot_and_conferences.toml"


@pytest.fixture(scope="module")
def schedule() -> ngayhoi.Schedule:
    return ngayhoi.schedule(io.load(PLAN))


def test_the_pilot_day_is_the_full_programme_at_one_commune(schedule: ngayhoi.Schedule) -> None:
    fest = schedule.festival
    pilot = [a for a in fest.activities if a.site == "rach-kien"]
    assert [a.item for a in pilot][:3] == ["tap-trung", "dieu-hanh", "don-dai-bieu"]
    assert len(pilot) == 14
    speech = fest.activity("rach-kien.phat-bieu-chi-dao")
    assert speech.title == "Lãnh đạo tỉnh Tây Ninh phát biểu chỉ đạo, tặng quà"
    assert check_schedule(schedule) == []
    assert check_protocol(schedule) == []


def test_the_provincial_delegation_attends_from_the_guests_to_its_speech(
    schedule: ngayhoi.Schedule,
) -> None:
    held = [s.activity for s in schedule.values() if "doan-tinh-diem" in s.resources]
    assert held[0] == "rach-kien.tuyen-bo-ly-do"
    assert held[-1] == "rach-kien.phat-bieu-chi-dao"
    doan = schedule.festival.resource("doan-tinh-diem")
    assert doan.name == "Đoàn công tác Ban Chỉ đạo 138 tỉnh Tây Ninh"


def test_every_review_item_starts_at_the_hub_and_the_points_together(
    schedule: ngayhoi.Schedule,
) -> None:
    fest = schedule.festival
    bridges = [g for g in fest.sync_groups if g.kind is SyncKind.BRIDGE]
    assert len(bridges) == 8
    for group in bridges:
        assert group.hub is not None
        assert group.hub.startswith("ubnd-tinh.tong-ket.")
        assert len({schedule[a].start for a in group.activities}) == 1
    assert schedule["can-duoc.tong-ket.ket-noi"].start.format("HH:mm") == "14:00"


def test_each_point_says_who_presides_and_checks_its_connection_the_day_before(
    schedule: ngayhoi.Schedule,
) -> None:
    fest = schedule.festival
    assert fest.activity("can-duoc.tong-ket.ket-noi").description == (
        "Chủ trì tại điểm cầu: Chủ tịch UBND xã Cần Đước"
    )
    assert fest.activity("long-cang.tong-ket.ket-noi").description == (
        "Chủ trì tại điểm cầu: Lãnh đạo UBND long-cang"
    )
    check = fest.prep_task("long-cang.tong-ket.kiem-tra-ket-noi")
    assert str(schedule.prep[check.id].due) == "2025-08-06"
    assert check.unit == "long-cang"


def test_the_commendation_meeting_has_its_own_agenda_and_title(
    schedule: ngayhoi.Schedule,
) -> None:
    fest = schedule.festival
    items = [a for a in fest.activities if a.id.startswith("ubnd-tinh.bieu-duong.")]
    assert [a.item for a in items][-3:] == [
        "bieu-duong.bieu-duong",
        "bieu-duong.chi-dao",
        "bieu-duong.be-mac",
    ]
    assert items[3].title == (
        "Báo cáo kết quả phong trào Toàn dân bảo vệ an ninh Tổ quốc giai đoạn 2020–2025"
    )
    assert schedule[items[0].id].start.format("HH:mm") == "08:00"


def test_a_conference_sheet_says_hoi_nghi_and_a_pilot_sheet_ngay_hoi(
    schedule: ngayhoi.Schedule,
) -> None:
    point = commune_runsheet(schedule, "can-duoc", fmt="md")
    assert "CHƯƠNG TRÌNH HỘI NGHỊ" in point
    assert "I. Chương trình Hội nghị" in point
    assert "Chương trình Ngày hội" not in point
    assert "I. Chương trình Ngày hội" in commune_runsheet(schedule, "rach-kien", fmt="md")


def test_the_event_calendars_pass_every_checker(
    schedule: ngayhoi.Schedule,
    tmp_path: Path,
    ics_check: Callable[[Path], subprocess.CompletedProcess[str]],
) -> None:
    export_calendars(schedule, tmp_path)
    written = sorted(tmp_path.glob("*.ics"))
    assert {"commune-can-duoc.ics", "delegation-doan-tinh-diem.ics"} <= {p.name for p in written}
    for path in written:
        result = ics_check(path)
        assert result.returncode == 0, f"{path.name}:\n{result.stdout}{result.stderr}"
        assert "6 passed, 0 failed" in result.stdout


def test_the_plan_with_events_round_trips() -> None:
    plan = io.load(PLAN)
    assert io.loads(io.dumps(plan)) == plan


BASE = PLAN.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ('unit = "rach-kien"\nat', 'unit = "rach-kienn"\nat',
         r"pilot\.unit: .*did you mean 'rach-kien'"),
        ('kind = "tong-ket"', 'kind = "tong-kett"', r"conference\[0\]\.kind: .*'tong-kett'"),
        ('hub = "ubnd-tinh"\npoints', 'hub = "tinh"\npoints', r"conference\[0\]\.hub: .*'tinh'"),
        ('points = ["can-duoc", "long-cang"]', 'points = ["can-duoc", "ubnd-tinh"]',
         r"conference\[0\]: .*the hub 'ubnd-tinh' is also a bridge point"),
        ('period = "2020–2025"', "", r"conference\[1\]\.period: the period commended is missing"),
        ("point_presides = { can-duoc", "point_presides = { my-le",
         r"conference\[0\]\.point_presides\.my-le: .*unknown bridge point"),
        ('at = "14:00"', 'at = "14:00"\nday = 2025-08-08',
         r"conference\[0\]\.day: 2025-08-08 is not"),
        ("[pilot]\n", '[pilot]\nsite = "can-duoc"\n', r"pilot\.site: .*unknown site of rach-kien"),
    ],
)  # fmt: skip
def test_bad_event_keys_name_the_key(old: str, new: str, where: str) -> None:
    assert old in BASE
    with pytest.raises(PlanFileError, match=where):
        io.loads(BASE.replace(old, new, 1))


@pytest.mark.parametrize(
    ("pilot", "day", "organiser"),
    [("Long Hòa", "2023-08-06", "Huyện Cần Đước"), ("Rạch Kiến", "2025-08-07", "Tỉnh Tây Ninh")],
)
def test_init_pilot_writes_the_pilot_day_of_one_commune(
    tmp_path: Path, pilot: str, day: str, organiser: str
) -> None:
    import io as stdio  # noqa: PLC0415

    from ngayhoi.cli import main  # noqa: PLC0415

    path = tmp_path / "diem.toml"
    out, err = stdio.StringIO(), stdio.StringIO()
    code = main(["init", "--pilot", pilot, "--date", day, "--out", str(path)], out=out, err=err)
    assert code == 0, err.getvalue()
    plan = io.load(path)
    assert [u.name for u in plan.hosts()] == [pilot]
    assert plan.name.endswith(f"tại xã {pilot}")
    delegation = next(r for r in plan.resources if r.kind.value == "delegation")
    assert delegation.name == f"Đoàn công tác Ban Chỉ đạo 138 {organiser[0].lower()}{organiser[1:]}"
    sched = ngayhoi.schedule(plan)
    assert check_schedule(sched) == []
    assert check_protocol(sched) == []


@pytest.mark.parametrize("day", ["2023-09-10", "2023-06-30", "1900-08-10"])
def test_init_pilot_refuses_a_day_outside_the_campaign_window_naming_date(
    tmp_path: Path, day: str
) -> None:
    import io as stdio  # noqa: PLC0415

    from ngayhoi.cli import main  # noqa: PLC0415

    path = tmp_path / "diem.toml"
    out, err = stdio.StringIO(), stdio.StringIO()
    code = main(
        ["init", "--pilot", "Long Hòa", "--date", day, "--out", str(path)], out=out, err=err
    )
    assert code == 2
    message = err.getvalue()
    assert f"--date {day}" in message
    assert "campaign window" in message or "the year must be from" in message
    assert "Traceback" not in message
    assert not path.exists()
