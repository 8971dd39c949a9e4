"""Nationwide scale: every commune of Vietnam on one day, from plan to every feed on disk.

Usage::

    python bench/nationwide.py [--communes 3321] [--points 3] [--profile]

Since 1/7/2025 Vietnam has 34 provinces and 3,321 commune-level units
(2,621 xã, 687 phường, 13 đặc khu; DOMAIN.md §9). This benchmark plans the
festival at ``--points`` hamlet points (ấp) in every one of them, each running
the 15-item standard programme (the parade opens it everywhere at 06:45, in one
sync group), plus each commune's preparation cascade; in every province three
delegations of the provincial steering committee attend the award ceremonies of
up to six nearby communes, two each, as a district plans it in the Cần Đước
example: a delegation stays from the introduction of guests to the end of its
own speech (77 minutes with the forum), the folk games are outdoors and end by
11:00, and no crowd waits more than 15 minutes for the next item, so one
delegation can attend two ceremonies, not three. The three communes nearest the
province's centre hold theirs right after the parade (``EARLY_PROGRAMME``), the
next three play the folk games first and receive the guests 10 to 15 minutes
after them (``LATE_PROGRAMME``). (With three visits each, the benchmark's
earlier plan, the third ceremony ran past the games' outdoor limit or left a
crowd waiting, and the schedule came back ``unknown`` with 60 violations.)
It then schedules the whole plan, checks it with the
independent checker and exports every feed (the master, one per commune, one
per delegation, one per role) into a fresh folder; then exports the same
schedule again into that folder (reading the state back, writing nothing).

The provinces and communes are the real ones valid on the day (the nationwide
dataset, ``ngayhoi[vn-units]``), placed at their centres; the hamlet points
(ấp 1, 2, 3) are synthetic, a few hundred metres apart in each commune. Each stage runs in this
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
from ngayhoi.data import vietnam
from ngayhoi.model import Requirement, Resource, ResourceKind, Site, TravelTimes, Unit
from ngayhoi.scheduling.checker import check_schedule

DAY = pendulum.date(2025, 8, 17)
PROVINCES = 34
DELEGATIONS = 3
#: Two ceremonies per delegation (see the module's docstring).
VISITED = 2 * DELEGATIONS
#: Only communes within this many degrees (about 13 km) of the first one are visited.
NEAR = 0.12

#: The programme at every hamlet point: the standard one without the forum
#: (the forum is held once per commune, at its first point).
HAMLET = templates.standard_programme(forum=False)
#: The communes a delegation visits first hold the ceremony right after the parade;
#: the ones it visits second play the folk games first (as in the Cần Đước example).
EARLY_PROGRAMME = templates.standard_programme(forum=True).gaps(don_dai_bieu=(10, 15))
LATE_PROGRAMME = (
    templates.standard_programme(forum=True)
    .move("tro-choi", after="dieu-hanh", gap=10)
    .gaps(don_dai_bieu=(10, 15))
)
FIRST = templates.standard_programme(forum=True)


def real_units(communes: int) -> tuple[list[Unit], list[Unit]]:
    """The 34 provinces and the first ``communes`` communes on ``DAY``, from the dataset."""
    gaz = vietnam.gazetteer()
    on_day = gaz.units_on(DAY)
    provinces = [u for u in on_day if u.kind.is_province_level]
    units = [u for u in on_day if u.kind.is_commune_level][:communes]
    return provinces, units


def _distance(unit: Unit, lat: float, lon: float) -> float:
    """Squared degrees from the unit's centre to (lat, lon): enough to rank by nearness."""
    return ((unit.lat or 0) - lat) ** 2 + ((unit.lon or 0) - lon) ** 2


def build(communes: int, points: int) -> ngayhoi.Festival:
    """The nationwide plan: ``communes`` real units of the 34 provinces, ``points`` points each."""
    provinces, units = real_units(communes)
    assert len(provinces) == PROVINCES
    by_province: dict[str, list[Unit]] = {p.id: [] for p in provinces}
    for unit in units:
        assert unit.parent is not None
        by_province[unit.parent].append(unit)
    sites: list[Site] = []
    resources: list[Resource] = []
    programme: dict[str, templates.Programme] = {}
    needs: dict[str, list[Requirement]] = {}
    for province in provinces:
        members = by_province[province.id]
        if not members:
            continue
        assert province.lat is not None
        assert province.lon is not None
        # The delegations visit the commune nearest the province's centre and its nearest
        # neighbours (real communes are too far apart to reach nine spread across a province).
        hub = min(members, key=lambda u: _distance(u, province.lat or 0, province.lon or 0))
        lat0, lon0 = hub.lat or 0, hub.lon or 0
        home = Site(
            id=f"ubnd-{province.id}",
            name=f"Trụ sở UBND {province.official_name}",
            unit=province.id,
            lat=lat0,
            lon=lon0,
        )
        sites.append(home)
        resources.extend(
            Resource(
                id=f"doan-{province.id}-{k + 1}",
                name=f"Đoàn {k + 1} BCĐ 138 {province.official_name}",
                kind=ResourceKind.DELEGATION,
                group=f"doan-{province.id}",
                home=home.id,
            )
            for k in range(DELEGATIONS)
        )
        nearest = sorted(members, key=lambda u: _distance(u, lat0, lon0))
        near = [u.id for u in nearest[:VISITED] if _distance(u, lat0, lon0) <= NEAR**2]
        visited = {
            **dict.fromkeys(near[:DELEGATIONS], EARLY_PROGRAMME),
            **dict.fromkeys(near[DELEGATIONS:], LATE_PROGRAMME),
        }
        for unit in members:
            assert unit.lat is not None
            assert unit.lon is not None
            for a in range(points):
                sid = f"{unit.id}-ap-{a + 1}"
                sites.append(
                    Site(
                        id=sid,
                        name=f"Nhà văn hóa ấp {a + 1}",
                        unit=unit.id,
                        hamlet=f"ấp {a + 1}",
                        address=f"Ấp {a + 1}, {unit.official_name}, {province.official_name}",
                        lat=unit.lat + 0.004 * a,
                        lon=unit.lon,
                    )
                )
                if a == 0:
                    programme[sid] = visited.get(unit.id, FIRST)
                    if unit.id in visited:
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
        # The budget decides the search (the same on any machine); the time cap is only a
        # safety net, raised so that a loaded machine does not cut the search short.
        sched = ngayhoi.schedule(fest, time_limit=900)
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
        began = time.perf_counter()
        gaz = vietnam.gazetteer()  # read once, before the timed stages
        load = time.perf_counter() - began
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
        f"dataset: {gaz.source}, {len(gaz.units)} unit versions read in {load:.2f} s "
        f"(before the stages); {len(gaz.communes_on(DAY))} communes on {DAY}"
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
