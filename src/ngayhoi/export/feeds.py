"""Feed selection: which events each calendar shows and what it is called.

The master (every event), one feed per hosting commune, per delegation, per
named person (``[[people]]``), per role across every host and per role in
one host (:func:`standard_feeds`).
A feed lists UIDs from :func:`~ngayhoi.export.events.calendar_events`; names
start with who the feed is for and end with the :func:`edition`.

>>> import ngayhoi
>>> [f.id for f in standard_feeds(ngayhoi.schedule(ngayhoi.samples.tiny_festival()))]
['master', 'commune-x']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

import attrs

from ngayhoi._records import plain_repr
from ngayhoi.errors import ExportError, PlanError, Said
from ngayhoi.export.events import CalendarEvent, _itinerary_uids, activity_uid, calendar_events
from ngayhoi.i18n import N_
from ngayhoi.model import (
    Festival,
    Resource,
    ResourceKind,
    Unit,
    UnitKind,
)
from ngayhoi.model.festival import iter_roles
from ngayhoi.scheduling.result import Leg, Schedule, Slot
from ngayhoi.templates.roles import ROLE_NAMES
from ngayhoi.templates.terms import Terms, role_wording, terms_for

__all__ = [
    "Feed",
    "commune_feeds",
    "commune_role_feeds",
    "delegation_feeds",
    "edition",
    "feed_ids",
    "master_feed",
    "person_feeds",
    "role_feeds",
    "standard_feeds",
]


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class Feed:
    """One calendar file: which events it shows and what it is called.

    Attributes:
        id: ASCII slug; the file is ``<id>.ics``.
        name: the calendar's name, in Vietnamese.
        description: a sentence saying whose calendar it is.
        uids: the UIDs of its events, in order.
        kind: ``"master"``, ``"commune"``, ``"delegation"``, ``"role"`` (a role
            across every host), ``"commune-role"`` (a role in one host) or ``"person"``.
        subject: the id of the unit, delegation or role it is for.
        label: who it is for, short ("Long Hòa – MC"), as the plan writes it: the
            name is it and the festival's :func:`edition`, with commas, semicolons
            and backslashes kept out
            (``None`` for a feed read back from an export state, which keeps the name).
    """

    id: str
    name: str
    description: str
    uids: tuple[str, ...]
    kind: str
    subject: str | None = None
    label: str | None = attrs.field(default=None, eq=False)

    @property
    def filename(self) -> str:
        """The file name of the feed."""
        return f"{self.id}.ics"

    @property
    def who(self) -> str:
        """Who the feed is for, as a notice names them: the label, else the whole name."""
        return self.label or self.name


def _safe_name(text: str) -> str:
    # icalendar neither escapes nor unescapes NAME/X-WR-CALNAME/X-WR-CALDESC
    # (ICAL_INTEROP.md §3.3): keep , ; \ out of them.
    cleaned = text.replace(";", " –").replace(",", " –").replace("\\", "/")
    return unicodedata.normalize("NFC", " ".join(cleaned.split()))


def edition(festival: Festival) -> str:
    """The short name every calendar name ends with: ``Ngày hội`` and the year of the day.

    Calendar lists cut long names short, so each feed's name starts with what
    tells it apart ("Long Hòa – MC") and ends with this; the festival's full
    name is in the calendar's description.

    >>> import ngayhoi
    >>> edition(ngayhoi.samples.tiny_festival())
    'Ngày hội 2023'
    """
    return f"Ngày hội {festival.days[0].year}" if festival.days else "Ngày hội"


def _named(label: str, festival: Festival) -> str:
    return _safe_name(f"{label} – {edition(festival)}")


def _described(text: str, festival: Festival) -> str:
    return _safe_name(f"{text} – {festival.name}")


def _unit_terms(festival: Festival, unit: Unit) -> Terms | None:
    if not festival.days:
        return None
    try:
        return terms_for(unit.kind, festival.days[0])
    except PlanError:
        return None  # not a commune, district or province kind: the plan's words stay


def _role_name(festival: Festival, role: Resource, unit: Unit | None) -> str:
    """A role's name, short, in the unit's words ("Công an thị trấn" in a thị trấn).

    A standard role keeps the plan's name unless the plan left the default; a
    name ending in an abbreviation in brackets is shortened to it
    ("Người dẫn chương trình (MC)" → "MC").
    """
    name = role.name
    if unit is not None and ROLE_NAMES.get(role.id) == name:
        terms = _unit_terms(festival, unit)
        if terms is not None:
            name = role_wording(role.id, terms) or name
    short = _ABBREVIATION.match(name)
    return short.group(1) if short else name


_ABBREVIATION = re.compile(r"^.+\(([^()]{1,12})\)$")


def _all_hosts(festival: Festival) -> str:
    """Every host, in the hosts' own words: "các xã và thị trấn", "các phường"."""
    kinds = sorted({u.kind for u in festival.hosts()}, key=list(UnitKind).index)
    words = []
    for kind in kinds:
        try:
            words.append(terms_for(kind, festival.days[0]).word)
        except (PlanError, IndexError):
            words.append(kind.value)
    # "và", not a comma: calendar names keep commas out (ICAL_INTEROP.md §3.3).
    return f"các {' và '.join(words)}" if words else "mọi điểm"


