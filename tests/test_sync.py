"""Synchronised calendars: re-plans update subscribers in place, checked with real clients."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import filelock
import icalendar
import pytest

import ngayhoi
import ngayhoi.files
from ngayhoi.errors import ExportError
from ngayhoi.export import STATE_FILE, export_calendars, load_state
from ngayhoi.export.feeds import _safe_name
from ngayhoi.files import LOCK_NAME
from ngayhoi.scheduling import Schedule, schedule_heuristic

from conftest import ROOT, load_example

V1 = dt.datetime(2023, 8, 1, 8, 0, tzinfo=dt.UTC)
V2 = dt.datetime(2023, 8, 5, 20, 0, tzinfo=dt.UTC)
replan = load_example("replan")


def _schedules() -> tuple[Schedule, Schedule]:
    base = replan._base()  # noqa: SLF001 - the example's own plan
    first = schedule_heuristic(base, seed=0, max_passes=3, time_limit=600)
    second = schedule_heuristic(
        replan.replan(base), seed=0, max_passes=3, time_limit=600, previous=first
    )
    return first.unwrap(), second.unwrap()


@pytest.fixture(scope="module")
def plans() -> tuple[Schedule, Schedule]:
    return _schedules()


@pytest.fixture(scope="module")
def exported(
    plans: tuple[Schedule, Schedule], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path, ngayhoi.export.ExportReport]:
    """v1 exported into a folder (copied aside), then v2 into the same folder."""
    first, second = plans
    live = tmp_path_factory.mktemp("feeds")
    export_calendars(first, live, now=V1, commune_roles=True)
    snapshot = tmp_path_factory.mktemp("v1") / "feeds"
    shutil.copytree(live, snapshot)
    report = export_calendars(second, live, now=V2)
    return snapshot, live, report


def _blocks(path: Path) -> dict[str, bytes]:
    """Each VEVENT/VTODO of a file, as its exact bytes, by UID."""
    data = path.read_bytes()
    out = {}
    for match in re.finditer(rb"BEGIN:(VEVENT|VTODO)\r\n.*?END:\1\r\n", data, re.DOTALL):
        block = match.group(0)
        uid = re.search(rb"\r\nUID:(.*?)\r\n", block.replace(b"\r\n ", b""))
        assert uid is not None
        out[uid.group(1).decode()] = block
    return out


def _events(path: Path) -> dict[str, Any]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_only_changed_events_get_a_higher_sequence_and_a_new_stamp(
    exported: tuple[Path, Path, ngayhoi.export.ExportReport],
) -> None:
    v1, v2, report = exported
    before, after = _events(v1 / "master.ics"), _events(v2 / "master.ics")
    changed = {c.uid for c in report.diff.changes}
    assert changed, "the re-plan changes something"
    for uid, event in after.items():
        if uid not in before:
            assert int(event.decoded("SEQUENCE")) == 0
            continue
        old_seq = int(before[uid].decoded("SEQUENCE"))
        if uid in changed:
            assert int(event.decoded("SEQUENCE")) == old_seq + 1, uid
            assert event.decoded("DTSTAMP") == V2
            assert event.decoded("LAST-MODIFIED") == V2
        else:
            assert int(event.decoded("SEQUENCE")) == old_seq, uid
            assert event.decoded("DTSTAMP") == V1


def test_unchanged_events_are_byte_identical_in_every_feed(
    exported: tuple[Path, Path, ngayhoi.export.ExportReport],
) -> None:
    v1, v2, report = exported
    changed = {c.uid for c in report.diff.changes}
    compared = 0
    for path in sorted(v1.glob("*.ics")):
        old, new = _blocks(path), _blocks(v2 / path.name)
        for uid, block in old.items():
            if uid not in changed:
                assert new[uid] == block, (path.name, uid)
                compared += 1
    assert compared > 1000


def test_the_cancelled_forum_stays_cancelled_with_sequence_plus_one(
    exported: tuple[Path, Path, ngayhoi.export.ExportReport],
) -> None:
    v1, v2, report = exported
    uid = f"can-duoc-2023.{replan.FORUM_CANCELLED}@ngayhoi.vn"
    for feed in ("master.ics", "commune-tan-an.ics", "role-mttq-xa.ics"):
        event = _events(v2 / feed)[uid]
        assert str(event["STATUS"]) == "CANCELLED"
        assert str(event["SUMMARY"]).startswith("[HỦY] ")
        assert (
            int(event.decoded("SEQUENCE")) == int(_events(v1 / feed)[uid].decoded("SEQUENCE")) + 1
        )
    assert [c.kind for c in report.diff.changes if c.uid == uid] == ["cancelled"]


def test_a_visit_has_one_uid_in_the_commune_and_the_delegation_feed(
    exported: tuple[Path, Path, ngayhoi.export.ExportReport],
) -> None:
    _, v2, _ = exported
    visits = moved = 0
    for path in v2.glob("delegation-*.ics"):
        for uid, block in _blocks(path).items():
            item = uid.split("@")[0].split(".")[-1]
            if item not in {"tuyen-bo-ly-do", "bao-cao", "dien-dan", "trao-thuong"}:
                continue
            unit = uid.split(".")[1]
            commune = _blocks(v2 / f"commune-{unit}.ics")[uid]
            if b"STATUS:CANCELLED" in block and b"STATUS:CANCELLED" not in commune:
                # A visit handed to another delegation stays in the old feed, cancelled
                # there only, saying where it went (issue 12: feeds never lie).
                assert "Đã chuyển sang lịch".encode() in block.replace(b"\r\n ", b"")
                moved += 1
                continue
            assert commune == block
            visits += item == "trao-thuong"
    # Six visited communes; each delegation event of the formal part is the commune's own.
    assert visits == 6
    assert moved >= 1


def test_the_17_parades_share_one_start_in_every_feed(
    exported: tuple[Path, Path, ngayhoi.export.ExportReport],
) -> None:
    _, v2, _ = exported
    starts = set()
    seen = 0
    for path in v2.glob("*.ics"):
        for uid, event in _events(path).items():
            if uid.endswith(".dieu-hanh@ngayhoi.vn"):
                starts.add(event.decoded("DTSTART"))
                seen += 1
                assert "Đồng loạt: Diễu hành" in str(event["DESCRIPTION"])
    assert len(starts) == 1
    assert seen >= 17 * 2  # the master and each commune, plus role feeds


def test_every_feed_passes_all_six_checkers_before_and_after(
    exported: tuple[Path, Path, ngayhoi.export.ExportReport],
    ics_check: Callable[[Path], subprocess.CompletedProcess[str]],
) -> None:
    v1, v2, report = exported
    # A role feed per commune holds the same event bytes as the commune feed
    # (test_a_commune_role_feed_is_its_communes_bytes checks that for every one);
    # here the checkers read one commune's role feeds, not 17 × 11 copies.
    per_commune = {f.filename for f in report.feeds if f.kind == "commune-role"}
    files = sorted(
        path
        for path in [*v1.glob("*.ics"), *v2.glob("*.ics")]
        if path.name not in per_commune or path.name.endswith(".tan-an.ics")
    )
    assert len(files) >= 60
    assert any(path.name.endswith(".tan-an.ics") for path in files)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(ics_check, files))
    for path, result in zip(files, results, strict=True):
        assert "6 passed, 0 failed" in result.stdout, f"{path}:\n{result.stdout}"


def test_a_commune_role_feed_is_its_communes_bytes(
    exported: tuple[Path, Path, ngayhoi.export.ExportReport],
) -> None:
    """Each role-<role>.<unit> feed: the commune feed's head, zone and event blocks, a subset."""
    _, v2, report = exported
    per_commune = [f for f in report.feeds if f.kind == "commune-role"]
    assert len(per_commune) >= 17 * 5
    for feed in per_commune:
        unit = feed.id.rsplit(".", 1)[1]
        data = (v2 / feed.filename).read_bytes()
        commune = (v2 / f"commune-{unit}.ics").read_bytes()
        blocks = re.findall(rb"BEGIN:(?:VEVENT|VTODO).*?END:(?:VEVENT|VTODO)\r\n", data, re.DOTALL)
        assert len(blocks) == len(feed.uids) > 0
        assert all(block in commune for block in blocks), feed.id
        zone = re.search(rb"BEGIN:VTIMEZONE.*?END:VTIMEZONE\r\n", data, re.DOTALL)
        assert zone is not None
        assert zone.group() in commune
        name = data.replace(b"\r\n ", b"").decode().split("X-WR-CALNAME:")[1].split("\r\n")[0]
        assert name == feed.name
        if feed.label is not None:  # None: a feed kept from the old state
            assert name == _safe_name(f"{feed.label} – Ngày hội 2023")


