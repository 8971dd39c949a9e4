"""A disk that fills up part-way through a command: all of it is written, or none of it.

On a small tmpfs (mounted here when the test runs as root and mounting is
allowed; skipped otherwise) a filler file leaves less and less free space, so
the disk fills at every stage of an export (a staged feed, the state, the
journal) and of the run sheets. Without mounting, strace fails one ``write``
of the command line with ENOSPC. Either way the command fails with exit 2 (or
:class:`~ngayhoi.files.DiskFullError`) naming the folder, and the folder holds
exactly its previous version: no staging folder, no journal, no temporary file.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ngayhoi import io as plan_io
from ngayhoi.cli import main
from ngayhoi.errors import ExportError
from ngayhoi.export import export_calendars
from ngayhoi.export.runsheet import write_runsheets
from ngayhoi.files import DiskFullError
from ngayhoi.scheduling import Schedule, schedule

DAY = "2023-08-06"
# A 4 MiB tmpfs: room for two versions of the export below (the feeds, and a state
# that now stores the schedule too).
DISK = 4 * 1024 * 1024
STEPS = 24  # free-space points between nothing and enough for a whole export
STRACE = shutil.which("strace")
OWN = {".ngayhoi.lock", ".ngayhoi-state.json", ".ngayhoi-files.json"}


def version(folder: Path) -> dict[str, bytes]:
    """Every file in the folder but the lock, by name (hidden ones included)."""
    if not folder.exists():
        return {}
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name != ".ngayhoi.lock"}


def leftovers(folder: Path) -> list[str]:
    """What an unfinished commit would leave: staging, journal, temporary files."""
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.name not in OWN)


@pytest.fixture(scope="module")
def schedules(tmp_path_factory: pytest.TempPathFactory) -> tuple[Schedule, Schedule, Path, Path]:
    folder = tmp_path_factory.mktemp("plans")
    paths = []
    for name, parade in (("v1", "06:45"), ("v2", "07:00")):
        path = folder / f"{name}.toml"
        argv = ["init", "--communes", "4", "--delegations", "1", "--date", DAY]
        assert main([*argv, "--parade", parade, "--out", str(path)], out=io.StringIO()) == 0
        paths.append(path)
    first, second = (schedule(plan_io.load(p)).unwrap() for p in paths)
    return first, second, paths[0], paths[1]


@contextlib.contextmanager
def small_disk(where: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs at ``where`` (skips the test if it cannot be mounted here)."""
    where.mkdir(parents=True)
    mount, umount = shutil.which("mount"), shutil.which("umount")
    if os.geteuid() != 0 or mount is None or umount is None:
        pytest.skip("mounting a small tmpfs needs root; the strace cases cover this machine")
    done = subprocess.run(  # noqa: S603 - mount, a tmpfs of our own
        [mount, "-t", "tmpfs", "-o", f"size={DISK}", f"ngayhoi-{uuid.uuid4().hex[:8]}", where],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run([umount, "-l", where], check=True)  # noqa: S603 - our own mount


def fill(disk: Path, leave: int) -> None:
    """Fill the disk but ``leave`` bytes (a page or so less, as tmpfs counts in pages)."""
    stats = os.statvfs(disk)
    free = stats.f_bavail * stats.f_frsize
    (disk / "filler").write_bytes(b"\0" * max(0, free - leave))


def attempt(write: Callable[[], object]) -> DiskFullError | None:
    """Run ``write``; the disk-full error it raised, if any."""
    try:
        write()
    except DiskFullError as err:
        return err
    return None


def _needed(sched: Schedule, tmp: Path) -> int:
    """How many bytes (in 4 kB pages) one export of ``sched`` takes."""
    folder = tmp / "measure"
    export_calendars(sched, folder)
    pages = sum(-(-p.stat().st_size // 4096) for p in folder.iterdir())
    shutil.rmtree(folder)
    return pages * 4096 + 2 * 4096


@pytest.mark.parametrize(
    "step", range(STEPS), ids=[f"tmpfs-free-{k}of{STEPS}" for k in range(STEPS)]
)
@pytest.mark.parametrize("over", ["nothing", "v1"])
def test_an_export_on_a_full_disk_leaves_the_previous_version_and_names_the_folder(
    schedules: tuple[Schedule, Schedule, Path, Path], tmp_path: Path, step: int, over: str
) -> None:
    first, second, _, _ = schedules
    # Writing v2 over v1 stages only the changed feeds but twice the state; both need room.
    needed = _needed(second, tmp_path) + (_needed(first, tmp_path) if over == "v1" else 0)
    with small_disk(tmp_path / "disk") as disk:
        folder = disk / "lich"
        if over == "v1":
            export_calendars(first, folder)
        before = version(folder)
        fill(disk, needed * step // (STEPS - 1) if step else 0)
        err = attempt(lambda: export_calendars(second, folder))
        if err is None:
            assert version(folder) != before
        else:
            assert str(err).startswith(f"{folder}: the disk is full"), err
            assert "nothing was changed there" in str(err)
            assert err.folder == folder
            assert version(folder) == before
        assert leftovers(folder) == []
        # Once there is room again, the next export finishes the job.
        (disk / "filler").unlink()
        export_calendars(second, folder)
        assert leftovers(folder) == []


@pytest.mark.parametrize(
    "step", range(0, STEPS, 3), ids=[f"tmpfs-free-{k}" for k in range(0, STEPS, 3)]
)
def test_run_sheets_on_a_full_disk_are_all_new_or_all_old(
    schedules: tuple[Schedule, Schedule, Path, Path], tmp_path: Path, step: int
) -> None:
    first, second, _, _ = schedules
    with small_disk(tmp_path / "disk") as disk:
        folder = disk / "kich-ban"
        write_runsheets(first, folder)
        before = version(folder)
        fill(disk, 160_000 * step // (STEPS - 1))
        err = attempt(lambda: write_runsheets(second, folder))
        if err is None:
            assert version(folder) != before
        else:
            assert str(err).startswith(f"{folder}: the disk is full"), err
            assert version(folder) == before
        assert leftovers(folder) == []


def test_a_full_disk_on_the_command_line_exits_2_naming_the_folder(
    schedules: tuple[Schedule, Schedule, Path, Path], tmp_path: Path
) -> None:
    _, _, v1, v2 = schedules
    with small_disk(tmp_path / "disk") as disk:
        folder = disk / "lich"
        assert main(["export", str(v1), "--out", str(folder), "--json"], out=io.StringIO()) == 0
        before = version(folder)
        fill(disk, 64 * 1024)
        err = io.StringIO()
        code = main(["export", str(v2), "--out", str(folder), "--json"], out=io.StringIO(), err=err)
        assert code == 2, err.getvalue()
        assert err.getvalue().startswith(f"ngayhoi export: {folder}: the disk is full"), err
        assert err.getvalue().count("\n") == 1
        assert version(folder) == before  # schedule.json, the feeds and the state: all old
        assert leftovers(folder) == []


def _writes(argv: list[str], log: Path) -> int:
    """How many ``write`` calls an uninterrupted run of the command line makes."""
    assert STRACE is not None
    subprocess.run(  # noqa: S603 - strace on the command line under test
        [STRACE, "-f", "-qq", "-o", str(log), "-e", "trace=write", sys.executable, "-m",
         "ngayhoi", *argv],
        capture_output=True, check=True,
    )  # fmt: skip
    return sum(1 for line in log.read_text().splitlines() if re.search(r"\bwrite\(", line))


@pytest.mark.skipif(STRACE is None, reason="strace is not installed")
@pytest.mark.parametrize("at", [0.1, 0.4, 0.7, 0.9], ids=lambda f: f"strace-write-{int(f * 100)}pc")
def test_a_write_failing_with_enospc_leaves_the_previous_version(
    schedules: tuple[Schedule, Schedule, Path, Path], tmp_path: Path, at: float
) -> None:
    assert STRACE is not None
    _, _, v1, v2 = schedules
    reference = tmp_path / "reference"
    assert main(["export", str(v1), "--out", str(reference)], out=io.StringIO()) == 0
    argv = ["export", str(v2), "--out", str(tmp_path / "count"), "--json"]
    shutil.copytree(reference, tmp_path / "count")
    nth = max(1, int(_writes(argv, tmp_path / "writes.strace") * at))
    folder = tmp_path / "lich"
    shutil.copytree(reference, folder)
    before = version(folder)
    done = subprocess.run(  # noqa: S603 - strace fails one write of the command line
        [STRACE, "-f", "-qq", "-o", os.devnull, "-e", "trace=write",
         "-e", f"inject=write:error=ENOSPC:when={nth}", sys.executable, "-m", "ngayhoi",
         "export", str(v2), "--out", str(folder), "--json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert "Traceback" not in done.stderr
    if done.returncode == 0:  # the failed write was one the command does not depend on
        assert version(folder) != before
    else:
        assert done.returncode == 2, done.stderr
        assert f"{folder}: the disk is full" in done.stderr, done.stderr
        assert version(folder) == before
    assert leftovers(folder) == []


def test_a_disk_full_error_is_an_export_error() -> None:
    err = DiskFullError(Path("/x"), "/x: the disk is full")
    assert isinstance(err, ExportError)
    assert err.folder == Path("/x")
