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
from typing import Any

import attrs
import pendulum

from ngayhoi.errors import PlanError
from ngayhoi.model._fields import (
    in_enum,
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

__all__ = ["Award", "AwardForm", "Issuer"]


class AwardForm(enum.StrEnum):
    """The form of an award, from the highest down."""

    KY_NIEM_CHUONG = "kỷ niệm chương"
    BANG_KHEN = "bằng khen"
    CO_THI_DUA = "cờ thi đua"
    GIAY_KHEN = "giấy khen"


def _valid_dates(instance: Issuer, _attribute: attrs.Attribute[Any], value: object) -> None:
    start = instance.valid_from
    if isinstance(value, dt.date) and isinstance(start, dt.date) and value < start:
        msg = (
            f"issuer '{instance.id}': valid_to {value} is before valid_from {start}; "
            "swap them or fix one"
        )
        raise PlanError(msg)


def _valid_issuer(instance: Award, _attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Issuer):
        msg = (
            f"award '{instance.id}': issuer {value!r} is not an Issuer; give "
            'Issuer(id="ct-ubnd-xa", title="Chủ tịch UBND xã") (in a plan file: '
            'issuer = {id = "ct-ubnd-xa", title = "Chủ tịch UBND xã"})'
        )
        raise PlanError(msg)


@attrs.frozen(kw_only=True)
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


def _award_form(value: AwardForm | str) -> AwardForm:
    return to_enum(AwardForm, value)


@attrs.frozen(kw_only=True)
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

    @property
    def title(self) -> str:
        """The award as read out: form and issuer."""
        return f"{self.form.value.capitalize()} của {self.issuer.title}"
