"""PSPLIB j30: the built-in heuristic and CP-SAT against the proven optima.

Usage::

    python bench/psplib.py [--backend heuristic|cpsat|both] [--time-limit S] [--limit N]

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
from psplib_io import Instance, read_optima, read_sm

from ngayhoi.scheduling.engine import Problem, solve


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
    backend: str, files: list[Path], optima: dict[str, int], time_limit: float
) -> tuple[str, ...]:
    """Solve every file with one backend; one table row of figures."""
    devs: list[float] = []
    times: list[float] = []
    for path in files:
        inst = read_sm(path)
        p = problem(inst)
        began = time.perf_counter()
        if backend == "heuristic":
            result = solve(p, seed=0, time_limit=time_limit)
            starts, makespan = result.starts, result.makespan
        else:
            from ngayhoi.scheduling.cpsat import solve_cpsat  # noqa: PLC0415 - optional

            found = solve_cpsat(p, time_limit=time_limit, workers=2)
            starts, makespan = found.starts, found.makespan or 0
        times.append(time.perf_counter() - began)
        check(inst, starts)
        best = optima[path.stem]
        devs.append((makespan - best) / best * 100)
    at_opt = sum(1 for d in devs if d == 0)
    return (
        backend,
        str(len(files)),
        f"{statistics.mean(devs):.3f}%",
        f"{max(devs):.2f}%",
        f"{at_opt} ({at_opt / len(files) * 100:.1f}%)",
        f"{statistics.mean(times):.3f}",
        f"{max(times):.3f}",
        f"{time_limit:g}",
    )


def main(argv: list[str] | None = None) -> int:
    """Run and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["heuristic", "cpsat", "both"], default="both")
    parser.add_argument("--time-limit", type=float, default=None)
    parser.add_argument("--limit", type=int, default=None, help="only the first N instances")
    args = parser.parse_args(argv)
    root = SHARED / "psplib"
    optima = read_optima(root / "j30opt.sm")
    files = sorted((root / "j30").glob("*.sm"))[: args.limit]
    backends = ["heuristic", "cpsat"] if args.backend == "both" else [args.backend]
    rows = []
    for backend in backends:
        limit = args.time_limit or (1.0 if backend == "heuristic" else 10.0)
        rows.append(run_backend(backend, files, optima, limit))
    print(
        table(
            [
                "backend",
                "instances",
                "mean dev",
                "max dev",
                "at optimum",
                "mean s",
                "max s",
                "limit s",
            ],
            rows,
        )
    )
    print("\nData: PSPLIB j30 (Kolisch & Sprecher 1997), optima from j30opt.sm.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
