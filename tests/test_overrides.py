"""Per-commune overrides: one commune's item at a fixed time, with another length, or off."""

from __future__ import annotations

import importlib.util

import attrs
import pytest

import ngayhoi
from ngayhoi import io
from ngayhoi.export.runsheet import commune_runsheet
from ngayhoi.export.schedule_json import schedule_json
from ngayhoi.io import PlanFileError
from ngayhoi.scheduling.checker import (
    check_idle,
    check_protocol,
    check_schedule,
    fixed_time_waits,
    idle_minutes,
)

from conftest import ROOT

HEAD = """
format = "ngayhoi-plan"
version = 1

[festival]
id = "ov"
name = "Ngày hội thử"
days = [2023-08-06]
outdoor_until = "11:30"

[units]
dataset = ["long-hoa", "long-khe", "phuoc-van"]

[[sites]]
id = "long-hoa"
name = "Hội trường UBND xã Long Hòa"
unit = "long-hoa"
[[sites]]
id = "long-khe"
name = "Hội trường UBND xã Long Khê"
unit = "long-khe"
[[sites]]
id = "phuoc-van"
name = "Hội trường UBND xã Phước Vân"
unit = "phuoc-van"
"""

PROGRAMME = """
[programme]
at = "06:45"
"""


def _plan(*tail: str, programme: str = PROGRAMME) -> str:
    return HEAD + programme + "\n".join(tail)


AWARD_AT_0930 = """
[[override]]
unit = "long-hoa"
item = "trao-thuong"
at = "09:30"
"""


GAMES_60 = '[[override]]\nunit = "long-hoa"\nitem = "tro-choi"\nminutes = 60\n'


def test_an_award_fixed_at_0930_keeps_the_parade_in_the_synchronized_start() -> None:
    # The organiser's fixed time wins over max_idle: the 53-minute wait before Đón đại
    # biểu it forces is reported (naming the override), counted, and not a broken rule.
    plan = io.loads(_plan(AWARD_AT_0930, GAMES_60))
    group = next(g for g in plan.sync_groups if g.id == "dong-loat.dieu-hanh")
    assert "long-hoa.dieu-hanh" in group.activities
    assert len(group.activities) == 3
    sched = ngayhoi.schedule(plan)
    assert sched.feasible
    assert sched["long-hoa.trao-thuong"].start.format("HH:mm") == "09:30"
    assert {
        sched[f"{s}.dieu-hanh"].start.format("HH:mm") for s in ("long-hoa", "long-khe", "phuoc-van")
    } == {"06:45"}
    assert sched["long-khe.trao-thuong"].start.format("HH:mm") == "08:52"
    assert check_schedule(sched) == []
    assert check_protocol(sched) == []
    [forced] = fixed_time_waits(sched)
    assert (forced.activity, forced.minutes, forced.fixed, forced.at) == (
        "long-hoa.don-dai-bieu", 53, "long-hoa.trao-thuong", "09:30"
    )  # fmt: skip
    assert forced.override(sched.festival) == '[[override]] unit = "long-hoa", item = "trao-thuong"'
    assert ("long-hoa.don-dai-bieu", 53) in idle_minutes(sched)["long-hoa"]
    room = schedule_json(sched, version="1")["schedule"]["conference"]["rooms"]
    hall = next(r for r in room if r["name"].startswith("Hội trường UBND xã Long Hòa"))
    assert hall["features"]["idle_minutes"] == 53 + 10
    sheet = commune_runsheet(sched, "long-hoa")
    note = "hờ 53 phút do giờ cố định 09:30 của Công bố quyết định và trao khen thưởng"
    assert f"C{note}" in sheet  # the note on Đón đại biểu
    assert f"c{note}" in sheet  # the sheet's line of waits
    assert 'override\\]\\] unit = "long-hoa", item = "trao-thuong")' in sheet  # md escapes [ ]


