"""Templates: the standard programme, the preparation cascade, the usual roles.

``plan_day`` stamps all of them onto many communes in one call:

>>> import pendulum
>>> from ngayhoi import data
>>> day = pendulum.date(2023, 8, 6)
>>> fest = plan_day(id="can-duoc-2023", name="Ngày hội toàn dân bảo vệ ANTQ năm 2023",
...                 day=day, communes=data.can_duoc_communes(day))
>>> len(fest.hosts()), len(fest.activities), len(fest.prep_tasks)
(17, 238, 155)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import attrs

from ngayhoi.errors import UnknownReferenceError
from ngayhoi.model import (
    Award,
    Dependency,
    Festival,
    Requirement,
    Resource,
    Site,
    TravelTimes,
    Unit,
)
from ngayhoi.templates.events import (
    EventParts,
    commendation_meeting,
    pilot_day,
    review_conference,
)
from ngayhoi.templates.overrides import Override
from ngayhoi.templates.preparation import (
    COMMUNE_STEPS,
    ORGANISER_STEPS,
    PrepStep,
    preparation_cascade,
)
from ngayhoi.templates.programme import (
    STANDARD_ITEMS,
    Programme,
    ProgrammeItem,
    Stamped,
    stamp_programme,
    standard_programme,
)
from ngayhoi.templates.roles import ROLE_NAMES, standard_roles

__all__ = [
    "COMMUNE_STEPS",
    "ORGANISER_STEPS",
    "ROLE_NAMES",
    "STANDARD_ITEMS",
    "EventParts",
    "Override",
    "PrepStep",
    "Programme",
    "ProgrammeItem",
    "Stamped",
    "commendation_meeting",
    "default_site",
    "pilot_day",
    "plan_day",
    "preparation_cascade",
    "review_conference",
    "stamp_programme",
    "standard_programme",
    "standard_roles",
]


def default_site(unit: Unit) -> Site:
    """The usual venue of a commune: the hall of its People's Committee.

    >>> from ngayhoi.model import Unit
    >>> unit = Unit(id="long-hoa", name="Long Hòa", official_name="Xã Long Hòa", kind="xã")
    >>> default_site(unit).name
    'Hội trường UBND xã Long Hòa'
    """
    return Site(id=unit.id, name=f"Hội trường UBND {unit.kind.value} {unit.name}", unit=unit.id)


def plan_day(
    *,
    id: str,  # noqa: A002 - the festival's id, named as in the record
    name: str,
    day: dt.date,
    communes: Sequence[Unit],
    sites: Sequence[Site] | None = None,
    programme: Programme | Mapping[str, Programme] | None = None,
    at: dt.time | Mapping[str, dt.time] = dt.time(6, 30),
    anchor: str | None = None,
    simultaneous: bool = True,
    organiser: str | None = None,
    campaign: tuple[dt.date, dt.date] | None = None,
    other_units: Sequence[Unit] = (),
    resources: Sequence[Resource] = (),
    dependencies: Sequence[Dependency] = (),
    awards: Sequence[Award] = (),
    travel: TravelTimes | None = None,
    preparation: bool = True,
    needs: Mapping[str, Sequence[Requirement]] | None = None,
) -> Festival:
    """A whole festival day: the programme at every site, roles and the preparation cascade.

    Args:
        id: the festival's id (part of every calendar UID).
        name: its Vietnamese name.
        day: the festival day.
        communes: the hosting units; each must be valid on ``day``.
        sites: the venues; default one :func:`default_site` per commune.
        programme: default :func:`standard_programme`; or one per site id
            (sites not named get the standard programme).
        at: when the anchor item starts (one time, or one per site id).
        anchor: the programme item fixed at ``at``; default the parade.
        simultaneous: whether the anchors start together in one sync group.
        organiser: who organises, in Vietnamese.
        campaign: the campaign window the day must fall in.
        other_units: more units the plan refers to (parents, say).
        resources: delegations and pools; the standard roles are added.
        dependencies: more dependencies, e.g. across communes.
        awards: awards presented at the ceremonies.
        travel: travel times between sites.
        preparation: whether to add the preparation cascade.
        needs: resources to add to stamped activities, by activity id
            (``{"long-hoa.trao-thuong": [Requirement("doan")]}``).

    >>> import pendulum
    >>> from ngayhoi import data
    >>> day = pendulum.date(2025, 8, 10)
    >>> fest = plan_day(id="x", name="Ngày hội", day=day, communes=data.can_duoc_communes(day))
    >>> len(fest.hosts()), fest.activity("rach-kien.dieu-hanh").fixed_start.format("HH:mm")
    (6, '06:30')
    """
    venues = list(sites) if sites is not None else [default_site(u) for u in communes]
    hosted = {u.id for u in communes}
    stages = [v for v in venues if v.unit in hosted]
    if isinstance(programme, Mapping):
        per_site = {v.id: programme.get(v.id) or standard_programme() for v in stages}
    else:
        per_site = {v.id: programme or standard_programme() for v in stages}
    stamped = stamp_programme(
        per_site, stages, day=day, at=at, anchor=anchor, simultaneous=simultaneous
    )
    activities = list(stamped.activities)
    if needs:
        known = {a.id for a in activities}
        for aid in needs:
            if aid not in known:
                raise UnknownReferenceError(
                    item_kind="plan_day", item_id=id, ref_kind="activity", ref=aid, valid=known
                )
        activities = [
            attrs.evolve(a, needs=(*a.needs, *needs[a.id])) if a.id in needs else a
            for a in activities
        ]
    roles = [r for r in standard_roles() if r.id not in {x.id for x in resources}]
    prep = preparation_cascade([u.id for u in communes]) if preparation else ()
    return Festival(
        id=id,
        name=name,
        days=(day,),
        campaign=campaign,
        organiser=organiser,
        units=(*communes, *other_units),
        sites=venues,
        activities=activities,
        dependencies=(*stamped.dependencies, *dependencies),
        resources=(*roles, *resources),
        sync_groups=stamped.sync_groups,
        prep_tasks=prep,
        awards=awards,
        travel=travel or TravelTimes(),
    )
