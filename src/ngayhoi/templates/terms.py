"""One table of terms: the words a printed sheet uses for a unit, by its kind, level and date.

Every sheet used to say "xã" and "ấp", whatever the unit was (domain review §2A).
The words now come from the unit's :class:`~ngayhoi.model.UnitKind` and the day:

* the unit's own word (xã, phường, thị trấn, đặc khu; huyện, quận, thị xã,
  thành phố; tỉnh, thành phố trực thuộc trung ương), which names its police,
  its People's Committee and its steering committee (BCĐ 138);
* the word for its residential areas: ấp or thôn in a xã, khu phố or tổ dân
  phố in a phường or thị trấn;
* the grassroots forces, which follow the date: the Luật Lực lượng tham gia
  bảo vệ an ninh, trật tự ở cơ sở 2023 created the Tổ bảo vệ an ninh, trật tự
  from 1/7/2024 (DOMAIN.md §5, §8); before it the sources name the Tổ an ninh
  nhân dân, the Đội dân phòng and the Ban bảo vệ dân phố (seed 000:8).

>>> import datetime as dt
>>> t = terms_for("thị trấn", dt.date(2023, 8, 6))
>>> t.police, t.chairman, t.areas
('Công an thị trấn', 'Chủ tịch UBND thị trấn', 'các khu phố')
>>> item_wording("dien-dan", t)[0]
'Diễn đàn “Công an thị trấn lắng nghe ý kiến của Nhân dân”'
>>> terms_for("xã", dt.date(2024, 8, 13)).forces
('Tổ bảo vệ an ninh, trật tự',)
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable

import attrs

from ngayhoi._records import plain_repr
from ngayhoi.errors import PlanError, Said
from ngayhoi.i18n import N_
from ngayhoi.model import Festival, UnitKind

__all__ = [
    "AREA_WORDS",
    "FORCES_FROM",
    "ITEM_WORDING",
    "REFORM_FROM",
    "ROLE_WORDING",
    "Level",
    "Terms",
    "count_units",
    "item_wording",
    "kinds_words",
    "role_wording",
    "terms_for",
    "unit_terms",
    "worded",
    "worded_title",
]

#: The day the Tổ bảo vệ an ninh, trật tự replaced the older grassroots forces
#: (Luật Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở số 30/2023/QH15, in force 1/7/2024).
FORCES_FROM = dt.date(2024, 7, 1)
#: The day the districts ended and communes took their new offices (Nghị quyết 202/2025/QH15).
REFORM_FROM = dt.date(2025, 7, 1)
_OLD_FORCES = ("Tổ an ninh nhân dân", "Đội dân phòng", "Ban bảo vệ dân phố")
_NEW_FORCES = ("Tổ bảo vệ an ninh, trật tự",)


class Level(enum.StrEnum):
    """The level of government a unit belongs to."""

    COMMUNE = "cấp xã"
    DISTRICT = "cấp huyện"
    PROVINCE = "cấp tỉnh"


#: Kind → (its word in running text, its level, its residential areas' word).
_KINDS: dict[UnitKind, tuple[str, Level, str]] = {
    UnitKind.XA: ("xã", Level.COMMUNE, "ấp"),
    UnitKind.PHUONG: ("phường", Level.COMMUNE, "khu phố"),
    UnitKind.THI_TRAN: ("thị trấn", Level.COMMUNE, "khu phố"),
    UnitKind.DAC_KHU: ("đặc khu", Level.COMMUNE, "thôn, tổ dân phố"),
    UnitKind.HUYEN: ("huyện", Level.DISTRICT, "xã, thị trấn"),
    UnitKind.QUAN: ("quận", Level.DISTRICT, "phường"),
    UnitKind.THI_XA: ("thị xã", Level.DISTRICT, "xã, phường"),
    UnitKind.THANH_PHO: ("thành phố", Level.DISTRICT, "xã, phường"),
    UnitKind.TINH: ("tỉnh", Level.PROVINCE, "xã, phường"),
    UnitKind.THANH_PHO_TW: ("thành phố", Level.PROVINCE, "xã, phường"),
}
#: Residential areas whose own word a unit of that kind may use instead (thôn, bản in the north).
AREA_WORDS = ("ấp", "khu phố", "thôn", "bản", "tổ dân phố")


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class Terms:
    """The words for one unit on one day.

    Attributes:
        word: the unit's kind as written in running text ("thị trấn").
        level: commune, district or province.
        area: the word for its residential areas ("khu phố").
        forces: the grassroots forces on that day.
        reformed: whether the day is on or after the 2025 reform (:data:`REFORM_FROM`).
    """

    word: str
    level: Level
    area: str
    forces: tuple[str, ...]
    reformed: bool = False

    @property
    def police(self) -> str:
        """The unit's police ("Công an phường")."""
        return f"Công an {self.word}"

    @property
    def committee(self) -> str:
        """The People's Committee ("UBND thị trấn")."""
        return f"UBND {self.word}"

    @property
    def chairman(self) -> str:
        """Its chairman ("Chủ tịch UBND xã")."""
        return f"Chủ tịch {self.committee}"

    @property
    def steering(self) -> str:
        """The steering committee ("Ban Chỉ đạo 138 xã")."""
        return f"Ban Chỉ đạo 138 {self.word}"

    @property
    def front(self) -> str:
        """The Fatherland Front committee ("Ủy ban MTTQ Việt Nam phường")."""
        return f"Ủy ban MTTQ Việt Nam {self.word}"

    def local_name(self, official_name: str) -> tuple[str, str]:
        """(the unit in running text, its bare name): "Xã Long Hòa" → ("xã Long Hòa", "Long Hòa").

        A name that does not start with the kind is kept whole.

        >>> import datetime as dt
        >>> terms_for("thị trấn", dt.date(2023, 8, 6)).local_name("Thị trấn Cần Đước")
        ('thị trấn Cần Đước', 'Cần Đước')
        >>> terms_for("xã", dt.date(2023, 8, 6)).local_name("Long Hòa")
        ('Long Hòa', 'Long Hòa')
        """
        prefix = f"{self.word} "
        if official_name[: len(prefix)].lower() == prefix and len(official_name) > len(prefix):
            bare = official_name[len(prefix) :]
            return f"{prefix}{bare}", bare
        return official_name, official_name

    @property
    def areas(self) -> str:
        """Its residential areas, in the plural ("các ấp")."""
        return f"các {self.area}"

    @property
    def office(self) -> str:
        """Who receives guests: the office of the People's Committee."""
        if self.level is Level.COMMUNE:
            # A commune had a công chức Văn phòng – Thống kê until the 2025 reform,
            # and a Văn phòng HĐND và UBND from 1/7/2025 (domain review §2C).
            if self.reformed:
                return f"Văn phòng HĐND và UBND {self.word}"
            return f"Công chức Văn phòng – Thống kê {self.word}"
        return f"Văn phòng UBND {self.word}"

    @property
    def host_speaker(self) -> str:
        """Who gives the guidance speech: the level above, or the host at a provincial event."""
        if self.level is Level.PROVINCE:
            return f"Chủ tịch UBND {self.word}"
        return "Đại biểu cấp trên"


