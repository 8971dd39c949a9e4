"""Same plan, same schedule, same bytes: whatever the load, time cap or table order."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
import tomli_w

from ngayhoi import io, samples, schedule
from ngayhoi.cli import main
from ngayhoi.scheduling import Schedule

from conftest import ROOT, load_example

PLAN = ROOT / "examples" / "can_duoc_2023.toml"


def _placed(sched: Schedule) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    return {
        s.activity: (s.start.isoformat(), s.end.isoformat(), s.resources)
        for s in sched.slots.values()
    }


@pytest.fixture
def cpu_hogs() -> Iterator[None]:
    """Two busy processes, one per core, for as long as the test runs."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def _export_in_subprocess(folder: Path, *extra: str, hash_seed: str) -> dict[str, bytes]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1688169600", "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(  # noqa: S603 - our own CLI on our own plan
        [sys.executable, "-m", "ngayhoi", "export", str(PLAN), "--out", str(folder), *extra],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.ics"))}


def test_export_gives_the_same_bytes_under_load_and_with_another_time_cap(
    tmp_path: Path, cpu_hogs: None
) -> None:
    del cpu_hogs
    calm = _export_in_subprocess(tmp_path / "a", hash_seed="1")
    busy = _export_in_subprocess(tmp_path / "b", "--time-limit", "600", hash_seed="2")
    assert calm
    assert calm == busy


def test_the_bundled_script_and_plan_file_give_the_same_schedule() -> None:
    script = schedule(load_example("can_duoc_2023").build())
    plan_file = schedule(io.load(PLAN))
    assert _placed(script) == _placed(plan_file)


def _shuffled(text: str, rng: random.Random) -> str:
    doc = tomllib.loads(text)
    for key in ("sites", "awards", "needs", "resources"):
        rng.shuffle(doc[key])
    rng.shuffle(doc["units"]["dataset"])
    return tomli_w.dumps(doc)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_plan_file_with_its_tables_shuffled_gives_the_same_schedule(seed: int) -> None:
    text = PLAN.read_text(encoding="utf-8")
    shuffled = io.loads(_shuffled(text, random.Random(seed)))  # noqa: S311 - a test order
    before = io.loads(text)
    assert [s.id for s in shuffled.sites] != [s.id for s in before.sites]
    assert _placed(schedule(shuffled)) == _placed(schedule(before))


def test_a_time_cap_that_fires_first_is_said_in_the_schedule() -> None:
    fest = samples.two_communes_one_delegation()
    cut = schedule(fest, budget=None, time_limit=0.001)
    assert cut.cut_short
    assert "time limit" in cut.note
    within = schedule(fest)
    assert not within.cut_short
    assert within.note == ""


def test_the_budget_counts_passes_not_seconds() -> None:
    fest = samples.two_communes_one_delegation()
    one = schedule(fest, budget=50, time_limit=600)
    two = schedule(fest, budget=50)
    assert one.passes == two.passes
    assert _placed(one) == _placed(two)


def test_budget_below_one_pass_is_refused() -> None:
    err = StringIO()
    code = main(["schedule", str(PLAN), "--budget", "0"], out=StringIO(), err=err)
    assert code == 2
    assert "--budget 0" in err.getvalue()
