"""The command line speaks Vietnamese by default, English on request, from a current catalogue."""

from __future__ import annotations

import gettext
import io as stdio
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from ngayhoi.cli import error_text, main
from ngayhoi.errors import PlanError
from ngayhoi.i18n import DOMAIN, LOCALE_DIR, language, translator

from conftest import ROOT

PO = LOCALE_DIR / "vi" / "LC_MESSAGES" / f"{DOMAIN}.po"
MO = PO.with_suffix(".mo")
_FIELD = re.compile(r"\{(\w*)[^{}]*\}")
_PERCENT = re.compile(r"%(?:\(\w+\))?[sr]")


def _code_messages() -> set[str | tuple[str, ...]]:
    """Every text the code wraps in ``_()``, ``N_()`` or ``ngettext()``, as ``pybabel extract``.

    A counted text (``ngettext``) is the pair of its singular and plural.
    """
    found = extract_from_dir(
        str(ROOT / "src" / "ngayhoi"),
        method_map=[("**.py", "python")],
        keywords={**DEFAULT_KEYWORDS, "N_": None},
    )
    out: set[str | tuple[str, ...]] = set()
    for _file, _line, m, _comments, _context in found:
        if isinstance(m, str) and m:
            out.add(m)
        elif isinstance(m, tuple) and all(m):
            out.add(tuple(str(part) for part in m))
    return out


def _forms(text: object) -> tuple[str, ...]:
    """A catalogue entry's text or texts (a counted entry has one per plural form)."""
    return tuple(str(t) for t in text) if isinstance(text, tuple | list) else (str(text),)


def run(*args: str) -> tuple[int, str, str]:
    out, err = stdio.StringIO(), stdio.StringIO()
    code = main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_the_catalogue_holds_exactly_the_texts_of_the_code() -> None:
    catalogue = read_po(PO.open("rb"))
    held = {m.id for m in catalogue if m.id}
    code = _code_messages()
    assert code - held == set(), "new texts: run scripts/catalogue.sh and translate them"
    assert held - code == set(), "texts the code no longer has: run scripts/catalogue.sh"


def test_every_entry_is_translated_nfc_and_keeps_its_placeholders() -> None:
    for message in read_po(PO.open("rb")):
        if not message.id:
            continue
        english = _forms(message.id)
        for text in _forms(message.string):
            assert text, f"not translated: {message.id!r}"
            assert not message.fuzzy, f"fuzzy: {message.id!r}"
            assert unicodedata.is_normalized("NFC", text), message.id
            assert sorted(_FIELD.findall(text)) == sorted(_FIELD.findall(english[-1])), message.id
            # argparse's own messages are %-formatted: the same %s, %r, %(name)s.
            assert sorted(_PERCENT.findall(text)) == sorted(_PERCENT.findall(english[-1])), (
                message.id
            )


def test_the_compiled_catalogue_is_the_po_file_compiled(tmp_path: Path) -> None:
    compiled = tmp_path / "ngayhoi.mo"
    with compiled.open("wb") as handle:
        write_mo(handle, read_po(PO.open("rb")))
    fresh = gettext.GNUTranslations(compiled.open("rb"))
    shipped = gettext.GNUTranslations(MO.open("rb"))
    for message in read_po(PO.open("rb")):
        if isinstance(message.id, tuple):
            singular, plural = message.id[0], message.id[1]
            for count in (1, 2):
                assert shipped.ngettext(singular, plural, count) == fresh.ngettext(
                    singular, plural, count
                ), message.id
        elif message.id:
            assert shipped.gettext(str(message.id)) == fresh.gettext(str(message.id)), message.id


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "vi"),
        ({"LANG": "C.UTF-8"}, "vi"),
        ({"LANG": "vi_VN.UTF-8"}, "vi"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "vi_VN.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LANGUAGE": "vi:en"}, "vi"),
    ],
)
def test_the_environment_picks_the_language(environ: dict[str, str], expected: str) -> None:
    assert language(environ=environ) == expected


