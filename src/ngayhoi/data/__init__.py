"""Small dated datasets shipped with ngayhoi: the units of the former Huyện Cần Đước.

The 17 units of Huyện Cần Đước (Tỉnh Long An) existed until 30/6/2025; on
1/7/2025 they became 6 xã of Tỉnh Tây Ninh. Look units up *on a date*:

>>> import pendulum
>>> [u.name for u in can_duoc_communes(pendulum.date(2025, 8, 10))]
['Cần Đước', 'Rạch Kiến', 'Long Cang', 'Mỹ Lệ', 'Tân Lân', 'Long Hựu']
>>> len(can_duoc_communes(pendulum.date(2023, 8, 6)))
17
>>> unit_on("long-hoa", pendulum.date(2023, 8, 6)).official_name
'Xã Long Hòa'

The source of every fact is cited at the top of ``units.csv``.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from pathlib import Path

from ngayhoi.arguments import day_argument, text_argument
from ngayhoi.errors import Said, UnitNotValidError, UnknownReferenceError
from ngayhoi.i18n import N_
from ngayhoi.model import Unit, UnitKind
from ngayhoi.text import fold

from . import vietnam

__all__ = [
    "all_units",
    "can_duoc_communes",
    "predecessors",
    "search_units",
    "unit_on",
    "units_on",
    "vietnam",
]

#: The day the 2025 reform took effect: no more districts, merged communes.
REFORM_DAY = dt.date(2025, 7, 1)


@functools.cache
def all_units() -> tuple[Unit, ...]:
    """Every unit in the shipped dataset, in file order, all versions.

    >>> len(all_units())
    27
    """
    text = Path(__file__).with_name("units.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    rows = csv.DictReader(io.StringIO("\n".join(lines)))
    return tuple(
        Unit(
            id=row["id"],
            code=row["code"] or None,
            scheme=row["scheme"] or None,
            official_name=row["official_name"],
            name=row["name"],
            kind=UnitKind(row["kind"]),
            parent=row["parent"] or None,
            valid_from=row["valid_from"] or None,
            valid_to=row["valid_to"] or None,
            successor=row["successor"] or None,
        )
        for row in rows
    )


def units_on(day: dt.date) -> tuple[Unit, ...]:
    """The units of the dataset that exist on ``day``.

    >>> import pendulum
    >>> sorted({u.kind.value for u in units_on(pendulum.date(2025, 8, 10))})
    ['tỉnh', 'xã']
    """
    return tuple(u for u in all_units() if u.valid_on(day))


def predecessors(unit: Unit) -> tuple[Unit, ...]:
    """The units that merged into ``unit`` when it was formed.

    >>> import pendulum
    >>> [u.name for u in predecessors(unit_on("rach-kien", pendulum.date(2025, 8, 10)))]
    ['Long Trạch', 'Long Khê', 'Long Hòa']
    """
    if unit.valid_from is None:
        return ()
    day_before = unit.valid_from - dt.timedelta(days=1)
    return tuple(u for u in all_units() if u.successor == unit.id and u.valid_on(day_before))


def unit_on(unit_id: str, day: dt.date) -> Unit:
    """The unit with this id on ``day``: a shipped unit or, if installed, a nationwide one.

    The nationwide units (:mod:`ngayhoi.data.vietnam`) are used for an id the
    shipped Cần Đước units do not hold on ``day``.

    Raises:
        UnitNotValidError: if the id names a unit that did not exist on ``day``;
            the message says when it existed and what stood in its place.
        UnknownReferenceError: if the dataset has no such id at all.

    >>> import pendulum
    >>> unit_on("rach-kien", pendulum.date(2023, 8, 6))
    Traceback (most recent call last):
    ...
    ngayhoi.errors.UnitNotValidError: unit 'rach-kien' (Xã Rạch Kiến) is valid from 2025-07-01, ...
    """
    unit_id = text_argument(unit_id, "unit_id")
    day = day_argument(day, "day")
    versions = [u for u in all_units() if u.id == unit_id]
    valid = any(u.valid_on(day) for u in versions)
    nationwide = False
    if not valid and day >= vietnam.PROVINCES_FROM and vietnam.available():
        found = vietnam.gazetteer().on(unit_id, day)
        if found is not None:
            return found
        nationwide = not versions
        versions = versions or list(vietnam.gazetteer().versions(unit_id))
    if not versions:
        raise UnknownReferenceError(
            item_kind="lookup",
            item_id=unit_id,
            ref_kind="unit",
            ref=unit_id,
            valid={u.id for u in all_units()},
        )
    for unit in versions:
        if unit.valid_on(day):
            return unit
    unit = versions[-1]
    if all(u.valid_from is not None and day < u.valid_from for u in versions):
        unit = min(versions, key=lambda u: u.valid_from or day)  # the first version after day
    instead: tuple[Unit, ...] = ()
    if unit.valid_from is not None and day < unit.valid_from:
        instead = predecessors(unit)
    elif unit.successor is not None:
        instead = tuple(u for u in all_units() if u.id == unit.successor and u.valid_on(day))
    raise UnitNotValidError(_not_valid(unit, day, instead, nationwide=nationwide))


def _not_valid(unit: Unit, day: dt.date, instead: tuple[Unit, ...], *, nationwide: bool) -> Said:
    """Why ``unit`` is not valid on ``day``, and what was there then."""
    named = ", ".join(f"{u.id} ({u.official_name})" for u in instead)
    msg = Said(
        N_("unit '{id}' ({official_name}) is {validity}, not on {day}"),
        id=unit.id,
        official_name=unit.official_name,
        validity=unit.validity(),
        day=day,
    )
    if nationwide and unit.valid_from == vietnam.COVERS_FROM and day < unit.valid_from:
        msg = Said(
            N_(
                "{message}; the nationwide data lists it from that day only: its list before "
                "the reform is that of 1/1/2025, after the 2023–2025 arrangement of districts "
                "and communes, and it does not say which units existed earlier. If this one "
                "did on {day}, define it with [[units.define]]"
            ),
            message=msg,
            day=day,
        )
    elif named:
        msg = Said(N_("{message}; on that date its area was: {units}"), message=msg, units=named)
    return msg


def can_duoc_communes(day: dt.date) -> tuple[Unit, ...]:
    """The commune-level units of the former Huyện Cần Đước valid on ``day``.

    Before 1/7/2025: the 16 xã and 1 thị trấn of the district. From then on:
    the 6 xã of Tỉnh Tây Ninh they became (a legacy grouping; the district
    itself no longer exists).

    >>> import pendulum
    >>> [u.id for u in can_duoc_communes(pendulum.date(2025, 7, 1))][:2]
    ['can-duoc', 'rach-kien']
    """
    on_day = units_on(day)
    if day < REFORM_DAY:
        return tuple(u for u in on_day if u.parent == "huyen-can-duoc")
    return tuple(u for u in on_day if u.kind.is_commune_level and predecessors(u))


def search_units(name: str, day: dt.date | None = None) -> tuple[Unit, ...]:
    """Units whose name contains ``name``, ignoring diacritics, case and the kind prefix.

    >>> [u.official_name for u in search_units("long huu")]
    ['Xã Long Hựu Đông', 'Xã Long Hựu Tây', 'Xã Long Hựu']
    """
    wanted = fold(text_argument(name, "name"))
    pool = all_units() if day is None else units_on(day_argument(day, "day"))
    return tuple(u for u in pool if wanted in fold(u.official_name) or wanted == u.id)
