"""Working days: preparation deadlines move earlier, off weekends and public holidays.

A deadline that falls on a Saturday, a Sunday, a Vietnamese public holiday (the
``holidays`` package's calendar for country ``"VN"``, with the compensatory
days off it lists) or one of the plan's own days off moves to the working day
before it, and says why: "dời về thứ Sáu 15/08/2025 vì 16/08/2025 là Thứ bảy".

Importing ``holidays`` loads every country it knows (about 0.2 s, more than
scheduling the 17-commune plan), so its answer for 2000-2050 ships as
``holidays_vn.csv`` (written by ``scripts/holidays_vn.py`` and checked against
the package by the tests); other years ask the package.

>>> import datetime as dt
>>> day_off(dt.date(2025, 9, 2))
'ngày nghỉ Quốc khánh'
>>> day_off(dt.date(2025, 8, 16))
'thứ Bảy'
>>> day_off(dt.date(2025, 8, 15)) is None
True
>>> working_day_before(dt.date(2025, 9, 1))
(datetime.date(2025, 8, 29), 'dời về thứ Sáu 29/08/2025 vì 01/09/2025 là ngày nghỉ Quốc khánh')
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection
from pathlib import Path

__all__ = ["day_off", "working_day_after", "working_day_before"]

#: Weekday names as running text writes them ("dời về thứ Sáu").
_WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
#: The farthest back a deadline moves (Tết's week plus its weekends).
_MAX_BACK = 31
#: The years whose holidays ship in holidays_vn.csv.
_SHIPPED = range(2000, 2051)


@functools.cache
def _shipped() -> dict[int, dict[dt.date, str]]:
    """holidays_vn.csv by year."""
    text = Path(__file__).with_name("holidays_vn.csv").read_text(encoding="utf-8")
    years: dict[int, dict[dt.date, str]] = {year: {} for year in _SHIPPED}
    for line in text.splitlines():
        if line.startswith(("#", "date,")):
            continue
        day, name = line.split(",", 1)
        date = dt.date.fromisoformat(day)
        years[date.year][date] = name
    return years


@functools.cache
def _public_holidays(year: int) -> dict[dt.date, str]:
    """The public holidays of ``year`` (the shipped table, or the ``holidays`` package).

    >>> _public_holidays(2025)[dt.date(2025, 9, 2)]
    'Quốc khánh'
    >>> _public_holidays(2070)[dt.date(2070, 9, 2)]
    'Quốc khánh'
    """
    if year in _SHIPPED:
        return _shipped()[year]
    return _package_holidays(year)


def _package_holidays(year: int) -> dict[dt.date, str]:
    """What the ``holidays`` package says for ``year`` (what holidays_vn.csv holds)."""
    import holidays  # noqa: PLC0415 - 0.2 s; only for years the table does not hold

    found = holidays.country_holidays("VN", years=year, language="vi")
    return {day: str(name) for day, name in found.items() if day.year == year}


def day_off(day: dt.date, local: Collection[dt.date] = ()) -> str | None:
    """Why ``day`` is no working day (its weekday, or the holiday's name), or ``None``.

    ``local`` holds the plan's own days off.

    >>> import datetime as dt
    >>> day_off(dt.date(2025, 8, 19), local={dt.date(2025, 8, 19)})
    'ngày nghỉ của địa phương'
    """
    plain = dt.date(day.year, day.month, day.day)
    if plain in local:
        return "ngày nghỉ của địa phương"
    holiday = _public_holidays(plain.year).get(plain)
    if holiday is not None:
        return f"ngày nghỉ {holiday}" if not holiday.startswith("Ngày nghỉ") else holiday.lower()
    if plain.weekday() >= 5:  # noqa: PLR2004 - Saturday and Sunday
        return _WEEKDAYS[plain.weekday()]
    return None


def _short(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def working_day_after(day: dt.date, local: Collection[dt.date] = ()) -> tuple[dt.date, str | None]:
    """``day`` if it is a working day, else the working day after it, with the reason.

    For a task after the festival that moving earlier would put before its end.

    >>> import datetime as dt
    >>> working_day_after(dt.date(2025, 8, 10))[1]
    'dời sang thứ Hai 11/08/2025 vì 10/08/2025 là Chủ nhật'
    """
    return _move(day, local, step=1)


def working_day_before(day: dt.date, local: Collection[dt.date] = ()) -> tuple[dt.date, str | None]:
    """``day`` if it is a working day, else the working day before it, with the reason.

    >>> import datetime as dt
    >>> working_day_before(dt.date(2025, 8, 15))
    (datetime.date(2025, 8, 15), None)
    >>> working_day_before(dt.date(2025, 8, 17))[1]
    'dời về thứ Sáu 15/08/2025 vì 17/08/2025 là Chủ nhật'
    """
    return _move(day, local, step=-1)


def _move(day: dt.date, local: Collection[dt.date], *, step: int) -> tuple[dt.date, str | None]:
    plain = dt.date(day.year, day.month, day.day)
    why = day_off(plain, local)
    if why is None:
        return plain, None
    moved = plain
    for _ in range(_MAX_BACK):
        moved += dt.timedelta(days=step)
        if day_off(moved, local) is None:
            break
    verb = "dời về" if step < 0 else "dời sang"
    note = f"{verb} {_WEEKDAYS[moved.weekday()]} {_short(moved)} vì {_short(plain)} là {why}"
    return moved, note
