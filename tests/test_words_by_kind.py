"""Each kind of unit's calendars and documents speak of its own bodies, never another kind's."""

from __future__ import annotations

import io
import re
from pathlib import Path

import attrs
import docx
import icalendar
import pytest

import ngayhoi
from ngayhoi.export import export_calendars
from ngayhoi.export.documents import Document, Table, festival_documents, to_docx, to_html
from ngayhoi.export.text import itineraries
from ngayhoi.model import Festival
from ngayhoi.scheduling import Schedule

from conftest import load_example

#: A kind → the unit of the 2023 example that plays it, and its official name as that kind.
#: Long Trạch is visited by a delegation, so its documents include an invitation.
CASES = {
    "thị trấn": ("long-trach", "Thị trấn Long Trạch"),
    "xã": ("long-trach", "Xã Long Trạch"),
    "phường": ("long-trach", "Phường Long Trạch"),
    "tỉnh": ("long-trach", "Tỉnh Long Trạch"),
}
#: The bodies a unit's words name: police, People's Committee, Front, steering committee.
BODIES = ("Công an", "UBND", "MTTQ Việt Nam", "Ban Chỉ đạo 138", "Chủ tịch UBND")
#: Its residential areas, in the phrases the programme uses.
AREAS = {
    "xã": ("các ấp", "văn nghệ ấp"),
    "thị trấn": ("các khu phố", "văn nghệ khu phố"),
    "phường": ("các khu phố", "văn nghệ khu phố"),
}


@pytest.fixture(scope="module")
def schedule() -> Schedule:
    fest: Festival = load_example("can_duoc_2023").build()
    return ngayhoi.schedule(fest).unwrap()


def as_kind(schedule: Schedule, unit_id: str, kind: str, name: str) -> Schedule:
    """The schedule with one unit made a ``kind``, its plan's own text (venues, issuers) too."""
    fest = schedule.festival
    unit = fest.unit(unit_id)
    if unit.kind.value == kind:
        return schedule
    area = {"phường": "khu phố", "tỉnh": "xã"}.get(kind, "ấp")

    def said(text: str) -> str:
        text = re.sub(rf"\b[Xx]ã {unit.name}", f"{kind} {unit.name}", text)
        return re.sub(r"\bấp\b", area, text)

    units = [
        attrs.evolve(u, kind=kind, official_name=name) if u.id == unit_id else u for u in fest.units
    ]
    sites = [
        attrs.evolve(
            s,
            name=said(s.name),
            address=said(s.address) if s.address else None,
            hamlet=said(s.hamlet) if s.hamlet else None,
        )
        if s.unit == unit_id
        else s
        for s in fest.sites
    ]
    mine = {a.id for a in fest.activities if fest.site(a.site).unit == unit_id}
    awards = [
        attrs.evolve(
            a,
            recipient=said(a.recipient),
            issuer=attrs.evolve(a.issuer, title=said(a.issuer.title)),
        )
        if a.ceremony in mine
        else a
        for a in fest.awards
    ]
    return attrs.evolve(
        schedule,
        festival=attrs.evolve(fest, units=units, sites=sites, awards=awards),
    )


def calendar_text(schedule: Schedule, unit_id: str, folder: Path) -> str:
    """Every title, description and place of the unit's calendar, as a real parser reads them."""
    export_calendars(schedule, folder, roles=False)
    cal = icalendar.Calendar.from_ical((folder / f"commune-{unit_id}.ics").read_bytes())
    keys = ("SUMMARY", "DESCRIPTION", "LOCATION")
    return "\n".join(str(c[k]) for c in cal.walk("VEVENT") for k in keys if k in c)


def documents_text(schedule: Schedule, unit_id: str) -> str:
    # A unit's decisions and MC script carry its id first; an invitation the delegation's
    # id, then the unit's (giay-moi-doan-1-long-hoa).
    own = re.compile(
        rf"^(quyet-dinh-khen-thuong|loi-dan|phan-cong)-{unit_id}(-|$)|^giay-moi-.+-{unit_id}$"
    )
    names = [d.name for d in festival_documents(schedule) if own.match(d.name)]
    assert any(n.startswith("giay-moi-") for n in names), names
    pages = [to_html(d) for d in festival_documents(schedule) if own.match(d.name)]
    return "\n".join(pages)


def _wrong_words(kind: str, text: str) -> list[str]:
    """The other kinds' words found in ``text``: bodies named with another kind, other areas."""
    found = []
    for other in CASES:
        if other == kind:
            continue
        for body in BODIES:
            found += re.findall(rf"{body} {other}\b", text)
    mine = AREAS.get(kind, ())
    for phrases in AREAS.values():
        found += [p for p in phrases if p not in mine and p in text]
    return found


@pytest.mark.parametrize("kind", list(CASES))
def test_a_units_calendar_names_its_own_bodies_and_no_other_kinds(
    kind: str, schedule: Schedule, tmp_path: Path
) -> None:
    unit_id, name = CASES[kind]
    text = calendar_text(as_kind(schedule, unit_id, kind, name), unit_id, tmp_path)

    assert f"Công an {kind}" in text
    assert _wrong_words(kind, text) == []


