"""Schedules as JSON data, and the fingerprint of a plan: what a re-export needs to remember.

A schedule is stored with a ``format`` and a ``version`` key, its status,
every slot (times as ISO text with their offset), the due dates of the tasks,
its violations and waits; not the solver's running time (the same plan gives
the same bytes). Read back against the same plan it is equal to the original.

:func:`plan_fingerprint` digests the plan in canonical order (every table but
the activities, whose order the search's ties follow, sorted by id) and the
options that change the schedule: the backend, the budget and the seed.

>>> import ngayhoi
>>> fest = ngayhoi.samples.tiny_festival()
>>> sched = ngayhoi.schedule(fest)
>>> schedule_from_data(schedule_data(sched), fest) == sched
True
>>> len(plan_fingerprint(fest, backend="auto", budget=200, seed=0))
64
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import types
import typing
from collections.abc import Callable, Mapping
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import attrs
import orjson
import pendulum

from ngayhoi._checked import Checked
from ngayhoi._version import __version__
from ngayhoi.diagnostics import Violation, Wait
from ngayhoi.errors import PlanError, Said, ScheduleFileError
from ngayhoi.i18n import N_
from ngayhoi.model import Festival
from ngayhoi.scheduling.result import PrepSlot, Schedule, Slot, Status

if TYPE_CHECKING:
    import cattrs

__all__ = [
    "SCHEDULE_FORMAT",
    "SCHEDULE_VERSION",
    "check_schedule_data",
    "plan_digest",
    "plan_fingerprint",
    "schedule_data",
    "schedule_from_data",
]

#: The ``format`` key of a stored schedule.
SCHEDULE_FORMAT = "ngayhoi-schedule"
#: The newest version this ngayhoi reads and the one it writes.
SCHEDULE_VERSION = 1

# The tables whose order the search does not depend on (see scheduling.canonical).
_UNORDERED = ("units", "sites", "dependencies", "resources", "sync_groups", "prep_tasks", "awards")


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def schedule_data(schedule: Schedule) -> dict[str, Any]:
    """The schedule as plain JSON data (see the module docstring).

    >>> import ngayhoi
    >>> data = schedule_data(ngayhoi.schedule(ngayhoi.samples.tiny_festival()))
    >>> data["format"], data["version"], data["slots"][0]["start"]
    ('ngayhoi-schedule', 1, '2023-08-06T07:30:00+07:00')
    """
    return {
        "format": SCHEDULE_FORMAT,
        "version": SCHEDULE_VERSION,
        "generator": f"ngayhoi {__version__}",
        "festival": schedule.festival.id,
        "status": schedule.status.value,
        "solver": schedule.solver,
        "passes": schedule.passes,
        "bound": schedule.bound,
        "cut_short": schedule.cut_short,
        "slots": [
            {
                "activity": s.activity,
                "start": _iso(s.start),
                "end": _iso(s.end),
                "resources": list(s.resources),
                "pool_units": [[pool, list(units)] for pool, units in s.pool_units],
                "total_slack": s.total_slack,
                "free_slack": s.free_slack,
            }
            for s in schedule.slots.values()
        ],
        "prep": [{"task": p.task, "due": p.due.isoformat()} for p in schedule.prep.values()],
        "violations": [
            {
                "rule": v.rule,
                "activities": list(v.activities),
                "message": v.message,
                "amount": v.amount,
                "resource": v.resource,
            }
            for v in schedule.violations
        ],
        "waits": [
            {
                "activity": w.activity,
                "resource": w.resource,
                "minutes": w.minutes,
                "message": w.message,
                "blocker": w.blocker,
                "free_at": w.free_at,
                "travel": w.travel,
            }
            for w in schedule.waits
        ],
        "critical_path": list(schedule.critical_path),
    }


def schedule_from_data(
    data: object,
    festival: Festival,
    *,
    source: str = "<schedule>",
    error: type[Exception] = ScheduleFileError,
    hint: str = "save the schedule again (ngayhoi.io.save_schedule)",
    partial: bool = False,
) -> Schedule:
    """The schedule back from :func:`schedule_data`, checked against ``festival``.

    Args:
        data: the JSON data.
        festival: the plan it was made for.
        source: the file it came from, for messages.
        error: the error to raise (a :class:`ScheduleFileError` by default).
        hint: how to recover, said at the end of every message.
        partial: keep only the slots of activities (and resources) the plan
            still has, as the ``previous`` of a re-plan; otherwise an unknown
            id is refused.

    Raises:
        ScheduleFileError: (or ``error``) the data is of another format or a
            newer version, damaged, or names activities the plan does not have.

    >>> import ngayhoi
    >>> schedule_from_data({"format": "x"}, ngayhoi.samples.tiny_festival(), source="s.json")
    ... # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ngayhoi.errors.ScheduleFileError: s.json: not an ngayhoi schedule (format 'x', expected
    'ngayhoi-schedule'); save the schedule again (ngayhoi.io.save_schedule)
    """
    found = _read(data, festival, source=source, error=error, hint=hint, partial=partial)
    assert found is not None  # noqa: S101 - a festival was given
    return found


def check_schedule_data(data: object, *, source: str, error: type[Exception], hint: str) -> None:
    """Check stored schedule data for its format, version and types, without its plan.

    >>> from ngayhoi.errors import ExportError
    >>> check_schedule_data({"format": "ngayhoi-schedule", "version": 1, "festival": "f",
    ...     "status": "optimal", "slots": {}}, source="s", error=ExportError, hint="redo")
    Traceback (most recent call last):
    ngayhoi.errors.ExportError: s: slots: expected a list, found a table; redo
    """
    _read(data, None, source=source, error=error, hint=hint, partial=True)


def _read(  # noqa: C901, PLR0912, PLR0915 - one check per field, in file order
    data: object,
    festival: Festival | None,
    *,
    source: str = "<schedule>",
    error: type[Exception] = ScheduleFileError,
    hint: str = "save the schedule again (ngayhoi.io.save_schedule)",
    partial: bool = False,
) -> Schedule | None:
    read = Checked(source, error, hint)
    top = read.table(data, "")
    fmt = top.get("format")
    if fmt != SCHEDULE_FORMAT:
        msg = f"not an ngayhoi schedule (format {fmt!r}, expected {SCHEDULE_FORMAT!r})"
        raise read.problem(msg)
    version = read.integer(read.key(top, "version", "the file"), "version", minimum=1)
    if version > SCHEDULE_VERSION:
        msg = (
            f"a schedule of version {version}, written by a newer ngayhoi "
            f"(this one reads up to version {SCHEDULE_VERSION}); upgrade ngayhoi"
        )
        raise read.problem(msg)
    fest_id = read.text(read.key(top, "festival", "the file"), "festival")
    if festival is not None and fest_id != festival.id:
        msg = f"the schedule of festival '{fest_id}', not of '{festival.id}'"
        raise read.problem(msg)
    status_text = read.text(read.key(top, "status", "the file"), "status")
    try:
        status = Status(status_text)
    except ValueError:
        raise read.fail("status", "optimal, feasible, infeasible or unknown", status_text) from None
    zone = festival.timezone if festival is not None else "UTC"
    resources = {r.id for r in festival.resources} if festival is not None else None
    slots: dict[str, Slot] = {}
    for i, raw in enumerate(read.items(read.key(top, "slots", "the file"), "slots")):
        where = f"slots[{i}]"
        row = read.table(raw, where)
        act = read.text(read.key(row, "activity", where), f"{where}.activity")
        held = read.texts(row.get("resources", []), f"{where}.resources")
        if (
            festival is not None
            and resources is not None
            and (not festival.has_activity(act) or any(r not in resources for r in held))
        ):
            if partial:
                continue
            unknown = (
                act
                if not festival.has_activity(act)
                else next(r for r in held if r not in resources)
            )
            msg = (
                f"{where} names '{unknown}', which plan '{festival.id}' does not have "
                "(the schedule was made for another version of the plan)"
            )
            raise read.problem(msg)
        if act in slots:
            raise read.problem(f"{where}: a second slot for activity '{act}'")
        pools: list[tuple[str, tuple[int, ...]]] = []
        for j, pair in enumerate(read.items(row.get("pool_units", []), f"{where}.pool_units")):
            pw = f"{where}.pool_units[{j}]"
            parts = read.items(pair, pw)
            if len(parts) != 2:  # noqa: PLR2004 - a (pool, units) pair
                raise read.fail(pw, "a [pool, [units]] pair", pair)
            units = read.items(parts[1], f"{pw}[1]")
            pools.append(
                (
                    read.text(parts[0], f"{pw}[0]"),
                    tuple(read.integer(u, f"{pw}[1][{k}]") for k, u in enumerate(units)),
                )
            )
        slots[act] = Slot(
            activity=act,
            start=_instant(read, row, "start", where, zone),
            end=_instant(read, row, "end", where, zone),
            resources=held,
            pool_units=tuple(pools),
            total_slack=read.optional_integer(row.get("total_slack"), f"{where}.total_slack"),
            free_slack=read.optional_integer(row.get("free_slack"), f"{where}.free_slack"),
        )
    prep: dict[str, PrepSlot] = {}
    for i, raw in enumerate(read.items(top.get("prep", []), "prep")):
        row = read.table(raw, f"prep[{i}]")
        task = read.text(read.key(row, "task", f"prep[{i}]"), f"prep[{i}].task")
        due_text = read.text(read.key(row, "due", f"prep[{i}]"), f"prep[{i}].due")
        try:
            due = pendulum.Date.fromisoformat(due_text)
        except ValueError:
            raise read.fail(f"prep[{i}].due", "a date YYYY-MM-DD", due_text) from None
        prep[task] = PrepSlot(task=task, due=due)
    known_tasks = {t.id for t in festival.prep_tasks} if festival is not None else set(prep)
    if festival is not None and not partial and set(prep) != known_tasks:
        msg = (
            f"its preparation tasks ({len(prep)}) are not those of plan '{festival.id}' "
            f"({len(known_tasks)})"
        )
        raise read.problem(msg)
    violations = []
    for i, raw in enumerate(read.items(top.get("violations", []), "violations")):
        where = f"violations[{i}]"
        row = read.table(raw, where)
        violations.append(
            Violation(
                rule=read.text(read.key(row, "rule", where), f"{where}.rule"),
                activities=read.texts(row.get("activities", []), f"{where}.activities"),
                message=read.text(read.key(row, "message", where), f"{where}.message"),
                amount=read.optional_integer(row.get("amount"), f"{where}.amount"),
                resource=read.optional_text(row.get("resource"), f"{where}.resource"),
            )
        )
    waits = []
    for i, raw in enumerate(read.items(top.get("waits", []), "waits")):
        where = f"waits[{i}]"
        row = read.table(raw, where)
        waits.append(
            Wait(
                activity=read.text(read.key(row, "activity", where), f"{where}.activity"),
                resource=read.text(read.key(row, "resource", where), f"{where}.resource"),
                minutes=read.integer(read.key(row, "minutes", where), f"{where}.minutes"),
                message=read.text(read.key(row, "message", where), f"{where}.message"),
                blocker=read.optional_text(row.get("blocker"), f"{where}.blocker"),
                free_at=read.optional_text(row.get("free_at"), f"{where}.free_at"),
                travel=read.integer(row.get("travel", 0), f"{where}.travel", minimum=0),
            )
        )
    critical = read.texts(top.get("critical_path", []), "critical_path")
    bound = read.optional_integer(top.get("bound"), "bound")
    solver = read.text(top.get("solver", "stored"), "solver")
    passes = read.integer(top.get("passes", 0), "passes", minimum=0)
    cut_short = read.boolean(top.get("cut_short", False), "cut_short")
    if festival is None:
        return None
    return Schedule(
        festival=festival,
        status=status,
        slots=slots,
        prep=prep,
        violations=tuple(violations),
        waits=tuple(waits),
        critical_path=critical,
        bound=bound,
        solver=solver,
        passes=passes,
        cut_short=cut_short,
    )


def _instant(
    read: Checked, row: Mapping[str, Any], key: str, where: str, zone: str
) -> pendulum.DateTime:
    text = read.text(read.key(row, key, where), f"{where}.{key}")
    moment = _parse_instant(text, zone)
    if moment is None:
        raise read.fail(f"{where}.{key}", "an ISO date and time with its UTC offset", text)
    return moment


@functools.lru_cache(maxsize=4096)
def _parse_instant(text: str, zone: str) -> pendulum.DateTime | None:
    """The instant on the plan's clock (cached: a plan's slots share a few hundred times)."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return pendulum.instance(moment).in_timezone(zone)