#: The order commune kinds are named in when counted together ("17 xã, thị trấn").
_COUNT_ORDER = (UnitKind.XA, UnitKind.PHUONG, UnitKind.THI_TRAN, UnitKind.DAC_KHU)


def count_units(kinds: Iterable[UnitKind | str], *, lang: str = "vi") -> str:
    """How many communes ``kinds`` are, in the words their kinds take.

    Vietnamese names every kind present, in the order official texts use
    ("trên địa bàn 17 xã, thị trấn"); a count of one kind only says that kind.
    A unit of no commune kind counts under its own word. English says
    "communes" for them all.

    >>> count_units(["xã"] * 16 + ["thị trấn"])
    '17 xã, thị trấn'
    >>> count_units(["phường", "xã", "phường"])
    '3 xã, phường'
    >>> count_units(["phường"]), count_units(["xã", "xã"], lang="en")
    ('1 phường', '2 communes')
    """
    present = [UnitKind(k) for k in kinds]
    if lang == "en":
        return f"{len(present)} commune" + ("" if len(present) == 1 else "s")
    return f"{len(present)} {kinds_words(present)}"


def kinds_words(kinds: Iterable[UnitKind | str]) -> str:
    """The words of the kinds present, in the order official texts name them.

    >>> kinds_words(["thị trấn", "xã", "xã"]), kinds_words([])
    ('xã, thị trấn', 'xã')
    """
    present = {UnitKind(k) for k in kinds}
    order = [*_COUNT_ORDER, *(k for k in UnitKind if k not in _COUNT_ORDER)]
    return ", ".join(k.value for k in order if k in present) or "xã"


