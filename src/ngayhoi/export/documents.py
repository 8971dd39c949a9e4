"""Official documents in the national layout (Nghị định 30/2020/NĐ-CP, Phụ lục I).

Each document has the parts the decree lays down, in its order: the issuing
body under its parent (upper case, the issuing body in bold), the quốc hiệu and
tiêu ngữ, the số and ký hiệu, the place-name and date, the title and subject,
the body, the signature block (quyền hạn, chức vụ, then a line for the signer's
name) and the "Nơi nhận" list. Pages are A4 in Times New Roman 13–14 pt.

The documents of a festival are:

* ``quyet-dinh-khen-thuong-<unit>-<issuer>``: the award decision of one issuer
  at one commune, with its attached list (danh sách kèm theo);
* ``phan-cong-<organiser>``: which member of the steering committee
  (each delegation) attends which point and when;
* ``giay-moi-<delegation>-<unit>``: an invitation per guest delegation and point;
* ``loi-dan-<unit>``: the MC's script, with the lines to read per item.

Each renders as HTML, as PDF (WeasyPrint, the ``documents`` extra) and as DOCX
(python-docx, with named paragraph styles so offices edit them in Word).

>>> import ngayhoi
>>> sched = ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation())
>>> [d.name for d in festival_documents(sched)][:3]
['phan-cong-bcd', 'giay-moi-doan-1-a', 'giay-moi-doan-1-b']
"""

from __future__ import annotations

import datetime as dt
import html
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import attrs
import pendulum

from ngayhoi._records import plain_repr
from ngayhoi.errors import ExportError, Said
from ngayhoi.export._guard import require_feasible
from ngayhoi.files import safe_child, write_together
from ngayhoi.i18n import N_
from ngayhoi.model import Award, Festival, Unit
from ngayhoi.scheduling.result import Schedule, Slot
from ngayhoi.templates.terms import Terms, kinds_words, terms_for, worded_title
from ngayhoi.text import nfc, one_line, vietnamese_date

__all__ = [
    "DOC_FORMATS",
    "Document",
    "Paragraph",
    "Table",
    "award_decisions",
    "festival_documents",
    "legal_bases",
    "to_docx",
    "to_html",
    "to_pdf",
    "write_documents",
]

DocFormat = Literal["html", "pdf", "docx"]
DOC_FORMATS: tuple[DocFormat, ...] = ("html", "pdf", "docx")
_MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập – Tự do – Hạnh phúc")
_BLANK_NUMBER = "……"


@plain_repr
@attrs.frozen(repr=False)
class Paragraph:
    """A paragraph; ``style`` is one of body, heading, centre, article, line, note."""

    text: str
    style: str = "body"


@plain_repr
@attrs.frozen(repr=False)
class Table:
    """A table with a header row."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]  # percent of the text width


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class Document:
    """One document in the national layout, before it is rendered."""

    name: str
    parent: str
    issuer: str
    number: str
    place_date: str
    title: str
    subject: str
    blocks: tuple[Paragraph | Table, ...]
    signature: tuple[str, ...]
    recipients: tuple[str, ...]
    annex: tuple[Paragraph | Table, ...] = ()


# -- building the documents -------------------------------------------------------


def _local(unit: Unit, terms: Terms) -> tuple[str, str]:
    """(the unit in running text, "xã Long Hòa"; its bare name, "Long Hòa")."""
    return terms.local_name(unit.official_name)


def _date_line(place: str, day: pendulum.Date | None) -> str:
    if day is None:
        return f"{place}, ngày … tháng … năm …"
    return f"{place}, ngày … tháng {day.month} năm {day.year}"


def _two(n: int) -> str:
    return f"{n:02d}"


def _issuer_parts(title: str) -> tuple[str, str, str, str]:
    """(body, signing position, abbreviation, authority) for an issuer's title."""
    if title.startswith("Chủ tịch UBND "):
        body = "Ủy ban nhân dân " + title.removeprefix("Chủ tịch UBND ")
        return body, "CHỦ TỊCH", "QĐ-UBND", title.replace("UBND", "Ủy ban nhân dân")
    if title.startswith("Giám đốc Công an "):
        return title.removeprefix("Giám đốc "), "GIÁM ĐỐC", "QĐ-CAT", title
    if title.startswith("Bộ trưởng "):
        return title.removeprefix("Bộ trưởng "), "BỘ TRƯỞNG", "QĐ-BCA", title
    return title, title.split(" ", 1)[0].upper(), "QĐ-KT", title


#: The day districts ended and communes merged (Nghị quyết 202/2025/QH15; DOMAIN.md §9).
_REFORM_DAY = dt.date(2025, 7, 1)


