"""Scheduling: ``schedule(festival) -> Schedule``; backends share one result shape.

>>> import ngayhoi
>>> ngayhoi.schedule(ngayhoi.samples.tiny_festival()).solver
'temporal'
"""

from __future__ import annotations

from ngayhoi.model import Festival
from ngayhoi.scheduling.result import Leg, PrepSlot, Schedule, Slot, Status
from ngayhoi.scheduling.temporal import needs_resources, schedule_times

__all__ = [
    "Leg",
    "PrepSlot",
    "Schedule",
    "Slot",
    "Status",
    "needs_resources",
    "schedule",
    "schedule_times",
]


def schedule(festival: Festival) -> Schedule:
    """Schedule every activity of the festival.

    Args:
        festival: the plan.

    Returns:
        A :class:`Schedule`; check ``status`` and ``violations``, or call
        ``unwrap()`` to raise when no schedule meets every constraint.
    """
    return schedule_times(festival)
