"""Injection: plan text cannot change the structure of any output; ids cannot leave the folder.

Every hostile string goes into one text field of a small two-commune plan at a
time. The model either refuses it with a :class:`~ngayhoi.errors.PlanError`
naming the field, or it comes out of every output as text: each output is
parsed and compared with the output of the same plan whose field holds a
harmless token (``Tên QF07``), the token swapped for the hostile text as that
output shows it (exactly in calendars and JSON, on one line in run sheets).
A hostile string that added a property, an element, a table cell, a JSON key
or a line would make the two differ.

Ids become file names; they are checked by the model, and every file name
passes :func:`~ngayhoi.files.safe_child`, so nothing is written
outside the output folder.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import attrs
import icalendar
import pendulum
import pytest

import ngayhoi
from ngayhoi.errors import ExportError, PlanError
from ngayhoi.export import diff, export_calendars, safe_child, write_atomic, write_calendars
from ngayhoi.export.gantt import gantt
from ngayhoi.export.runsheet import write_runsheets
from ngayhoi.export.schedule_json import write_schedule_json
from ngayhoi.export.text import day_table, itineraries
from ngayhoi.io.plan import dumps, loads
from ngayhoi.model import (
    Activity,
    Festival,
    PrepTask,
    Resource,
    Site,
    SyncGroup,
    TravelTimes,
    Unit,
)
from ngayhoi.model.awards import Award, Issuer
from ngayhoi.text import nfc

from conftest import DAY, TZ

STAMP = pendulum.datetime(2023, 7, 1, tz="UTC")
MAX_TEXT = 2000  # the model's limit on one text field


def at(hour: int, minute: int = 0) -> pendulum.DateTime:
    """A local time on the festival day."""
    return pendulum.datetime(DAY.year, DAY.month, DAY.day, hour, minute, tz=TZ)


# -- the hostile strings -----------------------------------------------------------

_MIXED = "Ạ🎉a;,\\\n<|`\"'\u2028&"  # multi-byte letters at every fold boundary, and delimiters

#: Text the model lets through; every output must carry it as text, nothing more.
HOSTILE: dict[str, str] = {
    "lf-fake-event": "Chào cờ\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil@x\nSUMMARY:giả",
    "leading-lf-fake-event": "\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil",
    "lf-fake-property": "Diễu hành\nATTENDEE:mailto:x@evil",
    "end-calendar": "Bế mạc\nEND:VCALENDAR\nBEGIN:VCALENDAR\nVERSION:2.0",
    "ics-delimiters": "a;b,c:d;VALUE=DATE:20230806",
    "ics-parameter": 'DTSTART;TZID="x":20230806T000000',
    "backslashes": "C:\\Windows\\ \\, \\; \\\\ cuối\\",
    "literal-backslash-n": "dòng 1\\ndòng 2\\N ATTENDEE:x",
    "quotes": "\"Công an\" 'xã' «Long Hòa» “Tổ quốc”",
    "script": "<script>alert('x')</script>",
    "html-break-out": "</td></tr></table><table><tr><td>giả",
    "html-attribute": '" onmouseover="alert(1)" x=\'',
    "html-comment": "<!-- x --> <![CDATA[ ]]> <?xml version='1.0'?> ]]>",
    "entities": "&amp; &lt;b&gt; &#60;i&#62; &#x3C; &copy &nbsp;",
    "md-table": "| a | b |\n|---|---|\n| giả | hàng |",
    "md-markup": (
        "# Tiêu đề\n- mục\n1. số\n> trích\n**đậm** _nghiêng_ ~~gạch~~ [liên kết](http://x) "
        "![ảnh](x.png) <http://x> ***"
    ),
    "backticks": "`mã` ``` khối ``` \\`",
    "json-break": '"}, "evil": {"a": "',
    "json-escapes": '\\u0000 \\" \\/ \\n',
    "line-separators": "trên\u2028dưới\u2029cuối",
    "tab": "cột 1\tcột 2",
    "zero-width": "👨\u200d👩\u200d👧 a\u200bb\u200cc\u200dd \ufeffx",
    "rtl-override": "\u202eLong Hòa\u202c \u2067x\u2069",
    "combining": "e\u0301\u0302\u0323 q\u0300\u0301 A\u0325\u0338",
    "nfd-vietnamese": unicodedata.normalize("NFD", "Xã Hòa Khánh Đông, Tiến Thủy"),
    "astral": "🇻🇳 🎉 𝕏 𠀀 🏳️‍🌈",
    "mathtext": "$\\frac{1}{2}$ và $x^2$ $\\notacommand$",
    "underscore": "_nolegend_",
    "long-mixed": (_MIXED * (MAX_TEXT // len(_MIXED) + 1))[: MAX_TEXT - 1] + "Z",
    "long-vietnamese": "Ạ" * MAX_TEXT,
    "noncharacters": "a\ufffeb\uffffc\ufdd0d\U0001fffe",
}

#: Text the model refuses, and the character or length its message names.
REFUSED: dict[str, tuple[str, str]] = {
    "crlf-fake-property": ("Diễu hành\r\nATTENDEE:mailto:x@evil", "U+000D"),
    "cr": ("Chào\rcờ", "U+000D"),
    "nul": ("a\x00b", "U+0000"),
    "escape-sequence": ("\x1b[31mđỏ\x1b[0m", "U+001B"),
    "vertical-tab": ("a\vb", "U+000B"),
    "form-feed": ("a\x0cb", "U+000C"),
    "file-separator": ("a\x1cb", "U+001C"),
    "delete": ("a\x7fb", "U+007F"),
    "nel": ("trên\x85dưới", "U+0085"),
    "csi": ("a\x9bb", "U+009B"),
    "too-long": ("a" * (MAX_TEXT + 1), f"{MAX_TEXT + 1} characters long"),
}


# -- the plan ----------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A text field of the plan: where it is, and how the model names it in errors."""

    name: str
    attribute: str
    item: str

    @property
    def token(self) -> str:
        """The harmless text the field holds in the reference plan."""
        return f"Tên QF{list(FIELDS).index(self.name):02d}"


FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("festival.name", "name", "festival 'f'"),
        Field("festival.organiser", "organiser", "festival 'f'"),
        Field("unit.name", "name", "unit 'a'"),
        Field("unit.official_name", "official_name", "unit 'a'"),
        Field("site.name", "name", "site 'a.ubnd'"),
        Field("site.hamlet", "hamlet", "site 'a.ubnd'"),
        Field("site.address", "address", "site 'a.ubnd'"),
        Field("delegation.name", "name", "resource 'doan-1'"),
        Field("delegation.members", "members", "resource 'doan-1'"),
        Field("delegation.description", "description", "resource 'doan-1'"),
        Field("role.name", "name", "resource 'cong-an'"),
        Field("activity.title", "title", "activity 'a.chao-co'"),
        Field("activity.lead", "lead", "activity 'a.chao-co'"),
        Field("activity.description", "description", "activity 'a.chao-co'"),
        Field("sync.title", "title", "sync group 'chao-co'"),
        Field("task.title", "title", "prep task 'a.giay-moi'"),
        Field("task.deliverable", "deliverable", "prep task 'a.giay-moi'"),
        Field("award.recipient", "recipient", "award 'aw1'"),
        Field("award.reason", "reason", "award 'aw1'"),
        Field("issuer.title", "title", "issuer 'ct-ubnd'"),
    )
}
#: The fields the Gantt chart shows.
GANTT_FIELDS = (
    "festival.name",
    "unit.official_name",
    "site.name",
    "delegation.name",
    "activity.title",
    "sync.title",
)


def festival(texts: Mapping[str, str] | None = None, /, **ids: str) -> Festival:
    """Two communes, a delegation visiting both, a role, a simultaneous start, a task, an award.

    ``texts`` overrides fields by name (the rest hold their tokens); ``ids``
    overrides the ids ``festival``, ``unit``, ``site``, ``delegation`` and ``role``.
    """
    v = {name: f.token for name, f in FIELDS.items()} | dict(texts or {})
    fid = ids.get("festival", "f")
    unit, site = ids.get("unit", "a"), ids.get("site", "a.ubnd")
    doan, role = ids.get("delegation", "doan-1"), ids.get("role", "cong-an")
    issuer = Issuer(id="ct-ubnd", title=v["issuer.title"])
    return Festival(
        id=fid,
        name=v["festival.name"],
        organiser=v["festival.organiser"],
        days=[DAY],
        units=[
            Unit(id=unit, name=v["unit.name"], official_name=v["unit.official_name"], kind="xã"),
            Unit(id="b", name="Tân Ân", official_name="Xã Tân Ân", kind="xã"),
        ],
        sites=[
            Site(
                id=site,
                name=v["site.name"],
                unit=unit,
                hamlet=v["site.hamlet"],
                address=v["site.address"],
                lat=10.5,
                lon=106.6,
            ),
            Site(id="b.ubnd", name="Hội trường UBND xã Tân Ân", unit="b"),
        ],
        resources=[
            Resource(
                id=doan,
                name=v["delegation.name"],
                kind="delegation",
                group="doan",
                members=(v["delegation.members"], "Đ/c Hai"),
                description=v["delegation.description"],
            ),
            Resource(id=role, name=v["role.name"], kind="role"),
        ],
        activities=[
            Activity(
                id="a.chao-co",
                kind="flag-salute",
                title=v["activity.title"],
                site=site,
                duration=10,
                fixed_start=at(7, 30),
                lead=v["activity.lead"],
                description=v["activity.description"],
                roles=[role],
            ),
            Activity(
                id="b.chao-co",
                kind="flag-salute",
                title="Chào cờ",
                site="b.ubnd",
                duration=10,
                fixed_start=at(7, 30),
            ),
            Activity(
                id="a.trao-thuong",
                kind="award-ceremony",
                title="Trao thưởng",
                site=site,
                duration=20,
                fixed_start=at(8),
                needs=["doan"],
            ),
            Activity(
                id="b.trao-thuong",
                kind="award-ceremony",
                title="Trao thưởng",
                site="b.ubnd",
                duration=20,
                fixed_start=at(9),
                needs=["doan"],
            ),
        ],
        sync_groups=[
            SyncGroup(id="chao-co", title=v["sync.title"], activities=("a.chao-co", "b.chao-co"))
        ],
        prep_tasks=[
            PrepTask(
                id="a.giay-moi",
                title=v["task.title"],
                offset_days=-3,
                owner=role,
                unit=unit,
                deliverable=v["task.deliverable"],
            )
        ],
        awards=[
            Award(
                id="aw1",
                recipient=v["award.recipient"],
                collective=True,
                form="giấy khen",
                issuer=issuer,
                ceremony="a.trao-thuong",
                reason=v["award.reason"],
            )
        ],
        travel=TravelTimes(minutes={(site, "b.ubnd"): 20}),
    )


