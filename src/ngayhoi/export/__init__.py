"""Exporters: they read a :class:`~ngayhoi.scheduling.Schedule` and the model, never schedule.

>>> import pendulum, tempfile, pathlib, ngayhoi
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
>>> [p.name for p in write_calendars(sched, out, stamp=pendulum.datetime(2023, 7, 1, tz="UTC"))]
['master.ics', 'commune-x.ics']
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ngayhoi.export.calendars import (
    STATE_FILE,
    ExportReport,
    ExportState,
    export_calendars,
    load_state,
    recover,
)
from ngayhoi.export.diff import Change, PlanDiff, diff, diff_events
from ngayhoi.export.encoding import calendar_bytes
from ngayhoi.export.events import CalendarEvent, Revision, activity_uid, calendar_events
from ngayhoi.export.feeds import (
    Feed,
    commune_feeds,
    commune_role_feeds,
    delegation_feeds,
    edition,
    feed_ids,
    master_feed,
    role_feeds,
    standard_feeds,
)
from ngayhoi.files import safe_child, write_atomic
from ngayhoi.scheduling.result import Schedule

__all__ = [
    "STATE_FILE",
    "CalendarEvent",
    "Change",
    "ExportReport",
    "ExportState",
    "Feed",
    "PlanDiff",
    "Revision",
    "activity_uid",
    "calendar_bytes",
    "calendar_events",
    "commune_feeds",
    "commune_role_feeds",
    "delegation_feeds",
    "diff",
    "diff_events",
    "edition",
    "export_calendars",
    "load_state",
    "master_feed",
    "recover",
    "role_feeds",
    "safe_child",
    "standard_feeds",
    "write_atomic",
    "write_calendars",
]


def write_calendars(
    schedule: Schedule,
    folder: Path | str,
    *,
    stamp: dt.datetime | None = None,
    roles: bool = False,
) -> list[Path]:
    """Write the master calendar and one per commune (and delegation, and role) into ``folder``.

    Each file is written atomically. This writes every event at SEQUENCE 0, a
    one-off snapshot: to publish re-plans to subscribers, use
    :func:`export_calendars`, which keeps the last exported state.

    Returns:
        The paths written, master first.

    >>> import tempfile, ngayhoi
    >>> sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
    >>> [p.name for p in write_calendars(sched, tempfile.mkdtemp())]
    ['master.ics', 'commune-x.ics']
    """
    out = Path(folder)
    events = calendar_events(schedule)
    feeds = standard_feeds(schedule, roles=roles, events=events)
    feed_ids(feeds)
    return [
        write_atomic(
            safe_child(out, feed.filename),
            calendar_bytes(schedule, feed, stamp=stamp, events=events),
        )
        for feed in feeds
    ]
