"""Modules loaded on first use, so ``import ngayhoi`` stays quick.

networkx takes longer to import than the whole 17-commune schedule, and the
everyday path (plan → schedule → calendars) never calls it: only a cycle, the
slack analysis and the graph views do. :func:`lazy_import` returns the module
object at once and runs its code the first time an attribute is read
(``importlib.util.LazyLoader``).

>>> json = lazy_import("json")
>>> json.dumps([1])
'[1]'
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

__all__ = ["lazy_import"]


def lazy_import(name: str) -> ModuleType:
    """The module ``name``, imported now if already loaded, else on first attribute access.

    >>> lazy_import("math").sqrt(4.0)
    2.0
    """
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        msg = f"module {name!r} is not installed"
        raise ModuleNotFoundError(msg, name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
