"""The plan-file fuzz, longer: mutated example plans through ``ngayhoi validate``.

``python bench/fuzz.py [--inputs 5000] [--schedule-every 50]`` makes one mutated
plan file per seed (``tests/helpers/plan_fuzz.py``: values replaced by other
types and extremes, keys deleted, tables duplicated), runs the CLI's
``validate`` on it in-process, and every ``--schedule-every``-th accepted one
through ``schedule --budget 5`` too. It prints the inputs tried, the exit codes,
the tracebacks (with the seed that makes each) and the slowest case.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "helpers"))

from plan_fuzz import fuzz_text

from ngayhoi.cli import main


def _run(args: list[str]) -> tuple[int | str, float]:
    start = time.perf_counter()
    try:
        code: int | str = main(args, out=io.StringIO(), err=io.StringIO())
    except BaseException:  # noqa: BLE001 - a traceback is what the fuzz looks for
        code = "traceback:" + traceback.format_exc().strip().splitlines()[-1]
    return code, time.perf_counter() - start


def main_(argv: list[str] | None = None) -> int:
    """Run the fuzz and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inputs", type=int, default=5000)
    parser.add_argument("--schedule-every", type=int, default=50)
    parser.add_argument("--first-seed", type=int, default=0)
    options = parser.parse_args(argv)
    codes: Counter[str] = Counter()
    tracebacks: list[tuple[int, str, str]] = []
    slowest = (0.0, -1, "")
    accepted = 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.toml"
        for seed in range(options.first_seed, options.first_seed + options.inputs):
            path.write_text(fuzz_text(seed), encoding="utf-8", errors="surrogatepass")
            runs = [["validate", str(path)]]
            code, took = _run(runs[0])
            if code == 0:
                accepted += 1
                if accepted % options.schedule_every == 0:
                    runs.append(["schedule", str(path), "--budget", "5"])
                    code2, took2 = _run(runs[1])
                    codes[f"schedule {code2 if isinstance(code2, int) else 'traceback'}"] += 1
                    if isinstance(code2, str):
                        tracebacks.append((seed, "schedule", code2))
                    if took2 > slowest[0]:
                        slowest = (took2, seed, "schedule")
            codes[f"validate {code if isinstance(code, int) else 'traceback'}"] += 1
            if isinstance(code, str):
                tracebacks.append((seed, "validate", code))
            if took > slowest[0]:
                slowest = (took, seed, "validate")
    print(f"inputs tried: {options.inputs} (seeds {options.first_seed}..)")
    for key, count in sorted(codes.items()):
        print(f"  {key:<22} {count}")
    print(f"tracebacks: {len(tracebacks)}")
    for seed, command, last in tracebacks[:20]:
        print(f"  seed {seed} ({command}): {last}")
    print(f"slowest case: seed {slowest[1]} ({slowest[2]}) {slowest[0]:.3f} s")
    return 1 if tracebacks else 0


if __name__ == "__main__":
    sys.exit(main_())
