"""Plain-text views of a schedule for terminals: each commune's day, each delegation's route.

The views speak Vietnamese, or English with ``lang="en"`` (headings and the
drives; the plan's titles and names are its own). A standard programme item
is titled in the host's words, as in its calendar and run sheet ("Công an
thị trấn" at a thị trấn).

Plan text is shown on one line with no control characters
(:func:`~ngayhoi.text.terminal_text`), so a title cannot add a line or a
column, and columns are padded to their width on a terminal.

>>> import ngayhoi
>>> sched = ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation())
>>> print(itineraries(sched))
Đoàn 1:
  08:00–08:15  Trao thưởng, Xã A
  08:15–08:40  di chuyển Hội trường UBND xã A → Hội trường UBND xã B (25 phút)
  08:40–08:55  Trao thưởng, Xã B
>>> print(itineraries(sched, lang="en").splitlines()[2])
  08:15–08:40  drive Hội trường UBND xã A → Hội trường UBND xã B (25 min)
"""

from __future__ import annotations

from collections.abc import Sequence

from ngayhoi.i18n import N_, speaking
from ngayhoi.scheduling.result import Leg, Schedule
from ngayhoi.templates.terms import worded_title
from ngayhoi.text import display_width, terminal_text

__all__ = ["day_table", "idle_table", "itineraries", "text_table"]

#: The programme items shown by default, with their column names in English (the
#: catalogue gives the Vietnamese: "Diễu hành", "Chào cờ", ...).
DEFAULT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("dieu-hanh", N_("Parade")),
    ("chao-co", N_("Flag salute")),
    ("dien-dan", N_("Forum")),
    ("trao-thuong", N_("Awards")),
    ("be-mac", N_("Closing")),
    ("tro-choi", N_("Folk games")),
)


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    r"""Columns aligned with spaces, a rule under the header.

    Cells are shown with :func:`~ngayhoi.text.terminal_text` and padded to
    their width on a terminal (a wide letter takes two columns, a combining
    mark none).

    >>> print(text_table(["a", "bb"], [["1", "2"]]))
    a  bb
    -  --
    1  2
    >>> print(text_table(["Tên", "Giờ"], [["越南", "07:30"], ["A\nB", "08:00"]]))
    Tên   Giờ
    ----  -----
    越南  07:30
    A B   08:00
    """
    cells = [[terminal_text(c) for c in r] for r in [header, *rows]]
    widths = [max(display_width(r[i]) for r in cells) for i in range(len(header))]
    lines = [
        "  ".join(c + " " * (w - display_width(c)) for c, w in zip(r, widths, strict=True)).rstrip()
        for r in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def day_table(
    schedule: Schedule,
    columns: Sequence[tuple[str, str]] = DEFAULT_COLUMNS,
    *,
    marked: Sequence[str] = (),
    lang: str = "vi",
) -> str:
    """One line per hosting unit with the times of the main programme items.

    Units in ``marked`` get a ``*`` after their name. An item a unit does not
    hold shows ``—``; a unit holding none of the columns lists its first items.
    The column names are said in ``lang`` when the catalogue has them.

    >>> import ngayhoi
    >>> print(day_table(ngayhoi.schedule(ngayhoi.samples.tiny_festival()), [("x", "Mục x")]))
    Đơn vị       Mục x
    -----------  -----
    Xã Long Hòa  —
    >>> print(day_table(ngayhoi.schedule(ngayhoi.samples.tiny_festival()), lang="en"))
    Unit         Parade  Flag salute  Forum  Awards  Closing  Folk games
    -----------  ------  -----------  -----  ------  -------  ----------
    Xã Long Hòa  —       —            —      —       —        —
    """
    _ = speaking(lang).gettext
    fest = schedule.festival
    rows = []
    for unit in fest.hosts():
        slots = {fest.activity(s.activity).item: s for s in schedule.for_unit(unit.id)}
        name = unit.official_name + (" *" if unit.id in marked else "")
        cells = [name]
        for key, _label in columns:
            slot = slots.get(key)
            cells.append(
                f"{slot.start.format('HH:mm')}–{slot.end.format('HH:mm')}" if slot else "—"
            )
        rows.append(cells)
    return text_table([_("Unit"), *(_(label) for _key, label in columns)], rows)


def idle_table(schedule: Schedule, *, lang: str = "vi") -> str:
    """One line per hosting unit: the minutes its people wait between items, in all and longest.

    >>> import ngayhoi
    >>> print(idle_table(ngayhoi.schedule(ngayhoi.samples.tiny_festival())))
    Đơn vị       Chờ giữa các mục (phút)  Lâu nhất
    -----------  -----------------------  --------
    Xã Long Hòa  2                        2
    >>> print(idle_table(ngayhoi.schedule(ngayhoi.samples.tiny_festival()), lang="en"))
    Unit         Waits between items (min)  Longest
    -----------  -------------------------  -------
    Xã Long Hòa  2                          2
    """
    _ = speaking(lang).gettext
    from ngayhoi.scheduling.checker import idle_minutes  # noqa: PLC0415 - export sits above

    fest = schedule.festival
    waits = idle_minutes(schedule)
    rows = []
    for unit in fest.hosts():
        mins = [m for site in fest.sites if site.unit == unit.id for _, m in waits.get(site.id, ())]
        rows.append([unit.official_name, str(sum(mins)), str(max(mins, default=0))])
    return text_table([_("Unit"), _("Waits between items (min)"), _("Longest")], rows)


def itineraries(schedule: Schedule, *, lang: str = "vi") -> str:
    """Each delegation's visits and the drives between them (dated on multi-day plans).

    >>> import ngayhoi
    >>> itineraries(ngayhoi.schedule(ngayhoi.samples.tiny_festival()))
    ''
    """
    _ = speaking(lang).gettext
    fest = schedule.festival
    fmt = "DD/MM HH:mm" if len(fest.days) > 1 else "HH:mm"
    lines = []
    for delegation in schedule.delegations():
        who = f" ({', '.join(delegation.members)})" if delegation.members else ""
        lines.append(terminal_text(f"{delegation.name}{who}") + ":")
        for part in schedule.itinerary(delegation.id):
            if isinstance(part, Leg):
                origin = fest.site(part.origin).name
                destination = fest.site(part.destination).name
                lines.append(
                    f"  {part.depart.format(fmt)}–{part.arrive.format('HH:mm')}  "
                    + terminal_text(
                        _("drive {origin} → {destination} ({minutes} min)").format(
                            origin=origin, destination=destination, minutes=part.minutes
                        )
                    )
                )
            else:
                unit = fest.commune_of(part.activity)
                title = worded_title(
                    fest, part.activity, part.start.in_timezone(fest.timezone).date()
                )
                lines.append(
                    f"  {part.start.format(fmt)}–{part.end.format('HH:mm')}  "
                    + terminal_text(f"{title}, {unit.official_name}")
                )
    return "\n".join(lines)
