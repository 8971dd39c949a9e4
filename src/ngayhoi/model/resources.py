"""Shared resources: travelling delegations, pools with a capacity, roles and teams.

>>> doan = Resource(id="doan-1", name="Đoàn 1", kind=ResourceKind.DELEGATION, group="doan")
>>> doan.capacity, doan.travels
(1, True)
>>> Resource(id="loa", name="Bộ âm thanh", kind="pool", capacity=3).capacity
3
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from typing import Any, cast

import attrs

from ngayhoi._frozen import FrozenMap
from ngayhoi._records import plain_repr
from ngayhoi.errors import PlanError, Said
from ngayhoi.i18n import N_
from ngayhoi.model._fields import (
    count_repr,
    in_enum,
    invalid,
    to_enum,
    to_optional_text,
    to_text,
    to_text_tuple,
    valid_id,
    valid_optional_id,
    valid_optional_text,
    valid_text,
    valid_texts,
)
from ngayhoi.text import check_id

__all__ = ["Resource", "ResourceKind", "TravelTimes"]

_EARTH_RADIUS_KM = 6371.0
#: The longest drive between two festival sites, in minutes: anything longer is a typo.
MAX_TRAVEL = 24 * 60
#: The largest pool: more units than this of one thing at one festival is a typo, and a
#: capacity of 10^9 would make the scheduler's resource profiles unbounded.
MAX_CAPACITY = 10_000
#: Road speeds a delegation's car can keep on average, km/h.
SPEED_RANGE = (1.0, 150.0)
#: How much longer the road is than the straight line.
ROAD_FACTOR_RANGE = (1.0, 5.0)


class ResourceKind(enum.StrEnum):
    """What kind of resource it is."""

    DELEGATION = "delegation"
    POOL = "pool"
    ROLE = "role"
    PERSON = "person"


def _default_capacity(instance: Resource) -> int | None:
    return None if instance.kind is ResourceKind.ROLE else 1


def _valid_capacity(instance: Resource, _attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        if instance.kind is not ResourceKind.ROLE:
            msg = Said(
                N_("resource '{id}': a {kind} needs a capacity (whole number >= 1)"),
                id=instance.id,
                kind=instance.kind,
            )
            raise invalid(instance, _attribute, msg, value)
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = Said(
            N_(
                "resource '{id}': capacity {value!r} must be a whole number >= 1 (leave it out "
                "of the plan if there is none)"
            ),
            id=instance.id,
            value=value,
        )
        raise invalid(instance, _attribute, msg, value)
    if value > MAX_CAPACITY:
        raise PlanError(
            kind="resource",
            item=instance.id,
            field="capacity",
            value=value,
            expected=f"a whole number from 1 to {MAX_CAPACITY}",
            hint="give the real number of units the pool holds",
        )
    if instance.kind is ResourceKind.DELEGATION and value != 1:
        msg = Said(
            N_(
                "resource '{id}': a delegation is one group that travels together, capacity "
                "{value} is not allowed; define one delegation per group"
            ),
            id=instance.id,
            value=value,
        )
        raise invalid(instance, _attribute, msg, value)


def _resource_kind(value: ResourceKind | str) -> ResourceKind:
    return to_enum(ResourceKind, value)


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class Resource:
    """A resource that activities hold from their start to their end.

    Attributes:
        id: ASCII slug.
        name: the Vietnamese name ("Đoàn 2", "Bộ âm thanh lưu động").
        kind: a delegation travels between sites and attends one activity at a
            time; a pool lends ``capacity`` interchangeable units; a role or team
            has no capacity unless one is given; a person (a named official, an
            MC) is in one place at a time and drives between points.
        capacity: how many activities may hold it at once (``None``: no limit, roles only).
        group: the id of a group it belongs to; an activity may need "any one of" a group.
        home: for a delegation, the site it sets out from and returns to.
        members: who is in it, in Vietnamese (for delegation calendars and itineraries).
        description: a longer text.
        delegation: for a person, the delegation they travel with (they are
            wherever it is).
    """

    id: str = attrs.field(validator=valid_id)
    name: str = attrs.field(converter=to_text, validator=valid_text)
    kind: ResourceKind = attrs.field(converter=_resource_kind, validator=in_enum(ResourceKind))
    capacity: int | None = attrs.field(
        default=attrs.Factory(_default_capacity, takes_self=True), validator=_valid_capacity
    )
    group: str | None = attrs.field(default=None, validator=valid_optional_id)
    home: str | None = attrs.field(default=None, validator=valid_optional_id)
    members: tuple[str, ...] = attrs.field(
        default=(), converter=to_text_tuple, validator=valid_texts
    )
    description: str | None = attrs.field(
        default=None, converter=to_optional_text, validator=valid_optional_text
    )
    delegation: str | None = attrs.field(default=None, validator=valid_optional_id)

    @property
    def travels(self) -> bool:
        """Whether it needs travel time between two sites (delegations do)."""
        return self.kind is ResourceKind.DELEGATION

    @property
    def drives(self) -> bool:
        """Whether it needs the travel time between two sites: delegations and people.

        >>> Resource(id="ct", name="Chủ tịch UBND xã", kind="person").drives
        True
        """
        return self.kind in {ResourceKind.DELEGATION, ResourceKind.PERSON}


def _to_matrix(
    value: Mapping[tuple[str, str], int] | Iterable[tuple[str, str, int]],
) -> FrozenMap[tuple[str, str], int]:
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, Iterable) and not isinstance(value, str | bytes):
        items = []
        for row in value:
            if not (isinstance(row, tuple | list) and len(row) == 3):  # noqa: PLR2004
                return cast("FrozenMap[tuple[str, str], int]", value)  # the validator names it
            items.append(((row[0], row[1]), row[2]))
    else:
        return cast("FrozenMap[tuple[str, str], int]", value)
    matrix: dict[tuple[str, str], int] = {}
    for pair, m in items:
        if not (isinstance(pair, tuple | list) and len(pair) == 2):  # noqa: PLR2004
            return cast("FrozenMap[tuple[str, str], int]", value)
        a, b = pair
        matrix[(a, b)] = m
        matrix.setdefault((b, a), m)
    return FrozenMap(matrix)


def _valid_matrix(_instance: TravelTimes, _attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, FrozenMap):
        msg = Said(
            N_(
                "travel times: minutes {value!r} is not a travel matrix; give a dict "
                "{{(from_site, to_site): minutes}} or a list of (from_site, to_site, minutes)"
            ),
            value=value,
        )
        raise invalid(_instance, _attribute, msg, value)
    for (a, b), m in value.items():
        for site in (a, b):
            why = check_id(site) if isinstance(site, str) else "is not a site id"
            if why is not None:
                msg = Said(
                    N_("travel time from {a!r} to {b!r}: site {site!r} {why}"),
                    a=a,
                    b=b,
                    site=site,
                    why=why,
                )
                raise invalid(_instance, _attribute, msg, value)
        if isinstance(m, bool) or not isinstance(m, int) or not 0 <= m <= MAX_TRAVEL:
            msg = Said(
                N_(
                    "travel time from '{a}' to '{b}': {m!r} is not a whole number of minutes "
                    "from 0 to {MAX_TRAVEL}; fix that entry of the travel matrix"
                ),
                a=a,
                b=b,
                m=m,
                MAX_TRAVEL=MAX_TRAVEL,
            )
            raise invalid(_instance, _attribute, msg, value)
        if a == b and m != 0:
            msg = Said(N_("travel time from '{a}' to itself is {m} min; expected 0"), a=a, m=m)
            raise invalid(_instance, _attribute, msg, value)


def _valid_speed(_instance: TravelTimes, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < math.inf:
        msg = Said(
            N_("travel times: {name} {value!r} must be a positive finite number"),
            name=attribute.name,
            value=value,
        )
        raise PlanError(msg, kind="travel", field=attribute.name, value=value)
    low, high = SPEED_RANGE if attribute.name == "speed_kmh" else ROAD_FACTOR_RANGE
    if not low <= value <= high:
        # A speed of 1e-9 km/h or a road factor of 1e308 turns into travel times of
        # years: refuse them here, before any scheduler works with them.
        unit = " km/h" if attribute.name == "speed_kmh" else ""
        raise PlanError(
            kind="travel",
            field=attribute.name,
            value=value,
            expected=f"a number from {low:g} to {high:g}{unit}",
            hint=f"write e.g. {attribute.name} = {30 if unit else 1.3}",
        )


def _valid_default(_instance: TravelTimes, _attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TRAVEL:
        msg = Said(
            N_(
                "travel times: default {value!r} must be a whole number of minutes from 0 to "
                "{MAX_TRAVEL}"
            ),
            value=value,
            MAX_TRAVEL=MAX_TRAVEL,
        )
        raise invalid(_instance, _attribute, msg, value)


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class TravelTimes:
    """Minutes to drive between two sites.

    Entries of ``minutes`` are ``(from_site, to_site) -> minutes``; a pair given
    one way holds both ways unless the other way is given too. Pairs not in the
    matrix are derived from the sites' coordinates at ``speed_kmh`` along
    straight lines stretched by ``road_factor``, or fall back to ``default``.

    ``minutes`` is read-only (a hashable mapping), so a validated matrix stays valid.

    >>> tt = TravelTimes(minutes={("a", "b"): 25})
    >>> tt.lookup("b", "a"), tt.lookup("a", "a")
    (25, 0)
    """

    minutes: Mapping[tuple[str, str], int] = attrs.field(
        factory=FrozenMap, converter=_to_matrix, validator=_valid_matrix, repr=count_repr
    )
    speed_kmh: float | None = attrs.field(default=None, validator=_valid_speed)
    road_factor: float = attrs.field(default=1.3, validator=_valid_speed)
    default: int | None = attrs.field(default=None, validator=_valid_default)

    def lookup(
        self,
        origin: str,
        destination: str,
        coordinates: Mapping[str, tuple[float, float]] | None = None,
    ) -> int | None:
        """Minutes from ``origin`` to ``destination``, or ``None`` if nothing says.

        ``coordinates`` maps site ids to ``(lat, lon)`` for the derived times.

        >>> TravelTimes(speed_kmh=30).lookup("a", "b", {"a": (10.5, 106.6), "b": (10.6, 106.6)})
        29
        """
        if origin == destination:
            return 0
        found = self.minutes.get((origin, destination))
        if found is not None:
            return found
        if self.speed_kmh is not None and coordinates is not None:
            a, b = coordinates.get(origin), coordinates.get(destination)
            if a is not None and b is not None:
                km = _haversine_km(a, b) * self.road_factor
                # Sites on other sides of the country are a day apart at most, for a plan.
                return min(math.ceil(km / self.speed_kmh * 60), MAX_TRAVEL)
        return self.default

    @property
    def is_empty(self) -> bool:
        """Whether no travel time can be known at all."""
        return not self.minutes and self.speed_kmh is None and self.default is None


def _haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * _EARTH_RADIUS_KM * math.asin(math.sqrt(h))
