"""Faults: exports killed at random moments, exports racing for one folder, a server that stops.

Everything here is real: child processes killed with SIGKILL, files on disk, the
``ngayhoi`` command line in subprocesses, and a Radicale server on 127.0.0.1
that is terminated part-way through a publish and started again.

The random kills are seeded and repeatable. ``NGAYHOI_FAULT_RUNS`` sets how
many (default 30, a soak: 300), ``NGAYHOI_FAULT_SEED`` the seed,
``NGAYHOI_FAULT_PLAN=can-duoc`` runs them on the whole Cần Đước day with role
feeds instead of six of its communes, and ``NGAYHOI_FAULT_REPORT`` names a
JSON file for the counts. Run with ``-s`` to see the counts.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NoReturn

import attrs
import icalendar
import pytest

import ngayhoi
from ngayhoi import data, io, templates
from ngayhoi.export import STATE_FILE, export_calendars, load_state, recover
from ngayhoi.export.calendars import read_version
from ngayhoi.model import Festival, Requirement, TravelTimes
from ngayhoi.scheduling import Schedule, schedule_heuristic

from conftest import Radicale, load_example

RUNS = int(os.environ.get("NGAYHOI_FAULT_RUNS", "30"))
SEED = int(os.environ.get("NGAYHOI_FAULT_SEED", "20230806"))
WHOLE_DAY = os.environ.get("NGAYHOI_FAULT_PLAN", "") == "can-duoc"
V1 = dt.datetime(2023, 8, 1, 8, 0, tzinfo=dt.UTC)
V2 = dt.datetime(2023, 8, 5, 20, 0, tzinfo=dt.UTC)
LOCK = ".ngayhoi.lock"
JOURNAL = ".ngayhoi-journal.json"
STAGING = ".ngayhoi-staging"
#: The system calls an export changes the disk with (and the writes of its progress notes).
SYSCALLS = (
    "openat",
    "write",
    "fchmod",
    "fsync",
    "close",
    "rename",
    "unlink",
    "unlinkat",
    "mkdir",
    "rmdir",
    "flock",
)
STRACE = shutil.which("strace")

can_duoc = load_example("can_duoc_2023")
replan = load_example("replan")

#: The communes the rain re-plan touches (rain, the cancelled forum, the swapped
#: delegation) and one more visited commune, so the delegations still share out visits.
SIX = ("long-hoa", "long-khe", "long-son", "my-le", "phuoc-tuy", "tan-an")


def six_communes() -> Festival:
    """Six communes of the Cần Đước day, built as the example builds all 17."""
    communes = [u for u in data.can_duoc_communes(can_duoc.DAY) if u.id in SIX]
    visited = [u for u in can_duoc.VISITED if u in SIX]
    return templates.plan_day(
        id="can-duoc-2023",
        name="Ngày hội toàn dân bảo vệ an ninh Tổ quốc năm 2023 – sáu xã huyện Cần Đước",
        day=can_duoc.DAY,
        communes=communes,
        sites=[*can_duoc.sites(communes), can_duoc.HOME],
        programme=dict.fromkeys(visited, can_duoc.VISITED_PROGRAMME),
        at=can_duoc.PARADE,
        organiser="Ban Chỉ đạo 138 huyện Cần Đước",
        other_units=[data.unit_on("huyen-can-duoc", can_duoc.DAY)],
        awards=can_duoc.awards(communes),
        resources=can_duoc.DELEGATIONS,
        needs={f"{unit}.trao-thuong": [Requirement("doan-huyen")] for unit in visited},
        travel=TravelTimes(speed_kmh=30, road_factor=1.4),
    )


@attrs.frozen
class Plans:
    """The plan before and after the rain re-plan, scheduled, and how they are exported."""

    first: Schedule
    second: Schedule
    roles: bool

    def export(self, which: str, folder: Path, **options: Any) -> ngayhoi.export.ExportReport:
        """Export v1 or v2 into ``folder`` at its fixed change time."""
        sched, now = (self.first, V1) if which == "v1" else (self.second, V2)
        return export_calendars(sched, folder, now=now, roles=self.roles, **options)


@pytest.fixture(scope="module")
def plans() -> Plans:
    base = replan._base() if WHOLE_DAY else six_communes()  # noqa: SLF001 - the example's plan
    first = schedule_heuristic(base, seed=0, max_passes=3, time_limit=600).unwrap()
    second = schedule_heuristic(
        replan.replan(base), seed=0, max_passes=3, time_limit=600, previous=first
    ).unwrap()
    return Plans(first=first, second=second, roles=WHOLE_DAY)


def version(folder: Path) -> dict[str, bytes]:
    """What subscribers and the next export see: every visible file and the state, by name."""
    if not folder.exists():
        return {}
    return {
        p.name: p.read_bytes()
        for p in folder.iterdir()
        if p.is_file() and (not p.name.startswith(".") or p.name == STATE_FILE)
    }


def leftovers(folder: Path) -> list[str]:
    """Hidden names in the folder besides the state and the lock (journal, staging, temp files)."""
    if not folder.exists():
        return []
    keep = {STATE_FILE, LOCK}
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.name not in keep)


@attrs.frozen
class References:
    """Uninterrupted exports into their own folders: nothing, v1, and v1 then v2."""

    v1: Path
    v2: Path
    versions: Mapping[str, dict[str, bytes]]


@pytest.fixture(scope="module")
def references(plans: Plans, tmp_path_factory: pytest.TempPathFactory) -> References:
    v1 = tmp_path_factory.mktemp("ref-v1") / "feeds"
    plans.export("v1", v1)
    v2 = tmp_path_factory.mktemp("ref-v2") / "feeds"
    shutil.copytree(v1, v2)
    report = plans.export("v2", v2)
    assert report.diff, "the re-plan changes something"
    return References(v1=v1, v2=v2, versions={"nothing": {}, "v1": version(v1), "v2": version(v2)})


# -- a child process that exports v1 then v2 -------------------------------------------


def _note(fd: int, text: str) -> None:
    os.write(fd, f"{text}\n".encode())


def _notes_for(fd: int, tag: str) -> Callable[[str, int, int], None]:
    def progress(name: str, _done: int, _total: int) -> None:
        _note(fd, f"{tag} {name}")

    return progress


def _export_both(plans: Plans, folder: Path, go: int, notes: int) -> NoReturn:
    """The child's whole life: wait for the go, export v1 then v2, leave without cleaning up."""
    code = 0
    try:
        os.read(go, 1)
        for tag in ("v1", "v2"):
            _note(notes, f"{tag} start")
            plans.export(tag, folder, progress=_notes_for(notes, tag))
            _note(notes, f"{tag} done")
    except BaseException:  # noqa: BLE001 - the child reports everything and exits
        _note(notes, "error " + traceback.format_exc().replace("\n", " | "))
        code = 1
    os._exit(code)


