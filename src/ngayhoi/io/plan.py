"""Plan files: a festival in TOML, loaded with cattrs over the attrs model, saved back.

A plan file is versioned (``format = "ngayhoi-plan"``, ``version = 1``) and
holds everything the model holds, in sections named like the model's fields
(``[festival]``, ``[[sites]]``, ``[[activities]]``, ``[[dependencies]]``,
``[[resources]]``, ``[[sync_groups]]``, ``[[prep_tasks]]``, ``[[awards]]``,
``[travel]``). Two generator sections save writing: ``[programme]`` stamps the
standard programme onto sites and ``[preparation]`` adds the preparation
cascade; ``[units] dataset = [...]`` takes units from the shipped, dated
dataset. Durations and lags are minutes; times are TOML times or ``"HH:MM"``.
Saving writes the plan out in full, so ``load(save(plan)) == plan``.

Every error names the file, the key path and, where it can, the line:
``plan.toml: sites[3].unit: unknown unit 'long-khe' ... (line 41)``.

>>> import ngayhoi
>>> text = dumps(ngayhoi.samples.tiny_festival())
>>> loads(text) == ngayhoi.samples.tiny_festival()
True
>>> print(text.splitlines()[0])
format = "ngayhoi-plan"
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import enum
import functools
import re
import tomllib
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs
import pendulum

from ngayhoi import data as dataset
from ngayhoi._lazy import lazy_import
from ngayhoi.arguments import path_argument, text_argument
from ngayhoi.errors import (
    NgayhoiError,
    PlanError,
    PlanErrors,
    Said,
    UnitNotValidError,
    UnknownReferenceError,
)
from ngayhoi.files import write_atomic
from ngayhoi.i18n import N_
from ngayhoi.io._keys import unknown_key
from ngayhoi.io.people import add_people
from ngayhoi.model import (
    Activity,
    Award,
    Dependency,
    Festival,
    Issuer,
    PrepTask,
    Requirement,
    Resource,
    Site,
    SyncGroup,
    TravelTimes,
    Unit,
)
from ngayhoi.model._fields import MAX_MINUTES, TIMEZONE
from ngayhoi.model.awards import ceremony_minutes
from ngayhoi.templates import (
    STANDARD_ITEMS,
    Programme,
    preparation_cascade,
    stamp_programme,
    standard_programme,
    standard_roles,
)
from ngayhoi.templates.events import commendation_meeting, pilot_day, review_conference
from ngayhoi.templates.overrides import Override, apply_overrides, reach
from ngayhoi.text import check_id

if TYPE_CHECKING:
    import cattrs
    import tomli_w
else:
    # Loaded on the first plan read or write, not by `import ngayhoi.cli` (``--help``).
    cattrs = lazy_import("cattrs")
    tomli_w = lazy_import("tomli_w")

__all__ = ["FORMAT", "VERSION", "PlanFileError", "dumps", "load", "loads", "save"]

FORMAT = "ngayhoi-plan"
VERSION = 1
T = TypeVar("T")
_MAX_BYTES = 5 * 1024 * 1024
_SURROGATE = re.compile("[\ud800-\udfff]")


class PlanFileError(PlanError):
    """A plan file is malformed; the message names the file, the key path and the line.

    ``message`` is what was wrong there; ``inner`` the model's error it came from, if any.
    The kind, item, field and value are the inner error's. ``errors`` lists every
    independent error the file holds, this one first (:meth:`every` makes one of several).

    >>> both = PlanFileError.every([PlanFileError("p.toml", "sites[0].unit", "unknown unit", 14),
    ...                             PlanFileError("p.toml", "activities[2].kind", "bad kind", 30)])
    >>> print(both)
    p.toml: sites[0].unit: unknown unit (line 14)
    >>> [(e.path, e.line) for e in both.errors]
    [('sites[0].unit', 14), ('activities[2].kind', 30)]
    """

    def __init__(
        self,
        source: str,
        path: str,
        message: str,
        line: int | None = None,
        *,
        inner: PlanError | None = None,
        others: Sequence[PlanFileError] = (),
    ) -> None:
        """Compose ``source: path: message (line N)``; ``others`` are the file's other errors."""
        self.source = source
        self.path = path
        self.line = line
        self.message = message
        self.inner = inner
        self._others = tuple(others)
        where = f"{source}: {path}: " if path else f"{source}: "
        tail = f" (line {line})" if line else ""
        super().__init__(
            f"{where}{message}{tail}",
            kind=inner.kind if inner else None,
            item=inner.item if inner else None,
            field=inner.field if inner else None,
            value=inner.value if inner else None,
            expected=inner.expected if inner else None,
            hint=inner.hint if inner else None,
        )

    @property
    def errors(self) -> tuple[PlanFileError, ...]:
        """Every error of the plan file, each on its own (this one first)."""
        if not self._others:
            return (self,)
        alone = PlanFileError(self.source, self.path, self.message, self.line, inner=self.inner)
        return (alone, *self._others)

    @classmethod
    def every(cls, errors: Sequence[PlanFileError]) -> PlanFileError:
        """One error that reads as the first of ``errors`` and holds them all in ``errors``."""
        found = [e for err in errors for e in err.errors]
        first = found[0]
        return cls(
            first.source, first.path, first.message, first.line, inner=first.inner,
            others=found[1:],
        )  # fmt: skip


# -- the converter ----------------------------------------------------------------


@functools.cache
def _converter() -> cattrs.Converter:  # noqa: C901, PLR0915 - one hook per model type
    conv = cattrs.Converter(forbid_extra_keys=True)

    def as_datetime(value: Any, _t: Any) -> pendulum.DateTime:  # noqa: ANN401 - any TOML value
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value)
            except ValueError as err:
                msg = Said(
                    N_("{value!r} is not a date and time; write 2023-08-06T06:45:00+07:00"),
                    value=value,
                )
                raise PlanError(msg) from err
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return pendulum.instance(value)
        if isinstance(value, dt.datetime):
            msg = Said(
                N_("{value} has no time zone; write the offset, e.g. 2023-08-06T06:45:00+07:00"),
                value=value.isoformat(),
            )
            raise PlanError(msg)
        msg = Said(
            N_("{value!r} is not a date and time; write 2023-08-06T06:45:00+07:00"), value=value
        )
        raise PlanError(msg)

    def as_duration(value: Any, _t: Any) -> pendulum.Duration:  # noqa: ANN401
        if isinstance(value, bool) or not isinstance(value, int):
            msg = Said(
                N_("{value!r} is not a whole number of minutes; write it without quotes, e.g. 30"),
                value=value,
            )
            raise PlanError(msg)
        if abs(value) > MAX_MINUTES:
            msg = Said(
                N_(
                    "{value} min is out of range; expected at most {MAX_MINUTES} minutes (100 days)"
                ),
                value=value,
                MAX_MINUTES=MAX_MINUTES,
            )
            raise PlanError(msg)
        return pendulum.duration(minutes=value)

    def as_date(value: Any, _t: Any) -> pendulum.Date:  # noqa: ANN401
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError as err:
                msg = Said(N_("{value!r} is not a date; write 2023-08-06"), value=value)
                raise PlanError(msg) from err
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return pendulum.Date(value.year, value.month, value.day)
        msg = Said(N_("{value!r} is not a date; write 2023-08-06"), value=value)
        raise PlanError(msg)

    def as_requirement(value: Any, _t: Any) -> Requirement:  # noqa: ANN401
        if isinstance(value, str):
            return Requirement(value)
        if isinstance(value, Mapping):
            extra = set(value) - {"resource", "quantity"}
            if extra:
                msg = Said(
                    N_("unknown key {value!r}; a need has resource and quantity"), value=min(extra)
                )
                raise PlanError(msg)
            return Requirement(value.get("resource", ""), value.get("quantity", 1))
        msg = Said(
            N_("{value!r} is not a resource id or a {{resource, quantity}} table"), value=value
        )
        raise PlanError(msg)

    def as_enum(value: Any, kind: type[enum.Enum]) -> enum.Enum:  # noqa: ANN401
        try:
            return kind(value)
        except ValueError:
            choices = ", ".join(repr(m.value) for m in kind)
            msg = Said(N_("{value!r} is not one of {choices}"), value=value, choices=choices)
            raise PlanError(msg) from None

    def as_list(value: Any, kind: Any) -> tuple[Any, ...]:  # noqa: ANN401
        if not isinstance(value, list):
            msg = Said(
                N_('{value!r} is not a list; write a list in brackets, e.g. ["a", "b"]'),
                value=value,
            )
            raise PlanError(msg)
        item = typing.get_args(kind)[0]
        out = []
        for k, entry in enumerate(value):
            try:
                out.append(conv.structure(entry, item))
            except PlanError as err:
                msg = Said(N_("entry {k}: {err}"), k=k, err=err)
                raise PlanError(msg) from None
        return tuple(out)

    issuer_fields = {a.name for a in attrs.fields(Issuer)}

    def as_issuer(value: Any, _t: Any) -> Issuer:  # noqa: ANN401
        if not isinstance(value, Mapping):
            msg = Said(
                N_(
                    '{value!r} is not a table; write issuer = {{id = "ct-ubnd-xa", title = "Chủ '
                    'tịch UBND xã"}}'
                ),
                value=value,
            )
            raise PlanError(msg)
        extra = sorted(set(value) - issuer_fields)
        if extra:
            msg = Said(
                N_("unknown key {value!r}; an issuer has {names}"),
                value=extra[0],
                names=", ".join(sorted(issuer_fields)),
            )
            raise PlanError(msg)
        return issuer_hook(dict(value), Issuer)

    # Strings are classes to cattrs, and a StrEnum is a string: register the enum hooks
    # by class so they win over the string hook.
    conv.register_structure_hook(enum.Enum, as_enum)
    conv.register_structure_hook(enum.StrEnum, as_enum)
    conv.register_structure_hook(str, _strict(str))
    conv.register_structure_hook(int, _strict(int))
    conv.register_structure_hook(float, _strict(float))
    conv.register_structure_hook(bool, _strict(bool))
    conv.register_structure_hook_func(
        _is_homogeneous_tuple,
        as_list,
    )
    issuer_hook = conv.gen_structure_attrs_fromdict(Issuer)  # after the field hooks
    conv.register_structure_hook(Issuer, as_issuer)
    conv.register_structure_hook(pendulum.DateTime, as_datetime)
    conv.register_structure_hook(pendulum.Duration, as_duration)
    conv.register_structure_hook(pendulum.Date, as_date)
    conv.register_structure_hook(dt.time, lambda v, _t: _as_time(v))
    conv.register_structure_hook(Requirement, as_requirement)
    return conv