def _route(fest: Festival, title: str, unit: Unit, terms: Terms, day: dt.date) -> tuple[str, str]:
    """Who proposes the awards, and who carries the decision out, by the issuer's level.

    The route is the one DOMAIN.md §6.2 sources (Công an Quảng Bình's procedure): the
    commune's Hội đồng Thi đua – Khen thưởng proposes to its own chairman; the district
    police to the district's; the provincial police's PV05 (Phòng Xây dựng phong trào bảo
    vệ an ninh Tổ quốc) to its director; the provincial police and the Sở Nội vụ to the
    provincial chairman (Báo Khánh Hòa, 5/8/2022). A commune's own office before
    1/7/2025 is its Văn phòng – Thống kê civil servant; after it, a Văn phòng HĐND và UBND.

    >>> import ngayhoi
    >>> fest = ngayhoi.samples.two_communes_one_delegation()
    >>> unit = fest.hosts()[0]
    >>> terms = terms_for(unit.kind, fest.days[0])
    >>> _route(fest, "Chủ tịch UBND huyện Cần Đước", unit, terms, fest.days[0])[0]
    'Trưởng Công an huyện Cần Đước'
    """
    local, _bare = _local(unit, terms)
    chair = f"Chủ tịch Ủy ban nhân dân {local}"
    police = f"Trưởng {terms.police}"
    if title.startswith("Giám đốc Công an "):
        pv05 = "Trưởng phòng Xây dựng phong trào bảo vệ an ninh Tổ quốc"
        return pv05, f"Trưởng phòng Tổ chức cán bộ, {pv05}, {chair}"
    if not title.startswith("Chủ tịch UBND "):
        return f"Hội đồng Thi đua – Khen thưởng {local}", f"{chair}, {police}"
    place = title.removeprefix("Chủ tịch UBND ")
    level = _level_of(fest, place)
    if level == "province":
        return (
            f"Giám đốc Công an {place} và Giám đốc Sở Nội vụ",
            (
                f"Chánh Văn phòng Ủy ban nhân dân {place}, Giám đốc Sở Nội vụ, Giám đốc Công "
                f"an {place}, {chair}"
            ),
        )
    if level == "district":
        return (
            f"Trưởng Công an {place}",
            (
                f"Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {place}, Trưởng Công "
                f"an {place}, {chair}"
            ),
        )
    office = (
        f"Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {local}"
        if day >= _REFORM_DAY
        else "Công chức Văn phòng – Thống kê"
    )
    return f"Hội đồng Thi đua – Khen thưởng {local}", f"{office}, {police}"


def _above(fest: Festival, title: str) -> tuple[str, ...]:
    """A district's or province's decision goes to its own steering committee as well."""
    place = title.removeprefix("Chủ tịch UBND ")
    if place == title or _level_of(fest, place) == "commune":
        return ()
    return (f"Ban Chỉ đạo 138 {place};",)


def _level_of(fest: Festival, place: str) -> str:
    """``province``, ``district`` or ``commune``: the plan's unit of that name, or its word."""
    wanted = place.casefold()
    for unit in fest.units:
        if unit.official_name.casefold() == wanted:
            if unit.kind.is_province_level:
                return "province"
            return "district" if unit.kind.is_district_level else "commune"
    word = wanted.split(" ", 1)[0]
    if word == "tỉnh":
        return "province"
    return "district" if word in {"huyện", "quận"} or wanted.startswith("thị xã") else "commune"


def legal_bases(day: dt.date) -> tuple[str, ...]:
    """The legal bases an award decision cites: the 2022 law is in force from 1/1/2024.

    >>> import datetime as dt
    >>> legal_bases(dt.date(2024, 8, 13))[0]
    'Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;'
    """
    if day >= dt.date(2024, 1, 1):
        return (
            "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;",
            (
                "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ "
                "quy định "
                "chi tiết thi hành một số điều của Luật Thi đua, khen thưởng;"
            ),
        )
    return (
        (
            "Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một "
            "số điều của Luật Thi đua, khen thưởng năm 2005 và năm 2013;"
        ),
    )


def award_decisions(schedule: Schedule) -> list[Document]:
    """One award decision per commune and issuer, with the list of recipients attached.

    >>> import ngayhoi
    >>> sched = ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation())
    >>> award_decisions(sched)  # this sample gives no awards
    []
    """
    fest = schedule.festival
    out: list[Document] = []
    for unit in fest.hosts():
        awards = [a for s in schedule.for_unit(unit.id) for a in fest.awards_at(s.activity)]
        issuers = list(dict.fromkeys(a.issuer.id for a in awards))
        for issuer_id in issuers:
            given = [a for a in awards if a.issuer.id == issuer_id]
            out.append(_decision(fest, unit, given))
    return out