@pytest.mark.parametrize("kind", list(CASES))
def test_a_units_documents_name_its_own_bodies_and_no_other_kinds(
    kind: str, schedule: Schedule
) -> None:
    unit_id, name = CASES[kind]
    text = documents_text(as_kind(schedule, unit_id, kind, name), unit_id)

    assert f"Công an {kind}" in text
    assert _wrong_words(kind, text) == []


def test_a_town_calendar_titles_the_forum_in_its_words(schedule: Schedule, tmp_path: Path) -> None:
    text = calendar_text(schedule, "can-duoc", tmp_path)
    assert "Diễn đàn “Công an thị trấn lắng nghe ý kiến của Nhân dân” – Cần Đước" in text
    assert 'Diễn đàn "Công an xã' not in text


#: Every document type, and the unit of the 2023 example it is made for: the award decision
#: and the MC script at Long Hòa; the invitation and the assignment's rows at Long Trạch,
#: which a delegation visits.
DOCUMENT_UNITS = {
    "quyet-dinh-khen-thuong": "long-hoa",
    "loi-dan": "long-hoa",
    "giay-moi": "long-trach",
    "phan-cong": "long-trach",
}
#: The phrases the domain review corrected (§2) that a document could carry over.
WRONG = (
    "phong trào toàn dân bảo vệ ANTQ",
    "tặng quà của đại biểu cấp trên",
    'Diễn đàn "Công an',
    "Trưởng BCĐ 138 xã",
    "Tổ bảo vệ ANTT",
)
_PREFIX = {"thị trấn": "Thị trấn", "phường": "Phường", "xã": "Xã", "tỉnh": "Tỉnh"}


def docx_text(doc: Document) -> str:
    """The DOCX's paragraphs and table cells, as python-docx opens them."""
    opened = docx.Document(io.BytesIO(to_docx(doc)))
    cells = [c.text for t in opened.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in opened.paragraphs] + cells)


def own_text(doc: Document, unit_name: str) -> str:
    """What a document says of one unit: all of it, or the assignment's rows at its points."""
    if not doc.name.startswith("phan-cong"):
        return to_html(doc) + "\n" + docx_text(doc)
    rows = [
        row
        for block in doc.blocks
        if isinstance(block, Table)
        for row in block.rows
        if row[3].endswith(f"({unit_name})")
    ]
    assert rows, doc.name
    return "\n".join(" | ".join(row) for row in rows)


@pytest.mark.parametrize("kind", ["thị trấn", "phường", "xã", "tỉnh"])
def test_every_document_type_renders_for_each_kind_in_its_own_words_only(
    kind: str, schedule: Schedule
) -> None:
    changed = schedule
    for unit_id in set(DOCUMENT_UNITS.values()):
        unit = schedule.festival.unit(unit_id)
        changed = as_kind(changed, unit_id, kind, f"{_PREFIX[kind]} {unit.name}")
    docs = festival_documents(changed)
    for prefix, unit_id in DOCUMENT_UNITS.items():
        mine = re.compile(rf"^{prefix}-(.+-)?{unit_id}(-|$)|^{prefix}-bcd$")
        made = [d for d in docs if mine.match(d.name)]
        assert made, (kind, prefix)
        for doc in made:
            assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in to_html(doc), doc.name
            text = own_text(doc, changed.festival.unit(unit_id).name)
            assert _wrong_words(kind, text) == [], (kind, doc.name)
            assert [w for w in WRONG if w in text] == [], (kind, doc.name)
            if not prefix.startswith("quyet-dinh"):  # a decision names the police in Điều 3 only
                assert f"Công an {kind}" in text, (kind, doc.name)


@pytest.mark.parametrize("kind", ["thị trấn", "phường", "tỉnh"])
def test_a_delegations_route_titles_the_items_in_the_hosts_words(
    kind: str, schedule: Schedule
) -> None:
    unit = schedule.festival.unit("long-trach")
    name = f"{_PREFIX[kind]} {unit.name}"
    lines = [
        line
        for line in itineraries(as_kind(schedule, "long-trach", kind, name)).splitlines()
        if line.endswith(f", {name}")
    ]
    assert any(f"Diễn đàn “Công an {kind} lắng nghe ý kiến của Nhân dân”" in x for x in lines)
    assert _wrong_words(kind, "\n".join(lines)) == []
    assert [w for w in WRONG for x in lines if w in x] == []


def test_the_assignment_sheet_goes_to_the_steering_committees_of_the_communes_kinds(
    schedule: Schedule,
) -> None:
    sheet = next(d for d in festival_documents(schedule) if d.name == "phan-cong-bcd")
    assert "Ban Chỉ đạo 138 các xã, thị trấn;" in sheet.recipients
    wards = as_kind(schedule, "long-trach", "phường", "Phường Long Trạch")
    sheet = next(d for d in festival_documents(wards) if d.name == "phan-cong-bcd")
    assert "Ban Chỉ đạo 138 các xã, phường, thị trấn;" in sheet.recipients
