"""Converters and validators shared by the records of the model.

Converters never raise: they turn what they can into the stored type and let
the validators, which know the record's id, reject the rest with a message that
names the item.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
from collections.abc import Callable, Iterable, Sized
from typing import Any, TypeVar, cast

import attrs
import pendulum

from ngayhoi.errors import NaiveDatetimeError, PlanError, Said
from ngayhoi.i18n import N_
from ngayhoi.text import check_id, nfc

T = TypeVar("T")
#: The longest duration or lag, in minutes: a festival lasts at most 100 days.
MAX_MINUTES = 100 * 24 * 60
_SURROGATE = re.compile("[\ud800-\udfff]")
#: The years a plan's dates may fall in: the festival is planned from 1945 on,
#: and no calendar or time zone table is trusted far beyond 2100.
YEARS = (1945, 2100)

#: The festival's clock. Vietnam has had no daylight saving time since 1975.
TIMEZONE = "Asia/Ho_Chi_Minh"
_MAX_TEXT = 2000
#: C0 controls but tab and line feed, DEL and the C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _label(instance: object) -> Said:
    """The record's kind and id, as the CLI says them (``activity 'x'``: ``hoạt động 'x'``)."""
    kind = Said(_kind(instance))
    ident = getattr(instance, "id", None)
    return Said(N_("{kind} '{id}'"), kind=kind, id=ident) if isinstance(ident, str) else kind


def to_datetime(value: dt.datetime | str | None) -> pendulum.DateTime | None:
    """Turn an aware ``datetime`` or ISO string into a ``pendulum.DateTime``; leave anything else.

    >>> to_datetime("2023-08-06T07:00:00+07:00").isoformat()
    '2023-08-06T07:00:00+07:00'
    """
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return cast("pendulum.DateTime | None", value)  # the validator names it
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return pendulum.instance(value)
    return cast("pendulum.DateTime | None", value)


@functools.lru_cache(maxsize=4096)
def _minutes_duration(value: int) -> pendulum.Duration:
    # Durations are immutable and plans reuse a few lengths thousands of times;
    # building a pendulum.Duration is slow enough to matter at national scale.
    return pendulum.duration(minutes=value)


def to_duration(value: dt.timedelta | int) -> pendulum.Duration:
    """Turn a ``timedelta`` or a whole number of minutes into a ``pendulum.Duration``."""
    if isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > MAX_MINUTES:
            return cast("pendulum.Duration", value)  # the validator says it is out of range
        return _minutes_duration(value)
    if isinstance(value, dt.timedelta) and not isinstance(value, pendulum.Duration):
        return pendulum.duration(seconds=value.total_seconds())
    return cast("pendulum.Duration", value)  # a Duration, or bad input the validator names


def to_optional_duration(value: dt.timedelta | int | None) -> pendulum.Duration | None:
    """Like :func:`to_duration`, keeping ``None``."""
    return None if value is None else to_duration(value)


def to_date(value: dt.date | str) -> pendulum.Date:
    """Turn a ``date`` or an ISO string into a ``pendulum.Date``; leave anything else as is."""
    if isinstance(value, str):
        try:
            parsed = dt.date.fromisoformat(value)
        except ValueError:
            return cast("pendulum.Date", value)
        return pendulum.Date(parsed.year, parsed.month, parsed.day)
    if isinstance(value, dt.datetime):
        return cast("pendulum.Date", value)
    if isinstance(value, dt.date) and not isinstance(value, pendulum.Date):
        return pendulum.Date(value.year, value.month, value.day)
    return value


def to_optional_date(value: dt.date | str | None) -> pendulum.Date | None:
    """Like :func:`to_date`, keeping ``None``."""
    return None if value is None else to_date(value)


def count_repr(values: Sized) -> str:
    """How many items, for the ``repr`` of long tables (a 17-commune plan stays one line).

    >>> count_repr((1, 2, 3))
    '<3 items>'
    """
    return f"<{len(values)} items>"


def to_text(value: str) -> str:
    """Store text in NFC with surrounding blanks removed."""
    return nfc(value).strip() if isinstance(value, str) else value


def to_optional_text(value: str | None) -> str | None:
    """Like :func:`to_text`; an empty string becomes ``None``."""
    if value is None:
        return None
    text = to_text(value)
    return text or None