def test_a_wait_a_fixed_time_does_not_force_is_still_broken() -> None:
    sched = ngayhoi.schedule(io.loads(_plan(AWARD_AT_0930, GAMES_60)))
    # By hand: the games after the closing start 40 min after it, not 10. Nothing
    # fixed comes after them, so the wait is the schedule's, and it is broken.
    games = sched["long-hoa.tro-choi"]
    later = attrs.evolve(games, start=games.start.add(minutes=30), end=games.end.add(minutes=30))
    edited = attrs.evolve(sched, slots={**sched.slots, games.activity: later})
    [broken] = check_idle(edited)
    assert broken.activities == ("long-hoa.tro-choi",)
    assert broken.amount == 40 - 15
    assert [w.activity for w in fixed_time_waits(edited)] == ["long-hoa.don-dai-bieu"]
    # Without the override the same 53-minute wait before Đón đại biểu is broken.
    plain = ngayhoi.schedule(io.loads(_plan(GAMES_60)))
    reception = plain["long-hoa.don-dai-bieu"]
    shift = 53 - 15
    moved = {
        aid: attrs.evolve(s, start=s.start.add(minutes=shift), end=s.end.add(minutes=shift))
        for aid, s in plain.slots.items()
        if aid.startswith("long-hoa.") and s.start >= reception.start
    }
    waited = attrs.evolve(plain, slots={**plain.slots, **moved})
    assert fixed_time_waits(waited) == []
    assert [(v.activities, v.amount) for v in check_idle(waited)] == [
        (("long-hoa.don-dai-bieu",), 53 - 15)
    ]


def test_a_late_award_with_the_games_first_is_protocol_correct() -> None:
    programme = """
[[programme]]
sites = ["long-hoa"]
at = "06:45"
move = [{ item = "tro-choi", after = "dieu-hanh", gap = 10 }]
minutes = { tro-choi = 45 }

[[programme]]
at = "06:45"
"""
    plan = io.loads(_plan(AWARD_AT_0930.replace("09:30", "09:47"), programme=programme))
    sched = ngayhoi.schedule(plan)
    assert sched["long-hoa.trao-thuong"].start.format("HH:mm") == "09:47"
    assert sched["long-hoa.dieu-hanh"].start == sched["long-khe.dieu-hanh"].start
    assert check_schedule(sched) == []
    assert check_protocol(sched) == []


def test_an_override_changes_one_communes_length_and_switches_off_its_forum() -> None:
    plan = io.loads(
        _plan(
            '[[override]]\nunit = "long-hoa"\nitem = "tro-choi"\nminutes = 60\n',
            '[[override]]\nunit = "phuoc-van"\nitem = "dien-dan"\noff = true\n',
        )
    )
    assert plan.activity("long-hoa.tro-choi").duration.in_minutes() == 60
    assert plan.activity("long-khe.tro-choi").duration.in_minutes() == 75
    ids = {a.id for a in plan.activities}
    assert "phuoc-van.dien-dan" not in ids
    assert "long-khe.dien-dan" in ids
    assert io.loads(io.dumps(plan)) == plan


@pytest.mark.parametrize(
    ("table", "where", "says"),
    [
        ('unit = "long-hooa"\nitem = "trao-thuong"\nat = "09:30"', r"override\[0\]\.unit",
         "did you mean 'long-hoa'"),
        ('unit = "long-hoa"\nitem = "trao-thuong2"\nat = "09:30"', r"override\[0\]\.item",
         "unknown programme item 'trao-thuong2'"),
        ('unit = "long-hoa"\nitem = "trao-thuong"', r"override\[0\]:", "changes nothing"),
        ('unit = "long-hoa"\nitem = "trao-thuong"\nat = "10:30"', r"override\[0\]\.at",
         "from 08:52 to 10:07"),
        ('unit = "long-hoa"\nitem = "trao-thuong"\noff = true', r"override\[0\]\.off",
         "required and cannot be switched off"),
        ('unit = "long-hoa"\nitem = "dien-dan"\noff = true\nminutes = 20',
         r"override\[0\]\.off", "no time or length"),
        ('unit = "long-hoa"\nitem = "dieu-hanh"\nat = "07:00"', r"override\[0\]\.at",
         "is the anchor"),
        ('unit = "long-hoa"\nitem = "tap-trung"\nat = "06:00"', r"override\[0\]\.at",
         "comes before the anchor"),
        ('unit = "long-hoa"\nitem = "dieu-hanh"\noff = true', r"override\[0\]\.off",
         "is the anchor"),
        ('unit = "long-hoa"\nitem = "trao-thuong"\nat = "9h30"\nsites = 1',
         r"override\[0\]\.sites", "did you mean 'site'"),
        ('unit = "long-hoa"\nsite = "long-khe"\nitem = "trao-thuong"\nat = "09:30"',
         r"override\[0\]\.site", "unknown site of long-hoa 'long-khe'"),
    ],
)  # fmt: skip
def test_a_bad_override_names_its_key_and_the_fix(table: str, where: str, says: str) -> None:
    with pytest.raises(PlanFileError, match=where) as caught:
        io.loads(_plan(f"[[override]]\n{table}\n"))
    assert says in str(caught.value)


