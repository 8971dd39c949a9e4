"""How busy each delegation is, as a pandas DataFrame built from ``Schedule.to_records()``."""

from __future__ import annotations

import pandas as pd

import ngayhoi


def slots_frame(schedule: ngayhoi.Schedule) -> pd.DataFrame:
    """One row per (activity, resource) pair: the records with their resources exploded."""
    frame = pd.DataFrame(schedule.to_records())
    return frame.explode("resources").rename(columns={"resources": "resource"})


def delegation_utilisation(schedule: ngayhoi.Schedule) -> pd.DataFrame:
    """Per delegation: communes, items attended, busy minutes, span (first start to end), share.

    ``share`` is the part of its span the delegation spends at the programme (the
    rest is driving and waiting).
    """
    ids = [r.id for r in schedule.delegations()]
    slots = slots_frame(schedule)
    mine = slots[slots["resource"].isin(ids)]
    table = mine.groupby("resource").agg(
        communes=("unit", "nunique"),
        items=("activity", "count"),
        busy=("minutes", "sum"),
        first=("start", "min"),
        last=("end", "max"),
    )
    span = (table["last"] - table["first"]).dt.total_seconds() / 60
    table["span"] = span.astype(int)
    table["share"] = (table["busy"] / table["span"]).round(3)
    return table.sort_index()
