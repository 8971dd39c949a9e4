"""The table of terms: each unit kind's sheets speak of that kind only (domain review §2A, §2C)."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

import ngayhoi
from ngayhoi.errors import PlanError
from ngayhoi.export.runsheet import commune_runsheet
from ngayhoi.model import Festival, Unit
from ngayhoi.scheduling import Schedule
from ngayhoi.templates.terms import ITEM_WORDING, Level, item_wording, terms_for

from conftest import load_example

DAY_2023 = dt.date(2023, 8, 6)
KINDS = ("xã", "phường", "thị trấn", "đặc khu", "huyện", "quận", "thị xã", "thành phố", "tỉnh")
#: Words that name a commune-level unit's own bodies; each kind's text must hold only its own.
OWN = ("Công an {}", "UBND {}", "Ban Chỉ đạo 138 {}", "Ủy ban MTTQ Việt Nam {}")
COMMUNE_KINDS = ("xã", "phường", "thị trấn", "đặc khu")


def all_wording(kind: str, day: dt.date = DAY_2023) -> str:
    terms = terms_for(kind, day)
    parts = [w for key in ITEM_WORDING for w in item_wording(key, terms) or ()]
    return "\n".join(parts)


@pytest.mark.parametrize("kind", COMMUNE_KINDS)
def test_each_commune_kind_names_its_own_bodies_and_not_the_other_kinds(kind: str) -> None:
    text = all_wording(kind)
    for pattern in OWN:
        assert pattern.format(kind) in text
        for other in COMMUNE_KINDS:
            if other != kind:
                assert f"{pattern.format(other)} " not in text + " ", (kind, other)
                assert f"{pattern.format(other)}\n" not in text + "\n", (kind, other)


@pytest.mark.parametrize(
    ("kind", "area"),
    [("xã", "ấp"), ("phường", "khu phố"), ("thị trấn", "khu phố"), ("huyện", "xã, thị trấn")],
)
def test_residential_areas_follow_the_kind(kind: str, area: str) -> None:
    assert terms_for(kind, DAY_2023).area == area
    assert f"của các {area}" in all_wording(kind)


def test_a_northern_xa_may_call_its_areas_thon_or_ban() -> None:
    assert terms_for("xã", DAY_2023, area="bản").areas == "các bản"
    with pytest.raises(PlanError, match="residential area word 'xóm'"):
        terms_for("xã", DAY_2023, area="xóm")


def test_forces_follow_the_date_of_the_2023_law() -> None:
    before = all_wording("xã", dt.date(2024, 6, 30))
    after = all_wording("xã", dt.date(2024, 7, 1))
    assert "Tổ an ninh nhân dân, Đội dân phòng, Ban bảo vệ dân phố" in before
    assert "Tổ bảo vệ an ninh, trật tự" not in before
    assert "Tổ bảo vệ an ninh, trật tự" in after
    assert "Tổ an ninh nhân dân" not in after


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_a_level_and_all_items_worded(kind: str) -> None:
    terms = terms_for(kind, DAY_2023)
    assert terms.level in Level
    assert all(item_wording(key, terms) for key in ITEM_WORDING)


def test_a_province_hosts_its_own_speech_not_a_higher_delegate() -> None:
    title, lead = item_wording("phat-bieu-chi-dao", terms_for("tỉnh", DAY_2023)) or ("", "")
    assert title == "Chủ tịch UBND tỉnh phát biểu chỉ đạo"
    assert "cấp trên" not in title + lead


def test_a_kind_that_hosts_nothing_is_refused_with_the_valid_kinds() -> None:
    with pytest.raises(PlanError, match=r"unit kind 'ấp' holds no festival; expected one of xã"):
        terms_for("ấp", DAY_2023)


# -- the corrected phrases on real sheets ---------------------------------------------

CORRECTED = (
    "Báo cáo đánh giá kết quả 01 năm thực hiện phong trào “Toàn dân bảo vệ an ninh Tổ quốc”",
    "Đại biểu cấp trên phát biểu chỉ đạo và tặng quà",
    "Phát biểu tiếp thu ý kiến chỉ đạo",
    "Kết thúc phần lễ",
    "Thực hiện",
    "CHƯƠNG TRÌNH NGÀY HỘI",
    "TM. BAN TỔ CHỨC",
)
WRONG = (
    "phong trào toàn dân bảo vệ ANTQ",
    "tặng quà của đại biểu cấp trên",
    "| Bế mạc |",
    "Người phụ trách",
    "KỊCH BẢN CHƯƠNG TRÌNH",
    "BAN TỔ CHỨC NGÀY HỘI",
    '"Công an',
    "hoặc văn hóa xã",
    "Trưởng BCĐ 138 xã",
    "Tổ bảo vệ ANTT",
)


@pytest.fixture(scope="module")
def schedule() -> Schedule:
    fest: Festival = load_example("can_duoc_2023").build()
    return ngayhoi.schedule(fest).unwrap()


def as_kind(schedule: Schedule, unit_id: str, kind: str, name: str) -> Schedule:
    fest = schedule.festival
    units = [
        attrs.evolve(u, kind=kind, official_name=name) if u.id == unit_id else u for u in fest.units
    ]
    return attrs.evolve(schedule, festival=attrs.evolve(fest, units=units))


def sheets_by_kind(schedule: Schedule) -> dict[str, str]:
    return {
        "thị trấn": commune_runsheet(schedule, "can-duoc"),
        "xã": commune_runsheet(schedule, "long-hoa"),
        "phường": commune_runsheet(
            as_kind(schedule, "long-hoa", "phường", "Phường Long Hòa"), "long-hoa"
        ),
        "tỉnh": commune_runsheet(
            as_kind(schedule, "long-hoa", "tỉnh", "Tỉnh Long Hòa"), "long-hoa"
        ),
    }


def test_each_kinds_sheet_holds_the_corrected_phrases_and_none_of_the_wrong_ones(
    schedule: Schedule,
) -> None:
    for kind, sheet in sheets_by_kind(schedule).items():
        for phrase in CORRECTED:
            expected = phrase
            if kind == "tỉnh" and "cấp trên" in phrase:
                expected = "Chủ tịch UBND tỉnh phát biểu chỉ đạo"  # the host speaks
            assert expected in sheet, (kind, expected)
        for phrase in WRONG:
            assert phrase not in sheet, (kind, phrase)


def test_each_kinds_sheet_names_its_own_police_and_not_the_others(schedule: Schedule) -> None:
    sheets = sheets_by_kind(schedule)
    for kind, sheet in sheets.items():
        assert f"Công an {kind}" in sheet, kind
        for other in sheets:
            if other != kind:
                assert f"Công an {other} " not in sheet, (kind, other)
                assert f"Chủ tịch UBND {other}," not in sheet, (kind, other)


def test_the_town_sheet_speaks_of_khu_pho_and_its_2023_forces(schedule: Schedule) -> None:
    sheet = sheets_by_kind(schedule)["thị trấn"]
    assert "Diễn đàn “Công an thị trấn lắng nghe ý kiến của Nhân dân”" in sheet
    assert "Chủ tịch UBND thị trấn, Trưởng Ban Chỉ đạo 138 thị trấn" in sheet
    assert "Trưởng các khu phố" in sheet
    assert "các ấp" not in sheet
    assert "**UBND THỊ TRẤN CẦN ĐƯỚC**" not in sheet
    assert sheet.startswith("UBND THỊ TRẤN CẦN ĐƯỚC\n**BAN TỔ CHỨC**")


def test_a_unit_record_keeps_its_kind_for_the_terms() -> None:
    unit = Unit(id="x", name="X", official_name="Đặc khu Phú Quốc", kind="đặc khu")
    assert terms_for(unit.kind, DAY_2023).police == "Công an đặc khu"