def _count(awards: Sequence[Award]) -> str:
    collective = sum(a.collective for a in awards)
    persons = len(awards) - collective
    parts = []
    if collective:
        parts.append(f"{_two(collective)} tập thể")
    if persons:
        parts.append(f"{_two(persons)} cá nhân")
    return " và ".join(parts)


def _decision(fest: Festival, unit: Unit, awards: Sequence[Award]) -> Document:
    day = fest.days[0]
    terms = terms_for(unit.kind, day)
    local, bare = _local(unit, terms)
    issuer = awards[0].issuer
    body, position, symbol, authority = _issuer_parts(issuer.title)
    proposer, executors = _route(fest, issuer.title, unit, terms, day)
    above = _above(fest, issuer.title)
    forms = list(dict.fromkeys(a.form.value.capitalize() for a in awards))
    form_text = ", ".join(forms)
    blocks: list[Paragraph | Table] = [Paragraph(authority.upper(), "centre-bold")]
    blocks += [Paragraph(line) for line in legal_bases(day)]
    blocks += [
        Paragraph(f"Xét đề nghị của {proposer},"),
        Paragraph("QUYẾT ĐỊNH:", "centre-bold"),
        Paragraph(
            f"Điều 1. Tặng {form_text} cho {_count(awards)} (có danh sách kèm theo) đã có thành "
            "tích xuất sắc trong phong trào “Toàn dân bảo vệ an ninh Tổ quốc” năm "
            f"{day.year}.",
            "article",
        ),
        Paragraph(
            "Điều 2. Quyết định này có hiệu lực kể từ ngày ký. Khen thưởng được trao tại "
            f"Ngày hội toàn dân bảo vệ an ninh Tổ quốc {local}, {vietnamese_date(day)}.",
            "article",
        ),
        Paragraph(
            f"Điều 3. {executors} và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm "
            "thi hành Quyết định này.",
            "article",
        ),
    ]
    rows: list[tuple[str, ...]] = []
    for label, flag in (("Tập thể", True), ("Cá nhân", False)):
        group = [a for a in awards if a.collective is flag]
        if not group:
            continue
        rows.append(("", f"{label.upper()} ({_two(len(group))})", ""))
        rows += [
            (str(n), a.recipient, a.reason or f"{a.form.value.capitalize()}")
            for n, a in enumerate(group, start=1)
        ]
    annex = (
        Paragraph("DANH SÁCH KHEN THƯỞNG", "heading"),
        Paragraph(
            f"(Kèm theo Quyết định số {_BLANK_NUMBER}/{symbol} ngày … tháng {day.month} năm "
            f"{day.year} của {issuer.title})",
            "centre-italic",
        ),
        Table(("STT", "Tên tập thể, cá nhân", "Thành tích, hình thức"), tuple(rows), (8, 52, 40)),
    )
    place = (
        _bare_place(body.removeprefix("Ủy ban nhân dân ")) if body.startswith("Ủy ban") else bare
    )
    parent, own = _masthead(body)
    return Document(
        name=f"quyet-dinh-khen-thuong-{unit.id}-{issuer.id}",
        parent=parent,
        issuer=own,
        number=f"Số: {_BLANK_NUMBER}/{symbol}",
        place_date=_date_line(place, day),
        title="QUYẾT ĐỊNH",
        subject=f"Về việc tặng {form_text} cho các tập thể, cá nhân có thành tích trong phong "
        "trào “Toàn dân bảo vệ an ninh Tổ quốc”",
        blocks=tuple(blocks),
        signature=(position, "(Ký, ghi rõ họ tên, đóng dấu)"),
        # Beside its own committee, a higher level's decision names the commune's in full.
        recipients=(
            "Như Điều 3;",
            *above,
            f"Ban Chỉ đạo 138 {local};" if above else f"{terms.steering};",
            "Lưu: VT.",
        ),
        annex=annex,
    )


def _bare_place(name: str) -> str:
    """The place-name line drops the kind of unit: "huyện Cần Đước" → "Cần Đước"."""
    for word in ("thành phố ", "thị trấn ", "thị xã ", "đặc khu ", "huyện ", "tỉnh ", "quận "):
        if name.lower().startswith(word):
            return name[len(word) :]
    for word in ("xã ", "phường "):
        if name.lower().startswith(word):
            return name[len(word) :]
    return name


