"""Nationwide scale: every commune of Vietnam on one day, from plan to every feed on disk.

Usage::

    python bench/nationwide.py [--communes 3321] [--points 3] [--profile]

Since 1/7/2025 Vietnam has 34 provinces and 3,321 commune-level units
(2,621 xã, 687 phường, 13 đặc khu; DOMAIN.md §9). This benchmark plans the
festival at ``--points`` hamlet points (ấp) in every one of them, each running
the 15-item standard programme (the parade opens it everywhere at 06:45, in one
sync group), plus each commune's preparation cascade; in every province three
delegations of the provincial steering committee drive between nine communes'
award ceremonies. It then schedules the whole plan, checks it with the
independent checker and exports every feed (the master, one per commune, one
per delegation, one per role) into a fresh folder; then exports the same
schedule again into that folder (reading the state back, writing nothing).

The units, venues and coordinates are synthetic (a grid of communes around a
centre per province); the counts are the real ones. Each stage runs in this
process; peak memory is the process's maximum resident set size. The anchor is
the bundled Cần Đước 2023 example (17 communes) run through the same stages in
the same process first, so the per-activity ratio shows how the cost grows.
``--profile`` prints the functions that take the most time (cProfile,
cumulative) and the stages' own share.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))

import datetime as dt

import pendulum
from _common import table

import ngayhoi
from ngayhoi import templates
from ngayhoi.model import Requirement, Resource, ResourceKind, Site, TravelTimes, Unit, UnitKind
from ngayhoi.scheduling.checker import check_schedule

DAY = pendulum.date(2025, 8, 17)
PROVINCES = 34
#: Commune-level units by kind after 1/7/2025 (DOMAIN.md §9).
KINDS = ((UnitKind.XA, 2621), (UnitKind.PHUONG, 687), (UnitKind.DAC_KHU, 13))
DELEGATIONS = 3
VISITED = 9

#: The programme at every hamlet point: the standard one without the forum
#: (the forum is held once per commune, at its first point).
HAMLET = templates.standard_programme(forum=False)
#: At the communes a delegation visits, the games come before the ceremony so the
#: ceremonies can be staggered (as in the Cần Đước example).
VISITED_PROGRAMME = (
    templates.standard_programme(forum=True)
    .move("tro-choi", after="dieu-hanh", gap=10)
    .gaps(don_dai_bieu=(10, 120))
)
FIRST = templates.standard_programme(forum=True)


def _kinds(total: int) -> Iterator[UnitKind]:
    """The kinds of ``total`` communes in the national proportions."""
    full = sum(n for _, n in KINDS)
    counts = [round(n * total / full) for _, n in KINDS]
    counts[0] += total - sum(counts)
    for (kind, _), n in zip(KINDS, counts, strict=True):
        yield from [kind] * n


def build(communes: int, points: int) -> ngayhoi.Festival:
    """The nationwide plan: ``communes`` units in 34 provinces, ``points`` points each."""
    kinds = list(_kinds(communes))
    provinces = [
        Unit(id=f"tinh-{p:02d}", name=f"Tỉnh {p:02d}", official_name=f"Tỉnh {p:02d}", kind="tỉnh")
        for p in range(1, PROVINCES + 1)
    ]
    units: list[Unit] = []
    sites: list[Site] = []
    resources: list[Resource] = []
    programme: dict[str, templates.Programme] = {}
    needs: dict[str, list[Requirement]] = {}
    per = [communes // PROVINCES + (p < communes % PROVINCES) for p in range(PROVINCES)]
    n = 0
    for p, (province, count) in enumerate(zip(provinces, per, strict=True)):
        # Province centres spread over Vietnam's latitudes; communes on a grid 4 km apart.
        lat0, lon0 = 8.8 + 14.0 * p / PROVINCES, 105.0 + 2.5 * ((p * 7) % 5) / 4
        home = Site(
            id=f"ubnd-{province.id}",
            name=f"Trụ sở UBND {province.name}",
            unit=province.id,
            lat=lat0,
            lon=lon0,
        )
        sites.append(home)
        side = max(1, round(count**0.5))
        resources.extend(
            Resource(
                id=f"doan-{province.id}-{k + 1}",
                name=f"Đoàn {k + 1} BCĐ 138 {province.name}",
                kind=ResourceKind.DELEGATION,
                group=f"doan-{province.id}",
                home=home.id,
            )
            for k in range(DELEGATIONS)
        )
        # The communes nearest the centre are the ones the delegations visit.
        cells = sorted(
            range(count), key=lambda i: (i // side - side / 2) ** 2 + (i % side - side / 2) ** 2
        )
        visited = set(cells[:VISITED])
        for i in range(count):
            kind = kinds[n]
            n += 1
            uid = f"{province.id}-xa-{i + 1:03d}"
            word = kind.value.capitalize()
            unit = Unit(
                id=uid,
                name=f"{i + 1:03d} {province.name}",
                official_name=f"{word} {i + 1:03d} {province.name}",
                kind=kind,
                parent=province.id,
            )
            units.append(unit)
            lat = lat0 + 0.036 * (i // side - side / 2)
            lon = lon0 + 0.036 * (i % side - side / 2)
            for a in range(points):
                sid = f"{uid}-ap-{a + 1}"
                sites.append(
                    Site(
                        id=sid,
                        name=f"Nhà văn hóa ấp {a + 1}",
                        unit=uid,
                        hamlet=f"ấp {a + 1}",
                        address=f"Ấp {a + 1}, {unit.official_name}",
                        lat=lat + 0.004 * a,
                        lon=lon,
                    )
                )
                if a == 0:
                    programme[sid] = VISITED_PROGRAMME if i in visited else FIRST
                    if i in visited:
                        needs[f"{sid}.trao-thuong"] = [Requirement(f"doan-{province.id}")]
                else:
                    programme[sid] = HAMLET
    return templates.plan_day(
        id="toan-quoc-2025",
        name="Ngày hội toàn dân bảo vệ an ninh Tổ quốc năm 2025",
        day=DAY,
        communes=units,
        sites=sites,
        programme=programme,
        at=dt.time(6, 45),
        organiser="Ban Chỉ đạo 138 các tỉnh, thành phố",
        other_units=provinces,
        resources=resources,
        needs=needs,
        travel=TravelTimes(speed_kmh=30, road_factor=1.4),
    )


def build_can_duoc() -> ngayhoi.Festival:
    """The anchor: the bundled 17-commune example."""
    import can_duoc_2023  # noqa: PLC0415 - the examples folder is put on the path above

    return can_duoc_2023.build()


class Stages:
    """Wall and CPU seconds per stage, in order."""

    def __init__(self) -> None:
        """No stage timed yet."""
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block as stage ``name``."""
        began, cpu = time.perf_counter(), time.process_time()
        yield
        self.seconds[name] = time.perf_counter() - began
        self.cpu[name] = time.process_time() - cpu