def _is_homogeneous_tuple(kind: object) -> bool:
    """Whether ``kind`` is ``tuple[X, ...]``, a list in the plan file."""
    origin: object = typing.get_origin(kind)
    return origin is tuple and typing.get_args(kind)[1:] == (Ellipsis,)


_EXPECTED = {
    str: Said(N_("text; write it in quotes")),
    int: Said(N_("a whole number; write it without quotes, e.g. 3")),
    float: Said(N_("a number; write it without quotes, e.g. 10.5")),
    bool: Said(N_("true or false; write one of those without quotes")),
}


def _strict(kind: type[T]) -> Callable[[object, object], T]:
    """A hook that takes only values of ``kind`` (cattrs would turn 5 into "5", "3" into 3)."""

    def structure(value: object, _t: object) -> T:
        ok = isinstance(value, kind) and not (kind is not bool and isinstance(value, bool))
        if kind is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if ok:
                return cast("T", float(cast("float", value)))
        if not ok:
            msg = Said(N_("{value!r} is not {value2}"), value=value, value2=_EXPECTED[kind])
            raise PlanError(msg)
        return cast("T", value)

    return structure


_CLOCK = re.compile(r"^\s*(\d{1,2})\s*[:hH]\s*(\d{2})\s*$")


def _said(err: BaseException) -> Said:
    """The error's message; a :class:`~ngayhoi.errors.Said` stays one (the CLI says it again).

    Any other message is kept as it is (a template without values to say again).
    """
    first = err.args[0] if err.args else None
    if isinstance(first, Said) and first == str(err):
        return first
    return Said("{message}", message=str(err))


def _as_time(value: object) -> dt.time:
    """A time of day from a TOML time, ``"07:30"``, ``"7:30"`` or ``"7h30"``."""
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str):
        found = _CLOCK.match(value)
        if found and int(found.group(1)) < 24 and int(found.group(2)) < 60:  # noqa: PLR2004
            return dt.time(int(found.group(1)), int(found.group(2)))
    raise PlanError(
        Said(
            N_('{value} is not a time of day; write it as "HH:MM" in quotes, e.g. "07:30"'),
            value=repr(value),
        )
    )


#: What each record read from a table is called in errors (as the model's own errors call it).
_KIND_OF: dict[type[Any], str] = {SyncGroup: "sync group", PrepTask: "prep task"}

_SECTIONS: dict[str, type[Any]] = {
    "sites": Site,
    "activities": Activity,
    "dependencies": Dependency,
    "resources": Resource,
    "sync_groups": SyncGroup,
    "prep_tasks": PrepTask,
    "awards": Award,
}
_TOP = {
    "format",
    "version",
    "festival",
    "units",
    "programme",
    "preparation",
    "needs",
    "people",
    "travel",
    "override",
    "pilot",
    "conference",
    *_SECTIONS,
}
_FESTIVAL_KEYS = {
    "id",
    "name",
    "days",
    "timezone",
    "campaign",
    "organiser",
    "opens",
    "closes",
    "outdoor_until",
    "domain",
    "attendance",
    "max_idle",
    "weather",
    "working_days",
    "days_off",
}


# -- loading ------------------------------------------------------------------------


#: The section an unknown reference of each kind points into (``[units]`` for a unit).
_REFERRED = {
    "unit": "[units]",
    "commune-level unit": "[units]",
    "site": "[sites]",
    "activity": "[activities]",
    "resource or group": "[resources]",
    "role": "[resources]",
    "owner role": "[resources]",
    "prep task": "[prep_tasks]",
}


@attrs.define
class _Reader:
    source: str
    text: str
    # Award ceremonies whose minutes the plan gives (programme ``minutes.trao-thuong``).
    fixed: set[str] = attrs.field(factory=set)
    lines: dict[tuple[str | int, ...], int] | None = None
    # Every error found so far, and the ids of the rows that could not be read: a
    # reference to one of those is not reported again as unknown.
    errors: list[PlanFileError] = attrs.field(factory=list)
    broken: set[str] = attrs.field(factory=set)
    # Look-ups that keep thousands of errors linear: what is reported, the tables of a
    # section by id, and how often each duplicate id was blamed.
    said: set[tuple[str, str]] = attrs.field(factory=set)
    by_id: dict[str, dict[object, list[tuple[str, Mapping[str, Any]]]]] = attrs.field(factory=dict)
    blamed: dict[tuple[str, object], int] = attrs.field(factory=dict)

    def fail(self, path: str, message: Said, inner: PlanError | None = None) -> PlanFileError:
        """The error at ``path``: ``message`` is English that the CLI says again in its language."""
        return PlanFileError(self.source, path, message, self.line_of(path), inner=inner)

    def fail_on(self, path: str, inner: PlanError) -> PlanFileError:
        """The model's error ``inner`` at ``path`` (the CLI says it from its fields or template).

        An error without fields is kept as its message only: ``inner`` always names its item.
        """
        if inner.kind is None:
            return self.fail(path, _said(inner))
        return PlanFileError(self.source, path, _said(inner), self.line_of(path), inner=inner)

    def line_of(self, path: str) -> int | None:
        """The line of a key path such as ``activities[3].duration`` or ``programme.switch.x``.

        The longest part of the path the file spells out gets the line: a key inside
        ``[[units.define]]``, an entry of an inline array, a key of ``[programme.switch]``.
        """
        if self.lines is None:
            self.lines = _key_lines(self.text)
        tokens = _path_tokens(path)
        for end in range(len(tokens), 0, -1):
            found = self.lines.get(tuple(tokens[:end]))
            if found is not None:
                return found
        return None

    def row_line(self, err: PlanFileError) -> int:
        """The line of the row (or top key) an error is in; 0 for the file's own errors."""
        tokens = _path_tokens(err.path)[:2]
        if not tokens:
            return 0
        if len(tokens) == 1 or not isinstance(tokens[1], int):
            return self.line_of(str(tokens[0])) or 0
        return self.line_of(f"{tokens[0]}[{tokens[1]}]") or 0

    def add(self, err: PlanFileError) -> None:
        """Keep the errors (but no unknown reference to a row that could not be read)."""
        for one in err.errors:
            inner = one.inner
            if isinstance(inner, UnknownReferenceError) and (
                inner.ref in self.broken or _REFERRED.get(inner.ref_kind) in self.broken
            ):
                continue
            if (one.path, one.message) in self.said:
                continue
            self.said.add((one.path, one.message))
            self.errors.append(one)

    def tables(self, doc: Mapping[str, Any], section: str, ident: object) -> list[Any]:
        """The tables of ``section`` whose id is ``ident``, with their key paths."""
        index = self.by_id.get(section)
        if index is None:
            index = self.by_id[section] = {}
            for path, table in _tables(doc, section):
                key = _ident(section, table)
                if isinstance(key, str):
                    index.setdefault(key, []).append((path, table))
        return index.get(ident, []) if isinstance(ident, str) else []

    @contextlib.contextmanager
    def gather(self, ident: object = None, section: str | None = None) -> Iterator[None]:
        """Keep a plan-file error raised inside and go on.

        ``ident`` is the id of the row of ``section`` read: a reference to it is not
        reported as unknown; without an id, no reference into that section is.
        """
        try:
            yield
        except PlanFileError as err:
            self.add(err)
            if isinstance(ident, str):
                self.broken.add(ident)
            elif section is not None:
                self.broken.add(f"[{section}]")

    def clean(self, *prefixes: str) -> bool:
        """Whether no error so far is at a path under one of ``prefixes`` (or has no path)."""
        return not any(
            not e.path or _path_tokens(e.path)[0] in prefixes or e.path in prefixes
            for e in self.errors
        )

    def structure(self, table: object, cls: type[T], path: str) -> T:
        """One row as a record; every bad key of the row is named (one error each)."""
        if not isinstance(table, Mapping):
            raise self.fail(
                path, Said(N_("expected a table, got {type}"), type=type(table).__name__)
            )
        names = {a.alias or a.name for a in attrs.fields(cast("Any", cls)) if a.init}
        found: list[PlanFileError] = [
            self.fail(f"{path}.{key}", unknown_key(key, sorted(names)))
            for key in table
            if key not in names
        ]
        known = {k: v for k, v in table.items() if k in names}
        try:
            record = _converter().structure(known, cls)
        except cattrs.ClassValidationError as err:
            found += self._explain(err, path, known)
        except PlanError as err:
            # A check of the whole record (its validators): its field names the key.
            key = f"{path}.{err.field}" if err.field in known else path
            found.append(self.fail_on(key, err))
        if found:
            raise PlanFileError.every(found)
        return record

    def _explain(
        self, err: cattrs.ClassValidationError, path: str, table: Mapping[str, Any]
    ) -> list[PlanFileError]:
        """Each attribute's error at its key: cattrs names the attribute of each."""
        with_notes, without = err.group_exceptions()
        found: list[PlanFileError] = []
        missing = [note.name for sub, note in with_notes if isinstance(sub, KeyError)]
        if missing:
            keys = ", ".join(f"'{name}'" for name in missing)
            template = (
                N_("missing required keys {keys}")
                if missing[1:]
                else N_("missing required key {keys}")
            )
            found.append(self.fail(path, Said(template, keys=keys)))
        for sub, note in with_notes:
            key = f"{path}.{note.name}"
            if isinstance(sub, KeyError):
                continue
            if isinstance(sub, cattrs.ClassValidationError):
                inner = table.get(note.name)
                found += self._explain(sub, key, inner if isinstance(inner, Mapping) else {})
            elif isinstance(sub, PlanError):
                if sub.field is None:
                    # A value hook knows the value, not the record: cattrs names the attribute.
                    sub.kind, sub.field = _KIND_OF.get(err.cl, err.cl.__name__.lower()), note.name
                    ident = table.get("id")
                    sub.item = ident if isinstance(ident, str) else None
                found.append(self.fail_on(key, sub))
            else:
                found.append(self.fail(key, _plain_error(sub)))
        for sub in without:
            # A check of the whole record (its validators): the error's field names the key.
            inner = sub if isinstance(sub, PlanError) else None
            field = inner.field if inner is not None else None
            key = f"{path}.{field}" if field in table else path
            found.append(self.fail_on(key, inner) if inner else self.fail(key, _plain_error(sub)))
        return found


_PATH_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)
_STRING = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'[^']*'")


def _path_tokens(path: str) -> list[str | int]:
    """``units.define[1].name`` as ``["units", "define", 1, "name"]``."""
    return [int(index) if index else name for name, index in _PATH_TOKEN.findall(path)]