@attrs.define
class Child:
    """A forked process that exports v1 then v2 into one folder once told to go."""

    pid: int
    go: int
    notes: int

    @classmethod
    def fork(cls, plans: Plans, folder: Path) -> Child:
        go_read, go_write = os.pipe()
        notes_read, notes_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child; it never returns
            os.close(go_write)
            os.close(notes_read)
            _export_both(plans, folder, go_read, notes_write)
        os.close(go_read)
        os.close(notes_write)
        return cls(pid=pid, go=go_write, notes=notes_read)

    def start(self) -> None:
        os.write(self.go, b"g")
        os.close(self.go)

    def wait(self) -> int:
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)

    def read_notes(self) -> list[str]:
        chunks = []
        while chunk := os.read(self.notes, 65536):
            chunks.append(chunk)
        os.close(self.notes)
        return b"".join(chunks).decode().splitlines()


def _traced(pid: int, tracer: subprocess.Popen[bytes]) -> None:
    """Wait until strace is attached to ``pid``."""
    deadline = time.monotonic() + 20
    status = Path(f"/proc/{pid}/status")
    while True:
        fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        if fields.get("TracerPid", "0").strip() != "0":
            return
        if tracer.poll() is not None:
            err = tracer.stderr.read().decode() if tracer.stderr else ""
            pytest.fail(f"strace could not attach to {pid}: {err}")
        if time.monotonic() > deadline:
            pytest.fail(f"strace did not attach to {pid} within 20 s")
        time.sleep(0.002)


