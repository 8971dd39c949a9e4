"""Run every code block of the README and the docs (Sybil).

``python`` blocks run as code, in one namespace per document; ``console``
blocks run their ``$`` commands with bash in one scratch folder per document,
and each expected output line must appear, in order (a line ``...`` skips
lines; ``...`` inside a line matches any text). ``text`` blocks are not run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sybil import Example, Region, Sybil
from sybil.parsers.markdown import PythonCodeBlockParser
from sybil.parsers.markdown.lexers import FencedCodeBlockLexer

ROOT = Path(__file__).resolve().parent

# The command line speaks Vietnamese unless told otherwise (ngayhoi.i18n). The suite and
# the English docs read its English messages; tests/test_i18n.py checks the Vietnamese.
# LANGUAGE (gettext's own variable) and not LANG: the machine may have no English locale
# installed, and programs the tests run (khal) call setlocale.
os.environ["LANGUAGE"] = "en"


def _console(example: Example) -> None:
    block: str = example.parsed
    commands: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        open_heredoc = bool(commands) and "<<'TOML'" in commands[-1][0]
        if open_heredoc and not commands[-1][0].endswith("\nTOML"):
            commands[-1] = (commands[-1][0] + "\n" + line, [])
        elif line.startswith("$ "):
            commands.append((line[2:], []))
        elif commands:
            commands[-1][1].append(line)
    cwd = example.namespace["scratch"]
    for command, expected in commands:
        done = subprocess.run(  # noqa: S603 - the documentation's own commands
            ["/bin/bash", "-c", command],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
            env=example.namespace["env"],
        )
        output = done.stdout.splitlines()
        _match(command, expected, output, done.returncode)


def _match(command: str, expected: list[str], output: list[str], code: int) -> None:
    position = 0
    for want in expected:
        if want.strip() == "...":
            continue
        pattern = re.compile(".*".join(re.escape(part) for part in want.split("...")))
        while position < len(output):
            got = output[position]
            position += 1
            if pattern.fullmatch(got):
                break
        else:
            shown = "\n".join(output[:40])
            msg = f"`{command}` (exit {code}) did not print:\n{want}\nIt printed:\n{shown}"
            raise AssertionError(msg)


class ConsoleParser:
    """Fenced ``console`` blocks: shell commands and the output they must print."""

    def __init__(self) -> None:
        """Find fenced blocks marked ``console``."""
        self.lexer = FencedCodeBlockLexer("console")

    def __call__(self, document: Any) -> Iterator[Region]:  # noqa: ANN401 - Sybil's document
        """One region per block."""
        for region in self.lexer(document):
            yield Region(region.start, region.end, region.lexemes["source"], _console)


def _setup(namespace: dict[str, Any]) -> None:
    scratch = tempfile.mkdtemp(prefix="ngayhoi-docs-")
    namespace["scratch"] = scratch
    namespace["cwd"] = str(Path.cwd())
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("NGAYHOI_CALDAV_URL", None)
    env["NGAYHOI_ROOT"] = str(ROOT)
    namespace["env"] = env
    os.chdir(scratch)


def _teardown(namespace: dict[str, Any]) -> None:
    os.chdir(namespace["cwd"])


pytest_collect_file = Sybil(
    parsers=[PythonCodeBlockParser(), ConsoleParser()],
    patterns=["README.md", "docs/**/*.md", "docs/*.md"],
    setup=_setup,
    teardown=_teardown,
).pytest()
