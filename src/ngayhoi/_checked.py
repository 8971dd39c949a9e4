"""A checked reader for JSON data ngayhoi wrote itself (schedules, the export state).

Every value is checked for its type before it is used, so a damaged file is
refused with the file, the place in it, what was expected and what was found,
never with a ``TypeError`` from deep inside.

>>> from ngayhoi.errors import ExportError
>>> read = Checked("state.json", ExportError, "delete it")
>>> read.integer("7", "events['a'].sequence")  # doctest: +NORMALIZE_WHITESPACE
Traceback (most recent call last):
ngayhoi.errors.ExportError: state.json: events['a'].sequence: expected an integer,
found a string ('7'); delete it
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["Checked", "describe"]


def describe(value: object) -> str:  # noqa: PLR0911 - one answer per JSON kind
    """What a JSON value is, for a message: its kind and (shortened) value.

    >>> describe(None), describe([1, 2])
    ('null', 'a list of 2 items')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."  # noqa: PLR2004 - a short quote
        return f"a string ({shown!r})"
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    if isinstance(value, Mapping):
        return "a table"
    return type(value).__name__


class Checked:
    """Type checks that raise ``error`` naming ``source``, the place and ``hint``.

    >>> from ngayhoi.errors import PlanError
    >>> Checked("f.json", PlanError, "fix it").texts(["a", "b"], "ids")
    ('a', 'b')
    """

    def __init__(self, source: str, error: type[Exception], hint: str) -> None:
        """Name the file, the error type to raise and how to recover."""
        self.source = source
        self.error = error
        self.hint = hint

    def fail(self, where: str, expected: str, value: object) -> Exception:
        """The error for a value that is not what was expected."""
        place = f"{where}: " if where else ""
        return self.error(
            f"{self.source}: {place}expected {expected}, found {describe(value)}; {self.hint}"
        )

    def problem(self, message: str) -> Exception:
        """The error for any other damage, said in ``message``."""
        return self.error(f"{self.source}: {message}; {self.hint}")

    def table(self, value: object, where: str) -> Mapping[str, Any]:
        """A JSON object (with text keys)."""
        if not isinstance(value, Mapping):
            raise self.fail(where, "a table", value)
        return value

    def items(self, value: object, where: str) -> list[Any]:
        """A JSON array."""
        if not isinstance(value, list):
            raise self.fail(where, "a list", value)
        return value

    def text(self, value: object, where: str) -> str:
        """A string."""
        if not isinstance(value, str):
            raise self.fail(where, "a string", value)
        return value

    def optional_text(self, value: object, where: str) -> str | None:
        """A string or null."""
        return None if value is None else self.text(value, where)

    def integer(self, value: object, where: str, *, minimum: int | None = None) -> int:
        """A whole number (not a boolean), at least ``minimum`` if given."""
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(where, "an integer", value)
        if minimum is not None and value < minimum:
            raise self.fail(where, f"an integer of at least {minimum}", value)
        return value

    def optional_integer(self, value: object, where: str) -> int | None:
        """A whole number or null."""
        return None if value is None else self.integer(value, where)

    def number(self, value: object, where: str) -> float:
        """A finite number."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(where, "a number", value)
        if not math.isfinite(value):
            raise self.fail(where, "a finite number", value)
        return float(value)

    def boolean(self, value: object, where: str) -> bool:
        """A JSON boolean."""
        if not isinstance(value, bool):
            raise self.fail(where, "true or false", value)
        return value

    def texts(self, value: object, where: str) -> tuple[str, ...]:
        """A list of strings."""
        return tuple(self.text(v, f"{where}[{i}]") for i, v in enumerate(self.items(value, where)))

    def key(self, table: Mapping[str, Any], name: str, where: str) -> Any:  # noqa: ANN401 - JSON
        """A key that must be there."""
        if name not in table:
            raise self.problem(f"{where}: the key '{name}' is missing")
        return table[name]