def terms_for(kind: UnitKind | str, day: dt.date, *, area: str | None = None) -> Terms:
    """The terms for a unit of ``kind`` on ``day``; ``area`` overrides the residential word.

    Raises:
        PlanError: if the kind is not a commune, district or province kind, or
            ``area`` is not one of :data:`AREA_WORDS`.

    >>> import datetime as dt
    >>> terms_for("phường", dt.date(2023, 8, 6)).forces
    ('Tổ an ninh nhân dân', 'Đội dân phòng', 'Ban bảo vệ dân phố')
    >>> terms_for("xã", dt.date(2025, 8, 9), area="thôn").areas
    'các thôn'
    """
    try:
        unit_kind = UnitKind(kind)
        word, level, default_area = _KINDS[unit_kind]
    except (ValueError, KeyError):
        valid = ", ".join(k.value for k in _KINDS)
        msg = Said(
            N_("terms: unit kind {kind!r} holds no festival; expected one of {valid}"),
            kind=kind,
            valid=valid,
        )
        raise PlanError(msg) from None
    if area is not None and area not in AREA_WORDS:
        msg = Said(
            N_("terms: residential area word {area!r} is not one of {names}"),
            area=area,
            names=", ".join(AREA_WORDS),
        )
        raise PlanError(msg)
    forces = _NEW_FORCES if day >= FORCES_FROM else _OLD_FORCES
    return Terms(
        word=word,
        level=level,
        area=area or default_area,
        forces=forces,
        reformed=day >= REFORM_FROM,
    )


_REPORT = (
    "Báo cáo đánh giá kết quả 01 năm thực hiện phong trào "
    "“Toàn dân bảo vệ an ninh Tổ quốc” (trước Nhân dân)"
)


def _forces_lead(t: Terms) -> str:
    return ", ".join(t.forces)


#: Programme item key → (title, who carries it out), as functions of the terms.
#: The corrected phrases of the domain review §2A and §2C.
ITEM_WORDING: dict[str, Callable[[Terms], tuple[str, str]]] = {
    "tap-trung": lambda t: ("Tập trung, ổn định đội hình", f"{t.police}, Đoàn Thanh niên"),
    "dieu-hanh": lambda t: (
        f"Diễu hành trên các tuyến đường chính của {t.areas}",
        f"{t.police}, {_forces_lead(t)}, Đoàn Thanh niên",
    ),
    "don-dai-bieu": lambda t: ("Đón tiếp đại biểu, ổn định chỗ ngồi", t.office),
    "van-nghe": lambda t: (
        "Văn nghệ chào mừng",
        f"Đoàn Thanh niên, Hội Liên hiệp Phụ nữ, đội văn nghệ {t.area.split(',')[0]}",
    ),
    "chao-co": lambda _t: ("Lễ chào cờ", "Người dẫn chương trình, Ban Tổ chức"),
    "tuyen-bo-ly-do": lambda t: (
        "Tuyên bố lý do, giới thiệu đại biểu, thông qua chương trình",
        f"Người dẫn chương trình (công chức Văn hóa – Xã hội {t.word})"
        if t.level is Level.COMMUNE
        else f"Người dẫn chương trình ({t.front})",
    ),
    "bao-cao": lambda t: (
        _REPORT,
        f"Trưởng {t.police} – Phó Trưởng ban Thường trực {t.steering}",
    ),
    "tham-luan": lambda t: (
        "Tham luận, trao đổi kinh nghiệm",
        f"Đại diện {t.areas}, đoàn thể",
    ),
    "dien-dan": lambda t: (
        f"Diễn đàn “{t.police} lắng nghe ý kiến của Nhân dân”",
        f"{t.front} phối hợp {t.police}",
    ),
    "trao-thuong": lambda t: (
        "Công bố quyết định và trao khen thưởng",
        f"{t.committee}; đại biểu cấp trên" if t.level is not Level.PROVINCE else t.committee,
    ),
    "phat-bieu-chi-dao": lambda t: (
        "Đại biểu cấp trên phát biểu chỉ đạo và tặng quà"
        if t.level is not Level.PROVINCE
        else f"{t.chairman} phát biểu chỉ đạo",
        t.host_speaker,
    ),
    "phat-bieu-tiep-thu": lambda t: (
        "Phát biểu tiếp thu ý kiến chỉ đạo",
        f"{t.chairman}, Trưởng {t.steering}",
    ),
    "giao-uoc": lambda t: ("Ký kết giao ước thi đua", f"Trưởng {t.areas}, đoàn thể"),
    "ra-mat-mo-hinh": lambda t: ("Ra mắt mô hình", t.police),
    "be-mac": lambda _t: ("Kết thúc phần lễ", "Người dẫn chương trình"),
    "tro-choi": lambda _t: (
        "Trò chơi dân gian; trao giải, bế mạc Ngày hội",
        "Đoàn Thanh niên, Hội Liên hiệp Phụ nữ, Hội Cựu chiến binh",
    ),
}


