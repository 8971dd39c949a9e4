"""Printable run sheets (kịch bản chương trình) for every hosting commune and delegation.

A commune's sheet is what its organising committee and MC hold on the day:
the title block (festival, commune, date, venues), the programme in time order
with who leads each item and where, the awards read out at the ceremony, the
delegation that attends, the simultaneous starts, and the preparation work
before and after the day. A delegation's sheet is its lịch trình: each visit
and each drive between visits, with its members.

Each sheet comes as Markdown or as one self-contained HTML page laid out for
A4 paper. Every piece of plan text is escaped, so no title can add markup or
break a table.

>>> import ngayhoi
>>> sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
>>> sheet = commune_runsheet(sched, "x")
>>> for line in sheet.splitlines():
...     if line.startswith("| 07"):
...         print(line)
| 07:30–07:35 | Lễ chào cờ | — | Hội trường UBND xã Long Hòa |
| 07:37–07:52 | Báo cáo đánh giá phong trào | — | Hội trường UBND xã Long Hòa |
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import attrs
import pendulum

from ngayhoi._records import plain_repr
from ngayhoi.errors import ExportError, PlanError, Said, UnknownReferenceError
from ngayhoi.export._guard import require_feasible
from ngayhoi.files import safe_child, write_together
from ngayhoi.i18n import N_
from ngayhoi.model import AwardForm, Festival, PrepTask, ResourceKind, SyncKind, due_date, due_note
from ngayhoi.model.awards import issuer_rank
from ngayhoi.scheduling.result import Leg, Schedule, Slot
from ngayhoi.templates.roles import ROLE_NAMES
from ngayhoi.templates.terms import Terms, role_wording, terms_for, worded, worded_title
from ngayhoi.text import nfc, one_line, vietnamese_date

if TYPE_CHECKING:
    from ngayhoi.export.documents import Document as documents_Document

__all__ = [
    "ALL_FORMATS",
    "FORMATS",
    "Format",
    "commune_runsheet",
    "delegation_runsheet",
    "worded",
    "write_runsheets",
]

#: The formats a run sheet is written in: Markdown and a printable HTML page by default,
#: and PDF (through WeasyPrint) and DOCX (python-docx) with the ``documents`` extra.
Format = Literal["md", "html", "pdf", "docx"]
FORMATS: tuple[Format, ...] = ("md", "html")
ALL_FORMATS: tuple[Format, ...] = ("md", "html", "pdf", "docx")

_DASH = "—"
_MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập – Tự do – Hạnh phúc")
_AWARD_ORDER = {form: rank for rank, form in enumerate(AwardForm)}  # highest first


# -- the document, before it is rendered -------------------------------------


@plain_repr
@attrs.frozen(repr=False)
class _Cell:
    """A table cell: its text and smaller notes under it."""

    text: str
    notes: tuple[str, ...] = ()


@plain_repr
@attrs.frozen(repr=False)
class _AwardGroup:
    """The awards to collectives, or to individuals, as read out."""

    label: str
    lines: tuple[tuple[str, str], ...]  # (recipient, award and reason)


@plain_repr
@attrs.frozen(repr=False)
class _Awards:
    """The awards presented at one ceremony."""

    ceremony: str
    time: str
    groups: tuple[_AwardGroup, ...]


@plain_repr
@attrs.frozen(repr=False)
class _Row:
    """A row: an item, a travel leg, or a heading spanning the table (a day, a period)."""

    cells: tuple[_Cell, ...]
    kind: Literal["item", "leg", "group"] = "item"
    awards: _Awards | None = None


@plain_repr
@attrs.frozen(repr=False)
class _Table:
    """A titled table."""

    heading: str
    css: str
    columns: tuple[str, ...]
    widths: tuple[int, ...]  # percent of the page width
    rows: tuple[_Row, ...]
    empty: str


@plain_repr
@attrs.frozen(repr=False)
class _Sheet:
    """A whole run sheet."""

    issuer: tuple[str, ...]
    title: str
    subtitle: str
    facts: tuple[tuple[str, tuple[str, ...]], ...]
    tables: tuple[_Table, ...]
    place_date: str = ""
    signature: tuple[str, ...] = ()


# -- public API ----------------------------------------------------------------


def commune_runsheet(schedule: Schedule, unit_id: str, *, fmt: Format = "md") -> str:
    """The programme of one hosting commune, at all its sites, as Markdown or HTML.

    The sheet holds the title block (festival, commune, date, venues), the
    programme in time order (Thời gian, Nội dung, Người phụ trách, Địa điểm)
    with the awards read out under each ceremony, the delegation attending and
    the simultaneous starts noted, and the commune's preparation tasks before
    and after the day (Công việc chuẩn bị).

    Raises:
        NotScheduledError: if the schedule has no feasible times.
        ExportError: if ``fmt`` is not a format.
        UnknownReferenceError: if the unit hosts no activity.

    >>> import ngayhoi
    >>> sched = ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation())
    >>> page = commune_runsheet(sched, "b", fmt="html")
    >>> page.startswith("<!DOCTYPE html>"), '<html lang="vi">' in page
    (True, True)
    >>> "Đoàn dự: Đoàn 1" in page
    True
    """
    return _render(_commune_sheet(schedule, unit_id), fmt)


def delegation_runsheet(schedule: Schedule, resource_id: str, *, fmt: Format = "md") -> str:
    """A delegation's itinerary (lịch trình): its members, each visit and each drive.

    Raises:
        NotScheduledError: if the schedule has no feasible times.
        ExportError: if ``fmt`` is not a format.
        UnknownReferenceError: if ``resource_id`` is not a delegation of the plan.

    >>> import ngayhoi
    >>> sched = ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation())
    >>> sheet = delegation_runsheet(sched, "doan-1")
    >>> for line in sheet.splitlines():
    ...     if line.startswith("| 08"):
    ...         print(line)
    | 08:00–08:15 | Trao thưởng | Xã A | Hội trường UBND xã A |
    | 08:15–08:40 | Di chuyển Hội trường UBND xã A → Hội trường UBND xã B, 25 phút |  |  |
    | 08:40–08:55 | Trao thưởng | Xã B | Hội trường UBND xã B |
    """
    return _render(_delegation_sheet(schedule, resource_id), fmt)


def write_runsheets(
    schedule: Schedule, folder: Path | str, *, formats: Sequence[Format] = FORMATS
) -> list[Path]:
    """Write ``runsheet-<id>.<fmt>`` for every hosting commune and every delegation in use.

    Every sheet is rendered first, then all are written together or none is
    (see :func:`~ngayhoi.files.write_together`), UTF-8 encoded.

    Returns:
        The paths written: the communes in plan order, then the delegations.

    Raises:
        NotScheduledError: if the schedule has no feasible times.
        ExportError: if a format is unknown, a commune and a delegation share an id,
            the folder cannot be written, or a sheet would replace a file ngayhoi
            did not write.

    >>> import ngayhoi, pathlib, tempfile
    >>> sched = ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation())
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> [p.name for p in write_runsheets(sched, out, formats=["html"])]
    ['runsheet-a.html', 'runsheet-b.html', 'runsheet-doan-1.html']
    """
    _check_times(schedule)
    for fmt in formats:
        _check_format(fmt)
    fest = schedule.festival
    sheets = [(unit.id, _commune_sheet(schedule, unit.id)) for unit in fest.hosts()]
    sheets += [(res.id, _delegation_sheet(schedule, res.id)) for res in schedule.delegations()]
    seen: set[str] = set()
    for ident, _sheet in sheets:
        if ident in seen:
            msg = Said(
                N_(
                    "festival '{id}': a commune and a delegation both have the id '{ident}', so "
                    "both run sheets would be runsheet-{ident}; rename the delegation"
                ),
                id=fest.id,
                ident=ident,
            )
            raise ExportError(msg)
        seen.add(ident)
    rendered = [
        (safe_child(Path(folder), f"runsheet-{ident}.{fmt}").name, _render_bytes(sheet, fmt))
        for ident, sheet in sheets
        for fmt in formats
    ]
    return write_together(Path(folder), rendered)


# -- building the sheets ---------------------------------------------------------


def _check_times(schedule: Schedule) -> None:
    require_feasible(schedule, "print")


def _check_format(fmt: str) -> None:
    if fmt not in ALL_FORMATS:
        msg = Said(
            N_("run sheet format {fmt!r} is not one of {names}"),
            fmt=fmt,
            names=", ".join(ALL_FORMATS),
        )
        raise ExportError(msg)


def _commune_sheet(schedule: Schedule, unit_id: str) -> _Sheet:
    _check_times(schedule)
    fest = schedule.festival
    unit = fest.unit(unit_id)
    slots = schedule.for_unit(unit_id)
    if not slots:
        raise UnknownReferenceError(
            item_kind="run sheet",
            item_id=fest.id,
            ref_kind="hosting unit",
            ref=unit_id,
            valid=[u.id for u in fest.hosts()],
        )
    site_ids = list(dict.fromkeys(fest.activity(s.activity).site for s in slots))
    days = _days(fest, slots)
    terms = _terms(unit.kind, days[0])
    times = [
        f"{vietnamese_date(d)}, từ {_hhmm(fest, on[0].start)} đến "
        f"{_hhmm(fest, max(s.end for s in on))}"
        for d in days
        if (on := [s for s in slots if s.start.in_timezone(fest.timezone).date() == d])
    ]
    name = unit.official_name
    # The plan's own names are printed as written; the place-name line uses the short name.
    local, place = name, unit.name
    facts = (
        ("Đơn vị tổ chức", (f"Ban Chỉ đạo 138 {local}" if terms else name,)),
        ("Thời gian", tuple(times)),
        ("Địa điểm", tuple(fest.site(s).location for s in site_ids)),
        ("Thời gian chờ giữa các mục", _idle_text(schedule, site_ids)),
    )
    tasks = sorted(
        (t for t in fest.prep_tasks if t.unit == unit_id),
        key=lambda t: _due(schedule, t),
    )
    first = days[0]
    event = _event_word(fest, slots)
    return _Sheet(
        issuer=(nfc(f"UBND {local}".upper()), "BAN TỔ CHỨC"),
        title=f"CHƯƠNG TRÌNH {event.upper()}",
        subtitle=f"{fest.name} – {local}",
        facts=facts,
        place_date=f"{place}, ngày … tháng {first.month} năm {first.year}",
        signature=("TM. BAN TỔ CHỨC", "TRƯỞNG BAN"),
        tables=(
            _Table(
                heading=f"I. Chương trình {event}",
                css="programme",
                columns=("Thời gian", "Nội dung", "Thực hiện", "Địa điểm"),
                widths=(13, 43, 22, 22),
                rows=tuple(_programme_rows(schedule, slots, multi_day=len(days) > 1, terms=terms)),
                empty="Không có hoạt động.",
            ),
            _Table(
                heading="II. Công việc chuẩn bị",
                css="prep",
                columns=("Thời hạn", "Công việc", "Phụ trách", "Sản phẩm"),
                widths=(20, 46, 18, 16),
                rows=tuple(_prep_rows(schedule, tasks, terms)),
                empty="Không có công việc chuẩn bị nào được giao.",
            ),
            *_rain_table(schedule, slots),
        ),
    )


def _rain_table(schedule: Schedule, slots: Sequence[Slot]) -> tuple[_Table, ...]:
    """III. Phương án dự phòng khi mưa: what moves under a roof, and when it runs there.

    On the rain plan it lists the items moved (they already run at the covered
    venue); on a dry plan, what would move to each site's ``fallback``.
    """
    from ngayhoi.scheduling.weather import RAIN, moves_in_rain  # noqa: PLC0415 - export above

    fest = schedule.festival
    raining = fest.weather == RAIN
    planned = moves_in_rain(fest)
    rows = []
    for slot in slots:
        act = fest.activity(slot.activity)
        if raining and act.moved_from is not None:
            where = (fest.site(act.moved_from).name, fest.site(act.site).name)
        elif not raining and act.id in planned:
            where = tuple(fest.site(s).name for s in planned[act.id])  # type: ignore[assignment]
        else:
            continue
        rows.append(
            _Row(
                cells=(
                    _Cell(_span(fest, slot.start, slot.end)),
                    _Cell(worded_title(fest, act.id, _day_of(fest, slot.start))),
                    _Cell(where[0]),
                    _Cell(where[1]),
                )
            )
        )
    if not rows:
        return ()
    heading = "III. Phương án dự phòng khi mưa"
    return (
        _Table(
            heading=heading + (" (đang áp dụng)" if raining else ""),
            css="rain",
            columns=("Thời gian", "Nội dung", "Địa điểm dự kiến", "Khi mưa chuyển vào"),
            widths=(13, 43, 22, 22),
            rows=tuple(rows),
            empty="",
        ),
    )


def _idle_text(schedule: Schedule, site_ids: list[str]) -> tuple[str, ...]:
    """The minutes the people wait between items, in all and at the longest; forced waits."""
    from ngayhoi.scheduling.checker import (  # noqa: PLC0415 - export sits above
        fixed_time_waits,
        idle_minutes,
    )

    waits = idle_minutes(schedule)
    mins = [m for site in site_ids for _, m in waits.get(site, ())]
    total = f"{sum(mins)} phút (lâu nhất {max(mins, default=0)} phút)"
    fest = schedule.festival
    forced = [
        f"{fest.site(w.site).name}: {w.vietnamese(fest)}"
        for w in fixed_time_waits(schedule, site_ids)
    ]
    return (total, *forced)


def _fixed_notes(schedule: Schedule, slots: Sequence[Slot]) -> dict[str, str]:
    """A note on each item after a wait a fixed time forces ("chờ N phút do giờ cố định …")."""
    from ngayhoi.scheduling.checker import fixed_time_waits  # noqa: PLC0415 - export sits above

    fest = schedule.festival
    sites = {fest.activity(s.activity).site for s in slots}
    return {w.activity: w.vietnamese(fest) for w in fixed_time_waits(schedule, sites)}


def _event_word(fest: Festival, slots: Sequence[Slot]) -> str:
    """The sheet's event: "Hội nghị" when every item is a conference's, else "Ngày hội".

    A conference template's items are "<event>.<key>" (templates/events.py).
    """
    items = [fest.activity(s.activity).item or "" for s in slots]
    meeting = bool(items) and all("." in i for i in items)
    return "Hội nghị" if meeting else "Ngày hội"


def _terms(kind: str, day: pendulum.Date) -> Terms | None:
    try:
        return terms_for(kind, day)
    except PlanError:
        return None


def _programme_rows(
    schedule: Schedule, slots: Sequence[Slot], *, multi_day: bool, terms: Terms | None = None
) -> list[_Row]:
    fest = schedule.festival
    rows: list[_Row] = []
    day: pendulum.Date | None = None
    forced = _fixed_notes(schedule, slots)
    for slot in slots:
        act = fest.activity(slot.activity)
        start = slot.start.in_timezone(fest.timezone)
        if multi_day and start.date() != day:
            day = start.date()
            rows.append(_Row(cells=(_Cell(vietnamese_date(day)),), kind="group"))
        notes = [*_sync_notes(fest, act.id), *_delegation_notes(fest, slot)]
        if act.id in forced:
            note = forced[act.id]
            notes.insert(0, note[0].upper() + note[1:])
        if act.description:
            notes.insert(0, act.description)
        awards = _awards(fest, slot)
        title, lead_text = worded(act.item, act.title, act.lead, terms)
        lead = lead_text or ", ".join(_role_name(fest, r, terms) for r in act.roles) or _DASH
        rows.append(
            _Row(
                cells=(
                    _Cell(_span(fest, slot.start, slot.end)),
                    _Cell(title, tuple(notes)),
                    _Cell(lead),
                    _Cell(fest.site(act.site).name),
                ),
                awards=awards,
            )
        )
    return rows


def _sync_notes(fest: Festival, activity_id: str) -> list[str]:
    notes = []
    here = fest.commune_of(activity_id).id
    for group in fest.sync_groups_of(activity_id):
        others = {fest.commune_of(a).id for a in group.activities} - {here}
        if group.kind is SyncKind.BRIDGE:
            notes.append(f"Điểm cầu trực tuyến: {group.title}")
        elif others:
            notes.append(f"Đồng loạt với {len(others)} đơn vị khác")
        else:
            notes.append(f"Đồng loạt: {group.title}")
    return notes


def _delegation_notes(fest: Festival, slot: Slot) -> list[str]:
    names = []
    for ident in slot.resources:
        res = fest.find_resource(ident)
        if res is not None and res.kind is ResourceKind.DELEGATION:
            names.append(res.name)
    return [f"Đoàn dự: {', '.join(names)}"] if names else []


def _awards(fest: Festival, slot: Slot) -> _Awards | None:
    awards = fest.awards_at(slot.activity)
    if not awards:
        return None
    groups = []
    for label, collective in (("Tập thể", True), ("Cá nhân", False)):
        chosen = sorted(
            (a for a in awards if a.collective is collective),
            key=lambda a: (issuer_rank(a.issuer.title), _AWARD_ORDER[a.form]),
        )
        if chosen:
            lines = tuple(
                (
                    a.recipient,
                    a.title
                    + (f" ({a.reason})" if a.reason else "")
                    + (f"; người trao: {a.presenter}" if a.presenter else ""),
                )
                for a in chosen
            )
            groups.append(_AwardGroup(label=f"{label} ({len(chosen)})", lines=lines))
    return _Awards(
        ceremony=worded_title(fest, slot.activity, _day_of(fest, slot.start)),
        time=_span(fest, slot.start, slot.end),
        groups=tuple(groups),
    )


def _prep_rows(
    schedule: Schedule, tasks: Sequence[PrepTask], terms: Terms | None = None
) -> list[_Row]:
    fest = schedule.festival
    first, last = fest.days[0], fest.days[-1]
    rows: list[_Row] = []
    period = ""
    for task in tasks:
        due = _due(schedule, task)
        now = (
            "Trước Ngày hội" if due < first else "Sau Ngày hội" if due > last else "Trong Ngày hội"
        )
        if now != period:
            period = now
            rows.append(_Row(cells=(_Cell(period),), kind="group"))
        rows.append(
            _Row(
                cells=(
                    _Cell(vietnamese_date(due)),
                    _Cell(_moved(fest, task)),
                    _Cell(_role_name(fest, task.owner, terms)),
                    _Cell(task.deliverable or _DASH),
                )
            )
        )
    return rows


def _moved(fest: Festival, task: PrepTask) -> str:
    """The task's title, with why its deadline moved to a working day."""
    note = due_note(fest, task)
    return f"{task.title} (hạn {note})" if note else task.title


