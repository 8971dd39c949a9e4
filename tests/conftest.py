"""Shared fixtures: the repository's paths, the ics_check harness, small festivals."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pendulum
import pytest

from ngayhoi.model import Activity, Festival, Site, Unit

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NGAYHOI_SHARED", ROOT.parent / "shared"))
CHECK_SH = SHARED / "ics_check" / "check.sh"
TZ = "Asia/Ho_Chi_Minh"
DAY = pendulum.date(2023, 8, 6)


def at(hour: int, minute: int = 0) -> pendulum.DateTime:
    """A local time on the test day."""
    return pendulum.datetime(DAY.year, DAY.month, DAY.day, hour, minute, tz=TZ)


def load_example(name: str) -> ModuleType:
    """Import ``examples/<name>.py`` as a module."""
    path = ROOT / "examples" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"example_{name}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _harness_built() -> bool:
    home = Path(os.environ.get("ICS_CHECK_HOME", Path.home() / ".cache" / "ics_check"))
    return CHECK_SH.exists() and (home / ".venv" / "bin" / "python").exists()


@pytest.fixture(scope="session")
def ics_check() -> Callable[[Path], subprocess.CompletedProcess[str]]:
    """Run ``../shared/ics_check/check.sh`` on one file (five real parsers + structure)."""
    if not _harness_built():
        if os.environ.get("CI"):
            pytest.fail(f"ics_check harness not built: run {SHARED}/ics_check/setup.sh")
        pytest.skip(f"ics_check harness not built; run {SHARED}/ics_check/setup.sh first")

    def run(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own harness on our own file
            [str(CHECK_SH), str(path)], capture_output=True, text=True, check=False
        )

    return run


def one_site_festival(*activities: Activity, **options: object) -> Festival:
    """A festival with one commune, one site and the given activities."""
    return Festival(
        id="t",
        name="Ngày hội thử",
        days=[DAY],
        units=[Unit(id="x", name="Long Hòa", official_name="Xã Long Hòa", kind="xã")],
        sites=[Site(id="s", name="Hội trường UBND xã Long Hòa", unit="x")],
        activities=activities,
        **options,  # type: ignore[arg-type]
    )


def act(ident: str, minutes: int = 10, **options: object) -> Activity:
    """An activity at the one site, titled after its id."""
    return Activity(
        id=ident,
        kind="other",
        title=f"Mục {ident.upper()}",
        site="s",
        duration=minutes,
        **options,  # type: ignore[arg-type]
    )
