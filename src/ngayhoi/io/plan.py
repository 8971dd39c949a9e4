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

import datetime as dt
import difflib
import enum
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

import attrs
import cattrs
import pendulum
import tomli_w

from ngayhoi import data as dataset
from ngayhoi.errors import NgayhoiError, PlanError, UnknownReferenceError
from ngayhoi.export.files import write_atomic
from ngayhoi.model import (
    Activity,
    Award,
    Dependency,
    Festival,
    PrepTask,
    Requirement,
    Resource,
    Site,
    SyncGroup,
    TravelTimes,
    Unit,
)
from ngayhoi.templates import (
    Programme,
    preparation_cascade,
    stamp_programme,
    standard_programme,
    standard_roles,
)

__all__ = ["FORMAT", "VERSION", "PlanFileError", "dumps", "load", "loads", "save"]

FORMAT = "ngayhoi-plan"
VERSION = 1
T = TypeVar("T")
_MAX_BYTES = 5 * 1024 * 1024


class PlanFileError(PlanError):
    """A plan file is malformed; the message names the file, the key path and the line."""

    def __init__(self, source: str, path: str, message: str, line: int | None = None) -> None:
        """Compose ``source: path: message (line N)``."""
        self.source = source
        self.path = path
        self.line = line
        where = f"{source}: {path}: " if path else f"{source}: "
        tail = f" (line {line})" if line else ""
        super().__init__(f"{where}{message}{tail}")


# -- the converter ----------------------------------------------------------------


def _converter() -> cattrs.Converter:  # noqa: C901, PLR0915 - one hook per model type
    conv = cattrs.Converter(forbid_extra_keys=True)

    def as_datetime(value: Any, _t: Any) -> pendulum.DateTime:  # noqa: ANN401 - any TOML value
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value)
            except ValueError as err:
                msg = f"{value!r} is not a date and time; write 2023-08-06T06:45:00+07:00"
                raise PlanError(msg) from err
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return pendulum.instance(value)
        if isinstance(value, dt.datetime):
            msg = (
                f"{value.isoformat()} has no time zone; write the offset, "
                "e.g. 2023-08-06T06:45:00+07:00"
            )
            raise PlanError(msg)
        msg = f"{value!r} is not a date and time; write 2023-08-06T06:45:00+07:00"
        raise PlanError(msg)

    def as_duration(value: Any, _t: Any) -> pendulum.Duration:  # noqa: ANN401
        if isinstance(value, bool) or not isinstance(value, int):
            msg = f"{value!r} is not a whole number of minutes"
            raise PlanError(msg)
        return pendulum.duration(minutes=value)

    def as_date(value: Any, _t: Any) -> pendulum.Date:  # noqa: ANN401
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError as err:
                msg = f"{value!r} is not a date; write 2023-08-06"
                raise PlanError(msg) from err
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return pendulum.Date(value.year, value.month, value.day)
        msg = f"{value!r} is not a date; write 2023-08-06"
        raise PlanError(msg)

    def as_requirement(value: Any, _t: Any) -> Requirement:  # noqa: ANN401
        if isinstance(value, str):
            return Requirement(value)
        if isinstance(value, Mapping):
            extra = set(value) - {"resource", "quantity"}
            if extra:
                msg = f"unknown key {min(extra)!r}; a need has resource and quantity"
                raise PlanError(msg)
            return Requirement(value.get("resource", ""), value.get("quantity", 1))
        msg = f"{value!r} is not a resource id or a {{resource, quantity}} table"
        raise PlanError(msg)

    def as_travel(value: Any, _t: Any) -> TravelTimes:  # noqa: ANN401
        if not isinstance(value, Mapping):
            msg = "travel must be a table"
            raise PlanError(msg)
        extra = set(value) - {"minutes", "speed_kmh", "road_factor", "default"}
        if extra:
            msg = f"unknown key {min(extra)!r} in [travel]"
            raise PlanError(msg)
        matrix: dict[tuple[str, str], int] = {}
        for k, row in enumerate(value.get("minutes", [])):
            if not isinstance(row, Mapping) or set(row) != {"from", "to", "minutes"}:
                msg = f"travel.minutes[{k}] needs exactly from, to and minutes"
                raise PlanError(msg)
            matrix[(str(row["from"]), str(row["to"]))] = row["minutes"]
        options = {k: value[k] for k in ("speed_kmh", "road_factor", "default") if k in value}
        return TravelTimes(minutes=_pairs(matrix), **options)

    def as_enum(value: Any, kind: type[enum.Enum]) -> enum.Enum:  # noqa: ANN401
        try:
            return kind(value)
        except ValueError:
            choices = ", ".join(repr(m.value) for m in kind)
            msg = f"{value!r} is not one of {choices}"
            raise PlanError(msg) from None

    conv.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), as_enum
    )
    conv.register_structure_hook(pendulum.DateTime, as_datetime)
    conv.register_structure_hook(pendulum.Duration, as_duration)
    conv.register_structure_hook(pendulum.Date, as_date)
    conv.register_structure_hook(dt.time, lambda v, _t: _as_time(v))
    conv.register_structure_hook(Requirement, as_requirement)
    conv.register_structure_hook(TravelTimes, as_travel)
    return conv


