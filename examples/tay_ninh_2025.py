"""After the 2025 reform: the 6 xã of Tỉnh Tây Ninh that replaced Cần Đước's 17 units.

Since 1/7/2025 there is no district: Huyện Cần Đước's 17 units became 6 xã of
Tỉnh Tây Ninh (Nghị quyết 1682/NQ-UBTVQH15; DOMAIN.md §9). Festivals now run
per hamlet or per former commune area inside the big new communes (Ia Pa,
Đông Thọ 2025; DOMAIN.md §9.1), so each xã holds 2–4 points over one weekend,
Saturday 9 and Sunday 10 August 2025. Before them, on a weekday (Thursday
7/8/2025), the province holds its pilot day (điểm): the full festival at one
chosen commune, Xã Rạch Kiến, which the provincial delegation attends from the
introduction of guests to its guidance speech (``templates.pilot_day``; DOMAIN.md
§7). Three provincial working groups attend
the formal part at one visited point each a morning.

Points are the former communes' areas, named after hamlets seen in public
addresses where there is one (DOMAIN.md §11); times, travel and coordinates
are illustrative.

Run::

    python examples/tay_ninh_2025.py --out out/tay-ninh-2025
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import pendulum

import ngayhoi
from ngayhoi import data, templates
from ngayhoi.export.text import itineraries
from ngayhoi.model import (
    Activity,
    Dependency,
    Festival,
    Requirement,
    Resource,
    ResourceKind,
    Site,
    SyncGroup,
    TravelTimes,
)
from ngayhoi.text import vietnamese_date

SATURDAY = pendulum.date(2025, 8, 9)
SUNDAY = pendulum.date(2025, 8, 10)
PILOT = pendulum.date(2025, 8, 7)
TZ = "Asia/Ho_Chi_Minh"

#: Hamlet names seen in public addresses, by former commune (DOMAIN.md §11).
HAMLETS = {
    "can-duoc": "khu phố 1A",
    "long-trach": "ấp Long Thanh",
    "long-cang": "ấp 3",
    "tan-trach": "ấp 2",
    "my-le": "ấp Chợ Trạm",
    "tan-lan": "ấp Xóm Chùa",
    "phuoc-tuy": "Ấp 1",
    "long-huu-dong": "ấp Cầu Ngang",
}


def _points(communes: list[ngayhoi.Unit]) -> tuple[list[Site], dict[str, dt.date]]:
    """One point per former commune area: 2–4 per new xã, alternating Saturday and Sunday."""
    sites = []
    day_of: dict[str, dt.date] = {}
    for commune in communes:
        for k, old in enumerate(data.predecessors(commune)):
            hamlet = HAMLETS.get(old.id)
            venue = f"Nhà văn hóa {hamlet}" if hamlet else f"Hội trường khu vực {old.name}"
            site = Site(
                id=f"{commune.id}.{old.id}",
                name=venue,
                unit=commune.id,
                hamlet=hamlet or f"khu vực {old.name}",
                address=f"{commune.official_name}, tỉnh Tây Ninh",
            )
            sites.append(site)
            day_of[site.id] = SATURDAY if k % 2 == 0 else SUNDAY
    return sites, day_of


#: Points a provincial working group visits. A group stays from the introduction
#: of guests to the end of its own speech (77 minutes with the forum), so with the
#: outdoor items done by 11:00 and 20 minutes between communes it attends one
#: ceremony a morning: the province sends three groups, one to each visited point
#: of the day ("phân công thành viên tham dự", DOMAIN.md §4.1).
VISITED_PROGRAMME = templates.standard_programme()

#: The province's working groups, taken as "any one of" the group ``doan-tinh``.
GROUPS = tuple(
    Resource(
        id=f"doan-tinh-{k}",
        name=f"Đoàn công tác tỉnh số {k}",
        kind=ResourceKind.DELEGATION,
        group="doan-tinh",
        members=members,
    )
    for k, members in (
        (1, ("Phó Giám đốc Công an tỉnh", "Thành viên BCĐ 138 tỉnh")),
        (2, ("Phó Chủ tịch Ủy ban MTTQ tỉnh", "Thành viên BCĐ 138 tỉnh")),
        (3, ("Trưởng phòng PV05 Công an tỉnh", "Thành viên BCĐ 138 tỉnh")),
    )
)


def weekend() -> Festival:
    """The communes' weekend: every point runs the standard programme on its day."""
    communes = list(data.can_duoc_communes(SUNDAY))
    sites, day_of = _points(communes)
    # One visited point per commune, on alternate days: three a day, one per working group.
    visited: set[str] = set()
    for n, commune in enumerate(communes):
        want = SATURDAY if n % 2 == 0 else SUNDAY
        visited.add(next(s.id for s in sites if s.unit == commune.id and day_of[s.id] == want))
    programmes = {
        s.id: VISITED_PROGRAMME if s.id in visited else templates.standard_programme()
        for s in sites
    }
    activities: list[Activity] = []
    dependencies: list[Dependency] = []
    groups: list[SyncGroup] = []
    for day in (SATURDAY, SUNDAY):
        todays = [s for s in sites if day_of[s.id] == day]
        stamped = templates.stamp_programme(
            programmes,
            todays,
            day=day,
            at=dt.time(6, 30),
            sync_title=f"Diễu hành đồng loạt {day.format('DD/MM')}",
        )
        activities += stamped.activities
        dependencies += stamped.dependencies
        groups += [
            SyncGroup(id=f"{g.id}.{day.isoformat()}", title=g.title, activities=g.activities)
            for g in stamped.sync_groups
        ]
    awards = {f"{sid}.trao-thuong" for sid in visited}
    activities = [a if a.id not in awards else _with_delegation(a) for a in activities]
    return Festival(
        id="tay-ninh-2025-cum-can-duoc",
        name="Ngày hội toàn dân bảo vệ an ninh Tổ quốc năm 2025 – cụm xã Cần Đước cũ",
        days=[SATURDAY, SUNDAY],
        campaign=(pendulum.date(2025, 7, 1), pendulum.date(2025, 8, 19)),
        organiser="Ban Chỉ đạo 138 tỉnh Tây Ninh",
        units=[*communes, data.unit_on("tinh-tay-ninh", SUNDAY)],
        sites=sites,
        activities=activities,
        dependencies=dependencies,
        sync_groups=groups,
        resources=[
            *templates.standard_roles(),
            *GROUPS,
        ],
        prep_tasks=templates.preparation_cascade([c.id for c in communes]),
        # No road data in the sources: 20 minutes between points of different communes,
        # 10 inside one (a default, plus the pairs that are closer).
        travel=TravelTimes(
            default=20,
            minutes={
                (a.id, b.id): 10 for a in sites for b in sites if a.unit == b.unit and a.id < b.id
            },
        ),
    )


