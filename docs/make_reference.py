"""Write docs/reference.md from the docstrings of ngayhoi's public modules.

Run ``python docs/make_reference.py``; a test checks the committed page is current.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

MODULES = [
    "ngayhoi",
    "ngayhoi.model",
    "ngayhoi.data",
    "ngayhoi.data.vietnam",
    "ngayhoi.templates",
    "ngayhoi.templates.units_plan",
    "ngayhoi.graph",
    "ngayhoi.scheduling",
    "ngayhoi.scheduling.checker",
    "ngayhoi.scheduling.solvers.cpsat",
    "ngayhoi.scheduling.spans",
    "ngayhoi.scheduling.stored",
    "ngayhoi.export",
    "ngayhoi.export.events",
    "ngayhoi.export.feeds",
    "ngayhoi.export.encoding",
    "ngayhoi.export.state",
    "ngayhoi.export.runsheet",
    "ngayhoi.export.gantt",
    "ngayhoi.export.schedule_json",
    "ngayhoi.export.text",
    "ngayhoi.folder",
    "ngayhoi.publish.caldav",
    "ngayhoi.io",
    "ngayhoi.errors",
    "ngayhoi.text",
]
OUT = Path(__file__).resolve().parent / "reference.md"


def _summary(obj: object) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.split("\n\n")[0].replace("\n", " ").strip()


def _signature(obj: object) -> str:
    try:
        return str(inspect.signature(obj))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""


def render() -> str:
    """The reference page."""
    lines = [
        "# API reference",
        "",
        "Generated from the docstrings by `docs/make_reference.py`; each public name with its",
        "signature and the first paragraph of its docstring. The docstrings themselves carry",
        "runnable examples (they run as doctests).",
    ]
    for name in MODULES:
        module = importlib.import_module(name)
        lines += ["", f"## `{name}`", "", _summary(module)]
        names = getattr(module, "__all__", [])
        rows = []
        for public in names:
            obj = getattr(module, public)
            if inspect.ismodule(obj):
                continue
            kind = "class" if inspect.isclass(obj) else "function" if callable(obj) else "value"
            signature = _signature(obj) if kind != "value" else ""
            text = _summary(obj) if kind != "value" else ""
            head = (
                f"- **`{public}{signature}`**"
                if kind == "function"
                else f"- **`{public}`** ({kind})"
            )
            rows.append(f"{head}: {text}" if text else head)
        if rows:
            lines += ["", *rows]
    return "\n".join(lines) + "\n"


def main() -> int:
    """Write the page."""
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