def _masthead(body: str) -> tuple[str, str]:
    """(parent, issuing body) in upper case; a People's Committee has no parent line."""
    if body.startswith("Ủy ban nhân dân "):
        return "ỦY BAN NHÂN DÂN", nfc(body.removeprefix("Ủy ban nhân dân ").upper())
    if body.startswith("Công an "):
        return "BỘ CÔNG AN", nfc(body.upper())
    return "", nfc(body.upper())


def _assignment(schedule: Schedule) -> Document | None:
    fest = schedule.festival
    rows: list[tuple[str, ...]] = []
    for res in schedule.delegations():
        slots = schedule.for_resource(res.id)
        visits = list(dict.fromkeys(fest.activity(s.activity).site for s in slots))
        for site_id in visits:
            here = [s for s in slots if fest.activity(s.activity).site == site_id]
            site = fest.site(site_id)
            when = f"{_hhmm(fest, here[0].start)}–{_hhmm(fest, here[-1].end)}"
            what = "; ".join(_title(fest, s) for s in here)
            members = ", ".join(res.members) or "(chưa ghi tên)"
            rows.append(
                (res.name, members, f"{site.name} ({fest.unit(site.unit).name})", when, what)
            )
    if not rows:
        return None
    day = fest.days[0]
    numbered = tuple((str(n), *row) for n, row in enumerate(rows, start=1))
    return Document(
        name="phan-cong-bcd",
        parent=_organiser_parent(fest),
        issuer="BAN CHỈ ĐẠO 138",
        number=f"Số: {_BLANK_NUMBER}/PC-BCĐ",
        place_date=_date_line(_place(fest), None),
        title="BẢNG PHÂN CÔNG",
        subject="Thành viên Ban Chỉ đạo dự Ngày hội toàn dân bảo vệ an ninh Tổ quốc tại các điểm",
        blocks=(
            Paragraph(
                f"Ngày hội diễn ra {vietnamese_date(day)}. Ban Chỉ đạo phân công các đồng chí "
                "thành viên dự, phát biểu chỉ đạo và trao khen thưởng tại các điểm như sau:"
            ),
            Table(
                ("STT", "Đoàn", "Thành viên", "Điểm", "Thời gian", "Nội dung dự"),
                numbered,
                (6, 11, 24, 22, 12, 25),
            ),
            Paragraph(
                "Các đồng chí được phân công có mặt tại điểm từ khi đón tiếp đại biểu đến khi "
                "kết thúc phần lễ; trường hợp vắng báo Thường trực Ban Chỉ đạo để bố trí thay."
            ),
        ),
        signature=("TM. BAN CHỈ ĐẠO", "TRƯỞNG BAN", "(Ký, ghi rõ họ tên)"),
        recipients=(
            "Thành viên Ban Chỉ đạo;",
            f"Ban Chỉ đạo 138 các {_kinds(fest)};",
            "Lưu: VT.",
        ),
    )


def _organiser_parent(fest: Festival) -> str:
    """The People's Committee above the organising BCĐ 138 ("UBND HUYỆN CẦN ĐƯỚC")."""
    organiser = fest.organiser or ""
    for word in ("huyện ", "tỉnh ", "thị xã ", "thành phố ", "quận "):
        if word in organiser:
            return nfc(f"UBND {word}{organiser.split(word, 1)[1]}".upper())
    return ""


def _place(fest: Festival) -> str:
    organiser = fest.organiser or ""
    for word in ("huyện ", "tỉnh ", "thị xã ", "thành phố ", "quận "):
        if word in organiser:
            return organiser.split(word, 1)[1]
    return organiser or "……"


def _hhmm(fest: Festival, when: pendulum.DateTime) -> str:
    local = when.in_timezone(fest.timezone)
    return f"{local.hour:02d} giờ {local.minute:02d}"


def _title(fest: Festival, slot: Slot) -> str:
    """The slot's activity as its unit words it ("Diễn đàn “Công an phường …”")."""
    return worded_title(fest, slot.activity, slot.start.in_timezone(fest.timezone).date())


def _kinds(fest: Festival) -> str:
    """The kinds of the festival's communes, as a list names them ("xã, thị trấn")."""
    return kinds_words(u.kind for u in fest.hosts())


def _invitations(schedule: Schedule) -> list[Document]:
    fest = schedule.festival
    out: list[Document] = []
    for res in schedule.delegations():
        for unit in fest.hosts():
            slots = [s for s in schedule.for_resource(res.id) if _unit_of(fest, s) == unit.id]
            if not slots:
                continue
            out.append(_invitation(schedule, res.id, unit, slots))
    return out


def _unit_of(fest: Festival, slot: Slot) -> str:
    return fest.site(fest.activity(slot.activity).site).unit


