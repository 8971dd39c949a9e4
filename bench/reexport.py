"""How many events a re-export changes, and how long an unchanged re-export takes (issue 12).

``python bench/reexport.py [--runs 5]`` writes a 40-commune, 4-delegation plan
(``ngayhoi init --communes 40 --delegations 4``), exports it with the command
line, then counts the events whose bytes change in any feed on:

* (a) an unchanged re-export while two CPU hogs run (and, beside it, the same
  with ``--fresh``: a search from scratch under load);
* (b) one ceremony lengthened by 10 minutes (re-planned against the export,
  and, beside it, with ``--fresh``);
* (c) one delegation removed (its visits no longer need a delegation).

Then it times the unchanged re-export of the 17-commune day
(``examples/can_duoc_2023.toml``): the whole command, the library call
(:func:`ngayhoi.folder.export_plan`) alone, and ``python -c "import
ngayhoi.cli"`` as the anchor of the same run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import attrs
import pendulum

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, run, table

from ngayhoi import io
from ngayhoi.folder import export_plan

NGAYHOI = Path(sys.executable).with_name("ngayhoi")
CAN_DUOC = ROOT / "examples" / "can_duoc_2023.toml"
_BLOCK = re.compile(rb"BEGIN:(VEVENT|VTODO)\r\n.*?END:\1\r\n", re.DOTALL)
_UID = re.compile(rb"\r\nUID:([^\r]*)\r\n")
_HOG = "import time\nend = time.time() + 120\nwhile time.time() < end: pass\n"


def events(folder: Path) -> dict[tuple[str, str], bytes]:
    """Every event block, by (feed file, UID)."""
    out: dict[tuple[str, str], bytes] = {}
    for path in sorted(folder.glob("*.ics")):
        for match in _BLOCK.finditer(path.read_bytes()):
            block = match.group(0)
            uid = _UID.search(block.replace(b"\r\n ", b""))
            if uid is not None:
                out[path.name, uid.group(1).decode()] = block
    return out


def changed(before: dict[tuple[str, str], bytes], after: dict[tuple[str, str], bytes]) -> int:
    """How many distinct events (UIDs) differ in some feed, new ones included."""
    return len(
        {uid for key, block in after.items() if before.get(key) != block for uid in [key[1]]}
    )


def export(plan: Path, folder: Path, *extra: str) -> tuple[float, str]:
    """Run ``ngayhoi export``; return its wall time and its summary line."""
    seconds, text, code = run([str(NGAYHOI), "export", str(plan), "--out", str(folder), *extra])
    if code:
        raise SystemExit(text)
    return seconds, text.strip().splitlines()[-1]


def case(plan: Path, base: Path, work: Path, name: str, *extra: str) -> list[object]:
    """Export ``plan`` into a copy of ``base``: the events changed, files written, seconds."""
    folder = work / name
    shutil.copytree(base, folder)
    before = events(folder)
    seconds, line = export(plan, folder, *extra)
    written = re.search(r"\((\d+) written", line)
    return [
        name,
        changed(before, events(folder)),
        written.group(1) if written else "?",
        f"{seconds:.2f}",
    ]


def main(argv: list[str] | None = None) -> int:
    """Run every case and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    os.environ["SOURCE_DATE_EPOCH"] = "1690000000"  # the same bytes whenever it runs
    work = Path(tempfile.mkdtemp(prefix="ngayhoi-reexport-"))
    try:
        plan = work / "p40.toml"
        _, text, code = run(
            [str(NGAYHOI), "init", "--communes", "40", "--delegations", "4",
             "--date", "2023-08-06", "--out", str(plan)]
        )  # fmt: skip
        if code:
            raise SystemExit(text)
        base = work / "base"
        export(plan, base)
        fest = io.load(plan)
        rows: list[list[object]] = []
        hogs = [subprocess.Popen([sys.executable, "-c", _HOG]) for _ in range(2)]
        try:
            rows.append(case(plan, base, work, "(a) unchanged, 2 CPU hogs"))
            rows.append(case(plan, base, work, "(a') unchanged --fresh, 2 CPU hogs", "--fresh"))
        finally:
            for hog in hogs:
                hog.kill()
                hog.wait()
        ceremony = next(a for a in fest.activities if a.needs)
        longer = attrs.evolve(
            fest,
            activities=[
                attrs.evolve(a, duration=a.duration + pendulum.duration(minutes=10))
                if a.id == ceremony.id
                else a
                for a in fest.activities
            ],
        )
        io.save(longer, work / "p40-longer.toml")
        rows.append(case(work / "p40-longer.toml", base, work, f"(b) {ceremony.id} +10 min"))
        rows.append(case(work / "p40-longer.toml", base, work, "(b') the same, --fresh", "--fresh"))
        gone = "doan-4"
        fewer = attrs.evolve(
            fest,
            resources=[r for r in fest.resources if r.id != gone],
            activities=[
                attrs.evolve(a, needs=()) if a.needs and _held_by(base, a.id, gone) else a
                for a in fest.activities
            ],
        )
        io.save(fewer, work / "p40-fewer.toml")
        rows.append(case(work / "p40-fewer.toml", base, work, f"(c) {gone} removed"))
        total = len({uid for _, uid in events(base)})
        print(
            f"40 communes, 4 delegations: {total} events in {len(list(base.glob('*.ics')))} feeds"
        )
        print(table(["case", "events changed", "files written", "seconds"], rows))
        print()
        print(timings(work, args.runs))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _held_by(folder: Path, activity: str, resource: str) -> bool:
    from ngayhoi.export.state import load_state  # noqa: PLC0415

    data = load_state(folder).schedule or {}
    return any(
        s["activity"] == activity and resource in s["resources"] for s in data.get("slots", [])
    )


def timings(work: Path, runs: int) -> str:
    """Median wall times of the unchanged 17-commune re-export, against the import alone."""
    folder = work / "can-duoc"
    export(CAN_DUOC, folder)
    fest = io.load(CAN_DUOC)
    command, library, anchor, load = [], [], [], []
    for _ in range(runs):
        command.append(export(CAN_DUOC, folder)[0])
        began = time.perf_counter()
        again = io.load(CAN_DUOC)
        load.append(time.perf_counter() - began)
        began = time.perf_counter()
        done = export_plan(fest, folder)
        library.append(time.perf_counter() - began)
        assert done.how == "reused", done.how
        assert not done.report.written
        anchor.append(run([sys.executable, "-c", "import ngayhoi.cli"])[0])
        assert again == fest
    base = statistics.median(anchor)
    rows = [
        [what, f"{statistics.median(times):.3f}", f"{statistics.median(times) / base:.2f}"]
        for what, times in (
            ("ngayhoi export (unchanged, whole command)", command),
            ("  of which: export_plan (library)", library),
            ("  of which: io.load (the plan file)", load),
            ('python -c "import ngayhoi.cli" (anchor)', anchor),
        )
    ]
    head = f"17-commune day, unchanged re-export, median of {runs}"
    return head + "\n" + table(["what", "seconds", "x anchor"], rows)


if __name__ == "__main__":
    raise SystemExit(main())
