"""The command line: the whole path from init to calendars, and every bad input exits 2 by name."""

from __future__ import annotations

import io as stdio
import subprocess
import sys
from pathlib import Path

import pytest

from ngayhoi.cli import main

from conftest import ROOT


def run(*args: str) -> tuple[int, str, str]:
    out, err = stdio.StringIO(), stdio.StringIO()
    code = main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "plan.toml"
    code, out, err = run("init", "--communes", "17", "--date", "2023-08-06", "--out", str(path))
    assert code == 0, err
    assert "17 communes" in out
    return path


def test_init_then_validate_schedule_export(plan: Path, tmp_path: Path) -> None:
    code, out, _ = run("validate", str(plan))
    assert code == 0
    assert "17 communes, 17 sites, 238 activities" in out
    code, out, _ = run("schedule", str(plan))
    assert code == 0
    assert out.count("06:45–07:15") == 17
    code, out, _ = run("export", str(plan), "--out", str(tmp_path / "lich"))
    assert code == 0
    assert len(list((tmp_path / "lich").glob("commune-*.ics"))) == 17
    code, out, _ = run("export", str(plan), "--out", str(tmp_path / "lich"))
    assert "0 written; since the last export: no changes" in out


def test_diff_against_the_last_export(plan: Path, tmp_path: Path) -> None:
    folder = tmp_path / "lich"
    assert run("export", str(plan), "--out", str(folder))[0] == 0
    later = tmp_path / "later.toml"
    later.write_text(
        plan.read_text(encoding="utf-8").replace('at = "06:45"', 'at = "06:30"'), encoding="utf-8"
    )
    code, out, _ = run("diff", str(later), "--against", str(folder), "--lang", "vi")
    assert code == 0
    assert out.startswith("Tóm tắt: ")
    assert "Long Hòa, 06/08 06:45–07:15 → 06/08 06:30–07:00" in out
    code, out, _ = run("diff", str(later), "--against", str(folder), "--lang", "en")
    assert out.startswith("Summary: ")
    assert "Long Hòa, 2023-08-06 06:45–07:15 → 2023-08-06 06:30–07:00" in out


def test_units_lookup_ignores_diacritics_and_knows_the_reform() -> None:
    code, out, _ = run("units", "LONG HOA", "--date", "2023-08-06")
    assert (code, out.split()[0]) == (0, "long-hoa")
    code, _, err = run("units", "long khe", "--date", "2025-08-10")
    assert code == 2
    assert "on 2025-08-10: long-khe (Xã Long Khê) until 2025-06-30, became rach-kien" in err
    code, _, err = run("units", "long khe", "--date", "2025-08-10", "--lang", "vi")
    assert code == 2
    assert (
        "vào ngày 10/8/2025: long-khe (Xã Long Khê) đến hết 30/6/2025, trở thành rach-kien" in err
    )


def test_help_shows_examples() -> None:
    code, out, _ = run()
    assert code == 2
    assert "ngayhoi init --communes 17" in out
    done = subprocess.run(
        [sys.executable, "-m", "ngayhoi", "export", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert "example:" in done.stdout


def test_an_infeasible_plan_exits_1_and_says_why(plan: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        plan.read_text(encoding="utf-8").replace('at = "06:45"', 'at = "09:50"'), encoding="utf-8"
    )
    code, out, err = run("schedule", str(bad))
    assert code == 1
    # One short reason naming the plan keys and values that work (English: the suite's
    # language; tests/test_cli_language.py reads the Vietnamese) ...
    assert "extend outdoor_until to" in err
    assert "move programme.at to" in err
    assert "ends no later than" not in err
    assert "Traceback" not in err
    # ... and the full chain on --explain.
    code, out, err = run("schedule", str(bad), "--explain")
    assert code == 1
    assert "ends no later than 06/08 11:00" in err + out


BAD_INPUTS = [
    (["validate", "missing.toml"], "cannot read it"),
    (["init", "--communes", "0", "--date", "2023-08-06", "--out", "x.toml"], "--communes 0"),
    (["init", "--date", "06/08/2023", "--out", "x.toml"], "--date '06/08/2023' is not a date"),
    (
        ["init", "--date", "2023-08-06", "--parade", "6h", "--out", "x.toml"],
        "--parade '6h' is not a time",
    ),
    (["schedule", "PLAN", "--time-limit", "-1"], "--time-limit -1.0 must be zero or more"),
    (["runsheet", "PLAN", "--out", "x", "--format", "rtf"], "--format 'rtf'"),
    (["documents", "PLAN", "--out", "x", "--format", "md"], "--format 'md'"),
    (["diff", "PLAN"], "give two plans"),
    (["diff", "PLAN", "--against", "EMPTY"], "holds no export"),
    (["units", "zzz"], "no unit named like 'zzz'; try fewer words"),
    (["publish", "EMPTY"], "no CalDAV server configured"),
    (["schedule", "PLAN", "--backend", "magic"], "invalid choice: 'magic'"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUTS)
def test_bad_input_exits_2_with_a_message_not_a_traceback(
    args: list[str], message: str, plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NGAYHOI_CALDAV_URL", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "EMPTY").mkdir()
    argv = [str(plan) if a == "PLAN" else a for a in args]
    done = subprocess.run(  # noqa: S603 - the command line as a user runs it
        [sys.executable, "-m", "ngayhoi", *argv], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_the_plan_file_examples_validate() -> None:
    code, out, _ = run("validate", str(ROOT / "examples" / "can_duoc_2023.toml"))
    assert code == 0
    assert "festival 'can-duoc-2023'" in out


def test_diff_json_and_the_folders_task_form(plan: Path, tmp_path: Path) -> None:
    import json  # noqa: PLC0415

    folder = tmp_path / "lich"
    assert run("export", str(plan), "--out", str(folder), "--tasks", "todo")[0] == 0
    code, out, _ = run("diff", str(plan), "--against", str(folder), "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["format"], data["version"], data["counts"]) == ("ngayhoi-diff", 1, {})
    code, out, _ = run("diff", str(plan), "--against", str(folder), "--tasks", "event")
    assert code == 0
    assert out.startswith("Summary: ")
    assert "Form changed: " in out
    assert ", now an all-day event, 2023-" in out
    code, _, err = run("diff", str(plan), str(plan), "--tasks", "todo")
    assert code == 2
    assert "--against" in err
