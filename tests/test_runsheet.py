"""Run sheets of the 17-commune example: what a commune's MC and a delegation hold on the day."""

from __future__ import annotations

import os
import signal
import subprocess
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import cast

import attrs
import pytest
from PIL import Image  # Pillow comes with matplotlib, a test dependency

import ngayhoi
from ngayhoi.errors import ExportError, UnknownReferenceError
from ngayhoi.export.runsheet import (
    Format,
    commune_runsheet,
    delegation_runsheet,
    worded,
    write_runsheets,
)
from ngayhoi.model import Festival, ResourceKind, due_note
from ngayhoi.scheduling import Leg, Schedule, Slot, Status
from ngayhoi.templates.terms import role_wording, terms_for
from ngayhoi.text import vietnamese_date

from conftest import load_example

CHROMIUM = Path("/usr/bin/chromium")
#: Plan text that would add elements to a page, or rows and headings to a Markdown table.
HOSTILE = '<script>alert("x")</script> | Lễ & "chào" cờ\n| --- | --- |\n## <b>đậm</b> `x` *y*'


# -- reading the pages back ------------------------------------------------------


@dataclass
class Row:
    """A table row as a reader sees it: its classes and the text of each cell."""

    classes: tuple[str, ...]
    cells: list[str] = field(default_factory=list)
    header: bool = False


class Page(HTMLParser):
    """Every element of an HTML page, its tables row by row, and its text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.tables: list[list[Row]] = []
        self.chunks: list[str] = []
        self.style = ""
        self._cell: list[str] | None = None
        self._in: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.elements.append((tag, found))
        if tag in {"style", "title"}:
            self._in.append(tag)
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append(Row(classes=tuple((found.get("class") or "").split())))
        elif tag in {"td", "th"}:
            self._cell = []
            self.tables[-1][-1].header = tag == "th"

    def handle_endtag(self, tag: str) -> None:
        if tag in {"style", "title"} and self._in:
            self._in.pop()
        elif tag in {"td", "th"} and self._cell is not None:
            self.tables[-1][-1].cells.append(" ".join(" ".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "style":
            self.style += data
            return
        self.chunks.append(data)
        if self._cell is not None:
            self._cell.append(data)

    @property
    def text(self) -> str:
        """The page's text, blanks collapsed."""
        return " ".join(" ".join(self.chunks).split())

    def tags(self) -> list[str]:
        """The element names, in document order."""
        return [tag for tag, _ in self.elements]

    def body_rows(self, table: int) -> list[Row]:
        """The rows of one table below its header."""
        return [r for r in self.tables[table] if not r.header]


def one_line(text: str) -> str:
    return " ".join(text.split())


def span(schedule: Schedule, part: Slot | Leg) -> str:
    zone = schedule.festival.timezone
    start, end = (part.depart, part.arrive) if isinstance(part, Leg) else (part.start, part.end)
    return f"{start.in_timezone(zone).format('HH:mm')}–{end.in_timezone(zone).format('HH:mm')}"


def markdown_cells(line: str) -> list[str]:
    """Split a GFM table row into its cells, honouring backslash escapes."""
    cells: list[str] = []
    current = ""
    chars = iter(line.strip())
    for char in chars:
        if char == "\\":
            current += char + next(chars, "")
        elif char == "|":
            cells.append(current.strip())
            current = ""
        else:
            current += char
    cells.append(current.strip())
    return cells[1:-1]  # a row starts and ends with a pipe


def markdown_tables(text: str) -> list[list[list[str]]]:
    """The tables of a Markdown document: rows of cells, the header and delimiter included."""
    tables: list[list[list[str]]] = []
    previous = ""
    for line in text.splitlines():
        if line.startswith("|"):
            if not previous.startswith("|"):
                tables.append([])
            tables[-1].append(markdown_cells(line))
        previous = line
    return tables


# -- the example -------------------------------------------------------------------


@pytest.fixture(scope="module")
def festival() -> Festival:
    fest: Festival = load_example("can_duoc_2023").build()
    return fest


@pytest.fixture(scope="module")
def schedule(festival: Festival) -> Schedule:
    return ngayhoi.schedule(festival).unwrap()


