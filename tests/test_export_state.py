"""The export folder remembers (issue 12 part 2) and its state is read through one checked reader
(issue 16): reuse without a search, re-plan against the last export, --fresh, and a damaged
state or journal refused by name with exit 2 from export, diff and publish."""

from __future__ import annotations

import io as stdio
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import orjson
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ngayhoi
from ngayhoi import io
from ngayhoi.cli import main
from ngayhoi.errors import ExportStateError
from ngayhoi.export.state import JOURNAL_FILE, STATE_FILE, load_state
from ngayhoi.folder import export_plan, plan_for_folder
from ngayhoi.samples import two_communes_one_delegation

ROOT = Path(__file__).resolve().parent.parent
STAMP = "1690000000"  # SOURCE_DATE_EPOCH: the same bytes on every run


def run(*argv: str) -> tuple[int, str, str]:
    out, err = stdio.StringIO(), stdio.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def feeds_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.ics"))}


@pytest.fixture(scope="module")
def exported() -> Iterator[tuple[Path, Path]]:
    """A small plan file and a folder exported from it once (copied per test)."""
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", STAMP)
        base = Path(tmp)
        plan = base / "plan.toml"
        io.save(two_communes_one_delegation(), plan)
        folder = base / "lich"
        code, _, err = run("export", str(plan), "--out", str(folder))
        assert code == 0, err
        yield plan, folder


