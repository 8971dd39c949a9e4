"""Read PSPLIB single-mode ``.sm`` files and their reference tables (Kolisch & Sprecher 1997).

A reference table is an optimum table (``j30opt.sm``), a best-known (heuristic
upper bound) table (``j90hrs.sm``) or a lower-bound table (``j90lb.sm``): rows
``parameter instance makespan ...`` after a header.
"""

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


_NAME = re.compile(r"^(j\d+?0)(\d+)_(\d+)$")


def parameter_and_instance(name: str) -> tuple[int, int]:
    """``j3010_2`` -> (10, 2); ``j1201_7`` -> (1, 7): PSPLIB's set, parameter, instance."""
    found = _NAME.match(name)
    if found is None:
        msg = f"{name}: not a PSPLIB instance name like j3010_2"
        raise ValueError(msg)
    return int(found.group(2)), int(found.group(3))


def read_reference(path: Path) -> dict[tuple[int, int], int]:
    """A reference table: (parameter, instance) to its makespan (optimum, best known or bound)."""
    out: dict[tuple[int, int], int] = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 3 and all(p.isdigit() for p in parts[:3]):
            out[int(parts[0]), int(parts[1])] = int(parts[2])
    if not out:
        msg = f"{path}: no 'parameter instance makespan' rows"
        raise ValueError(msg)
    return out
