"""Plan files: every example round-trips, generated plans round-trip, bad files say where."""

from __future__ import annotations

import io as stdio
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

from ngayhoi import io
from ngayhoi.cli import main
from ngayhoi.io import PlanFileError
from ngayhoi.model import Festival
from test_properties import festivals

from conftest import ROOT, load_example

EXAMPLES = ["can_duoc_2023", "tay_ninh_2025", "custom_programme", "replan"]


def _plans() -> list[tuple[str, Festival]]:
    out = []
    for name in EXAMPLES:
        module = load_example(name)
        if name == "tay_ninh_2025":
            out += [(f"{name}.weekend", module.weekend()), (f"{name}.pilot", module.pilot_day())]
        elif name == "replan":
            out.append((name, module.replan(module._base())))  # noqa: SLF001
        else:
            out.append((name, module.build()))
    out.append(("can_duoc_2023.toml", io.load(ROOT / "examples" / "can_duoc_2023.toml")))
    return out


@pytest.mark.parametrize(("name", "plan"), _plans(), ids=lambda x: x if isinstance(x, str) else "")
def test_every_example_plan_round_trips_through_toml(
    name: str, plan: Festival, tmp_path: Path
) -> None:
    path = io.save(plan, tmp_path / f"{name}.toml")
    assert io.load(path) == plan


def _same(a: Festival, b: Festival) -> None:
    for field in attrs.fields(Festival):
        if not field.eq:
            continue
        x, y = getattr(a, field.name), getattr(b, field.name)
        if field.name == "sync_groups":
            assert {(g.id, frozenset(g.activities)) for g in x} == {
                (g.id, frozenset(g.activities)) for g in y
            }
        elif isinstance(x, tuple):
            assert set(x) == set(y), field.name
        else:
            assert x == y, field.name


def test_the_can_duoc_plan_file_is_the_same_plan_as_the_script() -> None:
    script = load_example("can_duoc_2023").build()
    _same(io.load(ROOT / "examples" / "can_duoc_2023.toml"), script)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(festivals())
def test_generated_plans_round_trip(plan: Festival) -> None:
    assert io.loads(io.dumps(plan)) == plan


GOOD = """\
format = "ngayhoi-plan"
version = 1

[festival]
id = "demo"
name = "Ngày hội"
days = [2023-08-06]

[units]
dataset = ["long-hoa"]

[[sites]]
id = "long-hoa"
name = "Hội trường UBND xã Long Hòa"
unit = "long-hoa"

[programme]
at = "06:45"
"""


def test_a_minimal_plan_loads_with_the_standard_programme() -> None:
    plan = io.loads(GOOD)
    assert len(plan.activities) == 14
    assert plan.activity("long-hoa.dieu-hanh").fixed_start is not None


BAD = [
    ("days = [2023-08-06]", "days = [2023-13-06]", r"not valid TOML.*\(line 7\)"),
    (
        'dataset = ["long-hoa"]',
        'dataset = ["rach-kien"]',
        r"units\.dataset\[0\]: unit 'rach-kien'.*valid on 2023-08-06: .*long-hoa.*\(line 10\)",
    ),
    (
        'unit = "long-hoa"',
        'unit = "long-hooa"',
        (
            r"sites\[0\]\.unit: site 'long-hoa': unknown unit 'long-hooa'; "
            r"did you mean 'long-hoa'\?.*\(line 15\)"
        ),
    ),
    (
        'name = "Hội trường UBND xã Long Hòa"',
        'nane = "x"',
        r"sites\[0\]\.nane: unknown key 'nane'; did you mean 'name'\?.*\(line 14\)",
    ),
    ('at = "06:45"', 'at = "sáu giờ"', r"programme\.at: 'sáu giờ' is not a time of day"),
    (
        'at = "06:45"',
        'at = "06:45"\nanchor = "dieu-hanhh"',
        r"programme: .*unknown enabled item 'dieu-hanhh'",
    ),
    ("version = 1", "version = 7", r"version: version 7 is not supported"),
    ('format = "ngayhoi-plan"', 'format = "other"', r"format: expected format = \"ngayhoi-plan\""),
    (
        "[programme]",
        "[programe]",
        r"programe: unknown section 'programe'; did you mean 'programme'\?",
    ),
    ("days = [2023-08-06]", "days = []", r"festival\.days: give at least one date"),
    ('id = "demo"', 'id = "Demo Day"', r"festival id 'Demo Day' must be lowercase"),
]


