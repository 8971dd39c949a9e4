"""Other events: the pilot day, the online review conference, the commendation meeting.

* **Ngày hội điểm** (the pilot day): the full festival programme at one chosen
  commune, which the provincial (or district) delegation attends from the
  introduction of guests to its own guidance speech. In the sources a điểm is a
  festival at one commune (Tây Ninh 13/8/2024 at xã Chà Là, Long An 8/8/2024 at
  xã Phước Lý; DOMAIN.md src 36, 78), not an online conference (domain review §1.5).
* **Hội nghị tổng kết trực tuyến** (the online review conference, seed 003): a hub
  (điểm cầu tỉnh) and bridge points (điểm cầu huyện, xã), each with who presides
  and its own agenda, every item starting with the hub's (``diem-cau`` sync
  groups), and a connection check at every point the day before.
* **Hội nghị biểu dương** (the commendation meeting, seed 004): one hall, the
  report on a period, the models' testimonies, the commendations, the speech.

>>> import datetime as dt
>>> from ngayhoi.model import Site
>>> hub = Site(id="tinh", name="Hội trường UBND tỉnh", unit="tinh-x")
>>> points = [Site(id=f"h{k}", name=f"Hội trường UBND huyện {k}", unit=f"h{k}") for k in (1, 2)]
>>> parts = review_conference(hub, points, day=dt.date(2023, 2, 8), at=dt.time(14, 0))
>>> parts.activities[0].title
'Kiểm tra kết nối, ổn định điểm cầu'
>>> len(parts.sync_groups), parts.prep_tasks[0].due.isoformat()
(8, '2023-02-07')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import attrs
import pendulum

from ngayhoi._records import plain_repr
from ngayhoi.errors import PlanError, Said
from ngayhoi.i18n import N_
from ngayhoi.model import (
    Activity,
    ActivityKind,
    Dependency,
    PrepTask,
    Requirement,
    Resource,
    ResourceKind,
    Site,
    SyncGroup,
    SyncKind,
    Unit,
)
from ngayhoi.templates.programme import Programme, stamp_programme, standard_programme
from ngayhoi.templates.terms import terms_for
from ngayhoi.text import slugify

__all__ = [
    "COMMENDATION_AGENDA",
    "REVIEW_AGENDA",
    "AgendaItem",
    "EventParts",
    "commendation_meeting",
    "pilot_day",
    "pilot_name",
    "review_conference",
]

K = ActivityKind


@plain_repr
@attrs.frozen(repr=False)
class AgendaItem:
    """One item of a conference's agenda: key, kind, title, minutes, who carries it out."""

    key: str
    kind: ActivityKind
    title: str
    minutes: int
    lead: str


#: The online review conference (seed 003: Lạng Sơn, 8/2/2023), in order.
REVIEW_AGENDA: tuple[AgendaItem, ...] = (
    AgendaItem("ket-noi", K.ONLINE_BRIDGE, "Kiểm tra kết nối, ổn định điểm cầu", 15,
               "Cán bộ kỹ thuật tại các điểm cầu"),
    AgendaItem("khai-mac", K.OPENING, "Tuyên bố lý do, giới thiệu đại biểu dự tại các điểm cầu",
               5, "Người dẫn chương trình"),
    AgendaItem("bao-cao", K.REPORT, "Báo cáo tổng kết công tác xây dựng phong trào Toàn dân bảo "
               "vệ an ninh Tổ quốc năm {last} và phương hướng, nhiệm vụ năm {year}", 20,
               "Thường trực Ban Chỉ đạo 138"),
    AgendaItem("tham-luan", K.DISCUSSION, "Tham luận, trao đổi kinh nghiệm tại các điểm cầu", 30,
               "Đại biểu các điểm cầu"),
    AgendaItem("khen-thuong", K.AWARD_CEREMONY, "Công bố quyết định và trao khen thưởng", 15,
               "Lãnh đạo chủ trì hội nghị"),
    AgendaItem("chi-dao", K.SPEECH, "Phát biểu chỉ đạo của đồng chí chủ trì hội nghị", 15,
               "Đồng chí chủ trì hội nghị"),
    AgendaItem("tiep-thu", K.RESPONSE, "Phát biểu tiếp thu ý kiến chỉ đạo", 5,
               "Thường trực Ban Chỉ đạo 138"),
    AgendaItem("be-mac", K.CLOSING, "Bế mạc hội nghị", 3, "Người dẫn chương trình"),
)  # fmt: skip