def test_the_diff_says_what_changed_for_whom(
    exported: tuple[Path, Path, ngayhoi.export.ExportReport],
) -> None:
    _, _, report = exported
    diff = report.diff
    text = diff.text()
    summary, details = text.split("\nChi tiết:\n")
    assert summary.startswith(f"Tóm tắt: {len(diff.changes)} thay đổi (")
    assert "\n  Xã Tân Ân: " in summary
    assert "1 hủy" in next(line for line in summary.splitlines() if "Xã Tân Ân:" in line)
    assert "Hủy: Diễn đàn “Công an xã lắng nghe ý kiến của Nhân dân” – Tân Ân" in details
    for unit in replan.RAINED_ON:
        changes = diff.for_feed(f"commune-{unit}")
        games = [c for c in changes if c.uid.endswith(".tro-choi@ngayhoi.vn")]
        assert [c.kind for c in games] == ["moved"]
        assert "Hội trường UBND xã" in games[0].describe()
    swapped = [c for c in diff.changes if c.uid == f"can-duoc-2023.{replan.SWAPPED[0]}@ngayhoi.vn"]
    assert swapped
    assert swapped[0].after is not None
    assert swapped[0].after.resources == ("Đoàn 1 BCĐ 138 huyện",)
    assert "delegation-doan-1" in swapped[0].feeds
    data = diff.to_json()
    assert data["counts"] == diff.counts()
    by_feed = data["by_feed"]
    assert isinstance(by_feed, dict)
    assert "commune-tan-an" in by_feed