@pytest.fixture(scope="module")
def visited(schedule: Schedule) -> str:
    """A commune whose award ceremony a district delegation attends (the scheduler picks which)."""
    fest = schedule.festival
    for unit in fest.hosts():
        for slot in schedule.for_unit(unit.id):
            if fest.awards_at(slot.activity) and slot.resources:
                return unit.id
    pytest.fail("no delegation attends any award ceremony of the example")


def ceremony_of(schedule: Schedule, unit_id: str) -> Slot:
    return next(s for s in schedule.for_unit(unit_id) if schedule.festival.awards_at(s.activity))


def hostile_schedule(schedule: Schedule, unit_id: str) -> tuple[Schedule, str]:
    """The schedule with the title and lead of a commune's ceremony, and more, made hostile.

    Titles do not move anything, so the slots stay as they were scheduled.
    """
    fest = schedule.festival
    target = ceremony_of(schedule, unit_id).activity
    activities = [
        attrs.evolve(a, title=HOSTILE, lead=f"</td><td>{HOSTILE}") if a.id == target else a
        for a in fest.activities
    ]
    awards = [
        attrs.evolve(a, recipient=f"</li></ol><img src=x onerror=alert(1)>{HOSTILE}")
        if a.ceremony == target
        else a
        for a in fest.awards
    ]
    resources = [
        attrs.evolve(
            r, name=f"Đoàn <i>{HOSTILE}</i>", members=[f"{m} {HOSTILE}" for m in r.members]
        )
        if r.kind is ResourceKind.DELEGATION
        else r
        for r in fest.resources
    ]
    evil = attrs.evolve(fest, activities=activities, awards=awards, resources=resources)
    return attrs.evolve(schedule, festival=evil), target


# -- a commune's programme ---------------------------------------------------------


def test_every_activity_of_every_commune_appears_with_its_time_lead_and_site_in_order(
    schedule: Schedule,
) -> None:
    fest = schedule.festival
    for unit in fest.hosts():
        page = Page(commune_runsheet(schedule, unit.id, fmt="html"))
        programme = [r for r in page.body_rows(0) if "item" in r.classes]
        slots = schedule.for_unit(unit.id)
        assert len(programme) == len(slots), unit.id
        for row, slot in zip(programme, slots, strict=True):
            act = fest.activity(slot.activity)
            time, content, lead, site = row.cells
            title, worded_lead = worded(
                act.item, act.title, act.lead, terms_for(unit.kind, slot.start.date())
            )
            assert time == span(schedule, slot)
            assert content.startswith(one_line(title)), (unit.id, content)
            assert lead == (worded_lead or "—")
            assert site == fest.site(act.site).name


def test_commune_sheet_has_a_vietnamese_title_block_with_festival_commune_date_and_venue(
    schedule: Schedule, visited: str
) -> None:
    fest = schedule.festival
    unit = fest.unit(visited)
    page = Page(commune_runsheet(schedule, visited, fmt="html"))
    assert ("html", {"lang": "vi"}) in page.elements
    assert ("meta", {"charset": "utf-8"}) in page.elements
    assert "CHƯƠNG TRÌNH NGÀY HỘI" in page.text
    assert fest.name in page.text
    assert unit.official_name in page.text
    assert vietnamese_date(fest.days[0]) == "Chủ nhật, 06/08/2023"
    assert "Chủ nhật, 06/08/2023" in page.text
    assert fest.site(visited).location in page.text
    columns = [r.cells for r in page.tables[0] if r.header]
    assert columns == [["Thời gian", "Nội dung", "Thực hiện", "Địa điểm"]]


def test_award_ceremony_lists_the_communes_awards_under_it_collective_then_individual(
    schedule: Schedule, visited: str
) -> None:
    fest = schedule.festival
    ceremony = ceremony_of(schedule, visited)
    awards = fest.awards_at(ceremony.activity)
    rows = Page(commune_runsheet(schedule, visited, fmt="html")).body_rows(0)
    at = next(i for i, r in enumerate(rows) if r.cells[0] == span(schedule, ceremony))
    under = rows[at + 1]
    assert "awards" in under.classes
    listed = under.cells[1]
    assert listed.startswith("Danh sách khen thưởng")
    collective = [a for a in awards if a.collective]
    individual = [a for a in awards if not a.collective]
    assert f"Tập thể ({len(collective)})" in listed
    assert f"Cá nhân ({len(individual)})" in listed
    split = listed.index("Cá nhân")
    for award in awards:
        line = f"{award.recipient} — {award.title}"
        assert line in listed
        assert (listed.index(line) < split) is award.collective
    others = {a.issuer.title for a in fest.awards} - {a.issuer.title for a in awards}
    assert others
    assert not [title for title in others if title in listed]


