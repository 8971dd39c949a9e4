"""A folder with the user's own things in it: ngayhoi touches only what it wrote.

Each case puts something of the user's where a command would write (a
``master.ics`` ngayhoi did not write, a folder named ``.ngayhoi-staging``, a
FIFO, a device node, a symbolic link to nothing, the plan file itself), runs
the real command line, and checks the command is refused with exit 2 and a
message naming the thing, and that nothing under the test's folder changed.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

from ngayhoi.cli import main
from ngayhoi.export import load_state

DAY = "2023-08-06"


@attrs.frozen
class Case:
    """Something of the user's in the way of a command, and what the refusal must say."""

    id: str
    setup: Callable[[Path], None]
    argv: Callable[[Path], list[str]]
    says: str


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def snapshot(root: Path) -> dict[str, tuple[str, bytes]]:
    """Every path under ``root`` (but the folder's lock), its kind and, for files, its bytes."""
    seen: dict[str, tuple[str, bytes]] = {}
    for path in sorted(root.rglob("*")):
        if path.name == ".ngayhoi.lock":
            continue
        mode = path.lstat().st_mode
        if stat.S_ISREG(mode):
            seen[str(path.relative_to(root))] = ("file", path.read_bytes())
        elif stat.S_ISLNK(mode):
            seen[str(path.relative_to(root))] = ("link", str(path.readlink()).encode())
        else:
            seen[str(path.relative_to(root))] = (stat.filemode(mode)[0], b"")
    return seen