def _invitation(schedule: Schedule, res_id: str, unit: Unit, slots: Sequence[Slot]) -> Document:
    fest = schedule.festival
    res = fest.resource(res_id)
    day = slots[0].start.in_timezone(fest.timezone).date()
    terms = terms_for(unit.kind, day)
    local, bare = _local(unit, terms)
    site = fest.site(fest.activity(slots[0].activity).site)
    first = schedule.for_unit(unit.id)[0]
    guests = f"{', '.join(res.members)} ({res.name})" if res.members else res.name
    return Document(
        name=f"giay-moi-{res_id}-{unit.id}",
        parent=nfc(f"UBND {local}".upper()),
        issuer="BAN TỔ CHỨC NGÀY HỘI",
        number=f"Số: {_BLANK_NUMBER}/GM-BTC",
        place_date=_date_line(bare, day),
        title="GIẤY MỜI",
        subject="Dự Ngày hội toàn dân bảo vệ an ninh Tổ quốc",
        blocks=(
            Paragraph(f"Kính gửi: {guests}.", "centre-bold"),
            Paragraph(
                f"Ban Tổ chức Ngày hội toàn dân bảo vệ an ninh Tổ quốc {local} trân trọng kính "
                f"mời {res.name} đến dự Ngày hội năm {day.year}."
            ),
            Paragraph(
                f"Thời gian: từ {_hhmm(fest, slots[0].start)}, {vietnamese_date(day)} "
                f"(chương trình bắt đầu lúc {_hhmm(fest, first.start)})."
            ),
            Paragraph(f"Địa điểm: {site.location}."),
            Paragraph("Nội dung dự: " + "; ".join(_title(fest, s) for s in slots) + "."),
            Paragraph("Rất mong được đón tiếp!"),
        ),
        signature=("TM. BAN TỔ CHỨC", "TRƯỞNG BAN", "(Ký, ghi rõ họ tên)"),
        recipients=("Như trên;", "Lưu: VT."),
    )


#: Item key → the MC's line (lời dẫn); ``{unit}`` is the unit in running text.
_LINES = {
    "tap-trung": "Đề nghị các lực lượng tập trung, ổn định đội hình chuẩn bị ra quân.",
    "dieu-hanh": "Sau đây, mời các lực lượng diễu hành trên các tuyến đường chính của {areas}.",
    "don-dai-bieu": "Ban Tổ chức xin trân trọng kính mời quý vị đại biểu ổn định chỗ ngồi.",
    "van-nghe": "Mở đầu chương trình, xin mời quý vị thưởng thức tiết mục văn nghệ chào mừng.",
    "chao-co": "Xin mời quý vị đại biểu và toàn thể Nhân dân đứng nghiêm làm lễ chào cờ!",
    "tuyen-bo-ly-do": "Kính thưa quý vị đại biểu, thưa toàn thể Nhân dân {unit}! Hưởng ứng "
    "phong trào “Toàn dân bảo vệ an ninh Tổ quốc”, hôm nay {unit} long trọng tổ chức Ngày hội "
    "toàn dân bảo vệ an ninh Tổ quốc. Đến dự Ngày hội hôm nay, chúng tôi trân trọng giới thiệu: "
    "(đọc danh sách đại biểu có mặt).",
    "bao-cao": "Xin trân trọng kính mời đồng chí Trưởng {police} lên trình bày báo cáo đánh giá "
    "kết quả 01 năm thực hiện phong trào trước Nhân dân.",
    "dien-dan": "Tiếp theo là Diễn đàn “{police} lắng nghe ý kiến của Nhân dân”. Kính mời bà con "
    "phát biểu ý kiến.",
    "trao-thuong": "Tiếp theo chương trình, xin mời đại diện lãnh đạo công bố quyết định khen "
    "thưởng và trao khen thưởng cho các tập thể, cá nhân.",
    "phat-bieu-chi-dao": "Xin trân trọng kính mời đồng chí đại diện lãnh đạo lên phát biểu chỉ "
    "đạo Ngày hội.",
    "phat-bieu-tiep-thu": "Xin trân trọng kính mời đồng chí {chairman}, Trưởng {steering} lên "
    "phát biểu tiếp thu ý kiến chỉ đạo.",
    "giao-uoc": "Xin mời đại diện {areas} và các đoàn thể lên ký kết giao ước thi đua.",
    "be-mac": "Phần lễ của Ngày hội đến đây là kết thúc. Xin trân trọng cảm ơn quý vị đại biểu và "
    "toàn thể Nhân dân!",
    "tro-choi": "Sau đây, mời bà con tham gia các trò chơi dân gian.",
}