def _role_name(fest: Festival, role_id: str, terms: Terms | None) -> str:
    name = fest.resource(role_id).name
    if terms is None or role_id not in ROLE_NAMES or name != ROLE_NAMES[role_id]:
        return name
    return role_wording(role_id, terms) or name


def _due(schedule: Schedule, task: PrepTask) -> pendulum.Date:
    found = schedule.prep.get(task.id)
    return found.due if found is not None else due_date(schedule.festival, task)


def _delegation_sheet(schedule: Schedule, resource_id: str) -> _Sheet:
    _check_times(schedule)
    fest = schedule.festival
    res = fest.find_resource(resource_id)
    if res is None or res.kind is not ResourceKind.DELEGATION:
        raise UnknownReferenceError(
            item_kind="run sheet",
            item_id=fest.id,
            ref_kind="delegation",
            ref=resource_id,
            valid=[r.id for r in fest.resources if r.kind is ResourceKind.DELEGATION],
        )
    parts = schedule.itinerary(resource_id)
    visits = [p for p in parts if isinstance(p, Slot)]
    days = _days(fest, visits) if visits else list(fest.days)
    facts: list[tuple[str, tuple[str, ...]]] = [
        ("Đoàn", (res.name,)),
        ("Thành phần", res.members or (_DASH,)),
        ("Thời gian", (", ".join(vietnamese_date(d) for d in days),)),
    ]
    if res.home is not None:
        facts.append(("Xuất phát", (fest.site(res.home).location,)))
    if res.description:
        facts.append(("Ghi chú", (res.description,)))
    return _Sheet(
        issuer=(nfc((fest.organiser or "Ban tổ chức Ngày hội").upper()),),
        title="LỊCH TRÌNH",
        subtitle=fest.name,
        facts=tuple(facts),
        tables=(
            _Table(
                heading="Các điểm dự và di chuyển",
                css="itinerary",
                columns=("Thời gian", "Nội dung", "Đơn vị", "Địa điểm"),
                widths=(14, 40, 18, 28),
                rows=tuple(_itinerary_rows(fest, parts, multi_day=len(days) > 1)),
                empty="Đoàn không dự hoạt động nào.",
            ),
        ),
    )