#: Standard role id (templates/roles.py) → its name in the unit's words.
ROLE_WORDING: dict[str, Callable[[Terms], str]] = {
    "cong-an-xa": lambda t: t.police,
    "ubnd-xa": lambda t: t.committee,
    "van-phong-ubnd": lambda t: t.office,
    "mttq-xa": lambda t: t.front,
    "ban-to-chuc": lambda _t: "Ban Tổ chức",
}


def role_wording(role_id: str, terms: Terms) -> str | None:
    """The name of standard role ``role_id`` in the unit's words; ``None`` for other roles.

    >>> import datetime as dt
    >>> role_wording("cong-an-xa", terms_for("phường", dt.date(2025, 8, 9)))
    'Công an phường'
    """
    build = ROLE_WORDING.get(role_id)
    return None if build is None else build(terms)


def item_wording(key: str, terms: Terms) -> tuple[str, str] | None:
    """The (title, who carries it out) of standard item ``key`` for these terms; ``None`` if custom.

    >>> import datetime as dt
    >>> item_wording("phat-bieu-tiep-thu", terms_for("phường", dt.date(2023, 8, 6)))
    ('Phát biểu tiếp thu ý kiến chỉ đạo', 'Chủ tịch UBND phường, Trưởng Ban Chỉ đạo 138 phường')
    >>> item_wording("my-item", terms_for("xã", dt.date(2023, 8, 6))) is None
    True
    """
    build = ITEM_WORDING.get(key)
    return None if build is None else build(terms)


def unit_terms(kind: UnitKind | str, day: dt.date) -> Terms | None:
    """:func:`terms_for`, or ``None`` for a kind the table has no words for (plan text is kept).

    >>> import datetime as dt
    >>> unit_terms("phường", dt.date(2023, 8, 6)).police
    'Công an phường'
    """
    try:
        return terms_for(kind, day)
    except PlanError:
        return None


def worded(
    key: str | None, title: str, lead: str | None, terms: Terms | None
) -> tuple[str, str | None]:
    """A standard item's title and lead in the unit's words; plan-written text is kept.

    A title or lead still as the standard programme wrote it takes the unit's
    words; one the plan changed stays as written.

    >>> import datetime as dt
    >>> worded("phat-bieu-tiep-thu", "Phát biểu tiếp thu", "Chủ tịch UBND xã, Trưởng BCĐ 138 xã",
    ...        terms_for("thị trấn", dt.date(2023, 8, 6)))
    ('Phát biểu tiếp thu ý kiến chỉ đạo', 'Chủ tịch UBND thị trấn, Trưởng Ban Chỉ đạo 138 thị trấn')
    >>> worded("phat-bieu-tiep-thu", "Lời cảm ơn", None, None)
    ('Lời cảm ơn', None)
    """
    from ngayhoi.templates.programme import STANDARD_ITEMS  # noqa: PLC0415 - programme is heavier

    defaults = {item.key: (item.title, item.lead) for item in STANDARD_ITEMS}
    if terms is None or key is None or key not in defaults:
        return title, lead
    wording = item_wording(key, terms)
    if wording is None:
        return title, lead
    default_title, default_lead = defaults[key]
    return (
        wording[0] if title == default_title else title,
        wording[1] if lead == default_lead else lead,
    )


def worded_title(fest: Festival, activity: str, day: dt.date) -> str:
    """The title of ``fest``'s ``activity`` on ``day``, in the words of its unit's kind and day.

    Every sheet, document and itinerary names an activity this way, so a
    phường's forum is never "Công an xã lắng nghe …"; a title the plan wrote
    itself stays as written.

    >>> import datetime as dt
    >>> from ngayhoi import data, templates
    >>> day = dt.date(2023, 8, 6)
    >>> town = data.can_duoc_communes(day)[:1]
    >>> fest = templates.plan_day(id="ngay-hoi", name="Ngày hội", day=day, communes=town)
    >>> worded_title(fest, "can-duoc.dien-dan", day)
    'Diễn đàn “Công an thị trấn lắng nghe ý kiến của Nhân dân”'
    """
    act = fest.activity(activity)
    unit = fest.unit(fest.site(act.site).unit)
    return worded(act.item, act.title, act.lead, unit_terms(unit.kind, day))[0]
