"""Every record's repr is the one attrs would have compiled for it (ngayhoi._records)."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import attrs
import pytest

import ngayhoi
from ngayhoi._records import _record_repr, plain_repr


def _records() -> list[type]:
    found: list[type] = []
    for info in pkgutil.walk_packages(ngayhoi.__path__, "ngayhoi."):
        if info.name == "ngayhoi.__main__":
            continue  # runs the command line
        module = importlib.import_module(info.name)
        found.extend(
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and value.__module__ == module.__name__
            and attrs.has(value)
            and value.__repr__ is _record_repr
        )
    return found


RECORDS = _records()


def _filled(cls: type, values: dict[str, Any]) -> Any:
    obj: Any = object.__new__(cls)
    for name, value in values.items():
        object.__setattr__(obj, name, value)
    return obj


def test_the_everyday_records_use_the_shared_repr() -> None:
    names = {cls.__qualname__ for cls in RECORDS}
    assert {"Festival", "Activity", "Slot", "Schedule", "CalendarEvent", "Feed"} <= names
    assert len(RECORDS) >= 60


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_a_records_repr_is_the_one_attrs_compiles(cls: type) -> None:
    fields = attrs.fields(cls)
    twin = attrs.make_class(
        cls.__name__,
        {a.name: attrs.field(repr=a.repr, init=False) for a in fields},
        slots=True,
    )
    twin.__qualname__ = cls.__qualname__
    values = {a.name: (f"giá trị {i}", i) for i, a in enumerate(fields)}
    assert repr(_filled(cls, values)) == repr(_filled(twin, values))


def test_a_record_inside_itself_is_shown_as_dots_as_attrs_does() -> None:
    @plain_repr
    @attrs.define(repr=False)
    class Mine:
        inner: Any = None

    @attrs.define
    class Theirs:
        inner: Any = None

    mine, theirs = Mine(), Theirs()
    mine.inner, theirs.inner = [mine], [theirs]
    assert repr(mine) == "Mine(inner=[...])"
    assert repr(theirs).endswith("Theirs(inner=[...])")