def _pairs(matrix: dict[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    """Keep only the pairs given: TravelTimes fills the reverse ones itself."""
    return dict(matrix)


_CLOCK = re.compile(r"^\s*(\d{1,2})\s*[:hH]\s*(\d{2})\s*$")


def _as_time(value: object) -> dt.time:
    """A time of day from a TOML time, ``"07:30"``, ``"7:30"`` or ``"7h30"``."""
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str):
        found = _CLOCK.match(value)
        if found and int(found.group(1)) < 24 and int(found.group(2)) < 60:  # noqa: PLR2004
            return dt.time(int(found.group(1)), int(found.group(2)))
    msg = f'{value!r} is not a time of day; write it as "HH:MM" in quotes, e.g. "07:30"'
    raise PlanError(msg)


_CONVERTER = _converter()

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
    "travel",
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
}


# -- loading ------------------------------------------------------------------------


@attrs.define
class _Reader:
    source: str
    text: str

    def fail(self, path: str, message: str) -> PlanFileError:
        return PlanFileError(self.source, path, message, self.line_of(path))

    def line_of(self, path: str) -> int | None:  # noqa: C901 - tables, arrays of tables, keys
        """The line of a key path such as ``activities[3].duration`` (best effort)."""
        lines = self.text.splitlines()
        match = re.match(r"^([a-z_]+)(?:\[(\d+)\])?(?:\.([a-z_]+))?", path)
        if match is None:
            return None
        section, index, key = match.group(1), match.group(2), match.group(3)
        start = 0
        if index is not None:
            header = re.compile(rf"^\s*\[\[\s*{re.escape(section)}\s*\]\]")
            seen = -1
            for n, line in enumerate(lines):
                if header.match(line):
                    seen += 1
                    if seen == int(index):
                        start = n
                        break
            else:
                return None
        else:
            header = re.compile(rf"^\s*\[\s*{re.escape(section)}\s*\]")
            start = next((n for n, line in enumerate(lines) if header.match(line)), -1)
            if start < 0:
                keyed = re.compile(rf"^\s*{re.escape(section)}\s*=")
                found = next((n for n, line in enumerate(lines) if keyed.match(line)), None)
                return None if found is None else found + 1
        if key is None:
            return start + 1
        keyed = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for n in range(start + 1, len(lines)):
            if lines[n].lstrip().startswith("["):
                break
            if keyed.match(lines[n]):
                return n + 1
        return start + 1

    def structure(self, table: object, cls: type[T], path: str) -> T:
        if not isinstance(table, Mapping):
            raise self.fail(path, f"expected a table, got {type(table).__name__}")
        names = {a.alias or a.name for a in attrs.fields(cast("Any", cls)) if a.init}
        for key in table:
            if key not in names:
                hint = difflib.get_close_matches(str(key), sorted(names), n=1)
                tip = (
                    f"; did you mean '{hint[0]}'?"
                    if hint
                    else f" (known: {', '.join(sorted(names))})"
                )
                raise self.fail(f"{path}.{key}", f"unknown key '{key}'{tip}")
        try:
            return _CONVERTER.structure(dict(table), cls)
        except cattrs.ClassValidationError as err:
            raise self._explain(err, path) from None
        except PlanError as err:
            raise self.fail(path, str(err)) from None
        except (TypeError, ValueError) as err:
            raise self.fail(path, str(err)) from None

    def _explain(self, err: cattrs.ClassValidationError, path: str) -> PlanFileError:
        for sub in err.exceptions:
            notes = getattr(sub, "__notes__", [])
            attr = next(
                (n.split("@ attribute ")[-1].strip() for n in notes if "@ attribute" in n), None
            )
            key = f"{path}.{attr}" if attr else path
            if isinstance(sub, PlanError):
                return self.fail(key, str(sub))
            if isinstance(sub, cattrs.ClassValidationError):
                return self._explain(sub, key)
            if isinstance(sub, KeyError):
                return self.fail(path, f"missing required key {sub}")
            return self.fail(key, _plain_error(sub))
        return self.fail(path, str(err))


