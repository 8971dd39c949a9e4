"""PSPLIB: the built-in heuristic and CP-SAT against optima or best known makespans.

Usage::

    python bench/psplib.py [--backend heuristic|cpsat|both] [--passes N] [--time-limit S]
        [--limit N] [--instances DIR --reference FILE] [--per-param K]

Without ``--instances`` it runs j30 against its optima. ``--instances DIR``
takes any PSPLIB single-mode folder (``j60``, ``j90``, ``j120``) with its
``--reference`` table: an optimum table like ``j30opt.sm`` or a best-known
table like ``j90hrs.sm``. ``--per-param K`` keeps the first K instances of
each parameter (a stratified sample). The last line is machine-readable:
``instances=N mean_dev=X.XX% at_reference=M mean_s=S max_s=T`` (of the last
backend run).

The heuristic's budget is a number of passes (``--passes``, default 5,000
schedules per instance, the largest of the usual 1,000 / 5,000 / 50,000
budgets of the RCPSP literature, about 1 s per j30 instance here), so its
deviations are the same on a loaded machine and a quiet one; only the times
change. ``--time-limit`` alone gives it a clock budget instead. CP-SAT runs
10 s with 2 workers unless ``--time-limit`` says otherwise.

480 single-mode RCPSP instances with 30 activities and 4 renewable resources
(Kolisch & Sprecher 1997, "PSPLIB - a project scheduling problem library",
EJOR 96(1):205-216), with the optimum of every instance
(``../shared/psplib/j30opt.sm``). Each instance goes into the same engine
problem the festival scheduler builds; the table gives the mean and largest
deviation from the optimum, how many were solved to it, and the time per
instance.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SHARED, table
from psplib_io import Instance, parameter_and_instance, read_reference, read_sm

from ngayhoi.scheduling.problem import Problem
from ngayhoi.scheduling.solvers.heuristic.search import solve

#: The heuristic's default budget per instance, in passes (schedules decoded).
DEFAULT_PASSES = 5000


def problem(inst: Instance) -> Problem:
    """An RCPSP instance as an engine problem: finish-to-start links, four pools."""
    p = Problem.new(len(inst.durations), durations=list(inst.durations))
    pools = [p.add_pool(f"R{k + 1}", cap) for k, cap in enumerate(inst.capacities)]
    for i, successors in enumerate(inst.successors):
        for j in successors:
            p.add_edge(i, j, inst.durations[i])
        for k, q in enumerate(inst.demands[i]):
            if q:
                p.need_pool(i, pools[k], q)
    return p


def check(inst: Instance, starts: list[int]) -> None:
    """Independent feasibility check of an RCPSP schedule (precedence and capacities)."""
    for i, successors in enumerate(inst.successors):
        for j in successors:
            if starts[j] < starts[i] + inst.durations[i]:
                msg = f"{inst.name}: job {j + 1} starts before job {i + 1} ends"
                raise AssertionError(msg)
    end = max(s + d for s, d in zip(starts, inst.durations, strict=True))
    for k, cap in enumerate(inst.capacities):
        for t in range(end):
            used = sum(
                inst.demands[i][k]
                for i in range(len(starts))
                if starts[i] <= t < starts[i] + inst.durations[i]
            )
            if used > cap:
                msg = f"{inst.name}: resource R{k + 1} over capacity at t={t}"
                raise AssertionError(msg)


def run_backend(
    backend: str,
    files: list[Path],
    optima: dict[tuple[int, int], int],
    time_limit: float,
    passes: int | None = None,
) -> tuple[tuple[str, ...], str]:
    """Solve every file with one backend; one table row of figures and the summary line."""
    devs: list[float] = []
    times: list[float] = []
    for path in files:
        inst = read_sm(path)
        p = problem(inst)
        began = time.perf_counter()
        if backend == "heuristic":
            result = solve(p, seed=0, time_limit=time_limit, max_passes=passes)
            starts, makespan = result.starts, result.makespan
        else:
            from ngayhoi.scheduling.solvers.cpsat import solve_cpsat  # noqa: PLC0415 - optional

            found = solve_cpsat(p, time_limit=time_limit, workers=2)
            starts, makespan = found.starts, found.makespan or 0
        times.append(time.perf_counter() - began)
        check(inst, starts)
        best = optima[parameter_and_instance(path.stem)]
        devs.append((makespan - best) / best * 100)
    at_opt = sum(1 for d in devs if d <= 0)
    summary = (
        f"instances={len(files)} mean_dev={statistics.mean(devs):.2f}% at_reference={at_opt} "
        f"mean_s={statistics.mean(times):.3f} max_s={max(times):.3f}"
    )
    row = (
        backend,
        str(len(files)),
        f"{statistics.mean(devs):.3f}%",
        f"{max(devs):.2f}%",
        f"{at_opt} ({at_opt / len(files) * 100:.1f}%)",
        f"{statistics.mean(times):.3f}",
        f"{max(times):.3f}",
        f"{passes} passes" if backend == "heuristic" and passes else f"{time_limit:g} s",
    )
    return row, summary


def main(argv: list[str] | None = None) -> int:
    """Run and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["heuristic", "cpsat", "both"], default="both")
    parser.add_argument("--passes", type=int, default=None, help="heuristic passes (5000)")
    parser.add_argument("--time-limit", type=float, default=None)
    parser.add_argument("--limit", type=int, default=None, help="only the first N instances")
    parser.add_argument("--instances", type=Path, default=None, help="a PSPLIB .sm folder")
    parser.add_argument("--reference", type=Path, default=None, help="its makespan table")
    parser.add_argument("--per-param", type=int, default=None, help="first K of each parameter")
    args = parser.parse_args(argv)
    root = SHARED / "psplib"
    folder = args.instances or root / "j30"
    reference = args.reference or root / "j30opt.sm"
    optima = read_reference(reference)
    files = sorted(folder.glob("*.sm"), key=lambda f: parameter_and_instance(f.stem))
    if args.per_param is not None:
        files = [f for f in files if parameter_and_instance(f.stem)[1] <= args.per_param]
    files = files[: args.limit]
    backends = ["heuristic", "cpsat"] if args.backend == "both" else [args.backend]
    rows = []
    summary = ""
    for backend in backends:
        passes = None
        if backend == "heuristic" and (args.passes or args.time_limit is None):
            # A pass budget: the clock is only a far safety cap.
            passes = args.passes or DEFAULT_PASSES
            limit = args.time_limit or 600.0
        else:
            limit = args.time_limit or (1.0 if backend == "heuristic" else 10.0)
        row, summary = run_backend(backend, files, optima, limit, passes)
        rows.append(row)
    print(
        table(
            [
                "backend",
                "instances",
                "mean dev",
                "max dev",
                "at reference",
                "mean s",
                "max s",
                "budget",
            ],
            rows,
        )
    )
    print(f"\nData: PSPLIB {folder.name} (Kolisch & Sprecher 1997), reference {reference.name}.")
    print(summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