#: The commendation meeting (seed 004: 7/8/2024), in order.
COMMENDATION_AGENDA: tuple[AgendaItem, ...] = (
    AgendaItem("don-dai-bieu", K.GUEST_RECEPTION, "Đón tiếp đại biểu, ổn định chỗ ngồi", 15,
               "Văn phòng Ban Chỉ đạo 138"),
    AgendaItem("van-nghe", K.PERFORMANCE, "Văn nghệ chào mừng", 10, "Đội văn nghệ"),
    AgendaItem("khai-mac", K.OPENING, "Tuyên bố lý do, giới thiệu đại biểu", 5,
               "Người dẫn chương trình"),
    AgendaItem("bao-cao", K.REPORT, "Báo cáo kết quả phong trào Toàn dân bảo vệ an ninh Tổ quốc "
               "giai đoạn {period}", 20, "Thường trực Ban Chỉ đạo 138"),
    AgendaItem("tham-luan", K.DISCUSSION, "Tham luận của các điển hình tiên tiến", 30,
               "Đại diện các điển hình tiên tiến"),
    AgendaItem("bieu-duong", K.AWARD_CEREMONY,
               "Công bố quyết định, biểu dương và khen thưởng các điển hình tiên tiến", 20,
               "Lãnh đạo chủ trì hội nghị"),
    AgendaItem("chi-dao", K.SPEECH, "Phát biểu chỉ đạo của đồng chí chủ trì hội nghị", 15,
               "Đồng chí chủ trì hội nghị"),
    AgendaItem("be-mac", K.CLOSING, "Bế mạc hội nghị", 3, "Người dẫn chương trình"),
)  # fmt: skip


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class EventParts:
    """What an event template made, ready to add to a :class:`~ngayhoi.model.Festival`."""

    title: str
    activities: tuple[Activity, ...]
    dependencies: tuple[Dependency, ...] = ()
    sync_groups: tuple[SyncGroup, ...] = ()
    prep_tasks: tuple[PrepTask, ...] = ()
    resources: tuple[Resource, ...] = ()


def _start(day: dt.date, at: dt.time, timezone: str) -> pendulum.DateTime:
    return pendulum.datetime(day.year, day.month, day.day, at.hour, at.minute, tz=timezone)


def _agenda_at(
    site: Site,
    agenda: Sequence[AgendaItem],
    *,
    prefix: str,
    start: pendulum.DateTime,
    presides: str,
    words: Mapping[str, object],
    remote: bool,
) -> tuple[list[Activity], list[Dependency]]:
    activities: list[Activity] = []
    dependencies: list[Dependency] = []
    chair = "Chủ trì tại điểm cầu" if remote else "Chủ trì"
    for k, item in enumerate(agenda):
        ident = f"{site.id}.{prefix}.{item.key}"
        lead = item.lead
        if item.key in {"khen-thuong", "chi-dao", "bieu-duong"} and not remote:
            lead = presides
        activities.append(
            Activity(
                id=ident,
                kind=item.kind,
                title=item.title.format(**words),
                site=site.id,
                duration=item.minutes,
                fixed_start=start if k == 0 else None,
                lead=lead,
                # Who presides is said once, on the first item of the point's agenda.
                description=None if k else f"{chair}: {presides}",
                item=f"{prefix}.{item.key}",
            )
        )
        if k:
            previous = activities[-2].id
            dependencies.append(Dependency(previous, ident, min_lag=0, max_lag=0))
    return activities, dependencies