@pytest.fixture(scope="module")
def plan_text(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("plan")
    code, _, err = run(
        ["init", "--communes", "2", "--delegations", "1", "--date", DAY, "--out", str(folder / "p")]
    )
    assert code == 0, err
    return (folder / "p").read_bytes()


def _users(
    name: str, data: bytes = b"BEGIN:VCALENDAR\r\nmy own\r\nEND:VCALENDAR\r\n"
) -> Callable[[Path], None]:
    def setup(tmp: Path) -> None:
        (tmp / "out").mkdir(exist_ok=True)
        (tmp / "out" / name).write_bytes(data)

    return setup


def _fifo(relative: str) -> Callable[[Path], None]:
    def setup(tmp: Path) -> None:
        (tmp / relative).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(tmp / relative)

    return setup


def _device(relative: str) -> Callable[[Path], None]:
    def setup(tmp: Path) -> None:
        try:
            os.mknod(tmp / relative, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null
        except PermissionError:
            pytest.skip("making a device node needs root")

    return setup


def _staging_of_the_user(tmp: Path) -> None:
    notes = tmp / "out" / ".ngayhoi-staging"
    notes.mkdir(parents=True)
    (notes / "ghi-chu.txt").write_text("của tôi\n", encoding="utf-8")


def _dangling(tmp: Path) -> None:
    (tmp / "out").symlink_to(tmp / "missing" / "lich")


def _plan_linked(tmp: Path) -> None:
    os.link(tmp / "plan.toml", tmp / "chart.svg")


def _nothing(_tmp: Path) -> None:
    pass


def _export(tmp: Path) -> list[str]:
    return ["export", str(tmp / "plan.toml"), "--out", str(tmp / "out")]


CASES = [
    Case("export-over-the-users-master", _users("master.ics"), _export,
         "master.ics exists and ngayhoi did not write it"),
    Case("export-over-the-users-commune-feed", _users("commune-long-trach.ics"), _export,
         "commune-long-trach.ics exists and ngayhoi did not write it"),
    Case("export-json-over-the-users-schedule-json", _users("schedule.json", b"{}"),
         lambda tmp: [*_export(tmp), "--json"], "schedule.json exists and ngayhoi did not write"),
    Case("export-beside-the-users-staging-folder", _staging_of_the_user, _export,
         ".ngayhoi-staging is not ngayhoi's"),
    Case("export-feed-is-a-fifo", _fifo("out/master.ics"), _export,
         "master.ics is a FIFO (named pipe), not a regular file"),
    Case("export-feed-is-a-folder", lambda tmp: (tmp / "out" / "master.ics").mkdir(parents=True),
         _export, "master.ics is a folder, not a regular file"),
    Case("export-out-is-a-dangling-symlink", _dangling, _export,
         "is a symbolic link to"),
    Case("export-out-is-the-plan", _nothing,
         lambda tmp: ["export", str(tmp / "plan.toml"), "--out", str(tmp / "plan.toml")],
         "is a file, not a folder"),
    Case("export-out-is-empty", _nothing,
         lambda tmp: ["export", str(tmp / "plan.toml"), "--out", ""], "--out: is empty"),
    Case("runsheet-over-the-users-sheet", _users("runsheet-long-trach.md", b"# my notes\n"),
         lambda tmp: ["runsheet", str(tmp / "plan.toml"), "--out", str(tmp / "out")],
         "runsheet-long-trach.md exists and ngayhoi did not write it"),
    Case("runsheet-sheet-is-a-fifo", _fifo("out/runsheet-long-trach.md"),
         lambda tmp: ["runsheet", str(tmp / "plan.toml"), "--out", str(tmp / "out")],
         "is a FIFO"),
    Case("runsheet-out-is-empty", _nothing,
         lambda tmp: ["runsheet", str(tmp / "plan.toml"), "--out", ""], "--out: is empty"),
    Case("gantt-out-is-the-plan-by-another-name", _plan_linked,
         lambda tmp: ["gantt", str(tmp / "plan.toml"), "--out", str(tmp / "chart.svg")],
         "is the plan file"),
    Case("gantt-out-is-a-fifo", _fifo("chart.svg"),
         lambda tmp: ["gantt", str(tmp / "plan.toml"), "--out", str(tmp / "chart.svg")],
         "chart.svg is a FIFO"),
    Case("gantt-out-is-a-device", _device("chart.svg"),
         lambda tmp: ["gantt", str(tmp / "plan.toml"), "--out", str(tmp / "chart.svg")],
         "chart.svg is a character device"),
    Case("init-force-over-a-device", _device("dev-null"),
         lambda tmp: ["init", "--date", DAY, "--force", "--out", str(tmp / "dev-null")],
         "dev-null is a character device, not a regular file"),
    Case("init-force-over-a-fifo", _fifo("pipe"),
         lambda tmp: ["init", "--date", DAY, "--force", "--out", str(tmp / "pipe")],
         "pipe is a FIFO"),
    Case("init-out-is-empty", _nothing,
         lambda _: ["init", "--date", DAY, "--out", ""], "--out: is empty"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_command_refuses_to_touch_what_is_not_its_own(
    case: Case, plan_text: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "plan.toml").write_bytes(plan_text)
    case.setup(tmp_path)
    before = snapshot(tmp_path)
    monkeypatch.chdir(tmp_path)  # an empty --out must not mean "here"
    with contextlib.redirect_stderr(io.StringIO()) as usage:  # argparse prints there
        code, out, err = run(case.argv(tmp_path))
    err += usage.getvalue()
    assert code == 2, (code, out, err)
    assert case.says in err, err
    assert "Traceback" not in err
    assert snapshot(tmp_path) == before


def test_an_export_into_its_own_folder_replaces_its_own_feeds_and_keeps_the_users_files(
    plan_text: bytes, tmp_path: Path
) -> None:
    (tmp_path / "plan.toml").write_bytes(plan_text)
    out = tmp_path / "out"
    assert run(["export", str(tmp_path / "plan.toml"), "--out", str(out), "--json"])[0] == 0
    (out / "my-private.ics").write_bytes(b"mine")
    (out / "master.ics").write_bytes(b"edited by hand")  # ngayhoi's own: it is rewritten
    code, out_text, err = run(["export", str(tmp_path / "plan.toml"), "--out", str(out), "--json"])
    assert code == 0, err
    assert "1 written" in out_text
    assert (out / "my-private.ics").read_bytes() == b"mine"
    assert (out / "master.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_an_empty_staging_folder_left_by_a_kill_is_cleared(
    plan_text: bytes, tmp_path: Path
) -> None:
    (tmp_path / "plan.toml").write_bytes(plan_text)
    (tmp_path / "out" / ".ngayhoi-staging").mkdir(parents=True)  # made, then killed before its mark
    code, _, err = run(["export", str(tmp_path / "plan.toml"), "--out", str(tmp_path / "out")])
    assert code == 0, err
    assert not (tmp_path / "out" / ".ngayhoi-staging").exists()


def test_run_sheets_written_twice_replace_their_own_files(plan_text: bytes, tmp_path: Path) -> None:
    (tmp_path / "plan.toml").write_bytes(plan_text)
    argv = ["runsheet", str(tmp_path / "plan.toml"), "--out", str(tmp_path / "out")]
    assert run(argv)[0] == 0
    first = snapshot(tmp_path / "out")
    code, _, err = run(argv)
    assert code == 0, err
    assert snapshot(tmp_path / "out") == first


def test_ngayhoi_imports_where_there_is_no_fcntl() -> None:
    """Windows has no fcntl: the folder's lock comes from filelock, imported without it."""
    code = (
        "import sys, warnings; sys.modules['fcntl'] = None; warnings.simplefilter('ignore')\n"
        "import ngayhoi, ngayhoi.cli, ngayhoi.export.calendars, ngayhoi.files\n"
        "print(ngayhoi.files.LOCK_NAME)"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ".ngayhoi.lock\n"


def test_an_export_refused_half_way_through_staging_leaves_no_staged_files(
    plan_text: bytes, tmp_path: Path
) -> None:
    v1, v2 = tmp_path / "v1.toml", tmp_path / "v2.toml"
    v1.write_bytes(plan_text)
    v2.write_bytes(plan_text.replace(b'at = "06:45"', b'at = "06:40"'))
    out = tmp_path / "out"
    assert run(["export", str(v1), "--out", str(out)])[0] == 0
    last = load_state(out).feeds[list(load_state(out).feeds)[-1]].filename
    (out / last).unlink()
    os.mkfifo(out / last)  # every feed before it is staged when the export reaches it
    before = snapshot(tmp_path)
    code, _, err = run(["export", str(v2), "--out", str(out)])
    assert code == 2, err
    assert f"{last} is a FIFO" in err
    assert snapshot(tmp_path) == before
    assert not (out / ".ngayhoi-staging").exists()


def test_without_a_state_a_feed_ngayhoi_wrote_is_known_by_its_prodid(
    plan_text: bytes, tmp_path: Path
) -> None:
    (tmp_path / "plan.toml").write_bytes(plan_text)
    out = tmp_path / "out"
    argv = ["export", str(tmp_path / "plan.toml"), "--out", str(out)]
    assert run(argv)[0] == 0
    (out / ".ngayhoi-state.json").unlink()  # lost, or set aside by a recovery
    code, _, err = run(argv)
    assert code == 0, err
    (out / ".ngayhoi-state.json").unlink()
    (out / "master.ics").write_bytes(b"BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//EN\r\n")
    code, _, err = run(argv)
    assert code == 2
    assert "master.ics exists and ngayhoi did not write it" in err
