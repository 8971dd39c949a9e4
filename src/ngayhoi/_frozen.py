"""A read-only, hashable mapping for the records' tables (travel matrix, slots).

>>> table = FrozenMap({"a": 1, "b": 2})
>>> table["a"], "b" in table, dict(table) == {"a": 1, "b": 2}
(1, True, True)
>>> hash(table) == hash(FrozenMap(b=2, a=1))
True
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeVar, final

K = TypeVar("K")
V = TypeVar("V")

__all__ = ["FrozenMap"]


@final
class FrozenMap(Mapping[K, V]):
    """A ``dict`` that cannot change after it is made; equal to any mapping with the same items.

    It keeps the insertion order; its hash ignores the order, as equality does.

    >>> FrozenMap({"x": 1})["y"]
    Traceback (most recent call last):
    KeyError: 'y'
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[K, V] | None = None, /, **kwargs: V) -> None:
        """Copy ``data`` (and keyword items); later changes to it are not seen."""
        items: dict[Any, V] = dict(data) if data is not None else {}
        items.update(kwargs)
        self._data: dict[K, V] = items
        self._hash: int | None = None

    def __getitem__(self, key: K) -> V:
        """The value of ``key``; ``KeyError`` on a miss."""
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        """The keys, in insertion order."""
        return iter(self._data)

    def __len__(self) -> int:
        """How many items."""
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        """Whether ``key`` is a key."""
        return key in self._data

    def __hash__(self) -> int:
        """The hash of the items, whatever their order."""
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        """Equal to any mapping with the same items."""
        if isinstance(other, FrozenMap):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        """Short: how many items, and the first few."""
        shown = ", ".join(f"{k!r}: {v!r}" for k, v in list(self._data.items())[:3])
        more = f", … {len(self._data) - 3} more" if len(self._data) > 3 else ""  # noqa: PLR2004
        return f"FrozenMap({{{shown}{more}}})"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as the items."""
        return (FrozenMap, (self._data,))
