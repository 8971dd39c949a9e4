"""The 2023 Cần Đước day: all 17 units of the district on Sunday 6/8/2023.

On that Sunday the steering committees of the 16 xã and 1 thị trấn of Huyện
Cần Đước (Long An) held the Ngày hội toàn dân bảo vệ an ninh Tổ quốc at the
same time, with the forum "Công an xã lắng nghe ý kiến của Nhân dân"
(LA34, 07/08/2023; DOMAIN.md §2.1, §13). Parades start together at 06:45;
each unit then runs the standard ceremony, the forum, the awards and the folk
games at its own venue. Three district delegations drive between communes to
attend award ceremonies.

Venue names use hamlets seen in public addresses (DOMAIN.md §11); award
recipients, coordinates and travel times are illustrative, not real data.

Run::

    python examples/can_duoc_2023.py --out out/can-duoc-2023
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import pendulum

import ngayhoi
from ngayhoi import data, templates
from ngayhoi.export.text import day_table, itineraries
from ngayhoi.model import (
    Award,
    AwardForm,
    Issuer,
    Requirement,
    Resource,
    ResourceKind,
    Site,
    TravelTimes,
)
from ngayhoi.text import vietnamese_date

DAY = pendulum.date(2023, 8, 6)
PARADE = dt.time(6, 45)

#: A venue per unit: (venue, hamlet) where a public address names one (DOMAIN.md §11).
VENUES: dict[str, tuple[str, str | None]] = {
    "can-duoc": ("Hội trường UBND thị trấn Cần Đước", "khu phố 1A"),
    "long-trach": ("Nhà văn hóa ấp Long Thanh", "ấp Long Thanh"),
    "long-khe": ("Hội trường UBND xã Long Khê", None),
    "long-dinh": ("Hội trường UBND xã Long Định", None),
    "phuoc-van": ("Sân UBND xã Phước Vân", None),
    "long-hoa": ("Hội trường UBND xã Long Hòa", None),
    "long-cang": ("Nhà văn hóa ấp 3", "ấp 3"),
    "long-son": ("Hội trường UBND xã Long Sơn", None),
    "tan-trach": ("Nhà văn hóa ấp 2", "ấp 2"),
    "my-le": ("Nhà văn hóa ấp Chợ Trạm", "ấp Chợ Trạm"),
    "tan-lan": ("Nhà văn hóa ấp Xóm Chùa", "ấp Xóm Chùa"),
    "phuoc-tuy": ("Nhà văn hóa Ấp 1", "Ấp 1"),
    "long-huu-dong": ("Nhà văn hóa ấp Cầu Ngang", "ấp Cầu Ngang"),
    "tan-an": ("Hội trường UBND xã Tân Ân", None),
    "phuoc-dong": ("Hội trường UBND xã Phước Đông", None),
    "long-huu-tay": ("Hội trường UBND xã Long Hựu Tây", None),
    "tan-chanh": ("Hội trường UBND xã Tân Chánh", None),
}

#: Illustrative coordinates (the district is about 218 km² around 10.54°N, 106.61°E;
#: no public source gives venue coordinates, DOMAIN.md §15).
COORDINATES: dict[str, tuple[float, float]] = {
    "can-duoc": (10.5068, 106.6058),
    "long-trach": (10.5920, 106.5560),
    "long-khe": (10.5790, 106.5380),
    "long-dinh": (10.5460, 106.5520),
    "phuoc-van": (10.5550, 106.5280),
    "long-hoa": (10.5690, 106.5750),
    "long-cang": (10.5300, 106.5390),
    "long-son": (10.5380, 106.5880),
    "tan-trach": (10.5230, 106.6020),
    "my-le": (10.5150, 106.6260),
    "tan-lan": (10.4880, 106.6410),
    "phuoc-tuy": (10.4930, 106.5920),
    "long-huu-dong": (10.4380, 106.7150),
    "tan-an": (10.4750, 106.6600),
    "phuoc-dong": (10.4660, 106.6240),
    "long-huu-tay": (10.4450, 106.6870),
    "tan-chanh": (10.4820, 106.6150),
}

#: The district office: where the delegations set out from (DOMAIN.md §11: Số 01 Trần Phú,
#: khu phố 1A, thị trấn Cần Đước).
HOME = Site(
    id="ubnd-huyen",
    name="Trụ sở UBND huyện Cần Đước",
    unit="huyen-can-duoc",
    address="Số 01 Trần Phú, khu phố 1A, thị trấn Cần Đước",
    lat=10.5075,
    lon=106.6030,
)

#: Three delegations of the district steering committee (BCĐ 138 huyện), each
#: sent to attend award ceremonies (DOMAIN.md §4.1: "phân công thành viên tham dự").
DELEGATIONS = [
    Resource(
        id=f"doan-{k}",
        name=f"Đoàn {k} BCĐ 138 huyện",
        kind=ResourceKind.DELEGATION,
        group="doan-huyen",
        home=HOME.id,
        members=members,
    )
    for k, members in (
        (1, ("Trưởng Ban Chỉ đạo 138 huyện", "Trưởng Công an huyện")),
        (2, ("Phó Trưởng Ban Chỉ đạo 138 huyện", "Chủ tịch Ủy ban MTTQ huyện")),
        (3, ("Thành viên BCĐ 138 huyện", "Bí thư Huyện đoàn")),
    )
]

#: The communes whose ceremony a district delegation attends; which delegation
#: goes where is the scheduler's choice. A delegation stays from the
#: introduction of guests to the end of its own speech (77 minutes with the
#: forum), so with outdoor items done by 11:00 one delegation can attend two
#: ceremonies, not three: the first commune of a pair holds its ceremony right
#: after the parade, its neighbour (a few minutes' drive away) plays the folk
#: games first (the festivities may come before or after the ceremony, DOMAIN.md
#: §2.1) and starts its ceremony when the delegation arrives. The 2023 plan of the
#: example sent three delegations to nine communes; held to protocol that cannot
#: be done, so the example visits six, in three neighbouring pairs.
EARLY = ("long-trach", "long-dinh", "long-huu-tay")
LATE = ("long-khe", "long-cang", "long-huu-dong")
VISITED = EARLY + LATE

#: The standard programme, the guests received 10 to 15 minutes after the parade.
EARLY_PROGRAMME = templates.standard_programme(forum=True).gaps(don_dai_bieu=(10, 15))
#: Folk games first, the guests received 10 to 15 minutes after them.
LATE_PROGRAMME = (
    templates.standard_programme(forum=True)
    .move("tro-choi", after="dieu-hanh", gap=10)
    .gaps(don_dai_bieu=(10, 15))
)
#: The games-first programme (the name earlier scripts use).
VISITED_PROGRAMME = LATE_PROGRAMME
#: The programme of each visited commune.
VISITED_PROGRAMMES = {
    **dict.fromkeys(EARLY, EARLY_PROGRAMME),
    **dict.fromkeys(LATE, LATE_PROGRAMME),
}

CHU_TICH_HUYEN = Issuer(
    id="ct-ubnd-huyen-can-duoc",
    title="Chủ tịch UBND huyện Cần Đước",
    valid_to=pendulum.date(2025, 6, 30),  # districts ended on 1/7/2025 (DOMAIN.md §9)
)
_COLLECTIVES = ("Tổ bảo vệ an ninh, trật tự ấp", "Chi hội Cựu chiến binh ấp", "Chi hội Phụ nữ ấp")
_PEOPLE = ("Ông Nguyễn Văn Hùng", "Bà Trần Thị Lan", "Ông Lê Văn Phúc", "Bà Phạm Thị Mai")


def sites(communes: list[ngayhoi.Unit]) -> list[Site]:
    """One venue per unit, with the illustrative coordinates."""
    out = []
    for unit in communes:
        venue, hamlet = VENUES[unit.id]
        lat, lon = COORDINATES[unit.id]
        out.append(
            Site(
                id=unit.id,
                name=venue,
                unit=unit.id,
                hamlet=hamlet,
                address=f"{unit.official_name}, huyện Cần Đước, tỉnh Long An",
                lat=lat,
                lon=lon,
            )
        )
    return out


def awards(communes: list[ngayhoi.Unit]) -> list[Award]:
    """2 giấy khen of the district chairman and 3 of the commune chairman per unit."""
    out = []
    for n, unit in enumerate(communes):
        ceremony = f"{unit.id}.trao-thuong"
        commune_issuer = Issuer(
            id=f"ct-ubnd-{unit.id}", title=f"Chủ tịch UBND {unit.kind.value} {unit.name}"
        )
        recipients = [
            (CHU_TICH_HUYEN, True, f"{_COLLECTIVES[n % 3]} {1 + n % 4}"),
            (CHU_TICH_HUYEN, False, _PEOPLE[n % 4]),
            (commune_issuer, True, f"{_COLLECTIVES[(n + 1) % 3]} {2 + n % 3}"),
            (commune_issuer, False, _PEOPLE[(n + 1) % 4]),
            (commune_issuer, False, _PEOPLE[(n + 2) % 4]),
        ]
        out += [
            Award(
                id=f"{unit.id}.khen-thuong-{i}",
                recipient=recipient,
                collective=collective,
                form=AwardForm.GIAY_KHEN,
                issuer=issuer,
                ceremony=ceremony,
            )
            for i, (issuer, collective, recipient) in enumerate(recipients, start=1)
        ]
    return out


def build() -> ngayhoi.Festival:
    """The festival: 17 units, the standard programme with the forum, parades at 06:45."""
    communes = list(data.can_duoc_communes(DAY))
    venues = [*sites(communes), HOME]
    return templates.plan_day(
        id="can-duoc-2023",
        name="Ngày hội toàn dân bảo vệ an ninh Tổ quốc năm 2023 – huyện Cần Đước",
        day=DAY,
        communes=communes,
        sites=venues,
        programme=VISITED_PROGRAMMES,
        at=PARADE,
        organiser="Ban Chỉ đạo 138 huyện Cần Đước",
        campaign=(pendulum.date(2023, 7, 1), pendulum.date(2023, 8, 19)),
        other_units=[data.unit_on("huyen-can-duoc", DAY), data.unit_on("tinh-long-an", DAY)],
        awards=awards(communes),
        resources=DELEGATIONS,
        needs={f"{unit}.trao-thuong": [Requirement("doan-huyen")] for unit in VISITED},
        # No public source gives venue coordinates or road times (DOMAIN.md §15):
        # straight lines at 30 km/h, stretched by 1.4 for the roads.
        travel=TravelTimes(speed_kmh=30, road_factor=1.4),
    )


def main(argv: list[str] | None = None) -> int:
    """Plan the day, write the calendars into ``--out`` and print each unit's day."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("out/can-duoc-2023"))
    args = parser.parse_args(argv)
    try:
        schedule = ngayhoi.schedule(build()).unwrap()
        # Every kind of feed, the role feeds of each commune included (--commune-roles).
        report = ngayhoi.export.export_calendars(schedule, args.out, commune_roles=True)
    except ngayhoi.NgayhoiError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1 if isinstance(err, ngayhoi.InfeasibleError) else 2
    print(f"{schedule.festival.name}, {vietnamese_date(DAY)}")
    print(day_table(schedule, marked=VISITED))
    print("* đoàn BCĐ 138 huyện dự phần lễ, từ giới thiệu đại biểu đến phát biểu chỉ đạo")
    print()
    print(itineraries(schedule))
    changed = ", ".join(f"{n} {kind}" for kind, n in sorted(report.counts.items())) or "no changes"
    first = report.counts.get("added") and not any(c.before for c in report.diff.changes)
    since = "first export" if first else f"{changed} since the last export"
    print(
        f"\n{len(report.feeds)} calendars in {args.out}/ ({len(report.written)} written; "
        f"{since}; schedule {schedule.status.value})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