def _dotted(text: str) -> list[str | int]:
    return [
        part.strip().strip("\"'")
        for part in re.split(r"\.(?=(?:[^\"']*[\"'][^\"']*[\"'])*[^\"']*$)", text)
    ]


def _key_lines(text: str) -> dict[tuple[str | int, ...], int]:
    r"""The first line of every key path the TOML text spells out (tables, keys, array entries).

    Reads headers (``[a.b]``, ``[[a.b]]`` counted per array), ``key =`` lines and the
    entries and keys of inline arrays and tables (also over several lines).

    >>> found = _key_lines('[[a]]\nx = 1\n[[a]]\ny = [\n  {b = 2},\n  {c = 3}]\n')
    >>> found[("a", 1, "y", 1, "c")], found[("a", 0, "x")]
    (6, 2)
    """
    lines: dict[tuple[str | int, ...], int] = {}
    counts: dict[tuple[str | int, ...], int] = {}
    current: tuple[str | int, ...] = ()
    # Open inline arrays and tables: [path, kind, entries so far, inside an entry].
    stack: list[list[Any]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _STRING.sub('""', raw).split("#", 1)[0]
        at = 0
        if not stack:
            header = _HEADER.match(line)
            if header:
                names = tuple(_dotted(header.group(2)))
                if header.group(1) == "[[":
                    counts[names] = counts.get(names, -1) + 1
                    current = (*names, counts[names])
                else:
                    current = names
                for end in range(1, len(current) + 1):
                    lines.setdefault(current[:end], number)
                continue
            key = _KEY.match(line)
            if key is None:
                continue
            path = (*current, *_dotted(key.group(1)))
            lines.setdefault(path, number)
            at = _open(line, key.end(), path, stack)
        _scan(line, at, number, stack, lines)
    return lines


def _open(line: str, at: int, path: tuple[str | int, ...], stack: list[list[Any]]) -> int:
    """After ``key =``: push an inline array or table that starts here; the next position."""
    rest = line[at:].lstrip()
    if rest[:1] in {"[", "{"}:
        stack.append([path, rest[0], -1, False])
        return len(line) - len(rest) + 1
    return at


def _scan(
    line: str,
    at: int,
    number: int,
    stack: list[list[Any]],
    lines: dict[tuple[str | int, ...], int],
) -> None:
    while at < len(line) and stack:
        frame = stack[-1]
        path, kind = frame[0], frame[1]
        char = line[at]
        if char in "]}":
            stack.pop()
            if stack:
                stack[-1][3] = True
            at += 1
        elif char == ",":
            frame[3] = False
            at += 1
        elif char.isspace():
            at += 1
        elif kind == "[" and not frame[3]:
            frame[2] += 1
            frame[3] = True
            entry = (*path, frame[2])
            lines.setdefault(entry, number)
            if char in "[{":
                stack.append([entry, char, -1, False])
            at += 1
        elif kind == "{" and not frame[3]:
            key = _KEY.match(line[at:])
            if key is None:
                return
            entry = (*path, *_dotted(key.group(1)))
            lines.setdefault(entry, number)
            frame[3] = True
            at = _open(line, at + key.end(), entry, stack)
        else:
            at += 1


def _plain_error(err: BaseException) -> Said:
    """A message for an error that is not the model's own (Python's, while reading a value)."""
    if err.args and isinstance(err.args[0], Said):
        return err.args[0]
    text = str(err)
    if isinstance(err, TypeError) and "int()" in text:
        return Said(N_("expected a whole number"))
    return Said(N_("cannot read this value: {message}"), message=text or type(err).__name__)


def load(path: Path | str) -> Festival:
    """Read a plan file.

    Raises:
        PlanFileError: naming the file, the key path and the line.

    >>> import tempfile, pathlib, ngayhoi
    >>> path = save(ngayhoi.samples.tiny_festival(), pathlib.Path(tempfile.mkdtemp()) / "plan.toml")
    >>> load(path).id
    'tiny'
    """
    file = path_argument(path, "path")
    try:
        size = file.stat().st_size
        if size > _MAX_BYTES:
            raise PlanFileError(str(file), "", _too_big(size))
        if not file.is_file():
            msg = Said(
                N_("is not a plan file (a folder or a device); give the path of a .toml file")
            )
            raise PlanFileError(str(file), "", msg)
        raw = file.read_bytes()
    except OSError as err:
        msg = Said(
            N_("cannot read it: {reason}; check the path and that you may read it"),
            reason=err.strerror or err,
        )
        raise PlanFileError(str(file), "", msg) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        msg = Said(N_("not UTF-8 text (byte {byte}); save the file as UTF-8"), byte=err.start)
        raise PlanFileError(str(file), "", msg) from None
    return loads(text, source=str(file))


def loads(text: str, *, source: str = "<plan>") -> Festival:  # noqa: C901 - one guard per way a text fails
    """Read a plan from TOML text.

    Raises:
        PlanFileError: naming the source, the key path and the line.

    >>> loads('format = "other"')
    Traceback (most recent call last):
    ...
    ngayhoi.io.plan.PlanFileError: <plan>: format: expected format = "ngayhoi-plan", got 'other' ...
    """
    text = text_argument(text, "text")
    source = text_argument(source, "source")
    if len(text) > _MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > _MAX_BYTES:
        raise PlanFileError(source, "", _too_big(len(text.encode("utf-8", "surrogatepass"))))
    broken = _SURROGATE.search(text)
    if broken:
        line = text.count("\n", 0, broken.start()) + 1
        msg = Said(
            N_("holds a lone surrogate (half of a broken character); save the file as UTF-8")
        )
        raise PlanFileError(source, "", msg, line)
    try:
        doc = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as err:
        said, at = _toml_error(err)
        raise PlanFileError(source, "", said, at) from None
    except RecursionError:
        msg = Said(N_("not valid TOML for a plan: arrays or tables nested too deeply"))
        raise PlanFileError(source, "", msg) from None
    reader = _Reader(source, text)
    plan = None
    try:
        plan = _build(doc, reader)
    except PlanFileError as err:
        reader.add(err)
    except PlanError as err:
        reader.add(_locate(err, doc, reader))
    except NgayhoiError as err:
        reader.add(reader.fail("", _plain_error(err)))
    if plan is not None and not plan.activities and not reader.errors:
        msg = Said(
            N_(
                "festival '{id}' has no activities; add [[activities]] tables, or a "
                "[programme] section that stamps the standard programme onto the sites"
            ),
            id=plan.id,
        )
        reader.add(reader.fail("activities" if "activities" in doc else "", msg))
    if reader.errors:
        # In the file's order, row by row (a row's own errors as found): the first is the
        # message, as when one error stopped the read.
        raise PlanFileError.every(sorted(reader.errors, key=reader.row_line))
    if plan is None:  # pragma: no cover - _build gives a plan or an error
        raise reader.fail("", Said(N_("not a plan")))
    return plan


def _too_big(size: int) -> Said:
    return Said(
        N_(
            "{size} bytes is too big; a plan file is at most {most} MB (write the programme "
            "and the preparation as [programme] and [preparation] sections rather than every "
            "activity, or split the plan)"
        ),
        size=size,
        most=_MAX_BYTES // 1024 // 1024,
    )


#: What Python's TOML reader says (``tomllib``, 3.11-3.13), to be said again in the CLI's
#: language: its fixed messages, and those with a value (a pattern and its template).
_TOML_SAID = frozenset({
    N_("Cannot overwrite a value"),
    N_("Escaped character is not a Unicode scalar value"),
    N_("Expected '=' after a key in a key/value pair"),
    N_("Expected ']' at the end of a table declaration"),
    N_("Expected ']]' at the end of an array declaration"),
    N_("Expected newline or end of document after a statement"),
    N_("Invalid date or datetime"),
    N_("Invalid hex value"),
    N_("Invalid initial character for a key part"),
    N_("Invalid statement"),
    N_("Invalid value"),
    N_("Unclosed array"),
    N_("Unclosed inline table"),
    N_("Unescaped '\\' in a string"),
    N_("Unterminated string"),
})  # fmt: skip
_TOML_PATTERNS = (
    (re.compile(r"Cannot declare (?P<key>.+) twice"), N_("Cannot declare {key} twice")),
    (
        re.compile(r"Cannot mutate immutable namespace (?P<key>.+)"),
        N_("Cannot mutate immutable namespace {key}"),
    ),
    (re.compile(r"Cannot redefine namespace (?P<key>.+)"), N_("Cannot redefine namespace {key}")),
    (re.compile(r"Duplicate inline table key (?P<key>.+)"), N_("Duplicate inline table key {key}")),
    (re.compile(r"Found invalid character (?P<char>.+)"), N_("Found invalid character {char}")),
    (re.compile(r"Illegal character (?P<char>.+)"), N_("Illegal character {char}")),
)
_TOML_AT = re.compile(
    r"(?P<what>.*) \((?:at line (?P<line>\d+), column (?P<column>\d+)|at end of document)\)"
)


def _toml_error(err: tomllib.TOMLDecodeError) -> tuple[Said, int | None]:
    """What the TOML reader found wrong, and its line, said so the CLI can say it again.

    >>> said, line = _toml_error(tomllib.TOMLDecodeError("Unclosed array (at line 3, column 9)"))
    >>> said, said.values["detail"].template, line
    ('not valid TOML: Unclosed array (column 9)', 'Unclosed array', 3)
    """
    found = _TOML_AT.fullmatch(str(err))
    what = found.group("what") if found else str(err)
    detail = Said(what) if what in _TOML_SAID else Said("{message}", message=what)
    for pattern, template in _TOML_PATTERNS:
        match = pattern.fullmatch(what)
        if match:
            detail = Said(template, **match.groupdict())
    if found is None:
        return Said(N_("not valid TOML: {detail}"), detail=detail), None
    if found.group("line") is None:
        return Said(N_("not valid TOML: {detail} (at the end of the file)"), detail=detail), None
    line, column = int(found.group("line")), int(found.group("column"))
    said = Said(N_("not valid TOML: {detail} (column {column})"), detail=detail, column=column)
    return said, line


_SECTION_OF = {
    "site": "sites",
    "activity": "activities",
    "resource": "resources",
    "sync group": "sync_groups",
    "prep task": "prep_tasks",
    "award": "awards",
    "dependency": "dependencies",
    "unit": "units",
}


def _tables(doc: Mapping[str, Any], section: str) -> list[tuple[str, Mapping[str, Any]]]:
    """The tables of a section with their key paths; units list dataset ids as tables too."""
    if section == "units":
        units = doc.get("units")
        if not isinstance(units, Mapping):
            return []
        ids = units.get("dataset", [])
        defined = units.get("define", [])
        return [
            *(
                (f"units.dataset[{k}]", {"id": u})
                for k, u in enumerate(ids if isinstance(ids, list) else [])
            ),
            *(
                (f"units.define[{k}]", t)
                for k, t in enumerate(defined if isinstance(defined, list) else [])
                if isinstance(t, Mapping)
            ),
        ]
    found = doc.get(section)
    if not isinstance(found, list):
        return []
    return [(f"{section}[{k}]", t) for k, t in enumerate(found) if isinstance(t, Mapping)]


def _refers(value: object, ref: str) -> bool:
    if value == ref:
        return True
    if isinstance(value, list):
        return any(_refers(v, ref) for v in value)
    return isinstance(value, Mapping) and value.get("resource") == ref


def _ident(section: str, table: Mapping[str, Any]) -> object:
    if section == "dependencies":
        return f"{table.get('predecessor')}->{table.get('successor')}"
    return table.get("id")


def _locate(err: PlanError, doc: Mapping[str, Any], reader: _Reader) -> PlanFileError:
    """A model's error at its key path, found from its fields (kind, item, field), never its words.

    The item's table is the one of ``kind``'s section whose id is ``item``; ``field``
    is its key (for an unknown reference without one, the key that holds the id).
    A duplicate id is blamed on the later table. An error without fields is the
    whole file's.
    """
    kind = err.item_kind if isinstance(err, UnknownReferenceError) else err.kind
    item = err.item_id if isinstance(err, UnknownReferenceError) else err.item
    if kind == "festival":
        head = doc.get("festival")
        path = f"festival.{err.field}" if err.field and isinstance(head, Mapping) else "festival"
        return reader.fail_on(path, err)
    if kind in {"travel", "travel time"}:
        return reader.fail_on(_travel_key(err, doc), err)
    section = _SECTION_OF.get(kind or "")
    if section is None or item is None:
        return reader.fail_on("", err)
    same = reader.tables(doc, section, item)
    if not same:
        return reader.fail_on(section if section in doc else "", err)
    path, table = same[0]
    if err.field == "id" and len(same) > 1:
        # The k-th report of one duplicate id is about the (k+1)-th table that holds it.
        earlier = reader.blamed.get((section, item), 0)
        reader.blamed[(section, item)] = earlier + 1
        path, table = same[min(earlier + 1, len(same) - 1)]
    if path.startswith("units.dataset"):
        return reader.fail_on(path, err)
    key = err.field if err.field in table else None
    if key is None and isinstance(err, UnknownReferenceError):
        key = next((k for k, v in table.items() if k != "id" and _refers(v, err.ref)), None)
    return reader.fail_on(f"{path}.{key}" if key else path, err)


def _travel_key(err: PlanError, doc: Mapping[str, Any]) -> str:
    """The row of ``[travel] minutes`` naming an unknown site, ``travel``, or the delegation."""
    travel = doc.get("travel")
    if not isinstance(travel, Mapping):
        # No [travel] section: the delegation that drives is the item to look at.
        rows = [path for path, t in _tables(doc, "resources") if t.get("id") == err.item]
        return rows[0] if rows else ""
    if not isinstance(err, UnknownReferenceError):
        return f"travel.{err.field}" if err.field else "travel"
    rows = travel.get("minutes", [])
    for k, row in enumerate(rows if isinstance(rows, list) else []):
        if isinstance(row, Mapping) and f"{row.get('from')}->{row.get('to')}" == err.item_id:
            return f"travel.minutes[{k}].{err.field or 'from'}"
    return "travel"


#: Sections the generator sections read: with an error in one of them, nothing is stamped.
_STAMPED_FROM = ("", "format", "version", "festival", "units", "sites", "activities", "resources",
                 "override", "travel")  # fmt: skip
_GENERATORS = ("pilot", "programme", "conference", "preparation", "needs", "people")


def _build(doc: Mapping[str, Any], reader: _Reader) -> Festival | None:  # noqa: C901, PLR0912 - one section each
    """The festival, or ``None`` when errors (gathered in ``reader``) leave too little to check.

    Each row of each table is read on its own, so every bad one is named; the checks
    across tables (unknown ids, the programme stamped on the sites) run only on
    parts that could be read.
    """
    for key in doc:
        if key not in _TOP:
            reader.add(reader.fail(str(key), unknown_key(key, _TOP, section=True)))
    if doc.get("format") != FORMAT:
        raise reader.fail(
            "format",
            Said(
                N_('expected format = "{FORMAT}", got {format!r}'),
                FORMAT=FORMAT,
                format=doc.get("format"),
            ),
        )
    if type(doc.get("version")) is not int or doc.get("version") != VERSION:
        msg = Said(
            N_("version {version!r} is not supported; this ngayhoi reads version {VERSION}"),
            version=doc.get("version"),
            VERSION=VERSION,
        )
        raise reader.fail("version", msg)
    head = doc.get("festival")
    if head is None:
        raise reader.fail("festival", Said(N_("missing [festival] table (id, name, days)")))
    if not isinstance(head, Mapping):
        msg = Said(
            N_("{head!r} is not a table; write a [festival] section with id, name and days"),
            head=head,
        )
        raise reader.fail("festival", msg)
    for key in head:
        if key not in _FESTIVAL_KEYS:
            reader.add(
                reader.fail(f"festival.{key}", unknown_key(key, _FESTIVAL_KEYS, known=False))
            )
    for key in ("id", "name", "days"):
        if key not in head:
            reader.add(reader.fail("festival", Said(N_("missing key '{key}'"), key=key)))
    days: list[pendulum.Date] = []
    with reader.gather():
        days = _days(head["days"], reader) if "days" in head else []
    timezone = TIMEZONE
    with reader.gather():
        timezone = _timezone(head.get("timezone", TIMEZONE), reader)
    units: list[Unit] = _units(doc.get("units", {}), days[0], reader) if days else []
    lists: dict[str, list[Any]] = {}
    for section, cls in _SECTIONS.items():
        lists[section] = _rows(doc.get(section, []), section, cls, reader)
    unknown = any(key not in _TOP for key in doc)
    if days and not unknown:
        lists["sites"] = _check_sites(lists["sites"], units, reader)
    travel = TravelTimes()
    if "travel" in doc:
        with reader.gather():
            travel = _travel(doc["travel"], reader)
    options = _options(head, reader)
    if not days or unknown or not {"id", "name"} <= set(head):
        # An unknown section is most often a known one misspelt: what it holds is missing.
        return None
    if any(key in doc for key in ("override", *_GENERATORS)):
        if not reader.clean(*_STAMPED_FROM):
            # Stamping reads the sites, units, activities and overrides: with one of them
            # bad, the stamped items would be missing and every reference to them unknown.
            return None
        changes = _overrides(doc.get("override", []), lists["sites"], units, reader)
        failed = len(reader.errors)
        if not reader.clean("override"):
            return None
        with reader.gather():
            _generate(doc, lists, units, days, timezone, reader, changes)
        if len(reader.errors) > failed:
            return None
    lists["activities"] = _fit_ceremonies(lists["activities"], lists["awards"], reader.fixed)
    try:
        return Festival.build(
            id=head["id"],
            name=head["name"],
            days=days,
            timezone=timezone,
            units=units,
            sites=lists["sites"],
            activities=lists["activities"],
            dependencies=lists["dependencies"],
            resources=lists["resources"],
            sync_groups=lists["sync_groups"],
            prep_tasks=lists["prep_tasks"],
            awards=lists["awards"],
            travel=travel,
            **options,
        )
    except PlanErrors as err:
        for one in err.errors:
            if one.kind == "travel" and not reader.clean("travel"):
                continue  # a pair without a time may be in a row that could not be read
            reader.add(_locate(one, doc, reader))
    return None


def _rows(tables: object, section: str, cls: type[T], reader: _Reader) -> list[T]:
    """The rows of ``[[section]]`` that could be read; each bad one is named in ``reader``."""
    if not isinstance(tables, list):
        reader.add(reader.fail(section, Said(N_("expected [[{section}]] tables"), section=section)))
        return []
    out = []
    for k, table in enumerate(tables):
        with reader.gather(table.get("id") if isinstance(table, Mapping) else None, section):
            out.append(reader.structure(table, cls, f"{section}[{k}]"))
    return out


def _generate(  # noqa: PLR0917 - the plan's parts the generator sections read
    doc: Mapping[str, Any],
    lists: dict[str, list[Any]],
    units: Sequence[Unit],
    days: Sequence[pendulum.Date],
    timezone: str,
    reader: _Reader,
    changes: _Changes,
) -> None:
    """The generator sections: the pilot day, the programme, conferences, preparation, needs."""
    if "pilot" in doc:
        _pilot(doc["pilot"], lists, units, days, timezone, reader)
    if "programme" in doc:
        blocks = doc["programme"] if isinstance(doc["programme"], list) else [doc["programme"]]
        anchors = []
        for k, block in enumerate(blocks):
            path = f"programme[{k}]" if isinstance(doc["programme"], list) else "programme"
            anchors.append(
                _stamp(block, lists, units, days[0], timezone, reader, path, changes=changes)
            )
        _check_anchors(anchors, reader)
        _merge_sync(lists)
    changes.check_used(reader)
    if "conference" in doc:
        _conferences(doc["conference"], lists, days, timezone, reader)
    if "preparation" in doc:
        _prepare(doc["preparation"], lists, units, reader)
    if "needs" in doc:
        _add_needs(doc["needs"], lists, reader)
    if "people" in doc:
        add_people(doc["people"], lists, reader)


def _options(head: Mapping[str, Any], reader: _Reader) -> dict[str, Any]:
    """The optional keys of ``[festival]``; each bad one is named in ``reader``."""
    options: dict[str, Any] = {}
    if "campaign" in head:
        with reader.gather():
            options["campaign"] = _campaign(head["campaign"], reader)
    for key in ("opens", "closes", "outdoor_until"):
        value = head.get(key)
        if key in head:
            with reader.gather():
                options[key] = (
                    None
                    if key == "outdoor_until" and value is False
                    else _time_at(value, f"festival.{key}", reader)
                )
    for key in ("organiser", "domain", "attendance", "max_idle", "weather"):
        if key in head:
            options[key] = None if head[key] is False else head[key]
    with reader.gather():
        options.update(_working_days(head, reader))
    return options


def _campaign(value: object, reader: _Reader) -> tuple[pendulum.Date, ...]:
    campaign = _days(value, reader, path="festival.campaign")
    if len(campaign) != 2:  # noqa: PLR2004
        msg = Said(
            N_(
                "{count} dates; give the first and last day of the campaign, e.g. campaign = "
                "[2023-07-01, 2023-08-19]"
            ),
            count=len(campaign),
        )
        raise reader.fail("festival.campaign", msg)
    return tuple(campaign)


def _fit_ceremonies(
    activities: list[Activity], awards: list[Award], fixed: set[str]
) -> list[Activity]:
    """Lengthen each stamped award ceremony to the time its awards take to read out.

    Only the programme's ``trao-thuong`` items grow, never shrink, and not when the
    plan gives their minutes (``minutes = { trao-thuong = 20 }``) or defines the
    activity itself.
    """
    given: dict[str, list[Award]] = {}
    for award in awards:
        given.setdefault(award.ceremony, []).append(award)
    out = []
    for activity in activities:
        needed = ceremony_minutes(given.get(activity.id, ()))
        if (
            activity.item == "trao-thuong"
            and activity.id not in fixed
            and needed > activity.duration.in_minutes()
        ):
            activity = attrs.evolve(activity, duration=needed)  # noqa: PLW2901 - the grown one
        out.append(activity)
    return out


def _working_days(head: Mapping[str, Any], reader: _Reader) -> dict[str, Any]:
    """``working_days`` (true or false) and ``days_off`` (a list of dates) of ``[festival]``."""
    out: dict[str, Any] = {}
    if "working_days" in head:
        out["working_days"] = _flag(head, "working_days", "festival", reader)
    if "days_off" in head:
        value = head["days_off"]
        out["days_off"] = _days(value, reader, path="festival.days_off") if value != [] else ()
    return out


def _timezone(value: object, reader: _Reader) -> str:
    """The festival's zone, checked before the programme is stamped in it."""
    known = isinstance(value, str)
    if isinstance(value, str):
        try:
            pendulum.timezone(value)
        except Exception:  # noqa: BLE001 - pendulum raises several kinds for unknown zones
            known = False
    if not known:
        msg = Said(
            N_('{value!r} is not an IANA time zone name; write timezone = "{TIMEZONE}"'),
            value=value,
            TIMEZONE=TIMEZONE,
        )
        raise reader.fail("festival.timezone", msg)
    return cast("str", value)


_TRAVEL_KEYS = ("minutes", "speed_kmh", "road_factor", "default")
_ROW_KEYS = ("from", "to", "minutes")


def _travel(table: object, reader: _Reader) -> TravelTimes:
    if not isinstance(table, Mapping):
        raise reader.fail(
            "travel", Said(N_("{table!r} is not a table; write a [travel] section"), table=table)
        )
    for key in table:
        if key not in _TRAVEL_KEYS:
            raise reader.fail(f"travel.{key}", unknown_key(key, _TRAVEL_KEYS))
    matrix = _travel_rows(table.get("minutes", []), reader)
    options: dict[str, Any] = {}
    for key in _TRAVEL_KEYS[1:]:
        if key in table:
            expected: type[float] = int if key == "default" else float
            try:
                options[key] = _converter().structure(table[key], expected)
                TravelTimes(**{key: options[key]})
            except PlanError as err:
                raise reader.fail_on(f"travel.{key}", err) from None
    return TravelTimes(minutes=matrix, **options)


def _travel_rows(rows: object, reader: _Reader) -> dict[tuple[str, str], int]:
    if not isinstance(rows, list):
        msg = Said(
            N_('{rows!r} is not a list; write minutes = [{{from = "a", to = "b", minutes = 20}}]'),
            rows=rows,
        )
        raise reader.fail("travel.minutes", msg)
    matrix: dict[tuple[str, str], int] = {}
    for k, row in enumerate(rows):
        with reader.gather():
            _travel_row(k, row, matrix, reader)
    return matrix


def _travel_row(k: int, row: object, matrix: dict[tuple[str, str], int], reader: _Reader) -> None:
    """One row of ``[travel] minutes``, added to ``matrix``."""
    where = f"travel.minutes[{k}]"
    if not isinstance(row, Mapping) or set(row) != set(_ROW_KEYS):
        keys = sorted(row) if isinstance(row, Mapping) else row
        msg = Said(N_("{keys!r}: a row needs exactly from, to and minutes"), keys=keys)
        raise reader.fail(where, msg)
    for key in _ROW_KEYS:
        try:
            _converter().structure(row[key], int if key == "minutes" else str)
        except PlanError as err:
            raise reader.fail_on(f"{where}.{key}", err) from None
    pair = (row["from"], row["to"])
    try:
        TravelTimes(minutes={pair: row["minutes"]})
    except PlanError as err:
        raise reader.fail_on(where, err) from None
    if pair in matrix:
        msg = Said(
            N_("the time from '{origin}' to '{destination}' is given twice; keep one row"),
            origin=pair[0],
            destination=pair[1],
        )
        raise reader.fail(where, msg)
    matrix[pair] = row["minutes"]


def _time_at(value: object, path: str, reader: _Reader) -> dt.time:
    try:
        return _as_time(value)
    except PlanError as err:
        raise reader.fail_on(path, err) from None


def _days(value: object, reader: _Reader, path: str = "festival.days") -> list[pendulum.Date]:
    items = value if isinstance(value, list) else [value]
    out = []
    for k, item in enumerate(items):
        try:
            out.append(_converter().structure(item, pendulum.Date))
        except PlanError as err:
            raise reader.fail_on(f"{path}[{k}]", err) from None
    if not out:
        raise reader.fail(path, Said(N_("give at least one date, e.g. [2023-08-06]")))
    return out


def _units(table: object, day: pendulum.Date, reader: _Reader) -> list[Unit]:
    if not isinstance(table, Mapping):
        raise reader.fail(
            "units", Said(N_("expected a [units] table with dataset and/or [[units.define]]"))
        )
    extra = set(table) - {"dataset", "define"}
    if extra:
        raise reader.fail(f"units.{min(extra)}", Said(N_("unknown key; use dataset or define")))
    ids = table.get("dataset", [])
    if not isinstance(ids, list):
        msg = Said(N_('{ids!r} is not a list; write dataset = ["long-hoa", "long-khe"]'), ids=ids)
        raise reader.fail("units.dataset", msg)
    found: list[tuple[str, Unit]] = []
    valid = [u.id for u in dataset.units_on(day)]
    for k, unit_id in enumerate(ids):
        with reader.gather(unit_id, "units"):
            found.append((f"units.dataset[{k}]", _dataset_unit(unit_id, k, day, valid, reader)))
    defined = table.get("define", [])
    if not isinstance(defined, list):
        raise reader.fail("units.define", Said(N_("expected [[units.define]] tables")))
    for k, row in enumerate(defined):
        with reader.gather(row.get("id") if isinstance(row, Mapping) else None, "units"):
            found.append(
                (f"units.define[{k}].id", reader.structure(row, Unit, f"units.define[{k}]"))
            )
    # A unit given twice would stamp every generated item twice: name it once, here.
    out: dict[str, Unit] = {}
    for path, unit in found:
        if unit.id in out:
            msg = Said(
                N_("duplicate unit id '{id}'; every unit needs its own id (keep one)"), id=unit.id
            )
            reader.add(reader.fail(path, msg))
            continue
        out[unit.id] = unit
    return list(out.values())


def _dataset_unit(
    unit_id: object, k: int, day: pendulum.Date, valid: Sequence[str], reader: _Reader
) -> Unit:
    """One id of ``[units] dataset``, as the shipped unit valid on ``day``."""
    if not isinstance(unit_id, str):
        msg = Said(
            N_("{unit_id!r} is not a unit id in quotes (valid on {day}: {names})"),
            unit_id=unit_id,
            day=day,
            names=", ".join(valid),
        )
        raise reader.fail(f"units.dataset[{k}]", msg)
    try:
        return dataset.unit_on(unit_id, day)
    except UnitNotValidError as problem:
        msg = Said(
            N_("{problem} (valid on {day}: {names})"),
            problem=problem,
            day=day,
            names=", ".join(valid),
        )
        raise reader.fail(f"units.dataset[{k}]", msg) from None
    except PlanError:
        hint = difflib.get_close_matches(unit_id, valid, n=1, cutoff=0.6)
        if not hint:
            hint = _nationwide_hint(unit_id, day)
        template = (
            N_(
                "unknown unit '{unit_id}' in ngayhoi's dataset; did you mean '{hint}'? "
                "(valid on {day}: {names}); define other units with [[units.define]]"
            )
            if hint
            else N_(
                "unknown unit '{unit_id}' in ngayhoi's dataset (valid on {day}: {names}); "
                "define other units with [[units.define]]"
            )
        )
        msg = Said(
            template,
            unit_id=unit_id,
            hint=hint[0] if hint else "",
            day=day,
            names=", ".join(valid),
        )
        raise reader.fail(f"units.dataset[{k}]", msg) from None


def _nationwide_hint(unit_id: str, day: pendulum.Date) -> list[str]:
    """The nationwide id closest to ``unit_id`` on ``day``, if that data is installed."""
    nationwide = dataset.vietnam
    if day < nationwide.COVERS_FROM or not nationwide.available():
        return []
    ids = [u.id for u in nationwide.gazetteer().units_on(day)]
    return difflib.get_close_matches(unit_id, ids, n=1, cutoff=0.8)


_SWITCHES = {"parade", "performance", "forum", "discussion", "pledge", "model_launch", "folk_games"}


def _check_sites(sites: Sequence[Site], units: Sequence[Unit], reader: _Reader) -> list[Site]:
    """Check sites before stamping on them, so a typo is blamed where it is; the good ones."""
    known = {u.id for u in units}
    seen: set[str] = set()
    out = []
    for k, site in enumerate(sites):
        if site.id in seen:
            msg = Said(N_("site id '{id}' is used twice; give each site its own id"), id=site.id)
            reader.add(reader.fail(f"sites[{k}].id", msg))
            continue
        seen.add(site.id)
        if site.unit not in known:
            unknown = UnknownReferenceError(
                item_kind="site",
                item_id=site.id,
                ref_kind="unit",
                ref=site.unit,
                valid=known,
                field="unit",
            )
            reader.add(reader.fail_on(f"sites[{k}].unit", unknown))
            reader.broken.add(site.id)
            continue
        out.append(site)
    return out


def _subtable(table: Mapping[str, Any], key: str, path: str, reader: _Reader) -> Mapping[str, Any]:
    found = table.get(key, {})
    if not isinstance(found, Mapping):
        msg = Said(
            N_("{found!r} is not a table; write {key} = {{ ... }} or a [{path}.{key}] section"),
            found=found,
            key=key,
            path=path,
        )
        raise reader.fail(f"{path}.{key}", msg)
    return found


def _flag(table: Mapping[str, Any], key: str, path: str, reader: _Reader) -> bool:
    found = table.get(key, True)
    if not isinstance(found, bool):
        msg = Said(
            N_("{found!r} is not true or false; write {key} = true or {key} = false"),
            found=found,
            key=key,
        )
        raise reader.fail(f"{path}.{key}", msg)
    return found


def _ids(value: object, path: str, reader: _Reader) -> list[str]:
    try:
        return list(_converter().structure(value, tuple[str, ...]))
    except PlanError as err:
        raise reader.fail_on(path, err) from None


def _merge_sync(lists: dict[str, list[Any]]) -> None:
    """Simultaneous starts stamped by several programme sections with one anchor are one group."""
    merged: dict[str, SyncGroup] = {}
    for group in lists["sync_groups"]:
        known = merged.get(group.id)
        if known is None or not group.id.startswith("dong-loat."):
            merged.setdefault(group.id, group)
            continue
        merged[group.id] = attrs.evolve(known, activities=(*known.activities, *group.activities))
    lists["sync_groups"] = list(merged.values())


def _stamp(  # noqa: C901, PLR0912, PLR0915, PLR0917 - one key of the section after another
    table: object,
    lists: dict[str, list[Any]],
    units: Sequence[Unit],
    day: pendulum.Date,
    timezone: str,
    reader: _Reader,
    path: str = "programme",
    *,
    changes: _Changes | None = None,
) -> _Anchor:
    if not isinstance(table, Mapping):
        raise reader.fail(path, Said(N_("expected a [programme] table")))
    allowed = {
        "sites",
        "at",
        "anchor",
        "simultaneous",
        "switch",
        "minutes",
        "gaps",
        "move",
        "roles",
    }
    for key in table:
        if key not in allowed:
            raise reader.fail(
                f"{path}.{key}", Said(N_("unknown key; use one of {known}"), known=sorted(allowed))
            )
    switches = _subtable(table, "switch", path, reader)
    for key, value in switches.items():
        if key not in _SWITCHES:
            raise reader.fail(
                f"{path}.switch.{key}",
                Said(N_("unknown item; use {known}"), known=sorted(_SWITCHES)),
            )
        if not isinstance(value, bool):
            msg = Said(
                N_("{value!r} is not true or false; write {key} = true or {key} = false"),
                value=value,
                key=key,
            )
            raise reader.fail(f"{path}.switch.{key}", msg)
    programme: Programme = standard_programme(**{k: bool(v) for k, v in switches.items()})
    lengths = _subtable(table, "minutes", path, reader)
    for key, value in lengths.items():
        if isinstance(value, bool) or not isinstance(value, int):
            msg = Said(
                N_("{value!r} is not a whole number of minutes; write {key} = 40 (no quotes)"),
                value=value,
                key=key,
            )
            raise reader.fail(f"{path}.minutes.{key}", msg)
    try:
        minutes = {str(k).replace("-", "_"): v for k, v in lengths.items()}
        programme = programme.durations(**minutes)
    except PlanError as err:
        raise reader.fail_on(f"{path}.minutes", err) from None
    moves = table.get("move", [])
    if not isinstance(moves, list):
        raise reader.fail(
            f"{path}.move", Said(N_("expected a list: move = [{{item, after, gap}}, ...]"))
        )
    for k, move in enumerate(moves):
        if not isinstance(move, Mapping) or set(move) - {"item", "after", "gap"}:
            raise reader.fail(f"{path}.move[{k}]", Said(N_("a move has item, after and gap")))
        try:
            programme = programme.move(
                str(move.get("item")), after=str(move.get("after")), gap=move.get("gap")
            )
        except PlanError as err:
            raise reader.fail_on(f"{path}.move[{k}]", err) from None
    gaps: dict[str, tuple[int, int | None]] = {}
    for key, value in _subtable(table, "gaps", path, reader).items():
        ok = (
            isinstance(value, list)
            and 1 <= len(value) <= 2  # noqa: PLR2004
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        )
        if not ok:
            msg = Said(
                N_("{value!r} is not [gap] or [gap, max_gap]; write {key} = [0, 5] in minutes"),
                value=value,
                key=key,
            )
            raise reader.fail(f"{path}.gaps.{key}", msg)
        gaps[str(key).replace("-", "_")] = (value[0], value[1] if len(value) > 1 else None)
    try:
        programme = programme.gaps(**gaps)
    except PlanError as err:
        raise reader.fail(
            f"{path}.gaps", Said(N_("{err}; write item = [gap, max_gap] in minutes"), err=err)
        ) from None
    site_ids = table.get("sites")
    if site_ids is not None:
        site_ids = _ids(site_ids, f"{path}.sites", reader)
    known = {s.id: s for s in lists["sites"]}
    if site_ids is None:
        hosted = {u.id for u in units if u.kind.is_commune_level}
        stamped_sites = {a.site for a in lists["activities"] if a.item is not None}
        chosen = [s for s in lists["sites"] if s.unit in hosted and s.id not in stamped_sites]
    else:
        chosen = []
        for k, sid in enumerate(site_ids):
            if sid not in known:
                unknown = UnknownReferenceError(
                    item_kind="programme", item_id="sites", ref_kind="site", ref=sid, valid=known
                )
                raise reader.fail_on(f"{path}.sites[{k}]", unknown)
            chosen.append(known[sid])
        stamped_sites = {a.site for a in lists["activities"] if a.item is not None}
        again = [s.id for s in chosen if s.id in stamped_sites]
        if again:
            raise reader.fail(
                f"{path}.sites", Said(N_("site '{value}' already has a programme"), value=again[0])
            )
    at = _time_at(table.get("at", "06:30"), f"{path}.at", reader)
    anchor = table.get("anchor")
    if anchor is not None and not isinstance(anchor, str):
        msg = Said(
            N_('{anchor!r} is not a programme item key; write e.g. anchor = "dieu-hanh"'),
            anchor=anchor,
        )
        raise reader.fail(f"{path}.anchor", msg)
    simultaneous = _flag(table, "simultaneous", path, reader)
    keys = [i.key for i in programme.enabled()]
    key = anchor or ("dieu-hanh" if "dieu-hanh" in keys else keys[0])
    _check_gaps_before(programme, key, gaps, path, reader)
    per_site, fixed = (changes or _Changes()).stamp_on(programme, chosen, key, at, reader)
    try:
        stamped = stamp_programme(
            per_site,
            chosen,
            day=day,
            timezone=timezone,
            anchor=anchor,
            at=at,
            simultaneous=simultaneous,
        )
    except PlanError as err:
        raise reader.fail_on(path, err) from None
    lists["activities"] = [
        *_fix(stamped.activities, fixed, day, timezone),
        *lists["activities"],
    ]
    lists["dependencies"] = [*stamped.dependencies, *lists["dependencies"]]
    lists["sync_groups"] = [*stamped.sync_groups, *lists["sync_groups"]]
    if "trao-thuong" in lengths:
        reader.fixed.update(a.id for a in stamped.activities if a.item == "trao-thuong")
    if _flag(table, "roles", path, reader):
        mine = {r.id for r in lists["resources"]}
        lists["resources"] = [
            *(r for r in standard_roles() if r.id not in mine),
            *lists["resources"],
        ]
    return _Anchor(
        path=path,
        anchored=anchor is not None,
        key=key,
        parade="dieu-hanh" in keys,
        simultaneous=simultaneous,
    )


# -- per-commune overrides ----------------------------------------------------------


@attrs.frozen
class _Anchor:
    """What one programme section fixed: its anchor, and whether its parades start together."""

    path: str
    anchored: bool
    key: str
    parade: bool
    simultaneous: bool


def _check_anchors(anchors: Sequence[_Anchor], reader: _Reader) -> None:
    """Refuse a section whose anchor would silently move its parades off the shared start."""
    shared = next((a for a in anchors if a.key == "dieu-hanh" and a.simultaneous), None)
    if shared is None:
        return
    for block in anchors:
        if block.key != "dieu-hanh" and block.parade:
            msg = Said(
                N_(
                    "anchor '{key}' fixes that item and moves these communes' parades off the "
                    "shared start of {path} (they would end just when the next item starts); to "
                    "fix one commune's item at a time while its parade stays with the others, "
                    'write [[override]] unit = "...", item = "{key}", at = "HH:MM" instead'
                ),
                key=block.key,
                path=shared.path,
            )
            raise reader.fail(f"{block.path}.anchor" if block.anchored else block.path, msg)


def _check_gaps_before(
    programme: Programme,
    key: str,
    gaps: Mapping[str, tuple[int, int | None]],
    path: str,
    reader: _Reader,
) -> None:
    """Refuse a range of waits for an item the anchor pulls tight (it would be ignored)."""
    keys = [i.key for i in programme.enabled()]
    for name, (gap, most) in gaps.items():
        item = name.replace("_", "-")
        if item in keys and keys.index(item) <= keys.index(key) and most not in {None, gap}:
            msg = Said(
                N_(
                    "[{gap}, {most}]: '{item}' is at or before the anchor '{key}', so it ends "
                    "exactly when the next item starts and a range of waits there cannot act; "
                    "give one wait ({item} = [{gap}]), or move the anchor"
                ),
                gap=gap,
                most=most,
                item=item,
                key=key,
            )
            raise reader.fail(f"{path}.gaps.{item}", msg)


_OVERRIDE_KEYS = ("unit", "site", "item", "at", "minutes", "off")
_ITEM_KEYS = tuple(i.key for i in STANDARD_ITEMS)


@attrs.define
class _Changes:
    """The plan's ``[[override]]`` tables, and which of them a programme section used."""

    items: list[tuple[str, Override]] = attrs.Factory(list)
    used: set[int] = attrs.Factory(set)

    def stamp_on(
        self,
        programme: Programme,
        sites: Sequence[Site],
        anchor: str,
        at: dt.time,
        reader: _Reader,
    ) -> tuple[dict[str, Programme], list[tuple[str, dt.time]]]:
        """Each site's programme with its overrides, and the fixed starts by activity id."""
        per_site: dict[str, Programme] = {}
        fixed: list[tuple[str, dt.time]] = []
        for site in sites:
            mine = [
                (k, path, change)
                for k, (path, change) in enumerate(self.items)
                if change.unit == site.unit and change.site in {None, site.id}
            ]
            prog = programme
            for k, path, change in mine:
                self.used.add(k)
                if change.off and change.item == anchor:
                    msg = Said(
                        N_(
                            "'{anchor}' is the anchor of {unit}'s programme: its day hangs on "
                            "it; give the commune its own [[programme]] with that item switched "
                            "off"
                        ),
                        anchor=anchor,
                        unit=site.unit,
                    )
                    raise reader.fail(f"{path}.off", msg)
                try:
                    prog = apply_overrides(prog, [change])
                except PlanError as err:
                    key = "minutes" if change.minutes is not None else "off"
                    raise reader.fail_on(f"{path}.{key}", err) from None
            per_site[site.id] = prog
            timed = sorted(
                ((path, c) for _k, path, c in mine if c.at is not None),
                key=lambda pc: _ITEM_KEYS.index(pc[1].item),
            )
            base: tuple[str, dt.time] = (anchor, at)
            for path, change in timed:
                when = cast("dt.time", change.at)
                try:
                    low, high = reach(prog, anchor=base[0], at=base[1], item=change.item)
                except PlanError as err:
                    raise reader.fail(
                        f"{path}.at", Said(N_("{id}: {err}"), id=site.id, err=err)
                    ) from None
                if not low <= when <= high:
                    msg = Said(
                        N_(
                            "{when:%H:%M} is out of reach: with '{anchor}' at {anchor_at:%H:%M}, "
                            "'{item}' at {id} can start from {low:%H:%M} to {high:%H:%M} (the "
                            "waits' ranges); choose a time in it, or widen a wait with the "
                            "programme's gaps"
                        ),
                        when=when,
                        anchor=base[0],
                        anchor_at=base[1],
                        item=change.item,
                        id=site.id,
                        low=low,
                        high=high,
                    )
                    raise reader.fail(f"{path}.at", msg)
                fixed.append((f"{site.id}.{change.item}", when))
                base = (change.item, when)
        return per_site, fixed

    def check_used(self, reader: _Reader) -> None:
        """Refuse an override no programme section stamped (its commune has no programme)."""
        for k, (path, change) in enumerate(self.items):
            if k not in self.used:
                msg = Said(
                    N_(
                        "commune '{unit}' has no stamped programme to change; give it a site "
                        "that a [programme] section stamps"
                    ),
                    unit=change.unit,
                )
                raise reader.fail(f"{path}.unit", msg)


def _overrides(
    tables: object, sites: Sequence[Site], units: Sequence[Unit], reader: _Reader
) -> _Changes:
    if not isinstance(tables, list):
        msg = Said(N_("expected [[override]] tables: unit, item, and at, minutes or off"))
        raise reader.fail("override", msg)
    hosted = [u.id for u in units if u.kind.is_commune_level]
    out = _Changes()
    for k, table in enumerate(tables):
        with reader.gather():
            _override(k, table, sites, hosted, out, reader)
    return out


def _override(  # noqa: C901, PLR0912, PLR0917 - one key of the table after another
    k: int,
    table: object,
    sites: Sequence[Site],
    hosted: Sequence[str],
    out: _Changes,
    reader: _Reader,
) -> None:
    """One ``[[override]]`` table, added to ``out``."""
    path = f"override[{k}]"
    if not isinstance(table, Mapping):
        raise reader.fail(
            path, Said(N_("an [[override]] table has unit, item, and at, minutes or off"))
        )
    for key in table:
        if key not in _OVERRIDE_KEYS:
            raise reader.fail(f"{path}.{key}", unknown_key(key, _OVERRIDE_KEYS))
    for key, valid, kind in (
        ("unit", hosted, "commune-level unit"),
        ("item", _ITEM_KEYS, "programme item"),
    ):
        value = table.get(key)
        if value not in valid:
            unknown = UnknownReferenceError(
                item_kind="override", item_id=path, ref_kind=kind, ref=str(value), valid=valid
            )
            raise reader.fail_on(f"{path}.{key}", unknown)
    unit, item = str(table["unit"]), str(table["item"])
    site = table.get("site")
    if site is not None:
        mine = [s.id for s in sites if s.unit == unit]
        if site not in mine:
            of = Said(N_("site of {unit}"), unit=unit)
            unknown = UnknownReferenceError(
                item_kind="override", item_id=path, ref_kind=of, ref=str(site), valid=mine
            )
            raise reader.fail_on(f"{path}.site", unknown)
    at = _time_at(table["at"], f"{path}.at", reader) if "at" in table else None
    minutes = table.get("minutes")
    if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int)):
        msg = Said(
            N_("{minutes!r} is not a whole number of minutes; write minutes = 20 (no quotes)"),
            minutes=minutes,
        )
        raise reader.fail(f"{path}.minutes", msg)
    off = table.get("off", False)
    if not isinstance(off, bool):
        raise reader.fail(
            f"{path}.off", Said(N_("{off!r} is not true or false; write off = true"), off=off)
        )
    if at is None and minutes is None and not off:
        raise reader.fail(path, Said(N_("changes nothing; give at, minutes or off = true")))
    if off and (at is not None or minutes is not None):
        msg = Said(N_("an item switched off has no time or length; keep off, or at and minutes"))
        raise reader.fail(f"{path}.off", msg)
    for earlier, change in out.items:
        if change.unit == unit and change.item == item and None in {change.site, site}:
            msg = Said(
                N_(
                    "changes '{item}' of '{unit}' as {earlier} does; keep one [[override]] per "
                    "commune and item"
                ),
                item=item,
                unit=unit,
                earlier=earlier,
            )
            raise reader.fail(path, msg)
        if change.unit == unit and change.item == item and change.site == site:
            msg = Said(
                N_("changes '{item}' of '{site}' as {earlier} does; keep one of the two"),
                item=item,
                site=site,
                earlier=earlier,
            )
            raise reader.fail(path, msg)
    change = Override(unit=unit, item=item, at=at, minutes=minutes, off=off, site=site)
    out.items.append((path, change))


