"""One commune's programme item changed: at a fixed time, with another length, or switched off.

A plan's ``[[override]]`` tables (``docs/plan-format.md``) change one item of one
commune's stamped programme and leave its sync groups alone: the commune's
parade still starts with the others', and only the named item moves. An item
after the anchor may be fixed at any time its chain of waits can reach; the
anchor itself, and the items before it (which end exactly when the next one
starts), follow the programme's ``at``.

>>> import datetime as dt
>>> from ngayhoi.templates import standard_programme
>>> prog = standard_programme()
>>> reach(prog, anchor="dieu-hanh", at=dt.time(6, 45), item="trao-thuong")
(datetime.time(8, 52), datetime.time(10, 7))
>>> shorter = apply_overrides(prog, [Override(unit="x", item="tro-choi", minutes=60)])
>>> shorter.item("tro-choi").minutes
60
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from ngayhoi._records import plain_repr
from ngayhoi.errors import PlanError, Said
from ngayhoi.i18n import N_
from ngayhoi.templates.programme import Programme

__all__ = ["Override", "apply_overrides", "reach"]


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class Override:
    """One commune's change to one programme item.

    Attributes:
        unit: the commune (unit id) whose programme changes.
        item: the programme item key (``trao-thuong``).
        at: the item's fixed start, or ``None``.
        minutes: its new length, or ``None``.
        off: whether the item is left out (optional items only).
        site: one of the commune's sites, when it has several points; ``None`` for all.
    """

    unit: str
    item: str
    at: dt.time | None = None
    minutes: int | None = None
    off: bool = False
    site: str | None = None


def apply_overrides(programme: Programme, overrides: Sequence[Override]) -> Programme:
    """``programme`` with the lengths and switches of ``overrides`` applied (``at`` is not).

    Raises:
        PlanError: an unknown item, or a required item switched off.

    >>> from ngayhoi.templates import standard_programme
    >>> apply_overrides(standard_programme(), [Override(unit="x", item="dien-dan", off=True)]
    ...                 ).item("dien-dan").enabled
    False
    """
    out = programme
    for change in overrides:
        out.item(change.item)
        if change.minutes is not None:
            out = out.durations(**{change.item: change.minutes})
        if change.off:
            out = out.switch(**{change.item: False})
    return out


def _minute(when: dt.time) -> int:
    return when.hour * 60 + when.minute


def _clock(minute: int) -> dt.time:
    return dt.time(minute // 60 % 24, minute % 60)


def reach(programme: Programme, *, anchor: str, at: dt.time, item: str) -> tuple[dt.time, dt.time]:
    """The earliest and latest start of ``item`` with ``anchor`` at ``at`` and the waits' ranges.

    Raises:
        PlanError: ``item`` is the anchor, comes before it, or is not enabled.

    >>> import datetime as dt
    >>> from ngayhoi.templates import standard_programme
    >>> reach(standard_programme(), anchor="dieu-hanh", at=dt.time(6, 45), item="chao-co")
    (datetime.time(7, 55), datetime.time(9, 10))
    """
    items = programme.enabled()
    keys = [i.key for i in items]
    if item not in keys:
        msg = Said(
            N_("item '{item}' is not in this commune's programme (switched off); switch it on"),
            item=item,
        )
        raise PlanError(msg)
    first, last = keys.index(anchor), keys.index(item)
    if last == first:
        msg = Said(
            N_(
                "item '{item}' is the anchor of its programme, starting at the programme's `at` "
                "with the other communes'; give the commune its own [[programme]] with another "
                "at"
            ),
            item=item,
        )
        raise PlanError(msg)
    if last < first:
        msg = Said(
            N_(
                "item '{item}' comes before the anchor '{anchor}' and ends exactly when the next "
                "item starts, so its time follows the anchor; fix an item after the anchor, or "
                "move '{item}' after it with move"
            ),
            item=item,
            anchor=anchor,
        )
        raise PlanError(msg)
    low = high = _minute(at)
    for k in range(first, last):
        low += items[k].minutes + items[k + 1].gap
        wait = items[k + 1].max_gap
        high += items[k].minutes + (items[k + 1].gap if wait is None else wait)
    return _clock(low), _clock(high)
