"""Scale: ngayhoi beside TaskJuggler (tj3) on identical instances, 170 to 20,000 tasks.

Usage::

    python bench/scale.py [--sizes 170,1250,2500,5000,10000,20000] [--no-tj3]

For each size the shared generator writes one ``.tjp`` and the identical
``.json``. ngayhoi runs as a user would (``bench/tj_compat.py`` in a fresh
process: start-up, load, schedule, write the CSV), in its one-pass mode
(``--time-limit 0``). tj3 schedules the ``.tjp`` with ``--no-reports`` when it
is installed (``apt-get install tj3``). Times are wall seconds in the same run;
the ratio column is tj3 / ngayhoi, and "x per doubling" is how a size's time
grew from the size half as big (load and schedule inside the process, without
the interpreter's start-up, so the growth of the algorithm shows).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import OUT, ROOT, ensure_tj3, generate, run, table, validate


def _inner_seconds(text: str) -> float:
    """Load and schedule seconds, as ``tj_compat.py`` prints them."""
    found = re.search(r"build ([0-9.]+)s, schedule ([0-9.]+)s", text)
    if found is None:
        return float("nan")
    return float(found.group(1)) + float(found.group(2))


def main(argv: list[str] | None = None) -> int:
    """Run the sizes and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="170,1250,2500,5000,10000,20000")
    parser.add_argument("--big-pool", type=int, default=118, help="delegations at the last size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-tj3", action="store_true")
    parser.add_argument("--tj3-timeout", type=float, default=900)
    args = parser.parse_args(argv)
    tj3 = None if args.no_tj3 else ensure_tj3()
    sizes = [int(x) for x in args.sizes.split(",")]
    cases = [(n, 1) for n in sizes] + [(sizes[-1], args.big_pool)]
    rows = []
    ours: dict[tuple[int, int], float] = {}
    for n, d in cases:
        name = f"scale_n{n}_d{d}"
        inst = generate(name, tasks=n, delegations=d, seed=args.seed)
        csv = OUT / f"{name}.csv"
        seconds, text, code = run(
            [
                sys.executable,
                str(ROOT / "bench" / "tj_compat.py"),
                str(inst),
                str(csv),
                "--time-limit",
                "0",
            ]
        )
        if code:
            print(text)
        inner = _inner_seconds(text)
        ours[(n, d)] = inner
        fig = validate(inst, csv)
        theirs = None
        if tj3 is not None:
            try:
                theirs, out, tcode = run(
                    [tj3, "--no-color", "--silent", "--no-reports", str(inst.with_suffix(".tjp"))],
                    timeout=args.tj3_timeout,
                )
                if tcode:
                    print(out[-2000:])
                    theirs = None
            except TimeoutError:
                theirs = None
        half = ours.get((n // 2, d))
        growth = f"{inner / half:.2f}" if half else "-"
        ratio = f"{theirs / seconds:.1f}" if theirs else "-"
        rows.append(
            (
                n,
                d,
                f"{inner:.2f}",
                growth,
                f"{seconds:.2f}",
                f"{theirs:.2f}" if theirs else "not run",
                ratio,
                fig["split"],
                fig["violations"],
                fig["schrage"],
                f"{fig['makespan_h']}h",
            )
        )
    print(
        table(
            [
                "tasks",
                "deleg",
                "load+schedule s",
                "x per doubling",
                "ngayhoi wall s",
                "tj3 wall s",
                "tj3/ngayhoi",
                "split",
                "viol",
                "Schrage",
                "ngayhoi makespan",
            ],
            rows,
        )
    )
    growths = [ours[(n, 1)] / ours[(n // 2, 1)] for n in sizes if (n // 2, 1) in ours]
    if growths:
        print(f"\nworst growth per doubling: {max(growths):.2f}x; ideal linear 2.00x")
    if tj3 is None:
        print("tj3 not installed here (apt-get install tj3); ratios not measured")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