def review_conference(
    hub: Site,
    points: Sequence[Site],
    *,
    day: dt.date,
    at: dt.time = dt.time(14, 0),
    timezone: str = "Asia/Ho_Chi_Minh",
    presides: str = "Chủ tịch UBND tỉnh, Trưởng Ban Chỉ đạo 138 tỉnh",
    point_presides: Mapping[str, str] | None = None,
    prefix: str = "tong-ket",
    owner: str = "ban-to-chuc",
) -> EventParts:
    """The online review conference: the agenda at the hub and at every bridge point.

    Every item at a point starts with the hub's (one ``diem-cau`` sync group per
    item); each point has who presides there (``point_presides`` by site id,
    default "Lãnh đạo UBND <the point's unit>") and a connection check the day
    before (a prep task per point, due that day).

    Raises:
        PlanError: if there is no bridge point or a point is the hub.

    >>> import datetime as dt
    >>> from ngayhoi.model import Site
    >>> hub = Site(id="tinh", name="Hội trường UBND tỉnh", unit="tinh-x")
    >>> parts = review_conference(hub, [Site(id="h1", name="Hội trường", unit="h1")],
    ...                           day=dt.date(2023, 2, 8),
    ...                           point_presides={"h1": "Chủ tịch UBND huyện"})
    >>> parts.title.startswith("Hội nghị tổng kết"), parts.title[-40:]
    (True, 'năm 2022 và triển khai nhiệm vụ năm 2023')
    >>> [a.description for a in parts.activities if a.site == "h1"][0]
    'Chủ trì tại điểm cầu: Chủ tịch UBND huyện'
    """
    if not points:
        msg = Said(
            N_("review conference at '{id}': no bridge point (điểm cầu); give at least one"),
            id=hub.id,
        )
        raise PlanError(msg)
    if any(p.id == hub.id for p in points):
        msg = Said(
            N_("review conference: the hub '{id}' is also a bridge point; list it once"), id=hub.id
        )
        raise PlanError(msg)
    words = {"year": day.year, "last": day.year - 1}
    title = (
        "Hội nghị tổng kết công tác xây dựng phong trào Toàn dân bảo vệ an ninh Tổ quốc "
        f"năm {day.year - 1} và triển khai nhiệm vụ năm {day.year}"
    )
    start = _start(day, at, timezone)
    chairs = dict(point_presides or {})
    activities, dependencies = _agenda_at(
        hub, REVIEW_AGENDA, prefix=prefix, start=start, presides=presides, words=words,
        remote=False,
    )  # fmt: skip
    for point in points:
        chair = chairs.get(point.id, f"Lãnh đạo UBND {point.unit}")
        mine, links = _agenda_at(
            point, REVIEW_AGENDA, prefix=prefix, start=start, presides=chair, words=words,
            remote=True,
        )  # fmt: skip
        activities += mine
        dependencies += links
    groups = tuple(
        SyncGroup(
            id=f"{prefix}.diem-cau.{item.key}",
            title=f"Kết nối trực tuyến từ {hub.name}",
            kind=SyncKind.BRIDGE,
            hub=f"{hub.id}.{prefix}.{item.key}",
            activities=[f"{s.id}.{prefix}.{item.key}" for s in (hub, *points)],
        )
        for item in REVIEW_AGENDA
    )
    checks = tuple(
        PrepTask(
            id=f"{site.id}.{prefix}.kiem-tra-ket-noi",
            title=f"Kiểm tra kết nối, chạy thử đường truyền tại {site.name}",
            offset_days=-1,
            owner=owner,
            deliverable="Biên bản kiểm tra đường truyền",
            unit=site.unit,
            due=pendulum.Date(day.year, day.month, day.day).subtract(days=1),
        )
        for site in (hub, *points)
    )
    return EventParts(
        title=title,
        activities=tuple(activities),
        dependencies=tuple(dependencies),
        sync_groups=groups,
        prep_tasks=checks,
    )


def commendation_meeting(
    site: Site,
    *,
    day: dt.date,
    period: str,
    at: dt.time = dt.time(8, 0),
    timezone: str = "Asia/Ho_Chi_Minh",
    presides: str = "Phó Chủ tịch UBND tỉnh, Trưởng Ban Chỉ đạo 138 tỉnh",
    prefix: str = "bieu-duong",
) -> EventParts:
    """The commendation meeting (hội nghị biểu dương) for a period, at one hall.

    >>> import datetime as dt
    >>> from ngayhoi.model import Site
    >>> parts = commendation_meeting(Site(id="t", name="Hội trường", unit="tinh-x"),
    ...                              day=dt.date(2024, 8, 7), period="2019–2024")
    >>> parts.title.startswith("Hội nghị biểu dương điển hình"), parts.title[-19:]
    (True, 'giai đoạn 2019–2024')
    >>> parts.activities[3].title
    'Báo cáo kết quả phong trào Toàn dân bảo vệ an ninh Tổ quốc giai đoạn 2019–2024'
    """
    title = (
        "Hội nghị biểu dương điển hình tiên tiến trong phong trào Toàn dân bảo vệ an ninh "
        f"Tổ quốc giai đoạn {period}"
    )
    activities, dependencies = _agenda_at(
        site, COMMENDATION_AGENDA, prefix=prefix, start=_start(day, at, timezone),
        presides=presides, words={"period": period}, remote=False,
    )  # fmt: skip
    return EventParts(title=title, activities=tuple(activities), dependencies=tuple(dependencies))