def _mc_script(schedule: Schedule, unit: Unit) -> Document:
    fest = schedule.festival
    slots = schedule.for_unit(unit.id)
    day = slots[0].start.in_timezone(fest.timezone).date()
    terms = terms_for(unit.kind, day)
    local, bare = _local(unit, terms)
    words = {
        "unit": local,
        "areas": terms.areas,
        "police": terms.police,
        "chairman": terms.chairman,
        "steering": terms.steering,
    }
    from ngayhoi.export.runsheet import worded  # noqa: PLC0415 - one module uses the other

    blocks: list[Paragraph | Table] = []
    for slot in slots:
        act = fest.activity(slot.activity)
        title, _lead = worded(act.item, act.title, act.lead, terms)
        blocks.append(Paragraph(f"{_hhmm(fest, slot.start)} – {title}", "heading-left"))
        line = _LINES.get(act.item or "")
        blocks.append(
            Paragraph(line.format(**words) if line else f"Tiếp theo chương trình: {title}.", "line")
        )
    return Document(
        name=f"loi-dan-{unit.id}",
        parent=nfc(f"UBND {local}".upper()),
        issuer="BAN TỔ CHỨC",
        number="",
        place_date=_date_line(bare, day),
        title="LỜI DẪN CHƯƠNG TRÌNH",
        subject=f"Ngày hội toàn dân bảo vệ an ninh Tổ quốc {local} năm {day.year}",
        blocks=tuple(blocks),
        signature=("NGƯỜI DẪN CHƯƠNG TRÌNH",),
        recipients=(),
    )


def festival_documents(schedule: Schedule) -> list[Document]:
    """Every document of the festival: decisions, the assignment, invitations, MC scripts.

    Raises:
        NotScheduledError: if the schedule has no feasible times.
    """
    require_feasible(schedule, "print")
    docs = award_decisions(schedule)
    assignment = _assignment(schedule)
    if assignment is not None:
        docs.append(assignment)
    docs += _invitations(schedule)
    docs += [_mc_script(schedule, unit) for unit in schedule.festival.hosts()]
    return docs


# -- rendering ----------------------------------------------------------------------


def _h(text: str) -> str:
    return html.escape(one_line(text), quote=True)


CSS = """
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
body { font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", serif;
  font-size: 14pt; line-height: 1.3; margin: 0; }
table.head { width: 100%; border-collapse: collapse; margin-bottom: 4mm; }
table.head td { vertical-align: top; text-align: center; font-size: 13pt; padding: 0; }
table.head td.left { width: 40%; } table.head td.right { width: 60%; }
.bold { font-weight: bold; } .rule { display: inline-block; border-bottom: 0.75pt solid #000; }
.number { font-size: 13pt; margin-top: 2mm; }
.date { font-style: italic; font-size: 14pt; margin-top: 2mm; }
h1 { text-align: center; font-size: 14pt; margin: 6mm 0 0; }
.subject { text-align: center; font-weight: bold; margin: 0 0 6mm; }
p { margin: 0 0 2mm; text-align: justify; text-indent: 10mm; }
p.centre-bold, p.heading { text-align: center; font-weight: bold; text-indent: 0; }
p.centre-italic { text-align: center; font-style: italic; text-indent: 0; }
p.heading-left { font-weight: bold; text-indent: 0; margin-top: 3mm; }
p.line { font-style: italic; }
table.grid { width: 100%; border-collapse: collapse; font-size: 13pt; margin: 2mm 0 4mm; }
table.grid th, table.grid td { border: 0.75pt solid #000; padding: 1mm 1.5mm; vertical-align: top; }
table.grid th { text-align: center; }
table.foot { width: 100%; border-collapse: collapse; margin-top: 6mm; }
table.foot td { vertical-align: top; padding: 0; }
td.recipients { width: 50%; font-size: 12pt; }
td.recipients .label { font-weight: bold; font-style: italic; font-size: 12pt; }
td.sign { width: 50%; text-align: center; font-weight: bold; }
td.sign .hint { font-weight: normal; font-style: italic; }
.annex { break-before: page; page-break-before: always; }
""".strip()


