"""How long the advice takes on infeasible plans (issue 13): ``python bench/advice.py``.

A 40-commune, 4-delegation plan from ``ngayhoi init`` (``--communes N``,
``--delegations K`` for another), broken four ways, then advised
(:func:`ngayhoi.scheduling.advice.advise`) twice in the same run: "before"
tries each candidate fix with the whole scheduler (``ngayhoi.schedule`` with
budget 40, as the advice did before), "after" with the advice's quick path.
The table gives the seconds of the advice, the tries it ran and the fixes it
offered, so a faster advice that offers fewer fixes shows. A plan whose times
cannot hold takes the times-only path, which both share.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import table

import ngayhoi
from ngayhoi import io
from ngayhoi.cli import init_text, with_delegations
from ngayhoi.scheduling import DEFAULT_BUDGET, Status, advice, schedule_heuristic

DAY = dt.date(2023, 8, 6)


def _plan_text(communes: int, delegations: int) -> str:
    return with_delegations(init_text(communes=communes, day=DAY), count=delegations)


def _cases(communes: int, delegations: int) -> dict[str, str]:
    text = _plan_text(communes, delegations)
    few = re.sub(r"\[\[resources\]\]\nid = \"doan-[2-9]\"[^\[]*", "", text)
    return {
        "outdoor_until 09:30": text.replace('outdoor_until = "11:00"', 'outdoor_until = "09:30"'),
        "drives of 45 min": text.replace("default = 10  #", "default = 45  #"),
        "one delegation": few,
        "parade 05:00, opens 06:00": text.replace('at = "06:45"', 'at = "05:00"'),
    }


def _failing(plan: ngayhoi.Festival) -> ngayhoi.Schedule:
    """The schedule the advice reads: one run of the scheduler (the idle search's first).

    ``ngayhoi schedule`` gets it from the whole idle search, which on a broken
    plan of 40 communes takes minutes; the advice reads only its status and
    violations, and these come from its first run.
    """
    from ngayhoi.scheduling.idle import arrange  # noqa: PLC0415 - the bench's shortcut
    from ngayhoi.scheduling.solvers.temporal import (  # noqa: PLC0415
        needs_resources,
        schedule_times,
    )

    arranged = arrange(plan, {}, cap=plan.max_idle)
    if not needs_resources(arranged):
        return schedule_times(arranged)
    return schedule_heuristic(arranged, max_passes=DEFAULT_BUDGET)


def _old_quick(plan: ngayhoi.Festival) -> ngayhoi.Schedule:
    """The advice's try before issue 13's speed-up: the whole scheduler, budget 40."""
    return ngayhoi.schedule(plan, budget=40, raise_on_infeasible=False)


def _timed(
    failed: ngayhoi.Schedule, run: Callable[[ngayhoi.Festival], ngayhoi.Schedule] | None
) -> tuple[float, int, list[advice.Advice]]:
    calls = 0
    chosen = run or (advice._consistent if failed.status is Status.INFEASIBLE else advice._quick)  # noqa: SLF001

    def counted(plan: ngayhoi.Festival) -> ngayhoi.Schedule:
        nonlocal calls
        calls += 1
        return chosen(plan)

    began = time.perf_counter()
    reasons = advice.advise(failed, counted)
    return time.perf_counter() - began, calls, reasons


def _fixes(reasons: list[advice.Advice]) -> int:
    return sum(r.reason.count(", hoặc ") + ("--explain" not in r.reason) for r in reasons)


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=40)
    parser.add_argument("--delegations", type=int, default=4)
    parser.add_argument("--no-before", action="store_true", help="skip the old advice")
    args = parser.parse_args()
    rows = []
    for name, text in _cases(args.communes, args.delegations).items():
        plan = io.loads(text)
        failed = _failing(plan)
        if failed.feasible:
            rows.append([name, "feasible", 0, "-", "-", "-", "-", "-", "-"])
            continue
        old: tuple[str, str, str] = ("-", "-", "-")
        if not args.no_before and failed.status is not Status.INFEASIBLE:
            seconds, calls, reasons = _timed(failed, _old_quick)
            old = (f"{seconds:.1f}", str(calls), str(_fixes(reasons)))
        seconds, calls, reasons = _timed(failed, None)
        if failed.status is Status.INFEASIBLE:
            old = ("same", "same", "same")  # the times-only path, unchanged
        rows.append(
            [name, failed.status.value, len(failed.violations), *old,
             f"{seconds:.1f}", calls, _fixes(reasons)]
        )  # fmt: skip
        for r in reasons[:2]:
            print(f"  {name}: {r.reason[:150]}", file=sys.stderr)
    header = ["case", "status", "violations", "before s", "before runs", "before fixes",
              "after s", "after runs", "after fixes"]  # fmt: skip
    print(table(header, rows))


if __name__ == "__main__":
    main()