@pytest.mark.parametrize(("old", "new", "message"), BAD)
def test_a_bad_plan_file_names_the_key_and_the_line(old: str, new: str, message: str) -> None:
    text = GOOD.replace(old, new, 1)
    assert text != GOOD
    with pytest.raises(PlanFileError, match=message):
        io.loads(text, source="plan.toml")


ACTIVITY = '\n[[activities]]\nid = "x"\nkind = "other"\ntitle = "X"\nsite = "long-hoa"\n'


def test_an_activity_with_a_bad_duration_names_its_index() -> None:
    text = GOOD + ACTIVITY + 'duration = "ba mươi"\n'
    with pytest.raises(
        PlanFileError,
        match=r"activities\[0\]\.duration: 'ba mươi' is not a whole number of minutes.*\(line 25\)",
    ):
        io.loads(text, source="plan.toml")


def test_a_naive_time_is_refused_with_the_fix() -> None:
    text = GOOD + ACTIVITY + "duration = 5\nfixed_start = 2023-08-06T07:00:00\n"
    with pytest.raises(
        PlanFileError,
        match=r"activities\[0\]\.fixed_start: 2023-08-06T07:00:00 has no time zone",
    ):
        io.loads(text, source="plan.toml")


def test_a_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_text(GOOD + "# " + "x" * (6 * 1024 * 1024) + "\n", encoding="utf-8")
    with pytest.raises(PlanFileError, match=r"big\.toml: .*a plan file is at most 5 MB"):
        io.load(path)


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(GOOD.replace("Ngày hội", "Ng\xe0y").encode("latin-1", errors="replace"))
    with pytest.raises(PlanFileError, match=r"not UTF-8 text"):
        io.load(path)


MISTAKES = GOOD.replace('[programme]\nat = "06:45"\n', "").replace(
    "days = [2023-08-06]", 'days = [2023-08-06]\nopens = "6 giờ"'
) + (
    '\n[[resources]]\nid = "loa"\nname = "Bộ loa"\nkind = "pool"\ncapacity = "2"\n'
    '\n[[activities]]\nid = "long-hoa.chao-co"\nkind = "flag-salute"\ntitle = "Chào cờ"\n'
    'site = "long-hoa"\nduration = 5\n'
    '\n[[activities]]\nid = "long-hoa.bao-cao"\nkind = "bao-cao"\ntitle = "Báo cáo"\n'
    'site = "long-hoa"\nduration = 15\n'
    '\n[[activities]]\nid = "long-hoa.chao-co"\nkind = "other"\ntitle = "Lặp"\n'
    'site = "long-hoa"\nduration = 10\n'
    '\n[[dependencies]]\npredecessor = "long-hoa.chao-co"\nsuccessor = "long-hoa.dien-van"\n'
    '\n[[dependencies]]\npredecessor = "long-hoa.chao-co"\nsuccessor = "long-hoa.bao-cao"\n'
    '\n[[prep_tasks]]\nid = "tong-duyet"\ntitle = "Tổng duyệt"\noffset_days = -1\nowner = "btc"\n'
)

#: Each mistake of MISTAKES, in the file's order: its key path, its line and its words.
FOUND = [
    ("festival.opens", 8, "'6 giờ' is not a time of day"),
    ("resources[0].capacity", 23, "'2' is not a whole number"),
    ("activities[1].kind", 34, "'bao-cao' is not one of"),
    ("activities[2].id", 40, "duplicate activity id 'long-hoa.chao-co'"),
    ("dependencies[0].successor", 48, "unknown activity 'long-hoa.dien-van'"),
    ("prep_tasks[0].owner", 58, "unknown owner role 'btc'"),
]


