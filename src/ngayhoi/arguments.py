"""Checks of the public functions' arguments: the one place a wrong type becomes a PlanError.

A library user who passes a list where a date belongs gets a
:class:`~ngayhoi.errors.PlanError` naming the argument, the value and what was
expected, never a raw ``TypeError`` or ``AttributeError`` from deep inside.

>>> day_argument("2023-08-06", "day")
Date(2023, 8, 6)
>>> day_argument(["2023-08-06"], "day")
Traceback (most recent call last):
...
ngayhoi.errors.PlanError: argument 'day': ['2023-08-06']: expected a date ...
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Collection
from pathlib import Path

import pendulum

from ngayhoi.errors import NaiveDatetimeError, PlanError, Said
from ngayhoi.i18n import N_

__all__ = [
    "aware_argument",
    "choice_argument",
    "day_argument",
    "int_argument",
    "path_argument",
    "seconds_argument",
    "text_argument",
    "time_argument",
]

#: The years a date argument may fall in (as the plan's own dates).
_YEARS = (1945, 2100)


def _bad(name: str, value: object, expected: str, hint: str | None = None) -> PlanError:
    return PlanError(kind="argument", item=name, value=value, expected=expected, hint=hint)


def day_argument(value: object, name: str) -> pendulum.Date:
    """A calendar date from a ``date`` or an ISO string such as ``"2023-08-06"``.

    >>> day_argument(dt.date(2023, 8, 6), "day")
    Date(2023, 8, 6)
    """
    expected = f"a date from {_YEARS[0]} to {_YEARS[1]} (datetime.date or '2023-08-06')"
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise _bad(name, value, expected) from None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        hint = "give datetime.date, e.g. value.date()" if isinstance(value, dt.datetime) else None
        raise _bad(name, value, expected, hint)
    if not _YEARS[0] <= value.year <= _YEARS[1]:
        raise _bad(name, value, expected)
    return pendulum.Date(value.year, value.month, value.day)


def time_argument(value: object, name: str) -> dt.time:
    """A time of day from a ``time`` or ``"HH:MM"``.

    >>> time_argument("06:45", "at")
    datetime.time(6, 45)
    """
    if isinstance(value, str):
        try:
            value = dt.time.fromisoformat(value.strip())
        except ValueError:
            raise _bad(name, value, "a time of day (datetime.time or '06:45')") from None
    if not isinstance(value, dt.time) or value.tzinfo is not None:
        raise _bad(name, value, "a local time of day (datetime.time or '06:45')")
    return value


def text_argument(value: object, name: str) -> str:
    """A string, refused when it is anything else.

    >>> text_argument("long hoa", "name")
    'long hoa'
    """
    if not isinstance(value, str):
        raise _bad(name, value, "text (a str)")
    return value


def int_argument(value: object, name: str, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high`` (a bool is not a number here).

    >>> int_argument(3, "seed", 0, 10)
    3
    """
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _bad(name, value, f"a whole number from {low} to {high}")
    return value


def seconds_argument(value: object, name: str) -> float | None:
    """``None`` or a finite number of seconds, zero or more.

    >>> seconds_argument(1.5, "time_limit")
    1.5
    """
    if value is None:
        return None
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not 0 <= float(value) < math.inf:  # type: ignore[arg-type]
        raise _bad(name, value, "None or a finite number of seconds, zero or more")
    return float(value)  # type: ignore[arg-type]


def choice_argument(value: object, name: str, choices: Collection[str]) -> str:
    """One of ``choices``.

    >>> choice_argument("todo", "tasks", ("event", "todo"))
    'todo'
    """
    if not isinstance(value, str) or value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise _bad(name, value, f"one of {listed}")
    return value


def aware_argument(value: object, name: str) -> pendulum.DateTime | None:
    """``None`` or a datetime with a time zone (a naive one is refused: it has no instant).

    >>> aware_argument(dt.datetime(2023, 8, 6, tzinfo=dt.UTC), "now").isoformat()
    '2023-08-06T00:00:00+00:00'
    """
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        raise _bad(name, value, "None or an aware datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        msg = Said(
            N_(
                "argument '{name}': {value} has no time zone; give an aware datetime, e.g. "
                "datetime.now(datetime.UTC)"
            ),
            name=name,
            value=value.isoformat(),
        )
        raise NaiveDatetimeError(msg, kind="argument", item=name, value=value)
    return pendulum.instance(value)


def path_argument(value: object, name: str) -> Path:
    """A path from a ``str`` or an ``os.PathLike``.

    >>> path_argument("out", "folder").name
    'out'
    """
    if isinstance(value, str | os.PathLike) and not isinstance(value, bytes):
        text = os.fspath(value)
        if isinstance(text, str) and text and "\x00" not in text:
            return Path(text)
    raise _bad(name, value, "a path (str or pathlib.Path), not empty")
