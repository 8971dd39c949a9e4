"""Activities on the day, the dependencies between them, and the work before and after.

>>> import pendulum
>>> a = Activity(id="long-hoa.dieu-hanh", kind=ActivityKind.PARADE,
...              title="Diễu hành trên các tuyến đường chính của ấp",
...              site="long-hoa.ubnd", duration=30, outdoor=True)
>>> a.duration.in_minutes(), a.kind.part
(30, <Part.HOI: 'phần hội'>)
>>> Dependency("long-hoa.tap-trung", "long-hoa.dieu-hanh", max_lag=0).type
<DependencyType.FS: 'FS'>
"""

from __future__ import annotations

import collections
import datetime as dt
import enum
import functools
from collections.abc import Iterable, Mapping
from typing import Any, cast

import attrs
import pendulum

from ngayhoi._records import plain_repr
from ngayhoi.errors import Said
from ngayhoi.i18n import N_
from ngayhoi.model._fields import (
    in_enum,
    invalid,
    to_datetime,
    to_duration,
    to_enum,
    to_optional_date,
    to_optional_duration,
    to_optional_text,
    to_str_tuple,
    to_text,
    valid_aware,
    valid_bool,
    valid_date,
    valid_duration,
    valid_id,
    valid_ids,
    valid_optional_id,
    valid_optional_text,
    valid_positive_duration,
    valid_text,
)
from ngayhoi.text import check_id

__all__ = [
    "Activity",
    "ActivityKind",
    "Dependency",
    "DependencyType",
    "Part",
    "PrepTask",
    "Requirement",
    "SyncGroup",
    "SyncKind",
]


class Part(enum.StrEnum):
    """The two halves of the day: the ceremony and the festivities."""

    LE = "phần lễ"
    HOI = "phần hội"


