"""``[[people]]`` in plan files: named officials as resources that are in one place at a time.

A person (the Chủ tịch UBND xã, the Trưởng Công an xã, a named MC, a member of
a delegation) becomes a resource of kind ``person``: capacity one, and the
drive between two points. The items they lead need them, so the scheduler
never puts them in two places; ``deputy`` names who may stand in for them
(one of the two leads each item), which is how a commune with several
points after 2025 either sends a deputy or runs its points one after
another (no deputy).

>>> from ngayhoi import io
>>> from ngayhoi.cli import init_text
>>> import datetime as dt
>>> text = init_text(communes=1, day=dt.date(2025, 8, 10)) + '''
... [[people]]
... id = "ct-can-duoc"
... name = "Chủ tịch UBND xã Cần Đước"
... unit = "can-duoc"
... leads = ["phat-bieu-tiep-thu"]
... '''
>>> plan = io.loads(text)
>>> [r.resource for r in plan.activity("can-duoc.phat-bieu-tiep-thu").needs]
['ct-can-duoc']
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol

import attrs

from ngayhoi.errors import PlanError, Said, UnknownReferenceError
from ngayhoi.i18n import N_
from ngayhoi.io._keys import unknown_key
from ngayhoi.model import Requirement, Resource, ResourceKind

__all__ = ["PEOPLE_KEYS", "add_people", "deputy_group"]

#: The keys of a ``[[people]]`` table.
PEOPLE_KEYS = ("id", "name", "unit", "leads", "activities", "deputy", "delegation")


class Reader(Protocol):
    """What reads the plan file: it makes the error for a path and a message."""

    def fail(self, path: str, message: Said) -> Exception:
        """The error to raise at ``path`` (``message`` is said again in the CLI's language)."""
        ...

    def fail_on(self, path: str, inner: PlanError) -> Exception:
        """The model's error ``inner``, to raise at ``path``."""
        ...

    def gather(self) -> AbstractContextManager[None]:
        """Keep an error raised inside (with the file's others) and go on."""
        ...


def deputy_group(person: str) -> str:
    """The id of the group "the person or their deputy".

    >>> deputy_group("ct-rach-kien")
    'ct-rach-kien.hoac-cap-pho'
    """
    return f"{person}.hoac-cap-pho"


def _strings(value: object, path: str, reader: Reader) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise reader.fail(
            path,
            Said(
                N_('{value!r} must be a list of ids in quotes, e.g. ["phat-bieu-tiep-thu"]'),
                value=value,
            ),
        )
    return list(value)


def add_people(tables: object, lists: dict[str, list[Any]], reader: Reader) -> None:
    """Add each ``[[people]]`` table as a person resource and the needs of the items they lead.

    Args:
        tables: the ``people`` value of the plan file.
        lists: the plan's sections so far (``activities``, ``resources``, ``sites``).
        reader: makes the error for a path and a message.
    """
    if not isinstance(tables, list):
        raise reader.fail("people", Said(N_("expected [[people]] tables (id, name, leads)")))
    rows: list[tuple[int, Mapping[str, Any]]] = []
    for k, table in enumerate(tables):
        with reader.gather():
            rows.append((k, _row(k, table, reader)))
    ids = [str(t["id"]) for _, t in rows]
    deputies = {str(t["deputy"]): str(t["id"]) for _, t in rows if isinstance(t.get("deputy"), str)}
    resources = lists["resources"]
    known = {r.id for r in resources}
    delegations = {r.id: i for i, r in enumerate(resources) if r.kind is ResourceKind.DELEGATION}
    for k, table in rows:
        with reader.gather():
            _person(k, table, ids, deputies, known, delegations, lists, reader)


def _row(k: int, table: object, reader: Reader) -> Mapping[str, Any]:
    """One ``[[people]]`` table whose keys are known and whose id and name are text."""
    if not isinstance(table, Mapping):
        raise reader.fail(
            f"people[{k}]", Said(N_("a [[people]] table has id, name and what they lead"))
        )
    for key in table:
        if key not in PEOPLE_KEYS:
            raise reader.fail(f"people[{k}].{key}", unknown_key(key, PEOPLE_KEYS, known=False))
    for key in ("id", "name"):
        if not isinstance(table.get(key), str):
            raise reader.fail(
                f"people[{k}]", Said(N_("missing key '{key}' (text in quotes)"), key=key)
            )
    return table


def _person(  # noqa: PLR0917 - the people's ids and the plan's parts one person reads
    k: int,
    table: Mapping[str, Any],
    ids: list[str],
    deputies: dict[str, str],
    known: set[str],
    delegations: dict[str, int],
    lists: dict[str, list[Any]],
    reader: Reader,
) -> None:
    """One person: a resource, a member of its delegation, and the needs of what they lead."""
    resources = lists["resources"]
    pid = str(table["id"])
    if pid in known:
        raise reader.fail(
            f"people[{k}].id",
            Said(N_("'{pid}' is already a resource id; give the person another id"), pid=pid),
        )
    deputy = table.get("deputy")
    if deputy is not None and (not isinstance(deputy, str) or deputy not in ids or deputy == pid):
        unknown = UnknownReferenceError(
            item_kind="person",
            item_id=pid,
            ref_kind="deputy",
            ref=str(deputy),
            valid=[i for i in ids if i != pid],
        )
        raise reader.fail(
            f"people[{k}].deputy",
            Said(N_("{unknown}; the deputy is another [[people]] table"), unknown=unknown),
        )
    group = deputy_group(pid) if deputy is not None else None
    if pid in deputies:
        group = deputy_group(deputies[pid])
        if deputy is not None:
            raise reader.fail(
                f"people[{k}].deputy",
                Said(N_("'{pid}' is a deputy already; a deputy has no deputy"), pid=pid),
            )
    try:
        person = Resource(id=pid, name=str(table["name"]), kind=ResourceKind.PERSON, group=group)
    except PlanError as err:
        raise reader.fail_on(f"people[{k}]", err) from None
    resources.append(person)
    known.add(pid)
    team = table.get("delegation")
    if team is not None:
        if team not in delegations:
            unknown = UnknownReferenceError(
                item_kind="person",
                item_id=pid,
                ref_kind="delegation",
                ref=str(team),
                valid=list(delegations),
            )
            raise reader.fail_on(f"people[{k}].delegation", unknown)
        i = delegations[str(team)]
        resources[i] = attrs.evolve(resources[i], members=(*resources[i].members, person.name))
        resources[-1] = attrs.evolve(person, delegation=str(team))
    need = group or pid
    _lead(table, k, need, lists, reader)


def _lead(
    table: Mapping[str, Any], k: int, need: str, lists: dict[str, list[Any]], reader: Reader
) -> None:
    acts = lists["activities"]
    by_id = {a.id: i for i, a in enumerate(acts)}
    sites = {s.id: s.unit for s in lists["sites"]}
    chosen: list[int] = []
    for aid in _strings(table.get("activities"), f"people[{k}].activities", reader):
        if aid not in by_id:
            unknown = UnknownReferenceError(
                item_kind="person",
                item_id=str(table["id"]),
                ref_kind="activity",
                ref=aid,
                valid=list(by_id),
            )
            raise reader.fail_on(f"people[{k}].activities", unknown)
        chosen.append(by_id[aid])
    leads = _strings(table.get("leads"), f"people[{k}].leads", reader)
    if leads:
        unit = table.get("unit")
        if not isinstance(unit, str):
            raise reader.fail(
                f"people[{k}].leads",
                Said(N_("leads names programme items: give the person's unit too")),
            )
        items = {a.item for a in acts if sites.get(a.site) == unit}
        if not items - {None}:
            units = sorted(set(sites.values()))
            unknown = UnknownReferenceError(
                item_kind="person",
                item_id=str(table["id"]),
                ref_kind="unit with points",
                ref=unit,
                valid=units,
            )
            raise reader.fail_on(f"people[{k}].unit", unknown)
        for key in leads:
            if key not in items:
                valid = sorted(i for i in items if i is not None)
                unknown = UnknownReferenceError(
                    item_kind="person",
                    item_id=str(table["id"]),
                    ref_kind="programme item",
                    ref=key,
                    valid=valid,
                )
                raise reader.fail_on(f"people[{k}].leads", unknown)
        chosen += [i for i, a in enumerate(acts) if sites.get(a.site) == unit and a.item in leads]
    for i in sorted(set(chosen)):
        act = acts[i]
        if any(r.resource == need for r in act.needs):
            continue
        acts[i] = attrs.evolve(act, needs=(*act.needs, Requirement(need)))
