"""The Gantt chart of the whole day: what it shows, the files it writes, and its errors."""

from __future__ import annotations

import datetime as dt
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import matplotlib.image
import pytest

import ngayhoi
from ngayhoi import io as plan_io
from ngayhoi.errors import ExportError
from ngayhoi.export.gantt import gantt, gantt_days, gantt_rows
from ngayhoi.scheduling import Schedule, Status

from conftest import load_example

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def example() -> Schedule:
    """The 2023 Cần Đước day, scheduled: 17 communes, 3 travelling delegations."""
    return ngayhoi.schedule(load_example("can_duoc_2023").build()).unwrap()


@pytest.fixture(scope="module")
def sched() -> Schedule:
    """Two award ceremonies and one delegation driving between them."""
    return ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation(), time_limit=0.2).unwrap()


@pytest.fixture(scope="module")
def example_svg(example: Schedule, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The example's chart as SVG text."""
    path = gantt(example, tmp_path_factory.mktemp("svg") / "ngay-hoi.svg")
    return path.read_text(encoding="utf-8")


def _png_chunks(data: bytes) -> dict[bytes, bytes]:
    """The PNG's chunks by type (the first of each)."""
    chunks: dict[bytes, bytes] = {}
    at = len(PNG_SIGNATURE)
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        chunks.setdefault(kind, data[at + 8 : at + 8 + length])
        at += 12 + length
    return chunks


def _svg_texts(svg: str) -> list[str]:
    """The text of every <text> element of an SVG."""
    root = ET.fromstring(svg)  # noqa: S314 - our own file, just written
    return ["".join(node.itertext()) for node in root.iter(f"{SVG_NS}text")]


def test_png_is_written_as_a_real_png_of_plausible_size(example: Schedule, tmp_path: Path) -> None:
    path = gantt(example, tmp_path / "ngay-hoi.png")

    assert path == tmp_path / "ngay-hoi.png"
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    chunks = _png_chunks(data)
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    x_per_metre, y_per_metre, unit = struct.unpack(">IIB", chunks[b"pHYs"])
    assert unit == 1
    assert round(x_per_metre * 0.0254) >= 150
    assert round(y_per_metre * 0.0254) >= 150
    # 17 rows, each tall enough for a line of text at 150 dpi; a morning wide enough to read.
    assert 17 * 40 <= height <= 4000
    assert 1800 <= width <= 8000
    pixels = matplotlib.image.imread(path)
    assert pixels.shape[:2] == (height, width)
    assert pixels.std() > 0.05  # not a blank picture


def test_one_row_per_site_that_hosts_activities(example: Schedule) -> None:
    fest = example.festival
    rows = gantt_rows(example)

    hosting = {a.site for a in fest.activities}
    assert len(rows) == len(hosting) == 17
    assert [row.site for row in rows] == [s.id for s in fest.sites if s.id in hosting]
    assert "ubnd-huyen" not in {row.site for row in rows}  # the delegations' home hosts nothing


def test_every_activity_appears_once_in_its_sites_row(example: Schedule) -> None:
    fest = example.festival
    rows = gantt_rows(example)

    shown = Counter(a for row in rows for a in row.activities)
    assert shown == Counter(a.id for a in fest.activities)
    for row in rows:
        assert {fest.activity(a).site for a in row.activities} == {row.site}
        starts = [example[a].start for a in row.activities]
        assert starts == sorted(starts)


def test_rows_are_grouped_by_commune_in_the_festivals_order(example: Schedule) -> None:
    fest = example.festival
    rows = gantt_rows(example)

    units = [row.unit for row in rows]
    assert list(dict.fromkeys(units)) == [u.id for u in fest.hosts()]
    for row in rows:
        unit = fest.unit(row.unit)
        assert row.label == f"{unit.official_name} – {fest.site(row.site).name}"


def test_svg_holds_every_row_label_and_delegation_name_as_text(
    example: Schedule, example_svg: str
) -> None:
    texts = _svg_texts(example_svg)

    for row in gantt_rows(example):
        assert row.label in texts
    delegations = example.delegations()
    assert len(delegations) == 3
    for delegation in delegations:
        assert delegation.name in texts


def test_svg_default_title_is_the_festival_name_and_date(
    example: Schedule, example_svg: str
) -> None:
    title = f"{example.festival.name}, Chủ nhật, 06/08/2023"

    assert title in _svg_texts(example_svg)


def test_svg_marks_the_simultaneous_parade_start(example_svg: str) -> None:
    texts = _svg_texts(example_svg)

    assert any(t.startswith("06:45") and "đồng loạt" in t for t in texts)
    assert "Bắt đầu đồng loạt" in texts


def test_title_can_be_given(sched: Schedule, tmp_path: Path) -> None:
    svg = gantt(sched, tmp_path / "a.svg", title="Lịch ngày hội – bản nháp").read_text("utf-8")

    assert "Lịch ngày hội – bản nháp" in _svg_texts(svg)


@pytest.mark.parametrize("name", ["ngay-hoi.gif", "ngay-hoi.jpg", "ngay-hoi"])
def test_bad_suffix_raises_export_error_naming_it_and_the_choices(
    name: str, sched: Schedule, tmp_path: Path
) -> None:
    with pytest.raises(ExportError) as caught:
        gantt(sched, tmp_path / name)

    message = str(caught.value)
    suffix = Path(name).suffix
    assert (f"'{suffix}'" if suffix else "no suffix") in message
    assert ".png" in message
    assert ".svg" in message
    assert list(tmp_path.iterdir()) == []


def test_suffix_is_read_without_regard_to_case(sched: Schedule, tmp_path: Path) -> None:
    path = gantt(sched, tmp_path / "NGAY-HOI.PNG")

    assert path.read_bytes().startswith(PNG_SIGNATURE)


def test_file_appears_atomically_with_no_temporary_files_left(
    sched: Schedule, tmp_path: Path
) -> None:
    target = tmp_path / "ngay-hoi.png"
    target.write_bytes(b"old chart")

    gantt(sched, target)

    assert [p.name for p in tmp_path.iterdir()] == ["ngay-hoi.png"]
    assert target.read_bytes().startswith(PNG_SIGNATURE)


def test_width_sets_the_width_of_the_picture_in_inches(sched: Schedule, tmp_path: Path) -> None:
    data = gantt(sched, tmp_path / "a.png", width=10).read_bytes()

    width, _height = struct.unpack(">II", _png_chunks(data)[b"IHDR"][:8])
    assert width == 1500  # 10 inches at 150 dpi


@pytest.mark.parametrize("width", [0, -3, float("nan"), 1e6])
def test_bad_width_raises_export_error(width: float, sched: Schedule, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="width"):
        gantt(sched, tmp_path / "a.png", width=width)
    assert list(tmp_path.iterdir()) == []


def test_schedule_without_times_raises_export_error(tmp_path: Path) -> None:
    fest = ngayhoi.samples.two_communes_one_delegation()
    infeasible = Schedule(festival=fest, status=Status.INFEASIBLE)

    with pytest.raises(ExportError, match="infeasible"):
        gantt(infeasible, tmp_path / "a.png")
    assert list(tmp_path.iterdir()) == []


def test_same_schedule_gives_the_same_svg(sched: Schedule, tmp_path: Path) -> None:
    first = gantt(sched, tmp_path / "a.svg").read_bytes()
    second = gantt(sched, tmp_path / "b.svg").read_bytes()

    assert first == second


def test_missing_matplotlib_says_how_to_install_it(tmp_path: Path) -> None:
    # A fresh interpreter in which importing matplotlib fails, as without the extra.
    script = (
        "import sys\n"
        "sys.modules['matplotlib'] = None\n"
        "import ngayhoi\n"
        "from ngayhoi.export.gantt import gantt\n"
        "sched = ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation(), time_limit=0)\n"
        "try:\n"
        f"    gantt(sched, {str(tmp_path / 'a.png')!r})\n"
        "except ngayhoi.errors.ExportError as err:\n"
        "    print(err)\n"
    )
    run = subprocess.run(  # noqa: S603 - our own interpreter on our own script
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )

    assert "pip install 'ngayhoi[plot]'" in run.stdout
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def weekend() -> Schedule:
    """The Tây Ninh weekend of 9–10/8/2025: ten points over two days, three working groups."""
    return ngayhoi.schedule(load_example("tay_ninh_2025").weekend()).unwrap()


def _png_size(path: Path) -> tuple[int, int]:
    width, height = struct.unpack(">II", _png_chunks(path.read_bytes())[b"IHDR"][:8])
    return width, height


def test_a_weekend_gets_one_chart_per_day_each_a_morning_wide(
    weekend: Schedule, tmp_path: Path
) -> None:
    paths = gantt_days(weekend, tmp_path / "ngay-hoi.png")

    assert [p.name for p in paths] == ["ngay-hoi-2025-08-09.png", "ngay-hoi-2025-08-10.png"]
    for path in paths:
        width, height = _png_size(path)
        # 06:00-11:00 at 3 inches an hour and 150 dpi, not the 14,130 px of both days and the night.
        assert width <= 3200
        assert 400 <= height <= 2000
    rows = {day: gantt_rows(weekend, day) for day in weekend.festival.days}
    drawn = [a for day_rows in rows.values() for row in day_rows for a in row.activities]
    assert sorted(drawn) == sorted(weekend.slots)  # every activity on exactly one day's chart


def test_a_days_chart_says_its_day_and_holds_only_that_days_points(
    weekend: Schedule, tmp_path: Path
) -> None:
    saturday, sunday = weekend.festival.days
    svg = gantt(weekend, tmp_path / "thu-bay.svg", day=saturday).read_text(encoding="utf-8")
    texts = _svg_texts(svg)

    assert any("Thứ bảy, 09/08/2025 (ngày 1/2)" in t for t in texts)
    assert not any("10/08" in t for t in texts)
    sunday_only = {r.label for r in gantt_rows(weekend, sunday)} - {
        r.label for r in gantt_rows(weekend, saturday)
    }
    assert sunday_only
    assert not sunday_only & set(texts)
    assert "Giờ" not in texts
    assert any(t.startswith("Thời gian (giờ Việt Nam (UTC+7))") for t in texts)


def test_a_day_the_festival_does_not_have_is_refused(weekend: Schedule, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="has no day 2025-08-11; give one of its days"):
        gantt(weekend, tmp_path / "a.png", day=dt.date(2025, 8, 11))


def test_bar_labels_are_drawn_above_every_route(example_svg: str) -> None:
    root = ET.fromstring(example_svg)  # noqa: S314 - our own file, just written
    order = [node.get("id", "") for node in root.iter(f"{SVG_NS}g")]
    routes = [n for n, gid in enumerate(order) if gid.startswith("route-")]
    labels = [n for n, gid in enumerate(order) if gid.startswith("bar-label-")]

    assert len(routes) > 20
    assert len(labels) > 17 * 8
    assert max(routes) < min(labels)  # drawn later: a crossing drive never hides a bar's name
    assert len(set(order) - {""}) == len([gid for gid in order if gid])  # ids are unique


PDFTOPPM = shutil.which("pdftoppm")


@pytest.mark.skipif(PDFTOPPM is None, reason="needs pdftoppm (poppler-utils)")
def test_pdf_is_one_vector_page_that_renders_as_the_picture(
    weekend: Schedule, tmp_path: Path
) -> None:
    saturday = weekend.festival.days[0]
    pdf = gantt(weekend, tmp_path / "ngay-hoi.pdf", day=saturday)
    png = gantt(weekend, tmp_path / "ngay-hoi.png", day=saturday)
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert PDFTOPPM is not None
    subprocess.run(  # noqa: S603 - poppler on our own file
        [PDFTOPPM, "-png", "-r", "150", str(pdf), str(tmp_path / "page")], check=True
    )
    pages = sorted(tmp_path.glob("page*.png"))

    assert len(pages) == 1
    # The page is the picture: the same size in pixels at the same resolution (±1 px rounding).
    (pw, ph), (iw, ih) = _png_size(pages[0]), _png_size(png)
    assert abs(pw - iw) <= 1
    assert abs(ph - ih) <= 1
    pixels = matplotlib.image.imread(pages[0])
    assert pixels.std() > 0.05  # not a blank page
    fonts = subprocess.run(  # noqa: S603 - poppler on our own file
        [str(Path(PDFTOPPM).with_name("pdffonts")), str(pdf)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "DejaVuSans" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # all embedded


def test_same_schedule_gives_the_same_pdf(sched: Schedule, tmp_path: Path) -> None:
    first = gantt(sched, tmp_path / "a.pdf").read_bytes()
    second = gantt(sched, tmp_path / "b.pdf").read_bytes()
    assert first == second


def test_the_command_line_writes_each_day_in_each_format_asked(
    weekend: Schedule, tmp_path: Path
) -> None:
    plan = tmp_path / "weekend.toml"
    plan_io.save(weekend.festival, plan)
    done = subprocess.run(  # noqa: S603 - the command line as a user runs it
        [sys.executable, "-m", "ngayhoi", "gantt", str(plan), "--out", str(tmp_path / "lich.png"),
         "--format", "pdf,png", "--lang", "vi"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in tmp_path.glob("lich*"))
    assert names == [
        "lich-2025-08-09.pdf",
        "lich-2025-08-09.png",
        "lich-2025-08-10.pdf",
        "lich-2025-08-10.png",
    ]
    assert done.stdout.count("đã ghi ") == 4
    assert (tmp_path / "lich-2025-08-10.pdf").read_bytes().startswith(b"%PDF-")
