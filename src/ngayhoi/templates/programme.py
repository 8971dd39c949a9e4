"""The standard programme of the day, and stamping it onto many sites at once.

The order follows the Gia Lai 2025 provincial plan and the Cần Đước 2023
reports (DOMAIN.md §2.1); no source gives minute durations, so the defaults
and ranges are the planning defaults of DOMAIN.md §2.2 and are configurable.

>>> prog = standard_programme()
>>> [item.key for item in prog.enabled()][:4]
['tap-trung', 'dieu-hanh', 'don-dai-bieu', 'van-nghe']
>>> prog.total_minutes()
267
>>> standard_programme(forum=False).total_minutes()
237
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from ngayhoi._records import plain_repr
from ngayhoi.errors import PlanError, Said, UnknownReferenceError
from ngayhoi.i18n import N_
from ngayhoi.model import (
    Activity,
    ActivityKind,
    Dependency,
    Site,
    SyncGroup,
    SyncKind,
)
from ngayhoi.model._fields import (
    to_str_tuple,
    to_text,
    valid_id,
    valid_ids,
    valid_text,
)

__all__ = [
    "STANDARD_ITEMS",
    "Programme",
    "ProgrammeItem",
    "Stamped",
    "stamp_programme",
    "standard_programme",
]


def _valid_minutes(instance: ProgrammeItem, attribute: attrs.Attribute[Any], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = Said(
            N_(
                "programme item '{key}': {name} {value!r} must be a whole number of minutes, at "
                "least 1 (no quotes)"
            ),
            key=instance.key,
            name=attribute.name,
            value=value,
        )
        raise PlanError(msg)


def _valid_gap(instance: ProgrammeItem, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = Said(
            N_("programme item '{key}': {name} {value!r} must be minutes >= 0"),
            key=instance.key,
            name=attribute.name,
            value=value,
        )
        raise PlanError(msg)
    if attribute.name == "max_gap" and value < instance.gap:
        msg = Said(
            N_(
                "programme item '{key}': max_gap {value} min is below its gap {gap} min; raise "
                "max_gap"
            ),
            key=instance.key,
            value=value,
            gap=instance.gap,
        )
        raise PlanError(msg)


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class ProgrammeItem:
    """One item of the programme, before it is stamped onto a site.

    Attributes:
        key: ASCII slug, the last part of the stamped activity's id.
        kind: what it is.
        title: the Vietnamese title.
        minutes: its default length.
        low: the shortest usual length (DOMAIN.md §2.2).
        high: the longest usual length.
        optional: whether the programme may leave it out.
        enabled: whether it is in the programme.
        outdoor: whether it happens in the open.
        lead: who leads it, in Vietnamese.
        roles: role ids taking part.
        gap: minutes after the previous item ends before this one starts.
        max_gap: the most the gap may grow when the schedule needs room
            (a delegation arriving later, say); ``None`` keeps it exactly ``gap``.
        movable: whether ``move`` may usefully put it elsewhere in the day (the
            festivities before or after the ceremony, DOMAIN.md §2.1).
    """

    key: str = attrs.field(validator=valid_id)
    kind: ActivityKind = attrs.field(converter=ActivityKind)
    title: str = attrs.field(converter=to_text, validator=valid_text)
    minutes: int = attrs.field(validator=_valid_minutes)
    low: int = attrs.field(validator=_valid_minutes)
    high: int = attrs.field(validator=_valid_minutes)
    optional: bool = False
    enabled: bool = True
    outdoor: bool = False
    lead: str = attrs.field(converter=to_text, validator=valid_text)
    roles: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple, validator=valid_ids)
    gap: int = attrs.field(default=0, validator=_valid_gap)
    max_gap: int | None = attrs.field(default=None, validator=_valid_gap)
    movable: bool = False


def _item(  # noqa: PLR0917 - a row of the table above, read positionally
    key: str,
    kind: ActivityKind,
    title: str,
    minutes: int,
    span: tuple[int, int],
    lead: str,
    roles: tuple[str, ...],
    **options: Any,  # noqa: ANN401 - forwarded to the record, which checks them
) -> ProgrammeItem:
    return ProgrammeItem(
        key=key,
        kind=kind,
        title=title,
        minutes=minutes,
        low=span[0],
        high=span[1],
        lead=lead,
        roles=roles,
        **options,
    )


K = ActivityKind
#: The items of DOMAIN.md §2.2 in programme order, with the default lengths.
STANDARD_ITEMS: tuple[ProgrammeItem, ...] = (
    _item("tap-trung", K.ASSEMBLY, "Tập trung, ổn định đội hình", 15, (15, 30),
          "Công an xã, Đoàn Thanh niên", ("cong-an-xa", "doan-thanh-nien"), outdoor=True),
    _item("dieu-hanh", K.PARADE, "Diễu hành trên các tuyến đường chính của ấp", 30, (20, 60),
          "Công an xã, Tổ bảo vệ ANTT, Đoàn Thanh niên",
          ("cong-an-xa", "to-bao-ve-antt", "doan-thanh-nien"), optional=True, outdoor=True),
    _item("don-dai-bieu", K.GUEST_RECEPTION, "Đón đại biểu", 15, (10, 30),
          "Văn phòng UBND xã", ("van-phong-ubnd",), gap=15, max_gap=90),
    _item("van-nghe", K.PERFORMANCE, "Văn nghệ chào mừng", 10, (5, 20),
          "Đoàn Thanh niên, Hội LHPN, đội văn nghệ ấp", ("doan-thanh-nien", "hoi-lhpn", "van-nghe"),
          optional=True, movable=True),
    _item("chao-co", K.FLAG_SALUTE, "Lễ chào cờ", 5, (3, 5), "MC, Ban tổ chức",
          ("mc", "ban-to-chuc")),
    _item("tuyen-bo-ly-do", K.OPENING,
          "Tuyên bố lý do, giới thiệu đại biểu, thông qua chương trình", 7, (5, 10),
          "MC (cán bộ MTTQ hoặc văn hóa xã)", ("mc",)),
    _item("bao-cao", K.REPORT, "Báo cáo đánh giá kết quả 01 năm phong trào toàn dân bảo vệ ANTQ",
          15, (10, 25), "Trưởng Công an xã hoặc Phó Trưởng BCĐ 138 xã", ("cong-an-xa",)),
    _item("tham-luan", K.DISCUSSION, "Tham luận, trao đổi kinh nghiệm", 10, (5, 20),
          "Đại diện các ấp, đoàn thể", ("mttq-xa",), optional=True, enabled=False, movable=True),
    _item("dien-dan", K.FORUM, 'Diễn đàn "Công an xã lắng nghe ý kiến của Nhân dân"', 30, (15, 60),
          "Ủy ban MTTQ Việt Nam xã và Công an xã", ("mttq-xa", "cong-an-xa"),
          optional=True, movable=True),
    _item("trao-thuong", K.AWARD_CEREMONY, "Công bố quyết định và trao khen thưởng", 15, (10, 30),
          "UBND xã; đại biểu cấp trên", ("ubnd-xa", "dai-bieu-cap-tren")),
    _item("phat-bieu-chi-dao", K.SPEECH, "Phát biểu chỉ đạo, tặng quà của đại biểu cấp trên", 10,
          (5, 15), "Đại biểu cấp trên", ("dai-bieu-cap-tren",)),
    _item("phat-bieu-tiep-thu", K.RESPONSE, "Phát biểu tiếp thu", 5, (3, 7),
          "Chủ tịch UBND xã, Trưởng BCĐ 138 xã", ("ubnd-xa",)),
    _item("giao-uoc", K.PLEDGE, "Ký kết giao ước thi đua", 7, (5, 10),
          "Trưởng các ấp, đoàn thể", ("mttq-xa",), optional=True),
    _item("ra-mat-mo-hinh", K.MODEL_LAUNCH, "Ra mắt mô hình", 7, (5, 10), "Công an xã",
          ("cong-an-xa",), optional=True, enabled=False),
    _item("be-mac", K.CLOSING, "Bế mạc", 3, (2, 5), "MC", ("mc",)),
    _item("tro-choi", K.FOLK_GAMES, "Trò chơi dân gian", 75, (45, 120),
          "Đoàn Thanh niên, Hội LHPN, Hội CCB", ("doan-thanh-nien", "hoi-lhpn"),
          optional=True, outdoor=True, gap=10, max_gap=60, movable=True),
)  # fmt: skip


def _to_items(values: Iterable[ProgrammeItem]) -> tuple[ProgrammeItem, ...]:
    return tuple(values)


def _valid_items(
    _instance: Programme, _attribute: attrs.Attribute[Any], value: tuple[ProgrammeItem, ...]
) -> None:
    keys = [i.key for i in value]
    for key in keys:
        if keys.count(key) > 1:
            msg = Said(
                N_("programme: item '{key}' appears twice; give each item its own key"), key=key
            )
            raise PlanError(msg)
    if not any(i.enabled for i in value):
        msg = Said(N_("programme: no item is enabled; enable at least one"))
        raise PlanError(msg)


@plain_repr
@attrs.frozen(repr=False)
class Programme:
    """An ordered programme; the enabled items run one after another at one site.

    >>> standard_programme().durations(bao_cao=20).item("bao-cao").minutes
    20
    """

    items: tuple[ProgrammeItem, ...] = attrs.field(converter=_to_items, validator=_valid_items)

    def enabled(self) -> tuple[ProgrammeItem, ...]:
        """The items in the programme, in order."""
        return tuple(i for i in self.items if i.enabled)

    def item(self, key: str) -> ProgrammeItem:
        """The item with this key."""
        for candidate in self.items:
            if candidate.key == key:
                return candidate
        raise UnknownReferenceError(
            item_kind="programme",
            item_id="programme",
            ref_kind="item",
            ref=key,
            valid=[i.key for i in self.items],
        )

    def total_minutes(self) -> int:
        """Minutes from the first item's start to the last one's end, at the default gaps."""
        enabled = self.enabled()
        return sum(i.minutes for i in enabled) + sum(i.gap for i in enabled[1:])

    def durations(self, **minutes: int) -> Programme:
        """A copy with some items' lengths changed; keys use ``_`` for ``-``.

        An item outside its usual range is allowed (the range is advice).
        """
        changed = {key.replace("_", "-"): value for key, value in minutes.items()}
        for key in changed:
            self.item(key)
        return Programme(
            [attrs.evolve(i, minutes=changed[i.key]) if i.key in changed else i for i in self.items]
        )

    def switch(self, **enabled: bool) -> Programme:
        """A copy with optional items switched on or off; keys use ``_`` for ``-``.

        Raises:
            PlanError: if a required item is switched off.
        """
        changed = {key.replace("_", "-"): value for key, value in enabled.items()}
        for key, on in changed.items():
            item = self.item(key)
            if not on and not item.optional:
                msg = Said(
                    N_("programme: item '{key}' ({title}) is required and cannot be switched off"),
                    key=key,
                    title=item.title,
                )
                raise PlanError(msg)
        return Programme(
            [attrs.evolve(i, enabled=changed[i.key]) if i.key in changed else i for i in self.items]
        )

    def move(self, key: str, *, after: str, gap: int | None = None) -> Programme:
        """A copy with item ``key`` moved to follow item ``after`` (optionally with a new gap).

        >>> games_first = standard_programme().move("tro-choi", after="dieu-hanh", gap=10)
        >>> [i.key for i in games_first.enabled()][:4]
        ['tap-trung', 'dieu-hanh', 'tro-choi', 'don-dai-bieu']
        """
        item = self.item(key)
        self.item(after)
        if gap is not None and (isinstance(gap, bool) or not isinstance(gap, int)):
            raise PlanError(
                kind="programme item",
                item=key,
                field="gap",
                value=gap,
                expected="a whole number of minutes, e.g. gap = 10",
            )
        if gap is not None:
            item = attrs.evolve(item, gap=gap, max_gap=max(gap, item.max_gap or gap))
        rest = Programme([i for i in self.items if i.key != key]) if len(self.items) > 1 else self
        return rest.insert(item, after=after)

    def gaps(self, **changes: tuple[int, int | None]) -> Programme:
        """A copy with some items' ``(gap, max_gap)`` changed; keys use ``_`` for ``-``.

        >>> standard_programme().gaps(don_dai_bieu=(15, 120)).item("don-dai-bieu").max_gap
        120
        """
        changed = {key.replace("_", "-"): value for key, value in changes.items()}
        for key in changed:
            self.item(key)
        return Programme(
            [
                attrs.evolve(i, gap=changed[i.key][0], max_gap=changed[i.key][1])
                if i.key in changed
                else i
                for i in self.items
            ]
        )

    def insert(self, item: ProgrammeItem, *, after: str) -> Programme:
        """A copy with ``item`` inserted after the item with key ``after``."""
        self.item(after)
        out: list[ProgrammeItem] = []
        for existing in self.items:
            out.append(existing)
            if existing.key == after:
                out.append(item)
        return Programme(out)


def standard_programme(
    *,
    parade: bool = True,
    performance: bool = True,
    forum: bool = True,
    discussion: bool = False,
    pledge: bool = True,
    model_launch: bool = False,
    folk_games: bool = True,
) -> Programme:
    """The standard programme of DOMAIN.md §2.2 with the optional items chosen.

    >>> [i.key for i in standard_programme(parade=False, folk_games=False).enabled()][-2:]
    ['giao-uoc', 'be-mac']
    """
    return Programme(STANDARD_ITEMS).switch(
        dieu_hanh=parade,
        van_nghe=performance,
        dien_dan=forum,
        tham_luan=discussion,
        giao_uoc=pledge,
        ra_mat_mo_hinh=model_launch,
        tro_choi=folk_games,
    )


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class Stamped:
    """What stamping a programme onto sites produced, ready to put in a :class:`Festival`."""

    activities: tuple[Activity, ...]
    dependencies: tuple[Dependency, ...]
    sync_groups: tuple[SyncGroup, ...]

    def activity_id(self, site_id: str, key: str) -> str:
        """The id of the activity stamped from item ``key`` at ``site_id``."""
        return f"{site_id}.{key}"


def stamp_programme(
    programme: Programme | Mapping[str, Programme],
    sites: Sequence[Site],
    *,
    day: dt.date,
    timezone: str = "Asia/Ho_Chi_Minh",
    anchor: str | None = None,
    at: dt.time | Mapping[str, dt.time] = dt.time(6, 30),
    simultaneous: bool = True,
    sync_title: str | None = None,
) -> Stamped:
    """Stamp the programme onto every site: one call for 17 communes.

    Each site gets one activity per enabled item of its programme (one for all,
    or one per site id), with the id
    ``"<site id>.<item key>"``, chained finish-to-start with each item's gap.
    The ``anchor`` item (default: the parade if enabled, else the first item)
    is fixed to start at ``at`` (one time for all, or a time per site id); an
    item before it ends exactly when the anchor starts. With ``simultaneous``,
    the anchors of all sites form one synchronisation group (đồng loạt).

    >>> import pendulum
    >>> from ngayhoi.model import Site
    >>> sites = [Site(id=f"s{i}", name=f"Sân {i}", unit=f"u{i}") for i in (1, 2)]
    >>> out = stamp_programme(standard_programme(), sites, day=pendulum.date(2023, 8, 6),
    ...                       at=dt.time(6, 45))
    >>> len(out.activities), out.sync_groups[0].activities
    (28, ('s1.dieu-hanh', 's2.dieu-hanh'))
    >>> out.activities[1].fixed_start.isoformat()
    '2023-08-06T06:45:00+07:00'
    """
    import pendulum  # noqa: PLC0415 - kept local: templates are the only users here

    activities: list[Activity] = []
    dependencies: list[Dependency] = []
    anchors: list[str] = []
    titles: list[str] = []
    for site in sites:
        prog = programme[site.id] if isinstance(programme, Mapping) else programme
        items = prog.enabled()
        keys = [i.key for i in items]
        key = anchor or ("dieu-hanh" if "dieu-hanh" in keys else keys[0])
        if key not in keys:
            raise UnknownReferenceError(
                item_kind="stamp", item_id=site.id, ref_kind="enabled item", ref=key, valid=keys
            )
        position = keys.index(key)
        titles.append(items[position].title)
        when = at[site.id] if isinstance(at, Mapping) else at
        fixed = pendulum.datetime(day.year, day.month, day.day, when.hour, when.minute, tz=timezone)
        previous: str | None = None
        for index, item in enumerate(items):
            ident = f"{site.id}.{item.key}"
            activities.append(
                Activity(
                    id=ident,
                    kind=item.kind,
                    title=item.title,
                    site=site.id,
                    duration=item.minutes,
                    fixed_start=fixed if index == position else None,
                    outdoor=item.outdoor,
                    roles=item.roles,
                    lead=item.lead,
                    item=item.key,
                )
            )
            if previous is not None:
                # Items before the anchor end exactly when the next one starts, so
                # they are pulled to the anchor instead of the start of the day.
                tight = index <= position
                gap = item.gap
                dependencies.append(
                    Dependency(
                        previous,
                        ident,
                        min_lag=gap,
                        max_lag=gap if tight or item.max_gap is None else item.max_gap,
                    )
                )
            previous = ident
        anchors.append(f"{site.id}.{key}")
    groups: tuple[SyncGroup, ...] = ()
    if simultaneous and len(anchors) > 1:
        title = sync_title or f"{titles[0]} (đồng loạt)"
        groups = (
            SyncGroup(
                id=f"dong-loat.{anchors[0].split('.')[-1]}",
                title=title,
                activities=anchors,
                kind=SyncKind.SIMULTANEOUS,
            ),
        )
    return Stamped(
        activities=tuple(activities), dependencies=tuple(dependencies), sync_groups=groups
    )