def _fix(
    activities: Sequence[Activity],
    fixed: Sequence[tuple[str, dt.time]],
    day: pendulum.Date,
    timezone: str,
) -> list[Activity]:
    """The stamped activities with the overrides' fixed starts."""
    starts = {
        ident: pendulum.datetime(day.year, day.month, day.day, t.hour, t.minute, tz=timezone)
        for ident, t in fixed
    }
    return [attrs.evolve(a, fixed_start=starts[a.id]) if a.id in starts else a for a in activities]


# -- other events: the pilot day, conferences -------------------------------------------


def _keys(table: object, allowed: Sequence[str], path: str, reader: _Reader) -> Mapping[str, Any]:
    if not isinstance(table, Mapping):
        raise reader.fail(path, Said(N_("expected a table with {names}"), names=", ".join(allowed)))
    for key in table:
        if key not in allowed:
            raise reader.fail(f"{path}.{key}", unknown_key(key, allowed))
    return table


def _one_of(value: object, valid: Sequence[str], kind: str, path: str, reader: _Reader) -> str:
    if not isinstance(value, str) or value not in valid:
        section = re.split(r"[\[.]", path, maxsplit=1)[0]
        unknown = UnknownReferenceError(
            item_kind=section, item_id=path, ref_kind=kind, ref=str(value), valid=valid
        )
        raise reader.fail_on(path, unknown)
    return value