def pilot_name(commune: Unit, organiser: Unit, day: dt.date) -> str:
    """The pilot day's name, as the domain review corrects it (§2).

    >>> import datetime as dt
    >>> from ngayhoi.model import Unit
    >>> rk = Unit(id="rk", name="Rạch Kiến", official_name="Xã Rạch Kiến", kind="xã")
    >>> tn = Unit(id="tn", name="Tây Ninh", official_name="Tỉnh Tây Ninh", kind="tỉnh")
    >>> pilot_name(rk, tn, dt.date(2025, 8, 7))
    'Ngày hội toàn dân bảo vệ an ninh Tổ quốc điểm cấp tỉnh năm 2025 tại xã Rạch Kiến'
    """
    level = terms_for(organiser.kind, day).word
    local = terms_for(commune.kind, day).local_name(commune.official_name)[0]
    return f"Ngày hội toàn dân bảo vệ an ninh Tổ quốc điểm cấp {level} năm {day.year} tại {local}"


def pilot_day(
    site: Site,
    *,
    commune: Unit,
    organiser: Unit,
    day: dt.date,
    at: dt.time = dt.time(6, 45),
    timezone: str = "Asia/Ho_Chi_Minh",
    programme: Programme | None = None,
    delegation: Resource | None = None,
) -> EventParts:
    """The pilot day: the full programme at one commune, the organiser's delegation attending.

    The delegation (default "Đoàn công tác Ban Chỉ đạo 138 <organiser>") is needed
    by the award ceremony; the festival's attendance span then holds it from the
    introduction of guests to its guidance speech, which its leader gives.

    >>> import datetime as dt
    >>> from ngayhoi.model import Site, Unit
    >>> rk = Unit(id="rk", name="Rạch Kiến", official_name="Xã Rạch Kiến", kind="xã")
    >>> tn = Unit(id="tn", name="Tây Ninh", official_name="Tỉnh Tây Ninh", kind="tỉnh")
    >>> parts = pilot_day(Site(id="rk", name="Sân UBND xã", unit="rk"), commune=rk, organiser=tn,
    ...                   day=dt.date(2025, 8, 7))
    >>> parts.resources[0].name
    'Đoàn công tác Ban Chỉ đạo 138 tỉnh Tây Ninh'
    >>> next(a.lead for a in parts.activities if a.item == "phat-bieu-chi-dao")
    'Lãnh đạo tỉnh Tây Ninh, Trưởng đoàn công tác Ban Chỉ đạo 138 tỉnh'
    """
    if site.unit != commune.id:
        msg = Said(
            N_("pilot day: site '{id}' belongs to '{unit}', not to '{id2}'"),
            id=site.id,
            unit=site.unit,
            id2=commune.id,
        )
        raise PlanError(msg)
    words = terms_for(organiser.kind, day)
    place = words.local_name(organiser.official_name)[0]
    group = delegation or Resource(
        id=f"doan-{slugify(words.word, strip_kind=False)}-diem",
        name=f"Đoàn công tác {words.steering} {organiser.name}",
        kind=ResourceKind.DELEGATION,
        members=(f"Lãnh đạo {place}", f"Thành viên {words.steering}"),
    )
    stamped = stamp_programme(
        programme or standard_programme(), [site], day=day, timezone=timezone, at=at,
        simultaneous=False,
    )  # fmt: skip
    speech = f"Lãnh đạo {place}, Trưởng đoàn công tác {words.steering}"
    activities = []
    for act in stamped.activities:
        if act.item == "trao-thuong":
            act = attrs.evolve(act, needs=(*act.needs, Requirement(group.id)))  # noqa: PLW2901
        if act.item == "phat-bieu-chi-dao":
            act = attrs.evolve(  # noqa: PLW2901
                act, title=f"Lãnh đạo {place} phát biểu chỉ đạo, tặng quà", lead=speech
            )
        activities.append(act)
    return EventParts(
        title=pilot_name(commune, organiser, day),
        activities=tuple(activities),
        dependencies=stamped.dependencies,
        resources=(group,),
    )
