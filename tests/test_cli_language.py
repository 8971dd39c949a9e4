"""A Vietnamese run says every line in Vietnamese, argparse's own lines too; ``--lang en`` English.

The suite runs with ``LANGUAGE=en`` (conftest); these tests set ``LANGUAGE=vi``
as a Vietnamese machine does, and look for English words in what the command
line prints: its help, its error lines, argparse's, and the export summary.
"""

from __future__ import annotations

import argparse
import contextlib
import gettext
import io as stdio
import re
from pathlib import Path

import pytest

from ngayhoi.cli import main
from ngayhoi.io import PlanFileError, load

COMMANDS = (
    "init",
    "validate",
    "schedule",
    "export",
    "diff",
    "publish",
    "serve",
    "runsheet",
    "documents",
    "gantt",
    "units",
)

#: English words no Vietnamese line has (``\b`` is Unicode-aware: "ngày" is not "day").
ENGLISH = re.compile(
    r"\b(the|usage|options?|required|arguments?|error|invalid|choices?|choose|show|help|"
    r"message|exit|unrecognized|expected|default|give|with|and|or|of|to|for|is|not|file|"
    r"folder|plan|positional|commands?|examples?|name|day|every|only|from|written|since|"
    r"unchanged|reused|search|moved|events|edit|are)\b",
    re.IGNORECASE,
)
#: What is not prose and stays as written: options, paths, ids, [sections], {choices}
#: (the command names and option values, such as "export" and "event", are words too).
_TECHNICAL = re.compile(r"[/._=\[\]{}]|^-|\w-\w|^'[^']*'[,)]?$")


_NAMES = {*COMMANDS, "event:", "view:", "mua:"}


def english_words(text: str) -> list[str]:
    """The English words of ``text``, options, paths, ids and quoted values left out.

    >>> english_words("cách dùng: ngayhoi export --out OUT lich/ plan.toml 'plan'")
    []
    >>> english_words("tùy chọn: the following arguments are required")
    ['the', 'arguments', 'are', 'required']
    >>> english_words('viết {from = "a", to = "b"}; to do')
    ['to']
    """
    # A key before "=" is a plan file's or TOML's own word: {from = "a", to = "b"}.
    text = re.sub(r"\b\w+ = ", " ", text)
    prose = " ".join(
        t for t in text.split() if not _TECHNICAL.search(t) and not t.isupper() and t not in _NAMES
    )
    return [m.group(0) for m in ENGLISH.finditer(prose)]


def run(*args: str) -> tuple[int, str]:
    """Exit code and everything printed (argparse prints to ``sys.stderr`` itself)."""
    out, err = stdio.StringIO(), stdio.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args), out=out, err=err)
    return code, out.getvalue() + err.getvalue()


@pytest.fixture
def vietnamese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "vi")


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.toml"
    args = ("init", "--communes", "2", "--date", "2023-08-06", "--out", str(path))
    assert run("--lang", "en", *args)[0] == 0
    return path


