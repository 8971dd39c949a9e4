"""The messages of a plan file's unknown keys and sections, said again in the CLI's language."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from ngayhoi.errors import Said
from ngayhoi.i18n import N_

__all__ = ["unknown_key"]


def unknown_key(
    key: object, names: Iterable[str], *, section: bool = False, known: bool = True
) -> Said:
    """An unknown key (or section) of a plan file, with the closest known one or the known ones.

    >>> unknown_key("nmae", ["id", "name"])
    "unknown key 'nmae'; did you mean 'name'?"
    >>> unknown_key("zz", ["id", "name"])
    "unknown key 'zz' (known: id, name)"
    """
    names = list(names)
    hint = difflib.get_close_matches(str(key), sorted(names), n=1)
    if section:
        if hint:
            return Said(
                N_("unknown section '{key}'; did you mean '{hint}'?"), key=key, hint=hint[0]
            )
        return Said(N_("unknown section '{key}'"), key=key)
    if hint:
        return Said(N_("unknown key '{key}'; did you mean '{hint}'?"), key=key, hint=hint[0])
    if known:
        return Said(N_("unknown key '{key}' (known: {known})"), key=key, known=", ".join(names))
    return Said(N_("unknown key '{key}'"), key=key)
