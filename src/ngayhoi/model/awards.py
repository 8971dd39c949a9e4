"""Awards presented at the ceremony (khen thưởng).

Issuers are dated like units: the Chủ tịch UBND huyện signed giấy khen until
the districts ended on 1/7/2025 (DOMAIN.md §6.1, Luật Thi đua, khen thưởng
2022 art. 80).

>>> import pendulum
>>> chu_tich_huyen = Issuer(id="ct-ubnd-huyen-can-duoc", title="Chủ tịch UBND huyện Cần Đước",
...                         valid_to=pendulum.date(2025, 6, 30))
>>> award = Award(id="long-hoa.gk-1", recipient="Tổ bảo vệ ANTT ấp 1", collective=True,
...               form=AwardForm.GIAY_KHEN, issuer=chu_tich_huyen, ceremony="long-hoa.trao-thuong")
>>> award.title
'Giấy khen của Chủ tịch UBND huyện Cần Đước'
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable
from typing import Any

import attrs
import pendulum

from ngayhoi._records import plain_repr
from ngayhoi.errors import PlanError, Said
from ngayhoi.i18n import N_
from ngayhoi.model._fields import (
    in_enum,
    invalid,
    to_enum,
    to_optional_date,
    to_optional_text,
    to_text,
    valid_bool,
    valid_date,
    valid_id,
    valid_optional_text,
    valid_text,
)

__all__ = [
    "LAW_BASES",
    "MEDAL_BASES",
    "Award",
    "AwardForm",
    "Basis",
    "Issuer",
    "RegisterLine",
    "award_register",
    "ceremony_minutes",
    "ceremony_seconds",
    "check_power",
    "issuer_rank",
]


class AwardForm(enum.StrEnum):
    """The form of an award, from the highest down."""

    KY_NIEM_CHUONG = "kỷ niệm chương"
    BANG_KHEN = "bằng khen"
    CO_THI_DUA = "cờ thi đua"
    GIAY_KHEN = "giấy khen"


def _valid_dates(instance: Issuer, _attribute: attrs.Attribute[Any], value: object) -> None:
    start = instance.valid_from
    if isinstance(value, dt.date) and isinstance(start, dt.date) and value < start:
        msg = Said(
            N_(
                "issuer '{id}': valid_to {value} is before valid_from {start}; swap them or fix one"
            ),
            id=instance.id,
            value=value,
            start=start,
        )
        raise invalid(instance, _attribute, msg, value)


def _valid_issuer(instance: Award, _attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Issuer):
        msg = Said(
            N_(
                "award '{id}': issuer {value!r} is not an Issuer; give Issuer(id=\"ct-ubnd-xa\", "
                'title="Chủ tịch UBND xã") (in a plan file: issuer = {{id = "ct-ubnd-xa", title '
                '= "Chủ tịch UBND xã"}})'
            ),
            id=instance.id,
            value=value,
        )
        raise invalid(instance, _attribute, msg, value)


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class Issuer:
    """Who signs an award, and the dates on which they may.

    >>> Issuer(id="ct-ubnd-xa", title="Chủ tịch UBND xã").valid_on(pendulum.date(2030, 1, 1))
    True
    """

    id: str = attrs.field(validator=valid_id)
    title: str = attrs.field(converter=to_text, validator=valid_text)
    valid_from: pendulum.Date | None = attrs.field(
        default=None, converter=to_optional_date, validator=valid_date
    )
    valid_to: pendulum.Date | None = attrs.field(
        default=None, converter=to_optional_date, validator=[valid_date, _valid_dates]
    )

    def valid_on(self, day: dt.date) -> bool:
        """Whether the issuer may sign awards presented on ``day``."""
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_to is not None and day > self.valid_to)


_BELOW_PROVINCE = re.compile(r"^Chủ tịch UBND (xã|phường|thị trấn|đặc khu|huyện|quận|thị xã) ")


@plain_repr
@attrs.frozen(repr=False)
class Basis:
    """A legal instrument in force from ``valid_from`` to ``valid_to`` (inclusive; ``None``: open).

    >>> import datetime as dt
    >>> MEDAL_BASES[1].in_force(dt.date(2025, 4, 28)), MEDAL_BASES[0].in_force(dt.date(2025, 5, 1))
    (True, False)
    """

    text: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def in_force(self, day: dt.date) -> bool:
        """Whether the instrument applies on ``day``."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