def _event_day(
    table: Mapping[str, Any], days: Sequence[pendulum.Date], path: str, reader: _Reader
) -> pendulum.Date:
    if "day" not in table:
        return days[0]
    day = _days(table["day"], reader, path=f"{path}.day")[0]
    if day not in days:
        msg = Said(
            N_("{day} is not a day of the festival ({names}); add it to days"),
            day=day,
            names=", ".join(map(str, days)),
        )
        raise reader.fail(f"{path}.day", msg)
    return day


def _add_roles(lists: dict[str, list[Any]]) -> None:
    mine = {r.id for r in lists["resources"]}
    lists["resources"] = [*(r for r in standard_roles() if r.id not in mine), *lists["resources"]]


def _pilot(  # noqa: PLR0917 - the plan's parts the pilot day reads
    table: object,
    lists: dict[str, list[Any]],
    units: Sequence[Unit],
    days: Sequence[pendulum.Date],
    timezone: str,
    reader: _Reader,
) -> None:
    """``[pilot]``: the full programme at one commune, the organiser's delegation attending."""
    table = _keys(table, ("unit", "site", "organiser", "day", "at", "delegation"), "pilot", reader)
    by_id = {u.id: u for u in units}
    hosted = [u.id for u in units if u.kind.is_commune_level]
    unit = by_id[_one_of(table.get("unit"), hosted, "commune-level unit", "pilot.unit", reader)]
    mine = [s.id for s in lists["sites"] if s.unit == unit.id]
    if not mine:
        msg = Said(
            N_("commune '{id}' has no site; add a [[sites]] table with unit = '{id}'"), id=unit.id
        )
        raise reader.fail("pilot.unit", msg)
    site_id = _one_of(
        table.get("site", mine[0]),
        mine,
        Said(N_("site of {unit}"), unit=unit.id),
        "pilot.site",
        reader,
    )
    higher = [u.id for u in units if not u.kind.is_commune_level]
    organiser = table.get("organiser", unit.parent if unit.parent in higher else None)
    if organiser is None:
        msg = (
            Said(
                N_(
                    "give the organiser: the id of the province (or district) whose delegation "
                    "attends, listed in [units] (known: {known})"
                ),
                known=", ".join(higher),
            )
            if higher
            else Said(
                N_(
                    "give the organiser: the id of the province (or district) whose delegation "
                    "attends, and list it in [units]"
                )
            )
        )
        raise reader.fail("pilot", msg)
    boss = by_id[_one_of(organiser, higher, "province or district", "pilot.organiser", reader)]
    day = _event_day(table, days, "pilot", reader)
    at = _time_at(table.get("at", "06:45"), "pilot.at", reader)
    site = next(s for s in lists["sites"] if s.id == site_id)
    group = None
    if "delegation" in table:
        group = reader.structure(table["delegation"], Resource, "pilot.delegation")
    try:
        parts = pilot_day(
            site, commune=unit, organiser=boss, day=day, at=at, timezone=timezone, delegation=group
        )
    except PlanError as err:
        raise reader.fail_on("pilot", err) from None
    lists["activities"] = [*parts.activities, *lists["activities"]]
    lists["dependencies"] = [*parts.dependencies, *lists["dependencies"]]
    lists["resources"] = [*parts.resources, *lists["resources"]]
    _add_roles(lists)