def _itinerary_rows(fest: Festival, parts: Iterable[Slot | Leg], *, multi_day: bool) -> list[_Row]:
    rows: list[_Row] = []
    day: pendulum.Date | None = None
    arrived: pendulum.DateTime | None = None
    for part in parts:
        start = (part.depart if isinstance(part, Leg) else part.start).in_timezone(fest.timezone)
        if multi_day and start.date() != day:
            day = start.date()
            rows.append(_Row(cells=(_Cell(vietnamese_date(day)),), kind="group"))
        if isinstance(part, Leg):
            origin, destination = fest.site(part.origin), fest.site(part.destination)
            text = f"Di chuyển {origin.name} → {destination.name}, {part.minutes} phút"
            rows.append(
                _Row(
                    cells=(_Cell(_span(fest, part.depart, part.arrive)), _Cell(text)),
                    kind="leg",
                )
            )
            arrived = part.arrive
            continue
        act = fest.activity(part.activity)
        notes: list[str] = []
        if arrived is not None and arrived < part.start:
            notes.append(
                f"Đến lúc {_hhmm(fest, arrived)}, chờ "
                f"{int((part.start - arrived).total_seconds() // 60)} phút"
            )
        arrived = None
        rows.append(
            _Row(
                cells=(
                    _Cell(_span(fest, part.start, part.end)),
                    _Cell(worded_title(fest, act.id, _day_of(fest, part.start)), tuple(notes)),
                    _Cell(fest.commune_of(act.id).official_name),
                    _Cell(fest.site(act.site).location),
                )
            )
        )
    return rows


