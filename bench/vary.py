"""Quality on ``gen_tjp.py --vary`` instances: split = 0, violations = 0, makespan vs Schrage.

Usage::

    python bench/vary.py [--seeds 1-10] [--time-limit 1.0]

For every seed, delegation count and size, the shared generator writes an
instance, ngayhoi schedules it (``bench/tj_compat.py``), and the shared
``validate.py`` judges the CSV. The table prints ngayhoi's makespan beside the
lower bound and the Schrage reference schedule that ``validate.py`` computes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import OUT, ROOT, generate, hours, run, table, validate


def main(argv: list[str] | None = None) -> int:
    """Run the grid and print the table; exit 1 if any instance fails a must."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="1-6", help="a range such as 1-10")
    parser.add_argument("--sizes", default="170,500,1000,5000")
    parser.add_argument("--delegations", default="1,3,10,30")
    parser.add_argument("--time-limit", type=float, default=1.0)
    args = parser.parse_args(argv)
    first, _, last = args.seeds.partition("-")
    seeds = range(int(first), int(last or first) + 1)
    rows = []
    failures = 0
    for size in (int(x) for x in args.sizes.split(",")):
        for d in (int(x) for x in args.delegations.split(",")):
            for seed in seeds:
                name = f"vary_n{size}_d{d}_s{seed}"
                inst = generate(name, tasks=size, delegations=d, seed=seed)
                csv = OUT / f"{name}.csv"
                seconds, text, _ = run(
                    [
                        sys.executable,
                        str(ROOT / "bench" / "tj_compat.py"),
                        str(inst),
                        str(csv),
                        "--time-limit",
                        str(args.time_limit),
                    ]
                )
                fig = validate(inst, csv)
                made = (
                    float(text.split("makespan ")[-1].split()[0]) / 60 if "makespan" in text else 0
                )
                lb, schrage = hours(fig["LB"]), hours(fig["schrage"])
                ok = (
                    fig["split"] == "0"
                    and fig["violations"] == "0"
                    and fig["exit"] == "0"
                    and made <= schrage + 1e-9
                )
                failures += not ok
                rows.append(
                    (
                        size,
                        d,
                        seed,
                        fig["split"],
                        fig["violations"],
                        f"{made:.2f}",
                        f"{schrage:.2f}",
                        f"{lb:.2f}",
                        f"{(made - schrage) / schrage * 100:+.2f}%",
                        f"{seconds:.2f}",
                        "ok" if ok else "FAIL",
                    )
                )
    print(
        table(
            [
                "tasks",
                "deleg",
                "seed",
                "split",
                "viol",
                "ngayhoi h",
                "Schrage h",
                "LB h",
                "vs Schrage",
                "wall s",
                "",
            ],
            rows,
        )
    )
    print(f"\n{len(rows)} instances, {failures} failing a must (split, violations, > Schrage)")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