def _strace(pid: int, args: list[str]) -> subprocess.Popen[bytes]:
    assert STRACE is not None
    tracer = subprocess.Popen(  # noqa: S603 - strace on our own child
        [STRACE, "-qq", "-p", str(pid), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _traced(pid, tracer)
    return tracer


# -- one fault run: kill, look, converge -----------------------------------------------


@attrs.frozen
class Outcome:
    """What one killed run left, and what was wrong with it (nothing, we hope)."""

    how: str
    running: str
    phase: str
    strays: int
    problems: tuple[str, ...]


_OLD_NEW = {"v1": ("nothing", "v1"), "v2": ("v1", "v2")}


def inspect_and_converge(
    folder: Path, *, code: int, notes: list[str], plans: Plans, refs: References, how: str
) -> Outcome:
    """Check what a killed child left, then finish the job as an operator would."""
    problems: list[str] = [n for n in notes if n.startswith("error ")]
    if code not in (0, -signal.SIGKILL):
        problems.append(f"the child exited with {code}")
    starts = [n.split()[0] for n in notes if n.endswith(" start")]
    running = starts[-1] if starts else "v1"
    problems += _torn(folder, refs.versions)
    strays = sum(1 for n in leftovers(folder) if n.endswith(".tmp"))
    if (folder / STAGING).exists():
        strays += sum(1 for _ in (folder / STAGING).rglob("*.tmp"))
    phase, wrong = _phase(folder, code, running, refs.versions)
    problems += wrong
    problems += _converge(folder, plans, refs)
    return Outcome(
        how=how,
        running=running,
        phase=phase,
        strays=strays,
        problems=tuple(f"{how}: {p}" for p in problems),
    )


def _torn(folder: Path, versions: Mapping[str, dict[str, bytes]]) -> list[str]:
    """Every visible feed is whole: the bytes of one version or the other, never half."""
    problems = []
    for name, blob in version(folder).items():
        if name == STATE_FILE:
            continue
        if not name.endswith(".ics"):
            problems.append(f"a stray file is visible among the feeds: {name}")
        elif blob not in (versions["v1"].get(name), versions["v2"].get(name)):
            problems.append(f"{name} is neither its v1 nor its v2 bytes")
    return problems


def _phase(
    folder: Path, code: int, running: str, versions: Mapping[str, dict[str, bytes]]
) -> tuple[str, list[str]]:
    """Where the kill fell relative to the running export's commit, and what was wrong."""
    old, new = _OLD_NEW[running]
    if code == 0:
        ok = version(folder) == versions["v2"]
        return "finished", [] if ok else ["the uninterrupted child did not write v2"]
    if (folder / JOURNAL).exists():
        load_state(folder)  # readable while half-renamed: the journal lists the rest
        recover(folder)
        ok = version(folder) == versions[new]
        return "during commit", [] if ok else [f"the journal did not restore the whole {new}"]
    if version(folder) == versions[old]:
        return "before commit", []
    if version(folder) == versions[new]:
        return "after commit", []
    names = sorted(version(folder))
    return "broken", [f"killed in {running}: neither {old} nor {new} is complete: {names}"]


def _converge(folder: Path, plans: Plans, refs: References) -> list[str]:
    """Run the exports that had not finished; the result must be the uninterrupted v2."""
    problems = []
    now = version(folder)
    if now == refs.versions["v2"]:
        again = plans.export("v2", folder)
        if again.written:
            problems.append(f"re-exporting v2 over v2 rewrote {len(again.written)} files")
    else:
        if now != refs.versions["v1"]:
            plans.export("v1", folder)
        plans.export("v2", folder)
    if version(folder) != refs.versions["v2"]:
        problems.append("the next export did not converge on the uninterrupted v2")
    if leftovers(folder):
        problems.append(f"leftovers after the next export: {leftovers(folder)}")
    return problems


def _duration(plans: Plans, tmp: Path) -> float:
    """How long an uninterrupted child takes, the longest of two tries."""
    longest = 0.0
    for k in range(2):
        folder = tmp / f"measure-{k}" / "feeds"
        child = Child.fork(plans, folder)
        began = time.monotonic()
        child.start()
        code = child.wait()
        longest = max(longest, time.monotonic() - began)
        assert code == 0, child.read_notes()
        child.read_notes()
    return longest


def _syscall_profile(plans: Plans, tmp: Path) -> list[tuple[str, int]]:
    """Every disk-changing system call of an uninterrupted child: (name, its n-th call)."""
    folder = tmp / "profile" / "feeds"
    log = tmp / "profile.strace"
    child = Child.fork(plans, folder)
    tracer = _strace(child.pid, ["-o", str(log), "-e", f"trace={','.join(SYSCALLS)}"])
    child.start()
    assert child.wait() == 0, child.read_notes()
    child.read_notes()
    tracer.wait(timeout=30)
    seen: collections.Counter[str] = collections.Counter()
    calls = []
    for line in log.read_text().splitlines():
        match = re.match(r"([a-z0-9_]+)\(", line)
        if match and match.group(1) in SYSCALLS:
            seen[match.group(1)] += 1
            calls.append((match.group(1), seen[match.group(1)]))
    return calls


def _summary(outcomes: list[Outcome], profile: list[tuple[str, int]], seconds: float) -> str:
    lines = [
        f"fault runs: {len(outcomes)} (seed {SEED}, {'whole day' if WHOLE_DAY else 'six communes'})"
    ]
    for how in sorted({o.how.split()[0] for o in outcomes}):
        mine = [o for o in outcomes if o.how.split()[0] == how]
        counts = collections.Counter(f"{o.running} {o.phase}" for o in mine)
        shown = ", ".join(f"{k}: {n}" for k, n in sorted(counts.items()))
        lines.append(f"  killed {how}: {len(mine)} runs; {shown}")
    lines.append(f"  stray temporary files left by kills: {sum(o.strays for o in outcomes)}")
    lost = [p for o in outcomes for p in o.problems]
    lines.append(f"  problems (anything lost or torn): {len(lost)}")
    if profile:
        by_name = collections.Counter(name for name, _ in profile)
        lines.append(f"  disk calls of one run: {dict(sorted(by_name.items()))}")
    lines.append(f"  wall time of the loop: {seconds:.1f} s")
    return "\n".join(lines)


def test_exports_killed_at_random_moments_leave_a_complete_version_and_converge(
    plans: Plans, references: References, tmp_path: Path
) -> None:
    rng = random.Random(SEED)  # noqa: S311 - repeatable fault runs, not secrets
    duration = _duration(plans, tmp_path)
    profile = _syscall_profile(plans, tmp_path) if STRACE else []
    outcomes: list[Outcome] = []
    began = time.monotonic()
    for run in range(RUNS):
        folder = tmp_path / f"run-{run}" / "feeds"
        child = Child.fork(plans, folder)
        if profile and run % 2:
            name, nth = rng.choice(profile)
            how = f"at-syscall {name}#{nth}"
            tracer = _strace(
                child.pid,
                [
                    "-o",
                    os.devnull,
                    "-e",
                    f"trace={name}",
                    "-e",
                    f"inject={name}:signal=KILL:when={nth}",
                ],
            )
            child.start()
            code = child.wait()
            tracer.wait(timeout=30)
        else:
            delay = rng.uniform(0, duration)
            how = f"at-time {delay:.3f}s"
            child.start()
            time.sleep(delay)
            os.kill(child.pid, signal.SIGKILL)
            code = child.wait()
        outcome = inspect_and_converge(
            folder, code=code, notes=child.read_notes(), plans=plans, refs=references, how=how
        )
        outcomes.append(outcome)
        shutil.rmtree(folder.parent)
    summary = _summary(outcomes, profile, time.monotonic() - began)
    print(summary)  # noqa: T201 - the counts, for -s and for the report
    report = os.environ.get("NGAYHOI_FAULT_REPORT")
    if report:
        Path(report).write_text(
            json.dumps([attrs.asdict(o) for o in outcomes], ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
    problems = [p for o in outcomes for p in o.problems]
    assert not problems, summary + "\n" + "\n".join(problems[:20])
    assert any(o.phase != "finished" for o in outcomes), "no run was killed:\n" + summary


def test_recover_and_readers_leave_a_running_export_alone(
    plans: Plans, references: References, tmp_path: Path
) -> None:
    folder = tmp_path / "feeds"
    child = Child.fork(plans, folder)
    child.start()
    deadline = time.monotonic() + 120
    while not (folder / STAGING).exists():  # v1 is being staged, under the lock
        assert time.monotonic() < deadline, "the export did not start staging within 120 s"
        time.sleep(0.001)
    os.kill(child.pid, signal.SIGSTOP)
    try:
        staged = sorted(p.name for p in (folder / STAGING).iterdir())
        with pytest.raises(ngayhoi.ExportError, match=r"another export into .* is running"):
            recover(folder)
        with pytest.raises(ngayhoi.ExportError, match=r"it holds the lock .*\.ngayhoi\.lock"):
            read_version(folder)
        assert sorted(p.name for p in (folder / STAGING).iterdir()) == staged
    finally:
        os.kill(child.pid, signal.SIGCONT)
    assert child.wait() == 0, child.read_notes()
    child.read_notes()
    assert version(folder) == references.versions["v2"]
    assert leftovers(folder) == []


# -- exports racing for one folder, on the command line ----------------------------------

STAMPS = re.compile(rb"^(DTSTAMP|LAST-MODIFIED|CREATED)[:;].*\r\n", re.MULTILINE)


@attrs.frozen
class PlanFiles:
    """The six-commune plan before and after the re-plan as TOML, and what the CLI makes of them."""

    v1: Path
    v2: Path
    ref_v1: Path
    ref_v2: Path
    written_v2: int


def ngayhoi_cli(*argv: str | Path, env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
    """``ngayhoi ARGV`` in its own process, as a user runs it (``env`` added to the environment)."""
    return subprocess.Popen(  # noqa: S603 - the command line under test
        [sys.executable, "-m", "ngayhoi", *map(str, argv)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})},
    )


def _strace_export(plan: Path, folder: Path, output: str, *trace: str) -> list[str]:
    """``ngayhoi export`` of ``plan`` into ``folder`` under strace with ``trace`` options."""
    assert STRACE is not None
    return [STRACE, "-f", "-qq", "-o", output, *trace, sys.executable, "-m", "ngayhoi",
            "export", str(plan), "--out", str(folder), "--no-roles"]  # fmt: skip


def export_cli(plan: Path, folder: Path) -> subprocess.Popen[str]:
    return ngayhoi_cli("export", plan, "--out", folder, "--no-roles")


def finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out, err


@pytest.fixture(scope="module")
def plan_files(tmp_path_factory: pytest.TempPathFactory) -> PlanFiles:
    folder = tmp_path_factory.mktemp("plan-files")
    base = six_communes()
    v1, v2 = folder / "v1.toml", folder / "v2.toml"
    v1.write_text(io.dumps(base), encoding="utf-8")
    v2.write_text(io.dumps(replan.replan(base)), encoding="utf-8")
    ref_v1 = folder / "ref-v1"
    code, out, err = finish(export_cli(v1, ref_v1))
    assert code == 0, err
    ref_v2 = folder / "ref-v2"
    shutil.copytree(ref_v1, ref_v2)
    code, out, err = finish(export_cli(v2, ref_v2))
    assert code == 0, err
    written = re.search(r"\((\d+) written", out)
    assert written is not None, out
    return PlanFiles(v1=v1, v2=v2, ref_v1=ref_v1, ref_v2=ref_v2, written_v2=int(written.group(1)))


def without_stamps(folder: Path) -> dict[str, bytes]:
    """The feeds with their change times taken out (the command line stamps with the clock)."""
    return {
        name: STAMPS.sub(b"", blob)
        for name, blob in version(folder).items()
        if name.endswith(".ics")
    }


def incomplete(folder: Path) -> list[str]:
    """What keeps the folder from being one complete version: files and state must agree."""
    problems = [f"leftover {name}" for name in leftovers(folder)]
    state = load_state(folder)
    files = {name for name in version(folder) if name.endswith(".ics")}
    listed = {feed.filename for feed in state.feeds.values()}
    if files != listed:
        problems.append(f"feeds on disk {sorted(files ^ listed)} differ from the state's")
    for feed in state.feeds.values():
        path = folder / feed.filename
        if not path.exists():
            continue
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        events = {str(c["UID"]): c for c in cal.walk() if c.name in ("VEVENT", "VTODO")}
        if set(events) != set(feed.uids):
            problems.append(f"{feed.filename}: its UIDs are not the state's")
        for uid, comp in events.items():
            # An event that moved to another feed is cancelled in this one with its own revision.
            entry = state.withdrawn.get(feed.id, {}).get(uid) or state.entries.get(uid)
            if entry is None or int(comp.decoded("SEQUENCE")) != entry.revision.sequence:
                problems.append(f"{feed.filename}: {uid} has another SEQUENCE than the state")
            elif comp.decoded("DTSTAMP") != entry.revision.stamp:
                problems.append(f"{feed.filename}: {uid} has another DTSTAMP than the state")
    return problems


def assert_refused(code: int, out: str, err: str, folder: Path) -> None:
    """A refused export: exit 2, one line naming the folder and its lock, no traceback."""
    assert code == 2, (code, out, err)
    assert "Traceback" not in err
    assert err.startswith(f"ngayhoi export: another export into {folder} is running"), err
    assert f"it holds the lock {folder / LOCK}" in err, err
    assert err.count("\n") == 1, err


def test_two_command_line_exports_started_together_end_with_one_complete_version(
    plan_files: PlanFiles, tmp_path: Path
) -> None:
    outcomes: collections.Counter[str] = collections.Counter()
    for round_ in range(3):
        folder = tmp_path / f"round-{round_}" / "lich"
        for plan, reference in (
            (plan_files.v1, plan_files.ref_v1),
            (plan_files.v2, plan_files.ref_v2),
        ):
            racers = [export_cli(plan, folder), export_cli(plan, folder)]
            results = [finish(p) for p in racers]
            for code, out, err in results:
                if code == 0:
                    assert "calendars in" in out, out
                    assert not err, err
                    outcomes["done"] += 1
                else:
                    assert_refused(code, out, err, folder)
                    outcomes["refused"] += 1
            assert any(code == 0 for code, _, _ in results), results
            assert incomplete(folder) == []
            assert without_stamps(folder) == without_stamps(reference)
    print(f"two exports at once, 6 pairs: {dict(outcomes)}")  # noqa: T201 - for -s


def _wait_for(path: Path, proc: subprocess.Popen[str]) -> None:
    """Wait until ``path`` exists while ``proc`` runs (an export has taken its lock and staged)."""
    deadline = time.monotonic() + 120
    while not path.exists():
        if proc.poll() is not None:
            pytest.fail(f"the export ended before {path.name} appeared: {proc.communicate()}")
        if time.monotonic() > deadline:
            pytest.fail(f"{path} did not appear within 120 s")
        time.sleep(0.001)


def test_an_export_holding_the_lock_makes_the_next_one_refused_by_name(
    plan_files: PlanFiles, tmp_path: Path
) -> None:
    folder = tmp_path / "lich"
    shutil.copytree(plan_files.ref_v1, folder)
    before = version(folder)
    first = export_cli(plan_files.v2, folder)
    _wait_for(folder / STAGING, first)
    os.kill(first.pid, signal.SIGSTOP)  # frozen half-way, holding the lock
    try:
        code, out, err = finish(export_cli(plan_files.v2, folder))
        assert_refused(code, out, err, folder)
        assert version(folder) == before  # the frozen export has not committed anything
    finally:
        os.kill(first.pid, signal.SIGCONT)
    code, out, err = finish(first)
    assert code == 0, err
    assert incomplete(folder) == []
    assert without_stamps(folder) == without_stamps(plan_files.ref_v2)


def _renames(plan_files: PlanFiles, tmp_path: Path) -> int:
    """How many renames an uninterrupted command-line v2 export over v1 makes."""
    assert STRACE is not None
    folder = tmp_path / "count" / "lich"
    shutil.copytree(plan_files.ref_v1, folder)
    log = tmp_path / "renames.strace"
    proc = subprocess.run(  # noqa: S603 - strace on the command line under test
        _strace_export(plan_files.v2, folder, str(log), "-e", "trace=rename"),
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert proc.returncode == 0, proc.stderr
    return sum(1 for line in log.read_text().splitlines() if "rename(" in line)


@pytest.mark.parametrize("when", ["while staging", "while committing"])
def test_after_a_killed_command_line_export_the_next_two_finish_the_job(
    plan_files: PlanFiles, tmp_path: Path, when: str
) -> None:
    folder = tmp_path / "lich"
    shutil.copytree(plan_files.ref_v1, folder)
    before = version(folder)
    if when == "while staging":
        victim = export_cli(plan_files.v2, folder)
        _wait_for(folder / STAGING, victim)
        victim.kill()
        code, _, _ = finish(victim)
        assert version(folder) == before  # killed before its journal: v1, untouched
    else:
        if STRACE is None:
            pytest.skip("strace is not installed: cannot kill at a chosen rename")
        # Staged files + the journal are renamed first, then each staged file into
        # place: three renames before the end is inside the commit.
        nth = _renames(plan_files, tmp_path) - 3
        assert nth > plan_files.written_v2 + 2
        victim = subprocess.Popen(  # noqa: S603 - strace kills the command line under test
            _strace_export(
                plan_files.v2,
                folder,
                os.devnull,
                *("-e", "trace=rename", "-e", f"inject=rename:signal=KILL:when={nth}"),
            ),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )
        code, _, _ = finish(victim)
        assert (folder / JOURNAL).exists(), "killed inside the commit, the journal is there"
        # A reader that takes the folder as one version finishes the commit first.
        state, files = read_version(folder)
        assert incomplete(folder) == []
        assert set(files) == {f.filename for f in state.feeds.values()}
    assert code in (-signal.SIGKILL, 128 + signal.SIGKILL), code
    runs = [finish(export_cli(plan_files.v2, folder)) for _ in range(2)]
    for code, _out, err in runs:
        assert code == 0, err
        assert not err, err
    assert "written; since the last export:" in runs[0][1]
    # The second run finds the plan it exported: reused, no search (issue 12).
    assert runs[1][1].endswith(
        "(0 written; since the last export: no changes; "
        "plan unchanged: the exported schedule reused, no search)\n"
    ), runs[1][1]
    assert incomplete(folder) == []
    assert without_stamps(folder) == without_stamps(plan_files.ref_v2)


# -- a CalDAV server that stops part-way through a publish -------------------------------

#: The feeds that go to the server: three communes (one rained on, Tân Ân with its
#: cancelled forum) and both delegations (a visit moves from one to the other).
DAV_FEEDS = (
    "commune-long-son",
    "commune-my-le",
    "commune-tan-an",
    "delegation-doan-1",
    "delegation-doan-2",
)
ANSWERS = re.compile(rb"\b(?:PUT|DELETE) response status")
FAILED = re.compile(
    r"^ngayhoi publish: CalDAV server (?P<url>\S+) failed while publishing calendar "
    r"'(?P<calendar>[^']+)': (?P<reason>[^;]+); (?:nothing was uploaded; publish again|"
    r"(?P<uploaded>\d+) objects? (?:was|were) uploaded before the failure"
    r"(?: \(and (?P<removed>\d+) removed\))?; what was uploaded stays, publish again "
    r"to complete it)"
)


def _feed_args() -> list[str]:
    return ["--feeds", *DAV_FEEDS]


def _answers(log: Path, offset: int) -> int:
    """How many PUT and DELETE requests the server answered since ``offset`` of its log."""
    with log.open("rb") as handle:
        handle.seek(offset)
        return len(ANSWERS.findall(handle.read()))


@pytest.fixture(scope="module")
def published_v1(references: References, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Radicale storage that holds v1, published whole (copied for each test)."""
    from ngayhoi.publish.caldav import config_from_env, publish  # noqa: PLC0415

    server = Radicale(tmp_path_factory.mktemp("dav-v1"))
    server.start()
    try:
        report = publish(references.v1, config_from_env(server.env), feeds=DAV_FEEDS)
        assert sum(report.uploaded.values()) > 50
    finally:
        server.stop()
    return server.storage


def _server_state(server: Radicale) -> dict[str, list[icalendar.Component]]:
    """Every component the server holds, per calendar, one list entry per stored object."""
    caldav = pytest.importorskip("caldav", reason="the caldav extra is a test dependency")
    client = caldav.DAVClient(
        url=server.url, username=server.USER, password=server.PASSWORD, require_tls=False
    )
    out: dict[str, list[icalendar.Component]] = {}
    for calendar in client.principal().calendars():
        cal_id = str(calendar.url).rstrip("/").rsplit("/", 1)[-1]
        items = out.setdefault(cal_id, [])
        for obj in [*calendar.events(), *calendar.todos()]:
            parsed = icalendar.Calendar.from_ical(obj.data)
            comps = [c for c in parsed.walk() if c.name in ("VEVENT", "VTODO")]
            assert len(comps) == 1, f"{cal_id}: an object with {len(comps)} components"
            items.append(comps[0])
    return out


_COMPARED = ("SEQUENCE", "DTSTAMP", "DTSTART", "DTEND", "DUE", "STATUS", "SUMMARY", "LOCATION")


def assert_server_holds(server: Radicale, folder: Path) -> int:
    """The server holds exactly the folder's feeds: one object per UID, same content."""
    held = _server_state(server)
    checked = 0
    for path in sorted(folder.glob("*.ics")):
        cal_id = path.stem
        if cal_id not in DAV_FEEDS:
            continue
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        ours = {str(c["UID"]): c for c in cal.walk() if c.name in ("VEVENT", "VTODO")}
        uids = [str(c["UID"]) for c in held[cal_id]]
        dupes = sorted(u for u, n in collections.Counter(uids).items() if n > 1)
        assert not dupes, f"{cal_id}: duplicated UIDs {dupes}"
        assert set(uids) == set(ours), f"{cal_id}: {sorted(set(uids) ^ set(ours))}"
        for comp in held[cal_id]:
            mine = ours[str(comp["UID"])]
            for prop in _COMPARED:
                assert comp.get(prop) == mine.get(prop) or (
                    prop in mine and comp.decoded(prop) == mine.decoded(prop)
                ), (cal_id, str(comp["UID"]), prop)
            checked += 1
        stored = list((server.storage / "collection-root" / server.USER / cal_id).glob("*.ics"))
        assert len(stored) == len(ours), f"{cal_id}: {len(stored)} files for {len(ours)} UIDs"
    return checked


@pytest.mark.parametrize("stop_after", [1, 8, 16])
def test_a_server_stopped_mid_publish_is_reported_and_the_next_publish_repairs_it(
    references: References, published_v1: Path, tmp_path: Path, stop_after: int
) -> None:
    server = Radicale(tmp_path, level="info")
    shutil.copytree(published_v1, server.storage)
    server.start()
    try:
        offset = server.log.stat().st_size
        env = {**server.env, "NGAYHOI_CALDAV_TIMEOUT": "30"}
        proc = ngayhoi_cli("publish", references.v2, *_feed_args(), env=env)
        # Watch the server's own log; terminate it once it has answered stop_after writes.
        while _answers(server.log, offset) < stop_after:
            if proc.poll() is not None:
                pytest.fail(f"the publish ended before {stop_after} writes: {proc.communicate()}")
            time.sleep(0.001)
        server.stop()
        answered = _answers(server.log, offset)
        code, out, err = finish(proc)
        assert code == 2, (code, out, err)
        assert "Traceback" not in err
        print(f"stopped after {answered} writes: {err}")  # noqa: T201 - for -s
        failed = FAILED.match(err)
        assert failed is not None, err
        assert failed["url"] == server.url
        assert failed["calendar"] is not None
        written = int(failed["uploaded"] or 0) + int(failed["removed"] or 0)
        assert stop_after - 1 <= written <= answered, (err, answered)
        assert err.count("\n") == 1, err
        # Standard output says what reached the server before it failed, calendar by calendar.
        lines = out.splitlines()
        done = [re.fullmatch(r"([a-z0-9-]+): (\d+) uploaded, .*", line) for line in lines]
        assert all(done), out
        assert sum(int(m[2]) for m in done if m) <= int(failed["uploaded"] or 0), (out, err)
        # The server comes back on the same storage; publishing again repairs everything.
        server.start()
        code, out, err = finish(ngayhoi_cli("publish", references.v2, *_feed_args(), env=env))
        assert code == 0, err
        assert "uploaded" in out
        assert assert_server_holds(server, references.v2) > 50
    finally:
        server.stop()


def test_a_frozen_server_fails_the_publish_after_the_timeout_and_the_next_one_repairs(
    references: References, published_v1: Path, tmp_path: Path
) -> None:
    from ngayhoi.publish.caldav import PublishError, PublishReport, config_from_env, publish  # noqa: PLC0415

    server = Radicale(tmp_path, level="info")
    shutil.copytree(published_v1, server.storage)
    server.start()
    assert server.proc is not None
    config = attrs.evolve(config_from_env(server.env), timeout=2)
    outcome: list[BaseException | PublishReport] = []

    def run() -> None:
        try:
            outcome.append(publish(references.v2, config, feeds=DAV_FEEDS))
        except Exception as err:  # noqa: BLE001 - kept for the assertions below
            outcome.append(err)

    try:
        offset = server.log.stat().st_size
        publisher = threading.Thread(target=run, daemon=True)
        publisher.start()
        while _answers(server.log, offset) < 5:
            if not publisher.is_alive():
                pytest.fail(f"the publish ended before 5 writes: {outcome}")
            time.sleep(0.001)
        os.kill(server.proc.pid, signal.SIGSTOP)  # alive, listening, never answering
        try:
            publisher.join(timeout=600)
            assert not publisher.is_alive(), "the publish hangs on a frozen server"
        finally:
            os.kill(server.proc.pid, signal.SIGCONT)
        (err,) = outcome
        assert isinstance(err, PublishError), err
        assert err.url == server.url
        assert err.calendar in DAV_FEEDS
        assert "timed out" in err.reason.lower() or "timeout" in err.reason.lower(), err.reason
        assert err.report is not None
        assert err.uploaded == sum(err.report.uploaded.values()) >= 4
        publish(references.v2, config, feeds=DAV_FEEDS)
        assert_server_holds(server, references.v2)
        again = publish(references.v2, config, feeds=DAV_FEEDS)
        assert sum(again.uploaded.values()) == 0
    finally:
        server.stop()