#: Who may give which form, by date. A chairman of a commune- or district-level People's
#: Committee gives giấy khen: from 1/1/2024 by Luật Thi đua, khen thưởng 2022 (06/2022/QH15)
#: art. 80.2-80.3 (Công báo 571+572/2022, DOMAIN.md §6.1, §8, src 43, 58). Before it the 2003
#: law applied, as consolidated in 16/VBHN-VPQH of 13/12/2013 (the basis provincial reward
#: rules cite, e.g. Bắc Giang QĐ 172/2015/QĐ-UBND); the same rule is applied then and that law
#: is named, its article not checked here against the text.
LAW_BASES = (
    Basis(
        "Luật Thi đua, khen thưởng 2003 (văn bản hợp nhất 16/VBHN-VPQH ngày 13/12/2013)",
        valid_to=dt.date(2023, 12, 31),
    ),
    Basis(
        "Luật Thi đua, khen thưởng 2022 (06/2022/QH15) Điều 80",
        valid_from=dt.date(2024, 1, 1),
    ),
)
#: The Kỷ niệm chương “Bảo vệ an ninh Tổ quốc”: individuals only, given by the Bộ trưởng Bộ
#: Công an; Thông tư 20/2025/TT-BCA (14/3/2025, in force 28/4/2025) replaced 11/2021/TT-BCA
#: (DOMAIN.md §6.1, src 49, 50).
MEDAL_BASES = (
    Basis("Thông tư 11/2021/TT-BCA", valid_to=dt.date(2025, 4, 27)),
    Basis("Thông tư 20/2025/TT-BCA", valid_from=dt.date(2025, 4, 28)),
)


def _basis(bases: tuple[Basis, ...], day: dt.date) -> str:
    return next(b.text for b in bases if b.in_force(day))


def check_power(award: Award, day: dt.date) -> None:
    """Refuse an award its issuer has no power to give on ``day``, citing the rule then in force.

    :class:`~ngayhoi.model.Festival` checks every award on each of its days.

    Raises:
        PlanError: naming the award, the issuer, the form and the instrument in force.

    >>> import datetime as dt
    >>> xa = Issuer(id="ct-xa", title="Chủ tịch UBND xã Long Hòa")
    >>> bad = Award(id="a1", recipient="Ấp 1", collective=True, form="bằng khen", issuer=xa,
    ...             ceremony="x.trao-thuong")
    >>> check_power(bad, dt.date(2023, 8, 6))
    Traceback (most recent call last):
    ...
    ngayhoi.errors.PlanError: award 'a1': on 2023-08-06 a Chủ tịch UBND xã Long Hòa gives giấy
    khen, not bằng khen (Luật Thi đua, khen thưởng 2003 ...); use form = "giấy khen" or ...
    >>> check_power(bad, dt.date(2025, 8, 10))
    Traceback (most recent call last):
    ...
    ngayhoi.errors.PlanError: award 'a1': on 2025-08-10 ... not bằng khen (Luật Thi đua, khen
    thưởng 2022 (06/2022/QH15) Điều 80); ...
    """
    title = award.issuer.title
    form = award.form
    problem = ""
    if form in {AwardForm.BANG_KHEN, AwardForm.CO_THI_DUA} and _BELOW_PROVINCE.match(title):
        problem = (
            f"a {title} gives giấy khen, not {form.value} ({_basis(LAW_BASES, day)}); "
            'use form = "giấy khen" or an issuer of province level'
        )
    elif form is AwardForm.KY_NIEM_CHUONG and award.collective:
        problem = (
            "the Kỷ niệm chương “Bảo vệ an ninh Tổ quốc” goes to individuals only "
            f"({_basis(MEDAL_BASES, day)}); set collective = false or choose another form"
        )
    elif form is AwardForm.KY_NIEM_CHUONG and title != "Bộ trưởng Bộ Công an":
        problem = (
            f"the Kỷ niệm chương “Bảo vệ an ninh Tổ quốc” is given by the Bộ trưởng Bộ Công an "
            f"({_basis(MEDAL_BASES, day)}), not the {title}; set the issuer to the Bộ trưởng "
            "Bộ Công an"
        )
    elif form is AwardForm.CO_THI_DUA and not award.collective:
        problem = "a cờ thi đua goes to collectives only; set collective = true"
    if problem:
        msg = Said(
            N_("award '{id}': on {value} {problem}"),
            id=award.id,
            value=day.isoformat(),
            problem=problem,
        )
        raise PlanError(msg, kind="award", item=award.id, field="form", value=form.value)