def _days(fest: Festival, slots: Iterable[Slot]) -> list[pendulum.Date]:
    return sorted({s.start.in_timezone(fest.timezone).date() for s in slots})


def _hhmm(fest: Festival, when: pendulum.DateTime) -> str:
    return when.in_timezone(fest.timezone).format("HH:mm")


def _day_of(fest: Festival, when: pendulum.DateTime) -> dt.date:
    """The festival's local day of ``when``."""
    day: dt.date = when.in_timezone(fest.timezone).date()
    return day


def _span(fest: Festival, start: pendulum.DateTime, end: pendulum.DateTime) -> str:
    return f"{_hhmm(fest, start)}–{_hhmm(fest, end)}"


# -- rendering -------------------------------------------------------------------


def _render(sheet: _Sheet, fmt: str) -> str:
    _check_format(fmt)
    if fmt not in FORMATS:
        msg = Said(N_("run sheet format {fmt!r} is binary; write it with write_runsheets"), fmt=fmt)
        raise ExportError(msg)
    return nfc(_html(sheet) if fmt == "html" else _markdown(sheet))


def _render_bytes(sheet: _Sheet, fmt: str) -> bytes:
    _check_format(fmt)
    from ngayhoi.export import documents  # noqa: PLC0415 - its engines are an extra

    if fmt == "pdf":
        return documents.to_pdf(_html(sheet))
    if fmt == "docx":
        return documents.to_docx(_as_document(sheet))
    return _render(sheet, fmt).encode("utf-8")