def _with_delegation(activity: Activity) -> Activity:
    import attrs  # noqa: PLC0415 - only here

    return attrs.evolve(activity, needs=[Requirement("doan-tinh")])


#: The commune the province chose for its pilot day (illustrative; the sources name
#: xã Chà Là for Tây Ninh on 13/8/2024 and xã Phước Lý for Long An on 8/8/2024).
PILOT_COMMUNE = "rach-kien"


def pilot_day() -> Festival:
    """The provincial pilot day: the full programme at one commune, the province attending.

    A điểm is a festival at one chosen commune that provincial leaders attend
    (DOMAIN.md src 36, 78; domain review §1.5), not an online conference.
    """
    communes = list(data.can_duoc_communes(PILOT))
    commune = next(c for c in communes if c.id == PILOT_COMMUNE)
    province = data.unit_on("tinh-tay-ninh", PILOT)
    site = Site(
        id=f"{commune.id}.diem",
        name="Sân Nhà văn hóa ấp Long Thanh",
        unit=commune.id,
        hamlet="ấp Long Thanh",
        address=f"{commune.official_name}, tỉnh Tây Ninh",
    )
    parts = templates.pilot_day(site, commune=commune, organiser=province, day=PILOT)
    return Festival(
        id="tay-ninh-2025-diem-tinh",
        name=parts.title,
        days=[PILOT],
        campaign=(pendulum.date(2025, 7, 1), pendulum.date(2025, 8, 19)),
        organiser="Ban Chỉ đạo 138 tỉnh Tây Ninh",
        units=[province, commune],
        sites=[site],
        activities=parts.activities,
        dependencies=parts.dependencies,
        resources=[*templates.standard_roles(), *parts.resources],
        prep_tasks=templates.preparation_cascade([commune.id], organiser=False),
    )


def main(argv: list[str] | None = None) -> int:
    """Schedule both, write their calendars, print the weekend and the bridge."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("out/tay-ninh-2025"))
    args = parser.parse_args(argv)
    try:
        fest = weekend()
        sched = ngayhoi.schedule(fest).unwrap()
        pilot = ngayhoi.schedule(pilot_day()).unwrap()
        ngayhoi.export.export_calendars(sched, args.out / "cuoi-tuan")
        ngayhoi.export.export_calendars(pilot, args.out / "diem-tinh")
    except ngayhoi.NgayhoiError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1 if isinstance(err, ngayhoi.InfeasibleError) else 2
    print(fest.name)
    for day in fest.days:
        print(f"\n{vietnamese_date(day)}:")
        for site in fest.sites:
            slots = sched.at_site(site.id)
            if not slots or slots[0].start.date() != day:
                continue
            award = next(s for s in slots if s.activity.endswith(".trao-thuong"))
            print(
                f"  {slots[0].start.format('HH:mm')}–{slots[-1].end.format('HH:mm')}  "
                f"{fest.unit(site.unit).official_name} – {site.name} "
                f"(trao thưởng {award.start.format('HH:mm')})"
            )
    print()
    print(itineraries(sched))
    slots = sorted(pilot.values(), key=lambda s: s.start)
    print(
        f"\n{pilot.festival.name}: {vietnamese_date(PILOT)}, "
        f"từ {slots[0].start.format('HH:mm')} đến {slots[-1].end.format('HH:mm')}"
    )
    print(itineraries(pilot))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