def test_a_machine_without_an_english_locale_gets_vietnamese_help_and_messages(
    tmp_path: Path,
) -> None:
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "ngayhoi", "export", "--help"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert done.returncode == 0
    assert "cách dùng: ngayhoi export" in done.stdout
    assert "xuất mọi lịch vào một thư mục" in done.stdout
    assert "ví dụ:" in done.stdout
    done = subprocess.run(
        [sys.executable, "-m", "ngayhoi", "init", "--date", "06/08/2023", "--out", "x.toml"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "--date '06/08/2023' không phải là ngày; hãy viết YYYY-MM-DD" in done.stderr
    assert "Traceback" not in done.stderr


def test_lang_en_anywhere_on_the_line_gives_english() -> None:
    code, out, _ = run("units", "long hoa", "--date", "2023-08-06", "--lang", "vi")
    first = out.strip().splitlines()[0]
    assert (code, first) == (
        0,
        "long-hoa  28123  Xã Long Hòa  (xã, hiệu lực đến 30/6/2025; Tỉnh Long An)",
    )
    code, out, _ = run("--lang", "en", "units", "long hoa", "--date", "2023-08-06")
    first = out.strip().splitlines()[0]
    assert (code, first) == (
        0,
        "long-hoa  28123  Xã Long Hòa  (xã, valid until 2025-06-30; Tỉnh Long An)",
    )


def test_the_summaries_of_init_and_validate_are_vietnamese(tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    code, out, _ = run(
        "--lang", "vi", "init", "--communes", "3", "--date", "2023-08-06", "--out", str(plan)
    )
    assert code == 0
    assert out.startswith(
        f"đã ghi {plan}: 3 xã, thị trấn vào ngày 06/8/2023; tiếp theo: ngayhoi validate"
    )
    code, out, _ = run("validate", str(plan), "--lang", "vi")
    assert code == 0
    assert "hợp lệ — Ngày hội" in out
    assert "3 xã, thị trấn; 3 địa điểm; 42 hoạt động" in out


def test_a_library_error_with_its_parts_is_said_again_in_vietnamese(tmp_path: Path) -> None:
    plan = tmp_path / "bad.toml"
    run("--lang", "en", "init", "--communes", "2", "--date", "2023-08-06", "--out", str(plan))
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace('unit = "long-trach"', 'unit = "long-trac"', 1), encoding="utf-8")
    code, _, err = run("validate", str(plan), "--lang", "vi")
    assert code == 2
    assert "địa điểm" in err
    assert "không có đơn vị hành chính 'long-trac'; có phải 'long-trach'?" in err
    code, _, err = run("validate", str(plan), "--lang", "en")
    assert "unknown unit 'long-trac'; did you mean 'long-trach'?" in err


def test_a_wait_is_explained_in_vietnamese_from_its_parts() -> None:
    plan = str(ROOT / "examples" / "can_duoc_2023.toml")
    code, out, _ = run("schedule", plan, "--lang", "vi")
    assert code == 0
    # The waits come before the moved preparation deadlines, which use the same bullet.
    head = out.split("Hạn chuẩn bị dời vào ngày làm việc:")[0]
    waits = [line for line in head.splitlines() if line.startswith("  · ")]
    assert waits
    assert all(" chờ " in line and " phút " in line for line in waits)
    assert not any(" waits " in line or " until " in line for line in waits)
    assert "Đoàn 3 BCĐ 138 huyện đang dự Công bố quyết định và trao khen thưởng tại" in out
    code, out, _ = run("schedule", plan, "--lang", "en")
    assert " waits " in out


class _PartedError(PlanError):
    """A plan error with the parts every PlanError is to carry (kind, id, field, value, ...)."""

    def __init__(self) -> None:
        super().__init__(
            "activity 'long-hoa.bao-cao': duration -5 is not ...",
            kind="activity",
            item="long-hoa.bao-cao",
            field="duration",
            value=-5,
            expected="a whole number of minutes, at least 1",
            hint="write duration = 15",
        )


def test_an_error_with_its_parts_is_framed_in_the_language_in_use() -> None:
    translator.use("vi")
    try:
        said = error_text(_PartedError())
    finally:
        translator.use("en")
    assert said.startswith("hoạt động 'long-hoa.bao-cao', duration = -5: cần ")
    assert said.endswith("; write duration = 15")
    assert error_text(_PartedError()) == "activity 'long-hoa.bao-cao': duration -5 is not ..."


@pytest.mark.parametrize(
    ("lang", "first", "counted"),
    [
        ("vi", "# Kế hoạch Ngày hội", "# 16 xã, phường của Thành phố Huế, ngày 19/8/2025."),
        ("en", "# Plan of a Ngày hội", "# 16 communes of Thành phố Huế on 2025-08-19."),
    ],
)
def test_a_plan_file_from_init_is_commented_in_the_language_in_use(
    tmp_path: Path, lang: str, first: str, counted: str
) -> None:
    plan = tmp_path / "hue.toml"
    code, _out, err = run(
        "--lang", lang, "init", "--province", "Huế", "--date", "2025-08-19", "--out", str(plan)
    )
    assert code == 0, err
    text = plan.read_text("utf-8")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert comments[0].startswith(first)
    # Huế's 40 units of 2025 are phường and xã: the count names both kinds.
    assert counted.replace("16", str(text.count("[[sites]]"))) in comments
    english = ("the ", " are ", "give ", "Check it")
    if lang == "vi":
        assert not [c for c in comments if any(word in c for word in english)], comments
        assert "# tâm của xã: sửa thành vị trí hội trường" in text


def test_a_plan_with_delegations_from_init_has_no_english_comment_in_vietnamese(
    tmp_path: Path,
) -> None:
    plan = tmp_path / "plan.toml"
    args = ["--communes", "20", "--delegations", "3", "--parade", "07:30", "--out", str(plan)]
    code, _out, err = run("--lang", "vi", "init", "--date", "2023-08-06", *args)
    assert code == 0, err
    text = plan.read_text("utf-8")
    comments = [line.split("#", 1)[1] for line in text.splitlines() if "#" in line]
    english = ("the ", " a ", "delegation", "commune", "minutes", "rename")
    assert [c for c in comments if any(word in c for word in english)] == []
    # The late parade moved the outdoor limit whatever language its comment is in.
    assert 'outdoor_until = "11:00"' not in text
    assert "# diễu hành muộn" in text