def pipeline(make: Callable[[], ngayhoi.Festival], out: Path) -> tuple[Stages, dict[str, Any]]:
    """Plan, schedule, check and export; return the stage times and the counts."""
    stages = Stages()
    with stages.stage("plan"):
        fest = make()
    with stages.stage("schedule"):
        sched = ngayhoi.schedule(fest).unwrap()
    with stages.stage("check"):
        problems = check_schedule(sched)
    with stages.stage("export"):
        report = ngayhoi.export.export_calendars(sched, out)
    with stages.stage("re-export"):
        # The same schedule once more: read the state back, find nothing changed.
        again = ngayhoi.export.export_calendars(sched, out)
    assert not again.written, "an unchanged re-export rewrote files"
    files = list(out.glob("*.ics"))
    counts = {
        "activities": len(fest.activities),
        "prep": len(fest.prep_tasks),
        "sites": len(fest.sites),
        "feeds": len(report.feeds),
        "bytes": sum(f.stat().st_size for f in files),
        "violations": len(problems),
        "status": sched.status.value,
    }
    return stages, counts


def main(argv: list[str] | None = None) -> int:
    """Run the anchor and the nationwide plan; print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communes", type=int, default=3321)
    parser.add_argument("--points", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print where the time goes")
    parser.add_argument("--keep", type=Path, help="export into this folder and keep it")
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="ngayhoi-nationwide-"))
    try:
        anchor, anchor_counts = pipeline(build_can_duoc, scratch / "can-duoc")
        gc.collect()
        out = args.keep or scratch / "toan-quoc"
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        big, counts = pipeline(lambda: build(args.communes, args.points), out)
        if profiler:
            profiler.disable()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # KiB on Linux
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    n_big = counts["activities"] + counts["prep"]
    n_anchor = anchor_counts["activities"] + anchor_counts["prep"]

    def row(name: str, names: list[str]) -> tuple[str, ...]:
        a = sum(anchor.seconds[n] for n in names)
        b = sum(big.seconds[n] for n in names)
        cpu = sum(big.cpu[n] for n in names)
        ratio = (b / n_big) / (a / n_anchor)
        return (name, f"{a:.3f}", f"{b:.2f}", f"{cpu:.2f}", f"{ratio:.2f}")

    rows = [row(name, [name]) for name in ("plan", "schedule", "export")]
    rows.append(row("plan to feeds", ["plan", "schedule", "export"]))
    rows.append(row("check (not in the pipeline)", ["check"]))
    rows.append(row("re-export, nothing changed", ["re-export"]))
    print(
        f"nationwide: {args.communes} communes x {args.points} points = {counts['sites']} sites, "
        f"{counts['activities']} activities + {counts['prep']} preparation tasks; "
        f"{counts['feeds']} feeds, {counts['bytes'] / 1e6:.0f} MB; "
        f"schedule {counts['status']}, checker violations {counts['violations']}"
    )
    print(
        f"anchor: Cần Đước 2023, {anchor_counts['activities']} activities + "
        f"{anchor_counts['prep']} preparation tasks, {anchor_counts['feeds']} feeds\n"
    )
    header = ["stage", "anchor wall s", "wall s", "CPU s", "per-item cost / anchor's"]
    print(table(header, rows))
    total = sum(big.seconds[n] for n in ("plan", "schedule", "export"))
    print(
        f"\nplan to feeds {total:.1f} s wall, peak memory (max RSS) {peak:.2f} GiB; "
        "target <= 60 s and <= 4 GiB"
    )
    if profiler:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(30)
        print(text.getvalue())
    return 0 if counts["violations"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