def stored(fest: Festival, field: str) -> str:
    """The text a field holds once the model has converted it (NFC, blanks stripped)."""
    values: dict[str, Callable[[], str | None]] = {
        "festival.name": lambda: fest.name,
        "festival.organiser": lambda: fest.organiser,
        "unit.name": lambda: fest.unit("a").name,
        "unit.official_name": lambda: fest.unit("a").official_name,
        "site.name": lambda: fest.site("a.ubnd").name,
        "site.hamlet": lambda: fest.site("a.ubnd").hamlet,
        "site.address": lambda: fest.site("a.ubnd").address,
        "delegation.name": lambda: fest.resource("doan-1").name,
        "delegation.members": lambda: fest.resource("doan-1").members[0],
        "delegation.description": lambda: fest.resource("doan-1").description,
        "role.name": lambda: fest.resource("cong-an").name,
        "activity.title": lambda: fest.activity("a.chao-co").title,
        "activity.lead": lambda: fest.activity("a.chao-co").lead,
        "activity.description": lambda: fest.activity("a.chao-co").description,
        "sync.title": lambda: fest.sync_groups[0].title,
        "task.title": lambda: fest.prep_task("a.giay-moi").title,
        "task.deliverable": lambda: fest.prep_task("a.giay-moi").deliverable,
        "award.recipient": lambda: fest.awards[0].recipient,
        "award.reason": lambda: fest.awards[0].reason,
        "issuer.title": lambda: fest.awards[0].issuer.title,
    }
    value = values[field]()
    assert value is not None
    return value


#: Control characters that are not blanks to ``str.split``.
CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
#: Characters XML 1.0 cannot hold.
NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def one_line(text: str) -> str:
    """Text as the run sheets show it: one space for each run of blanks, controls as U+FFFD."""
    return " ".join(CONTROLS.sub("\ufffd", text).split())


# -- every output of a plan ----------------------------------------------------------


@dataclass
class Outputs:
    """Every file and text the exporters make of one plan."""

    calendars: dict[str, bytes]  # file name -> bytes, tasks as all-day events
    todo: dict[str, bytes]  # the same export with tasks as VTODO
    state: dict[str, Any]  # the export state, parsed
    sheets: dict[str, str]  # runsheet-<id>.<md|html>
    schedule_json: str
    day_table: str
    itineraries: str
    diff: str  # the change when the delegation's first visit moves


def outputs(fest: Festival, folder: Path) -> Outputs:
    """Run every exporter on the plan, into ``folder``."""
    sched = ngayhoi.schedule(fest).unwrap()
    export_calendars(sched, folder / "cal", now=STAMP)
    export_calendars(sched, folder / "todo", now=STAMP, tasks="todo")
    write_runsheets(sched, folder / "sheets")
    write_schedule_json(sched, folder / "schedule.json", version="1")
    moved = attrs.evolve(
        fest,
        activities=[
            attrs.evolve(a, fixed_start=at(8, 10)) if a.id == "a.trao-thuong" else a
            for a in fest.activities
        ],
    )
    return Outputs(
        calendars={p.name: p.read_bytes() for p in sorted((folder / "cal").glob("*.ics"))},
        todo={p.name: p.read_bytes() for p in sorted((folder / "todo").glob("*.ics"))},
        state=json.loads((folder / "cal" / ".ngayhoi-state.json").read_text(encoding="utf-8")),
        sheets={
            p.name: p.read_text(encoding="utf-8") for p in sorted((folder / "sheets").iterdir())
        },
        schedule_json=(folder / "schedule.json").read_text(encoding="utf-8"),
        day_table=day_table(sched),
        itineraries=itineraries(sched),
        diff=diff(sched, ngayhoi.schedule(moved).unwrap()).text(),
    )


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    """The outputs of the plan whose every field holds its harmless token."""
    return outputs(festival(), tmp_path_factory.mktemp("reference"))


