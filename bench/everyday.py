"""The job people run most: ``ngayhoi export`` of the 17-commune plan beside TaskJuggler.

``python bench/everyday.py [--runs 7]`` times, in paired runs (one of each,
alternating, so machine load hits both alike):

* ``ngayhoi export examples/can_duoc_2023.toml --out FRESH`` into a fresh
  folder (the whole command as a user runs it: interpreter start, imports,
  plan file, schedule, every feed on disk);
* ``ngayhoi export`` of the unchanged plan into the folder it wrote (the
  re-export a user runs after saving an unrelated edit);
* ``tj3`` on the shared generator's 170-task, 3-delegation festival instance
  with its reports (``gen_tjp.py -n 170 -d 3 --reports``: schedule, iCal and
  CSV reports), the anchor;
* ``python -c "import ngayhoi.cli"``, the import alone.

It prints the median of each and its ratio to tj3's median; the target is
a fresh export at most half of tj3's run (issue #11). tj3 comes from Debian:
the script installs it with ``apt-get install tj3`` when it is missing. The
commands run in a user's environment (bytecode caches on, see
:func:`_common.user_env`), after one untimed warm-up of each.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import GEN, ROOT, ensure_tj3, run, table, user_env

NGAYHOI = Path(sys.executable).with_name("ngayhoi")
PLAN = ROOT / "examples" / "can_duoc_2023.toml"


def main(argv: list[str] | None = None) -> int:
    """Run the pairs and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    tj3 = ensure_tj3()
    env = user_env()
    work = Path(tempfile.mkdtemp(prefix="ngayhoi-everyday-"))
    tjp = work / "festival.tjp"
    _, text, code = run(
        [sys.executable, str(GEN), "-n", "170", "-d", "3", "--reports", "-o", str(tjp)]
    )
    if code:
        raise SystemExit(text)
    times: dict[str, list[float]] = {"fresh": [], "again": [], "tj3": [], "import": []}
    # Untimed warm-up: bytecode caches written, files in the page cache, for both tools.
    run([str(NGAYHOI), "export", str(PLAN), "--out", str(work / "warm")], env=env)
    if tj3:
        (work / "tj-warm").mkdir()
        run([tj3, "--silent", "-o", str(work / "tj-warm"), str(tjp)])
    for k in range(args.runs):
        out = work / f"lich-{k}"
        wall, text, code = run([str(NGAYHOI), "export", str(PLAN), "--out", str(out)], env=env)
        if code:
            raise SystemExit(text)
        times["fresh"].append(wall)
        wall, text, code = run([str(NGAYHOI), "export", str(PLAN), "--out", str(out)], env=env)
        if code:
            raise SystemExit(text)
        times["again"].append(wall)
        wall, _, _ = run([sys.executable, "-c", "import ngayhoi.cli"], env=env)
        times["import"].append(wall)
        if tj3:
            reports = work / f"tj-{k}"
            reports.mkdir()
            wall, text, code = run([tj3, "--silent", "-o", str(reports), str(tjp)])
            if code:
                raise SystemExit(text)
            times["tj3"].append(wall)
    anchor = statistics.median(times["tj3"]) if times["tj3"] else None
    rows = []
    names = {
        "fresh": "ngayhoi export, fresh folder",
        "again": "ngayhoi export, unchanged plan, same folder",
        "import": "python -c 'import ngayhoi.cli'",
        "tj3": "tj3 170 tasks, 3 delegations, with reports (anchor)",
    }
    for key, label in names.items():
        if not times[key]:
            rows.append((label, "not measured (no tj3)", "", ""))
            continue
        med = statistics.median(times[key])
        ratio = f"{med / anchor:.2f}" if anchor else "n/a"
        rows.append((label, f"{med:.3f}", f"{min(times[key]):.3f}", ratio))
    print(table(["run", "median s", "min s", "÷ tj3"], rows))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\n{args.runs} paired runs; load average {load}; tj3 {tj3 or 'not installed'}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
