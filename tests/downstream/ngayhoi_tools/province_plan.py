"""A province's festival day from a CSV of communes, with delegations for the award ceremonies.

The CSV has one row per hosting commune: ``unit`` (a unit id or GSO code as
``ngayhoi units`` prints it), ``delegation`` (the delegation that attends its award
ceremony), ``games_first`` (``yes`` moves the folk games to right after the
parade, so the ceremony comes later and a delegation can reach it from an earlier
one) and ``minutes_to_next`` (the drive to the next row's commune). Every parade
starts at ``at`` (đồng loạt).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import ngayhoi
from ngayhoi import data, templates


def read_rows(path: Path) -> list[dict[str, str]]:
    """The CSV's rows, as dictionaries of text."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def plan_from_rows(
    rows: Iterable[dict[str, str]],
    *,
    day: dt.date,
    ident: str,
    at: dt.time = dt.time(6, 45),
) -> ngayhoi.Festival:
    """The festival day of the communes in ``rows``, valid on ``day``."""
    rows = list(rows)
    communes = [data.unit_on(row["unit"], day) for row in rows]
    groups = sorted({row["delegation"] for row in rows})
    delegations = [
        ngayhoi.Resource(id=f"doan-{k}", name=f"Đoàn {k}", kind=ngayhoi.ResourceKind.DELEGATION)
        for k in groups
    ]
    needs = {
        f"{unit.id}.trao-thuong": [ngayhoi.Requirement(f"doan-{row['delegation']}")]
        for unit, row in zip(communes, rows, strict=True)
    }
    standard = templates.standard_programme().gaps(don_dai_bieu=(10, 15))
    games_first = standard.move("tro-choi", after="dieu-hanh", gap=10)
    minutes: dict[tuple[str, str], int] = {}
    for (here, row), there in zip(zip(communes, rows, strict=True), communes[1:], strict=False):
        minutes[here.id, there.id] = int(row["minutes_to_next"])
    return templates.plan_day(
        id=ident,
        name="Ngày hội toàn dân bảo vệ an ninh Tổ quốc",
        day=day,
        communes=communes,
        resources=delegations,
        needs=needs,
        travel=ngayhoi.TravelTimes(minutes=minutes),
        programme={
            unit.id: games_first if row["games_first"] == "yes" else standard
            for unit, row in zip(communes, rows, strict=True)
        },
        at=at,
        preparation=False,
    )
