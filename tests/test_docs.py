"""The generated API reference is current (its code blocks and the guides run through Sybil)."""

from __future__ import annotations

import importlib.util

from conftest import ROOT


def test_the_api_reference_matches_the_docstrings() -> None:
    spec = importlib.util.spec_from_file_location(
        "make_reference", ROOT / "docs" / "make_reference.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    assert written == module.render(), "run: python docs/make_reference.py"