def test_every_independent_mistake_of_a_plan_file_is_reported_with_its_key_and_line() -> None:
    with pytest.raises(PlanFileError) as info:
        io.loads(MISTAKES, source="plan.toml")
    found = [(e.path, e.line) for e in info.value.errors]
    assert found == [(path, line) for path, line, _ in FOUND]
    for err, (_, _, fragment) in zip(info.value.errors, FOUND, strict=True):
        assert fragment in err.message
    # The first mistake stays the message; the dependency on the unreadable activity
    # (long-hoa.bao-cao) is not reported as unknown.
    assert str(info.value) == str(info.value.errors[0])
    assert "long-hoa.bao-cao'" not in " ".join(e.message for e in info.value.errors[1:])


def test_validate_prints_every_mistake_one_a_line_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(MISTAKES, encoding="utf-8")
    out, err = stdio.StringIO(), stdio.StringIO()
    code = main(["validate", str(path), "--lang", "en"], out=out, err=err)
    lines = err.getvalue().splitlines()
    assert code == 2
    assert len(lines) == len(FOUND)
    for line, (key, number, fragment) in zip(lines, FOUND, strict=True):
        assert line.startswith(f"ngayhoi validate: {path}: {key}: ")
        assert fragment in line
        assert line.endswith(f"(line {number})")


def test_validate_prints_the_mistakes_in_vietnamese_with_lang_vi(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(MISTAKES, encoding="utf-8")
    err = stdio.StringIO()
    assert main(["validate", str(path), "--lang", "vi"], out=stdio.StringIO(), err=err) == 2
    lines = err.getvalue().splitlines()
    assert len(lines) == len(FOUND)
    assert all(line.endswith(f"(dòng {n})") for line, (_, n, _) in zip(lines, FOUND, strict=True))
    assert "không có hoạt động 'long-hoa.dien-van'" in lines[-2]


def test_a_plan_file_with_one_mistake_reports_exactly_one() -> None:
    with pytest.raises(PlanFileError) as info:
        io.loads(GOOD.replace('unit = "long-hoa"', 'unit = "long-hooa"'), source="plan.toml")
    assert [(e.path, e.line) for e in info.value.errors] == [("sites[0].unit", 15)]


def test_a_unit_listed_twice_is_one_error_not_one_per_stamped_item() -> None:
    text = GOOD.replace('dataset = ["long-hoa"]', 'dataset = ["long-hoa", "long-hoa"]')
    with pytest.raises(PlanFileError) as info:
        io.loads(text, source="plan.toml")
    assert [(e.path, e.line) for e in info.value.errors] == [("units.dataset[1]", 10)]
    assert "duplicate unit id 'long-hoa'" in str(info.value)


def test_a_row_without_its_required_keys_is_one_error_naming_them_all() -> None:
    text = GOOD + '\n[[resources]]\nkind = "pool"\n'
    with pytest.raises(PlanFileError) as info:
        io.loads(text, source="plan.toml")
    assert [e.message for e in info.value.errors] == ["missing required keys 'id', 'name'"]
    assert info.value.path == "resources[0]"


def test_two_bad_overrides_are_both_named_and_nothing_is_stamped_without_them() -> None:
    text = GOOD + (
        '\n[[override]]\nunit = "long-hoa"\nitem = "tro-choi"\nminutes = "dài"\n'
        '\n[[override]]\nunit = "long-hoa"\nitem = "van-nghe"\noff = "có"\n'
        '\n[[dependencies]]\npredecessor = "long-hoa.dieu-hanh"\nsuccessor = "long-hoa.tro-choi"\n'
    )
    with pytest.raises(PlanFileError) as info:
        io.loads(text, source="plan.toml")
    # The dependency names stamped items: it is not checked while the programme is not stamped.
    assert [e.path for e in info.value.errors] == ["override[0].minutes", "override[1].off"]


def test_each_bad_people_table_is_named() -> None:
    text = GOOD + (
        '\n[[people]]\nid = "ct"\nname = "Chủ tịch UBND xã"\nunit = "long-hoa"\n'
        'leads = ["phat-bieu-tiep-thuu"]\n'
        '\n[[people]]\nid = "mc"\nname = "Người dẫn chương trình"\nactivites = []\n'
    )
    with pytest.raises(PlanFileError) as info:
        io.loads(text, source="plan.toml")
    assert [e.path for e in info.value.errors] == ["people[0].leads", "people[1].activites"]
