"""How long a plan file with thousands of independent errors takes to report them all.

``python bench/plan_errors.py [--rows 1000,4000,8000]`` writes plans of one site
and ``rows`` activities in three ways: every activity at an unknown site, every
activity id given twice, and every activity with a bad ``kind`` (a row that
cannot be read); it times ``io.loads`` until it raises with every error, and
loads the same plan without the mistakes as the anchor, in the same run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import table

from ngayhoi import io

_HEAD = (
    'format = "ngayhoi-plan"\nversion = 1\n[festival]\nid = "x"\nname = "X"\n'
    'days = [2023-08-06]\n[units]\ndataset = ["long-khe"]\n'
    '[[sites]]\nid = "s"\nname = "Sân"\nunit = "long-khe"\n'
)


def _rows(count: int, *, site: str = "s", kind: str = "other", start: int = 0) -> str:
    return "".join(
        f'[[activities]]\nid = "a{i}"\nkind = "{kind}"\ntitle = "A"\nsite = "{site}"\n'
        "duration = 5\n"
        for i in range(start, start + count)
    )


def _plans(count: int) -> dict[str, str]:
    return {
        "none (anchor)": _HEAD + _rows(count),
        "unknown site": _HEAD + _rows(count, site="nowhere"),
        "duplicate id": _HEAD + _rows(count // 2) + _rows(count - count // 2),
        "unreadable row": _HEAD + _rows(count, kind="bao-cao"),
    }


def _load(text: str) -> tuple[float, int]:
    start = time.perf_counter()
    try:
        io.loads(text, source="plan.toml")
    except io.PlanFileError as err:
        return time.perf_counter() - start, len(err.errors)
    return time.perf_counter() - start, 0


def main(argv: list[str] | None = None) -> int:
    """Time each plan at each size and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", default="1000,4000,8000")
    args = parser.parse_args(argv)
    rows = []
    for count in (int(n) for n in args.rows.split(",")):
        for name, text in _plans(count).items():
            seconds, errors = _load(text)
            rows.append((count, name, errors, f"{seconds:.2f}"))
    print(table(("activities", "mistake", "errors reported", "seconds"), rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