def test_a_second_export_of_the_same_plan_changes_nothing(
    plans: tuple[Schedule, Schedule], tmp_path: Path
) -> None:
    first, _ = plans
    export_calendars(first, tmp_path, now=V1)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    report = export_calendars(first, tmp_path, now=V2)
    assert report.written == []
    assert not report.diff
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert {k: v for k, v in after.items() if k != STATE_FILE} == {
        k: v for k, v in before.items() if k != STATE_FILE
    }


def _folder_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.name: p.read_bytes()
        for p in folder.iterdir()
        if p.is_file() and p.name != ".ngayhoi.lock"
    }


@pytest.mark.parametrize("step", [1, 5, 17, 33, 34, 35])
def test_an_export_killed_at_any_step_leaves_a_complete_version(
    plans: tuple[Schedule, Schedule],
    exported: tuple[Path, Path, ngayhoi.export.ExportReport],
    tmp_path: Path,
    step: int,
) -> None:
    v1, v2_reference, _ = exported
    folder = tmp_path / "feeds"
    shutil.copytree(v1, folder)
    helper = ROOT / "tests" / "helpers" / "export_and_die.py"
    done = subprocess.run(  # noqa: S603 - our own helper
        [sys.executable, str(helper), str(folder), str(step), V2.isoformat()],
        capture_output=True,
        text=True,
        check=False,
    )
    killed = done.returncode == -9
    journal = (folder / ".ngayhoi-journal.json").exists()
    visible = _folder_bytes(folder)
    if killed and not journal:
        # Killed before the new version was complete: the old one is untouched.
        assert visible == _folder_bytes(v1)
    # The next export converges on exactly what an uninterrupted one writes.
    export_calendars(plans[1], folder, now=V2)
    assert _folder_bytes(folder) == _folder_bytes(v2_reference)
    assert not (folder / ".ngayhoi-staging").exists()


