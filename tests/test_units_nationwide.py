"""The nationwide units on real rows: before and after 1/7/2025, search, and plans from real names.

``data/can_duoc_units.csv`` is the project's table of the 17 Cần Đước units and the
xã they became (shared/data, from GSO's conversion table; DOMAIN.md §11).
"""

from __future__ import annotations

import csv
import datetime as dt
import io as stdio
from pathlib import Path

import pytest

from ngayhoi import data, io
from ngayhoi.cli import main
from ngayhoi.data import vietnam
from ngayhoi.errors import PlanError
from ngayhoi.model import UnitKind

from conftest import ROOT

pytestmark = pytest.mark.skipif(not vietnam.available(), reason="needs ngayhoi[vn-units]")

OLD = dt.date(2025, 3, 1)
NEW = dt.date(2025, 8, 19)
HERE = Path(__file__).parent


def run(*args: str) -> tuple[int, str, str]:
    out, err = stdio.StringIO(), stdio.StringIO()
    code = main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def gaz() -> vietnam.Gazetteer:
    return vietnam.gazetteer()


def test_counts_before_and_after_the_reform(gaz: vietnam.Gazetteer) -> None:
    before, after = gaz.units_on(OLD), gaz.units_on(NEW)
    assert sum(u.kind.is_province_level for u in before) == 63
    assert sum(u.kind.is_district_level for u in before) == 696
    assert len(gaz.communes_on(OLD)) == 10035
    assert sum(u.kind.is_province_level for u in after) == 34
    assert not any(u.kind.is_district_level for u in after)
    kinds = [u.kind for u in gaz.communes_on(NEW)]
    counts = (kinds.count(UnitKind.XA), kinds.count(UnitKind.PHUONG), kinds.count(UnitKind.DAC_KHU))
    assert counts == (2621, 687, 13)


def test_ids_are_unique_among_the_units_of_one_day(gaz: vietnam.Gazetteer) -> None:
    for day in (OLD, NEW):
        ids = [u.id for u in gaz.units_on(day)]
        assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("query", "day", "province", "expected"),
    [
        # North: a phường of Hà Nội whose code 00004 meant Trúc Bạch before the reform.
        (
            "truc bach",
            OLD,
            "Hà Nội",
            ("Phường Trúc Bạch", UnitKind.PHUONG, "Phường Trúc Bạch → Phường Ba Đình từ 1/7/2025"),
        ),
        ("00004", NEW, "Hà Nội", ("Phường Ba Đình", UnitKind.PHUONG, "Phường Ba Đình từ 1/7/2025")),
        # Centre: a phường of Đà Nẵng, before and after; a phường of Huế before.
        (
            "hai chau",
            OLD,
            "Đà Nẵng",
            ("Phường Hải Châu", UnitKind.PHUONG, "Phường Hải Châu → Phường Hải Châu từ 1/7/2025"),
        ),
        ("hai chau", NEW, "Đà Nẵng", ("Phường Hải Châu", UnitKind.PHUONG, "Phường Hải Châu từ")),
        (
            "thuan hoa",
            OLD,
            "Huế",
            ("Phường Thuận Hòa", UnitKind.PHUONG, "Phường Thuận Hòa → Phường Phú Xuân từ 1/7/2025"),
        ),
        # South: a thị trấn that became a xã, and a đặc khu.
        (
            "ben luc",
            OLD,
            "Long An",
            ("Thị trấn Bến Lức", UnitKind.THI_TRAN, "Thị trấn Bến Lức → Xã Bến Lức từ 1/7/2025"),
        ),
        (
            "phu quoc",
            NEW,
            "An Giang",
            ("Đặc khu Phú Quốc", UnitKind.DAC_KHU, "← Phường Dương Đông"),
        ),
    ],
)
def test_real_communes_of_each_region_with_their_reform_history(
    gaz: vietnam.Gazetteer,
    query: str,
    day: dt.date,
    province: str,
    expected: tuple[str, UnitKind, str],
) -> None:
    official, kind, history = expected
    home = gaz.one(province, day, level="province")
    found = [u for u in gaz.find(query, day, province=home) if u.kind.is_commune_level]
    assert [u.official_name for u in found] == [official]
    assert found[0].kind is kind
    assert found[0].lat is not None
    assert history in gaz.history(found[0])


