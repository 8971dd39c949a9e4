"""What a schedule reports besides times: violated constraints and waits.

>>> v = Violation(rule="window", activities=("a",), amount=10,
...               message="Trò chơi dân gian at Long Hòa ends 10 min after 11:00")
>>> v.rule, v.amount
('window', 10)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

from ngayhoi._records import plain_repr

__all__ = ["Rule", "Violation", "Wait"]


class Rule(enum.StrEnum):
    """The rules a schedule can break: one name shared by every backend and the checker.

    A member is a ``str``, so ``violation.rule == "window"`` and JSON output
    read the same as before the enum.

    >>> Rule.ONE_PLACE == "one-place"
    True
    """

    COMPLETE = "complete"
    NON_PREEMPTION = "non-preemption"
    PRECEDENCE = "precedence"
    WINDOW = "window"
    SIMULTANEITY = "simultaneity"
    REQUIREMENT = "requirement"
    CAPACITY = "capacity"
    TRAVEL = "travel"
    OVERLAP = "overlap"
    TEMPORAL = "temporal"
    RESOURCE = "resource"
    RESOURCES = "resources"
    ATTENDANCE = "attendance"
    IDLE = "idle"
    ONE_PLACE = "one-place"
    OUTDOOR = "outdoor"


def _ids(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class Violation:
    """A constraint that is broken or cannot be met.

    Attributes:
        rule: the rule broken, a :class:`Rule` (a ``str``: "precedence",
            "window", "capacity", "travel", ...).
        activities: the ids involved, in the order the message names them.
        message: one sentence a person can act on, naming activities by title.
        amount: by how many minutes it is broken, where that has a meaning.
        resource: the resource involved, if any.
    """

    rule: str
    activities: tuple[str, ...] = attrs.field(converter=_ids)
    message: str
    amount: int | None = None
    resource: str | None = None

    def __str__(self) -> str:
        """The message."""
        return self.message


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class Wait:
    """An activity started later than its dependencies allowed, because of a resource.

    Attributes:
        activity: the id of the activity that waited.
        resource: the resource it waited for.
        minutes: how long it waited.
        message: the explanation, naming the activity by title.
        blocker: the activity that held the resource, if one did.
        free_at: when the resource came free there, as ``HH:mm`` (with the date off the
            festival's days).
        travel: the minutes the resource then needed to get here.
    """

    activity: str
    resource: str
    minutes: int
    message: str
    blocker: str | None = None
    free_at: str | None = None
    travel: int = 0

    def __str__(self) -> str:
        """The message."""
        return self.message