def test_two_exports_into_one_folder_at_once_are_refused(
    plans: tuple[Schedule, Schedule], tmp_path: Path
) -> None:
    tmp_path.mkdir(exist_ok=True)
    with (tmp_path / ".ngayhoi.lock").open("a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        with pytest.raises(ExportError, match=r"another export into .* is running"):
            export_calendars(plans[0], tmp_path, now=V1)
    assert not list(tmp_path.glob("*.ics"))


def test_the_lock_excludes_a_lock_taken_through_filelock_and_back(tmp_path: Path) -> None:
    # An older ngayhoi took the folder's lock through the filelock package.
    held = filelock.FileLock(tmp_path / LOCK_NAME, timeout=0)
    with held, pytest.raises(ExportError, match=r"another export into .* is running"):
        ngayhoi.files.folder_lock(tmp_path).__enter__()
    with ngayhoi.files.folder_lock(tmp_path), pytest.raises(filelock.Timeout):
        held.acquire()
    held.acquire()  # released with the folder's lock
    held.release()


def test_without_flock_the_lock_comes_from_filelock_and_still_excludes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ngayhoi.files, "_flock", lambda _fd: "none")
    with ngayhoi.files.folder_lock(tmp_path):
        with pytest.raises(filelock.Timeout):
            filelock.FileLock(tmp_path / LOCK_NAME, timeout=0).acquire()
        with pytest.raises(ExportError, match=r"another export into .* is running"):
            ngayhoi.files.folder_lock(tmp_path).__enter__()
    with ngayhoi.files.folder_lock(tmp_path):  # released
        pass


def test_a_folder_of_another_festival_is_refused(tmp_path: Path) -> None:
    export_calendars(ngayhoi.schedule(ngayhoi.samples.tiny_festival()), tmp_path, now=V1)
    other = ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation())
    with pytest.raises(ExportError, match="holds the calendars of festival 'tiny'"):
        export_calendars(other, tmp_path, now=V2)
    assert load_state(tmp_path).festival == "tiny"


def test_tasks_as_todos_and_view_scoped_uids_pass_the_checkers(
    tmp_path: Path, ics_check: Callable[[Path], subprocess.CompletedProcess[str]]
) -> None:
    example = load_example("can_duoc_2023")
    sched = schedule_heuristic(example.build(), seed=0, max_passes=2, time_limit=600)
    export_calendars(sched, tmp_path, now=V1, tasks="todo", uid_scope="view")
    commune = tmp_path / "commune-long-hoa.ics"
    cal = icalendar.Calendar.from_ical(commune.read_bytes())
    todos = list(cal.walk("VTODO"))
    assert len(todos) == 9
    assert all(str(t["STATUS"]) == "NEEDS-ACTION" for t in todos)
    uid = "can-duoc-2023.long-hoa.trao-thuong.commune-long-hoa@ngayhoi.vn"
    event = _events(commune)[uid]
    assert str(event["RELATED-TO"]) == "can-duoc-2023.long-hoa.trao-thuong@ngayhoi.vn"
    for path in (commune, tmp_path / "delegation-doan-1.ics", tmp_path / "role-cong-an-xa.ics"):
        assert "6 passed, 0 failed" in ics_check(path).stdout


# -- real clients --------------------------------------------------------------


def _khal() -> str:
    found = shutil.which("khal") or str(Path(sys.executable).with_name("khal"))
    if not Path(found).exists():
        pytest.fail("khal is not installed: it is a test dependency (pip install -e '.[test]')")
    return found


