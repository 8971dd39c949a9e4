"""How long one dependency typo (a cycle) takes to report, as the plan grows.

``python bench/cycle.py [--communes 100,250,830]`` builds the nationwide plan
of ``bench/nationwide.py`` at each size with three hamlet points per commune,
adds the reverse of one existing dependency, and times ``graph.check_consistency``
(what ``ngayhoi validate`` runs) and ``ngayhoi.schedule`` (what ``schedule`` and
``export`` run) until each reports the cycle. The anchor is the same plan
without the typo, scheduled in the same run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parent))

import nationwide
from _common import table

import ngayhoi
from ngayhoi.graph import check_consistency
from ngayhoi.model import Dependency


def _timed(call: object) -> tuple[float, str]:
    began = time.perf_counter()
    try:
        call()  # type: ignore[operator]
    except ngayhoi.DependencyCycleError:
        return time.perf_counter() - began, "cycle"
    return time.perf_counter() - began, "no error"


def main(argv: list[str] | None = None) -> int:
    """Print one row per size."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communes", default="100,250,830")
    args = parser.parse_args(argv)
    rows = []
    for communes in (int(x) for x in args.communes.split(",")):
        plan = nationwide.build(communes, 3)
        typo = plan.dependencies[len(plan.dependencies) // 2]
        broken = attrs.evolve(
            plan,
            dependencies=[
                *plan.dependencies,
                Dependency(predecessor=typo.successor, successor=typo.predecessor),
            ],
        )
        anchor, _ = _timed(
            lambda p=plan: ngayhoi.schedule(p, time_limit=0, raise_on_infeasible=False)
        )
        check, said = _timed(lambda p=broken: check_consistency(p))
        sched, said2 = _timed(
            lambda p=broken: ngayhoi.schedule(p, time_limit=0, raise_on_infeasible=False)
        )
        rows.append(
            (
                len(plan.activities),
                f"{check:.2f}",
                said,
                f"{sched:.2f}",
                said2,
                f"{anchor:.2f}",
                f"{sched / anchor:.2f}",
            )
        )
    header = (
        "activities",
        "validate s",
        "validate says",
        "schedule s",
        "schedule says",
        "anchor: schedule without typo s",
        "ratio",
    )
    print(table(header, rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