@pytest.mark.usefixtures("vietnamese")
@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_every_help_is_vietnamese(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = [command, "--help"] if command else ["--help"]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert text.startswith("cách dùng: ngayhoi")
    assert "tùy chọn:" in text
    assert english_words(text) == []


@pytest.mark.usefixtures("vietnamese")
def test_argparse_says_its_errors_in_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export"]) == 2
    err = capsys.readouterr().err
    assert "ngayhoi export: lỗi: thiếu tham số bắt buộc: KẾ_HOẠCH, --out" in err
    assert english_words(err) == []
    assert main(["frob"]) == 2
    err = capsys.readouterr().err
    assert "ngayhoi: lỗi: tham số LỆNH: lựa chọn không hợp lệ: 'frob' (chọn một trong" in err
    assert english_words(err) == []
    assert main(["schedule", "p.toml", "--frob"]) == 2
    assert "lỗi: tham số không nhận ra: --frob" in capsys.readouterr().err


def test_lang_en_gives_argparse_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: ngayhoi export")
    assert "ngayhoi export: error: the following arguments are required: PLAN, --out" in err
    assert main(["--lang", "en", "frob"]) == 2
    assert "invalid choice: 'frob' (choose from 'init'," in capsys.readouterr().err
    assert main(["--lang", "en", "export", "--help"]) == 0
    out = capsys.readouterr().out
    assert "options:" in out
    assert "plan from scratch instead of re-planning" in out


@pytest.mark.usefixtures("vietnamese")
def test_argparse_is_left_as_it_was_for_other_programs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frob"]) == 2
    capsys.readouterr()
    assert vars(argparse)["_"] is gettext.gettext
    assert vars(argparse)["ngettext"] is gettext.ngettext
    other = argparse.ArgumentParser(prog="other")
    assert other.format_usage().startswith("usage: other")
    assert "options:" in other.format_help()


@pytest.mark.usefixtures("vietnamese")
def test_the_error_lines_of_a_vietnamese_run_have_no_english(plan: Path, tmp_path: Path) -> None:
    file = tmp_path / "a-file"
    file.write_text("x", encoding="utf-8")
    cases = [
        ["schedule", str(tmp_path / "missing.toml")],
        ["schedule", str(plan), "--backend", "magic"],
        ["schedule", str(plan), "--time-limit", "-1"],
        ["schedule", str(plan), "--budget", "0"],
        ["init", "--date", "06/08/2023", "--out", str(tmp_path / "x.toml")],
        ["init", "--date", "2023-01-01", "--out", str(tmp_path / "x.toml")],
        ["init", "--date", "2023-08-06", "--id", "Bad Id", "--out", str(tmp_path / "x.toml")],
        ["init", "--date", "2023-08-06", "--out", str(plan)],
        ["units", "zzz"],
        ["units", "long khe", "--date", "2025-08-10"],
        ["diff", str(plan)],
        ["diff", str(plan), str(plan), "--tasks", "todo"],
        ["diff", str(plan), "--against", str(tmp_path)],
        ["publish"],
        ["serve", str(tmp_path), "--port", "99999"],
        ["gantt", str(plan), "--out", str(plan)],
        ["runsheet", str(plan), "--out", str(tmp_path / "k"), "--format", "rtf"],
        ["export", str(plan), "--out", str(file)],
    ]
    for args in cases:
        code, text = run(*args)
        assert code == 2, (args, text)
        assert text.startswith(("ngayhoi", "cách dùng")), (args, text)
        assert english_words(text) == [], (args, text)


@pytest.mark.usefixtures("vietnamese")
def test_the_export_summary_is_vietnamese_from_first_to_replanned(
    plan: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "lich"
    code, out = run("export", str(plan), "--out", str(folder))
    assert code == 0
    assert "lần xuất đầu tiên" in out
    assert english_words(out) == []
    code, out = run("export", str(plan), "--out", str(folder))
    assert "kế hoạch không đổi: dùng lại lịch đã xuất, không xếp lịch lại" in out
    assert english_words(out) == []
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace('at = "06:45"', 'at = "06:30"', 1), encoding="utf-8")
    code, out = run("export", str(plan), "--out", str(folder))
    assert code == 0
    assert re.search(
        r"lập lịch lại dựa trên lần xuất trước: thay đổi trong kế hoạch làm dời giờ \d+ sự kiện\)",
        out,
    ), out
    assert english_words(out) == []
    code, out = run("export", str(plan), "--out", str(folder), "--fresh")
    assert "lập lịch lại từ đầu (--fresh)" in out
    assert english_words(out) == []


def test_the_export_summary_counts_events_in_english(plan: Path, tmp_path: Path) -> None:
    folder = tmp_path / "lich"
    assert run("--lang", "en", "export", str(plan), "--out", str(folder))[0] == 0
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace('at = "06:45"', 'at = "06:30"', 1), encoding="utf-8")
    code, out = run("--lang", "en", "export", str(plan), "--out", str(folder))
    assert code == 0
    moved = re.search(r"re-planned against the last export: the edit moved (\d+) (events?)\)", out)
    assert moved is not None, out
    assert moved.group(2) == ("event" if moved.group(1) == "1" else "events")


def _plan_file_cases() -> list[object]:
    """The one-mistake plan files of ``test_bad_input`` (the ``toml-`` ones are files)."""
    from test_bad_input import PLANS  # noqa: PLC0415 - the other test module's table

    return [pytest.param(p.values[0], id=p.id) for p in PLANS if str(p.id).startswith("toml-")]


