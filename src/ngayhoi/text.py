"""Vietnamese text: NFC titles, ASCII slug ids, diacritic-insensitive matching.

Titles keep their Vietnamese letters and are stored in Unicode NFC (precomposed),
which is what calendar clients and printers expect. Ids are ASCII slugs derived
from names: ``slugify("Xã Long Hựu Đông")`` gives ``"long-huu-dong"``.

>>> slugify("Thị trấn Cần Đước")
'can-duoc'
>>> fold("Xã Hoà An") == fold("xa hoa an")
True
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

__all__ = ["ID_PATTERN", "check_id", "fold", "nfc", "slugify", "vietnamese_date"]

_WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")

#: An id: lowercase ASCII letters and digits, joined by single ``-``, ``_`` or ``.``.
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")
_MAX_ID = 120
_KIND_PREFIXES = (
    "thành phố",
    "thị trấn",
    "thị xã",
    "khu phố",
    "đặc khu",
    "phường",
    "huyện",
    "tỉnh",
    "quận",
    "thôn",
    "xã",
    "ấp",
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the form every title is stored in.

    >>> len("Hòa") == len(nfc(unicodedata.normalize("NFD", "Hòa")))
    True
    """
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Fold ``text`` for matching: no diacritics, ``đ`` as ``d``, lowercase, single spaces.

    Official names place tone marks inconsistently ("Hoà" beside "Hòa"); folding
    removes the difference.

    >>> fold("  Long  Hựu ĐÔNG ")
    'long huu dong'
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.lower().split())


def slugify(name: str, *, strip_kind: bool = True) -> str:
    """Make an ASCII slug id from a Vietnamese name.

    The kind prefix ("Xã", "Thị trấn", "Ấp", ...) is dropped unless
    ``strip_kind`` is false. Slugs are unique only within one district or
    province: scope them where names repeat.

    >>> slugify("Xã Tân Ân")
    'tan-an'
    >>> slugify("Hội trường UBND xã", strip_kind=False)
    'hoi-truong-ubnd-xa'
    """
    text = nfc(name).strip()
    if strip_kind:
        lowered = text.lower()
        for prefix in _KIND_PREFIXES:
            if lowered.startswith(prefix + " "):
                text = text[len(prefix) + 1 :]
                break
    return _NON_ALNUM.sub("-", fold(text)).strip("-")


@functools.lru_cache(maxsize=65536)
def check_id(value: str) -> str | None:
    """Return why ``value`` is not a valid id, or ``None`` when it is one.

    >>> check_id("long-hoa.trao-thuong") is None
    True
    >>> check_id("Long Hòa")
    "must be lowercase ASCII letters and digits joined by '-', '_' or '.' (try 'long-hoa')"
    """
    if not value:
        return "must not be empty"
    if len(value) > _MAX_ID:
        return f"must be at most {_MAX_ID} characters long (it has {len(value)})"
    if not ID_PATTERN.match(value):
        suggestion = _NON_ALNUM.sub("-", fold(value).replace(".", "-")).strip("-")
        hint = f" (try '{suggestion}')" if suggestion else ""
        return f"must be lowercase ASCII letters and digits joined by '-', '_' or '.'{hint}"
    return None


def vietnamese_date(day: dt.date) -> str:
    """The date as Vietnamese documents write it, with the weekday.

    >>> vietnamese_date(dt.date(2023, 8, 6))
    'Chủ nhật, 06/08/2023'
    """
    return f"{_WEEKDAYS[day.weekday()]}, {day.day:02d}/{day.month:02d}/{day.year}"