def swap(value: Any, pairs: Mapping[str, str]) -> Any:
    """``value`` with every token replaced, in every string (dictionary keys too)."""
    if isinstance(value, str):
        for token, text in pairs.items():
            value = value.replace(token, text)
        return value
    if isinstance(value, dict):
        return {swap(k, pairs): swap(v, pairs) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(swap(v, pairs) for v in value)
    return value


# -- reading iCalendar back --------------------------------------------------------

#: Calendar names, which carry no ``, ; \`` and no line break (ICAL_INTEROP.md §3.3).
NAME_PROPERTIES = {"NAME", "X-WR-CALNAME", "X-WR-CALDESC"}


def calendar_name(text: str) -> str:
    """A calendar name as the profile writes it: ``; ,`` as dashes, ``\\`` as ``/``, one line."""
    cleaned = text.replace(";", " –").replace(",", " –").replace("\\", "/")
    return nfc(" ".join(cleaned.split()))


Component = tuple[str, tuple[tuple[str, str, str], ...]]


def ics_components(data: bytes) -> list[Component]:
    """Every component in file order, each with its properties: name, parameters, value."""
    out: list[Component] = []
    for comp in icalendar.Calendar.from_ical(data).walk():
        props = []
        items: list[tuple[str, Any]] = comp.property_items(recursive=False, sorted=False)
        for name, value in items:
            if name in {"BEGIN", "END"}:
                continue
            params = ";".join(f"{k}={v}" for k, v in sorted(value.params.items()))
            if isinstance(value, icalendar.vText):
                text = str(value)
            elif isinstance(value, icalendar.vCategory):
                text = "\x1f".join(str(c) for c in value.cats)
            else:
                raw = value.to_ical()
                text = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
            props.append((name, params, text))
        out.append((str(comp.name), tuple(props)))
    return out


def ics_skeleton(components: list[Component]) -> list[tuple[str, Counter[str]]]:
    """The components and how many of each property they hold: what text must not change."""
    return [(name, Counter(p[0] for p in props)) for name, props in components]


def check_ics_bytes(data: bytes) -> None:
    """The raw profile: CRLF lines only, at most 75 octets, folded between characters, NFC."""
    assert data.endswith(b"\r\n")
    lines = data[:-2].split(b"\r\n")
    for line in lines:
        assert b"\r" not in line
        assert b"\n" not in line
        assert len(line) <= 75, line
        line.decode("utf-8")  # a fold never splits a character
    assert unicodedata.is_normalized("NFC", data.decode("utf-8"))


def expected_ics(reference: list[Component], pairs: Mapping[str, str]) -> list[Component]:
    """The reference calendar with the tokens replaced by their text as each property shows it."""
    out: list[Component] = []
    for comp, props in reference:
        swapped = []
        for name, params, value in props:
            new = swap(value, pairs)
            swapped.append((name, params, calendar_name(new) if name in NAME_PROPERTIES else new))
        out.append((comp, tuple(swapped)))
    return out


@functools.cache
def parsed(data: bytes) -> list[Component]:
    """:func:`ics_components`, remembered: the reference feeds are read by every case."""
    return ics_components(data)


def check_calendar(found: bytes, reference: bytes, pairs: Mapping[str, str]) -> set[str]:
    """Compare one feed with the reference; return the tokens (fields) it shows.

    A feed that shows none of the fields must not change at all: the same bytes.
    """
    unfolded = reference.replace(b"\r\n ", b"").decode("utf-8")
    present = {t for t in pairs if t in unfolded}
    if not present:
        assert found == reference
        return present
    check_ics_bytes(found)
    got, ref = ics_components(found), parsed(reference)
    assert ics_skeleton(got) == ics_skeleton(ref)
    assert got == expected_ics(ref, pairs)
    for _comp, props in got:
        for name, _params, value in props:
            if name in NAME_PROPERTIES:
                assert not set(value) & set(",;\\\n"), (name, value)
    return present


# -- reading HTML, Markdown and text back ------------------------------------------


class HtmlShape(HTMLParser):
    """Every tag with its attributes, every text run, comment and declaration, in order."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, ...]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, *(f"{k}={v}" for k, v in attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("empty", tag, *(f"{k}={v}" for k, v in attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))

    def handle_data(self, data: str) -> None:
        if self.events and self.events[-1][0] == "text":
            self.events[-1] = ("text", self.events[-1][1] + data)
        else:
            self.events.append(("text", data))

    def handle_comment(self, data: str) -> None:
        self.events.append(("comment", data))

    def handle_decl(self, decl: str) -> None:
        self.events.append(("decl", decl))

    def handle_pi(self, data: str) -> None:
        self.events.append(("pi", data))

    def unknown_decl(self, data: str) -> None:
        self.events.append(("unknown", data))


def sheet_pairs(pairs: Mapping[str, str]) -> dict[str, str]:
    """How a run sheet shows each field: on one line, and in capitals in the masthead."""
    out = {}
    for token, text in pairs.items():
        out[token] = one_line(text)
        out[token.upper()] = one_line(nfc(text.upper()))
    return out


def shown(reference: str, pairs: Mapping[str, str]) -> set[str]:
    """The tokens a sheet or a text shows (in capitals or not)."""
    return {t for t in pairs if t in reference or t.upper() in reference}


def check_html(found: str, reference: str, pairs: Mapping[str, str]) -> set[str]:
    """Compare one HTML sheet with the reference: the same elements, the text swapped."""
    got, ref = HtmlShape(found).events, HtmlShape(reference).events
    assert [e for e in got if e[0] != "text"] == [e for e in ref if e[0] != "text"]
    assert got == swap(ref, sheet_pairs(pairs))
    return shown(reference, pairs)


_MD_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def md_unescape(text: str) -> tuple[str, str]:
    """The text a Markdown reader shows, and the characters it reads unescaped (markup)."""
    text_out, markup = [], []
    chars = iter(text)
    for c in chars:
        if c == "\\":
            nxt = next(chars, "")
            if nxt in _MD_PUNCTUATION:
                text_out.append(nxt)
                continue
            text_out.append(c + nxt)
            markup.append(c + nxt)
            continue
        text_out.append(c)
        markup.append(c)
    return "".join(text_out), "".join(markup)


def md_cells(line: str) -> list[str]:
    """A GFM table row split on its unescaped pipes (``\\|`` stays in the cell)."""
    cells, cell = [], []
    chars = iter(line.strip())
    for c in chars:
        if c == "\\":
            cell += [c, next(chars, "")]
        elif c == "|":
            cells.append("".join(cell))
            cell = []
        else:
            cell.append(c)
    cells.append("".join(cell))
    return cells[1:-1]  # a row starts and ends with a pipe


def md_shape(text: str) -> list[tuple[str, ...]]:
    """Each line: a table row as its cells, or a line of text, as a reader shows them."""
    out: list[tuple[str, ...]] = []
    for line in text.split("\n"):
        if line.startswith("|"):
            out.append(("row", *(md_unescape(c.strip())[0] for c in md_cells(line))))
        else:
            out.append(("line", md_unescape(line)[0]))
    return out


_ENTITY = re.compile(r"&#?[0-9A-Za-z]+;")


def check_markdown(found: str, reference: str, pairs: Mapping[str, str]) -> set[str]:
    """Compare one Markdown sheet with the reference: the same lines and cells, text swapped."""
    got, ref = md_shape(found), md_shape(reference)
    assert [(k[0], len(k)) for k in got] == [(k[0], len(k)) for k in ref]  # rows and cells
    assert got == swap(ref, sheet_pairs(pairs))
    markup = md_unescape(found)[1]
    assert "<" not in markup  # no raw HTML, no autolink
    assert not _ENTITY.search(markup)
    return shown(reference, pairs)


_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def terminal(text: str) -> str:
    """Text as a terminal view shows it: one line, NFC, no bidirectional controls."""
    return nfc(one_line(_BIDI_CONTROLS.sub("\ufffd", text)))


def check_lines(found: str, reference: str, pairs: Mapping[str, str]) -> set[str]:
    """Compare a terminal view line by line, alignment aside."""
    got, ref = found.split("\n"), reference.split("\n")
    assert len(got) == len(ref)
    for g, r in zip(got, ref, strict=True):
        if set(r) <= {"-", " "}:  # the rule under a header: one run of dashes per column
            assert set(g) <= {"-", " "}
            assert len(g.split()) == len(r.split())
        else:
            assert one_line(g) == terminal(swap(r, pairs))
    return shown(reference, pairs)


def check_diff(found: str, reference: str, pairs: Mapping[str, str]) -> set[str]:
    """The diff's notice: the same lines in the same order (summary, details), text swapped."""
    got, ref = found.split("\n"), reference.split("\n")
    assert len(got) == len(ref)
    assert got[0].startswith("Tóm tắt: ")
    assert "Chi tiết:" in got
    for g, r in zip(got, ref, strict=True):
        assert one_line(g) == terminal(swap(r, pairs))
    return shown(reference, pairs)


def check_json(found: str, reference: str, pairs: Mapping[str, str]) -> set[str]:
    """Compare schedule.json with the reference: the same keys, the strings swapped."""
    for c in "<>&\u2028\u2029":
        assert c not in found  # safe to inline into a <script>
    assert json.loads(found) == swap(json.loads(reference), pairs)
    return shown(reference, pairs)


def without_fingerprints(value: Any) -> Any:
    """JSON data without the ``fingerprint`` entries (digests of the text)."""
    if isinstance(value, dict):
        return {k: without_fingerprints(v) for k, v in value.items() if k != "fingerprint"}
    if isinstance(value, list):
        return [without_fingerprints(v) for v in value]
    return value


def check_state(
    found: dict[str, Any], reference: dict[str, Any], pairs: Mapping[str, str]
) -> set[str]:
    """Compare the export state with the reference: the same keys, the strings swapped."""
    expected = swap(without_fingerprints(reference), pairs)
    for feed in expected["feeds"].values():
        feed["name"] = calendar_name(feed["name"])
        feed["description"] = calendar_name(feed["description"])
    assert without_fingerprints(found) == expected
    return shown(json.dumps(reference, ensure_ascii=False), pairs)


# -- 1. hostile text ---------------------------------------------------------------

#: The fields, in groups that share no output line where one could change how another
#: is shown (a unit's name decides whether a site's LOCATION names the unit).
GROUPS: tuple[tuple[str, ...], ...] = (
    (
        "festival.name",
        "unit.name",
        "delegation.members",
        "role.name",
        "activity.lead",
        "task.deliverable",
        "award.reason",
    ),
    (
        "festival.organiser",
        "unit.official_name",
        "site.name",
        "delegation.description",
        "activity.title",
        "issuer.title",
    ),
    (
        "site.hamlet",
        "site.address",
        "delegation.name",
        "activity.description",
        "sync.title",
        "task.title",
        "award.recipient",
    ),
)


def test_the_groups_hold_every_field_once() -> None:
    assert sorted(f for group in GROUPS for f in group) == sorted(FIELDS)


@pytest.mark.parametrize("group", range(len(GROUPS)), ids=lambda g: f"g{g + 1}")
@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_comes_out_of_every_output_as_text_and_nothing_more(
    hostile: str, group: int, reference: Outputs, tmp_path: Path
) -> None:
    fields = GROUPS[group]
    fest = festival(dict.fromkeys(fields, HOSTILE[hostile]))
    pairs = {FIELDS[f].token: nfc(stored(fest, f)) for f in fields}  # every output is NFC
    for field in fields:
        kept = nfc(HOSTILE[hostile]).strip()
        assert stored(fest, field) == kept
    out = outputs(fest, tmp_path / "out")
    seen: set[str] = set()

    assert set(out.calendars) == set(reference.calendars)
    for name, data in out.calendars.items():
        seen |= check_calendar(data, reference.calendars[name], pairs)
    assert set(out.todo) == set(reference.todo)
    for name, data in out.todo.items():
        seen |= check_calendar(data, reference.todo[name], pairs)
    seen |= check_state(out.state, reference.state, pairs)
    assert set(out.sheets) == set(reference.sheets)
    for name, sheet in out.sheets.items():
        check = check_html if name.endswith(".html") else check_markdown
        seen |= check(sheet, reference.sheets[name], pairs)
    seen |= check_json(out.schedule_json, reference.schedule_json, pairs)
    seen |= check_lines(out.day_table, reference.day_table, pairs)
    seen |= check_lines(out.itineraries, reference.itineraries, pairs)
    seen |= check_diff(out.diff, reference.diff, pairs)
    assert seen == set(pairs), "a field that no output shows would be checked for nothing"


# -- what the model refuses ---------------------------------------------------------


@pytest.mark.parametrize("field", [f for f in FIELDS if f != "delegation.members"])
@pytest.mark.parametrize("refused", REFUSED)
def test_control_characters_and_overlong_text_are_refused_naming_the_field(
    refused: str, field: str
) -> None:
    text, named = REFUSED[refused]
    with pytest.raises(PlanError) as caught:
        festival({field: text})
    message = str(caught.value)
    assert message.startswith(f"{FIELDS[field].item}: {FIELDS[field].attribute} ")
    assert named in message


def test_a_member_name_with_a_control_character_is_refused() -> None:
    for text, named in REFUSED.values():
        with pytest.raises(PlanError, match="resource 'doan-1': members") as caught:
            festival({"delegation.members": text})
        assert named in str(caught.value)


def test_a_lone_surrogate_is_refused_naming_the_field() -> None:
    for name, field in FIELDS.items():
        with pytest.raises(PlanError) as caught:
            festival({name: "Chào\ud800cờ"})
        assert str(caught.value).startswith(f"{field.item}: {field.attribute} ")


def test_a_calendar_domain_that_is_no_host_name_is_refused() -> None:
    for domain in ("evil\nEND:VEVENT", "a b", "x;y", "", "../x"):
        with pytest.raises(PlanError, match="domain"):
            attrs.evolve(festival(), domain=domain)


def festival_or_refusal(texts: Mapping[str, str]) -> Festival | PlanError:
    """The plan, or the model's refusal of it."""
    try:
        return festival(texts)
    except PlanError as err:
        return err


@pytest.mark.parametrize("refused", [r for r in REFUSED if r != "too-long"])
def test_control_characters_in_a_member_name_reach_no_output_raw(
    refused: str, reference: Outputs, tmp_path: Path
) -> None:
    text = REFUSED[refused][0]
    fest = festival_or_refusal({"delegation.members": text})
    if isinstance(fest, PlanError):  # refused by the model: as good as safe outputs
        assert str(fest).startswith("resource 'doan-1': members ")
        return
    pairs = {FIELDS["delegation.members"].token: text}
    out = outputs(fest, tmp_path / "out")
    seen = check_json(out.schedule_json, reference.schedule_json, pairs)
    for name, sheet in out.sheets.items():
        check = check_html if name.endswith(".html") else check_markdown
        seen |= check(sheet, reference.sheets[name], pairs)
        assert not CONTROLS.search(sheet)
    seen |= check_lines(out.itineraries, reference.itineraries, pairs)
    assert not CONTROLS.search(out.itineraries)
    assert seen == set(pairs)


# -- every checker on hostile feeds ----------------------------------------------------


#: Two lists that hold every hostile string between them: with a backslash and without.
PLAIN_STRINGS = [t for t in HOSTILE.values() if "\\" not in t]
BACKSLASH_STRINGS = [t for t in HOSTILE.values() if "\\" in t]
#: Plans with every field hostile at once: the plain strings twice over, then the backslashes.
SINKS = {"plain-1": (PLAIN_STRINGS, 0), "plain-2": (PLAIN_STRINGS, len(FIELDS))} | {
    "backslash": (BACKSLASH_STRINGS, 0)
}


def kitchen_sink(sink: str) -> Festival:
    """Every field hostile at once, each with the next string of the sink's list."""
    strings, offset = SINKS[sink]
    return festival({f: strings[(n + offset) % len(strings)] for n, f in enumerate(FIELDS)})


@pytest.fixture(scope="module")
def sink_feeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every feed of every kitchen sink, exported with tasks as events and as to-dos."""
    feeds: dict[str, Path] = {}
    for sink in SINKS:
        sched = ngayhoi.schedule(kitchen_sink(sink)).unwrap()
        for tasks in ("event", "todo"):
            folder = tmp_path_factory.mktemp(f"{sink}-{tasks}")
            export_calendars(sched, folder, now=STAMP, tasks=tasks)
            feeds |= {f"{sink}/{tasks}/{p.stem}": p for p in folder.glob("*.ics")}
    return feeds


def test_the_kitchen_sinks_hold_every_hostile_string() -> None:
    held = {nfc(stored(kitchen_sink(sink), f)) for sink in SINKS for f in FIELDS}
    assert {nfc(t).strip() for t in HOSTILE.values()} <= held


@pytest.mark.parametrize(
    "feed",
    [
        "plain-1/event/master",
        "plain-1/event/commune-a",
        "plain-1/event/delegation-doan-1",
        "plain-1/event/role-cong-an",
        "plain-1/todo/master",
        "plain-2/event/master",
    ],
)
def test_hostile_feeds_of_every_kind_pass_every_checker(
    feed: str,
    sink_feeds: dict[str, Path],
    ics_check: Callable[[Path], subprocess.CompletedProcess[str]],
) -> None:
    result = ics_check(sink_feeds[feed])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 passed, 0 failed" in result.stdout


#: What two checkers wrongly say of a correctly escaped backslash (see the test below).
CHECKER_MISREADINGS = (
    # structural.py looks at each backslash alone, so in "\\N" (an escaped backslash,
    # then N) it finds "\N" and calls it a bad escape.
    "invalid backslash escape",
    # icalendar writes a value's "\N" as a line break, so its own re-parse of a
    # correct file comes back changed.
    "round trip from_ical(to_ical()) changed the calendar",
)


@pytest.mark.parametrize("feed", ["backslash/todo/master"])
def test_backslashes_in_plan_text_pass_every_real_parser(
    feed: str,
    sink_feeds: dict[str, Path],
    ics_check: Callable[[Path], subprocess.CompletedProcess[str]],
) -> None:
    result = ics_check(sink_feeds[feed])
    for parser in ("ical.js", "ical", "vobject", "libical"):
        assert re.search(rf"^\[PASS\] {re.escape(parser)} ", result.stdout, re.MULTILINE), (
            result.stdout
        )
    for line in result.stdout.splitlines():
        if line.startswith("[FAIL]") or line.strip().startswith("error:"):
            assert any(m in line for m in CHECKER_MISREADINGS), line


# -- the Gantt chart -------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"
GANTT_HOSTILE = (
    "lf-fake-event",
    "quotes",
    "script",
    "html-break-out",
    "html-attribute",
    "html-comment",
    "entities",
    "line-separators",
    "zero-width",
    "rtl-override",
    "astral",
    "mathtext",
    "underscore",
    "noncharacters",
    "long-vietnamese",
)


def svg_texts(data: bytes) -> tuple[ET.Element, list[str]]:
    """The SVG parsed as XML, and the text of every ``<text>`` element."""
    root = ET.fromstring(data)  # noqa: S314 - our own file
    return root, ["".join(e.itertext()) for e in root.iter(f"{SVG}text")]


@pytest.fixture(scope="module")
def reference_svg(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The chart of the plan whose every field holds its token."""
    pytest.importorskip("matplotlib")
    path = tmp_path_factory.mktemp("gantt") / "gantt.svg"
    return gantt(ngayhoi.schedule(festival()).unwrap(), path).read_bytes()


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")  # emoji: DejaVu has none
@pytest.mark.filterwarnings("error:constrained_layout not applied")  # no room left for the day
@pytest.mark.parametrize("hostile", GANTT_HOSTILE)
def test_hostile_text_is_drawn_as_text_in_the_gantt_svg(
    hostile: str, reference_svg: bytes, tmp_path: Path
) -> None:
    fest = festival(dict.fromkeys(GANTT_FIELDS, HOSTILE[hostile]))
    data = gantt(ngayhoi.schedule(fest).unwrap(), tmp_path / "gantt.svg").read_bytes()
    root, texts = svg_texts(data)
    ref_root, _ = svg_texts(reference_svg)
    assert {e.tag for e in root.iter()} <= {e.tag for e in ref_root.iter()}
    for element in root.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on")
            if name.endswith("href"):
                assert value.startswith("#")
    for text in texts:
        assert not set(text) & set("\n\r\u2028\u2029\x85"), text  # one line each
    shown = NOT_XML.sub("\ufffd", one_line(nfc(HOSTILE[hostile]).strip()))
    # Each place shows the text whole, or (when very long) cut with an ellipsis.
    assert drawn(texts, f"{shown} – {shown}", "{} – {}")  # the row: commune and venue
    assert drawn(texts, shown, "{}, Chủ nhật, 06/08/2023")  # the chart's title
    assert drawn(texts, shown, "{}")  # the delegation, in the legend
    assert drawn(texts, shown, "07:30  {} – 2 điểm")  # the simultaneous start


def drawn(texts: list[str], shown: str, pattern: str) -> bool:
    """Whether one text shows ``pattern`` with ``shown`` in every ``{}``, whole or cut short."""
    parts = shown.split(" – ") if pattern == "{} – {}" else [shown]
    for text in texts:
        if text == pattern.format(*parts):
            return True
        pieces = re.fullmatch(re.escape(pattern).replace(r"\{\}", "(.*)"), text)
        if pieces and all(
            whole.startswith(piece[:-1]) and piece.endswith("…")
            for piece, whole in zip(pieces.groups(), parts, strict=True)
            if piece != whole
        ):
            return True
    return False


# -- a plan file ------------------------------------------------------------------------


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_plan_file_keeps_hostile_text_exactly(hostile: str) -> None:
    fest = festival(dict.fromkeys(FIELDS, HOSTILE[hostile]))
    assert loads(dumps(fest)) == fest


def test_a_plan_file_with_a_carriage_return_in_a_title_is_refused_naming_it() -> None:
    text = dumps(festival()).replace("Tên QF11", "Diễu hành\\r\\nATTENDEE:mailto:x@evil")
    with pytest.raises(PlanError) as caught:
        loads(text)
    assert "title" in str(caught.value)
    assert "U+000D" in str(caught.value)


# -- terminal columns -------------------------------------------------------------------


def test_wide_letters_and_combining_marks_keep_the_day_table_aligned() -> None:
    def table(name: str) -> list[str]:
        fest = festival({"unit.official_name": name})
        return day_table(ngayhoi.schedule(fest).unwrap()).split("\n")

    wide_name = "越南🎉q\u0301\u200d"  # 2 + 2 + 2 + 1 + 0 + 0 columns
    wide, plain = table(wide_name), table("abcdefg")  # 7 columns
    assert wide[:2] == plain[:2]  # the header and its rule
    assert wide[2][len(wide_name) :] == plain[2][len("abcdefg") :]  # the same padding
    assert wide[3:] == plain[3:]


# -- 2. ids that become file names ----------------------------------------------------------

#: Ids that must never reach a file name.
BAD_IDS: dict[str, str] = {
    "parent": "../x",
    "dot-dot": "..",
    "dot": ".",
    "empty": "",
    "absolute": "/etc/passwd",
    "slash": "a/b",
    "backslash": "a\\b",
    "nul": "a\x00b",
    "windows-drive": "c:x",
    "upper-case": "Long-Hoa",
    "upper-reserved": "CON",
    "space": "a b",
    "leading-dot": ".a",
    "trailing-dot": "a.",
    "double-dot": "a..b",
    "vietnamese": "hòa",
    "fullwidth": "ａｂ",
    "too-long": "x" * 121,
}
#: Valid ids that are risky file names: Windows device names, the longest id, dots.
EDGE_IDS = ("con", "nul", "com1", "lpt9", "a.b", "x" * 120)
ID_KINDS = {
    "festival": "festival id",
    "unit": "unit id",
    "site": "site id",
    "delegation": "resource id",
    "role": "resource id",
}


@pytest.mark.parametrize("kind", ID_KINDS)
@pytest.mark.parametrize("bad", BAD_IDS)
def test_an_id_that_could_leave_the_folder_is_refused_naming_it(bad: str, kind: str) -> None:
    with pytest.raises(PlanError) as caught:
        festival(**{kind: BAD_IDS[bad]})
    assert f"{ID_KINDS[kind]} {BAD_IDS[bad]!r}" in str(caught.value)


def files_under(folder: Path) -> list[Path]:
    """Every file below ``folder``."""
    return sorted(p for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temporary folder of this test's own, so anything written to it can be seen."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    yield tmp
    assert not list(tmp.iterdir()), "an exporter left temporary files behind"


@pytest.mark.parametrize("kind", ID_KINDS)
@pytest.mark.parametrize("ident", EDGE_IDS, ids=lambda i: i[:12])
@pytest.mark.usefixtures("private_tmp")
def test_every_file_of_an_export_stays_in_the_output_folder(
    ident: str, kind: str, tmp_path: Path
) -> None:
    fest = festival(**{kind: ident})
    sched = ngayhoi.schedule(fest).unwrap()
    out = tmp_path / "out"
    export_calendars(sched, out / "lich", now=STAMP)
    export_calendars(sched, out / "todo", now=STAMP, tasks="todo")
    write_calendars(sched, out / "snapshot", stamp=STAMP, roles=True)
    write_runsheets(sched, out / "sheets")
    write_schedule_json(sched, out / "schedule.json")
    assert [p for p in tmp_path.iterdir() if p.name not in {"out", "tmp"}] == []
    names = [p.name for p in files_under(out)]
    for path in files_under(out):
        assert path.resolve().is_relative_to(out.resolve())
        stem = path.name.split(".", 1)[0].lower()
        assert stem not in WINDOWS_DEVICES, path.name
        assert len(path.name.encode()) <= 255
    assert len({n.lower() for n in names}) == len(set(names))  # no two differ only by case
    if kind in {"unit", "delegation", "role"}:
        assert any(ident in n for n in names)


WINDOWS_DEVICES = {
    "con",
    "prn",
    "aux",
    "nul",
    "conin$",
    "conout$",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}
UNSAFE_NAMES = (
    "../x.ics",
    "..",
    ".",
    "",
    "/etc/passwd",
    "a/b.ics",
    "a\\b.ics",
    "a\x00.ics",
    "CON",
    "con.ics",
    "Con.ics",
    "NUL.txt",
    "aux",
    "COM1.ics",
    "lpt9.md",
    "conin$",
    "a:b.ics",
    "a*b.ics",
    "a?b.ics",
    'a"b.ics',
    "a<b.ics",
    "a|b.ics",
    "a.",
    "a ",
    " a",
    ".hidden",
    "hòa.ics",
    "x" * 241,
)


@pytest.mark.parametrize("name", UNSAFE_NAMES, ids=lambda n: repr(n)[:20])
def test_safe_child_refuses_a_name_that_leaves_the_folder_or_is_reserved(
    name: str, tmp_path: Path
) -> None:
    with pytest.raises(ExportError) as caught:
        safe_child(tmp_path, name)
    assert repr(name)[:30] in str(caught.value)


@pytest.mark.parametrize(
    "name", ["master.ics", "commune-con.ics", "runsheet-a.b.md", "role-x_y.ics", "x" * 240]
)
def test_safe_child_keeps_a_plain_name_in_the_folder(name: str, tmp_path: Path) -> None:
    path = write_atomic(safe_child(tmp_path, name), b"x")
    assert path.parent == tmp_path
    assert files_under(tmp_path) == [path]


def tamper_state(folder: Path, feed_id: str) -> None:
    """Add to an export state a cancelled event kept in a feed called ``feed_id``."""
    path = folder / ".ngayhoi-state.json"
    state = json.loads(path.read_text(encoding="utf-8"))
    uid, entry = next(iter(state["events"].items()))
    gone = "f.gone@ngayhoi.vn"
    state["events"][gone] = entry | {
        "feeds": [feed_id],
        "event": entry["event"] | {"uid": gone},
    }
    state["feeds"][feed_id] = {
        "name": "Giả",
        "description": "Giả",
        "kind": "commune",
        "subject": None,
        "uids": [gone, uid],
    }
    path.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize(
    "feed_id", ["../evil", "../../evil", "<root>/evil", "a/b", "a\\b", "x\x00", "CON", "."]
)
@pytest.mark.usefixtures("private_tmp")
def test_a_feed_name_from_a_tampered_export_state_cannot_leave_the_folder(
    feed_id: str, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "lich"
    sched = ngayhoi.schedule(festival()).unwrap()
    export_calendars(sched, out, now=STAMP)
    before = {p: p.read_bytes() for p in files_under(out)}
    tamper_state(out, feed_id.replace("<root>", str(tmp_path)))  # an absolute path
    with pytest.raises(ExportError, match="would leave the output folder or is reserved"):
        export_calendars(sched, out, now=STAMP)
    assert [p for p in tmp_path.iterdir() if p.name not in {"out", "tmp"}] == []
    assert {p: p.read_bytes() for p in files_under(out) if p.name.endswith(".ics")} == {
        p: b for p, b in before.items() if p.name.endswith(".ics")
    }


@pytest.mark.parametrize("name", ["../evil.ics", "../../evil.ics", "a/../../evil.ics"])
def test_a_tampered_journal_cannot_move_a_file_out_of_the_folder(name: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    staging = out / ".ngayhoi-staging"
    (staging / "a").mkdir(parents=True)
    planted = (staging / name).resolve()
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_bytes(b"BEGIN:VCALENDAR")
    (out / ".ngayhoi-journal.json").write_text(json.dumps({"files": [name]}), encoding="utf-8")
    with pytest.raises(ExportError, match="would leave the output folder"):
        ngayhoi.export.recover(out)
    assert planted.read_bytes() == b"BEGIN:VCALENDAR"
    # recover takes the folder's lock, so the lock file is the one thing added.
    expected = [planted, out / ".ngayhoi-journal.json", out / ".ngayhoi.lock"]
    assert files_under(tmp_path) == sorted(expected)
