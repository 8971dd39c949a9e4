"""Helpers shared by the benchmarks: where things are, running commands, printing tables."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NGAYHOI_SHARED", ROOT.parent / "shared"))
GEN = SHARED / "bench" / "gen_tjp.py"
VALIDATE = SHARED / "bench" / "validate.py"
OUT = ROOT / "bench" / "out"


def run(
    cmd: Sequence[str], *, timeout: float | None = None, env: dict[str, str] | None = None
) -> tuple[float, str, int]:
    """Run a command; return (wall seconds, stdout + stderr, exit code)."""
    began = time.perf_counter()
    done = subprocess.run(
        list(cmd), capture_output=True, text=True, check=False, timeout=timeout, env=env
    )
    return time.perf_counter() - began, done.stdout + done.stderr, done.returncode


def user_env() -> dict[str, str]:
    """The environment a user's shell gives ngayhoi: bytecode caches written and read.

    Some sandboxes set ``PYTHONDONTWRITEBYTECODE``; a user's install has its
    ``.pyc`` files (pip writes them), so without this every run would compile
    ngayhoi's sources again (about 0.3 s) and measure that instead.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def ensure_tj3() -> str | None:
    """Debian's ``tj3``, installed with apt-get when it is missing; ``None`` if that fails."""
    found = shutil.which("tj3")
    if found or not shutil.which("apt-get"):
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "tj3"]):
        if subprocess.run([*sudo, *step], capture_output=True, check=False, env=env).returncode:
            return None
    return shutil.which("tj3")


def generate(
    name: str, *, tasks: int, delegations: int, seed: int | None, activities: int = 10
) -> Path:
    """Write ``out/<name>.tjp`` and ``.json`` with the shared generator; return the .json path."""
    OUT.mkdir(parents=True, exist_ok=True)
    tjp = OUT / f"{name}.tjp"
    cmd = [
        sys.executable,
        str(GEN),
        "-n",
        str(tasks),
        "-k",
        str(activities),
        "-d",
        str(delegations),
        "-o",
        str(tjp),
    ]
    if seed is not None:
        cmd += ["--vary", str(seed)]
    _, text, code = run(cmd)
    if code:
        raise SystemExit(text)
    return tjp.with_suffix(".json")


def validate(instance: Path, csv: Path) -> dict[str, str]:
    """Run the shared checker; return its key=value figures (plus ``exit``)."""
    _, text, code = run([sys.executable, str(VALIDATE), str(instance), str(csv)])
    first = text.splitlines()[0] if text else ""
    figures = dict(part.split("=", 1) for part in first.split() if "=" in part)
    found = re.search(r"\(([0-9.]+) h\)", first)
    figures["makespan_h"] = found.group(1) if found else "?"
    figures["exit"] = str(code)
    return figures


def hours(value: str) -> float:
    """``LB=18.00h`` style figures as hours."""
    return float(value.rstrip("h"))


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain text table with aligned columns."""
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