def _as_document(sheet: _Sheet) -> documents_Document:
    from ngayhoi.export.documents import Document, Paragraph, Table  # noqa: PLC0415

    blocks: list[Paragraph | Table] = [
        Paragraph(f"{label}: {'; '.join(values)}") for label, values in sheet.facts
    ]
    for table in sheet.tables:
        blocks.append(Paragraph(table.heading, "heading-left"))
        rows = []
        for row in table.rows:
            cells = [" — ".join([c.text, *c.notes]) for c in row.cells]
            rows.append(tuple(cells + [""] * (len(table.columns) - len(cells))))
            if row.awards is not None:
                for group in row.awards.groups:
                    lines = "; ".join(f"{who} ({what})" for who, what in group.lines)
                    rows.append(("", f"{group.label}: {lines}", "", ""))
        if not rows:
            blocks.append(Paragraph(table.empty))
            continue
        blocks.append(Table(table.columns, tuple(rows), table.widths))
    return Document(
        name="runsheet",
        parent=sheet.issuer[0] if len(sheet.issuer) > 1 else "",
        issuer=sheet.issuer[-1],
        number="",
        place_date=sheet.place_date,
        title=sheet.title,
        subject=sheet.subtitle,
        blocks=tuple(blocks),
        signature=sheet.signature,
        recipients=(),
    )