def test_markdown_lists_the_same_awards_after_the_programme(
    schedule: Schedule, visited: str
) -> None:
    fest = schedule.festival
    ceremony = ceremony_of(schedule, visited)
    text = commune_runsheet(schedule, visited)
    section = text.split("### Danh sách khen thưởng", 1)[1].split("\n## ", 1)[0]
    for award in fest.awards_at(ceremony.activity):
        assert f"**{award.recipient}** — {award.title}" in section


def test_attending_delegation_is_named_on_the_row_it_attends_and_nowhere_else(
    schedule: Schedule,
) -> None:
    fest = schedule.festival
    seen = 0
    for unit in fest.hosts():
        rows = Page(commune_runsheet(schedule, unit.id, fmt="html")).body_rows(0)
        programme = [r for r in rows if "item" in r.classes]
        for row, slot in zip(programme, schedule.for_unit(unit.id), strict=True):
            names = [
                fest.resource(r).name
                for r in slot.resources
                if fest.resource(r).kind is ResourceKind.DELEGATION
            ]
            if names:
                seen += 1
                assert f"Đoàn dự: {', '.join(names)}" in row.cells[1]
            else:
                assert "Đoàn dự" not in row.cells[1]
    assert seen == sum(1 for s in schedule.values() if s.resources)


def test_simultaneous_parades_are_marked_dong_loat(schedule: Schedule) -> None:
    fest = schedule.festival
    for unit in fest.hosts():
        rows = Page(commune_runsheet(schedule, unit.id, fmt="html")).body_rows(0)
        programme = [r for r in rows if "item" in r.classes]
        for row, slot in zip(programme, schedule.for_unit(unit.id), strict=True):
            synced = bool(fest.sync_groups_of(slot.activity))
            assert ("Đồng loạt với 16 đơn vị khác" in row.cells[1]) is synced


def test_preparation_table_lists_the_communes_tasks_by_due_date_with_owner(
    schedule: Schedule, visited: str
) -> None:
    fest = schedule.festival
    page = Page(commune_runsheet(schedule, visited, fmt="html"))
    assert [r.cells for r in page.tables[1] if r.header] == [
        ["Thời hạn", "Công việc", "Phụ trách", "Sản phẩm"]
    ]
    rows = page.body_rows(1)
    tasks = sorted(
        (t for t in fest.prep_tasks if t.unit == visited), key=lambda t: schedule.prep[t.id].due
    )
    assert tasks
    terms = terms_for(fest.unit(visited).kind, fest.days[0])
    expected = [
        [
            vietnamese_date(schedule.prep[t.id].due),
            # A deadline moved off a day off says why (issue 13 part 7).
            f"{t.title} (hạn {due_note(fest, t)})" if due_note(fest, t) else t.title,
            role_wording(t.owner, terms) or fest.resource(t.owner).name,
            t.deliverable or "—",
        ]
        for t in tasks
    ]
    assert [r.cells for r in rows if "item" in r.classes] == expected
    periods = [r.cells[0] for r in rows if "group" in r.classes]
    assert periods == ["Trước Ngày hội", "Sau Ngày hội"]
    organiser = [t.title for t in fest.prep_tasks if t.unit is None]
    assert organiser
    assert not [title for title in organiser if title in page.text]
    assert "II. Công việc chuẩn bị" in commune_runsheet(schedule, visited)


# -- a delegation's itinerary ------------------------------------------------------


