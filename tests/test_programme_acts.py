"""The programme acts: no idle crowd, people as resources, the rain plan, answers that help."""

from __future__ import annotations

import datetime as dt
import io as stdio
import itertools
import json
from pathlib import Path
from typing import Any

import attrs
import pytest

import ngayhoi
from ngayhoi import io, templates
from ngayhoi.cli import init_text, main
from ngayhoi.errors import PlanError
from ngayhoi.export.runsheet import commune_runsheet
from ngayhoi.export.schedule_json import schedule_json
from ngayhoi.model import Festival, Requirement, Resource, Site, TravelTimes, Unit
from ngayhoi.scheduling.advice import advise
from ngayhoi.scheduling.checker import (
    check_one_place,
    check_outdoor,
    check_protocol,
    check_schedule,
    idle_minutes,
)
from ngayhoi.scheduling.idle import MOVABLE, programme_order
from ngayhoi.scheduling.weather import moves_in_rain, rain_plan

from conftest import DAY

CEREMONY = (
    "chao-co",
    "tuyen-bo-ly-do",
    "bao-cao",
    "dien-dan",
    "trao-thuong",
    "phat-bieu-chi-dao",
    "phat-bieu-tiep-thu",
    "giao-uoc",
    "be-mac",
)


def _standard(n: int, *, delegations: int, visited: int) -> Festival:
    """The standard programme everywhere (no order chosen by hand), ``visited`` ceremonies."""
    names = [f"x{k}" for k in range(n)]
    units = [Unit(id=u, name=u.upper(), official_name=f"Xã {u.upper()}", kind="xã") for u in names]
    return templates.plan_day(
        id="p",
        name="Ngày hội",
        day=DAY,
        communes=units,
        sites=[Site(id=u, name=f"UBND xã {u.upper()}", unit=u) for u in names],
        at=dt.time(6, 45),
        resources=[
            Resource(id=f"doan-{k}", name=f"Đoàn {k}", kind="delegation", group="doan")
            for k in range(1, delegations + 1)
        ],
        needs={f"{u}.trao-thuong": [Requirement("doan")] for u in names[:visited]},
        travel=TravelTimes(default=10),
        preparation=False,
    )


def test_three_visits_a_delegation_leave_no_crowd_waiting_over_max_idle() -> None:
    fest = _standard(6, delegations=2, visited=6)
    sched = ngayhoi.schedule(fest)
    assert check_schedule(sched) == []
    assert check_protocol(sched) == []
    waits = [m for site in idle_minutes(sched).values() for _, m in site]
    assert max(waits) <= fest.max_idle  # type: ignore[operator]
    visits = [s for s in sched.values() if any(r.startswith("doan-") for r in s.resources)]
    assert len({s.activity.split(".")[0] for s in visits}) == 6


def test_only_movable_items_move_and_the_ceremony_keeps_its_order() -> None:
    fest = _standard(6, delegations=2, visited=6)
    sched = ngayhoi.schedule(fest)
    for site in sched.festival.sites:
        order = programme_order(sched.festival, site.id)
        assert order is not None
        keys = [sched.festival.activity(a).item for a in order]
        fixed = [k for k in keys if k in CEREMONY and k not in MOVABLE]
        assert fixed == [k for k in CEREMONY if k not in MOVABLE]
        # The chain the schedule keeps is the chain its festival says.
        starts = [sched.slots[a].start for a in order]
        assert starts == sorted(starts)


def test_the_same_plan_gives_the_same_reordered_schedule() -> None:
    one = ngayhoi.schedule(_standard(6, delegations=2, visited=6))
    two = ngayhoi.schedule(_standard(6, delegations=2, visited=6))
    assert one.to_records() == two.to_records()
    assert one.festival.dependencies == two.festival.dependencies


def test_without_max_idle_the_plan_order_is_kept() -> None:
    fest = attrs.evolve(_standard(4, delegations=1, visited=2), max_idle=None)
    sched = ngayhoi.schedule(fest, raise_on_infeasible=False)
    assert sched.festival.dependencies == fest.dependencies


def test_idle_minutes_are_in_the_run_sheet_and_the_schedule_json() -> None:
    sched = ngayhoi.schedule(_standard(2, delegations=1, visited=1))
    total = sum(m for _, m in idle_minutes(sched)["x0"])
    longest = max(m for _, m in idle_minutes(sched)["x0"])
    sheet = commune_runsheet(sched, "x0")
    assert f"Thời gian chờ giữa các mục:** {total} phút (lâu nhất {longest} phút)" in sheet
    rooms = schedule_json(sched, version="1")["schedule"]["conference"]["rooms"]
    room = next(r for r in rooms if r["name"].startswith("UBND xã X0"))
    assert room["features"] == {"idle_minutes": total, "longest_idle_minutes": longest}


# -- people -----------------------------------------------------------------------------


def _two_points(people: str) -> str:
    text = init_text(communes=2, day=dt.date(2025, 8, 16))
    extra = (
        '[[sites]]\nid = "rach-kien.long-thanh"\nname = "Nhà văn hóa ấp Long Thanh"\n'
        'unit = "rach-kien"\n\n[travel]\ndefault = 12\n\n'
    )
    return text.replace("[programme]", extra + "[programme]", 1) + people