_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_MD_LEADING = re.compile(r"^(?:([#+\-=])|(\d+)([.)]))")


def _md(text: str) -> str:
    r"""Plan text as literal Markdown: one line, markup characters escaped.

    >>> _md("1. <b>A | B</b>\n# C")
    '1\\. \\<b\\>A \\| B\\</b\\> # C'
    """
    flat = _MD_ENTITY.sub("\\&", _MD_INLINE.sub(r"\\\1", one_line(text)))
    return _MD_LEADING.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", flat)


def _md_cell(cell: _Cell) -> str:
    return " — ".join([_md(cell.text), *(f"*{_md(n)}*" for n in cell.notes)])


def _markdown(sheet: _Sheet) -> str:
    out = [" – ".join(_md(line) for line in sheet.issuer[:-1]), f"**{_md(sheet.issuer[-1])}**", ""]
    out += [f"**{_md(_MOTTO[0])}**", f"**{_md(_MOTTO[1])}**", ""]
    if sheet.place_date:
        out += [f"*{_md(sheet.place_date)}*", ""]
    out += [f"# {_md(sheet.title)}", "", f"**{_md(sheet.subtitle)}**", ""]
    for label, values in sheet.facts:
        if len(values) == 1:
            out.append(f"- **{_md(label)}:** {_md(values[0])}")
        else:
            out.append(f"- **{_md(label)}:**")
            out += [f"  - {_md(v)}" for v in values]
    for table in sheet.tables:
        out += ["", f"## {_md(table.heading)}", ""]
        out += _markdown_table(table)
    if sheet.signature:
        out += ["", *(f"**{_md(line)}**" for line in sheet.signature)]
    return "\n".join(out) + "\n"


