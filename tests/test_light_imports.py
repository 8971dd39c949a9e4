"""``import ngayhoi`` and the command line load only what the everyday job uses.

The heavy and optional modules (the holidays package, the nationwide data and
its readers, networkx, the extras) load on first use, so a command's start-up
stays short; ``bench/everyday.py`` measures the time, these tests the behaviour.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

#: Never loaded by the import alone; each only when a command uses it.
HEAVY = (
    "holidays",  # 0.2 s: the shipped table covers 2000-2050 (ngayhoi.model.workdays)
    "vietnamadminunits",  # the vn-units extra, read only by the nationwide data
    "importlib.metadata",
    "importlib.resources",
    "sqlite3",
    "matplotlib",
    "ortools",
    "caldav",
    "babel",
    "networkx.classes",  # networkx itself is a lazy module until a cycle or a graph view
)


def _loaded_after(code: str) -> list[str]:
    """The HEAVY modules a fresh interpreter holds after running ``code``."""
    script = (
        "import json, sys\n"
        f"{code}\n"
        f"print(json.dumps(sorted(m for m in {list(HEAVY)!r} if m in sys.modules)))\n"
    )
    run = subprocess.run(  # noqa: S603 - our own interpreter on our own script
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    found: list[str] = json.loads(run.stdout.splitlines()[-1])
    return found


@pytest.mark.parametrize("module", ["ngayhoi", "ngayhoi.cli"])
def test_importing_ngayhoi_loads_none_of_the_heavy_optional_modules(module: str) -> None:
    assert _loaded_after(f"import {module}") == []


def test_import_ngayhoi_leaves_the_plan_converter_and_the_file_lock_for_later() -> None:
    script = (
        "import sys, ngayhoi\n"
        "print(sorted(m for m in ('cattrs.converters', 'filelock') if m in sys.modules))\n"
    )
    run = subprocess.run(  # noqa: S603 - our own interpreter on our own script
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "[]"


def test_an_export_of_the_example_loads_neither_holidays_nor_the_nationwide_data(
    tmp_path: Path,
) -> None:
    code = (
        "from ngayhoi.cli import main\n"
        "assert main(['export', 'examples/can_duoc_2023.toml', '--out', "
        f"{str(tmp_path / 'lich')!r}]) == 0"
    )
    assert _loaded_after(code) == []


#: Loaded by other commands, or by an export only in a case the example is not: icalendar for
#: a zone whose VTIMEZONE and TZID are not known ahead, filelock where there is no flock.
EXPORT_LEAVES = ("icalendar", "filelock")


@pytest.mark.skipif(sys.platform == "win32", reason="Windows locks through filelock")
def test_an_export_of_the_example_loads_neither_icalendar_nor_filelock(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from ngayhoi.cli import main\n"
        "assert main(['export', 'examples/can_duoc_2023.toml', '--out', "
        f"{str(tmp_path / 'lich')!r}]) == 0\n"
        f"print(sorted(m for m in {list(EXPORT_LEAVES)!r} if m in sys.modules))\n"
    )
    run = subprocess.run(  # noqa: S603 - our own interpreter on our own script
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert run.stdout.splitlines()[-1] == "[]"
    assert (tmp_path / "lich" / "master.ics").exists()


def test_only_the_command_spares_its_exit_the_collections() -> None:
    """``ngayhoi`` freezes what is alive at its end; ``main([...])`` leaves gc as it was."""
    script = (
        "import gc, sys\n"
        "from ngayhoi.cli import main\n"
        "assert main(['units', 'tan chanh', '--date', '2023-08-06']) == 0\n"
        "print('after main([...]):', gc.get_freeze_count())\n"
        "sys.argv = ['ngayhoi', 'units', 'tan chanh', '--date', '2023-08-06']\n"
        "assert main() == 0\n"
        "print('after main():', gc.get_freeze_count() > 0, gc.isenabled())\n"
    )
    run = subprocess.run(  # noqa: S603 - our own interpreter on our own script
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    said = [line for line in run.stdout.splitlines() if line.startswith("after main")]
    assert said == ["after main([...]): 0", "after main(): True True"]
