"""The export state: what a calendar folder last published, read through one checked reader.

An export folder keeps ``.ngayhoi-state.json`` beside its feeds. It holds:

* ``format`` (``"ngayhoi-export-state"``) and ``version`` (2; version 1 is read too);
* ``plan``: the fingerprint of the plan that was exported (a digest of the plan in
  canonical order, and the backend, budget and seed it was scheduled with);
* ``options``: the export options (roles, tasks, uid_scope, cancel_mark, commune_roles);
* ``schedule``: the exported schedule, in the format of :func:`ngayhoi.io.save_schedule`;
* ``feeds``: every feed ngayhoi wrote, with its UIDs in order, and the events
  it shows as cancelled because they moved to another feed (``withdrawn``);
* ``events``: per UID, the event as last exported, its digest, SEQUENCE and change time.

:func:`load_state` reads it with a check of every value: a state that is not
ngayhoi's, of a newer version, truncated, or damaged anywhere inside is refused
with an :class:`~ngayhoi.errors.ExportStateError` naming the file, the place and
how to recover (``ngayhoi export --fresh``).

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / STATE_FILE).write_text("null")
>>> load_state(folder)  # doctest: +ELLIPSIS
Traceback (most recent call last):
ngayhoi.errors.ExportStateError: .../.ngayhoi-state.json: expected a table, found null; ...
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import orjson

from ngayhoi._checked import Checked
from ngayhoi._records import plain_repr
from ngayhoi._version import __version__
from ngayhoi.errors import ExportStateError, Said
from ngayhoi.export import _lines
from ngayhoi.export.events import CalendarEvent, Revision
from ngayhoi.export.feeds import Feed
from ngayhoi.i18n import N_
from ngayhoi.model import Festival
from ngayhoi.scheduling.result import Schedule
from ngayhoi.scheduling.stored import check_schedule_data, fingerprint_of, schedule_from_data

__all__ = [
    "JOURNAL_FILE",
    "STATE_FILE",
    "Entry",
    "ExportOptions",
    "ExportState",
    "PlanKey",
    "Withdrawn",
    "load_state",
    "read_journal",
    "view_uid",
]

STATE_FILE = ".ngayhoi-state.json"
JOURNAL_FILE = ".ngayhoi-journal.json"
_FORMAT = "ngayhoi-export-state"
_VERSION = 2
_RECOVER = Said(
    N_(
        "to start the folder's state again, run ngayhoi export PLAN --out FOLDER --fresh "
        "(it re-plans and rewrites every feed; SEQUENCE numbers start again)"
    )
)
_KINDS = ("activity", "travel", "task", "todo")


def view_uid(uid: str, feed_id: str) -> str:
    """The UID an event has in one feed with ``uid_scope="view"``.

    >>> view_uid("f.x.chao-co@ngayhoi.vn", "commune-x")
    'f.x.chao-co.commune-x@ngayhoi.vn'
    """
    local, _, domain = uid.partition("@")
    return f"{local}.{feed_id}@{domain}"


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class PlanKey:
    """What the exported schedule was made from: the plan's digest and the scheduling options.

    Attributes:
        digest: :func:`ngayhoi.scheduling.stored.plan_digest` of the plan.
        backend: the backend asked for (``"auto"``, ``"heuristic"``, ...).
        budget: the heuristic's budget in passes (``None``: until the time limit).
        seed: the heuristic's seed.
    """

    digest: str
    backend: str
    budget: int | None
    seed: int

    @property
    def fingerprint(self) -> str:
        """One digest of the plan and the options.

        >>> PlanKey(digest="0" * 64, backend="auto", budget=200, seed=0).fingerprint[:12]
        '19bfb7a8877c'
        """
        return fingerprint_of(self.digest, backend=self.backend, budget=self.budget, seed=self.seed)


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class ExportOptions:
    """The options an export wrote its feeds with.

    ``commune_roles`` is ``None`` in a state written before it was an option
    (:attr:`ExportState.commune_roles` then reads it from the feeds).
    """

    roles: bool = True
    tasks: str = "event"
    uid_scope: str = "event"
    cancel_mark: bool = True
    commune_roles: bool | None = None


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class Entry:
    """One event as last exported: the event, its digest, SEQUENCE and change time, its feeds."""

    event: CalendarEvent
    fingerprint: str
    revision: Revision
    feeds: tuple[str, ...]


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class Withdrawn:
    """An event a feed shows as cancelled because it moved to other feeds (or the feed left).

    Attributes:
        event: the cancelled copy, as this feed shows it (with a note saying where it went).
        revision: its SEQUENCE and change time in this feed.
    """

    event: CalendarEvent
    revision: Revision


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class ExportState:
    """The last exported version of every event and feed of a folder.

    Attributes:
        festival: the id of the festival the folder belongs to.
        entries: per UID: the event, its fingerprint, SEQUENCE and change time, its feeds.
        feeds: per feed id: the feed as last written (feeds the plan no longer
            has included: every event in them is cancelled).
        withdrawn: per feed id, per UID: events that feed shows as cancelled
            because they now belong to other feeds.
        plan: what the exported schedule was made from (``None`` when the
            exporter was not told, or the state is of version 1).
        options: the export options of the last export.
        schedule: the exported schedule as data (:func:`ngayhoi.io.save_schedule`'s format).
    """

    festival: str | None = None
    entries: Mapping[str, Entry] = attrs.field(factory=dict)
    feeds: Mapping[str, Feed] = attrs.field(factory=dict)
    withdrawn: Mapping[str, Mapping[str, Withdrawn]] = attrs.field(factory=dict)
    plan: PlanKey | None = None
    options: ExportOptions | None = None
    schedule: Mapping[str, Any] | None = attrs.field(default=None, repr=False)
    source: str = attrs.field(default=STATE_FILE, eq=False, repr=False)

    @property
    def commune_roles(self) -> bool:
        """Whether the last export wrote a feed per role in each commune (``role-<role>.<unit>``).

        A state written before this was an option says it by its feeds.

        >>> ExportState().commune_roles
        False
        """
        if self.options is not None and self.options.commune_roles is not None:
            return self.options.commune_roles
        return any(f.kind == "commune-role" for f in self.feeds.values())

    def events(self) -> dict[str, CalendarEvent]:
        """The events as last exported, by UID."""
        return {uid: e.event for uid, e in self.entries.items()}

    def feed_uids(self) -> dict[str, tuple[str, ...]]:
        """Every feed ngayhoi wrote (by file name) and the UIDs written in it, cancelled included.

        With ``uid_scope="view"`` these are the per-feed UIDs, as the files hold
        them: what ``publish`` may create, update or cancel on a server.

        >>> import tempfile, ngayhoi
        >>> from ngayhoi.export import export_calendars
        >>> sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
        >>> report = export_calendars(sched, tempfile.mkdtemp(), uid_scope="view")
        >>> report.state.feed_uids()["master.ics"][0]
        'tiny.x.chao-co.master@ngayhoi.vn'
        """
        scope = self.options.uid_scope if self.options is not None else "event"
        return {
            feed.filename: tuple(
                view_uid(uid, fid) if scope == "view" else uid for uid in feed.uids
            )
            for fid, feed in sorted(self.feeds.items())
        }

    def exported_schedule(self, festival: Festival, *, partial: bool = False) -> Schedule | None:
        """The exported schedule, read against ``festival`` (``None`` if the state has none).

        Args:
            festival: the plan (the same one for a reuse; the edited one for a re-plan).
            partial: keep only what the plan still has (the ``previous`` of a re-plan).

        Raises:
            ExportStateError: the stored schedule is damaged, or (without
                ``partial``) names activities the plan does not have.
        """
        if self.schedule is None:
            return None
        return schedule_from_data(
            self.schedule,
            festival,
            source=f"{self.source} (its schedule)",
            error=ExportStateError,
            hint=_RECOVER,
            partial=partial,
        )

    def to_json(self) -> dict[str, Any]:
        """The state as JSON data."""
        return {
            "format": _FORMAT,
            "version": _VERSION,
            "generator": f"ngayhoi {__version__}",
            "festival": self.festival,
            "plan": None if self.plan is None else attrs.asdict(self.plan),
            "options": None if self.options is None else attrs.asdict(self.options),
            "schedule": self.schedule,
            "feeds": {
                fid: {
                    "name": f.name,
                    "description": f.description,
                    "kind": f.kind,
                    "subject": f.subject,
                    "uids": list(f.uids),
                    "withdrawn": {
                        uid: {**_revision_json(w.revision), "event": w.event.to_json()}
                        for uid, w in self.withdrawn.get(fid, {}).items()
                    },
                }
                for fid, f in sorted(self.feeds.items())
            },
            "events": {
                uid: {
                    "fingerprint": e.fingerprint,
                    **_revision_json(e.revision),
                    "feeds": list(e.feeds),
                    "event": e.event.to_json(),
                }
                for uid, e in sorted(self.entries.items())
            },
        }

    @classmethod
    def from_json(cls, data: object, *, source: Path | str) -> ExportState:
        """The state from JSON data, every value checked; damage is refused by file and place.

        >>> ExportState.from_json({"format": "x"}, source="s.json")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ngayhoi.errors.ExportStateError: s.json: not an ngayhoi export state (format 'x'...
        """
        return _Reader(str(source)).state(data)


def _revision_json(revision: Revision) -> dict[str, object]:
    return {
        "sequence": revision.sequence,
        "stamp": _lines.iso(revision.stamp),
        "created": _lines.iso(revision.created),
    }


class _Reader:
    """The checked reader of a state file (one method per table)."""

    def __init__(self, source: str) -> None:
        self.read = Checked(source, ExportStateError, _RECOVER)

    def state(self, data: object) -> ExportState:
        read = self.read
        top = read.table(data, "")
        fmt = top.get("format")
        if fmt != _FORMAT:
            msg = (
                f"not an ngayhoi export state (format {fmt!r}, expected {_FORMAT!r}); "
                "if it is not ngayhoi's, move it away or export into another folder"
            )
            raise read.problem(msg)
        version = read.integer(read.key(top, "version", "the state"), "version", minimum=1)
        if version > _VERSION:
            msg = (
                f"an export state of version {version}, written by a newer ngayhoi "
                f"(this one reads up to version {_VERSION}); upgrade ngayhoi"
            )
            raise read.problem(msg)
        festival = read.optional_text(top.get("festival"), "festival")
        feeds: dict[str, Feed] = {}
        withdrawn: dict[str, dict[str, Withdrawn]] = {}
        for fid, raw in read.table(top.get("feeds", {}), "feeds").items():
            feeds[fid], moved = self.feed(fid, raw)
            if moved:
                withdrawn[fid] = moved
        entries = {
            uid: self.entry(uid, raw)
            for uid, raw in read.table(top.get("events", {}), "events").items()
        }
        for fid, feed in feeds.items():
            for uid in feed.uids:
                if uid not in entries and uid not in withdrawn.get(fid, {}):
                    msg = f"feeds['{fid}'] lists the UID '{uid}', which the state has no event for"
                    raise read.problem(msg)
        schedule = top.get("schedule")
        if schedule is not None:
            # Its types now; its ids when it is read against a plan.
            check_schedule_data(
                read.table(schedule, "schedule"),
                source=f"{read.source} (its schedule)",
                error=ExportStateError,
                hint=_RECOVER,
            )
        return ExportState(
            festival=festival,
            entries=entries,
            feeds=feeds,
            withdrawn=withdrawn,
            plan=self.plan(top.get("plan")),
            options=self.options(top.get("options")),
            schedule=schedule,
            source=read.source,
        )

    def plan(self, raw: object) -> PlanKey | None:
        if raw is None:
            return None
        read = self.read
        table = read.table(raw, "plan")
        budget = table.get("budget")
        return PlanKey(
            digest=read.text(read.key(table, "digest", "plan"), "plan.digest"),
            backend=read.text(read.key(table, "backend", "plan"), "plan.backend"),
            budget=None if budget is None else read.integer(budget, "plan.budget", minimum=1),
            seed=read.integer(read.key(table, "seed", "plan"), "plan.seed"),
        )

    def options(self, raw: object) -> ExportOptions | None:
        if raw is None:
            return None
        read = self.read
        table = read.table(raw, "options")
        tasks = read.text(table.get("tasks", "event"), "options.tasks")
        scope = read.text(table.get("uid_scope", "event"), "options.uid_scope")
        if tasks not in {"event", "todo"}:
            raise read.fail("options.tasks", "'event' or 'todo'", tasks)
        if scope not in {"event", "view"}:
            raise read.fail("options.uid_scope", "'event' or 'view'", scope)
        return ExportOptions(
            roles=read.boolean(table.get("roles", True), "options.roles"),
            tasks=tasks,
            uid_scope=scope,
            cancel_mark=read.boolean(table.get("cancel_mark", True), "options.cancel_mark"),
            commune_roles=None
            if table.get("commune_roles") is None
            else read.boolean(table["commune_roles"], "options.commune_roles"),
        )

    def feed(self, fid: str, raw: object) -> tuple[Feed, dict[str, Withdrawn]]:
        read = self.read
        where = f"feeds['{fid}']"
        table = read.table(raw, where)
        uids = read.texts(table.get("uids", []), f"{where}.uids")
        if len(set(uids)) != len(uids):
            msg = f"{where}.uids lists a UID twice"
            raise read.problem(msg)
        moved: dict[str, Withdrawn] = {}
        for uid, entry in read.table(table.get("withdrawn", {}), f"{where}.withdrawn").items():
            at = f"{where}.withdrawn['{uid}']"
            row = read.table(entry, at)
            moved[uid] = Withdrawn(
                event=self.event(read.key(row, "event", at), f"{at}.event", uid),
                revision=self.revision(row, at),
            )
        feed = Feed(
            id=fid,
            name=read.text(read.key(table, "name", where), f"{where}.name"),
            description=read.text(read.key(table, "description", where), f"{where}.description"),
            kind=read.text(read.key(table, "kind", where), f"{where}.kind"),
            subject=read.optional_text(table.get("subject"), f"{where}.subject"),
            uids=uids,
        )
        return feed, moved

    def entry(self, uid: str, raw: object) -> Entry:
        read = self.read
        where = f"events['{uid}']"
        table = read.table(raw, where)
        return Entry(
            event=self.event(read.key(table, "event", where), f"{where}.event", uid),
            fingerprint=read.text(read.key(table, "fingerprint", where), f"{where}.fingerprint"),
            revision=self.revision(table, where),
            feeds=read.texts(table.get("feeds", []), f"{where}.feeds"),
        )

    def revision(self, table: Mapping[str, Any], where: str) -> Revision:
        read = self.read
        return Revision(
            sequence=read.integer(
                read.key(table, "sequence", where), f"{where}.sequence", minimum=0
            ),
            stamp=self.instant(read.key(table, "stamp", where), f"{where}.stamp"),
            created=self.instant(read.key(table, "created", where), f"{where}.created"),
        )

    def instant(self, raw: object, where: str) -> dt.datetime:
        read = self.read
        text = read.text(raw, where)
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            raise read.fail(where, "an ISO date and time", text) from None
        if moment.tzinfo is None:
            raise read.fail(where, "a date and time with its UTC offset", text)
        return moment

    def event(self, raw: object, where: str, uid: str) -> CalendarEvent:  # noqa: C901, PLR0912 - one check per field
        read = self.read
        table = read.table(raw, where)
        known = {
            "uid", "kind", "summary", "start", "end", "location", "description", "categories",
            "geo", "related_to", "cancelled", "transparent", "resources", "all_day", "tz",
        }  # fmt: skip
        extra = sorted(set(table) - known)
        if extra:
            msg = f"{where}: unknown key '{extra[0]}'"
            raise read.problem(msg)
        if read.text(read.key(table, "uid", where), f"{where}.uid") != uid:
            msg = f"{where}.uid is not '{uid}', the UID it is filed under"
            raise read.problem(msg)
        kind = read.text(read.key(table, "kind", where), f"{where}.kind")
        if kind not in _KINDS:
            raise read.fail(f"{where}.kind", "'activity', 'travel', 'task' or 'todo'", kind)
        for key in ("summary", "start"):
            read.text(read.key(table, key, where), f"{where}.{key}")
        for key in ("end", "location", "description", "related_to", "tz"):
            read.optional_text(table.get(key), f"{where}.{key}")
        for key in ("categories", "resources"):
            read.texts(table.get(key, []), f"{where}.{key}")
        for key in ("cancelled", "transparent", "all_day"):
            read.boolean(table.get(key, False), f"{where}.{key}")
        geo = table.get("geo")
        if geo is not None:
            pair = read.items(geo, f"{where}.geo")
            if len(pair) != 2:  # noqa: PLR2004 - latitude and longitude
                raise read.fail(f"{where}.geo", "[latitude, longitude]", geo)
            for i, value in enumerate(pair):
                read.number(value, f"{where}.geo[{i}]")
        all_day = table.get("all_day", False)
        if not all_day:
            zone = table.get("tz", "UTC")
            try:
                ZoneInfo(str(zone))
            except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
                raise read.fail(f"{where}.tz", "an IANA time zone", zone) from None
            for key in ("start", "end"):
                value = table.get(key)
                if value is not None:
                    self.instant(value, f"{where}.{key}")
        else:
            try:
                dt.date.fromisoformat(str(table["start"]))
            except ValueError:
                raise read.fail(f"{where}.start", "a date YYYY-MM-DD", table["start"]) from None
        if unicodedata.normalize("NFC", str(table["summary"])) != table["summary"]:
            raise read.fail(f"{where}.summary", "NFC text", table["summary"])
        return CalendarEvent.from_json(dict(table))


def load_state(folder: Path | str) -> ExportState:
    """The export state of a folder (empty if it was never exported to).

    Raises:
        ExportStateError: (an :class:`~ngayhoi.errors.ExportError`) the state
            file is unreadable, not JSON or cut short, not ngayhoi's, of a newer
            version, or damaged inside; the message names the file, the place
            and how to recover.

    >>> import tempfile
    >>> load_state(tempfile.mkdtemp()).entries
    {}
    """
    path = Path(folder) / STATE_FILE
    if not path.exists():
        return ExportState()
    try:
        raw = path.read_bytes()
    except OSError as err:
        msg = Said(
            N_("{path}: cannot read the export state ({value}); {RECOVER}"),
            path=path,
            value=err.strerror or err,
            RECOVER=_RECOVER,
        )
        raise ExportStateError(msg) from err
    key = str(path.absolute())
    cached = _LAST.get(key)
    if cached is not None and cached[0] == raw:
        return cached[1]  # the same bytes read a moment ago (a re-export reads its state twice)
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        msg = Said(
            N_("{path}: the export state is not JSON, or cut short ({err}); {RECOVER}"),
            path=path,
            err=err,
            RECOVER=_RECOVER,
        )
        raise ExportStateError(msg) from err
    state = ExportState.from_json(data, source=path)
    _LAST.clear()
    _LAST[key] = (raw, state)
    return state


#: The last state read, with its bytes: an ExportState is immutable, so the same bytes
#: give the same state without checking them again.
_LAST: dict[str, tuple[bytes, ExportState]] = {}


def read_journal(path: Path) -> list[str]:
    """The file names a journal of an interrupted export lists, checked.

    Raises:
        ExportStateError: the journal is not JSON, not a table with a
            ``files`` list of plain file names; the message names it and how
            to recover.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / JOURNAL_FILE
    >>> _ = path.write_text('{"files": ["master.ics", ".ngayhoi-state.json"]}')
    >>> read_journal(path)
    ['master.ics', '.ngayhoi-state.json']
    """
    hint = (
        "the export it belongs to cannot be finished; run ngayhoi export PLAN --out "
        "FOLDER --fresh to write every feed and the state again"
    )
    read = Checked(str(path), ExportStateError, hint)
    try:
        data = orjson.loads(path.read_bytes())
    except OSError as err:
        raise read.problem(f"cannot read the journal ({err.strerror or err})") from err
    except orjson.JSONDecodeError as err:
        raise read.problem(f"the journal is not JSON, or cut short ({err})") from err
    # Names that would leave the folder are refused where they are used (files.safe_child).
    return list(read.texts(read.key(read.table(data, ""), "files", "the journal"), "files"))
