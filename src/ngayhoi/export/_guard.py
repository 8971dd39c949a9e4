"""The check every exporter makes first: the schedule has feasible times.

``ngayhoi.schedule(..., raise_on_infeasible=False)`` returns schedules with a
failed status or with violations; printing, drawing or publishing their times
would hand out a programme that cannot happen (one delegation at two
ceremonies). Every exporter refuses them with the same typed error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ngayhoi.errors import NotScheduledError, Said
from ngayhoi.i18n import N_

if TYPE_CHECKING:
    from ngayhoi.scheduling.result import Schedule

__all__ = ["require_feasible"]


def require_feasible(schedule: Schedule, what: str) -> None:
    """Raise :class:`NotScheduledError` unless every activity has a feasible time.

    ``what`` names the output ("print", "draw", "export") for the message.

    >>> import ngayhoi
    >>> require_feasible(ngayhoi.schedule(ngayhoi.samples.tiny_festival()), "print")
    """
    if schedule.feasible:
        return
    fest = schedule.festival.id
    if not schedule.status.has_times:
        msg = (
            f"festival '{fest}': the schedule is {schedule.status.value} and has no times "
            f"to {what}; fix the plan (ngayhoi.schedule raises InfeasibleError naming why) "
            "and schedule it again"
        )
    else:
        msg = Said(
            N_(
                "festival '{fest}': the schedule is {value} with {count} violation(s), so its "
                "times are not feasible and ngayhoi will not {what} them (first: {value2}); fix "
                "the plan and schedule it again"
            ),
            fest=fest,
            value=schedule.status.value,
            count=len(schedule.violations),
            what=what,
            value2=schedule.violations[0],
        )
    raise NotScheduledError(msg)