_CONFERENCE_KEYS = (
    "kind", "hub", "points", "day", "at", "presides", "point_presides", "period", "id",
)  # fmt: skip


def _conferences(  # noqa: C901 - one key after another
    tables: object,
    lists: dict[str, list[Any]],
    days: Sequence[pendulum.Date],
    timezone: str,
    reader: _Reader,
) -> None:
    """``[[conference]]``: an online review conference or a commendation meeting."""
    if not isinstance(tables, list):
        raise reader.fail("conference", Said(N_("expected [[conference]] tables (kind, hub, ...)")))
    sites = {s.id: s for s in lists["sites"]}
    for k, raw in enumerate(tables):
        path = f"conference[{k}]"
        table = _keys(raw, _CONFERENCE_KEYS, path, reader)
        kind = _one_of(
            table.get("kind"), ["tong-ket", "bieu-duong"], "conference kind", f"{path}.kind", reader
        )
        hub = sites[_one_of(table.get("hub"), list(sites), "site", f"{path}.hub", reader)]
        day = _event_day(table, days, path, reader)
        at = _time_at(table.get("at", "14:00" if kind == "tong-ket" else "08:00"), f"{path}.at",
                      reader)  # fmt: skip
        prefix = table.get("id", kind)
        if not isinstance(prefix, str) or check_id(prefix) is not None:
            raise reader.fail(
                f"{path}.id",
                Said(
                    N_('{prefix!r} is not an id; write e.g. id = "{kind}"'),
                    prefix=prefix,
                    kind=kind,
                ),
            )
        presides = table.get("presides")
        if presides is not None and not isinstance(presides, str):
            raise reader.fail(
                f"{path}.presides",
                Said(N_("{presides!r} is not text; write it in quotes"), presides=presides),
            )
        options: dict[str, Any] = {"prefix": prefix, "timezone": timezone, "at": at}
        if presides:
            options["presides"] = presides
        try:
            if kind == "tong-ket":
                ids = _ids(table.get("points", []), f"{path}.points", reader)
                points = [
                    sites[_one_of(p, list(sites), "site", f"{path}.points[{n}]", reader)]
                    for n, p in enumerate(ids)
                ]
                chairs = _subtable(table, "point_presides", path, reader)
                for sid in chairs:
                    _one_of(sid, ids, "bridge point", f"{path}.point_presides.{sid}", reader)
                chair = {str(a): str(b) for a, b in chairs.items()}
                parts = review_conference(hub, points, day=day, point_presides=chair, **options)
            else:
                period = table.get("period")
                if not isinstance(period, str):
                    msg = Said(N_('the period commended is missing; write period = "2019–2024"'))
                    raise reader.fail(f"{path}.period", msg)
                parts = commendation_meeting(hub, day=day, period=period, **options)
        except PlanError as err:
            if isinstance(err, PlanFileError):
                raise
            raise reader.fail_on(path, err) from None
        lists["activities"] = [*lists["activities"], *parts.activities]
        lists["dependencies"] = [*lists["dependencies"], *parts.dependencies]
        lists["sync_groups"] = [*lists["sync_groups"], *parts.sync_groups]
        lists["prep_tasks"] = [*lists["prep_tasks"], *parts.prep_tasks]
        _add_roles(lists)