class ActivityKind(enum.StrEnum):
    """What an activity is. The value is a short English key; ``label`` is Vietnamese."""

    ASSEMBLY = "assembly"
    PARADE = "parade"
    GUEST_RECEPTION = "guest-reception"
    PERFORMANCE = "performance"
    FLAG_SALUTE = "flag-salute"
    OPENING = "opening"
    REPORT = "report"
    DISCUSSION = "discussion"
    FORUM = "forum"
    AWARD_CEREMONY = "award-ceremony"
    SPEECH = "speech"
    RESPONSE = "response"
    PLEDGE = "pledge"
    MODEL_LAUNCH = "model-launch"
    CLOSING = "closing"
    FOLK_GAMES = "folk-games"
    SPORTS = "sports"
    GIFT_GIVING = "gift-giving"
    ONLINE_BRIDGE = "online-bridge"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The Vietnamese name of the kind.

        >>> ActivityKind.FORUM.label
        'Diễn đàn "Công an xã lắng nghe ý kiến của Nhân dân"'
        """
        return _LABELS[self]

    @property
    def part(self) -> Part:
        """Whether the kind belongs to the ceremony or the festivities.

        >>> ActivityKind.FLAG_SALUTE.part
        <Part.LE: 'phần lễ'>
        """
        return Part.HOI if self in _FESTIVITIES else Part.LE


_LABELS = {
    ActivityKind.ASSEMBLY: "Tập trung, ổn định đội hình",
    ActivityKind.PARADE: "Diễu hành",
    ActivityKind.GUEST_RECEPTION: "Đón đại biểu",
    ActivityKind.PERFORMANCE: "Văn nghệ",
    ActivityKind.FLAG_SALUTE: "Chào cờ",
    ActivityKind.OPENING: "Tuyên bố lý do, giới thiệu đại biểu",
    ActivityKind.REPORT: "Báo cáo",
    ActivityKind.DISCUSSION: "Tham luận",
    ActivityKind.FORUM: 'Diễn đàn "Công an xã lắng nghe ý kiến của Nhân dân"',
    ActivityKind.AWARD_CEREMONY: "Công bố quyết định, trao khen thưởng",
    ActivityKind.SPEECH: "Phát biểu của đại biểu cấp trên",
    ActivityKind.RESPONSE: "Phát biểu tiếp thu",
    ActivityKind.PLEDGE: "Ký kết giao ước thi đua",
    ActivityKind.MODEL_LAUNCH: "Ra mắt mô hình",
    ActivityKind.CLOSING: "Bế mạc",
    ActivityKind.FOLK_GAMES: "Trò chơi dân gian",
    ActivityKind.SPORTS: "Thể dục thể thao",
    ActivityKind.GIFT_GIVING: "Tặng quà",
    ActivityKind.ONLINE_BRIDGE: "Điểm cầu trực tuyến",
    ActivityKind.OTHER: "Hoạt động khác",
}
_FESTIVITIES = {
    ActivityKind.ASSEMBLY,
    ActivityKind.PARADE,
    ActivityKind.FOLK_GAMES,
    ActivityKind.SPORTS,
}


def _valid_quantity(instance: Requirement, _attribute: attrs.Attribute[Any], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = Said(
            N_("requirement of '{resource}': quantity {value!r} must be a whole number >= 1"),
            resource=instance.resource,
            value=value,
        )
        raise invalid(instance, _attribute, msg, value)


@plain_repr
@attrs.frozen(repr=False)
class Requirement:
    """What an activity needs for its whole length.

    ``resource`` names a resource (a delegation, a pool such as the sound
    systems, a role) or a resource *group* ("any one of the delegations").
    A pool gives ``quantity`` of its units, the same units from start to end.

    >>> Requirement("doan").quantity
    1
    """

    resource: str = attrs.field(validator=valid_id)
    quantity: int = attrs.field(default=1, validator=_valid_quantity)


def _to_requirements(values: Any) -> tuple[Requirement, ...]:  # noqa: ANN401 - normalises user input
    if isinstance(values, str | Requirement):
        values = (values,)
    if isinstance(values, Mapping | set | frozenset) or not isinstance(values, Iterable):
        return cast("tuple[Requirement, ...]", values)  # the validator names it
    return tuple(_requirement(v) if isinstance(v, str) and not check_id(v) else v for v in values)


@functools.lru_cache(maxsize=4096)
def _requirement(resource: str) -> Requirement:
    # A requirement is immutable; plans name the same few resources thousands of times.
    return Requirement(resource)


def _valid_requirements(
    instance: Activity, _attribute: attrs.Attribute[Any], value: tuple[object, ...]
) -> None:
    if not isinstance(value, tuple):
        msg = Said(
            N_(
                "activity '{id}': needs {value!r} is not a list; give resource ids or "
                'Requirements, e.g. needs=["doan", Requirement("loa", 2)]'
            ),
            id=instance.id,
            value=value,
        )
        raise invalid(instance, _attribute, msg, value)
    seen: set[str] = set()
    for req in value:
        if isinstance(req, str):
            msg = Said(
                N_("activity '{id}': needs entry {req!r} {value}"),
                id=instance.id,
                req=req,
                value=check_id(req),
            )
            raise invalid(instance, _attribute, msg, value)
        if not isinstance(req, Requirement):
            msg = Said(
                N_("activity '{id}': needs entry {req!r} is not a resource id or a Requirement"),
                id=instance.id,
                req=req,
            )
            raise invalid(instance, _attribute, msg, value)
        if req.resource in seen:
            msg = Said(
                N_(
                    "activity '{id}': resource '{resource}' is needed twice; merge the two into "
                    "one Requirement with a quantity"
                ),
                id=instance.id,
                resource=req.resource,
            )
            raise invalid(instance, _attribute, msg, value)
        seen.add(req.resource)


def _valid_window(instance: Activity, _attribute: attrs.Attribute[Any], _value: object) -> None:
    start, end, fixed = instance.earliest_start, instance.latest_end, instance.fixed_start
    for value in (start, end, fixed):
        if value is not None and not isinstance(value, dt.datetime):
            return  # the field validator reports it
    if start is not None and end is not None and end - start < instance.duration:
        msg = Said(
            N_(
                "activity '{id}' ({title}): window {value} to {value2} is shorter than its "
                "duration of {minutes} min; widen the window or shorten it"
            ),
            id=instance.id,
            title=instance.title,
            value=start.isoformat(),
            value2=end.isoformat(),
            minutes=int(instance.duration.total_seconds() // 60),
        )
        raise invalid(instance, "latest_end", msg, end)
    if fixed is not None:
        if start is not None and fixed < start:
            msg = Said(
                N_(
                    "activity '{id}' ({title}): fixed_start {value} is before its earliest_start "
                    "{value2}; drop one of them"
                ),
                id=instance.id,
                title=instance.title,
                value=fixed.isoformat(),
                value2=start.isoformat(),
            )
            raise invalid(instance, "fixed_start", msg, fixed)
        if end is not None and fixed + instance.duration > end:
            msg = Said(
                N_(
                    "activity '{id}' ({title}): fixed_start {value} ends after its latest_end "
                    "{value2} (it lasts {minutes} min); drop one of them"
                ),
                id=instance.id,
                title=instance.title,
                value=fixed.isoformat(),
                value2=end.isoformat(),
                minutes=int(instance.duration.total_seconds() // 60),
            )
            raise invalid(instance, "fixed_start", msg, fixed)


def _activity_kind(value: ActivityKind | str) -> ActivityKind:
    return to_enum(ActivityKind, value)


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class Activity:
    """Something on the day, at one site, for one contiguous interval.

    Activities are never split: every resource in ``needs`` is held from the
    start to the end.

    Attributes:
        id: ASCII slug, unique in the festival (``"long-hoa.trao-thuong"``).
        kind: what it is.
        title: the Vietnamese title shown in calendars and run sheets.
        site: the id of the site it happens at.
        duration: how long it lasts (an int is minutes).
        earliest_start: start no earlier than this.
        latest_end: finish no later than this.
        fixed_start: must start at exactly this time.
        outdoor: whether it happens in the open (kept before the noon heat).
        needs: resources held for the whole activity.
        roles: ids of the roles or teams taking part (for run sheets and role calendars).
        lead: who leads it, in Vietnamese ("Công an xã, Đoàn Thanh niên").
        description: a longer text for calendars and run sheets.
        item: the key of the programme item it was stamped from, if any.
        moved_from: the site it was planned at, when the rain plan moved it
            to that site's covered ``fallback``.
    """

    id: str = attrs.field(validator=valid_id)
    kind: ActivityKind = attrs.field(converter=_activity_kind, validator=in_enum(ActivityKind))
    title: str = attrs.field(converter=to_text, validator=valid_text)
    site: str = attrs.field(validator=valid_id)
    duration: pendulum.Duration = attrs.field(
        converter=to_duration, validator=valid_positive_duration
    )
    earliest_start: pendulum.DateTime | None = attrs.field(
        default=None, converter=to_datetime, validator=valid_aware
    )
    latest_end: pendulum.DateTime | None = attrs.field(
        default=None, converter=to_datetime, validator=valid_aware
    )
    fixed_start: pendulum.DateTime | None = attrs.field(
        default=None, converter=to_datetime, validator=[valid_aware, _valid_window]
    )
    outdoor: bool = attrs.field(default=False, validator=valid_bool)
    needs: tuple[Requirement, ...] = attrs.field(
        default=(), converter=_to_requirements, validator=_valid_requirements
    )
    roles: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple, validator=valid_ids)
    lead: str | None = attrs.field(
        default=None, converter=to_optional_text, validator=valid_optional_text
    )
    description: str | None = attrs.field(
        default=None, converter=to_optional_text, validator=valid_optional_text
    )
    item: str | None = attrs.field(default=None, validator=valid_optional_id)
    moved_from: str | None = attrs.field(default=None, validator=valid_optional_id)


class DependencyType(enum.StrEnum):
    """How two activities are linked: which end of each the lag is measured between."""

    FS = "FS"
    SS = "SS"
    FF = "FF"
    SF = "SF"


def _valid_lags(instance: Dependency, _attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, dt.timedelta) or not isinstance(instance.min_lag, dt.timedelta):
        return
    if value < instance.min_lag:
        msg = Said(
            N_(
                "dependency {predecessor} -{type}-> {successor}: max_lag {minutes} min is below "
                "min_lag {minutes2} min; raise max_lag or lower min_lag"
            ),
            predecessor=instance.predecessor,
            type=instance.type,
            successor=instance.successor,
            minutes=int(value.total_seconds() // 60),
            minutes2=int(instance.min_lag.total_seconds() // 60),
        )
        raise invalid(instance, _attribute, msg, value)


def _valid_ends(instance: Dependency, _attribute: attrs.Attribute[Any], value: str) -> None:
    if value == instance.predecessor:
        msg = Said(
            N_(
                "dependency {value} -> {value}: an activity cannot depend on itself; remove the "
                "dependency or name another predecessor"
            ),
            value=value,
        )
        raise invalid(instance, _attribute, msg, value)


def _dependency_type(value: DependencyType | str) -> DependencyType:
    return to_enum(DependencyType, value)


@plain_repr
@attrs.frozen(repr=False)
class Dependency:
    """A temporal link from ``predecessor`` to ``successor``.

    With the type ``FS`` the successor starts at least ``min_lag`` (and at most
    ``max_lag``) after the predecessor finishes; ``SS``, ``FF`` and ``SF``
    measure between starts, finishes, or the predecessor's start and the
    successor's finish. Lags are minutes and may be negative.

    >>> Dependency("a", "b", DependencyType.SS, min_lag=-10).min_lag.in_minutes()
    -10
    """

    predecessor: str = attrs.field(validator=valid_id)
    successor: str = attrs.field(validator=[valid_id, _valid_ends])
    type: DependencyType = attrs.field(
        default=DependencyType.FS, converter=_dependency_type, validator=in_enum(DependencyType)
    )
    min_lag: pendulum.Duration = attrs.field(
        default=pendulum.duration(), kw_only=True, converter=to_duration, validator=valid_duration
    )
    max_lag: pendulum.Duration | None = attrs.field(
        default=None,
        kw_only=True,
        converter=to_optional_duration,
        validator=[valid_duration, _valid_lags],
    )

    def describe(self) -> str:
        """Say the link in words.

        >>> Dependency("a", "b", max_lag=5).describe()
        'b starts 0 to 5 min after a finishes'
        """
        lo = int(self.min_lag.total_seconds() // 60)
        gap = (
            f"{lo} min"
            if self.max_lag is None
            else f"{lo} to {int(self.max_lag.total_seconds() // 60)} min"
        )
        if self.max_lag is None:
            gap = f"at least {gap}"
        ends = {
            DependencyType.FS: ("starts", "finishes"),
            DependencyType.SS: ("starts", "starts"),
            DependencyType.FF: ("finishes", "finishes"),
            DependencyType.SF: ("finishes", "starts"),
        }[self.type]
        return f"{self.successor} {ends[0]} {gap} after {self.predecessor} {ends[1]}"


class SyncKind(enum.StrEnum):
    """How a group of activities across communes is synchronised.

    The values are the Vietnamese words, as for the other Vietnamese terms
    (:class:`UnitKind`, :class:`Part`, :class:`AwardForm`); the ASCII spellings
    of earlier plan files (``dong-loat``, ``diem-cau``) are still read.

    >>> SyncKind("dong-loat"), SyncKind("điểm cầu")
    (<SyncKind.SIMULTANEOUS: 'đồng loạt'>, <SyncKind.BRIDGE: 'điểm cầu'>)
    """

    SIMULTANEOUS = "đồng loạt"
    BRIDGE = "điểm cầu"

    @classmethod
    def _missing_(cls, value: object) -> SyncKind | None:
        """Read the ASCII spellings plan files used before the values were Vietnamese."""
        return {"dong-loat": cls.SIMULTANEOUS, "diem-cau": cls.BRIDGE}.get(str(value))


def _valid_members(
    instance: SyncGroup, _attribute: attrs.Attribute[Any], value: tuple[str, ...]
) -> None:
    if len(value) < 2:  # noqa: PLR2004
        msg = Said(
            N_(
                "sync group '{id}': activities has {count}, needs at least two; add the "
                "activities that start with it, or remove the group"
            ),
            id=instance.id,
            count=len(value),
        )
        raise invalid(instance, _attribute, msg, value)
    duplicates = sorted(a for a, n in collections.Counter(value).items() if n > 1)
    if duplicates:
        msg = Said(
            N_("sync group '{id}': activity '{value}' is listed twice; list it once"),
            id=instance.id,
            value=duplicates[0],
        )
        raise invalid(instance, _attribute, msg, value)
    if instance.hub is not None and instance.hub not in value:
        msg = Said(
            N_("sync group '{id}': hub '{hub}' must be one of its activities"),
            id=instance.id,
            hub=instance.hub,
        )
        raise invalid(instance, _attribute, msg, value)


def _sync_kind(value: SyncKind | str) -> SyncKind:
    return to_enum(SyncKind, value)


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class SyncGroup:
    """Activities in several communes that start at the same minute.

    A simultaneous start (đồng loạt, "all 17 parades at 06:45") or an online
    bridge (điểm cầu) whose ``hub`` activity links the others.

    >>> SyncGroup(id="dieu-hanh", title="Diễu hành đồng loạt", activities=("a.p", "b.p")).kind
    <SyncKind.SIMULTANEOUS: 'đồng loạt'>
    """

    id: str = attrs.field(validator=valid_id)
    title: str = attrs.field(converter=to_text, validator=valid_text)
    activities: tuple[str, ...] = attrs.field(
        converter=to_str_tuple, validator=[valid_ids, _valid_members]
    )
    kind: SyncKind = attrs.field(
        default=SyncKind.SIMULTANEOUS, converter=_sync_kind, validator=in_enum(SyncKind)
    )
    hub: str | None = attrs.field(default=None, validator=valid_optional_id)


def _valid_offset(instance: PrepTask, _attribute: attrs.Attribute[Any], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > 366:  # noqa: PLR2004
        msg = Said(
            N_(
                "prep task '{id}': offset_days {value!r} must be a whole number of days relative "
                "to the festival day, between -366 and 366 (e.g. -10 for T-10)"
            ),
            id=instance.id,
            value=value,
        )
        raise invalid(instance, _attribute, msg, value)


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class PrepTask:
    """Work before or after the day, due a number of days from it.

    Attributes:
        id: ASCII slug.
        title: the task in Vietnamese.
        offset_days: when it is due, relative to the festival's first day (T-10 is ``-10``).
        owner: the id of the role that owns it.
        deliverable: what it produces ("Kế hoạch", "Giấy mời", ...).
        unit: the commune it belongs to; ``None`` for the organiser's own tasks.
        after: ids of prep tasks that must be due no later than this one.
        due: a fixed due date, overriding ``offset_days``.

    >>> task = PrepTask(id="x.giay-moi", title="Gửi giấy mời", offset_days=-10, owner="ubnd-xa")
    >>> task.offset_days
    -10
    """

    id: str = attrs.field(validator=valid_id)
    title: str = attrs.field(converter=to_text, validator=valid_text)
    offset_days: int = attrs.field(validator=_valid_offset)
    owner: str = attrs.field(validator=valid_id)
    deliverable: str | None = attrs.field(
        default=None, converter=to_optional_text, validator=valid_optional_text
    )
    unit: str | None = attrs.field(default=None, validator=valid_optional_id)
    after: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple, validator=valid_ids)
    due: pendulum.Date | None = attrs.field(
        default=None,
        converter=to_optional_date,
        validator=valid_date,
    )
