"""Administrative units and festival sites.

Units are dated: on 1/7/2025 Vietnam dropped the district level and merged
communes (the 17 units of Huyện Cần Đước became 6 xã of Tỉnh Tây Ninh). A
:class:`Unit` carries the dates it is valid on, and a festival may only use
units valid on its days.

>>> import pendulum
>>> u = Unit(id="long-khe", name="Long Khê", official_name="Xã Long Khê",
...          kind=UnitKind.XA, code="28114", valid_to=pendulum.date(2025, 6, 30))
>>> u.valid_on(pendulum.date(2023, 8, 6)), u.valid_on(pendulum.date(2025, 8, 10))
(True, False)
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs
import pendulum

from ngayhoi._records import plain_repr
from ngayhoi.errors import Said
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
    valid_ids,
    valid_optional_id,
    valid_optional_text,
    valid_text,
)

__all__ = ["Site", "Unit", "UnitKind"]

_LAT_MAX = 90.0
_LON_MAX = 180.0


class UnitKind(enum.StrEnum):
    """The kind of an administrative unit, as Vietnamese law names it."""

    TINH = "tỉnh"
    THANH_PHO_TW = "thành phố trung ương"
    HUYEN = "huyện"
    QUAN = "quận"
    THI_XA = "thị xã"
    THANH_PHO = "thành phố"
    XA = "xã"
    PHUONG = "phường"
    THI_TRAN = "thị trấn"
    DAC_KHU = "đặc khu"
    AP = "ấp"
    KHU_PHO = "khu phố"
    THON = "thôn"
    BAN = "bản"
    TO_DAN_PHO = "tổ dân phố"

    @property
    def is_commune_level(self) -> bool:
        """Whether units of this kind are communes (xã, phường, thị trấn, đặc khu).

        >>> UnitKind.THI_TRAN.is_commune_level, UnitKind.HUYEN.is_commune_level
        (True, False)
        """
        return self in {UnitKind.XA, UnitKind.PHUONG, UnitKind.THI_TRAN, UnitKind.DAC_KHU}

    @property
    def is_province_level(self) -> bool:
        """Whether units of this kind are provinces (tỉnh, thành phố trung ương).

        >>> UnitKind.THANH_PHO_TW.is_province_level, UnitKind.THANH_PHO.is_province_level
        (True, False)
        """
        return self in {UnitKind.TINH, UnitKind.THANH_PHO_TW}

    @property
    def is_district_level(self) -> bool:
        """Whether units of this kind are districts (huyện, quận, thị xã, thành phố thuộc tỉnh).

        The district level ended on 1/7/2025.

        >>> UnitKind.QUAN.is_district_level, UnitKind.XA.is_district_level
        (True, False)
        """
        return self in {UnitKind.HUYEN, UnitKind.QUAN, UnitKind.THI_XA, UnitKind.THANH_PHO}


def _valid_dates(instance: Unit, _attribute: attrs.Attribute[Any], value: object) -> None:
    start = instance.valid_from
    if isinstance(value, dt.date) and isinstance(start, dt.date) and value < start:
        msg = Said(
            N_("unit '{id}': valid_to {value} is before valid_from {start}; swap them or fix one"),
            id=instance.id,
            value=value,
            start=start,
        )
        raise invalid(instance, _attribute, msg, value)


def _unit_kind(value: UnitKind | str) -> UnitKind:
    return to_enum(UnitKind, value)


def _to_ids(value: object) -> object:
    """Turn a list of ids into a tuple; leave anything else for the validator to refuse."""
    return tuple(value) if isinstance(value, list | tuple) else value


def _default_successors(instance: Unit) -> tuple[str, ...]:
    return () if instance.successor is None else (instance.successor,)


def _valid_successors(instance: Unit, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        msg = Said(
            N_('unit \'{id}\': successors {value!r} is not a list; write successors = ["a", "b"]'),
            id=instance.id,
            value=value,
        )
        raise invalid(instance, attribute, msg, value)
    valid_ids(instance, attribute, value)
    if instance.successor is not None and instance.successor not in value:
        msg = Said(
            N_(
                "unit '{id}': successor '{successor}' is not among successors {value!r}; list it "
                "there too, or leave successors out"
            ),
            id=instance.id,
            successor=instance.successor,
            value=list(value),
        )
        raise invalid(instance, attribute, msg, value)


def _valid_unit_lat(instance: Unit, attribute: attrs.Attribute[Any], value: float | None) -> None:
    _check_coordinate(instance, f"unit '{instance.id}'", attribute.name, value, _LAT_MAX)


def _valid_unit_lon(instance: Unit, attribute: attrs.Attribute[Any], value: float | None) -> None:
    _check_coordinate(instance, f"unit '{instance.id}'", attribute.name, value, _LON_MAX)
    if (instance.lat is None) != (value is None):
        msg = Said(N_("unit '{id}': give both lat and lon, or neither"), id=instance.id)
        raise invalid(instance, attribute, msg, value)


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class Unit:
    """An administrative unit (tỉnh, huyện, xã, ấp, ...), valid between two dates.

    Attributes:
        id: ASCII slug, unique among the units valid on one date.
        name: the short name ("Long Hòa").
        official_name: the full name ("Xã Long Hòa").
        kind: the kind of unit.
        code: the GSO code, which is only unique within a ``scheme``.
        scheme: which code list the code comes from (``gso-2025-01``, ``gso-2025-07``).
        parent: the id of the enclosing unit, if any.
        valid_from: first day the unit exists (``None``: long before any plan).
        valid_to: last day the unit exists (``None``: still exists).
        successor: the id of the unit it became (most of) part of, if it ended.
        successors: every unit it became part of; more than one when it was
            split (defaults to ``successor``).
        lat: latitude of the unit's centre in decimal degrees, if known.
        lon: longitude of the unit's centre in decimal degrees, if known.
    """

    id: str = attrs.field(validator=valid_id)
    name: str = attrs.field(converter=to_text, validator=valid_text)
    official_name: str = attrs.field(converter=to_text, validator=valid_text)
    kind: UnitKind = attrs.field(converter=_unit_kind, validator=in_enum(UnitKind))
    code: str | None = attrs.field(default=None, validator=valid_optional_text)
    scheme: str | None = attrs.field(default=None, validator=valid_optional_text)
    parent: str | None = attrs.field(default=None, validator=valid_optional_id)
    valid_from: pendulum.Date | None = attrs.field(
        default=None, converter=to_optional_date, validator=valid_date
    )
    valid_to: pendulum.Date | None = attrs.field(
        default=None,
        converter=to_optional_date,
        validator=[valid_date, _valid_dates],
    )
    successor: str | None = attrs.field(default=None, validator=valid_optional_id)
    successors: tuple[str, ...] = attrs.field(
        default=attrs.Factory(_default_successors, takes_self=True),
        converter=_to_ids,
        validator=_valid_successors,
    )
    lat: float | None = attrs.field(default=None, validator=_valid_unit_lat)
    lon: float | None = attrs.field(default=None, validator=_valid_unit_lon)

    def valid_on(self, day: dt.date) -> bool:
        """Whether the unit exists on ``day``.

        >>> unit = Unit(id="x", name="X", official_name="Xã X", kind="xã")
        >>> unit.valid_on(pendulum.date(2023, 1, 1))
        True
        """
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_to is not None and day > self.valid_to)

    def validity(self) -> Said:
        """Say in words when the unit exists.

        >>> Unit(id="x", name="X", official_name="Xã X", kind="xã",
        ...      valid_from=pendulum.date(2025, 7, 1)).validity()
        'valid from 2025-07-01'
        """
        if self.valid_from and self.valid_to:
            return Said(N_("valid from {start} to {end}"), start=self.valid_from, end=self.valid_to)
        if self.valid_from:
            return Said(N_("valid from {start}"), start=self.valid_from)
        if self.valid_to:
            return Said(N_("valid until {end}"), end=self.valid_to)
        return Said(N_("valid on every date"))


def _valid_lat(instance: Site, attribute: attrs.Attribute[Any], value: float | None) -> None:
    _valid_coordinate(instance, attribute, value, _LAT_MAX)


def _valid_lon(instance: Site, attribute: attrs.Attribute[Any], value: float | None) -> None:
    _valid_coordinate(instance, attribute, value, _LON_MAX)


def _check_coordinate(
    instance: object, label: str, name: str, value: float | None, bound: float
) -> None:
    if value is None:
        return
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not -bound <= value <= bound
    ):
        msg = Said(
            N_(
                "{label}: {name} {value!r} is not a coordinate; expected decimal degrees between "
                "-{bound:g} and {bound:g}"
            ),
            label=label,
            name=name,
            value=value,
            bound=bound,
        )
        raise invalid(instance, name, msg, value)


def _valid_coordinate(
    instance: Site, attribute: attrs.Attribute[Any], value: float | None, bound: float
) -> None:
    if value is None:
        return
    _check_coordinate(instance, f"site '{instance.id}'", attribute.name, value, bound)
    if (instance.lat is None) != (instance.lon is None):
        msg = Said(N_("site '{id}': give both lat and lon, or neither"), id=instance.id)
        raise invalid(instance, attribute, msg, value)


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class Site:
    """A festival point: a venue in a unit (nhà văn hóa ấp, hội trường UBND xã, ...).

    Attributes:
        id: ASCII slug.
        name: the venue in Vietnamese ("Hội trường UBND xã Long Hòa").
        unit: the id of the commune-level unit that hosts it.
        hamlet: the ấp, khu phố or thôn it stands in, if below the commune.
        address: a postal address, for the calendar's LOCATION.
        lat: latitude in decimal degrees.
        lon: longitude in decimal degrees.
        outdoor: whether the venue is open to the weather.
        fallback: the id of a covered site to move to in rain.
        hub: for an online bridge point (điểm cầu), the id of the hub site.

    >>> Site(id="long-hoa.ubnd", name="Hội trường UBND xã Long Hòa", unit="long-hoa").unit
    'long-hoa'
    """

    id: str = attrs.field(validator=valid_id)
    name: str = attrs.field(converter=to_text, validator=valid_text)
    unit: str = attrs.field(validator=valid_id)
    hamlet: str | None = attrs.field(
        default=None, converter=to_optional_text, validator=valid_optional_text
    )
    address: str | None = attrs.field(
        default=None, converter=to_optional_text, validator=valid_optional_text
    )
    lat: float | None = attrs.field(default=None, validator=_valid_lat)
    lon: float | None = attrs.field(default=None, validator=_valid_lon)
    outdoor: bool = attrs.field(default=False, validator=valid_bool)
    fallback: str | None = attrs.field(default=None, validator=valid_optional_id)
    hub: str | None = attrs.field(default=None, validator=valid_optional_id)

    @property
    def location(self) -> str:
        """The human-readable place: venue, hamlet and address.

        >>> Site(id="s", name="Nhà văn hóa", unit="u", hamlet="ấp 3").location
        'Nhà văn hóa, ấp 3'
        """
        parts = [self.name]
        if self.hamlet and self.hamlet not in self.name:
            parts.append(self.hamlet)
        if self.address:
            parts.append(self.address)
        return ", ".join(parts)
