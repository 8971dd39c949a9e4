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

from ngayhoi.errors import Said
from ngayhoi.i18n import N_

__all__ = [
    "ID_PATTERN",
    "check_id",
    "display_width",
    "fold",
    "nfc",
    "one_line",
    "slugify",
    "terminal_text",
    "vietnamese_date",
]

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
# C0 and C1 controls that str.split() does not already take for blanks.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
# Embeddings, overrides and isolates: on a terminal line they reorder what follows them.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_REPLACEMENT = "\ufffd"


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
def check_id(value: str) -> Said | None:
    """Return why ``value`` is not a valid id, or ``None`` when it is one.

    >>> check_id("long-hoa.trao-thuong") is None
    True
    >>> check_id("Long Hòa")
    "must be lowercase ASCII letters and digits joined by '-', '_' or '.' (try 'long-hoa')"
    """
    if not value:
        return Said(N_("must not be empty"))
    if len(value) > _MAX_ID:
        return Said(
            N_("must be at most {most} characters long (it has {length})"),
            most=_MAX_ID,
            length=len(value),
        )
    if not ID_PATTERN.fullmatch(value):  # match() would let "abc\n" through ($ before a newline)
        suggestion = _NON_ALNUM.sub("-", fold(value).replace(".", "-")).strip("-")
        if suggestion:
            return Said(
                N_(
                    "must be lowercase ASCII letters and digits joined by '-', '_' or '.' "
                    "(try '{suggestion}')"
                ),
                suggestion=suggestion,
            )
        return Said(N_("must be lowercase ASCII letters and digits joined by '-', '_' or '.'"))
    return None


def one_line(text: str) -> str:
    r"""Text on one line: each run of blanks and line breaks (U+2028 too) becomes one space.

    A control character, which the model refuses in text but a caller may
    still pass, shows as U+FFFD: written out, it could end a line or start a
    terminal escape sequence.

    >>> one_line("Chào cờ\nEND:VEVENT\u2028 x")
    'Chào cờ END:VEVENT x'
    >>> one_line("\x1b[31mđỏ") == "\ufffd[31mđỏ"
    True
    """
    return " ".join(_CONTROLS.sub(_REPLACEMENT, text).split())


def terminal_text(text: str) -> str:
    r"""Plan text for a terminal or a plain-text file: NFC, on one line, no reordering.

    Besides :func:`one_line`, the bidirectional embeddings, overrides and
    isolates (U+202A–U+202E, U+2066–U+2069) show as U+FFFD: on a terminal they
    would reverse the columns that follow them on the line.

    >>> terminal_text("\u202eLong Hòa\n08:00") == "\ufffdLong Hòa 08:00"
    True
    """
    return nfc(one_line(_BIDI_CONTROLS.sub(_REPLACEMENT, text)))


def display_width(text: str) -> int:
    r"""How many terminal columns ``text`` takes: wide letters 2, combining and format marks 0.

    >>> [display_width(t) for t in ("Hòa", "Ho\u0300a", "越南", "a\u200db")]
    [3, 3, 4, 2]
    """
    width = 0
    for c in text:
        if unicodedata.combining(c) or unicodedata.category(c) in {"Mn", "Me", "Cf"}:
            continue
        width += 2 if unicodedata.east_asian_width(c) in {"W", "F"} else 1
    return width


def vietnamese_date(day: dt.date) -> str:
    """The date as Vietnamese documents write it, with the weekday.

    >>> vietnamese_date(dt.date(2023, 8, 6))
    'Chủ nhật, 06/08/2023'
    """
    return f"{_WEEKDAYS[day.weekday()]}, {day.day:02d}/{day.month:02d}/{day.year}"