def master_feed(schedule: Schedule, events: Mapping[str, CalendarEvent] | None = None) -> Feed:
    """The organiser's calendar: every event of the festival.

    >>> import ngayhoi
    >>> feed = master_feed(ngayhoi.schedule(ngayhoi.samples.tiny_festival()))
    >>> feed.filename, feed.name
    ('master.ics', 'Tổng hợp – Ngày hội 2023')
    """
    fest = schedule.festival
    uids = tuple(calendar_events(schedule) if events is None else events)
    return Feed(
        id="master",
        name=_named("Tổng hợp", fest),
        description=_described(
            f"Lịch tổng hợp của {fest.organiser or 'Ban tổ chức'}: mọi điểm tổ chức và mọi đoàn",
            fest,
        ),
        uids=uids,
        kind="master",
        label="Tổng hợp",
    )


def commune_feeds(
    schedule: Schedule, events: Mapping[str, CalendarEvent] | None = None
) -> list[Feed]:
    """One calendar per hosting unit: its activities, its tasks, and the visits it receives.

    >>> import ngayhoi
    >>> [(f.id, f.name) for f in commune_feeds(ngayhoi.schedule(ngayhoi.samples.tiny_festival()))]
    [('commune-x', 'Xã Long Hòa – Ngày hội 2023')]
    """
    fest = schedule.festival
    if events is None:
        events = calendar_events(schedule)
    tasks: dict[str | None, list[str]] = {}
    for task in fest.prep_tasks:
        tasks.setdefault(task.unit, []).append(activity_uid(fest, task.id))
    feeds = []
    for unit in fest.hosts():
        uids = [activity_uid(fest, s.activity) for s in schedule.for_unit(unit.id)]
        uids += tasks.get(unit.id, ())
        feeds.append(
            Feed(
                id=f"commune-{unit.id}",
                name=_named(unit.official_name, fest),
                description=_described(f"Chương trình Ngày hội tại {unit.official_name}", fest),
                uids=tuple(u for u in uids if u in events),
                kind="commune",
                subject=unit.id,
                label=unit.official_name,
            )
        )
    return feeds


def delegation_feeds(
    schedule: Schedule, events: Mapping[str, CalendarEvent] | None = None
) -> list[Feed]:
    """One calendar per delegation: each visit and the travel between visits.

    >>> import ngayhoi
    >>> sched = ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation())
    >>> [(f.id, len(f.uids), f.name) for f in delegation_feeds(sched)]
    [('delegation-doan-1', 3, 'Đoàn 1 – Ngày hội 2023')]
    """
    fest = schedule.festival
    if events is None:
        events = calendar_events(schedule)
    feeds = []
    for resource in schedule.delegations():
        uids = [uid for _, uid in _itinerary_uids(schedule, resource.id)]
        feeds.append(
            Feed(
                id=f"delegation-{resource.id}",
                name=_named(resource.name, fest),
                description=_described(
                    f"Lịch trình của {resource.name}: các điểm dự và di chuyển", fest
                ),
                uids=tuple(u for u in uids if u in events),
                kind="delegation",
                subject=resource.id,
                label=resource.name,
            )
        )
    return feeds


