"""Schedule a ``gen_tjp.py`` instance with ngayhoi and write the CSV ``validate.py`` reads.

Usage::

    python bench/tj_compat.py INSTANCE.json OUT.csv [--time-limit S] [--seed N]

Then ``python3 ../shared/bench/validate.py INSTANCE.json OUT.csv`` judges it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import instance

import ngayhoi


def main(argv: list[str] | None = None) -> int:
    """Schedule, write the CSV, print one line of figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("instance", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--time-limit", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    fest = instance.festival(instance.load(args.instance))  # load = read JSON + build the plan
    built = time.perf_counter()
    schedule = ngayhoi.schedule(
        fest, backend="heuristic", seed=args.seed, time_limit=args.time_limit
    )
    solved = time.perf_counter()
    instance.write_csv(schedule, args.out)
    print(
        f"{len(fest.activities)} tasks: build {built - began:.2f}s, schedule "
        f"{solved - built:.2f}s, status {schedule.status.value}, makespan "
        f"{(schedule.makespan or 0) - fest.minute(fest.local(fest.days[0], fest.opens))} min"
    )
    return 0 if not schedule.violations else 1


if __name__ == "__main__":
    raise SystemExit(main())