def test_merged_provinces_know_their_parts(gaz: vietnam.Gazetteer) -> None:
    tay_ninh = gaz.one("Tây Ninh", NEW, level="province")
    assert (tay_ninh.code, len(gaz.communes_in(tay_ninh))) == ("80", 96)
    assert [u.official_name for u in gaz.predecessors(tay_ninh)] == [
        "Tỉnh Tây Ninh",
        "Tỉnh Long An",
    ]
    old = data.unit_on("tinh-tay-ninh", OLD)
    assert (old.code, old.successors) == ("72", ("tinh-tay-ninh",))
    hcm = gaz.one("Hồ Chí Minh", NEW, level="province")
    assert {u.name for u in gaz.predecessors(hcm)} == {
        "Bình Dương",
        "Bà Rịa - Vũng Tàu",
        "Hồ Chí Minh",
    }


def test_a_commune_split_in_2025_lists_every_successor(gaz: vietnam.Gazetteer) -> None:
    split = [u for u in gaz.communes_on(OLD) if len(u.successors) > 1]
    assert len(split) > 100
    for unit in split[:20]:
        assert len(gaz.successors(unit)) == len(unit.successors)


def test_the_17_can_duoc_units_map_as_the_gso_table_says(gaz: vietnam.Gazetteer) -> None:
    with (HERE / "data" / "can_duoc_units.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 17
    district = gaz.one("Cần Đước", OLD, level="district")
    communes = {u.code: u for u in gaz.communes_in(district)}
    assert set(communes) == {r["gso_code_pre2025"] for r in rows}
    for row in rows:
        unit = communes[row["gso_code_pre2025"]]
        assert (unit.official_name, unit.kind.value, unit.id) == (
            row["official_name"],
            row["kind"],
            row["slug"],
        )
        (after,) = gaz.successors(unit)
        assert (after.official_name, after.code) == (row["merged_into_2025"], row["gso_code_2025"])
        assert gaz.province_of(after).official_name == "Tỉnh Tây Ninh"


def test_units_command_searches_the_country_with_history_in_vietnamese() -> None:
    code, out, _ = run("units", "long trach", "--date", "2025-03-01")
    assert code == 0
    assert out.splitlines() == [
        "long-trach  28111  Xã Long Trạch  (xã, valid until 2025-06-30; Tỉnh Long An)",
        "    Xã Long Trạch → Xã Rạch Kiến từ 1/7/2025",
    ]
    code, out, _ = run("units", "ben luc", "--date", "2025-03-01", "--province", "long an")
    assert "(thị trấn, valid from 2025-01-01 to 2025-06-30; Tỉnh Long An)" in out
    code, out, _ = run("units", "Tân Phú", "--date", "2025-08-19", "--province", "tay ninh")
    assert (code, out.split()[0]) == (0, "tan-phu-25549")


def test_units_command_says_the_range_and_the_closest_names() -> None:
    code, _, err = run("units", "ben luc", "--date", "2005-08-06")
    assert code == 2
    assert "it covers provinces from 2008-08-01, districts and communes from 2025-01-01" in err
    code, _, err = run("units", "tay ninhh", "--date", "2025-08-19")
    assert code == 2
    assert "; the closest names: Tỉnh Tây Ninh" in err
    code, _, err = run("units", "tay ninhh", "--date", "2025-08-19", "--lang", "vi")
    assert "; tên gần nhất: Tỉnh Tây Ninh" in err


def test_the_old_tay_ninh_is_found_before_2025_and_its_area_is_not_called_long_an() -> None:
    code, out, _ = run("units", "tay ninh", "--date", "2024-08-13")
    assert (code, out.splitlines()) == (
        0,
        [
            "tinh-tay-ninh  72  Tỉnh Tây Ninh  (tỉnh, valid from 2008-08-01 to 2025-06-30)",
            "    Tỉnh Tây Ninh → Tỉnh Tây Ninh từ 1/7/2025",
        ],
    )
    old = data.unit_on("tinh-tay-ninh", dt.date(2024, 8, 13))
    assert (old.code, old.official_name) == ("72", "Tỉnh Tây Ninh")
    new = data.unit_on("tinh-tay-ninh", NEW)
    assert [u.official_name for u in data.predecessors(new)] == ["Tỉnh Long An", "Tỉnh Tây Ninh"]


def test_provinces_hold_from_2008_and_hue_was_a_province_until_2025(
    gaz: vietnam.Gazetteer,
) -> None:
    day = dt.date(2024, 8, 13)
    provinces = [u for u in gaz.units_on(day) if u.kind.is_province_level]
    assert len(provinces) == 63
    hue = gaz.one("Thừa Thiên Huế", day, level="province")
    assert (hue.code, hue.kind, hue.valid_to) == ("46", UnitKind.TINH, dt.date(2024, 12, 31))
    assert gaz.history(hue) == "Tỉnh Thừa Thiên Huế → Thành phố Huế từ 1/1/2025"
    city = gaz.one("Huế", OLD, level="province")
    assert (city.official_name, city.kind) == ("Thành phố Huế", UnitKind.THANH_PHO_TW)
    with pytest.raises(vietnam.DateOutOfRangeError, match="before the nationwide data"):
        gaz.units_on(dt.date(2008, 7, 31))


def test_districts_and_communes_before_2025_are_refused_saying_the_data_cannot_tell(
    gaz: vietnam.Gazetteer, tmp_path: Path
) -> None:
    day = dt.date(2024, 8, 13)
    # Only the cited Cần Đước units are known below the provinces before 1/1/2025.
    below = [u for u in gaz.units_on(day) if not u.kind.is_province_level]
    assert {u.parent for u in below} == {"tinh-long-an", "huyen-can-duoc"}
    assert len(below) == 18
    code, _, err = run("units", "ben luc", "--date", "2024-08-13")
    assert code == 2
    assert "before 1/1/2025 the nationwide data has only the 63 provinces" in err
    assert "Thị trấn Bến Lức (ben-luc-27991)" in err
    code, _, err = run("units", "ben luc", "--date", "2024-08-13", "--lang", "vi")
    assert "trước 1/1/2025 dữ liệu toàn quốc chỉ có 63 tỉnh" in err
    assert "Thị trấn Bến Lức (ben-luc-27991)" in err
    with pytest.raises(PlanError, match="does not say which units existed earlier"):
        data.unit_on("ben-luc-27991", day)
    out = tmp_path / "p.toml"
    code, _, err = run("init", "--province", "Tây Ninh", "--date", "2024-08-13", "--out", str(out))
    assert code == 2
    assert "has the 63 provinces but not their districts and communes" in err
    code, _, _ = run("init", "--district", "Cần Đước", "--date", "2024-08-13", "--out", str(out))
    assert code == 0


@pytest.mark.parametrize(
    ("name", "code"),
    [
        # vietnamadminunits' codes, which ngayhoi uses; the government's draft list
        # (as packaged by vietnam-provinces 2025.10.1) gives 00226, 00196 and 00073.
        ("Phường Kim Liên", "00229"),
        ("Phường Văn Miếu - Quốc Tử Giám", "00226"),
        ("Phường Cửa Nam", "00082"),
        # Codes both lists agree on.
        ("Phường Ba Đình", "00004"),
        ("Phường Hoàn Kiếm", "00070"),
    ],
)
def test_post_reform_codes_of_ha_noi_wards(gaz: vietnam.Gazetteer, name: str, code: str) -> None:
    ha_noi = gaz.one("Hà Nội", NEW, level="province")
    assert gaz.one(name, NEW, province=ha_noi).code == code


def test_init_asks_for_the_province_when_a_name_is_ambiguous(tmp_path: Path) -> None:
    out = tmp_path / "p.toml"
    code, _, err = run("init", "--units", "tan phu", "--date", "2025-08-19", "--out", str(out))
    assert code == 2
    assert "names 6 communes" in err
    assert "add --province or give the code" in err
    assert not out.exists()
    code, _, err = run("init", "--province", "Tay Nin", "--date", "2025-08-19", "--out", str(out))
    assert code == 2
    assert "closest: Tỉnh Tây Ninh" in err


@pytest.mark.parametrize(("province", "communes"), [("Tây Ninh", 96), ("Đà Nẵng", 94)])
def test_init_province_writes_a_plan_that_validates(
    tmp_path: Path, province: str, communes: int
) -> None:
    out = tmp_path / "plan.toml"
    code, said, err = run("init", "--province", province, "--date", "2025-08-19", "--out", str(out))
    assert code == 0, err
    assert f"{communes} communes" in said
    plan = io.load(out)
    assert len(plan.hosts()) == communes
    assert all(s.lat is not None for s in plan.sites)
    code, said, _ = run("validate", str(out))
    assert (code, f"{communes} communes, {communes} sites" in said) == (0, True)


@pytest.mark.parametrize(
    ("args", "organiser"),
    [
        (("--province", "Huế", "--date", "2025-08-19"), "Ban Chỉ đạo 138 thành phố Huế"),
        (("--province", "Lạng Sơn", "--date", "2025-08-16"), "Ban Chỉ đạo 138 tỉnh Lạng Sơn"),
        (("--district", "Cần Đước", "--date", "2023-08-06"), "Ban Chỉ đạo 138 huyện Cần Đước"),
        (
            ("--units", "Phường Vỹ Dạ,Xã Phú Vang", "--date", "2025-08-19"),
            "Ban Chỉ đạo 138 thành phố Huế",
        ),
        (("--units", "Phường Vỹ Dạ,Phường Ba Đình", "--date", "2025-08-19"), "Ban Chỉ đạo 138"),
    ],
)
def test_init_names_the_steering_committee_of_the_communes_own_province_or_district(
    tmp_path: Path, args: tuple[str, ...], organiser: str
) -> None:
    out = tmp_path / "plan.toml"
    code, _, err = run("init", *args, "--out", str(out))
    assert code == 0, err
    assert io.load(out).organiser == organiser


def test_init_district_before_the_reform_lists_travel_times_to_fill(tmp_path: Path) -> None:
    out = tmp_path / "plan.toml"
    args = ("--district", "Cần Đước", "--date", "2023-08-06", "--out", str(out))
    code, said, _ = run("init", *args)
    assert code == 0
    assert "17 sites have no coordinates" in said
    assert "#   long-hoa (Xã Long Hòa)" in out.read_text(encoding="utf-8")
    code, said, _ = run("init", "--district", "Cần Đước", "--date", "2025-08-19", "--out", "x")
    assert code == 2


def test_init_units_by_name_and_code(tmp_path: Path) -> None:
    out = tmp_path / "plan.toml"
    code, _, err = run(
        "init",
        "--units",
        "rach kien,25549,Phường Ba Đình",
        "--date",
        "2025-08-19",
        "--out",
        str(out),
    )
    assert code == 0, err
    assert [u.official_name for u in io.load(out).hosts()] == [
        "Xã Rạch Kiến",
        "Xã Tân Phú",
        "Phường Ba Đình",
    ]


def test_init_communes_over_99_has_distinct_names(tmp_path: Path) -> None:
    out = tmp_path / "plan.toml"
    code, _, err = run("init", "--communes", "118", "--date", "2025-08-19", "--out", str(out))
    assert code == 0, err
    assert len(io.load(out).hosts()) == 118


def test_the_tay_ninh_plan_file_validates() -> None:
    plan = io.load(ROOT / "examples" / "tay_ninh_2025.toml")
    assert len(plan.hosts()) == 96
    assert {r.id for r in plan.resources} >= {"doan-tinh-1", "doan-tinh-2"}


def test_a_plan_is_checked_against_the_units_of_its_date() -> None:
    with pytest.raises(PlanError, match="valid from 2025-01-01 to 2025-06-30"):
        data.unit_on("truc-bach-00004", NEW)
    assert data.unit_on("ba-dinh-00004", NEW).official_name == "Phường Ba Đình"


def test_an_island_district_without_communes_became_its_dac_khu(gaz: vietnam.Gazetteer) -> None:
    con_dao = gaz.one("Côn Đảo", NEW)
    assert con_dao.kind is UnitKind.DAC_KHU
    assert gaz.province_of(con_dao).official_name == "Thành phố Hồ Chí Minh"
    assert gaz.history(con_dao) == "Đặc khu Côn Đảo từ 1/7/2025 ← Huyện Côn Đảo"


def test_a_mistyped_nationwide_id_in_a_plan_gets_the_closest_id(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(
        'format = "ngayhoi-plan"\nversion = 1\n[festival]\nid = "x"\nname = "X"\n'
        'days = [2025-08-19]\n[units]\ndataset = ["tan-phu-25594"]\n',
        encoding="utf-8",
    )
    code, _, err = run("validate", str(path))
    assert code == 2
    assert "did you mean 'tan-phu-25549'?" in err


@pytest.mark.parametrize(
    ("province", "word", "group"),
    [("Huế", "thành phố", "doan-tinh"), ("Lạng Sơn", "tỉnh", "doan-tinh")],
)
def test_init_names_the_delegations_after_their_province_kind(
    tmp_path: Path, province: str, word: str, group: str
) -> None:
    out = tmp_path / "plan.toml"
    args = ("--province", province, "--date", "2025-08-19", "--delegations", "2")
    code, _, err = run("init", *args, "--out", str(out))
    assert code == 0, err
    delegations = [r for r in io.load(out).resources if r.kind.value == "delegation"]
    assert [r.name for r in delegations] == [f"Đoàn {k} BCĐ 138 {word}" for k in (1, 2)]
    assert {r.group for r in delegations} == {group}
