# ruff: noqa: DTZ001 - a naive datetime is one of the bad values
"""Mutated plan files for the fuzz test and ``bench/fuzz.py``: one seed, one file, always the same.

A mutation replaces a value with another type or an extreme, deletes a key, or
duplicates a table of an array, over the bundled example plans.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import tomllib
from pathlib import Path
from typing import cast

import tomli_w

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"

_FILES = sorted(EXAMPLES.glob("*.toml"))
_EXTREMES: list[object] = [
    None,
    True,
    0,
    -1,
    10**9,
    2**63,
    1e-9,
    1e308,
    math.inf,
    "",
    "x\n",
    "2023-08-06",
    [],
    ["a", 1],
    {},
    {"a": 1},
    dt.date(1, 1, 1),
    dt.date(9999, 12, 31),
    dt.time(6, 45),
    dt.datetime(2023, 8, 6, 7, 0),
]


def _paths(node: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            out.append((*prefix, key))
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for k, value in enumerate(node):
            out.append((*prefix, k))
            out += _paths(value, (*prefix, k))
    return out


def mutate(doc: dict[str, object], rng: random.Random) -> dict[str, object]:
    """One to three random edits: replace a value, delete a key, duplicate a table."""
    for _ in range(rng.randint(1, 3)):
        paths = _paths(doc)
        if not paths:
            break
        path = rng.choice(paths)
        parent: object = doc
        for step in path[:-1]:
            parent = parent[step]  # type: ignore[index]
        last = path[-1]
        move = rng.random()
        if move < 0.6:
            parent[last] = rng.choice(_EXTREMES)  # type: ignore[index]
        elif move < 0.8 and isinstance(parent, dict):
            del parent[last]
        elif isinstance(parent, list):
            parent.insert(int(last), parent[last])  # type: ignore[call-overload]
        else:
            parent[last] = rng.choice(_EXTREMES)  # type: ignore[index]
    return doc


def fuzz_text(seed: int) -> str:
    """A mutated plan file from one of the bundled examples (``None`` values dropped)."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible fuzz, not a secret
    doc = tomllib.loads(rng.choice(_FILES).read_text(encoding="utf-8"))
    mutated = mutate(doc, rng)
    return tomli_w.dumps(cast("dict[str, object]", _drop_none(mutated)))


def _drop_none(node: object) -> object:
    if isinstance(node, dict):
        return {k: _drop_none(v) for k, v in node.items() if v is not None}
    if isinstance(node, list):
        return [_drop_none(v) for v in node if v is not None]
    return node