def _markdown_table(table: _Table) -> list[str]:
    if not table.rows:
        return [_md(table.empty)]
    width = len(table.columns)
    out = [
        "| " + " | ".join(_md(c) for c in table.columns) + " |",
        "|" + "|".join("---" for _ in table.columns) + "|",
    ]
    awards: list[_Awards] = []
    for row in table.rows:
        if row.kind == "group":
            cells = [f"**{_md(row.cells[0].text)}**"]
        else:
            cells = [_md_cell(c) for c in row.cells]
        if row.awards is not None:
            cells[1] += " — *Danh sách khen thưởng: xem bên dưới*"
            awards.append(row.awards)
        cells += [""] * (width - len(cells))
        out.append("| " + " | ".join(cells) + " |")
    for found in awards:
        out += ["", f"### Danh sách khen thưởng – {_md(found.ceremony)} ({found.time})"]
        for group in found.groups:
            out += ["", f"**{_md(group.label)}**", ""]
            out += [
                f"{n}. **{_md(who)}** — {_md(what)}"
                for n, (who, what) in enumerate(group.lines, start=1)
            ]
    return out


def _h(text: str) -> str:
    """Plan text as literal HTML: one line, ``<``, ``>``, ``&`` and quotes escaped."""
    return html.escape(one_line(text), quote=True)


_CSS = """
@page { size: A4; margin: 15mm 15mm 15mm 20mm; }
* { box-sizing: border-box; }
html { background: #fff; color: #000; }
body {
  margin: 0 auto; width: 100%; max-width: 210mm; padding: 15mm 15mm 15mm 20mm;
  font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", serif;
  font-size: 12.5pt; line-height: 1.35; background: #fff;
}
.masthead {
  display: flex; justify-content: space-between; align-items: flex-start; gap: 6mm;
  margin-bottom: 9mm; font-size: 12pt;
}
.masthead div { text-align: center; }
.masthead .issuer { flex: 1 1 auto; text-wrap: balance; }
.masthead .motto { flex: 0 0 auto; white-space: nowrap; }
.masthead p { margin: 0; }
.masthead .issuer p:last-child, .masthead .motto p:first-child { font-weight: bold; }
.masthead .issuer p:last-child, .masthead .motto p:last-child {
  display: inline-block; border-bottom: 0.75pt solid #000; padding-bottom: 1pt;
}
.masthead .motto p:last-child { font-weight: bold; }
h1 { font-size: 16pt; text-align: center; margin: 0 0 1.5mm; letter-spacing: 0.4pt; }
.subtitle { text-align: center; font-weight: bold; margin: 0 0 6mm; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 1mm 4mm; margin: 0 0 5mm; }
dl.facts dt { font-weight: bold; }
dl.facts dt::after { content: ":"; }
dl.facts dd { margin: 0; }
dl.facts ul { margin: 0; padding-left: 5mm; }
h2 { font-size: 13.5pt; margin: 6mm 0 2mm; break-after: avoid; page-break-after: avoid; }
table.sheet { width: 100%; border-collapse: collapse; font-size: 11.5pt; }
table.sheet th, table.sheet td {
  border: 0.75pt solid #000; padding: 1.3mm 2mm; vertical-align: top; text-align: left;
}
table.sheet thead th { background: #e6e6e6; text-align: center; }
table.sheet td.time { white-space: nowrap; font-variant-numeric: tabular-nums; }
table.sheet tr { break-inside: avoid; page-break-inside: avoid; }
table.sheet tr.group td { background: #f2f2f2; font-weight: bold; }
table.sheet tr.leg td { font-style: italic; color: #222; }
table.sheet tr.has-awards td { border-bottom: none; }
table.sheet tr.awards td { border-top: none; padding-top: 0; }
.note { font-size: 10.5pt; font-style: italic; margin-top: 0.6mm; }
.awards p { margin: 1mm 0 0; font-weight: bold; font-size: 11pt; }
.awards p.group { font-weight: normal; font-style: italic; }
.awards ol { margin: 0.3mm 0 1mm; padding-left: 7mm; font-size: 11pt; }
p.empty { font-style: italic; }
p.place-date { text-align: right; font-style: italic; margin: -5mm 0 5mm; }
.signature { margin: 8mm 0 0 auto; width: 45%; text-align: center; font-weight: bold; }
.signature p { margin: 0; }
@media screen {
  html { background: #d9d9d9; }
  body { margin: 8mm auto; box-shadow: 0 0 3mm rgba(0, 0, 0, 0.25); }
}
@media print {
  html, body { background: none; }
  body { max-width: none; padding: 0; margin: 0; box-shadow: none; }
  thead { display: table-header-group; }
  tr, td, th { break-inside: avoid; page-break-inside: avoid; }
  tr.awards { break-before: avoid; page-break-before: avoid; }
}
""".strip()


