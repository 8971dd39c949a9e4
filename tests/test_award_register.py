"""The award register: counts by issuer, form and category; power to give; ceremony length."""

from __future__ import annotations

import pytest

from ngayhoi.errors import PlanError
from ngayhoi.model import Award, AwardForm, Issuer
from ngayhoi.model.awards import award_register, ceremony_seconds

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


def test_a_commune_chairman_cannot_give_a_bang_khen() -> None:
    with pytest.raises(PlanError, match=r"award 'a1': a Chủ tịch UBND xã Long Sơn gives giấy khen"):
        award(1, XA, "bằng khen", collective=True)
    assert award(2, TINH, "bằng khen", collective=True).form is AwardForm.BANG_KHEN


def test_the_medal_goes_to_individuals_from_the_minister_only() -> None:
    with pytest.raises(PlanError, match="individuals only"):
        award(1, BCA, "kỷ niệm chương", collective=True)
    with pytest.raises(PlanError, match="given by the Bộ trưởng Bộ Công an, not the Chủ tịch"):
        award(2, TINH, "kỷ niệm chương", collective=False)
    medal = award(3, BCA, "kỷ niệm chương", collective=False)
    assert medal.title == "Kỷ niệm chương “Bảo vệ an ninh Tổ quốc”"


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