def _award_form(value: AwardForm | str) -> AwardForm:
    return to_enum(AwardForm, value)


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class Award:
    """One award to one recipient, presented at one ceremony.

    Attributes:
        id: ASCII slug.
        recipient: the collective or person, in Vietnamese.
        collective: a tập thể (``True``) or a cá nhân (``False``).
        form: giấy khen, bằng khen, ...
        issuer: who signs it.
        ceremony: the id of the activity where it is presented.
        reason: the achievement, in Vietnamese.
        presenter: who hands it over, when not the issuer ("Chủ tịch UBND tỉnh" for a
            Bằng khen of the Bộ trưởng Bộ Công an).
    """

    id: str = attrs.field(validator=valid_id)
    recipient: str = attrs.field(converter=to_text, validator=valid_text)
    collective: bool = attrs.field(validator=valid_bool)
    form: AwardForm = attrs.field(converter=_award_form, validator=in_enum(AwardForm))
    issuer: Issuer = attrs.field(validator=_valid_issuer)
    ceremony: str = attrs.field(validator=valid_id)
    reason: str | None = attrs.field(
        default=None, converter=to_optional_text, validator=valid_optional_text
    )
    presenter: str | None = attrs.field(
        default=None, converter=to_optional_text, validator=valid_optional_text
    )

    @property
    def title(self) -> str:
        """The award as read out: form and issuer.

        >>> bca = Issuer(id="bt-bca", title="Bộ trưởng Bộ Công an")
        >>> Award(id="k", recipient="Ông A", collective=False, form="kỷ niệm chương",
        ...       issuer=bca, ceremony="x.trao-thuong").title
        'Kỷ niệm chương “Bảo vệ an ninh Tổ quốc”'
        """
        if self.form is AwardForm.KY_NIEM_CHUONG:
            return "Kỷ niệm chương “Bảo vệ an ninh Tổ quốc”"
        return f"{self.form.value.capitalize()} của {self.issuer.title}"


def issuer_rank(title: str) -> int:
    """The order an issuer's awards are read in: the ministry first, the commune last.

    >>> sorted(["Chủ tịch UBND xã Long Hòa", "Bộ trưởng Bộ Công an", "Chủ tịch UBND tỉnh Long An"],
    ...        key=issuer_rank)
    ['Bộ trưởng Bộ Công an', 'Chủ tịch UBND tỉnh Long An', 'Chủ tịch UBND xã Long Hòa']
    """
    ranks = (
        ("Bộ trưởng", 0),
        ("tỉnh", 1),
        ("thành phố", 2),
        ("huyện", 3),
        ("quận", 3),
        ("thị xã", 3),
    )
    for word, rank in ranks:
        if word in title:
            return rank
    return 4