def person_feeds(
    schedule: Schedule, events: Mapping[str, CalendarEvent] | None = None
) -> list[Feed]:
    """One calendar per named person (``[[people]]``): where they have to be, in order.

    A person's feed shows the items they hold in the schedule (those they
    lead, those they stand in for as a deputy, those the plan gives them),
    their delegation's visits and drives, and the preparation tasks they own.
    The events are the same as everywhere (one UID per event); the feed's id
    is ``person-<id>`` and its name starts with the person's name. A person
    with nothing to attend has no feed.

    >>> import datetime as dt, ngayhoi
    >>> from ngayhoi.cli import init_text
    >>> plan = ngayhoi.io.loads(init_text(communes=1, day=dt.date(2025, 8, 10)) + '''
    ... [[people]]
    ... id = "ct-can-duoc"
    ... name = "Chủ tịch UBND xã Cần Đước"
    ... unit = "can-duoc"
    ... leads = ["phat-bieu-tiep-thu"]
    ... ''')
    >>> [(f.id, f.name, len(f.uids)) for f in person_feeds(ngayhoi.schedule(plan))]
    [('person-ct-can-duoc', 'Chủ tịch UBND xã Cần Đước – Ngày hội 2025', 1)]
    """
    fest = schedule.festival
    if events is None:
        events = calendar_events(schedule)
    owned: dict[str, list[str]] = {}
    for task in fest.prep_tasks:
        owned.setdefault(task.owner, []).append(activity_uid(fest, task.id))
    feeds = []
    for person in fest.resources:
        if person.kind is not ResourceKind.PERSON:
            continue
        parts: dict[str, Slot | Leg] = {
            activity_uid(fest, s.activity): s for s in schedule.for_resource(person.id)
        }
        with_team = ""
        if person.delegation is not None:
            team = fest.resource(person.delegation)
            with_team = f" (đi cùng {team.name})"
            parts.update({uid: part for part, uid in _itinerary_uids(schedule, team.id)})
        # In the order of the day: a visit of the delegation and an item the person
        # leads are one list; ties by UID, so the order is the plan's, not the input's.
        uids = sorted(parts, key=lambda uid: (*_span(parts[uid]), uid))
        uids += owned.get(person.id, ())
        uids = [u for u in uids if u in events]
        if not uids:
            continue
        feeds.append(
            Feed(
                id=f"person-{person.id}",
                name=_named(person.name, fest),
                description=_described(
                    f"Lịch của {person.name}{with_team}: các việc phụ trách và các điểm dự", fest
                ),
                uids=tuple(uids),
                kind="person",
                subject=person.id,
                label=person.name,
            )
        )
    return feeds


def _span(part: Slot | Leg) -> tuple[object, object]:
    if isinstance(part, Slot):
        return part.start, part.end
    return part.depart, part.arrive


def role_feeds(schedule: Schedule) -> list[Feed]:
    """One calendar per role or team across every host: what it takes part in, what it owns.

    >>> import pendulum, ngayhoi
    >>> day = pendulum.date(2023, 8, 6)
    >>> fest = ngayhoi.templates.plan_day(id="f", name="F", day=day,
    ...                                   communes=ngayhoi.data.can_duoc_communes(day)[:2])
    >>> feeds = {f.id: f for f in role_feeds(ngayhoi.schedule(fest))}
    >>> feeds["role-mc"].name
    'MC – các xã và thị trấn – Ngày hội 2023'
    """
    fest = schedule.festival
    owned: dict[str, list[str]] = {}
    for task in fest.prep_tasks:
        owned.setdefault(task.owner, []).append(activity_uid(fest, task.id))
    everywhere = _all_hosts(fest)
    feeds = []
    for role in iter_roles(fest):
        uids = [activity_uid(fest, s.activity) for s in schedule.for_resource(role.id)]
        uids += owned.get(role.id, ())
        if not uids:
            continue
        label = f"{_role_name(fest, role, None)} – {everywhere}"
        feeds.append(
            Feed(
                id=f"role-{role.id}",
                name=_named(label, fest),
                description=_described(f"Các việc của {role.name} tại {everywhere}", fest),
                uids=tuple(uids),
                kind="role",
                subject=role.id,
                label=label,
            )
        )
    return feeds