def _prepare(
    table: object, lists: dict[str, list[Any]], units: Sequence[Unit], reader: _Reader
) -> None:
    if not isinstance(table, Mapping):
        raise reader.fail("preparation", Said(N_("expected a [preparation] table")))
    allowed = {"communes", "organiser"}
    for key in table:
        if key not in allowed:
            raise reader.fail(
                f"preparation.{key}",
                Said(N_("unknown key; use one of {known}"), known=sorted(allowed)),
            )
    hosted = [u.id for u in units if u.kind.is_commune_level]
    communes = hosted
    if "communes" in table:
        communes = _ids(table["communes"], "preparation.communes", reader)
        for k, unit_id in enumerate(communes):
            if unit_id not in hosted:
                unknown = UnknownReferenceError(
                    item_kind="preparation",
                    item_id="communes",
                    ref_kind="commune-level unit",
                    ref=unit_id,
                    valid=hosted,
                )
                raise reader.fail_on(f"preparation.communes[{k}]", unknown)
    organiser = _flag(table, "organiser", "preparation", reader)
    try:
        cascade = preparation_cascade(communes, organiser=organiser)
    except PlanError as err:
        raise reader.fail_on("preparation", err) from None
    lists["prep_tasks"] = [*cascade, *lists["prep_tasks"]]