def test_two_overrides_of_one_communes_item_conflict() -> None:
    twice = AWARD_AT_0930 + AWARD_AT_0930.replace("09:30", "09:40")
    with pytest.raises(PlanFileError, match=r"override\[1\]: changes 'trao-thuong' of 'long-hoa'"):
        io.loads(_plan(twice))


def test_two_fixed_items_of_one_commune_must_be_reachable_from_each_other() -> None:
    late_report = '[[override]]\nunit = "long-hoa"\nitem = "be-mac"\nat = "09:35"\n'
    with pytest.raises(PlanFileError, match=r"override\[1\]\.at: 09:35 is out of reach"):
        io.loads(_plan(AWARD_AT_0930, late_report))


def test_an_override_of_a_commune_without_a_programme_is_refused() -> None:
    programme = '[programme]\nsites = ["long-khe", "phuoc-van"]\nat = "06:45"\n'
    with pytest.raises(PlanFileError, match=r"override\[0\]\.unit: commune 'long-hoa' has no"):
        io.loads(_plan(AWARD_AT_0930, programme=programme))


def test_a_second_programme_anchored_elsewhere_is_refused_rather_than_moving_the_parade() -> None:
    programme = """
[[programme]]
sites = ["long-hoa"]
anchor = "trao-thuong"
at = "09:30"

[[programme]]
at = "06:45"
"""
    with pytest.raises(PlanFileError, match=r"programme\[0\]\.anchor: anchor 'trao-thuong'") as e:
        io.loads(_plan(programme=programme))
    assert "[[override]]" in str(e.value)


def test_a_range_of_waits_before_the_anchor_is_refused_not_ignored() -> None:
    programme = '[programme]\nat = "06:45"\nanchor = "chao-co"\ngaps = { van-nghe = [0, 20] }\n'
    with pytest.raises(PlanFileError, match=r"programme\.gaps\.van-nghe: \[0, 20\]"):
        io.loads(_plan(programme=programme))
    one_wait = programme.replace("[0, 20]", "[5]")
    assert io.loads(_plan(programme=one_wait)).activity("long-hoa.van-nghe")


def test_the_programme_table_in_plan_format_is_current() -> None:
    spec = importlib.util.spec_from_file_location(
        "make_programme_table", ROOT / "docs" / "make_programme_table.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    page = (ROOT / "docs" / "plan-format.md").read_text(encoding="utf-8")
    assert module.render(page) == page, "run: python docs/make_programme_table.py"
    assert "| `trao-thuong` | Công bố quyết định và trao khen thưởng | 15 | 10–30 |" in page


def test_an_override_with_a_site_changes_only_that_point_of_the_commune() -> None:
    text = HEAD.replace(
        '[[sites]]\nid = "long-khe"\nname = "Hội trường UBND xã Long Khê"\nunit = "long-khe"',
        '[[sites]]\nid = "long-hoa.ap-2"\nname = "Nhà văn hóa ấp 2"\nunit = "long-hoa"',
    ).replace('"long-khe", ', "")
    plan = io.loads(
        text
        + PROGRAMME
        + '[[override]]\nunit = "long-hoa"\nsite = "long-hoa.ap-2"\n'
        + 'item = "tro-choi"\nminutes = 50\n'
    )
    assert plan.activity("long-hoa.ap-2.tro-choi").duration.in_minutes() == 50
    assert plan.activity("long-hoa.tro-choi").duration.in_minutes() == 75