def _html(sheet: _Sheet) -> str:
    issuer = "".join(f"<p>{_h(line)}</p>" for line in sheet.issuer)
    motto = "".join(f"<p>{_h(line)}</p>" for line in _MOTTO)
    out = [
        "<!DOCTYPE html>",
        '<html lang="vi">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(sheet.title.capitalize())} – {_h(sheet.subtitle)}</title>",
        f"<style>\n{_CSS}\n</style>",
        "</head>",
        "<body>",
        '<header class="masthead">',
        f'<div class="issuer">{issuer}</div>',
        f'<div class="motto">{motto}</div>',
        "</header>",
        f'<p class="place-date">{_h(sheet.place_date)}</p>' if sheet.place_date else "",
        f"<h1>{_h(sheet.title)}</h1>",
        f'<p class="subtitle">{_h(sheet.subtitle)}</p>',
        '<dl class="facts">',
    ]
    for label, values in sheet.facts:
        if len(values) == 1:
            value = _h(values[0])
        else:
            value = "<ul>" + "".join(f"<li>{_h(v)}</li>" for v in values) + "</ul>"
        out.append(f"<dt>{_h(label)}</dt><dd>{value}</dd>")
    out.append("</dl>")
    for table in sheet.tables:
        out += _html_table(table)
    if sheet.signature:
        lines = "".join(f"<p>{_h(line)}</p>" for line in sheet.signature)
        out.append(f'<div class="signature">{lines}</div>')
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def _html_table(table: _Table) -> list[str]:
    out = [f'<section class="{table.css}">', f"<h2>{_h(table.heading)}</h2>"]
    if not table.rows:
        return [*out, f'<p class="empty">{_h(table.empty)}</p>', "</section>"]
    width = len(table.columns)
    out.append('<table class="sheet">')
    out.append(
        "<colgroup>" + "".join(f'<col style="width: {w}%">' for w in table.widths) + "</colgroup>"
    )
    out.append(
        "<thead><tr>"
        + "".join(f'<th scope="col">{_h(c)}</th>' for c in table.columns)
        + "</tr></thead>"
    )
    out.append("<tbody>")
    for row in table.rows:
        out.append(_html_row(row, width))
        if row.awards is not None:
            out.append(_html_awards(row.awards, width))
    out += ["</tbody>", "</table>", "</section>"]
    return out


def _html_row(row: _Row, width: int) -> str:
    if row.kind == "group":
        return f'<tr class="group"><td colspan="{width}">{_h(row.cells[0].text)}</td></tr>'
    cells = []
    last = len(row.cells) - 1
    for n, cell in enumerate(row.cells):
        notes = "".join(f'<div class="note">{_h(note)}</div>' for note in cell.notes)
        css = ' class="time"' if n == 0 else ""
        # A row with fewer cells (a travel leg) stretches its last cell to the table's edge.
        span = f' colspan="{width - n}"' if n == last and n < width - 1 else ""
        cells.append(f"<td{css}{span}>{_h(cell.text)}{notes}</td>")
    css = row.kind + (" has-awards" if row.awards is not None else "")
    return f'<tr class="{css}">' + "".join(cells) + "</tr>"


def _html_awards(awards: _Awards, width: int) -> str:
    parts = ["<p>Danh sách khen thưởng:</p>"]
    for group in awards.groups:
        parts.append(f'<p class="group">{_h(group.label)}</p><ol>')
        parts += [f"<li><strong>{_h(who)}</strong> — {_h(what)}</li>" for who, what in group.lines]
        parts.append("</ol>")
    body = "".join(parts)
    return f'<tr class="awards"><td class="time"></td><td colspan="{width - 1}">{body}</td></tr>'
