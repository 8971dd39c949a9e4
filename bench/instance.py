"""The neutral instance of ``gen_tjp.py`` as an ngayhoi festival, and the schedule back as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pendulum

import ngayhoi
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


def load(path: Path) -> dict[str, Any]:
    """Read the instance JSON."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def festival(inst: dict[str, Any]) -> Festival:
    """The instance as a festival: one unit and site per commune, a delegation group ``doan``.

    Each commune's committee ``btc_cNNN`` is a resource of capacity 1; the
    delegations ``doan1..doanD`` form the group ``doan``, and a task that needs
    ``doan`` takes any one of them for its whole length. Nothing starts before
    ``start_local``; the festival runs around the clock for ``horizon_days``.
    """
    start = pendulum.parse(inst["start_local"])
    assert isinstance(start, pendulum.DateTime)
    start = start.in_timezone(inst.get("timezone", "Asia/Ho_Chi_Minh"))
    days = [start.date().add(days=k) for k in range(int(inst.get("horizon_days", 2)))]
    communes = sorted({t["commune"] for t in inst["tasks"]})
    units = [Unit(id=c, name=f"Xã {c}", official_name=f"Xã {c}", kind="xã") for c in communes]
    sites = [Site(id=c, name=f"Điểm {c}", unit=c) for c in communes]
    resources = [
        Resource(id=rid, name=f"Ban tổ chức {rid}", kind=ResourceKind.POOL, capacity=1)
        for rid in inst["resources"]
        if rid != "doan"
    ]
    delegations = int(inst["resources"].get("doan", {}).get("capacity", inst.get("delegations", 1)))
    resources += [
        Resource(
            id=f"doan{k}",
            name=f"Đoàn công tác huyện {k}",
            kind=ResourceKind.DELEGATION,
            group="doan",
        )
        for k in range(1, delegations + 1)
    ]
    activities = [
        Activity(
            id=t["id"],
            kind=ActivityKind.OTHER,
            title=t["name"],
            site=t["commune"],
            duration=int(t["minutes"]),
            earliest_start=start if not t["depends"] else None,
            needs=[Requirement(r) for r in t["resources"]],
        )
        for t in inst["tasks"]
    ]
    dependencies = [
        Dependency(d["id"], t["id"], d["type"], min_lag=int(d["lag_min"]))
        for t in inst["tasks"]
        for d in t["depends"]
    ]
    return Festival(
        id="bench",
        name=inst.get("name", "Ngày hội toàn dân bảo vệ an ninh Tổ quốc"),
        days=days,
        units=units,
        sites=sites,
        activities=activities,
        dependencies=dependencies,
        resources=resources,
        travel=TravelTimes(default=0),
        opens=dt.time(start.hour, start.minute),
        closes=dt.time(23, 59),
        outdoor_until=None,
    )


def write_csv(schedule: ngayhoi.Schedule, path: Path) -> None:
    """The CSV that ``../shared/bench/validate.py`` reads (tj3's task report shape)."""
    fest = schedule.festival
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, delimiter=";")
        out.writerow(["Id", "Start", "End", "Resources"])
        for slot in schedule:
            names = ", ".join(f"{fest.resource(r).name} ({r})" for r in slot.resources)
            out.writerow(
                [
                    slot.activity,
                    slot.start.strftime("%Y-%m-%dT%H:%M%z"),
                    slot.end.strftime("%Y-%m-%dT%H:%M%z"),
                    names,
                ]
            )