@functools.cache
def _converter() -> cattrs.Converter:
    """The cattrs unstructuring :func:`_plain_data` mirrors, for a field type it does not know."""
    import cattrs  # noqa: PLC0415 - only a plan's digest needs it; `import ngayhoi` stays light

    conv = cattrs.Converter()

    def pairs(table: Mapping[Any, Any]) -> list[Any]:
        # Tables keyed by tuples (the travel matrix) as sorted [key, value] pairs.
        rows = [
            [list(k) if isinstance(k, tuple) else k, conv.unstructure(v)] for k, v in table.items()
        ]
        return sorted(rows, key=repr)

    conv.register_unstructure_hook_func(_is_mapping, pairs)
    return conv


def _is_mapping(kind: object) -> bool:
    return (isinstance(kind, type) and issubclass(kind, Mapping)) or getattr(
        kind, "__origin__", None
    ) is Mapping


_Plain = Callable[[Any], Any]


class _UnknownShapeError(TypeError):
    """A field type :func:`_plain_for` does not mirror; cattrs digests the plan then."""


def _same(value: object) -> object:
    return value


def _pairs(table: Mapping[Any, Any]) -> list[Any]:
    rows = [[list(k) if isinstance(k, tuple) else k, v] for k, v in table.items()]
    if not all(type(v) in {int, float, str, bool, type(None)} for _, v in rows):
        raise _UnknownShapeError(table)
    return sorted(rows, key=repr)


