"""A re-plan the night before: export, change, export again into the same folder, see the diff.

The Cần Đước day of ``can_duoc_2023.py`` is exported; then rain is forecast:

* in three communes the folk games move indoors, to the commune hall, and
  30 minutes later (indoors, the noon-heat limit no longer applies);
* Tân Ân cancels its forum "Công an xã lắng nghe ý kiến của Nhân dân";
* Đoàn 1 takes over Long Cang's ceremony and hands Long Khê's to Đoàn 2.

The second export updates every feed in place: changed events get SEQUENCE + 1,
the cancelled forum stays as ``STATUS:CANCELLED``, unchanged events keep their
bytes. The diff says what changed for each commune, delegation and role.

Run::

    python examples/replan.py --out out/replan
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import attrs
import pendulum

import ngayhoi
from ngayhoi.model import Dependency, Festival, Requirement, Site

RAINED_ON = ("long-son", "my-le", "phuoc-tuy")
FORUM_CANCELLED = "tan-an.dien-dan"
SWAPPED = ("long-cang.trao-thuong", "doan-1")
#: Đoàn 1 hands its own second visit to Đoàn 2: each stays for a whole formal part,
#: so a delegation cannot take on a third.
HANDED_ON = ("long-khe.trao-thuong", "doan-2")
LATER = pendulum.duration(minutes=30)


def _base() -> Festival:
    path = Path(__file__).with_name("can_duoc_2023.py")
    spec = importlib.util.spec_from_file_location("can_duoc_2023", path)
    if spec is None or spec.loader is None:  # pragma: no cover - the file ships with us
        msg = f"cannot load {path}"
        raise ngayhoi.ExportError(msg)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    festival: Festival = module.build()
    return festival


def replan(fest: Festival) -> Festival:
    """Apply the night-before changes to the plan."""
    halls = [
        Site(id=f"{unit}.hoi-truong", name=f"Hội trường UBND xã {fest.unit(unit).name}", unit=unit)
        for unit in RAINED_ON
    ]
    activities = []
    for act in fest.activities:
        if act.id == FORUM_CANCELLED:
            continue
        changed = act
        if act.item == "tro-choi" and fest.site(act.site).unit in RAINED_ON:
            hall = f"{fest.site(act.site).unit}.hoi-truong"
            changed = attrs.evolve(changed, site=hall, outdoor=False)
        delegation = dict((SWAPPED, HANDED_ON)).get(act.id)
        if delegation is not None:
            changed = attrs.evolve(changed, needs=[Requirement(delegation)])
        activities.append(changed)
    dependencies = []
    forum_before = forum_after = None
    for dep in fest.dependencies:
        if dep.successor == FORUM_CANCELLED:
            forum_before = dep
            continue
        if dep.predecessor == FORUM_CANCELLED:
            forum_after = dep
            continue
        is_games = dep.successor.endswith(".tro-choi")
        if is_games and dep.successor.split(".")[0] in RAINED_ON:
            later = attrs.evolve(
                dep,
                min_lag=dep.min_lag + LATER,
                max_lag=None if dep.max_lag is None else dep.max_lag + LATER,
            )
            dependencies.append(later)
        else:
            dependencies.append(dep)
    if forum_before is not None and forum_after is not None:
        # The report is now followed directly by the awards.
        dependencies.append(
            Dependency(
                forum_before.predecessor,
                forum_after.successor,
                min_lag=forum_after.min_lag,
                max_lag=forum_after.max_lag,
            )
        )
    return attrs.evolve(
        fest,
        sites=[*fest.sites, *halls],
        activities=activities,
        dependencies=dependencies,
        awards=[a for a in fest.awards if a.ceremony != FORUM_CANCELLED],
    )


def main(argv: list[str] | None = None) -> int:
    """Export v1, re-plan, export v2 into the same folder, print the diff."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("out/replan"))
    args = parser.parse_args(argv)
    try:
        base = _base()
        first = ngayhoi.schedule(base).unwrap()
        v1 = ngayhoi.export.export_calendars(first, args.out)
        second = ngayhoi.schedule(replan(base), previous=first).unwrap()
        v2 = ngayhoi.export.export_calendars(second, args.out)
    except ngayhoi.NgayhoiError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1 if isinstance(err, ngayhoi.InfeasibleError) else 2
    print(f"v1: {len(v1.written)} calendars written into {args.out}/")
    print(f"v2: {len(v2.written)} calendars rewritten, {len(v2.feeds) - len(v2.written)} unchanged")
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(v2.counts.items()))
    print(f"changes: {counts}\n")
    print(v2.diff.text(kinds=("commune", "delegation")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