CHAIRMAN = """
[[people]]
id = "ct-rach-kien"
name = "Chủ tịch UBND xã Rạch Kiến"
unit = "rach-kien"
leads = ["phat-bieu-tiep-thu", "bao-cao"]
"""


def test_a_chairman_without_a_deputy_leads_the_points_one_after_another() -> None:
    sched = ngayhoi.schedule(io.loads(_two_points(CHAIRMAN)))
    assert check_schedule(sched) == []
    assert check_one_place(sched) == []
    held = sorted((s.start, s.end) for s in sched.values() if "ct-rach-kien" in s.resources)
    assert len(held) == 4
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(held))


def test_a_chairman_with_a_deputy_sends_the_deputy_to_the_other_point() -> None:
    deputy = CHAIRMAN + 'deputy = "pct-rach-kien"\n\n[[people]]\nid = "pct-rach-kien"\n'
    deputy += 'name = "Phó Chủ tịch UBND xã Rạch Kiến"\n'
    sched = ngayhoi.schedule(io.loads(_two_points(deputy)))
    assert check_schedule(sched) == []
    assert check_one_place(sched) == []
    who = {r for s in sched.values() for r in s.resources if r.endswith("rach-kien")}
    assert who == {"ct-rach-kien", "pct-rach-kien"}


def test_one_person_at_two_points_at_once_is_flagged() -> None:
    sched = ngayhoi.schedule(io.loads(_two_points(CHAIRMAN)))
    a, b = "rach-kien.phat-bieu-tiep-thu", "rach-kien.long-thanh.phat-bieu-tiep-thu"
    slots = dict(sched.slots)
    slots[b] = attrs.evolve(slots[b], start=slots[a].start, end=slots[a].end)
    found = check_one_place(attrs.evolve(sched, slots=slots))
    assert [v.resource for v in found] == ["ct-rach-kien"]
    assert "Chủ tịch UBND xã Rạch Kiến" in found[0].message


def test_a_delegation_member_is_wherever_the_delegation_is() -> None:
    text = init_text(communes=2, day=dt.date(2025, 8, 16))
    text += '\n[[resources]]\nid = "doan-1"\nname = "Đoàn 1"\nkind = "delegation"\n'
    text += '\n[[people]]\nid = "tt"\nname = "Trưởng Công an xã"\ndelegation = "doan-1"\n'
    plan = io.loads(text)
    assert plan.resource("tt").delegation == "doan-1"
    assert "Trưởng Công an xã" in plan.resource("doan-1").members


@pytest.mark.parametrize(
    ("people", "words"),
    [
        ('[[people]]\nid = "a"\nname = "A"\nunit = "can-duoc"\nlead = ["be-mac"]\n', "leads"),
        ('[[people]]\nid = "a"\nname = "A"\nunit = "can-duoc"\nleads = ["nhay"]\n', "nhay"),
        ('[[people]]\nid = "a"\nname = "A"\ndeputy = "b"\n', "deputy"),
        ('[[people]]\nid = "a"\nname = "A"\ndelegation = "doan-9"\n', "doan-9"),
        ('[[people]]\nname = "A"\n', "id"),
    ],
)
def test_bad_people_tables_are_plan_errors_that_name_the_key(people: str, words: str) -> None:
    text = init_text(communes=1, day=dt.date(2025, 8, 16)) + "\n" + people
    with pytest.raises(PlanError, match=words):
        io.loads(text)


# -- weather ----------------------------------------------------------------------------


def _open_air(**festival: Any) -> Festival:
    fest = _standard(2, delegations=1, visited=1)
    hall = Site(id="x0.hoi-truong", name="Hội trường UBND xã X0", unit="x0")
    yard = attrs.evolve(fest.site("x0"), name="Sân UBND xã X0", outdoor=True, fallback=hall.id)
    sites = [yard, hall, *(s for s in fest.sites if s.id != "x0")]
    return attrs.evolve(fest, sites=sites, **festival)


def test_items_at_an_open_air_site_end_by_outdoor_until_in_the_schedule() -> None:
    fest = _open_air(outdoor_until=dt.time(10, 0))
    sched = ngayhoi.schedule(fest, raise_on_infeasible=False)
    assert check_outdoor(sched) == []
    limit = fest.local(DAY, dt.time(10, 0))
    assert all(s.end <= limit for s in sched.values() if s.activity.startswith("x0."))


def test_the_rain_plan_moves_outdoor_items_under_the_roof_with_few_changes() -> None:
    dry = ngayhoi.schedule(_open_air())
    wet = ngayhoi.schedule(_open_air(weather="mua"))
    assert check_schedule(wet) == []
    moved = {a.id: a for a in wet.festival.activities if a.moved_from is not None}
    assert moved
    assert {a.site for a in moved.values()} == {"x0.hoi-truong"}
    assert "x0.dieu-hanh" not in moved  # the parade stays on its roads
    same = [a for a in dry.slots if dry.slots[a].start == wet.slots[a].start]
    assert len(same) == len(dry.slots)
    sheet = commune_runsheet(wet, "x0")
    assert "Phương án dự phòng khi mưa (đang áp dụng)" in sheet
    assert "Phương án dự phòng khi mưa" in commune_runsheet(dry, "x0")