@pytest.mark.usefixtures("vietnamese")
@pytest.mark.parametrize("text", _plan_file_cases())
def test_validate_says_each_mistake_of_a_plan_file_in_vietnamese(text: str, tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    code, said = run("validate", str(path))
    assert code == 2, said
    assert said.startswith("ngayhoi validate: "), said
    assert english_words(said) == [], said


@pytest.mark.parametrize("text", _plan_file_cases()[:5])
def test_validate_says_a_plan_files_mistakes_in_english_on_request(
    text: str, tmp_path: Path
) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    code, said = run("--lang", "en", "validate", str(path))
    assert code == 2, said
    with pytest.raises(PlanFileError) as caught:
        load(path)
    # The library's own English message, as it is.
    assert str(caught.value.errors[0]) in said, said


#: Plans no schedule carries out, as edits of the ``plan`` fixture: the games past an
#: early outdoor limit, and a parade so late that the programme after it cannot fit.
INFEASIBLE = {
    "early-outdoor-limit": ('outdoor_until = "11:00"', 'outdoor_until = "08:30"'),
    "late-parade": ('at = "06:45"', 'at = "09:50"'),
}
#: Vietnamese words no English reason has (the plan's titles have none of them).
VIETNAMESE = re.compile(r"\b(đoàn|thiếu|hoặc|phút|kéo dài|chi tiết|sửa kế hoạch)\b", re.IGNORECASE)


def _reasons(said: str, prefix: str) -> tuple[list[str], list[str]]:
    """The advice lines of a failed run, and its detail lines (those starting with ``prefix``)."""
    lines = said.splitlines()
    return [t for t in lines if t.startswith("  - ")], [t for t in lines if t.startswith(prefix)]


@pytest.mark.usefixtures("vietnamese")
@pytest.mark.parametrize("edit", INFEASIBLE.values(), ids=list(INFEASIBLE))
def test_an_infeasible_plans_reasons_and_details_are_vietnamese_and_english_on_request(
    plan: Path, tmp_path: Path, edit: tuple[str, str]
) -> None:
    text = plan.read_text(encoding="utf-8")
    assert edit[0] in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace(*edit), encoding="utf-8")
    code, said = run("schedule", str(bad), "--explain")
    assert code == 1, said
    reasons, details = _reasons(said, "    chi tiết: ")
    assert reasons, said
    assert len(details) == len(reasons), said
    assert "kéo dài outdoor_until đến" in said
    for line in reasons + details:
        assert english_words(line) == [], line
    assert english_words(said) == [], said
    code, said = run("--lang", "en", "schedule", str(bad), "--explain")
    assert code == 1, said
    reasons, details = _reasons(said, "    details: ")
    assert reasons, said
    assert len(details) == len(reasons), said
    assert "extend outdoor_until to" in said
    for line in reasons + details:
        assert VIETNAMESE.findall(line) == [], line


@pytest.mark.usefixtures("vietnamese")
@pytest.mark.parametrize("command", ["validate", "schedule"])
def test_a_dependency_cycle_is_said_in_vietnamese(command: str, tmp_path: Path) -> None:
    from test_bad_input import CYCLE  # noqa: PLC0415 - the other test module's plan

    path = tmp_path / "cycle.toml"
    path.write_text(CYCLE, encoding="utf-8")
    code, said = run(command, str(path))
    assert code == 2, said
    assert said.startswith(f"ngayhoi {command}: vòng ràng buộc thứ tự: "), said
    assert "[long-hoa.chao-co]" in said
    assert english_words(said) == [], said
    code, said = run("--lang", "en", command, str(path))
    assert "dependency cycle: Chào cờ at Long Hòa [long-hoa.chao-co] → " in said, said
    assert VIETNAMESE.findall(said) == [], said


def test_a_schedulers_reason_is_said_in_vietnamese_from_its_parts() -> None:
    import ngayhoi  # noqa: PLC0415
    from ngayhoi.cli import error_text  # noqa: PLC0415
    from ngayhoi.i18n import translator  # noqa: PLC0415
    from test_scheduler import _two_fixed_ceremonies_one_delegation  # noqa: PLC0415

    # A delegation cannot be at two ceremonies fixed at 08:00 25 min apart: the
    # scheduler's own reason (not the temporal network's) names the wait.
    failed = ngayhoi.schedule(_two_fixed_ceremonies_one_delegation(), raise_on_infeasible=False)
    with pytest.raises(ngayhoi.InfeasibleError) as caught:
        failed.unwrap()
    before = translator.language
    try:
        translator.use("vi")
        said = error_text(caught.value)
        translator.use("en")
        english = error_text(caught.value)
    finally:
        translator.use(before)
    assert "phải bắt đầu chậm nhất lúc 08:00" in said, said
    assert "cần 25 phút để đến đây" in said, said
    assert english_words(said) == [], said
    assert english == str(caught.value)
    assert "must start by 08:00" in english
