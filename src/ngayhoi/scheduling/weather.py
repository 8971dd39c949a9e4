"""The rain plan: outdoor items move to each site's covered fallback, with as few changes as can be.

A site that is open to the weather (``Site.outdoor``), or an outdoor item
(``Activity.outdoor``) at a site with a ``fallback``, moves to that fallback
venue when the festival's ``weather`` is ``"mua"``; the parade stays on its
roads. The scheduler then re-plans from the dry schedule, keeping as many
items at their times as it can; the moved items remember where they were
planned (``Activity.moved_from``), for the run sheets' "Phương án dự phòng khi
mưa" and the calendars' new LOCATION.

>>> import ngayhoi
>>> rain_plan(ngayhoi.samples.tiny_festival()).weather
'mua'
"""

from __future__ import annotations

import attrs

from ngayhoi.model import Activity, ActivityKind, Festival

__all__ = ["RAIN", "moves_in_rain", "rain_plan"]

#: The plan-key value of the rain plan (``[festival] weather = "mua"``, ``--weather mua``).
RAIN = "mua"


def _moves(festival: Festival, act: Activity) -> str | None:
    """Where the rain plan moves ``act``: its site's fallback, or ``None`` if it stays."""
    if act.moved_from is not None or act.kind is ActivityKind.PARADE:
        return None
    site = festival.site(act.site)
    if site.fallback is None or not (site.outdoor or act.outdoor):
        return None
    return site.fallback


def moves_in_rain(festival: Festival) -> dict[str, tuple[str, str]]:
    """The items the rain plan moves: activity id -> (the site planned, the covered site).

    >>> import ngayhoi
    >>> moves_in_rain(ngayhoi.samples.tiny_festival())
    {}
    """
    out: dict[str, tuple[str, str]] = {}
    for act in festival.activities:
        to = _moves(festival, act)
        if to is not None:
            out[act.id] = (act.site, to)
    return out


def rain_plan(festival: Festival) -> Festival:
    """The festival with its rain plan applied: ``weather = "mua"``, outdoor items under a roof.

    A moved item is no longer outdoor, so ``outdoor_until`` no longer binds it.
    """
    moved = moves_in_rain(festival)
    if not moved and festival.weather == RAIN:
        return festival
    acts = tuple(
        attrs.evolve(a, site=moved[a.id][1], outdoor=False, moved_from=a.site)
        if a.id in moved
        else a
        for a in festival.activities
    )
    return attrs.evolve(festival, activities=acts, weather=RAIN)