def test_khal_imports_v1_then_v2_and_keeps_one_copy_of_each_event(
    exported: tuple[Path, Path, ngayhoi.export.ExportReport], tmp_path: Path
) -> None:
    v1, v2, _ = exported
    khal = _khal()
    store = tmp_path / "cal"
    store.mkdir()
    config = tmp_path / "config"
    config.write_text(
        "[calendars]\n[[ngayhoi]]\n"
        f"path = {store}/\ntype = calendar\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\n"
        "longdateformat = %Y-%m-%d\ndatetimeformat = %Y-%m-%d %H:%M\n"
        "longdatetimeformat = %Y-%m-%d %H:%M\n"
        "local_timezone = Asia/Ho_Chi_Minh\ndefault_timezone = Asia/Ho_Chi_Minh\n"
        f"[sqlite]\npath = {tmp_path}/khal.db\n",
        encoding="utf-8",
    )
    env = {**os.environ, "TZ": "Asia/Ho_Chi_Minh"}
    for version in (v1, v2):
        done = subprocess.run(  # noqa: S603 - khal, a real client
            [
                khal,
                "-c",
                str(config),
                "import",
                "--batch",
                "-a",
                "ngayhoi",
                str(version / "master.ics"),
            ],
            capture_output=True,
            text=True,
            check=False,
            env=env,
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode == 0, done.stderr
    uids = set(_events(v2 / "master.ics"))
    stored = list(store.glob("*.ics"))
    assert len(stored) == len(uids)
    listing = subprocess.run(  # noqa: S603
        [
            khal,
            "-c",
            str(config),
            "list",
            "--format",
            "{start-time} {status}{title}",
            "2023-08-06",
            "1d",
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        stdin=subprocess.DEVNULL,
    ).stdout
    assert "CANCELLED [HỦY] Diễn đàn" in listing
    # Calendar titles follow templates/terms.py: the games end the day with the prizes.
    games = "Trò chơi dân gian; trao giải, bế mạc Ngày hội – Long Sơn"
    assert f"10:12 CONFIRMED {games}" in listing
    assert f"09:42 CONFIRMED {games}" not in listing


def test_radicale_receives_v1_then_v2_with_one_object_per_uid(
    exported: tuple[Path, Path, ngayhoi.export.ExportReport],
    radicale: tuple[str, dict[str, str]],
) -> None:
    caldav = pytest.importorskip("caldav", reason="the caldav extra is a test dependency")
    from ngayhoi.publish.caldav import config_from_env, publish  # noqa: PLC0415

    v1, v2, report = exported
    url, env = radicale
    config = config_from_env(env)
    chosen = ["master", "commune-tan-an", "commune-long-son", "delegation-doan-1"]
    first = publish(v1, config, feeds=chosen)
    assert sorted(first.created) == sorted(chosen)
    second = publish(v2, config, feeds=chosen)
    assert second.created == ()
    assert second.unknown == {}
    moved = {
        u
        for c in report.diff.changes
        if "delegation-doan-1" in c.feeds and c.after is not None
        for u in [c.uid]
        if u not in _events(v2 / "delegation-doan-1.ics")
    }
    assert set(second.moved_out.get("delegation-doan-1", ())) == moved
    changed = {c.uid for c in report.diff.changes}
    client = caldav.DAVClient(
        url=url, username="btc", password=env["NGAYHOI_CALDAV_PASSWORD"], require_tls=False
    )
    calendars = {
        str(c.url).rstrip("/").rsplit("/", 1)[-1]: c for c in client.principal().calendars()
    }
    for feed in chosen:
        ours = _events(v2 / f"{feed}.ics")
        objects = list(calendars[feed].events())
        assert len(objects) == len(ours), feed
        for obj in objects:
            event = icalendar.Calendar.from_ical(obj.data).walk("VEVENT")[0]
            uid = str(event["UID"])
            assert int(event.decoded("SEQUENCE")) == int(ours[uid].decoded("SEQUENCE"))
            assert event.decoded("DTSTART") == ours[uid].decoded("DTSTART")
        in_feed = [u for u in ours if u in changed]
        assert second.uploaded[feed] == len(in_feed)
        assert second.unchanged[feed] == len(ours) - len(in_feed)
    # A third publish of the same files changes nothing on the server.
    third = publish(v2, config, feeds=chosen)
    assert sum(third.uploaded.values()) == 0


def test_a_config_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    from ngayhoi.publish.caldav import config_from_env  # noqa: PLC0415

    path = tmp_path / "caldav.toml"
    path.write_text('[caldav]\nurl = "https://dav.example.vn/"\npassword = "x"\n', encoding="utf-8")
    path.chmod(0o644)
    with pytest.raises(ngayhoi.PlanError, match="chmod 600"):
        config_from_env({}, path=path)
    path.chmod(0o600)
    assert config_from_env({}, path=path).url == "https://dav.example.vn/"