@pytest.fixture
def folder(exported: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", STAMP)
    target = tmp_path / "lich"
    shutil.copytree(exported[1], target)
    return target


# -- the folder remembers ---------------------------------------------------------------


def test_an_unchanged_plan_reuses_the_exported_schedule_and_writes_nothing(
    exported: tuple[Path, Path], folder: Path
) -> None:
    plan, _ = exported
    state_before = (folder / STATE_FILE).read_bytes()
    mtimes = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    code, out, err = run("export", str(plan), "--out", str(folder))
    assert code == 0, err
    assert "(0 written; since the last export: no changes; plan unchanged" in out
    assert "no search" in out
    assert (folder / STATE_FILE).read_bytes() == state_before
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == mtimes


def test_reuse_does_not_search_at_all(folder: Path) -> None:
    fest = two_communes_one_delegation()
    planned = plan_for_folder(fest, folder)
    assert planned.how == "reused"
    # The stored schedule, read back: the solver's running time is not even kept.
    assert planned.schedule.seconds == 0.0
    assert planned.schedule == ngayhoi.schedule(fest)


def test_the_plan_listed_in_another_order_is_still_the_same_plan(folder: Path) -> None:
    fest = two_communes_one_delegation()
    shuffled = attrs.evolve(
        fest, units=fest.units[::-1], sites=fest.sites[::-1], resources=fest.resources[::-1]
    )
    assert plan_for_folder(shuffled, folder).how == "reused"


@pytest.mark.parametrize(
    "option", [("--seed", "1"), ("--budget", "50"), ("--backend", "heuristic")]
)
def test_another_seed_budget_or_backend_is_a_re_plan_not_a_reuse(
    exported: tuple[Path, Path], folder: Path, option: tuple[str, str]
) -> None:
    code, out, err = run("export", str(exported[0]), "--out", str(folder), *option)
    assert code == 0, err
    assert "re-planned against the last export" in out


def _longer(fest: ngayhoi.Festival, activity: str, minutes: int) -> ngayhoi.Festival:
    return attrs.evolve(
        fest,
        activities=[
            attrs.evolve(a, duration=a.duration + pendulum.duration(minutes=minutes))
            if a.id == activity
            else a
            for a in fest.activities
        ],
    )


def test_an_edited_plan_is_re_planned_against_the_export_and_says_what_the_edit_moved(
    folder: Path, tmp_path: Path
) -> None:
    edited = tmp_path / "edited.toml"
    io.save(_longer(two_communes_one_delegation(), "a.trao-thuong", 10), edited)
    code, out, err = run("export", str(edited), "--out", str(folder))
    assert code == 0, err
    assert "re-planned against the last export: the edit moved 3 events" in out
    assert "since the last export: 3 moved" in out
    # Exported again: now that plan is the folder's, and it is reused.
    code, out, _ = run("export", str(edited), "--out", str(folder))
    assert "plan unchanged" in out


def test_the_library_re_plans_against_the_export_with_previous() -> None:
    folder = Path(tempfile.mkdtemp())
    can_duoc = io.load(ROOT / "examples" / "can_duoc_2023.toml")
    first = export_plan(can_duoc, folder)
    edited = _longer(can_duoc, "long-khe.trao-thuong", 10)
    again = export_plan(edited, folder)
    assert again.how == "replanned"
    assert again.planned.previous is not None
    assert again.planned.previous.slots == first.planned.schedule.slots
    fresh = ngayhoi.schedule(edited)
    moved_fresh = sum(1 for a, s in fresh.items() if first.planned.schedule[a].start != s.start)
    moved_kept = sum(
        1 for a, s in again.planned.schedule.items() if first.planned.schedule[a].start != s.start
    )
    assert moved_kept <= moved_fresh


def test_fresh_plans_from_scratch_and_keeps_the_sequence_going(
    exported: tuple[Path, Path], folder: Path
) -> None:
    code, out, err = run("export", str(exported[0]), "--out", str(folder), "--fresh")
    assert code == 0, err
    assert "planned from scratch (--fresh)" in out
    assert "0 written" in out  # the same plan from scratch is the same schedule


# -- one checked reader: the corruption table ----------------------------------------------


def _state(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads((folder / STATE_FILE).read_bytes())
    return data


def _first(table: dict[str, Any]) -> str:
    return min(table)


def _event_change(key: str, value: object) -> Callable[[dict[str, Any]], object]:
    def change(data: dict[str, Any]) -> object:
        uid = _first(data["events"])
        data["events"][uid]["event"][key] = value
        return data

    return change


def _entry_change(key: str, value: object = None) -> Callable[[dict[str, Any]], object]:
    def change(data: dict[str, Any]) -> object:
        data["events"][_first(data["events"])][key] = value
        return data

    return change


def _feed_change(key: str, value: object) -> Callable[[dict[str, Any]], object]:
    def change(data: dict[str, Any]) -> object:
        data["feeds"][_first(data["feeds"])][key] = value
        return data

    return change


def _top(key: str, value: object) -> Callable[[dict[str, Any]], object]:
    def change(data: dict[str, Any]) -> object:
        data[key] = value
        return data

    return change


def _slot(key: str, value: object) -> Callable[[dict[str, Any]], object]:
    def change(data: dict[str, Any]) -> object:
        data["schedule"]["slots"][0][key] = value
        return data

    return change


def _no_event(data: dict[str, Any]) -> object:
    del data["events"][_first(data["events"])]["event"]
    return data


#: name -> bytes of the state file, or a change of its parsed contents.
STATE_CASES: dict[str, bytes | Callable[[dict[str, Any]], object]] = {
    "null": b"null",
    "zero": b"0",
    "a float": b"3.5",
    "a string": b'"state"',
    "true": b"true",
    "an empty list": b"[]",
    "a list of numbers": b"[1, 2]",
    "an empty table": b"{}",
    "empty file": b"",
    "not UTF-8": b"\xff\xfe\x00{",
    "not JSON": b"{format: state}",
    "truncated": lambda d: orjson.dumps(d)[: len(orjson.dumps(d)) // 2],
    "foreign format": b'{"format": "other-tool", "version": 1}',
    "newer version": _top("version", 3),
    "version as text": _top("version", "2"),
    "version zero": _top("version", 0),
    "festival a number": _top("festival", 7),
    "feeds a list": _top("feeds", []),
    "feeds null": _top("feeds", None),
    "events a list": _top("events", []),
    "events a string": _top("events", "x"),
    "plan a list": _top("plan", []),
    "plan budget text": lambda d: {**d, "plan": {**d["plan"], "budget": "many"}},
    "plan without digest": lambda d: {**d, "plan": {"backend": "auto", "seed": 0}},
    "options tasks unknown": lambda d: {**d, "options": {**d["options"], "tasks": "both"}},
    "options roles text": lambda d: {**d, "options": {**d["options"], "roles": "yes"}},
    "schedule a list": _top("schedule", []),
    "schedule slots a table": lambda d: {**d, "schedule": {**d["schedule"], "slots": {}}},
    "schedule slot start a number": _slot("start", 7),
    "schedule slot start not a time": _slot("start", "early"),
    "schedule of another format": lambda d: {**d, "schedule": {"format": "x"}},
    "an entry null": lambda d: {**d, "events": {_first(d["events"]): None}},
    "an entry a list": lambda d: {**d, "events": {_first(d["events"]): [1]}},
    "sequence as text": _entry_change("sequence", "1"),
    "sequence negative": _entry_change("sequence", -1),
    "sequence a boolean": _entry_change("sequence", value=True),
    "stamp a number": _entry_change("stamp", 5),
    "stamp not a time": _entry_change("stamp", "yesterday"),
    "stamp without offset": _entry_change("stamp", "2023-07-01T00:00:00"),
    "fingerprint a number": _entry_change("fingerprint", 5),
    "entry feeds a string": _entry_change("feeds", "master"),
    "event missing": _no_event,
    "event a list": _entry_change("event", []),
    "event start a number": _event_change("start", 7),
    "event start not a time": _event_change("start", "soon"),
    "event kind unknown": _event_change("kind", "party"),
    "event summary null": _event_change("summary", None),
    "event categories a string": _event_change("categories", "Phần lễ"),
    "event geo one number": _event_change("geo", [10.5]),
    "event geo text": _event_change("geo", ["north", "east"]),
    "event unknown key": _event_change("colour", "red"),
    "event uid of another event": _event_change("uid", "other@ngayhoi.vn"),
    "event time zone unknown": _event_change("tz", "Mars/Olympus"),
    "event cancelled text": _event_change("cancelled", "no"),
    "feed a list": lambda d: {**d, "feeds": {_first(d["feeds"]): []}},
    "feed uids a string": _feed_change("uids", "x"),
    "feed uid unknown": _feed_change("uids", ["ghost@ngayhoi.vn"]),
    "feed uid twice": lambda d: _feed_change("uids", [_first(d["events"])] * 2)(d),
    "feed name null": _feed_change("name", None),
    "feed withdrawn a list": _feed_change("withdrawn", []),
    "feed withdrawn entry damaged": _feed_change("withdrawn", {"x@y": {"sequence": 1}}),
}

#: name -> bytes of a journal left beside a good state.
JOURNAL_CASES: dict[str, bytes] = {
    "journal null": b"null",
    "journal a number": b"5",
    "journal a string": b'"files"',
    "journal a list": b'["master.ics"]',
    "journal files a string": b'{"files": "master.ics"}',
    "journal files numbers": b'{"files": [1, 2]}',
    "journal without files": b"{}",
    "journal truncated": b'{"files": ["mas',
}


def _damage_state(folder: Path, case: bytes | Callable[[dict[str, Any]], object]) -> None:
    if isinstance(case, bytes):
        data = case
    else:
        changed = case(_state(folder))
        data = changed if isinstance(changed, bytes) else orjson.dumps(changed)
    (folder / STATE_FILE).write_bytes(data)


def _command(name: str, plan: Path, folder: Path) -> list[str]:
    if name == "export":
        return ["export", str(plan), "--out", str(folder)]
    if name == "diff":
        return ["diff", str(plan), "--against", str(folder)]
    return ["publish", str(folder)]


def _assert_refused(code: int, err: str, path: Path, command: str) -> None:
    assert code == 2, (code, err)
    assert "Traceback" not in err
    assert err.startswith(f"ngayhoi {command}: {path}"), err
    assert "--fresh" in err, err
    assert err.count("\n") == 1, err  # one line


def test_the_corruption_table_has_at_least_thirty_cases() -> None:
    assert len(STATE_CASES) + len(JOURNAL_CASES) >= 30


@pytest.mark.parametrize("command", ["export", "diff", "publish"])
@pytest.mark.parametrize("case", sorted(STATE_CASES))
def test_a_damaged_state_is_refused_by_name_with_exit_2(
    exported: tuple[Path, Path],
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    command: str,
) -> None:
    monkeypatch.setenv("NGAYHOI_CALDAV_URL", "http://127.0.0.1:9/btc/")
    _damage_state(folder, STATE_CASES[case])
    before = feeds_of(folder)
    code, _, err = run(*_command(command, exported[0], folder))
    _assert_refused(code, err, folder / STATE_FILE, command)
    assert feeds_of(folder) == before  # refused: nothing re-planned, nothing written


@pytest.mark.parametrize("command", ["export", "diff", "publish"])
@pytest.mark.parametrize("case", sorted(JOURNAL_CASES))
def test_a_damaged_journal_is_refused_by_name_with_exit_2(
    exported: tuple[Path, Path],
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    command: str,
) -> None:
    monkeypatch.setenv("NGAYHOI_CALDAV_URL", "http://127.0.0.1:9/btc/")
    (folder / JOURNAL_FILE).write_bytes(JOURNAL_CASES[case])
    code, _, err = run(*_command(command, exported[0], folder))
    _assert_refused(code, err, folder / JOURNAL_FILE, command)


@pytest.mark.parametrize("case", sorted(STATE_CASES)[::4] + sorted(JOURNAL_CASES)[::3])
def test_export_fresh_recovers_from_the_damage_and_the_next_export_reuses(
    exported: tuple[Path, Path], folder: Path, case: str
) -> None:
    if case in JOURNAL_CASES:
        (folder / JOURNAL_FILE).write_bytes(JOURNAL_CASES[case])
    else:
        _damage_state(folder, STATE_CASES[case])
    code, _, err = run("export", str(exported[0]), "--out", str(folder), "--fresh")
    assert code == 0, err
    assert not (folder / JOURNAL_FILE).exists()
    load_state(folder)  # readable again
    code, out, err = run("export", str(exported[0]), "--out", str(folder))
    assert (code, "plan unchanged" in out) == (0, True), err


@pytest.mark.parametrize("command", ["export", "diff"])
def test_a_stored_schedule_of_another_plan_is_refused_not_re_planned(
    exported: tuple[Path, Path], folder: Path, command: str
) -> None:
    _damage_state(folder, _slot("activity", "nowhere.chao-co"))
    before = feeds_of(folder)
    code, _, err = run(*_command(command, exported[0], folder))
    _assert_refused(code, err, folder / STATE_FILE, command)
    assert "names 'nowhere.chao-co'" in err
    assert feeds_of(folder) == before


def test_the_library_raises_a_typed_error_naming_the_file(folder: Path) -> None:
    (folder / STATE_FILE).write_bytes(b"[]")
    with pytest.raises(ExportStateError, match=r"\.ngayhoi-state\.json: expected a table"):
        load_state(folder)
    with pytest.raises(ExportStateError):
        export_plan(two_communes_one_delegation(), folder)


def test_a_version_1_state_is_read_and_its_sequences_continue(
    exported: tuple[Path, Path], folder: Path
) -> None:
    data = _state(folder)
    old = {
        "format": data["format"],
        "version": 1,
        "festival": data["festival"],
        "feeds": {
            fid: {k: v for k, v in f.items() if k != "withdrawn"}
            for fid, f in data["feeds"].items()
        },
        "events": data["events"],
    }
    (folder / STATE_FILE).write_bytes(orjson.dumps(old))
    before = feeds_of(folder)
    code, _, err = run("export", str(exported[0]), "--out", str(folder))
    assert code == 0, err
    assert feeds_of(folder) == before
    assert load_state(folder).schedule is not None


# -- a bounded fuzz over state-file contents -------------------------------------------------

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(data: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    out = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += _paths(value, (*prefix, i))
    return out


def _replace(data: Any, path: tuple[object, ...], value: object) -> Any:
    if not path:
        return value
    head, *rest = path
    copy: Any = dict(data) if isinstance(data, dict) else list(data)
    copy[head] = _replace(copy[head], tuple(rest), value)
    return copy


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pick=st.integers(min_value=0), value=_json, cut=st.integers(min_value=0))
def test_any_damaged_state_exits_0_or_2_without_a_traceback(
    exported: tuple[Path, Path], pick: int, value: object, cut: int
) -> None:
    plan, source = exported
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "lich"
        shutil.copytree(source, folder)
        data = _state(folder)
        paths = _paths(data)
        if pick % 7 == 0:
            raw = orjson.dumps(data)
            blob = raw[: cut % len(raw)]
        else:
            blob = orjson.dumps(_replace(data, paths[pick % len(paths)], value))
        (folder / STATE_FILE).write_bytes(blob)
        for argv in (_command("export", plan, folder), _command("diff", plan, folder)):
            code, _, err = run(*argv)  # an exception escaping main() fails the test
            assert code in {0, 2}, err
            assert "Traceback" not in err