def to_str_tuple(values: Iterable[str]) -> tuple[str, ...]:
    """Store a sequence of ids as a tuple (a lone string is one id, not its letters).

    A set (no order) or anything that is not a sequence is left for the validator to name.
    """
    if isinstance(values, str):
        return (values,)
    if isinstance(values, dict | set | frozenset) or not isinstance(values, Iterable):
        return cast("tuple[str, ...]", values)
    return tuple(values)


def to_text_tuple(values: Iterable[str]) -> tuple[str, ...]:
    """Like :func:`to_str_tuple`, each text stored in NFC without surrounding blanks."""
    found = to_str_tuple(values)
    return tuple(to_text(v) for v in found) if isinstance(found, tuple) else found


def _not_a_list(instance: object, attribute: attrs.Attribute[Any], value: object) -> PlanError:
    msg = Said(
        N_('{label}: {name} {value!r} is not a list ({type}); write a list such as ["a", "b"]'),
        label=_label(instance),
        name=attribute.name,
        value=value,
        type=type(value).__name__,
    )
    return PlanError(msg, kind=_kind(instance), item=_ident(instance), field=attribute.name)


def valid_id(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate an ASCII slug id."""
    if not isinstance(value, str):
        msg = Said(
            N_("{kind} {name} {value!r}: expected a string id"),
            kind=Said(_kind(instance)),
            name=attribute.name,
            value=value,
        )
        raise PlanError(msg, kind=_kind(instance), item=_ident(instance), field=attribute.name)
    why = check_id(value)
    if why is not None and attribute.name == "id":
        msg = Said(
            N_("{kind} id {value!r} {why}"),
            kind=Said(_kind(instance)),
            value=value,
            why=why,
        )
        raise PlanError(msg, kind=_kind(instance), item=_ident(instance), field=attribute.name)
    if why is not None:
        msg = Said(
            N_("{label}: {name} {value!r} {why}"),
            label=_label(instance),
            name=attribute.name,
            value=value,
            why=why,
        )
        raise PlanError(msg, kind=_kind(instance), item=_ident(instance), field=attribute.name)


def valid_optional_id(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate an id reference that may be ``None``."""
    if value is None:
        return
    if not isinstance(value, str) or check_id(value) is not None:
        why = check_id(value) if isinstance(value, str) else "expected a string id"
        msg = Said(
            N_("{label}: {name} {value!r} {why}"),
            label=_label(instance),
            name=attribute.name,
            value=value,
            why=why,
        )
        raise PlanError(msg, kind=_kind(instance), item=_ident(instance), field=attribute.name)


def valid_ids(instance: object, attribute: attrs.Attribute[Any], value: tuple[object, ...]) -> None:
    """Validate every id in a tuple of id references."""
    if not isinstance(value, tuple):
        raise _not_a_list(instance, attribute, value)
    for item in value:
        if not isinstance(item, str) or check_id(item) is not None:
            why = check_id(item) if isinstance(item, str) else "expected a string id"
            msg = Said(
                N_("{label}: {name} entry {item!r} {why}"),
                label=_label(instance),
                name=attribute.name,
                item=item,
                why=why,
            )
            raise PlanError(msg, kind=_kind(instance), item=_ident(instance), field=attribute.name)


def valid_text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate a non-empty text (a title or a name) without control characters."""
    if not isinstance(value, str):
        msg = Said(
            N_("{label}: {name} must be text, got {type}"),
            label=_label(instance),
            name=attribute.name,
            type=type(value).__name__,
        )
        raise PlanError(msg, kind=_kind(instance), item=_ident(instance), field=attribute.name)
    if not value:
        msg = Said(
            N_("{label}: {name} must not be empty; give it a Vietnamese name"),
            label=_label(instance),
            name=attribute.name,
        )
        raise PlanError(msg, kind=_kind(instance), item=_ident(instance), field=attribute.name)
    _check_text(instance, attribute, value)


def valid_texts(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate a tuple of non-empty texts (names of people, ...)."""
    if not isinstance(value, tuple):
        raise _not_a_list(instance, attribute, value)
    for position, item in enumerate(value):
        if not isinstance(item, str):
            msg = Said(
                N_("{label}: {name}[{position}] {item!r} is not text ({type}); write it in quotes"),
                label=_label(instance),
                name=attribute.name,
                position=position,
                item=item,
                type=type(item).__name__,
            )
            raise PlanError(msg, kind=_kind(instance), item=_ident(instance), field=attribute.name)
        if not item:
            msg = Said(
                N_("{label}: {name}[{position}] is empty; remove it"),
                label=_label(instance),
                name=attribute.name,
                position=position,
            )
            raise PlanError(msg, kind=_kind(instance), item=_ident(instance), field=attribute.name)
        _check_text(instance, attribute, item)


def valid_bool(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate a flag: ``True`` or ``False``, nothing that merely looks true."""
    if not isinstance(value, bool):
        msg = Said(
            N_(
                "{label}: {name} {value!r} is not True or False; write one of those (in a plan "
                "file: true or false, without quotes)"
            ),
            label=_label(instance),
            name=attribute.name,
            value=value,
        )
        raise PlanError(msg, kind=_kind(instance), item=_ident(instance), field=attribute.name)


def valid_optional_text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate an optional text."""
    if value is None:
        return
    if not isinstance(value, str):
        msg = Said(
            N_("{label}: {name} must be text, got {type}"),
            label=_label(instance),
            name=attribute.name,
            type=type(value).__name__,
        )
        raise PlanError(msg, kind=_kind(instance), item=_ident(instance), field=attribute.name)
    _check_text(instance, attribute, value)


def _check_text(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if len(value) > _MAX_TEXT:
        msg = Said(
            N_(
                "{label}: {name} is {count} characters long; keep it under {MAX_TEXT} (put long "
                "text in a description file)"
            ),
            label=_label(instance),
            name=attribute.name,
            count=len(value),
            MAX_TEXT=_MAX_TEXT,
        )
        raise PlanError(msg, kind=_kind(instance), item=_ident(instance), field=attribute.name)
    found = _CONTROL.search(value)
    if found is not None:
        bad = found.group()
        msg = Said(
            N_("{label}: {name} {value!r} contains the control character U+{code:04X}; remove it"),
            label=_label(instance),
            name=attribute.name,
            value=value[:40],
            code=ord(bad),
        )
        raise PlanError(msg, kind=_kind(instance), item=_ident(instance), field=attribute.name)
    if _SURROGATE.search(value):
        # A lone surrogate cannot be written as UTF-8: every export would fail on it.
        msg = Said(
            N_(
                "{label}: {name} {value!r} contains a lone surrogate (half of a broken "
                "character); retype it as ordinary text"
            ),
            label=_label(instance),
            name=attribute.name,
            value=value[:40],
        )
        raise PlanError(msg, kind=_kind(instance), item=_ident(instance), field=attribute.name)


def valid_aware(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate an optional time: aware, on whole minutes."""
    if value is None:
        return
    if not isinstance(value, dt.datetime):
        msg = Said(
            N_(
                "{label}: {name} {value!r} is not a date and time; use pendulum.datetime(2023, "
                "8, 6, 6, 45, tz='{TIMEZONE}')"
            ),
            label=_label(instance),
            name=attribute.name,
            value=value,
            TIMEZONE=TIMEZONE,
        )
        raise PlanError(msg, kind=_kind(instance), item=_ident(instance), field=attribute.name)
    if value.tzinfo is None:
        msg = Said(
            N_(
                "{label}: {name} {value} has no time zone; give one, e.g. "
                "pendulum.datetime(..., tz='{TIMEZONE}')"
            ),
            label=_label(instance),
            name=attribute.name,
            value=value.isoformat(),
            TIMEZONE=TIMEZONE,
        )
        raise NaiveDatetimeError(
            msg, kind=_kind(instance), item=_ident(instance), field=attribute.name
        )
    if value.second or value.microsecond:
        msg = Said(
            N_("{label}: {name} {value} is not on a whole minute; plans are made in whole minutes"),
            label=_label(instance),
            name=attribute.name,
            value=value.isoformat(),
        )
        raise PlanError(msg, kind=_kind(instance), item=_ident(instance), field=attribute.name)


def _out_of_range(instance: object, attribute: attrs.Attribute[Any], minutes: int) -> PlanError:
    msg = Said(
        N_(
            "{label}: {name} {value} min is out of range; expected at most {MAX_MINUTES} "
            "minutes (100 days)"
        ),
        label=_label(instance),
        name=attribute.name,
        value=minutes,
        MAX_MINUTES=MAX_MINUTES,
    )
    return PlanError(msg, kind=_kind(instance), item=_ident(instance), field=attribute.name)


def valid_duration(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate an optional duration on whole minutes (any sign)."""
    if value is None:
        return
    if isinstance(value, int) and not isinstance(value, bool):
        raise _out_of_range(instance, attribute, value)
    if not isinstance(value, dt.timedelta):
        msg = Said(
            N_(
                "{label}: {name} {value!r} is not a duration; give minutes as an int or a "
                "pendulum.duration(minutes=...)"
            ),
            label=_label(instance),
            name=attribute.name,
            value=value,
        )
        raise PlanError(msg, kind=_kind(instance), item=_ident(instance), field=attribute.name)
    seconds = value.total_seconds()
    if abs(seconds) > MAX_MINUTES * 60:
        raise _out_of_range(instance, attribute, int(seconds // 60))
    if seconds % 60:
        msg = Said(
            N_(
                "{label}: {name} {seconds:g} s is not a whole number of minutes; plans are made "
                "in whole minutes"
            ),
            label=_label(instance),
            name=attribute.name,
            seconds=seconds,
        )
        raise PlanError(msg, kind=_kind(instance), item=_ident(instance), field=attribute.name)


def valid_positive_duration(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    """Validate a duration that must be at least one minute."""
    valid_duration(instance, attribute, value)
    if isinstance(value, dt.timedelta) and value.total_seconds() <= 0:
        msg = Said(
            N_("{label}: {name} is {minutes} min; expected at least 1 minute"),
            label=_label(instance),
            name=attribute.name,
            minutes=int(value.total_seconds() // 60),
        )
        raise invalid(instance, attribute, msg, value)


def valid_date(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate an optional calendar date."""
    if value is None:
        return
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        msg = Said(
            N_("{label}: {name} {value!r} is not a date; use an ISO date such as 2023-08-06"),
            label=_label(instance),
            name=attribute.name,
            value=value,
        )
        raise PlanError(msg, kind=_kind(instance), item=_ident(instance), field=attribute.name)
    check_year(value, _kind(instance), _ident(instance), attribute.name)


def check_year(value: dt.date, kind: str, item: str | None, field: str) -> None:
    """Refuse a date outside :data:`YEARS` (0001-01-01 and 9999-12-31 overflow date arithmetic).

    >>> check_year(dt.date(1, 1, 1), "festival", "f", "days")
    Traceback (most recent call last):
    ...
    ngayhoi.errors.PlanError: festival 'f': days datetime.date(1, 1, 1): expected a date ...
    """
    low, high = YEARS
    if not low <= value.year <= high:
        raise PlanError(
            kind=kind,
            item=item,
            field=field,
            value=value,
            expected=f"a date in the years {low} to {high}",
            hint="check the year (write dates as 2023-08-06)",
        )


_KINDS = {"SyncGroup": "sync group", "PrepTask": "prep task", "TravelTimes": "travel"}


def _kind(instance: object) -> str:
    name = type(instance).__name__
    return _KINDS.get(name, name.lower())


def invalid(
    instance: object, attribute: attrs.Attribute[Any] | str, message: str, value: object = None
) -> PlanError:
    """A record's bad field as a :class:`PlanError` whose fields say where (kind, id, field).

    A plan-file reader finds the key by them, never by the message's words.

    >>> err = invalid(object(), "capacity", "capacity 0 must be >= 1", 0)
    >>> err.kind, err.field, err.value
    ('object', 'capacity', 0)
    """
    name = attribute if isinstance(attribute, str) else attribute.name
    return PlanError(message, kind=_kind(instance), item=_ident(instance), field=name, value=value)


def _ident(instance: object) -> str | None:
    ident = getattr(instance, "id", None)
    return ident if isinstance(ident, str) else None


def minutes(value: dt.timedelta) -> int:
    """Whole minutes in a duration.

    >>> minutes(pendulum.duration(hours=1, minutes=5))
    65
    """
    return int(value.total_seconds() // 60)


E = TypeVar("E", bound=enum.Enum)


def to_enum(kind: type[E], value: E | str) -> E:
    """The member of ``kind`` for ``value`` (text compared in NFC); anything else is left as is."""
    if isinstance(value, str):
        value = nfc(value).strip()
    try:
        return kind(value)
    except ValueError:
        return cast("E", value)


def in_enum(kind: type[enum.Enum]) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """A validator: the value is a member of ``kind``, or the message lists the choices."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, kind):
            choices = ", ".join(repr(m.value) for m in kind)
            msg = Said(
                N_("{label}: {name} {value!r} is not one of {choices}"),
                label=_label(instance),
                name=attribute.name,
                value=value,
                choices=choices,
            )
            raise invalid(instance, attribute, msg, value)

    return check
