"""One ``__repr__`` for every record, where attrs would compile one per class.

attrs writes each class's ``__repr__`` as Python source and compiles it when
the class is made: of the 0.2 s ``import ngayhoi`` takes, about a tenth went
into compiling those reprs alone. :func:`plain_repr` gives a record made with
``repr=False`` the repr attrs would have written: the class name, then
``name=value`` for each field shown (``repr=False`` fields left out, a
``repr=`` callable used for its field), ``...`` for a record met again inside
itself. ``tests/test_records.py`` checks it against attrs' own for every record.

>>> import attrs
>>> @plain_repr
... @attrs.frozen(repr=False)
... class Point:
...     x: int
...     y: int = attrs.field(repr=lambda v: f"<{v}>")
...     note: str = attrs.field(default="", repr=False)
>>> Point(1, 2)
Point(x=1, y=<2>)
"""

from __future__ import annotations

import threading
from typing import Any, TypeVar

__all__ = ["plain_repr"]

_C = TypeVar("_C", bound=type)
_context = threading.local()


def plain_repr(cls: _C) -> _C:
    """Give an attrs class made with ``repr=False`` the repr attrs would have made."""
    if "__repr__" not in cls.__dict__:
        cls.__repr__ = _record_repr  # type: ignore[assignment]
    return cls


def _record_repr(self: Any) -> str:  # noqa: ANN401 - any record
    seen: set[int] | None = getattr(_context, "seen", None)
    if seen is None:
        seen = _context.seen = set()
    if id(self) in seen:
        return "..."
    seen.add(id(self))
    try:
        cls = self.__class__
        parts = []
        for field in cls.__attrs_attrs__:
            if field.repr is False:
                continue
            value = getattr(self, field.name)
            text = repr(value) if field.repr is True else field.repr(value)
            parts.append(f"{field.name}={text}")
        return f"{cls.__qualname__.rsplit('>.', 1)[-1]}({', '.join(parts)})"
    finally:
        seen.discard(id(self))