def _plain_error(err: BaseException) -> str:
    text = str(err)
    if isinstance(err, TypeError) and "int()" in text:
        return "expected a whole number"
    return text or type(err).__name__


def load(path: Path | str) -> Festival:
    """Read a plan file.

    Raises:
        PlanFileError: naming the file, the key path and the line.

    >>> import tempfile, pathlib, ngayhoi
    >>> path = save(ngayhoi.samples.tiny_festival(), pathlib.Path(tempfile.mkdtemp()) / "plan.toml")
    >>> load(path).id
    'tiny'
    """
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > _MAX_BYTES:
            msg = f"{size} bytes; a plan file is at most {_MAX_BYTES // 1024 // 1024} MB"
            raise PlanFileError(str(file), "", msg)
        raw = file.read_bytes()
    except OSError as err:
        raise PlanFileError(str(file), "", f"cannot read it: {err.strerror or err}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        msg = f"not UTF-8 text (byte {err.start}); save the file as UTF-8"
        raise PlanFileError(str(file), "", msg) from None
    return loads(text, source=str(file))


def loads(text: str, *, source: str = "<plan>") -> Festival:
    """Read a plan from TOML text.

    Raises:
        PlanFileError: naming the source, the key path and the line.

    >>> loads('format = "other"')
    Traceback (most recent call last):
    ...
    ngayhoi.io.plan.PlanFileError: <plan>: format: expected format = "ngayhoi-plan", got 'other' ...
    """
    if len(text.encode("utf-8")) > _MAX_BYTES:
        msg = f"more than {_MAX_BYTES // 1024 // 1024} MB; a plan file is at most that"
        raise PlanFileError(source, "", msg)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        found = re.search(r"line (\d+)", str(err))
        line = int(found.group(1)) if found else None
        raise PlanFileError(source, "", f"not valid TOML: {err}", line) from None
    reader = _Reader(source, text)
    try:
        return _build(doc, reader)
    except PlanFileError:
        raise
    except UnknownReferenceError as err:
        raise _locate(err, doc, reader) from None
    except NgayhoiError as err:
        text = str(err)
        where = "festival.days" if "campaign" in text or "days" in text else ""
        raise reader.fail(where, text) from None


def _locate(err: UnknownReferenceError, doc: Mapping[str, Any], reader: _Reader) -> PlanFileError:
    section = {
        "site": "sites",
        "activity": "activities",
        "resource": "resources",
        "sync group": "sync_groups",
        "prep task": "prep_tasks",
        "award": "awards",
    }.get(err.item_kind)
    key = {
        "unit": "unit",
        "site": "site",
        "activity": "activities" if err.item_kind == "sync group" else "ceremony",
        "resource or group": "needs",
        "role": "roles",
        "owner role": "owner",
        "prep task": "after",
    }.get(err.ref_kind, "")
    if err.item_kind == "activity" and err.ref_kind == "site":
        key = "site"
    if section and isinstance(doc.get(section), list):
        for k, table in enumerate(doc[section]):
            if isinstance(table, Mapping) and table.get("id") == err.item_id:
                return reader.fail(f"{section}[{k}].{key}" if key else f"{section}[{k}]", str(err))
    if err.item_kind == "dependency" and isinstance(doc.get("dependencies"), list):
        for k, table in enumerate(doc["dependencies"]):
            pair = f"{table.get('predecessor')}->{table.get('successor')}"
            if pair == err.item_id:
                return reader.fail(f"dependencies[{k}]", str(err))
    return reader.fail(section or "", str(err))


def _build(doc: Mapping[str, Any], reader: _Reader) -> Festival:  # noqa: C901, PLR0912 - one section each
    for key in doc:
        if key not in _TOP:
            hint = difflib.get_close_matches(str(key), sorted(_TOP), n=1)
            tip = f"; did you mean '{hint[0]}'?" if hint else ""
            raise reader.fail(str(key), f"unknown section '{key}'{tip}")
    if doc.get("format") != FORMAT:
        raise reader.fail("format", f'expected format = "{FORMAT}", got {doc.get("format")!r}')
    if doc.get("version") != VERSION:
        msg = (
            f"version {doc.get('version')!r} is not supported; this ngayhoi reads version {VERSION}"
        )
        raise reader.fail("version", msg)
    head = doc.get("festival")
    if not isinstance(head, Mapping):
        raise reader.fail("festival", "missing [festival] table (id, name, days)")
    for key in head:
        if key not in _FESTIVAL_KEYS:
            hint = difflib.get_close_matches(str(key), sorted(_FESTIVAL_KEYS), n=1)
            tip = f"; did you mean '{hint[0]}'?" if hint else ""
            raise reader.fail(f"festival.{key}", f"unknown key '{key}'{tip}")
    for key in ("id", "name", "days"):
        if key not in head:
            raise reader.fail("festival", f"missing key '{key}'")
    days = _days(head["days"], reader)
    units = _units(doc.get("units", {}), days[0], reader)
    lists: dict[str, list[Any]] = {}
    for section, cls in _SECTIONS.items():
        tables = doc.get(section, [])
        if not isinstance(tables, list):
            raise reader.fail(section, f"expected [[{section}]] tables")
        lists[section] = [reader.structure(t, cls, f"{section}[{k}]") for k, t in enumerate(tables)]
    _check_sites(lists["sites"], units, reader)
    travel = TravelTimes()
    if "travel" in doc:
        travel = reader.structure({"travel": doc["travel"]}, _TravelBox, "travel").travel
    timezone = str(head.get("timezone", "Asia/Ho_Chi_Minh"))
    if "programme" in doc:
        blocks = doc["programme"] if isinstance(doc["programme"], list) else [doc["programme"]]
        for k, block in enumerate(blocks):
            path = f"programme[{k}]" if isinstance(doc["programme"], list) else "programme"
            _stamp(block, lists, units, days[0], timezone, reader, path)
        _merge_sync(lists)
    if "preparation" in doc:
        _prepare(doc["preparation"], lists, units, reader)
    if "needs" in doc:
        _add_needs(doc["needs"], lists, reader)
    options: dict[str, Any] = {}
    for key in ("campaign",):
        if key in head:
            options[key] = tuple(_days(head[key], reader, path=f"festival.{key}"))
    for key in ("opens", "closes"):
        if key in head:
            options[key] = _time_at(head[key], f"festival.{key}", reader)
    if "outdoor_until" in head:
        value = head["outdoor_until"]
        options["outdoor_until"] = (
            None if value is False else _time_at(value, "festival.outdoor_until", reader)
        )
    for key in ("organiser", "domain"):
        if key in head:
            options[key] = head[key]
    return Festival(
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


@attrs.frozen
class _TravelBox:
    travel: TravelTimes


def _time_at(value: object, path: str, reader: _Reader) -> dt.time:
    try:
        return _as_time(value)
    except PlanError as err:
        raise reader.fail(path, str(err)) from None


def _days(value: object, reader: _Reader, path: str = "festival.days") -> list[pendulum.Date]:
    items = value if isinstance(value, list) else [value]
    out = []
    for k, item in enumerate(items):
        try:
            out.append(_CONVERTER.structure(item, pendulum.Date))
        except PlanError as err:
            raise reader.fail(f"{path}[{k}]", str(err)) from None
    if not out:
        raise reader.fail(path, "give at least one date, e.g. [2023-08-06]")
    return out


def _units(table: object, day: pendulum.Date, reader: _Reader) -> list[Unit]:
    if not isinstance(table, Mapping):
        raise reader.fail("units", "expected a [units] table with dataset and/or [[units.define]]")
    extra = set(table) - {"dataset", "define"}
    if extra:
        raise reader.fail(f"units.{min(extra)}", "unknown key; use dataset or define")
    out: list[Unit] = []
    for k, unit_id in enumerate(table.get("dataset", [])):
        try:
            out.append(dataset.unit_on(str(unit_id), day))
        except PlanError as problem:
            valid = ", ".join(u.id for u in dataset.units_on(day))
            raise reader.fail(
                f"units.dataset[{k}]", f"{problem} (valid on {day}: {valid})"
            ) from None
    defined = table.get("define", [])
    if not isinstance(defined, list):
        raise reader.fail("units.define", "expected [[units.define]] tables")
    out += [reader.structure(t, Unit, f"units.define[{k}]") for k, t in enumerate(defined)]
    return out


_SWITCHES = {"parade", "performance", "forum", "discussion", "pledge", "model_launch", "folk_games"}


def _check_sites(sites: Sequence[Site], units: Sequence[Unit], reader: _Reader) -> None:
    """Check sites before stamping on them, so a typo is blamed where it is."""
    known = {u.id for u in units}
    seen: set[str] = set()
    for k, site in enumerate(sites):
        if site.id in seen:
            raise reader.fail(
                f"sites[{k}].id", f"site id '{site.id}' is used twice; give each site its own id"
            )
        seen.add(site.id)
        if site.unit not in known:
            unknown = UnknownReferenceError(
                item_kind="site", item_id=site.id, ref_kind="unit", ref=site.unit, valid=known
            )
            raise reader.fail(f"sites[{k}].unit", str(unknown))


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
) -> None:
    if not isinstance(table, Mapping):
        raise reader.fail(path, "expected a [programme] table")
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
            raise reader.fail(f"{path}.{key}", f"unknown key; use one of {sorted(allowed)}")
    switches = table.get("switch", {})
    for key, value in switches.items():
        if key not in _SWITCHES:
            raise reader.fail(f"{path}.switch.{key}", f"unknown item; use {sorted(_SWITCHES)}")
        if not isinstance(value, bool):
            msg = f"{value!r} is not true or false; write {key} = true or {key} = false"
            raise reader.fail(f"{path}.switch.{key}", msg)
    programme: Programme = standard_programme(**{k: bool(v) for k, v in switches.items()})
    for key, value in table.get("minutes", {}).items():
        if isinstance(value, bool) or not isinstance(value, int):
            msg = f"{value!r} is not a whole number of minutes; write {key} = 40 (no quotes)"
            raise reader.fail(f"{path}.minutes.{key}", msg)
    try:
        minutes = {str(k).replace("-", "_"): v for k, v in table.get("minutes", {}).items()}
        programme = programme.durations(**minutes)
    except PlanError as err:
        raise reader.fail(f"{path}.minutes", str(err)) from None
    for k, move in enumerate(table.get("move", [])):
        if not isinstance(move, Mapping) or set(move) - {"item", "after", "gap"}:
            raise reader.fail(f"{path}.move[{k}]", "a move has item, after and gap")
        try:
            programme = programme.move(
                str(move.get("item")), after=str(move.get("after")), gap=move.get("gap")
            )
        except PlanError as err:
            raise reader.fail(f"{path}.move[{k}]", str(err)) from None
    try:
        gaps = {
            str(k).replace("-", "_"): (int(v[0]), None if len(v) < 2 else int(v[1]))  # noqa: PLR2004
            for k, v in table.get("gaps", {}).items()
        }
        programme = programme.gaps(**gaps)
    except (PlanError, TypeError, ValueError, IndexError) as err:
        raise reader.fail(
            f"{path}.gaps", f"{err}; write item = [gap, max_gap] in minutes"
        ) from None
    site_ids = table.get("sites")
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
                raise reader.fail(f"{path}.sites[{k}]", str(unknown))
            chosen.append(known[sid])
        stamped_sites = {a.site for a in lists["activities"] if a.item is not None}
        again = [s.id for s in chosen if s.id in stamped_sites]
        if again:
            raise reader.fail(f"{path}.sites", f"site '{again[0]}' already has a programme")
    at = _time_at(table.get("at", "06:30"), f"{path}.at", reader)
    try:
        stamped = stamp_programme(
            programme,
            chosen,
            day=day,
            timezone=timezone,
            anchor=table.get("anchor"),
            at=at,
            simultaneous=bool(table.get("simultaneous", True)),
        )
    except PlanError as err:
        raise reader.fail(path, str(err)) from None
    lists["activities"] = [*stamped.activities, *lists["activities"]]
    lists["dependencies"] = [*stamped.dependencies, *lists["dependencies"]]
    lists["sync_groups"] = [*stamped.sync_groups, *lists["sync_groups"]]
    if table.get("roles", True):
        mine = {r.id for r in lists["resources"]}
        lists["resources"] = [
            *(r for r in standard_roles() if r.id not in mine),
            *lists["resources"],
        ]


def _prepare(
    table: object, lists: dict[str, list[Any]], units: Sequence[Unit], reader: _Reader
) -> None:
    if not isinstance(table, Mapping):
        raise reader.fail("preparation", "expected a [preparation] table")
    allowed = {"communes", "organiser"}
    for key in table:
        if key not in allowed:
            raise reader.fail(f"preparation.{key}", f"unknown key; use one of {sorted(allowed)}")
    hosted = [u.id for u in units if u.kind.is_commune_level]
    communes = table.get("communes", hosted)
    lists["prep_tasks"] = [
        *preparation_cascade(communes, organiser=bool(table.get("organiser", True))),
        *lists["prep_tasks"],
    ]


def _add_needs(tables: object, lists: dict[str, list[Any]], reader: _Reader) -> None:
    if not isinstance(tables, list):
        raise reader.fail("needs", "expected [[needs]] tables (activity, resources)")
    by_id = {a.id: k for k, a in enumerate(lists["activities"])}
    for k, table in enumerate(tables):
        if not isinstance(table, Mapping):
            raise reader.fail(f"needs[{k}]", "a [[needs]] table has activity and resources")
        for key in set(table) - {"activity", "resources"}:
            hint = difflib.get_close_matches(str(key), ["activity", "resources"], n=1)
            tip = f"; did you mean '{hint[0]}'?" if hint else "; a need has activity and resources"
            raise reader.fail(f"needs[{k}].{key}", f"unknown key '{key}'{tip}")
        aid = table.get("activity")
        if aid not in by_id:
            unknown = UnknownReferenceError(
                item_kind="needs", item_id=str(k), ref_kind="activity", ref=str(aid), valid=by_id
            )
            raise reader.fail(f"needs[{k}].activity", str(unknown))
        try:
            extra = [_CONVERTER.structure(r, Requirement) for r in table.get("resources", [])]
        except PlanError as err:
            raise reader.fail(f"needs[{k}].resources", str(err)) from None
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
                raise reader.fail(f"needs[{k}].resources", str(unknown))
        act = lists["activities"][by_id[aid]]
        lists["activities"][by_id[aid]] = attrs.evolve(act, needs=(*act.needs, *extra))


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


def dumps(festival: Festival) -> str:
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
