"""Official documents: the national layout, per unit kind, as HTML, PDF pages and DOCX."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from PIL import Image

import ngayhoi
from ngayhoi.errors import ExportError
from ngayhoi.export.documents import (
    Document,
    festival_documents,
    legal_bases,
    to_docx,
    to_html,
    to_pdf,
    write_documents,
)
from ngayhoi.export.runsheet import write_runsheets
from ngayhoi.model import Festival
from ngayhoi.scheduling import Schedule

from conftest import load_example

PDFTOPPM = shutil.which("pdftoppm") or "pdftoppm"
PDFFONTS = shutil.which("pdffonts") or "pdffonts"
PREFIXES = ("quyet-dinh-khen-thuong-", "phan-cong-", "giay-moi-", "loi-dan-")


@pytest.fixture(scope="module")
def schedule() -> Schedule:
    fest: Festival = load_example("can_duoc_2023").build()
    return ngayhoi.schedule(fest).unwrap()


@pytest.fixture(scope="module")
def docs(schedule: Schedule) -> list[Document]:
    return festival_documents(schedule)


def by_prefix(docs: list[Document], prefix: str, unit: str = "") -> Document:
    return next(d for d in docs if d.name.startswith(prefix) and unit in d.name)


def test_every_document_type_is_made_and_each_has_the_national_layout(
    docs: list[Document],
) -> None:
    for prefix in PREFIXES:
        doc = by_prefix(docs, prefix)
        page = to_html(doc)
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page
        assert "Độc lập – Tự do – Hạnh phúc" in page
        assert doc.issuer in page
        assert ", ngày … tháng" in doc.place_date
        assert doc.signature
        # the issuing body is written under its parent, not above it
        assert page.index(f">{doc.issuer}<") > page.index(f">{doc.parent}<")


def test_award_decision_counts_its_recipients_cites_the_law_and_attaches_the_list(
    schedule: Schedule, docs: list[Document]
) -> None:
    fest = schedule.festival
    doc = by_prefix(docs, "quyet-dinh-khen-thuong-long-hoa-ct-ubnd-long-hoa")
    awards = [a for a in fest.awards if a.issuer.id == "ct-ubnd-long-hoa"]
    collective = sum(a.collective for a in awards)
    page = to_html(doc)
    assert doc.parent == "ỦY BAN NHÂN DÂN"
    assert doc.issuer == "XÃ LONG HÒA"
    assert doc.number == "Số: ……/QĐ-UBND"
    assert doc.place_date == "Long Hòa, ngày … tháng 8 năm 2023"
    assert f"cho {collective:02d} tập thể và {len(awards) - collective:02d} cá nhân" in page
    assert "Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003" in page  # 2023: old law
    assert "Nơi nhận:" in page
    assert "DANH SÁCH KHEN THƯỞNG" in page
    for award in awards:
        assert award.recipient in page


def test_a_decision_after_2024_cites_the_2022_law_and_its_decree() -> None:
    before = " ".join(legal_bases(dt.date(2023, 12, 31)))
    after = " ".join(legal_bases(dt.date(2024, 1, 1)))
    assert "06/2022/QH15" not in before
    assert "Luật Thi đua, khen thưởng số 06/2022/QH15" in after
    assert "Nghị định số 98/2023/NĐ-CP" in after


@pytest.mark.parametrize(("unit", "kind"), [("can-duoc", "thị trấn"), ("long-hoa", "xã")])
def test_each_kinds_documents_name_its_own_bodies_and_not_the_others(
    docs: list[Document], unit: str, kind: str
) -> None:
    other = "xã" if kind == "thị trấn" else "thị trấn"
    # The commune's own decision names its police in Điều 3 (a district's names the district's).
    for name in (f"loi-dan-{unit}", f"quyet-dinh-khen-thuong-{unit}-ct-ubnd-{unit}"):
        page = to_html(by_prefix(docs, name))
        prefix = name
        assert f"Công an {kind}" in page, prefix
        assert f"Công an {other} " not in page, prefix
        assert f"Công an {other}," not in page, prefix


@pytest.mark.parametrize(("unit", "kind"), [("can-duoc", "thị trấn"), ("long-hoa", "xã")])
def test_a_decision_is_proposed_and_carried_out_by_the_issuers_own_level(
    docs: list[Document], unit: str, kind: str
) -> None:
    local = {"can-duoc": "thị trấn Cần Đước", "long-hoa": "xã Long Hòa"}[unit]
    district = to_html(by_prefix(docs, f"quyet-dinh-khen-thuong-{unit}-ct-ubnd-huyen-can-duoc"))
    assert "Xét đề nghị của Trưởng Công an huyện Cần Đước," in district
    assert (
        "Điều 3. Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện Cần Đước, Trưởng "
        f"Công an huyện Cần Đước, Chủ tịch Ủy ban nhân dân {local} và các tập thể"
    ) in district
    own = to_html(by_prefix(docs, f"quyet-dinh-khen-thuong-{unit}-ct-ubnd-{unit}"))
    assert f"Xét đề nghị của Hội đồng Thi đua – Khen thưởng {local}," in own
    # 2023: a commune's office is its Văn phòng – Thống kê civil servant, not a Văn phòng.
    assert f"Điều 3. Công chức Văn phòng – Thống kê, Trưởng Công an {kind} và" in own


def test_mc_script_gives_a_line_to_read_for_each_item_in_time_order(
    schedule: Schedule, docs: list[Document]
) -> None:
    doc = by_prefix(docs, "loi-dan-can-duoc")
    page = to_html(doc)
    assert "Kính thưa quý vị đại biểu, thưa toàn thể Nhân dân thị trấn Cần Đước!" in page
    assert "Diễn đàn “Công an thị trấn lắng nghe ý kiến của Nhân dân”" in page
    lines = [b for b in doc.blocks if getattr(b, "style", "") == "line"]
    assert len(lines) == len(schedule.for_unit("can-duoc"))


def test_assignment_lists_each_delegation_at_each_point_it_attends(
    schedule: Schedule, docs: list[Document]
) -> None:
    doc = by_prefix(docs, "phan-cong-")
    page = to_html(doc)
    for res in schedule.delegations():
        assert res.name in page
    invitations = [d for d in docs if d.name.startswith("giay-moi-")]
    visits = {
        (res.id, schedule.festival.site(schedule.festival.activity(s.activity).site).unit)
        for res in schedule.delegations()
        for s in schedule.for_resource(res.id)
    }
    assert len(invitations) == len(visits)


def test_docx_opens_in_python_docx_with_named_styles_and_a4(docs: list[Document]) -> None:
    data = to_docx(by_prefix(docs, "quyet-dinh-khen-thuong-"))
    opened = docx.Document(io.BytesIO(data))
    styles = {p.style.name for p in opened.paragraphs if p.style is not None}
    assert {"Tên loại", "Trích yếu", "Nội dung", "Giữa đậm"} <= styles
    assert "QUYẾT ĐỊNH" in [p.text for p in opened.paragraphs]
    section = opened.sections[0]
    assert section.page_width is not None
    assert round(section.page_width.mm) == 210
    assert opened.styles["Normal"].font.name == "Times New Roman"
    assert len(opened.tables) >= 3  # masthead, signature block, the list


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_pdf_pages_render_to_pictures_with_the_fonts_embedded(
    docs: list[Document], tmp_path: Path
) -> None:
    for prefix in PREFIXES:
        pdf = tmp_path / f"{prefix}pdf"
        pdf.write_bytes(to_pdf(by_prefix(docs, prefix)))
        fonts = subprocess.run(  # noqa: S603 - a fixed tool on our own file
            [PDFFONTS, str(pdf)], capture_output=True, text=True, check=True
        ).stdout
        assert "Serif" in fonts, fonts
        rows = [line.split() for line in fonts.splitlines()[2:]]
        assert rows
        assert all("yes" in row[-5:-3] for row in rows), fonts  # emb column
        subprocess.run(  # noqa: S603 - a fixed tool on our own file
            [
                PDFTOPPM,
                "-r",
                "40",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                str(pdf),
                str(tmp_path / prefix),
            ],
            check=True,
        )
        picture = next(tmp_path.glob(f"{prefix}*.png"))
        with Image.open(picture) as image:
            width, height = image.size
            assert abs(height / width - 297 / 210) < 0.01  # A4 portrait
            dark = sum(image.convert("L").histogram()[:128])
            assert dark > 500  # text was drawn


def test_write_documents_writes_every_type_and_nothing_on_a_bad_format(
    schedule: Schedule, tmp_path: Path
) -> None:
    with pytest.raises(ExportError, match="'rtf' is not one of html, pdf, docx"):
        write_documents(schedule, tmp_path / "bad", formats=["html", "rtf"])
    assert not (tmp_path / "bad").exists()
    paths = write_documents(schedule, tmp_path / "out", formats=["html"])
    names = [p.name for p in paths]
    for prefix in PREFIXES:
        assert any(n.startswith(prefix) for n in names), prefix
    again = write_documents(schedule, tmp_path / "again", formats=["html"])
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in again]


def test_runsheet_writes_pdf_and_docx_too(schedule: Schedule, tmp_path: Path) -> None:
    paths = write_runsheets(schedule, tmp_path, formats=["pdf", "docx"])
    pdf = next(p for p in paths if p.name == "runsheet-can-duoc.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    opened = docx.Document(str(tmp_path / "runsheet-can-duoc.docx"))
    text = "\n".join(p.text for p in opened.paragraphs)
    assert "CHƯƠNG TRÌNH NGÀY HỘI" in text
    cells = {c.text for t in opened.tables for row in t.rows for c in row.cells}
    assert "Phát biểu tiếp thu ý kiến chỉ đạo" in cells
