"""The award register: counts by issuer, form and category; power to give; ceremony length."""

from __future__ import annotations

import datetime as dt
import io as stdio
from pathlib import Path

import attrs
import pytest

import ngayhoi
from ngayhoi import io
from ngayhoi.cli import main
from ngayhoi.errors import PlanError
from ngayhoi.model import Award, Issuer
from ngayhoi.model.awards import award_register, ceremony_seconds, check_power

XA = Issuer(id="ct-ubnd-xa-long-son", title="Chủ tịch UBND xã Long Sơn")
HUYEN = Issuer(id="ct-ubnd-huyen", title="Chủ tịch UBND huyện Cần Đước")
BCA = Issuer(id="bt-bca", title="Bộ trưởng Bộ Công an")
TINH = Issuer(id="ct-ubnd-tinh", title="Chủ tịch UBND tỉnh Lạng Sơn")


def award(n: int, issuer: Issuer, form: str, *, collective: bool, **extra: str) -> Award:
    return Award(
        id=f"a{n}",
        recipient=f"Người {n}",
        collective=collective,
        form=form,
        issuer=issuer,
        ceremony="x.trao-thuong",
        **extra,
    )


def test_register_counts_the_seeds_categories_and_reads_the_highest_level_first() -> None:
    # seed 001:21, one district: giấy khen for 05 tập thể and 15 cá nhân; seed 003: 11 tập thể
    given = [award(i, HUYEN, "giấy khen", collective=i < 5) for i in range(20)]
    given += [award(100 + i, BCA, "bằng khen", collective=True) for i in range(11)]
    lines = [line.text for line in award_register(given)]
    assert lines == [
        "Bằng khen của Bộ trưởng Bộ Công an: 11 tập thể",
        "Giấy khen của Chủ tịch UBND huyện Cần Đước: 05 tập thể, 15 cá nhân",
    ]


DAY_2023 = dt.date(2023, 8, 6)
DAY_2025 = dt.date(2025, 8, 10)


def test_a_commune_chairman_cannot_give_a_bang_khen_under_either_law() -> None:
    bang_khen = award(1, XA, "bằng khen", collective=True)
    with pytest.raises(
        PlanError, match=r"award 'a1': on 2023-08-06 a Chủ tịch UBND xã Long Sơn"
    ) as old:
        check_power(bang_khen, DAY_2023)
    assert "Luật Thi đua, khen thưởng 2003" in str(old.value)
    with pytest.raises(PlanError, match="gives giấy khen, not bằng khen") as new:
        check_power(bang_khen, DAY_2025)
    assert "Luật Thi đua, khen thưởng 2022 (06/2022/QH15) Điều 80" in str(new.value)
    check_power(award(2, TINH, "bằng khen", collective=True), DAY_2025)


def test_the_power_is_checked_on_the_day_the_new_law_took_effect() -> None:
    bang_khen = award(1, HUYEN, "bằng khen", collective=True)
    with pytest.raises(PlanError, match="2003"):
        check_power(bang_khen, dt.date(2023, 12, 31))
    with pytest.raises(PlanError, match="2022"):
        check_power(bang_khen, dt.date(2024, 1, 1))


def test_the_medal_goes_to_individuals_from_the_minister_only_citing_the_circular_in_force() -> (
    None
):
    group_medal = award(1, BCA, "kỷ niệm chương", collective=True)
    with pytest.raises(PlanError, match=r"individuals only \(Thông tư 11/2021/TT-BCA\)"):
        check_power(group_medal, dt.date(2025, 4, 27))
    with pytest.raises(PlanError, match=r"individuals only \(Thông tư 20/2025/TT-BCA\)"):
        check_power(group_medal, dt.date(2025, 4, 28))
    with pytest.raises(PlanError, match=r"given by the Bộ trưởng Bộ Công an .*, not the Chủ tịch"):
        check_power(award(2, TINH, "kỷ niệm chương", collective=False), DAY_2025)
    medal = award(3, BCA, "kỷ niệm chương", collective=False)
    check_power(medal, DAY_2025)
    assert medal.title == "Kỷ niệm chương “Bảo vệ an ninh Tổ quốc”"


def test_a_festival_refuses_an_award_its_issuer_cannot_give_on_its_day() -> None:
    fest = ngayhoi.samples.two_communes_one_delegation()
    given = Award(
        id="a1",
        recipient="Tổ an ninh nhân dân ấp 1",
        collective=True,
        form="bằng khen",
        issuer=XA,
        ceremony=fest.activities[0].id,
    )
    with pytest.raises(
        PlanError, match="on 2023-08-06 a Chủ tịch UBND xã Long Sơn gives giấy khen"
    ):
        attrs.evolve(fest, awards=(given,))


def test_the_presenter_is_kept_apart_from_the_issuer() -> None:
    # seed 003:21, 34: Bằng khen of the Bộ trưởng BCA presented by the Chủ tịch UBND tỉnh
    given = award(1, BCA, "bằng khen", collective=True, presenter="Chủ tịch UBND tỉnh Lạng Sơn")
    assert given.issuer.title == "Bộ trưởng Bộ Công an"
    assert given.presenter == "Chủ tịch UBND tỉnh Lạng Sơn"


def test_the_ceremony_grows_with_the_count_read_out() -> None:
    five = [award(i, XA, "giấy khen", collective=False) for i in range(5)]
    many = [award(i, XA, "giấy khen", collective=i < 29) for i in range(29 + 268)]
    assert ceremony_seconds(five) == 60 + 90
    assert ceremony_seconds(many) == 60 + 90 * (3 + 27)
    assert ceremony_seconds([]) == 0


def _plan_with_awards(tmp_path: Path, count: int, *, fixed: int | None = None) -> str:
    """A two-commune plan whose first ceremony reads out ``count`` giấy khen."""
    plan = tmp_path / "plan.toml"
    assert main(["--lang", "en", "init", "--communes", "2", "--date", "2023-08-06",
                 "--out", str(plan), "--force"], out=stdio.StringIO()) == 0  # fmt: skip
    text = plan.read_text(encoding="utf-8")
    host = io.loads(text).hosts()[0].id
    if fixed is not None:
        head = "[programme.minutes]  # change a default length, e.g. bao-cao = 20\n"
        assert head in text
        text = text.replace(head, f"{head}trao-thuong = {fixed}\n")
    for n in range(count):
        text += (
            f'\n[[awards]]\nid = "gk-{n}"\nrecipient = "Người {n}"'
            f"\ncollective = {str(n < 29).lower()}"
            f'\nform = "giấy khen"\nissuer = {{ id = "ct-xa", title = "Chủ tịch UBND xã {host}" }}'
            f'\nceremony = "{host}.trao-thuong"\n'
        )
    return text


def _ceremony_minutes(text: str) -> list[int]:
    plan = io.loads(text)
    return [a.duration.in_minutes() for a in plan.activities if a.item == "trao-thuong"]


def test_the_award_ceremony_grows_when_many_awards_are_read_out(tmp_path: Path) -> None:
    # seed 001: one district gave giấy khen for 29 tập thể and 268 cá nhân in one category.
    assert _ceremony_minutes(_plan_with_awards(tmp_path, 297)) == [46, 15]
    assert _ceremony_minutes(_plan_with_awards(tmp_path, 5)) == [15, 15]  # it never shrinks


def test_minutes_the_plan_gives_the_ceremony_are_kept(tmp_path: Path) -> None:
    assert _ceremony_minutes(_plan_with_awards(tmp_path, 297, fixed=20)) == [20, 20]