def _html_blocks(blocks: Sequence[Paragraph | Table]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(f'<p class="{block.style}">{_h(block.text)}</p>')
            continue
        cols = "".join(f'<col style="width:{w}%">' for w in block.widths)
        head = "".join(f"<th>{_h(c)}</th>" for c in block.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{_h(c)}</td>" for c in row) + "</tr>" for row in block.rows
        )
        out.append(
            f'<table class="grid"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>"
        )
    return out


def to_html(doc: Document) -> str:
    """The document as one self-contained HTML page for A4.

    >>> import ngayhoi
    >>> sched = ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation())
    >>> page = to_html(festival_documents(sched)[0])
    >>> "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page, "Nơi nhận:" in page
    (True, True)
    """
    parent = f"<div>{_h(doc.parent)}</div>" if doc.parent else ""
    number = f'<div class="number">{_h(doc.number)}</div>' if doc.number else ""
    out = [
        "<!DOCTYPE html>",
        '<html lang="vi"><head><meta charset="utf-8">',
        f"<title>{_h(doc.title)} – {_h(doc.subject)}</title>",
        f"<style>\n{CSS}\n</style></head><body>",
        '<table class="head"><tr>',
        f'<td class="left">{parent}<div class="bold rule">{_h(doc.issuer)}</div>{number}</td>',
        (
            f'<td class="right"><div class="bold">{_h(_MOTTO[0])}</div>'
            f'<div class="bold rule">{_h(_MOTTO[1])}</div>'
            f'<div class="date">{_h(doc.place_date)}</div></td>'
        ),
        "</tr></table>",
        f"<h1>{_h(doc.title)}</h1>",
        f'<p class="subject">{_h(doc.subject)}</p>',
        *_html_blocks(doc.blocks),
        '<table class="foot"><tr><td class="recipients">',
    ]
    if doc.recipients:
        out.append('<div class="label">Nơi nhận:</div>')
        out += [f"<div>- {_h(r)}</div>" for r in doc.recipients]
    out.append('</td><td class="sign">')
    for line in doc.signature:
        css = ' class="hint"' if line.startswith("(") else ""
        out.append(f"<div{css}>{_h(line)}</div>")
    out.append("</td></tr></table>")
    if doc.annex:
        out += ['<div class="annex">', *_html_blocks(doc.annex), "</div>"]
    out.append("</body></html>")
    return nfc("\n".join(out) + "\n")


def to_pdf(doc: Document | str) -> bytes:
    """The document (or an HTML page) as PDF through WeasyPrint, its fonts embedded.

    Raises:
        ExportError: if WeasyPrint (the ``documents`` extra) is not installed.
    """
    try:
        from weasyprint import HTML  # type: ignore[import-untyped]  # noqa: PLC0415 - an extra
    except ImportError as error:  # pragma: no cover - the extra is installed in the tests
        msg = Said(N_("PDF needs WeasyPrint: pip install 'ngayhoi[documents]'"))
        raise ExportError(msg) from error
    page = to_html(doc) if isinstance(doc, Document) else doc
    pdf: bytes = HTML(string=page).write_pdf()
    return pdf


def _docx_styles(document: object) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: PLC0415
    from docx.shared import Pt  # noqa: PLC0415

    styles = document.styles  # type: ignore[attr-defined]
    normal = styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    specs = {
        "Cơ quan": (13, False, False, WD_ALIGN_PARAGRAPH.CENTER),
        "Cơ quan ban hành": (13, True, False, WD_ALIGN_PARAGRAPH.CENTER),
        "Quốc hiệu": (13, True, False, WD_ALIGN_PARAGRAPH.CENTER),
        "Tiêu ngữ": (14, True, False, WD_ALIGN_PARAGRAPH.CENTER),
        "Địa danh": (14, False, True, WD_ALIGN_PARAGRAPH.CENTER),
        "Tên loại": (14, True, False, WD_ALIGN_PARAGRAPH.CENTER),
        "Trích yếu": (14, True, False, WD_ALIGN_PARAGRAPH.CENTER),
        "Nội dung": (14, False, False, WD_ALIGN_PARAGRAPH.JUSTIFY),
        "Giữa đậm": (14, True, False, WD_ALIGN_PARAGRAPH.CENTER),
        "Giữa nghiêng": (14, False, True, WD_ALIGN_PARAGRAPH.CENTER),
        "Mục": (14, True, False, WD_ALIGN_PARAGRAPH.LEFT),
        "Lời dẫn": (14, False, True, WD_ALIGN_PARAGRAPH.JUSTIFY),
        "Nơi nhận": (12, False, False, WD_ALIGN_PARAGRAPH.LEFT),
        "Chữ ký": (14, True, False, WD_ALIGN_PARAGRAPH.CENTER),
    }
    from docx.enum.style import WD_STYLE_TYPE  # noqa: PLC0415

    for name, (size, bold, italic, align) in specs.items():
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = italic
        style.paragraph_format.alignment = align
        style.paragraph_format.space_after = Pt(3)


_DOCX_STYLE = {
    "body": "Nội dung",
    "article": "Nội dung",
    "centre-bold": "Giữa đậm",
    "heading": "Giữa đậm",
    "centre-italic": "Giữa nghiêng",
    "heading-left": "Mục",
    "line": "Lời dẫn",
}


def to_docx(doc: Document) -> bytes:
    """The document as an editable DOCX (python-docx), A4, its text in named styles.

    >>> import docx, io, ngayhoi
    >>> sched = ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation())
    >>> opened = docx.Document(io.BytesIO(to_docx(festival_documents(sched)[0])))
    >>> [p.text for p in opened.paragraphs if p.style.name == "Tên loại"]
    ['BẢNG PHÂN CÔNG']
    """
    import docx  # noqa: PLC0415 - an optional extra
    from docx.shared import Mm  # noqa: PLC0415

    document = docx.Document()
    _docx_styles(document)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    head = document.add_table(rows=1, cols=2)
    left, right = head.rows[0].cells
    left.paragraphs[0].text = doc.parent
    left.paragraphs[0].style = document.styles["Cơ quan"]
    left.add_paragraph(doc.issuer, style="Cơ quan ban hành")
    if doc.number:
        left.add_paragraph(doc.number, style="Cơ quan")
    right.paragraphs[0].text = _MOTTO[0]
    right.paragraphs[0].style = document.styles["Quốc hiệu"]
    right.add_paragraph(_MOTTO[1], style="Tiêu ngữ")
    right.add_paragraph(doc.place_date, style="Địa danh")
    document.add_paragraph(doc.title, style="Tên loại")
    document.add_paragraph(doc.subject, style="Trích yếu")
    _docx_blocks(document, doc.blocks)
    foot = document.add_table(rows=1, cols=2)
    recipients, sign = foot.rows[0].cells
    if doc.recipients:
        recipients.paragraphs[0].text = "Nơi nhận:"
        recipients.paragraphs[0].style = document.styles["Nơi nhận"]
        for line in doc.recipients:
            recipients.add_paragraph(f"- {line}", style="Nơi nhận")
    sign.paragraphs[0].text = doc.signature[0] if doc.signature else ""
    sign.paragraphs[0].style = document.styles["Chữ ký"]
    for line in doc.signature[1:]:
        sign.add_paragraph(line, style="Giữa nghiêng" if line.startswith("(") else "Chữ ký")
    if doc.annex:
        document.add_page_break()  # type: ignore[no-untyped-call]
        _docx_blocks(document, doc.annex)
    buffer = io.BytesIO()
    document.core_properties.title = doc.title
    document.save(buffer)
    return buffer.getvalue()


def _docx_blocks(document: object, blocks: Sequence[Paragraph | Table]) -> None:
    for block in blocks:
        if isinstance(block, Paragraph):
            document.add_paragraph(block.text, style=_DOCX_STYLE.get(block.style, "Nội dung"))  # type: ignore[attr-defined]
            continue
        table = document.add_table(rows=1, cols=len(block.columns))  # type: ignore[attr-defined]
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, block.columns, strict=True):
            cell.text = text
        for row in block.rows:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text