def commune_role_feeds(schedule: Schedule) -> list[Feed]:
    """One calendar per role or team in each host: its part of that commune's day.

    The MC of Long Hòa subscribes to ``role-mc.long-hoa`` (Long Hòa's items
    that need the MC, and the tasks the MC owns there), not to every commune's
    flag salute at once. The feed's id is ``role-<role>.<unit>``.

    >>> import pendulum, ngayhoi
    >>> day = pendulum.date(2023, 8, 6)
    >>> fest = ngayhoi.templates.plan_day(id="f", name="F", day=day,
    ...                                   communes=ngayhoi.data.can_duoc_communes(day)[:2])
    >>> feeds = {f.id: f for f in commune_role_feeds(ngayhoi.schedule(fest))}
    >>> feeds["role-mc.long-trach"].name
    'Long Trạch – MC – Ngày hội 2023'
    >>> feeds["role-cong-an-xa.can-duoc"].name
    'Cần Đước – Công an thị trấn – Ngày hội 2023'
    """
    fest = schedule.festival
    owned: dict[tuple[str, str], list[str]] = {}
    for task in fest.prep_tasks:
        if task.unit is not None:
            owned.setdefault((task.owner, task.unit), []).append(activity_uid(fest, task.id))
    roles = list(iter_roles(fest))
    feeds = []
    for unit in fest.hosts():
        here = {s.activity for s in schedule.for_unit(unit.id)}
        for role in roles:
            uids = [
                activity_uid(fest, s.activity)
                for s in schedule.for_resource(role.id)
                if s.activity in here
            ]
            uids += owned.get((role.id, unit.id), ())
            if not uids:
                continue
            label = f"{unit.name} – {_role_name(fest, role, unit)}"
            where = unit.official_name
            feeds.append(
                Feed(
                    id=f"role-{role.id}.{unit.id}",
                    name=_named(label, fest),
                    description=_described(
                        f"Các việc của {_role_name(fest, role, unit)} tại {where}", fest
                    ),
                    uids=tuple(uids),
                    kind="commune-role",
                    subject=role.id,
                    label=label,
                )
            )
    return feeds


def standard_feeds(
    schedule: Schedule,
    *,
    roles: bool = True,
    events: Mapping[str, CalendarEvent] | None = None,
    commune_roles: bool = False,
    people: bool = True,
) -> list[Feed]:
    """The master, one feed per commune, per delegation and per person, and per role.

    With ``people``, each named person (``[[people]]``) has a feed
    (:func:`person_feeds`). With ``roles``, each role has a feed across every
    host (:func:`role_feeds`) and, with ``commune_roles`` too, one per host
    (:func:`commune_role_feeds`: about 11 more files per commune with the
    standard roles, so they are asked for).

    >>> import ngayhoi
    >>> [f.kind for f in standard_feeds(ngayhoi.schedule(ngayhoi.samples.tiny_festival()))]
    ['master', 'commune']
    """
    if events is None:
        events = calendar_events(schedule)
    feeds = [
        master_feed(schedule, events),
        *commune_feeds(schedule, events),
        *delegation_feeds(schedule, events),
    ]
    if people:
        feeds += person_feeds(schedule, events)
    if roles:
        feeds += role_feeds(schedule)
        if commune_roles:
            feeds += commune_role_feeds(schedule)
    return feeds


def feed_ids(feeds: Iterable[Feed]) -> Sequence[str]:
    """The ids of some feeds, checking they are unique (they become file names)."""
    ids = [f.id for f in feeds]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        msg = Said(
            N_("two feeds share the id '{value}'; give the delegation, person or role another id"),
            value=dupes[0],
        )
        raise ExportError(msg)
    return ids