def test_the_rain_plan_is_a_plan_key_and_a_cli_option(tmp_path: Path) -> None:
    fest = _open_air()
    path = tmp_path / "p.toml"
    path.write_text(io.dumps(fest), encoding="utf-8")
    assert io.load(path).weather == "nang"
    wet = tmp_path / "wet.toml"
    wet.write_text(io.dumps(rain_plan(fest)).replace('weather = "mua"', 'weather = "mua"'))
    assert io.load(wet).weather == "mua"
    out = tmp_path / "lich"
    err = stdio.StringIO()
    code = main(
        ["export", str(path), "--weather", "mua", "--out", str(out)],
        out=stdio.StringIO(),
        err=err,
    )
    assert code == 0, err.getvalue()
    ics = (out / "commune-x0.ics").read_text(encoding="utf-8")
    assert "LOCATION:Hội trường UBND xã X0" in ics
    assert set(moves_in_rain(fest)) >= {"x0.chao-co", "x0.tro-choi"}


def test_a_bad_weather_value_is_a_plan_error() -> None:
    with pytest.raises(PlanError, match="weather"):
        attrs.evolve(_open_air(), weather="bao")


# -- answers that help ------------------------------------------------------------------


def test_the_scheduler_moves_the_games_first_when_they_would_end_too_late() -> None:
    text = init_text(communes=3, day=dt.date(2025, 8, 16)).replace(
        'outdoor_until = "11:00"', 'outdoor_until = "10:30"'
    )
    sched = ngayhoi.schedule(io.loads(text))
    assert check_protocol(sched) == []
    games = [s for s in sched.values() if s.activity.endswith(".tro-choi")]
    assert all(s.end.format("HH:mm") <= "10:30" for s in games)


def _too_early_limit(tmp_path: Path) -> Path:
    text = init_text(communes=3, day=dt.date(2025, 8, 16)).replace(
        'outdoor_until = "11:00"', 'outdoor_until = "08:30"'
    )
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_impossible_plan_gets_short_reasons_with_fixes_that_work(
    tmp_path: Path,
) -> None:
    path = _too_early_limit(tmp_path)
    plan = io.load(path)
    sched = ngayhoi.schedule(plan, raise_on_infeasible=False)
    assert not sched.feasible
    reasons = advise(sched)
    assert reasons
    assert all(len(r.reason) < 300 and "\n" not in r.reason for r in reasons)
    assert "extend outdoor_until to" in reasons[0].reason
    # The value offered works.
    value = reasons[0].reason.split("outdoor_until to ")[1][:5]
    fixed = attrs.evolve(plan, outdoor_until=dt.time.fromisoformat(value))
    assert ngayhoi.schedule(fixed, raise_on_infeasible=False).feasible


def test_the_cli_says_why_in_one_line_each_and_the_full_chain_with_explain(
    tmp_path: Path,
) -> None:
    path = _too_early_limit(tmp_path)
    err = stdio.StringIO()
    code = main(["schedule", str(path), "--lang", "vi"], out=stdio.StringIO(), err=err)
    assert code == 1
    text = err.getvalue()
    assert "không lập được lịch" in text
    assert "kéo dài outdoor_until đến" in text
    assert "--explain" in text
    assert "chi tiết" not in text
    err = stdio.StringIO()
    args = ["schedule", str(path), "--explain", "--lang", "vi"]
    assert main(args, out=stdio.StringIO(), err=err) == 1
    assert "chi tiết: " in err.getvalue()
    err = stdio.StringIO()
    assert main(["schedule", str(path)], out=stdio.StringIO(), err=err) == 1
    assert "no schedule meets every constraint; 1 cannot be met:" in err.getvalue()
    assert "extend outdoor_until to" in err.getvalue()
    assert "(add --explain for the full chain of reasons)" in err.getvalue()


@pytest.mark.parametrize("command", ["validate", "export", "runsheet", "documents", "gantt"])
def test_validate_and_every_command_that_writes_say_why_as_schedule_does_and_write_nothing(
    tmp_path: Path, command: str
) -> None:
    path = _too_early_limit(tmp_path)
    out = tmp_path / "out"
    err = stdio.StringIO()
    where = [] if command == "validate" else ["--out", str(out)]
    code = main([command, str(path), *where, "--lang", "vi"], out=stdio.StringIO(), err=err)
    assert code == 1
    text = err.getvalue()
    assert "không lập được lịch đáp ứng mọi ràng buộc" in text
    assert "outdoor_until đến" in text  # the short reason with its fix, not the network's chain
    assert "constraints cannot all hold" not in text
    assert not out.exists() or not any(out.iterdir())


def test_schedule_json_stays_valid_with_idle_features() -> None:
    sched = ngayhoi.schedule(_standard(2, delegations=1, visited=1))
    doc = schedule_json(sched, version="1")
    assert json.loads(json.dumps(doc)) == doc