def render(doc: Document, fmt: str) -> bytes:
    """The document in one of :data:`DOC_FORMATS`."""
    if fmt == "html":
        return to_html(doc).encode("utf-8")
    if fmt == "pdf":
        return to_pdf(doc)
    if fmt == "docx":
        return to_docx(doc)
    msg = Said(
        N_("document format {fmt!r} is not one of {names}"), fmt=fmt, names=", ".join(DOC_FORMATS)
    )
    raise ExportError(msg)


def write_documents(
    schedule: Schedule, folder: Path | str, *, formats: Sequence[str] = DOC_FORMATS
) -> list[Path]:
    """Write every document in every format: all rendered first, then written all or none.

    Raises:
        NotScheduledError: if the schedule has no feasible times.
        ExportError: if a format is unknown, the folder cannot be written, or a
            document would replace a file ngayhoi did not write (see
            :func:`~ngayhoi.files.write_together`).

    >>> import ngayhoi, pathlib, tempfile
    >>> sched = ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation())
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> [p.name for p in write_documents(sched, out, formats=["html"])][:2]
    ['phan-cong-bcd.html', 'giay-moi-doan-1-a.html']
    """
    for fmt in formats:
        if fmt not in DOC_FORMATS:
            msg = Said(
                N_("document format {fmt!r} is not one of {names}"),
                fmt=fmt,
                names=", ".join(DOC_FORMATS),
            )
            raise ExportError(msg)
    out = Path(folder)
    rendered = [
        (safe_child(out, f"{doc.name}.{fmt}").name, render(doc, fmt))
        for doc in festival_documents(schedule)
        for fmt in formats
    ]
    return write_together(out, rendered)
