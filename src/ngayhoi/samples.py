"""Small ready-made festivals for examples, doctests and experiments.

>>> tiny_festival().activities[0].title
'Lễ chào cờ'
"""

from __future__ import annotations

import pendulum

from ngayhoi.model import (
    Activity,
    ActivityKind,
    Dependency,
    Festival,
    Requirement,
    Resource,
    ResourceKind,
    Site,
    TravelTimes,
    Unit,
)

__all__ = ["tiny_festival", "two_communes_one_delegation"]

_TZ = "Asia/Ho_Chi_Minh"


def tiny_festival() -> Festival:
    """One commune, two items: a flag salute fixed at 07:30 and the report 2 minutes after it.

    >>> [a.id for a in tiny_festival().activities]
    ['x.chao-co', 'x.bao-cao']
    """
    return Festival(
        id="tiny",
        name="Ngày hội toàn dân bảo vệ an ninh Tổ quốc",
        days=[pendulum.date(2023, 8, 6)],
        units=[Unit(id="x", name="Long Hòa", official_name="Xã Long Hòa", kind="xã")],
        sites=[Site(id="x.ubnd", name="Hội trường UBND xã Long Hòa", unit="x")],
        activities=[
            Activity(
                id="x.chao-co",
                kind=ActivityKind.FLAG_SALUTE,
                title="Lễ chào cờ",
                site="x.ubnd",
                duration=5,
                fixed_start=pendulum.datetime(2023, 8, 6, 7, 30, tz="Asia/Ho_Chi_Minh"),
            ),
            Activity(
                id="x.bao-cao",
                kind=ActivityKind.REPORT,
                title="Báo cáo đánh giá phong trào",
                site="x.ubnd",
                duration=15,
            ),
        ],
        dependencies=[Dependency("x.chao-co", "x.bao-cao", min_lag=2)],
    )


def two_communes_one_delegation() -> Festival:
    """Two award ceremonies at 08:00, one delegation that needs 25 min between them.

    >>> [r.id for r in two_communes_one_delegation().resources]
    ['doan-1']
    """
    day = pendulum.date(2023, 8, 6)
    units = [
        Unit(id=k, name=f"Xã {k.upper()}", official_name=f"Xã {k.upper()}", kind="xã") for k in "ab"
    ]
    sites = [Site(id=k, name=f"Hội trường UBND xã {k.upper()}", unit=k) for k in "ab"]
    ceremonies = [
        Activity(
            id=f"{k}.trao-thuong",
            kind=ActivityKind.AWARD_CEREMONY,
            title="Trao thưởng",
            site=k,
            duration=15,
            earliest_start=pendulum.datetime(2023, 8, 6, 8, tz=_TZ),
            needs=[Requirement("doan")],
        )
        for k in "ab"
    ]
    return Festival(
        id="hai-xa",
        name="Ngày hội toàn dân bảo vệ an ninh Tổ quốc",
        days=[day],
        units=units,
        sites=sites,
        activities=ceremonies,
        resources=[
            Resource(id="doan-1", name="Đoàn 1", kind=ResourceKind.DELEGATION, group="doan")
        ],
        travel=TravelTimes(minutes={("a", "b"): 25}),
    )
