"""Schedules saved to JSON and read back: ``save_schedule`` / ``load_schedule``.

The file has a ``format`` (``"ngayhoi-schedule"``) and a ``version`` key; it
holds the festival's id, the status, every slot (ISO times with their offset),
the tasks' due dates, violations and waits. It does not hold the plan: read it
back with the plan it was made for. The export state keeps its schedule in the
same format.

>>> import pathlib, tempfile, ngayhoi
>>> fest = ngayhoi.samples.tiny_festival()
>>> sched = ngayhoi.schedule(fest)
>>> path = pathlib.Path(tempfile.mkdtemp()) / "schedule.json"
>>> _ = save_schedule(sched, path)
>>> load_schedule(path, fest) == sched
True
"""

from __future__ import annotations

from pathlib import Path

import orjson

from ngayhoi.errors import PlanError, Said, ScheduleFileError
from ngayhoi.files import write_atomic
from ngayhoi.i18n import N_
from ngayhoi.model import Festival
from ngayhoi.scheduling.result import Schedule
from ngayhoi.scheduling.stored import (
    SCHEDULE_FORMAT,
    SCHEDULE_VERSION,
    schedule_data,
    schedule_from_data,
)

__all__ = ["SCHEDULE_FORMAT", "SCHEDULE_VERSION", "load_schedule", "save_schedule"]

_HINT = "save it again with ngayhoi.io.save_schedule, or schedule the plan again"


def save_schedule(schedule: Schedule, path: Path | str) -> Path:
    """Write the schedule as JSON (atomically); the same schedule gives the same bytes.

    Raises:
        PlanError: ``schedule`` is not a :class:`~ngayhoi.Schedule`.
        OSError: the file cannot be written.

    >>> import pathlib, tempfile, ngayhoi
    >>> sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
    >>> path = save_schedule(sched, pathlib.Path(tempfile.mkdtemp()) / "s.json")
    >>> path.read_text().splitlines()[1]
    '  "format": "ngayhoi-schedule",'
    """
    if not isinstance(schedule, Schedule):
        msg = Said(
            N_("save_schedule: {schedule!r} is not a Schedule; give what ngayhoi.schedule returns"),
            schedule=schedule,
        )
        raise PlanError(msg)
    target = Path(path)
    data = orjson.dumps(schedule_data(schedule), option=orjson.OPT_INDENT_2)
    return write_atomic(target, data + b"\n")


def load_schedule(path: Path | str, festival: Festival) -> Schedule:
    """Read a schedule written by :func:`save_schedule`, for the plan it was made for.

    Raises:
        ScheduleFileError: the file cannot be read, is not JSON, is of another
            format or a newer version, is damaged, or names activities (or
            resources) the plan does not have. The message names the file.

    >>> import pathlib, tempfile, ngayhoi
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "s.json"
    >>> _ = path.write_text('{"format": "ngayhoi-schedule", "version": 9}')
    >>> load_schedule(path, ngayhoi.samples.tiny_festival())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ngayhoi.errors.ScheduleFileError: .../s.json: a schedule of version 9, written by a newer ...
    """
    source = Path(path)
    if not isinstance(festival, Festival):
        msg = Said(
            N_("load_schedule: {festival!r} is not a Festival; give the plan the schedule is for"),
            festival=festival,
        )
        raise PlanError(msg)
    try:
        raw = source.read_bytes()
    except OSError as err:
        msg = Said(
            N_("{source}: cannot read the schedule ({value})"),
            source=source,
            value=err.strerror or err,
        )
        raise ScheduleFileError(msg) from err
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        msg = Said(
            N_("{source}: not JSON, or cut short ({err}); {HINT}"),
            source=source,
            err=err,
            HINT=_HINT,
        )
        raise ScheduleFileError(msg) from err
    return schedule_from_data(data, festival, source=str(source), hint=_HINT)