def test_delegation_sheet_lists_every_visit_and_every_leg_with_minutes(
    schedule: Schedule,
) -> None:
    fest = schedule.festival
    delegations = schedule.delegations()
    assert len(delegations) == 3
    for res in delegations:
        page = Page(delegation_runsheet(schedule, res.id, fmt="html"))
        assert "LỊCH TRÌNH" in page.text
        for member in res.members:
            assert member in page.text
        rows = page.body_rows(0)
        parts = schedule.itinerary(res.id)
        assert any(isinstance(p, Leg) for p in parts)
        assert len(rows) == len(parts)
        markdown = delegation_runsheet(schedule, res.id)
        for row, part in zip(rows, parts, strict=True):
            assert row.cells[0] == span(schedule, part)
            if isinstance(part, Leg):
                origin, destination = fest.site(part.origin), fest.site(part.destination)
                text = f"Di chuyển {origin.name} → {destination.name}, {part.minutes} phút"
                assert "leg" in row.classes
                assert row.cells[1] == text
                assert f"| {span(schedule, part)} | {text} |" in markdown
            else:
                act = fest.activity(part.activity)
                unit = fest.commune_of(act.id)
                # The title in the words of the unit's kind (the town's forum: Công an thị trấn).
                terms = terms_for(unit.kind, part.start.in_timezone(fest.timezone).date())
                assert row.cells[1].startswith(worded(act.item, act.title, act.lead, terms)[0])
                assert row.cells[2] == fest.commune_of(act.id).official_name
                assert row.cells[3] == fest.site(act.site).location


# -- nothing from the plan adds markup -------------------------------------------


def test_hostile_text_cannot_add_an_element_to_the_html(schedule: Schedule, visited: str) -> None:
    evil, target = hostile_schedule(schedule, visited)
    for plain, hostile in (
        (
            commune_runsheet(schedule, visited, fmt="html"),
            commune_runsheet(evil, visited, fmt="html"),
        ),
        *(
            (
                delegation_runsheet(schedule, r.id, fmt="html"),
                delegation_runsheet(evil, r.id, fmt="html"),
            )
            for r in schedule.delegations()
        ),
    ):
        before, after = Page(plain), Page(hostile)
        assert after.tags() == before.tags()
        assert "script" not in after.tags()
        assert "img" not in after.tags()
    page = Page(commune_runsheet(evil, visited, fmt="html"))
    row = next(r for r in page.body_rows(0) if r.cells[1].startswith(one_line(HOSTILE)))
    assert row.cells[0] == span(schedule, schedule[target])
    assert row.cells[2] == one_line(f"</td><td>{HOSTILE}")


def test_hostile_text_cannot_break_the_markdown_table(schedule: Schedule, visited: str) -> None:
    evil, target = hostile_schedule(schedule, visited)
    text = commune_runsheet(evil, visited)
    assert "<script>" not in text
    assert "<b>" not in text
    assert not [line for line in text.splitlines() if line.startswith("## <")]
    programme, prep = markdown_tables(text)
    assert len(programme) == 2 + len(schedule.for_unit(visited))
    assert all(len(row) == 4 for row in programme)
    row = next(r for r in programme if r[0] == span(schedule, schedule[target]))
    assert row[1].startswith(
        r'\<script\>alert("x")\</script\> \| Lễ & "chào" cờ \| --- \| --- \| ## \<b\>đậm\</b\> '
        r"\`x\` \*y\*"
    )
    assert all(len(r) == 4 for r in prep)
    for res in schedule.delegations():
        itinerary = markdown_tables(delegation_runsheet(evil, res.id))
        assert len(itinerary) == 1
        assert len(itinerary[0]) == 2 + len(schedule.itinerary(res.id))
        assert all(len(r) == 4 for r in itinerary[0])


# -- files -------------------------------------------------------------------------


def test_write_runsheets_writes_one_md_and_one_html_per_commune_and_delegation_and_nothing_else(
    schedule: Schedule, tmp_path: Path
) -> None:
    fest = schedule.festival
    out = tmp_path / "out"
    paths = write_runsheets(schedule, out)
    ids = [u.id for u in fest.hosts()] + [r.id for r in schedule.delegations()]
    assert [p.name for p in paths] == [f"runsheet-{i}.{ext}" for i in ids for ext in ("md", "html")]
    assert len(paths) == 2 * (17 + 3)
    # Besides the sheets: only the folder's lock and the record of what ngayhoi wrote.
    visible = {p for p in tmp_path.rglob("*") if p.is_file() and not p.name.startswith(".")}
    assert visible == set(paths)
    hidden = {p.name for p in tmp_path.rglob(".*")}
    assert hidden == {".ngayhoi.lock", ".ngayhoi-files.json"}
    assert {p.parent for p in paths} == {out}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text)
        ident, ext = path.name.removeprefix("runsheet-").rsplit(".", 1)
        fmt = cast("Format", ext)
        if ident in {u.id for u in fest.hosts()}:
            assert text == commune_runsheet(schedule, ident, fmt=fmt)
        else:
            assert text == delegation_runsheet(schedule, ident, fmt=fmt)


