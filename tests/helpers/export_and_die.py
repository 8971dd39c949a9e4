"""Run a v2 export of the re-plan example and kill this process at a chosen step.

Usage: python export_and_die.py FOLDER STEP NOW_ISO

STEP counts progress calls (files staged, then the journal); the process sends
itself SIGKILL right after that call, as a power cut or ``kill -9`` would.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import signal
import sys
from pathlib import Path

import ngayhoi
from ngayhoi.scheduling import schedule_heuristic

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    folder, step, now = sys.argv[1], int(sys.argv[2]), dt.datetime.fromisoformat(sys.argv[3])
    spec = importlib.util.spec_from_file_location("replan", ROOT / "examples" / "replan.py")
    assert spec is not None
    assert spec.loader is not None
    replan = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(replan)
    base = replan._base()  # noqa: SLF001 - the example's own plan
    first = schedule_heuristic(base, seed=0, max_passes=3, time_limit=600)
    second = schedule_heuristic(
        replan.replan(base), seed=0, max_passes=3, time_limit=600, previous=first
    )
    calls = 0

    def progress(_name: str, _done: int, _total: int) -> None:
        nonlocal calls
        calls += 1
        if calls == step:
            os.kill(os.getpid(), signal.SIGKILL)

    ngayhoi.export.export_calendars(second, folder, now=now, progress=progress)


if __name__ == "__main__":
    main()
