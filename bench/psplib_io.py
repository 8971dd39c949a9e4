"""Read PSPLIB single-mode ``.sm`` files and the j30 optimum table (Kolisch & Sprecher 1997)."""

from __future__ import annotations

import re
from pathlib import Path

import attrs


@attrs.frozen
class Instance:
    """One RCPSP instance: durations, successors, demands and capacities."""

    name: str
    durations: tuple[int, ...]
    successors: tuple[tuple[int, ...], ...]
    demands: tuple[tuple[int, ...], ...]
    capacities: tuple[int, ...]


def read_sm(path: Path) -> Instance:
    """Parse a PSPLIB ``.sm`` file (jobs numbered from 1 in the file, from 0 here)."""
    text = path.read_text()
    found = re.search(r"jobs \(incl\. supersource/sink \):\s*(\d+)", text)
    if found is None:
        msg = f"{path}: not a PSPLIB .sm file"
        raise ValueError(msg)
    n = int(found.group(1))
    prec = text.split("PRECEDENCE RELATIONS:")[1].split("****")[0].strip().splitlines()[1:]
    successors: list[tuple[int, ...]] = []
    for line in prec:
        parts = [int(x) for x in line.split()]
        successors.append(tuple(x - 1 for x in parts[3:]))
    req = text.split("REQUESTS/DURATIONS:")[1].split("****")[0].strip().splitlines()[2:]
    durations: list[int] = []
    demands: list[tuple[int, ...]] = []
    for line in req:
        parts = [int(x) for x in line.split()]
        durations.append(parts[2])
        demands.append(tuple(parts[3:]))
    cap_block = text.split("RESOURCEAVAILABILITIES:")[1].strip().splitlines()
    capacities = tuple(int(x) for x in cap_block[1].split())
    assert len(successors) == n == len(durations)
    return Instance(path.stem, tuple(durations), tuple(successors), tuple(demands), capacities)


def read_optima(path: Path) -> dict[str, int]:
    """The ``j30opt.sm`` table: instance name (``j301_1``) to its optimal makespan."""
    out: dict[str, int] = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0].isdigit() and parts[1].isdigit():
            out[f"j30{parts[0]}_{parts[1]}"] = int(parts[2])
    return out