@plain_repr
@attrs.frozen(repr=False)
class RegisterLine:
    """One line of the award register: an issuer, a form, and how many of each category."""

    issuer: str
    form: AwardForm
    collective: int
    individual: int

    @property
    def text(self) -> str:
        """The line as read or reported ("Giấy khen của …: 05 tập thể, 15 cá nhân")."""
        parts = [
            f"{n:02d} {label}"
            for n, label in ((self.collective, "tập thể"), (self.individual, "cá nhân"))
            if n
        ]
        name = (
            "Kỷ niệm chương “Bảo vệ an ninh Tổ quốc”"
            if self.form is AwardForm.KY_NIEM_CHUONG
            else f"{self.form.value.capitalize()} của {self.issuer}"
        )
        return f"{name}: {', '.join(parts)}"


def award_register(awards: Iterable[Award]) -> list[RegisterLine]:
    """Counts by issuer, form and category, in the order of reading (highest level first).

    >>> xa = Issuer(id="ct-xa", title="Chủ tịch UBND xã Long Hòa")
    >>> huyen = Issuer(id="ct-huyen", title="Chủ tịch UBND huyện Cần Đước")
    >>> given = [Award(id=f"a{i}", recipient=f"R{i}", collective=i < 2, form="giấy khen",
    ...                issuer=xa if i % 2 else huyen, ceremony="x.trao-thuong") for i in range(5)]
    >>> [line.text for line in award_register(given)]
    ['Giấy khen của Chủ tịch UBND huyện Cần Đước: 01 tập thể, 02 cá nhân', \
'Giấy khen của Chủ tịch UBND xã Long Hòa: 01 tập thể, 01 cá nhân']
    """
    counts: dict[tuple[str, AwardForm], list[int]] = {}
    for award in awards:
        key = (award.issuer.title, award.form)
        counts.setdefault(key, [0, 0])[0 if award.collective else 1] += 1
    order = _FORM_ORDER
    lines = [RegisterLine(issuer, form, c, i) for (issuer, form), (c, i) in counts.items()]
    return sorted(lines, key=lambda ln: (issuer_rank(ln.issuer), order[ln.form], ln.issuer))


_FORM_ORDER = {form: rank for rank, form in enumerate(AwardForm)}
#: Reading one decision aloud, and handing over to one group of up to ten on stage
#: (a planning default, not from a source: DOMAIN.md §6 gives no durations).
DECISION_SECONDS = 60
GROUP_SECONDS = 90
GROUP_SIZE = 10


def ceremony_seconds(awards: Iterable[Award]) -> int:
    """Seconds the award ceremony needs: each decision read, each group of ten on stage.

    >>> xa = Issuer(id="ct-xa", title="Chủ tịch UBND xã Long Hòa")
    >>> ceremony_seconds([Award(id=f"a{i}", recipient=f"R{i}", collective=False,
    ...     form="giấy khen", issuer=xa, ceremony="x.trao-thuong") for i in range(12)])
    240
    """
    total = 0
    for line in award_register(awards):
        groups = -(-line.collective // GROUP_SIZE) + -(-line.individual // GROUP_SIZE)
        total += DECISION_SECONDS + GROUP_SECONDS * groups
    return total


def ceremony_minutes(awards: Iterable[Award]) -> int:
    """Whole minutes the award ceremony needs (:func:`ceremony_seconds` rounded up).

    A plan file's ``trao-thuong`` item grows to this when its awards take longer
    than the programme gives, unless the plan sets its minutes.

    >>> xa = Issuer(id="ct-xa", title="Chủ tịch UBND xã Long Hòa")
    >>> ceremony_minutes([Award(id=f"a{i}", recipient=f"R{i}", collective=i < 29,
    ...     form="giấy khen", issuer=xa, ceremony="x.trao-thuong") for i in range(29 + 268)])
    46
    """
    return -(-ceremony_seconds(awards) // 60)