def test_write_runsheets_writes_only_the_formats_asked_for(
    schedule: Schedule, tmp_path: Path
) -> None:
    paths = write_runsheets(schedule, tmp_path, formats=("html",))
    assert len(paths) == 20
    assert {p.suffix for p in tmp_path.iterdir() if not p.name.startswith(".ngayhoi")} == {".html"}


def test_unknown_commune_delegation_or_format_is_refused(schedule: Schedule) -> None:
    with pytest.raises(UnknownReferenceError, match="hosting unit 'huyen-can-duoc'"):
        commune_runsheet(schedule, "huyen-can-duoc")
    with pytest.raises(UnknownReferenceError, match="unknown delegation 'doan-l'; did you mean"):
        delegation_runsheet(schedule, "doan-l")
    with pytest.raises(UnknownReferenceError, match="delegation 'mc'"):
        delegation_runsheet(schedule, "mc")
    with pytest.raises(ExportError, match="'rtf' is not one of md, html, pdf, docx"):
        commune_runsheet(schedule, "long-hoa", fmt=cast("Format", "rtf"))
    with pytest.raises(ExportError, match="'pdf' is binary; write it with write_runsheets"):
        commune_runsheet(schedule, "long-hoa", fmt="pdf")


def test_a_schedule_without_times_is_refused_before_writing(
    schedule: Schedule, tmp_path: Path
) -> None:
    failed = attrs.evolve(schedule, status=Status.INFEASIBLE, slots={})
    with pytest.raises(ExportError, match="infeasible"):
        write_runsheets(failed, tmp_path / "out")
    assert not (tmp_path / "out").exists()


# -- print ---------------------------------------------------------------------------


def test_page_is_laid_out_for_a4_and_keeps_each_row_on_one_page(
    schedule: Schedule, visited: str
) -> None:
    style = Page(commune_runsheet(schedule, visited, fmt="html")).style
    assert "size: A4" in style
    assert "@media print" in style
    assert "table.sheet tr { break-inside: avoid; page-break-inside: avoid; }" in style


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    return CHROMIUM


def screenshot(browser: Path, page: Path, png: Path, profile: Path) -> None:
    """Render ``page`` to ``png`` with headless Chromium, killing it if it hangs."""
    command = [
        str(browser),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        f"--screenshot={png}",
        "--window-size=1240,1754",
        page.as_uri(),
    ]
    with subprocess.Popen(  # noqa: S603 - Debian's chromium on a page this test wrote
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    ) as proc:
        try:
            output, _ = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # chromium and the helpers it started
            proc.communicate()
            pytest.fail("chromium did not finish the screenshot in 120 s")
    assert proc.returncode == 0, output.decode(errors="replace")


def dark_rows(png: Path) -> Iterator[int]:
    """The pixel rows of ``png`` that hold ink (any pixel darker than mid grey)."""
    with Image.open(png) as image:
        gray = image.convert("L")
        width, height = gray.size
        pixels = gray.load()
        assert pixels is not None
        for y in range(0, height, 2):
            if any(cast("int", pixels[x, y]) < 128 for x in range(0, width, 2)):
                yield y


def test_html_renders_to_a_full_a4_png_in_headless_chromium(
    chromium: Path, schedule: Schedule, visited: str, tmp_path: Path
) -> None:
    page = tmp_path / "out" / f"runsheet-{visited}.html"
    assert page in write_runsheets(schedule, tmp_path / "out", formats=("html",))
    png = tmp_path / "runsheet.png"
    screenshot(chromium, page, png, tmp_path / "profile")
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert int.from_bytes(data[16:20]) == 1240
    assert int.from_bytes(data[20:24]) == 1754
    assert len(data) > 50_000  # a page of text, not a blank one
    ink = list(dark_rows(png))
    assert ink
    assert ink[0] < 200  # the masthead and title sit at the top of the page
    assert len(ink) > 300  # and the programme fills the page below them