def _add_needs(tables: object, lists: dict[str, list[Any]], reader: _Reader) -> None:
    if not isinstance(tables, list):
        raise reader.fail("needs", Said(N_("expected [[needs]] tables (activity, resources)")))
    by_id = {a.id: k for k, a in enumerate(lists["activities"])}
    for k, table in enumerate(tables):
        with reader.gather():
            _add_need(k, table, lists, by_id, reader)


def _add_need(
    k: int,
    table: object,
    lists: dict[str, list[Any]],
    by_id: Mapping[str, int],
    reader: _Reader,
) -> None:
    """One ``[[needs]]`` table: the resources it adds to its activity."""
    if not isinstance(table, Mapping):
        raise reader.fail(f"needs[{k}]", Said(N_("a [[needs]] table has activity and resources")))
    for key in set(table) - {"activity", "resources"}:
        hint = difflib.get_close_matches(str(key), ["activity", "resources"], n=1)
        msg = (
            Said(N_("unknown key '{key}'; did you mean '{hint}'?"), key=key, hint=hint[0])
            if hint
            else Said(N_("unknown key '{key}'; a need has activity and resources"), key=key)
        )
        raise reader.fail(f"needs[{k}].{key}", msg)
    aid = table.get("activity")
    if not isinstance(aid, str):
        # A table or a list here is not hashable: say what to write before looking it up.
        msg = Said(
            N_('{aid!r} is not an activity id; write activity = "long-hoa.trao-thuong"'), aid=aid
        )
        raise reader.fail(f"needs[{k}].activity", msg)
    if aid not in by_id:
        unknown = UnknownReferenceError(
            item_kind="needs", item_id=str(aid), ref_kind="activity", ref=str(aid), valid=by_id
        )
        raise reader.fail_on(f"needs[{k}].activity", unknown)
    try:
        wanted = table.get("resources", [])
        extra = list(_converter().structure(wanted, tuple[Requirement, ...]))
    except PlanError as err:
        raise reader.fail_on(f"needs[{k}].resources", err) from None
    known = {r.id for r in lists["resources"]} | {
        r.group for r in lists["resources"] if r.group is not None
    }
    for req in extra:
        if req.resource not in known:
            unknown = UnknownReferenceError(
                item_kind="needs",
                item_id=str(aid),
                ref_kind="resource or group",
                ref=req.resource,
                valid=known,
            )
            raise reader.fail_on(f"needs[{k}].resources", unknown)
    act = lists["activities"][by_id[aid]]
    try:
        lists["activities"][by_id[aid]] = attrs.evolve(act, needs=(*act.needs, *extra))
    except PlanError as err:  # a resource the activity needs already
        raise reader.fail_on(f"needs[{k}].resources", err) from None


# -- saving ---------------------------------------------------------------------------


def _plain(value: object) -> object:  # noqa: PLR0911 - one case per model type
    if isinstance(value, pendulum.Duration | dt.timedelta):
        return int(value.total_seconds() // 60)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, Requirement):
        return value.resource if value.quantity == 1 else attrs.asdict(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if attrs.has(type(value)):
        return _record(value)
    if hasattr(value, "value") and isinstance(getattr(value, "value", None), str):
        return value.value  # an enum
    return value


def _record(item: object) -> dict[str, object]:
    out: dict[str, object] = {}
    for field in attrs.fields(cast("Any", type(item))):
        if not field.init:
            continue
        value = getattr(item, field.name)
        default = field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = None
        if value is None or (value == default and field.name not in {"kind", "id"}):
            continue
        out[field.name] = _plain(value)
    return out


def dumps(festival: Festival) -> str:  # noqa: C901 - one optional key after another
    """The festival as plan-file TOML, in full (no generator sections).

    >>> import ngayhoi
    >>> "[[activities]]" in dumps(ngayhoi.samples.tiny_festival())
    True
    """
    doc: dict[str, object] = {"format": FORMAT, "version": VERSION}
    head: dict[str, object] = {
        "id": festival.id,
        "name": festival.name,
        "days": _plain(festival.days),
    }
    if festival.timezone != "Asia/Ho_Chi_Minh":
        head["timezone"] = festival.timezone
    if festival.campaign is not None:
        head["campaign"] = _plain(festival.campaign)
    if festival.organiser:
        head["organiser"] = festival.organiser
    head["opens"] = festival.opens.strftime("%H:%M")
    head["closes"] = festival.closes.strftime("%H:%M")
    head["outdoor_until"] = (
        False if festival.outdoor_until is None else festival.outdoor_until.strftime("%H:%M")
    )
    head["domain"] = festival.domain
    head["attendance"] = False if festival.attendance is None else list(festival.attendance)
    head["max_idle"] = False if festival.max_idle is None else festival.max_idle
    head["weather"] = festival.weather
    if not festival.working_days:
        head["working_days"] = False
    if festival.days_off:
        head["days_off"] = [_plain(d) for d in festival.days_off]
    doc["festival"] = head
    doc["units"] = {"define": [_record(u) for u in festival.units]}
    travel = festival.travel
    if not travel.is_empty:
        box: dict[str, object] = {}
        given = _given_pairs(travel.minutes)
        if given:
            box["minutes"] = [{"from": a, "to": b, "minutes": m} for (a, b), m in given]
        for key in ("speed_kmh", "default"):
            if getattr(travel, key) is not None:
                box[key] = getattr(travel, key)
        box["road_factor"] = travel.road_factor
        doc["travel"] = box
    for section in _SECTIONS:
        items = getattr(festival, section)
        if items:
            doc[section] = [_record(i) for i in items]
    return tomli_w.dumps(doc)


def _given_pairs(matrix: Mapping[tuple[str, str], int]) -> list[tuple[tuple[str, str], int]]:
    """Each unordered pair once, plus the reverse where it differs."""
    out = []
    for (a, b), m in matrix.items():
        if (b, a) in matrix and matrix[(b, a)] == m and (b, a) < (a, b):
            continue
        out.append(((a, b), m))
    return out


def save(festival: Festival, path: Path | str) -> Path:
    """Write the festival to a plan file atomically; ``load(save(f)) == f``.

    >>> import tempfile, pathlib, ngayhoi
    >>> save(ngayhoi.samples.tiny_festival(), pathlib.Path(tempfile.mkdtemp()) / "p.toml").suffix
    '.toml'
    """
    return write_atomic(Path(path), dumps(festival).encode("utf-8"))
