"""A Gantt chart of the whole day: every commune's sites on one time axis.

One row per site that hosts activities, grouped by commune in the festival's
order; one bar per activity, coloured by the part of the day (phần lễ, phần
hội) and hatched when it happens outdoors; the travelling delegations' routes
drawn across the rows, so a drive between two communes is the sloped segment
from the end of one visit to the start of the next; a vertical line at every
simultaneous start (đồng loạt). Bar labels are drawn above the routes, on a
white halo, so no route covers them. The picture is a PNG, an SVG (whose text
stays text, so labels can be searched) or a PDF (vector, fonts embedded, for
printing), written atomically. :func:`gantt_days` draws one chart per festival
day, as people print them; ``gantt(..., day=...)`` draws one day.

matplotlib is an optional extra: ``pip install 'ngayhoi[plot]'``.
:func:`gantt_rows` says what the chart shows without drawing it.

>>> import ngayhoi
>>> sched = ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation(), time_limit=0.1)
>>> [row.site for row in gantt_rows(sched)]
['a', 'b']
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import attrs

from ngayhoi._records import plain_repr
from ngayhoi.errors import ExportError, Said
from ngayhoi.export._guard import require_feasible
from ngayhoi.files import write_atomic
from ngayhoi.i18n import N_
from ngayhoi.model import ActivityKind, Part, Resource, SyncKind
from ngayhoi.scheduling.result import Leg, Schedule, Slot
from ngayhoi.templates.terms import worded_title
from ngayhoi.text import one_line, vietnamese_date

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["GanttRow", "gantt", "gantt_days", "gantt_rows"]

Format = Literal["png", "svg", "pdf"]
_LineStyle = Literal["-", "--", "-.", ":"]

_FORMATS: dict[str, Format] = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
_DPI = 150
_MAX_WIDTH = 100.0  # inches; Agg refuses pictures much wider than 2**16 pixels

# Sizes, in inches and points.
_ROW_INCHES = 0.42
_HOUR_INCHES = 3.0
_LABEL_INCHES = 4.2
_BAR_HEIGHT = 0.72  # of a row
_BAR_FONT = 7.5
_SMALL_BAR_FONT = 6.5  # for a short name in a narrow bar
_LABEL_RISE = 0.06  # of a row: labels sit a little above the middle, clear of the routes
_BAR_PAD = 2.0  # points of bar left free either side of its label
_ROUTE_Z = 4.0  # routes over the bars ...
_LABEL_Z = 6.0  # ... and the bars' labels over the routes

# Colours: the two parts of the day in the flag's red and gold, light enough for
# dark labels; routes in strong colours that stand out from both.
_PART_COLOURS = {Part.LE: "#f2a39a", Part.HOI: "#f6d36b"}
_PART_NAMES = {Part.LE: "Phần lễ", Part.HOI: "Phần hội"}
_EDGE = "#6b4b3e"
_HATCH = "////"
_HATCH_COLOUR = (0.25, 0.18, 0.12, 0.45)
_ROUTE_COLOURS = (
    "#1f4e9c",
    "#0b7a45",
    "#7a2e8e",
    "#00838f",
    "#222222",
    "#c2185b",
    "#8d5a00",
    "#3f51b5",
)
_ROUTE_STYLES: tuple[_LineStyle, ...] = ("-", "--", "-.")
_SYNC_COLOUR = "#9b1c1c"
_HEAT_COLOUR = "#c25e00"
_BAND = "#f1f3f6"

# The longest texts shown, in characters: a name in a row label or the legend, a
# title of an item or a simultaneous start, the chart's title.
_NAME = 48
_TEXT = 80
_TITLE = 160
# Characters XML 1.0 cannot hold at all: an SVG with one is not well formed.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def _plain(text: str, limit: int) -> str:
    r"""Plan text as the chart shows it: one line, literal, fit for an SVG, at most ``limit`` long.

    A longer text is cut with "…": a 2000-character venue would take the whole
    width of the picture and leave no room for the day.

    >>> _plain("Diễu hành\n$x^2$\ufffe", 40) == "Diễu hành $x^2$\ufffd"
    True
    >>> _plain("Hội trường UBND xã Long Hòa", 12)
    'Hội trường…'
    """
    plain = _NOT_XML.sub("\ufffd", one_line(text))
    return plain if len(plain) <= limit else plain[: limit - 1].rstrip() + "…"


_SHORT_LABELS = {
    ActivityKind.ASSEMBLY: "Tập trung",
    ActivityKind.PARADE: "Diễu hành",
    ActivityKind.GUEST_RECEPTION: "Đón đại biểu",
    ActivityKind.PERFORMANCE: "Văn nghệ",
    ActivityKind.FLAG_SALUTE: "Chào cờ",
    ActivityKind.OPENING: "Tuyên bố lý do",
    ActivityKind.REPORT: "Báo cáo",
    ActivityKind.DISCUSSION: "Tham luận",
    ActivityKind.FORUM: "Diễn đàn",
    ActivityKind.AWARD_CEREMONY: "Khen thưởng",
    ActivityKind.SPEECH: "Phát biểu",
    ActivityKind.RESPONSE: "Tiếp thu",
    ActivityKind.PLEDGE: "Giao ước",
    ActivityKind.MODEL_LAUNCH: "Ra mắt mô hình",
    ActivityKind.CLOSING: "Bế mạc",
    ActivityKind.FOLK_GAMES: "Trò chơi",
    ActivityKind.SPORTS: "Thể thao",
    ActivityKind.GIFT_GIVING: "Tặng quà",
    ActivityKind.ONLINE_BRIDGE: "Điểm cầu",
}


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class GanttRow:
    """One row of the chart: a site and what happens there.

    Attributes:
        site: the site's id.
        unit: the id of the commune that hosts it.
        label: what the row is called on the chart: commune and venue.
        activities: the ids of its activities, by start time (unscheduled ones last).
    """

    site: str
    unit: str
    label: str
    activities: tuple[str, ...]


def gantt_rows(schedule: Schedule, day: dt.date | None = None) -> list[GanttRow]:
    """The rows of the chart, top to bottom: every site that hosts activities (on ``day``).

    Rows are grouped by commune in the festival's order (:meth:`Festival.hosts`),
    and a commune's sites follow the order of ``festival.sites``. With ``day``,
    only the activities scheduled on that day count (an unscheduled one counts
    on the day it is planned for).

    >>> import ngayhoi
    >>> sched = ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation(), time_limit=0.1)
    >>> for row in gantt_rows(sched):
    ...     print(row.label, row.activities)
    Xã A – Hội trường UBND xã A ('a.trao-thuong',)
    Xã B – Hội trường UBND xã B ('b.trao-thuong',)
    """
    require_feasible(schedule, "draw")
    fest = schedule.festival
    rows: list[GanttRow] = []
    for unit in fest.hosts():
        for site in fest.sites:
            planned = fest.activities_at(site.id) if site.unit == unit.id else ()
            if day is not None:
                planned = tuple(a for a in planned if _day_of(schedule, a.id) == day)
            if not planned:
                continue
            ids = {a.id for a in planned}
            placed = [slot.activity for slot in schedule.at_site(site.id) if slot.activity in ids]
            waiting = [a.id for a in planned if a.id not in schedule.slots]
            rows.append(
                GanttRow(
                    site=site.id,
                    unit=unit.id,
                    label=f"{_plain(unit.official_name, _NAME)} – {_plain(site.name, _NAME)}",
                    activities=(*placed, *waiting),
                )
            )
    return rows


def _day_of(schedule: Schedule, activity_id: str) -> dt.date:
    """The local day an activity is scheduled on (planned on, when it has no time)."""
    fest = schedule.festival
    slot = schedule.slots.get(activity_id)
    if slot is None:
        return fest.day_of(fest.activity(activity_id))
    return _local_day(schedule, slot.start)


def _local_day(schedule: Schedule, when: dt.datetime) -> dt.date:
    fest = schedule.festival
    return fest.at(fest.minute(when)).date()


def gantt_days(
    schedule: Schedule,
    path: Path | str,
    *,
    title: str | None = None,
    width: float | None = None,
) -> list[Path]:
    """Draw one chart per festival day: ``path`` itself for one day, else ``NAME-YYYY-MM-DD.EXT``.

    A weekend festival gives two pictures a morning wide each, not one
    picture with the night in it. Days with nothing scheduled are left out.

    >>> import pathlib, tempfile, ngayhoi
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> sched = ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation(), time_limit=0.1)
    >>> [p.name for p in gantt_days(sched, out / "ngay-hoi.pdf")]
    ['ngay-hoi.pdf']
    """
    target = Path(path)
    _format_of(target)
    days = sorted({_local_day(schedule, slot.start) for slot in schedule.values()})
    if len(schedule.festival.days) <= 1 or len(days) <= 1:
        return [gantt(schedule, target, title=title, width=width)]
    return [
        gantt(
            schedule,
            target.with_name(f"{target.stem}-{day.isoformat()}{target.suffix}"),
            title=title,
            width=width,
            day=day,
        )
        for day in days
    ]


def gantt(
    schedule: Schedule,
    path: Path | str,
    *,
    title: str | None = None,
    width: float | None = None,
    day: dt.date | None = None,
) -> Path:
    """Draw the whole day as a Gantt chart into ``path`` (``.png``, ``.svg`` or ``.pdf``).

    Args:
        schedule: a schedule with times (optimal or feasible).
        path: the file to write; its suffix picks the format. Written atomically.
        title: the chart's title; by default the festival's name and date.
        width: the picture's width in inches; by default it grows with the length of the day.
        day: draw only this day of the festival (:func:`gantt_days` draws each).

    Returns:
        The path written.

    Raises:
        ExportError: if the suffix is neither ``.png`` nor ``.svg``, the schedule
            has no times, the width is not a positive number of inches,
            matplotlib is not installed, or the file cannot be written.

    >>> import pathlib, tempfile, ngayhoi
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> sched = ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation(), time_limit=0.1)
    >>> gantt(sched, out / "ngay-hoi.svg").name
    'ngay-hoi.svg'
    >>> "Đoàn 1" in (out / "ngay-hoi.svg").read_text(encoding="utf-8")
    True
    >>> gantt(sched, out / "ngay-hoi.pdf").read_bytes()[:5]
    b'%PDF-'
    >>> gantt(sched, out / "ngay-hoi.jpg")
    Traceback (most recent call last):
    ...
    ngayhoi.errors.ExportError: cannot draw a Gantt chart into 'ngay-hoi.jpg': ...
    """
    target = Path(path)
    fmt = _format_of(target)
    if title is not None:
        title = _plain(title, _TITLE)
    require_feasible(schedule, "draw")
    inches = _check_width(width)
    if day is not None and day not in schedule.festival.days:
        days = ", ".join(d.isoformat() for d in schedule.festival.days)
        msg = Said(
            N_(
                "festival '{id}' has no day {value}; give one of its days ({days}) or None for "
                "all of them"
            ),
            id=schedule.festival.id,
            value=day.isoformat(),
            days=days,
        )
        raise ExportError(msg)
    rows = gantt_rows(schedule, day)
    if not rows:
        msg = Said(
            N_("festival '{id}' has nothing scheduled on {day}; draw another of its days"),
            id=schedule.festival.id,
            day=day,
        )
        raise ExportError(msg)
    data = _render(schedule, rows, fmt=fmt, title=title, width=inches, day=day)
    return write_atomic(target, data)


def _format_of(path: Path) -> Format:
    suffix = path.suffix.lower()
    fmt = _FORMATS.get(suffix)
    if fmt is None:
        said = f"suffix '{path.suffix}'" if path.suffix else "no suffix"
        msg = Said(
            N_("cannot draw a Gantt chart into '{name}': it has {said}; use one of {names}"),
            name=path.name,
            said=said,
            names=", ".join(_FORMATS),
        )
        raise ExportError(msg)
    return fmt


def _check_width(width: float | None) -> float | None:
    if width is None:
        return None
    if (
        isinstance(width, bool)
        or not isinstance(width, int | float)
        or not math.isfinite(width)
        or not 0 < width <= _MAX_WIDTH
    ):
        msg = Said(
            N_(
                "Gantt chart width {width!r} is not a width in inches; give a number above 0 and "
                "at most {MAX_WIDTH:g}, or None to size it to the day"
            ),
            width=width,
            MAX_WIDTH=_MAX_WIDTH,
        )
        raise ExportError(msg)
    return float(width)


@plain_repr
@attrs.frozen(repr=False)
class _Chart:
    """What the drawing needs, worked out once."""

    schedule: Schedule
    rows: list[GanttRow]
    y: dict[str, int]  # site id -> row
    x0: float  # minutes after the festival's origin
    x1: float
    width: float  # inches
    marks: list[_Mark]  # vertical lines, with their text in lanes above the first row
    day: dt.date | None  # the one day drawn, or None for all
    ids: frozenset[str]  # the activities drawn
    delegations: tuple[Resource, ...]  # the delegations with a visit on the chart

    @property
    def lanes(self) -> int:
        """How many lines of text the marks take above the first row."""
        return max((m.lane + 1 for m in self.marks), default=0)


def _render(
    schedule: Schedule,
    rows: list[GanttRow],
    *,
    fmt: Format,
    title: str | None,
    width: float | None,
    day: dt.date | None = None,
) -> bytes:
    try:
        import matplotlib as mpl  # noqa: PLC0415 - matplotlib is an optional extra
        from matplotlib.backends.backend_agg import (  # noqa: PLC0415 - same
            FigureCanvasAgg,
        )
        from matplotlib.figure import Figure  # noqa: PLC0415 - same
    except ImportError as err:
        msg = Said(
            N_(
                "drawing a Gantt chart needs matplotlib, which is not installed ({err}); install "
                "it with: pip install 'ngayhoi[plot]' (in a clone: pip install '.[plot]')"
            ),
            err=err,
        )
        raise ExportError(msg) from err
    chart = _chart(schedule, rows, width, day)
    size = (chart.width, 2.6 + (len(rows) + 0.6 * chart.lanes) * _ROW_INCHES)
    with mpl.rc_context(
        {
            "font.family": "DejaVu Sans",
            "svg.fonttype": "none",  # text stays text: searchable, selectable
            "text.parse_math": False,  # a title's "$x$" is dollars and an x, not a formula
            "svg.hashsalt": "ngayhoi",  # the same chart gives the same file
            "pdf.fonttype": 42,  # TrueType embedded: Vietnamese text that prints and copies
            "hatch.linewidth": 0.7,
        }
    ):
        fig = Figure(figsize=size, dpi=_DPI, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        _draw_rows(ax, chart)
        bars = _draw_bars(ax, chart)
        _draw_marks(ax, chart)
        _draw_routes(ax, chart)
        _draw_axes(ax, chart)
        _draw_legend(fig, chart)
        fest = schedule.festival
        fig.suptitle(title if title is not None else _default_title(schedule, day), fontsize=15)
        drawn = sum(1 for a in chart.ids if a in schedule.slots)
        ax.set_title(
            f"{len(rows)} điểm tổ chức · {drawn} hoạt động · "
            f"{len(chart.delegations)} đoàn đi dự · {_zone_label(fest.timezone)}",
            loc="left",
            fontsize=9,
            color="#555555",
        )
        fig.draw_without_rendering()  # lay out first, so labels can be fitted to their bars
        fig.set_layout_engine("none")  # keep the layout the labels were fitted to
        _label_bars(ax, bars)
        buffer = io.BytesIO()
        metadata = {
            "svg": {"Date": None},
            "png": {"Software": None},
            "pdf": {"CreationDate": None, "Producer": None, "Creator": "ngayhoi"},
        }[fmt]
        fig.savefig(buffer, format=fmt, dpi=_DPI, metadata=metadata)
    return buffer.getvalue()


def _default_title(schedule: Schedule, day: dt.date | None = None) -> str:
    """The festival's name and its day, or its days; a day of several says which it is.

    >>> import ngayhoi
    >>> sched = ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation(), time_limit=0.1)
    >>> _default_title(sched)
    'Ngày hội toàn dân bảo vệ an ninh Tổ quốc, Chủ nhật, 06/08/2023'
    """
    days = schedule.festival.days
    if day is not None:
        when = vietnamese_date(day)
        if len(days) > 1:
            when += f" (ngày {days.index(day) + 1}/{len(days)})"
    else:
        when = vietnamese_date(days[0])
        if len(days) > 1:
            when += f" – {vietnamese_date(days[-1])}"
    return f"{_plain(schedule.festival.name, _TITLE)}, {when}"


def _visible(
    schedule: Schedule, part: Slot | Leg, ids: frozenset[str], day: dt.date | None
) -> bool:
    """Whether a piece of an itinerary is on the chart: a visit drawn, or a drive that day."""
    if isinstance(part, Slot):
        return part.activity in ids
    return day is None or _local_day(schedule, part.depart) == day


def _chart(
    schedule: Schedule, rows: list[GanttRow], width: float | None, day: dt.date | None = None
) -> _Chart:
    fest = schedule.festival
    ids = frozenset(a for row in rows for a in row.activities)
    shown = [s for s in schedule.values() if s.activity in ids]
    times = [fest.minute(s.start) for s in shown] + [fest.minute(s.end) for s in shown]
    delegations = tuple(
        d
        for d in schedule.delegations()
        if any(isinstance(part, Slot) and part.activity in ids for part in schedule.itinerary(d.id))
    )
    for delegation in delegations:
        for part in schedule.itinerary(delegation.id):
            if isinstance(part, Leg) and _visible(schedule, part, ids, day):
                times += [fest.minute(part.depart), fest.minute(part.arrive)]
    step = 15
    x0 = (min(times) - 5) // step * step
    x1 = -((-max(times) - 5) // step) * step
    if width is None:
        hours = (x1 - x0) / 60
        width = min(_MAX_WIDTH, max(12.0, _LABEL_INCHES + hours * _HOUR_INCHES))
    return _Chart(
        schedule=schedule,
        rows=rows,
        y={row.site: n for n, row in enumerate(rows)},
        x0=x0,
        x1=x1,
        width=width,
        marks=_top_marks(schedule, x0, x1, width, ids=ids, day=day),
        day=day,
        ids=ids,
        delegations=delegations,
    )


def _draw_rows(ax: Axes, chart: _Chart) -> None:
    """Shade every other commune, and rule a line between communes."""
    shade = False
    for n, row in enumerate(chart.rows):
        first = n == 0 or chart.rows[n - 1].unit != row.unit
        if first:
            shade = not shade
            if n:
                ax.axhline(n - 0.5, color="#b8bec8", linewidth=0.8, zorder=1)
        if shade:
            ax.axhspan(n - 0.5, n + 0.5, color=_BAND, linewidth=0, zorder=0)


@plain_repr
@attrs.frozen(repr=False)
class _Bar:
    """A bar drawn, waiting for its label."""

    title: str
    kind: ActivityKind
    x0: float
    x1: float
    y: float


def _draw_bars(ax: Axes, chart: _Chart) -> list[_Bar]:
    fest = chart.schedule.festival
    bars: list[_Bar] = []
    for row in chart.rows:
        y = chart.y[row.site]
        for activity_id in row.activities:
            slot = chart.schedule.slots.get(activity_id)
            if slot is None:
                continue
            act = fest.activity(activity_id)
            x0, x1 = fest.minute(slot.start), fest.minute(slot.end)
            ax.barh(
                y,
                x1 - x0,
                left=x0,
                height=_BAR_HEIGHT,
                color=_PART_COLOURS[act.kind.part],
                edgecolor=_EDGE,
                linewidth=0.6,
                zorder=2,
            )
            if act.outdoor:
                _hatch(ax, x0, x1, y)
            title = worded_title(fest, act.id, slot.start.in_timezone(fest.timezone).date())
            bars.append(_Bar(title=_plain(title, _TEXT), kind=act.kind, x0=x0, x1=x1, y=y))
    return bars


def _hatch(ax: Axes, x0: float, x1: float, y: float) -> None:
    """Hatch a bar in a faint colour of its own, keeping its outline and its label clear."""
    ax.barh(
        y,
        x1 - x0,
        left=x0,
        height=_BAR_HEIGHT,
        color="none",
        edgecolor=_HATCH_COLOUR,
        linewidth=0,
        hatch=_HATCH,
        zorder=2.1,
    )


def _label_candidates(title: str, kind: ActivityKind) -> list[str]:
    """The labels to try in a bar, longest first.

    The kind's short name stands in for a long title; a title of no known
    kind is cut after a word.

    >>> _label_candidates("Công bố quyết định và trao khen thưởng", ActivityKind.AWARD_CEREMONY)
    ['Công bố quyết định và trao khen thưởng', 'Khen thưởng']
    >>> _label_candidates("Thi vẽ tranh", ActivityKind.OTHER)
    ['Thi vẽ tranh', 'Thi vẽ…', 'Thi…']
    """
    short = _SHORT_LABELS.get(kind)
    if short is not None:
        return [title, short]
    words = title.split()
    return [title, *(" ".join(words[:n]) + "…" for n in range(len(words) - 1, 0, -1))]


def _label_bars(ax: Axes, bars: Sequence[_Bar]) -> None:
    """Write in every bar the longest label that fits it; leave narrow bars bare.

    Labels lie above the delegations' routes, on a white halo: a drive that
    crosses a row never hides a bar's name. Call it once the figure is laid
    out: it measures the labels against the bars.
    """
    from matplotlib import patheffects  # noqa: PLC0415 - optional extra

    halo = [patheffects.withStroke(linewidth=2.4, foreground="white")]
    scale = ax.transData.transform((1.0, 0.0))[0] - ax.transData.transform((0.0, 0.0))[0]
    pad = 2 * _BAR_PAD * ax.figure.dpi / 72
    for n, bar in enumerate(bars):
        room = (bar.x1 - bar.x0) * scale - pad
        label = ax.text(
            (bar.x0 + bar.x1) / 2,
            bar.y - _LABEL_RISE,
            "",
            ha="center",
            va="center",
            fontsize=_BAR_FONT,
            color="#1d1d1d",
            zorder=_LABEL_Z,
            path_effects=halo,
            gid=f"bar-label-{n}",
        )
        label.set_in_layout(False)
        candidates = _label_candidates(bar.title, bar.kind)
        tries = [(text, _BAR_FONT) for text in candidates] + [(candidates[-1], _SMALL_BAR_FONT)]
        for text, size in tries:
            label.set_text(text)
            label.set_fontsize(size)
            if label.get_window_extent().width <= room:
                break
        else:
            label.remove()


@plain_repr
@attrs.frozen(repr=False)
class _Mark:
    """A vertical line across every row, with its text above the first."""

    minute: int
    text: str
    colour: str
    style: _LineStyle
    lane: int = 0
    right: bool = True  # whether the text runs right of the line


_MARK_FONT = 8.5


def _top_marks(
    schedule: Schedule,
    x0: float,
    x1: float,
    width: float,
    *,
    ids: frozenset[str],
    day: dt.date | None,
) -> list[_Mark]:
    """The simultaneous starts and online bridges, and the end of the outdoor hours.

    Their texts share a lane above the first row where they do not overlap.
    """
    fest = schedule.festival
    marks: list[_Mark] = []
    for group in fest.sync_groups:
        starts = [
            fest.minute(schedule.slots[a].start)
            for a in group.activities
            if a in schedule.slots and a in ids
        ]
        if not starts:
            continue
        minute = min(starts)
        kind = "" if group.kind is SyncKind.SIMULTANEOUS else "điểm cầu trực tuyến, "
        marks.append(
            _Mark(
                minute=minute,
                text=(
                    f"{_hhmm(schedule, minute, day)}  {_plain(group.title, _TEXT)} – "
                    f"{kind}{len(starts)} điểm"
                ),
                colour=_SYNC_COLOUR,
                style="--",
            )
        )
    if fest.outdoor_until is not None:
        days = sorted(
            {
                _day_of(schedule, a.id)
                for a in fest.activities
                if a.outdoor and a.id in schedule.slots and a.id in ids
            }
        )
        for outdoor_day in days:
            minute = fest.minute(fest.local(outdoor_day, fest.outdoor_until))
            marks.append(
                _Mark(
                    minute=minute,
                    text=f"{_hhmm(schedule, minute, day)}  hết giờ hoạt động ngoài trời",
                    colour=_HEAT_COLOUR,
                    style=":",
                )
            )
    return _lanes(sorted(marks, key=lambda m: m.minute), x0, x1, width)


def _lanes(marks: list[_Mark], x0: float, x1: float, width: float) -> list[_Mark]:
    """Give every mark the first lane its text fits in, judging text widths roughly."""
    minutes_per_inch = (x1 - x0) / max(1.0, width - _LABEL_INCHES)
    char = 0.6 * _MARK_FONT / 72 * minutes_per_inch  # minutes a character takes, about
    taken: list[list[tuple[float, float]]] = []
    out: list[_Mark] = []
    for mark in marks:
        right = mark.minute <= (x0 + x1) / 2
        length = (len(mark.text) + 2) * char
        span = (mark.minute, mark.minute + length) if right else (mark.minute - length, mark.minute)
        lane = next(
            (
                n
                for n, spans in enumerate(taken)
                if all(span[1] < a or b < span[0] for a, b in spans)
            ),
            len(taken),
        )
        if lane == len(taken):
            taken.append([])
        taken[lane].append(span)
        out.append(attrs.evolve(mark, lane=lane, right=right))
    return out


def _hhmm(schedule: Schedule, minute: float, day: dt.date | None = None) -> str:
    fest = schedule.festival
    when = fest.at(round(minute))
    return (
        when.format("DD/MM HH:mm") if len(fest.days) > 1 and day is None else when.format("HH:mm")
    )


def _lane_y(lane: int) -> float:
    return -0.5 - 0.6 * (lane + 0.5)


def _draw_marks(ax: Axes, chart: _Chart) -> None:
    bottom = len(chart.rows) - 0.5
    for mark in chart.marks:
        y = _lane_y(mark.lane)
        ax.vlines(
            mark.minute,
            y,
            bottom,
            colors=mark.colour,
            linestyles=mark.style,
            linewidth=1.3,
            zorder=3.5,
        )
        ax.text(
            mark.minute + (1.5 if mark.right else -1.5),
            y,
            mark.text,
            ha="left" if mark.right else "right",
            va="center",
            fontsize=_MARK_FONT,
            color=mark.colour,
            zorder=3.5,
        ).set_in_layout(False)


_Point = tuple[float, float]


@plain_repr
@attrs.frozen(repr=False)
class _Segment:
    """A piece of a delegation's route: a visit, a drive or a wait, or a drive off the chart.

    ``home`` is the end (0 or 1) of an ``away`` segment that lies off the chart.
    """

    kind: Literal["visit", "move", "away"]
    points: tuple[_Point, _Point]
    home: int | None = None


def _route(chart: _Chart, resource_id: str, offset: float) -> list[_Segment]:
    """A delegation's itinerary as segments between (minute, row) points.

    A leg to or from a site without a row (the delegation's home) is drawn
    along the row at its other end.
    """
    fest = chart.schedule.festival
    out: list[_Segment] = []
    here: _Point | None = None
    for part in chart.schedule.itinerary(resource_id):
        if not _visible(chart.schedule, part, chart.ids, chart.day):
            here = None
            continue
        if isinstance(part, Slot):
            y = chart.y[fest.activity(part.activity).site] + offset
            start: _Point = (fest.minute(part.start), y)
            if here is not None and here != start:
                out.append(_Segment("move", (here, start)))
            here = (fest.minute(part.end), y)
            out.append(_Segment("visit", (start, here)))
            continue
        origin, destination = chart.y.get(part.origin), chart.y.get(part.destination)
        known = [row for row in (origin, destination) if row is not None]
        if not known:
            here = None
            continue
        depart = (fest.minute(part.depart), (known[0] if origin is None else origin) + offset)
        here = (
            fest.minute(part.arrive),
            (known[0] if destination is None else destination) + offset,
        )
        if origin is not None and destination is not None:
            out.append(_Segment("move", (depart, here)))
        else:
            out.append(_Segment("away", (depart, here), home=0 if origin is None else 1))
    return out


def _route_style(k: int) -> tuple[str, _LineStyle]:
    """The colour and line style of the ``k``-th delegation."""
    return _ROUTE_COLOURS[k % len(_ROUTE_COLOURS)], _ROUTE_STYLES[
        k // len(_ROUTE_COLOURS) % len(_ROUTE_STYLES)
    ]


def _offsets(count: int) -> list[float]:
    """Where in its row each delegation's route runs: in the lower part of the bars.

    Below the bars' labels, and apart from each other where two share a visit.
    """
    if count == 1:
        return [0.26]
    return [0.16 + 0.16 * k / (count - 1) for k in range(count)]


def _draw_routes(ax: Axes, chart: _Chart) -> None:
    from matplotlib import patheffects  # noqa: PLC0415 - optional extra

    halo = [patheffects.Stroke(linewidth=4.4, foreground="white"), patheffects.Normal()]
    delegations = chart.delegations
    for k, (delegation, offset) in enumerate(
        zip(delegations, _offsets(len(delegations)), strict=True)
    ):
        colour, style = _route_style(k)
        for n, segment in enumerate(_route(chart, delegation.id, offset)):
            (xa, ya), (xb, yb) = segment.points
            if segment.kind == "visit":
                ax.plot(
                    [xa, xb],
                    [ya, yb],
                    color=colour,
                    linewidth=4.2,
                    solid_capstyle="butt",
                    marker="o",
                    markersize=4.5,
                    zorder=_ROUTE_Z + 0.5,
                    gid=f"route-{k}-{n}",
                )
            elif segment.kind == "move":
                ax.plot(
                    [xa, xb],
                    [ya, yb],
                    color=colour,
                    linewidth=2.2,
                    linestyle=style,
                    path_effects=halo,
                    zorder=_ROUTE_Z,
                    gid=f"route-{k}-{n}",
                )
            else:
                ax.plot(
                    [xa, xb],
                    [ya, yb],
                    color=colour,
                    linewidth=1.8,
                    linestyle=":",
                    zorder=_ROUTE_Z,
                    gid=f"route-{k}-{n}",
                )
                home = segment.points[segment.home or 0]
                ax.plot(
                    [home[0]],
                    [home[1]],
                    color=colour,
                    marker="o",
                    markersize=6,
                    markerfacecolor="white",
                    markeredgewidth=1.6,
                    zorder=_ROUTE_Z + 0.6,
                    gid=f"route-{k}-{n}-home",
                )


def _tick_steps(span: float) -> tuple[int, int]:
    """Major and minor tick steps in minutes: round times, at most 16 labels.

    >>> _tick_steps(340), _tick_steps(60), _tick_steps(3000)
    ((30, 10), (10, 5), (360, 60))
    """
    for major, minor in ((10, 5), (15, 5), (30, 10), (60, 15), (120, 30), (180, 60), (360, 60)):
        if span / major <= 16:  # noqa: PLR2004 - labels that fit side by side
            return major, minor
    return 720, 120


def _draw_axes(ax: Axes, chart: _Chart) -> None:
    from matplotlib.ticker import FuncFormatter, MultipleLocator  # noqa: PLC0415 - optional extra

    fest = chart.schedule.festival
    ax.set_xlim(chart.x0, chart.x1)
    ax.set_ylim(len(chart.rows) - 0.5, _lane_y(chart.lanes - 1) - 0.35 if chart.lanes else -0.5)
    ax.set_yticks(range(len(chart.rows)), labels=[row.label for row in chart.rows], fontsize=9)
    ax.tick_params(axis="y", length=0)
    major, minor = _tick_steps(chart.x1 - chart.x0)
    ax.xaxis.set_major_locator(MultipleLocator(major))
    ax.xaxis.set_minor_locator(MultipleLocator(minor))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _hhmm(chart.schedule, v, chart.day)))
    ax.tick_params(axis="x", which="both", top=True, labeltop=True, labelsize=9)
    ax.grid(axis="x", which="major", color="#c3c8cf", linewidth=0.7)
    ax.grid(axis="x", which="minor", color="#e2e5e9", linewidth=0.5)
    ax.set_axisbelow(True)
    ax.set_xlabel(f"Thời gian ({_zone_label(fest.timezone)})", fontsize=9)
    for side in ("left", "right"):
        ax.spines[side].set_visible(False)


def _draw_legend(fig: Figure, chart: _Chart) -> None:
    from matplotlib.lines import Line2D  # noqa: PLC0415 - optional extra
    from matplotlib.patches import Patch  # noqa: PLC0415 - same

    handles: list[Artist] = [
        Patch(facecolor=_PART_COLOURS[part], edgecolor=_EDGE, label=_PART_NAMES[part])
        for part in Part
    ]
    handles.append(
        Patch(facecolor="white", edgecolor=_EDGE, hatch=_HATCH, label="Hoạt động ngoài trời")
    )
    for k, delegation in enumerate(chart.delegations):
        colour, style = _route_style(k)
        handles.append(
            Line2D(
                [],
                [],
                color=colour,
                linewidth=2.2,
                linestyle=style,
                marker="o",
                markersize=4.5,
                label=_plain(delegation.name, _NAME),
            )
        )
    if any(s.kind == "away" for d in chart.delegations for s in _route(chart, d.id, 0.0)):
        handles.append(
            Line2D(
                [],
                [],
                color="#555555",
                linewidth=1.8,
                linestyle=":",
                marker="o",
                markerfacecolor="white",
                markersize=6,
                label="Đi từ / về nơi xuất phát của đoàn",
            )
        )
    if any(mark.colour == _SYNC_COLOUR for mark in chart.marks):
        handles.append(
            Line2D(
                [], [], color=_SYNC_COLOUR, linewidth=1.3, linestyle="--", label="Bắt đầu đồng loạt"
            )
        )
    width = fig.get_figwidth()
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncol=max(1, min(len(handles), int(width // 2.7))),
        fontsize=9,
        frameon=False,
    )


def _zone_label(zone: str) -> str:
    """The zone as a Vietnamese reader says it: "giờ Việt Nam (UTC+7)" for Asia/Ho_Chi_Minh."""
    if zone in {"Asia/Ho_Chi_Minh", "Asia/Saigon"}:
        return "giờ Việt Nam (UTC+7)"
    return f"giờ {zone}"