@functools.cache
def _plain_for(kind: Any) -> _Plain:  # noqa: ANN401 - any annotation
    """The function giving what cattrs' ``unstructure`` gives for a value of type ``kind``."""
    if isinstance(kind, type) and attrs.has(kind):
        return functools.partial(_record, _fields_of(kind))
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if origin in {typing.Union, types.UnionType}:
        others = [a for a in args if a is not type(None)]
        if len(others) != 1 or len(args) != 2:  # noqa: PLR2004 - one type or None
            raise _UnknownShapeError(kind)
        inner = _plain_for(others[0])
        return lambda value: None if value is None else inner(value)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:  # noqa: PLR2004 - tuple[X, ...]
        item = _plain_for(args[0])
        return lambda values: [item(v) for v in values]
    if origin is tuple:
        parts = [_plain_for(a) for a in args]
        return lambda values: tuple(f(v) for f, v in zip(parts, values, strict=True))
    if _is_mapping(kind):
        return _pairs
    if origin is not None or not isinstance(kind, type):
        raise _UnknownShapeError(kind)
    return _same  # str, int, float, bool, enums, dates, times, durations: as they are


@functools.cache
def _fields_of(cls: type) -> tuple[tuple[str, _Plain], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((a.name, _plain_for(hints[a.name])) for a in attrs.fields(cls) if a.init)


def _record(fields: tuple[tuple[str, _Plain], ...], value: object) -> dict[str, Any]:
    return {name: plain(getattr(value, name)) for name, plain in fields}


def _plain_data(festival: Festival) -> dict[str, Any]:
    """The plan as plain data, as cattrs' ``unstructure`` gives it (``_converter``).

    Written out here because cattrs builds its functions for every record type
    on first use, which took as long as the rest of the digest; a field type
    this does not know is left to cattrs (``tests/test_schedule_files.py``
    checks both give the same data and the same digest).
    """
    try:
        return _record(_fields_of(Festival), festival)
    except _UnknownShapeError:
        data: dict[str, Any] = _converter().unstructure(festival)
        return data


def _plain(value: object) -> object:
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    msg = Said(N_("plan_fingerprint: cannot digest {type}"), type=type(value).__name__)
    raise PlanError(msg)


def _key(row: object) -> str:
    if isinstance(row, Mapping):
        # Sorting the items by their repr sorts them by their (distinct) names.
        return repr((row.get("id", ""), sorted(row.items(), key=itemgetter(0))))
    return repr(row)


# An id whose repr is itself in quotes, every character after the quote in code order.
_PLAIN_ID = re.compile(r"[A-Za-z0-9._-]+")


def _canonical(rows: list[Any]) -> list[Any]:
    """``rows`` sorted by :func:`_key`; by id alone when every row has its own plain id.

    The key begins with the id's repr, ``'id'``; a quote sorts before every
    character of a plain id, so distinct plain ids order the keys as they
    order themselves, and the rest of the key is never reached.
    """
    ids = [row.get("id") if isinstance(row, Mapping) else None for row in rows]
    plain = all(isinstance(i, str) and _PLAIN_ID.fullmatch(i) for i in ids)
    if plain and len(set(ids)) == len(ids):
        return sorted(rows, key=itemgetter("id"))
    return sorted(rows, key=_key)


def plan_digest(festival: Festival) -> str:
    """A SHA-256 of the plan in canonical order: the same for the same plan in any order.

    >>> import attrs, ngayhoi
    >>> fest = ngayhoi.samples.two_communes_one_delegation()
    >>> shuffled = attrs.evolve(fest, units=fest.units[::-1], sites=fest.sites[::-1])
    >>> plan_digest(shuffled) == plan_digest(fest)
    True
    """
    data = _plain_data(festival)
    for name in _UNORDERED:
        data[name] = _canonical(data[name])
    blob = orjson.dumps(data, default=_plain, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(blob).hexdigest()


def plan_fingerprint(festival: Festival, *, backend: str, budget: int | None, seed: int) -> str:
    """A SHA-256 of the canonical plan and the options that change its schedule.

    Two equal fingerprints mean the search would give the same schedule, so an
    export can reuse the one it stored instead of searching again.

    >>> import ngayhoi
    >>> fest = ngayhoi.samples.tiny_festival()
    >>> a = plan_fingerprint(fest, backend="auto", budget=200, seed=0)
    >>> a == plan_fingerprint(fest, backend="auto", budget=200, seed=1)
    False
    """
    return fingerprint_of(plan_digest(festival), backend=backend, budget=budget, seed=seed)


def fingerprint_of(digest: str, *, backend: str, budget: int | None, seed: int) -> str:
    """The fingerprint from a :func:`plan_digest` and the scheduling options.

    >>> fingerprint_of("0" * 64, backend="auto", budget=200, seed=0)[:12]
    '19bfb7a8877c'
    """
    blob = orjson.dumps(
        {"plan": digest, "backend": backend, "budget": budget, "seed": seed},
        option=orjson.OPT_SORT_KEYS,
    )
    return hashlib.sha256(blob).hexdigest()
