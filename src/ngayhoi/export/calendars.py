"""Synchronised calendar export: feeds that update subscribers instead of duplicating.

:func:`export_calendars` writes every feed into a folder and keeps, in the same
folder, the last exported state of every event (``.ngayhoi-state.json``). A
re-export after a re-plan then:

* keeps each event's UID;
* raises SEQUENCE only for events whose content changed, and sets their
  DTSTAMP and LAST-MODIFIED to that change's time;
* leaves unchanged events byte-identical (so unchanged feeds are not even
  rewritten, and clients see the same ETag);
* keeps an event that left the plan as ``STATUS:CANCELLED`` with SEQUENCE + 1,
  in every feed it was in, titled ``[HỦY] ...`` for clients that ignore the status.

Writing is all-or-nothing: new files and state go to a staging folder, a
journal marks the moment the new version is complete, then files are renamed
into place. An export interrupted before the journal leaves the previous
version; one interrupted after it is finished by the next export (or
:func:`recover`). Two exports into one folder at once are refused.

>>> import pendulum, tempfile, ngayhoi
>>> folder = tempfile.mkdtemp()
>>> sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
>>> report = export_calendars(sched, folder, now=pendulum.datetime(2023, 7, 1, tz="UTC"))
>>> report.counts["added"], len(report.written)
(2, 2)
>>> export_calendars(sched, folder).written   # nothing changed: nothing rewritten
[]
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import orjson

from ngayhoi._version import __version__
from ngayhoi.errors import ExportError, NaiveDatetimeError, NotScheduledError
from ngayhoi.export import _lines
from ngayhoi.export.diff import PlanDiff, diff_events
from ngayhoi.export.ics import (
    CalendarEvent,
    Feed,
    Revision,
    calendar_bytes,
    calendar_events,
    standard_feeds,
)
from ngayhoi.files import fsync_path, safe_child, sync_files, write_atomic
from ngayhoi.scheduling.result import Schedule

__all__ = [
    "STATE_FILE",
    "ExportReport",
    "ExportState",
    "export_calendars",
    "load_state",
    "read_version",
    "recover",
]

STATE_FILE = ".ngayhoi-state.json"
_JOURNAL = ".ngayhoi-journal.json"
_STAGING = ".ngayhoi-staging"
_LOCK = ".ngayhoi.lock"
_FORMAT = "ngayhoi-export-state"
_VERSION = 1


@attrs.frozen(kw_only=True)
class _Entry:
    event: CalendarEvent
    fingerprint: str
    revision: Revision
    feeds: tuple[str, ...]


@attrs.frozen(kw_only=True)
class ExportState:
    """The last exported version of every event and feed of a folder.

    Attributes:
        festival: the id of the festival the folder belongs to.
        entries: per UID: the event, its fingerprint, SEQUENCE and change time, its feeds.
        feeds: per feed id: the feed as last written.
    """

    festival: str | None = None
    entries: Mapping[str, _Entry] = attrs.field(factory=dict)
    feeds: Mapping[str, Feed] = attrs.field(factory=dict)

    def events(self) -> dict[str, CalendarEvent]:
        """The events as last exported, by UID."""
        return {uid: e.event for uid, e in self.entries.items()}

    def to_json(self) -> dict[str, Any]:
        """The state as JSON data."""
        return {
            "format": _FORMAT,
            "version": _VERSION,
            "generator": f"ngayhoi {__version__}",
            "festival": self.festival,
            "feeds": {
                fid: {
                    "name": f.name,
                    "description": f.description,
                    "kind": f.kind,
                    "subject": f.subject,
                    "uids": list(f.uids),
                }
                for fid, f in sorted(self.feeds.items())
            },
            "events": {
                uid: {
                    "fingerprint": e.fingerprint,
                    "sequence": e.revision.sequence,
                    "stamp": _lines.iso(e.revision.stamp),
                    "created": _lines.iso(e.revision.created),
                    "feeds": list(e.feeds),
                    "event": e.event.to_json(),
                }
                for uid, e in sorted(self.entries.items())
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, source: Path) -> ExportState:
        """The state from JSON data; a file of another format is refused by name."""
        if data.get("format") != _FORMAT or data.get("version") != _VERSION:
            msg = (
                f"{source}: not an ngayhoi export state (format {data.get('format')!r}, "
                f"version {data.get('version')!r}); move it away or export into another folder"
            )
            raise ExportError(msg)
        try:
            feeds = {
                fid: Feed(
                    id=fid,
                    name=f["name"],
                    description=f["description"],
                    kind=f["kind"],
                    subject=f.get("subject"),
                    uids=tuple(f.get("uids", ())),
                )
                for fid, f in data.get("feeds", {}).items()
            }
            entries = {
                uid: _Entry(
                    event=CalendarEvent.from_json(e["event"]),
                    fingerprint=e["fingerprint"],
                    revision=Revision(
                        sequence=int(e["sequence"]),
                        stamp=dt.datetime.fromisoformat(e["stamp"]),
                        created=dt.datetime.fromisoformat(e["created"]),
                    ),
                    feeds=tuple(e.get("feeds", ())),
                )
                for uid, e in data.get("events", {}).items()
            }
        except (KeyError, TypeError, ValueError) as err:
            msg = f"{source}: the export state is damaged ({err}); restore it from a backup"
            raise ExportError(msg) from err
        return cls(festival=data.get("festival"), entries=entries, feeds=feeds)


@attrs.frozen(kw_only=True)
class ExportReport:
    """What an export did.

    Attributes:
        folder: where it wrote.
        feeds: every feed in the folder now.
        written: the files it (re)wrote; unchanged files are left alone.
        diff: what changed since the last export, for whom.
        state: the new state.
    """

    folder: Path
    feeds: tuple[Feed, ...]
    written: list[Path]
    diff: PlanDiff
    state: ExportState

    @property
    def counts(self) -> dict[str, int]:
        """How many events were added, moved, cancelled, ... since the last export."""
        return self.diff.counts()


def load_state(folder: Path | str) -> ExportState:
    """The export state of a folder (empty if it was never exported to).

    Raises:
        ExportError: if the state file is unreadable or not ngayhoi's.

    >>> import tempfile
    >>> load_state(tempfile.mkdtemp()).entries
    {}
    """
    path = Path(folder) / STATE_FILE
    if not path.exists():
        return ExportState()
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, ValueError) as err:
        msg = f"{path}: cannot read the export state ({err}); restore it from a backup"
        raise ExportError(msg) from err
    return ExportState.from_json(data, source=path)


class _NoLockError(ExportError):
    """The folder's lock cannot even be opened (a read-only folder)."""


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold the folder's lock (an flock, released by the kernel even if the process dies)."""
    lock = folder / _LOCK
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = lock.open("a+")
    except OSError as err:
        msg = f"cannot open the lock {lock}: {err.strerror or err}; check the folder is writable"
        raise _NoLockError(msg) from err
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            msg = (
                f"another export into {folder} is running (it holds the lock {lock}); "
                "wait for it to finish and try again (two exports into one folder at once "
                "would mix their files)"
            )
            raise ExportError(msg) from None
        yield
    finally:
        handle.close()


def recover(folder: Path | str) -> bool:
    """Finish an interrupted export, or clear its leftovers; return whether one was finished.

    With a journal, the new version was complete: its files are renamed into
    place. Without one, staged files are an unfinished attempt and are removed.
    It takes the folder's lock, so it never touches an export that is running.

    Raises:
        ExportError: if another export into the folder is running, or the
            journal is damaged.

    >>> import tempfile
    >>> recover(tempfile.mkdtemp())
    False
    """
    root = Path(folder)
    if not (root / _JOURNAL).exists() and not (root / _STAGING).exists() and not _strays(root):
        return False  # nothing to do: no need to write the lock into a read-only folder
    with _locked(root):
        return _recover(root)


def read_version(folder: Path | str) -> tuple[ExportState, dict[str, bytes]]:
    """The state and every feed file (by name) of the last complete export, read as one version.

    An interrupted export is finished (or cleared) first, and the files are
    read under the folder's lock, so an export running at the same time cannot
    mix its files into what is read. A folder that cannot be written (a
    read-only copy) is read without the lock, if no export was interrupted in it.

    Raises:
        ExportError: if another export into the folder is running, or the state
            or a file cannot be read.

    >>> import tempfile, ngayhoi
    >>> folder = tempfile.mkdtemp()
    >>> _ = export_calendars(ngayhoi.schedule(ngayhoi.samples.tiny_festival()), folder)
    >>> state, files = read_version(folder)
    >>> sorted(files), sorted(state.feeds) == [name[:-4] for name in sorted(files)]
    (['commune-x.ics', 'master.ics'], True)
    """
    root = Path(folder)
    if not root.is_dir():
        return ExportState(), {}
    try:
        with _locked(root):
            _recover(root)
            return _read(root)
    except _NoLockError as err:
        if (root / _JOURNAL).exists() or (root / _STAGING).exists():
            msg = (
                f"{root}: an export into it was interrupted, and finishing it needs write "
                "access to the folder (make it writable, or run ngayhoi export again)"
            )
            raise ExportError(msg) from err
    return _read(root)


def _read(root: Path) -> tuple[ExportState, dict[str, bytes]]:
    state = load_state(root)
    try:
        files = {
            path.name: path.read_bytes()
            for path in sorted(root.glob("*.ics"))
            if not path.name.startswith(".") and path.is_file()
        }
    except OSError as err:
        msg = f"cannot read {err.filename}: {err.strerror or err}"
        raise ExportError(msg) from err
    return state, files


def _strays(root: Path) -> list[Path]:
    """Temporary files of a journal whose writing was interrupted."""
    return list(root.glob(f".{_JOURNAL}.*.tmp"))  # write_atomic's temporary names


def _recover(root: Path) -> bool:
    """:func:`recover` for a caller that holds the lock."""
    journal = root / _JOURNAL
    staging = root / _STAGING
    finished = False
    if journal.exists():
        try:
            names = json.loads(journal.read_text(encoding="utf-8"))["files"]
        except (OSError, ValueError, KeyError) as err:
            msg = f"{journal}: the journal of an interrupted export is damaged ({err})"
            raise ExportError(msg) from err
        for name in names:
            staged = staging / name
            if staged.exists():
                target = root / STATE_FILE if name == STATE_FILE else safe_child(root, name)
                staged.replace(target)
        fsync_path(root)
        journal.unlink()
        finished = True
    if staging.exists():
        shutil.rmtree(staging)
    for stray in _strays(root):
        stray.unlink(missing_ok=True)
    return finished


def export_calendars(
    schedule: Schedule,
    folder: Path | str,
    *,
    now: dt.datetime | None = None,
    roles: bool = True,
    tasks: str = "event",
    uid_scope: str = "event",
    cancel_mark: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
) -> ExportReport:
    """Export every feed into ``folder``, updating what subscribers already have.

    Args:
        schedule: the schedule to publish (it must have times).
        folder: the output folder; it keeps its own export state.
        now: the change time written on changed events (default: now, UTC).
        roles: also write one feed per role or team.
        tasks: preparation tasks as ``"event"`` (all-day) or ``"todo"`` (VTODO).
        uid_scope: ``"event"`` (one UID everywhere) or ``"view"`` (see
            :func:`~ngayhoi.export.ics.calendar_bytes`).
        cancel_mark: prefix cancelled events with ``[HỦY]``.
        progress: called with ``(file name, done, total)`` after each file is
            staged, and once more when the journal makes the new version final.

    Raises:
        ExportError: if the folder cannot be written, its state is not
            ngayhoi's or belongs to another festival, or another export is running.

    >>> import tempfile, ngayhoi
    >>> sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
    >>> export_calendars(sched, tempfile.mkdtemp()).counts
    {'added': 2}
    """
    if not schedule.feasible:
        msg = (
            f"festival '{schedule.festival.id}' has no feasible schedule to export "
            f"({schedule.status.value}, {len(schedule.violations)} violation(s)); "
            "fix the plan first (ngayhoi.schedule raises InfeasibleError naming why)"
        )
        raise NotScheduledError(msg)
    if now is not None and (not isinstance(now, dt.datetime) or now.tzinfo is None):
        msg = f"export_calendars: now {now!r} is not an aware datetime; give a time zone"
        raise NaiveDatetimeError(msg)
    root = Path(folder)
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    with _locked(root):
        _recover(root)
        old = load_state(root)
        fest = schedule.festival
        if old.festival not in (None, fest.id):
            msg = (
                f"{root} holds the calendars of festival '{old.festival}', not '{fest.id}'; "
                "export into another folder"
            )
            raise ExportError(msg)
        # The tasks' form (events or to-dos) is part of each task's fingerprint,
        # so switching --tasks raises their SEQUENCE and the diff reports it.
        events = calendar_events(schedule, todos=tasks == "todo")
        feeds = {f.id: f for f in standard_feeds(schedule, roles=roles, events=events)}
        new_state, table = _next_state(fest.id, old, events, feeds, stamp)
        changes = diff_events(old.events(), old.feeds, table, new_state.feeds)
        written = _write(
            root,
            schedule=schedule,
            state=new_state,
            table=table,
            tasks=tasks,
            uid_scope=uid_scope,
            cancel_mark=cancel_mark,
            progress=progress,
        )
        return ExportReport(
            folder=root,
            feeds=tuple(new_state.feeds.values()),
            written=written,
            diff=changes,
            state=new_state,
        )


def _next_state(
    festival: str,
    old: ExportState,
    events: Mapping[str, CalendarEvent],
    feeds: Mapping[str, Feed],
    stamp: dt.datetime,
) -> tuple[ExportState, dict[str, CalendarEvent]]:
    membership: dict[str, list[str]] = {}
    for feed in feeds.values():
        for uid in feed.uids:
            membership.setdefault(uid, []).append(feed.id)
    entries: dict[str, _Entry] = {}
    table: dict[str, CalendarEvent] = {}
    for uid, event in events.items():
        fingerprint = event.fingerprint()
        before = old.entries.get(uid)
        if before is None:
            revision = Revision(sequence=0, stamp=stamp, created=stamp)
        elif before.fingerprint == fingerprint:
            revision = before.revision
        else:
            revision = Revision(
                sequence=before.revision.sequence + 1, stamp=stamp, created=before.revision.created
            )
        entries[uid] = _Entry(
            event=event,
            fingerprint=fingerprint,
            revision=revision,
            feeds=tuple(membership.get(uid, ())),
        )
        table[uid] = event
    out_feeds = dict(feeds)
    for uid, before in old.entries.items():
        if uid in events:
            continue
        # Gone from the plan: kept, cancelled, in every feed it was in.
        if before.event.cancelled:
            cancelled, revision = before.event, before.revision
        else:
            cancelled = attrs.evolve(before.event, cancelled=True)
            revision = Revision(
                sequence=before.revision.sequence + 1, stamp=stamp, created=before.revision.created
            )
        entries[uid] = _Entry(
            event=cancelled,
            fingerprint=cancelled.fingerprint(),
            revision=revision,
            feeds=before.feeds,
        )
        table[uid] = cancelled
        _keep_in_feeds(uid, before.feeds, out_feeds, old.feeds)
    return ExportState(festival=festival, entries=entries, feeds=out_feeds), table


def _keep_in_feeds(
    uid: str, feed_ids: tuple[str, ...], feeds: dict[str, Feed], old_feeds: Mapping[str, Feed]
) -> None:
    """Keep a cancelled event in every feed it was in, even a feed that left the plan."""
    for fid in feed_ids:
        feed = feeds.get(fid) or old_feeds.get(fid)
        if feed is None:
            continue
        if uid not in feed.uids:
            feed = attrs.evolve(feed, uids=(*feed.uids, uid))
        feeds[fid] = feed


def _write(
    root: Path,
    *,
    schedule: Schedule,
    state: ExportState,
    table: Mapping[str, CalendarEvent],
    tasks: str,
    uid_scope: str,
    cancel_mark: bool,
    progress: Callable[[str, int, int], None] | None,
) -> list[Path]:
    revisions = {uid: e.revision for uid, e in state.entries.items()}
    staged: list[str] = []
    staging = root / _STAGING
    feeds = list(state.feeds.values())
    total = len(feeds) + 1
    # Each event is written once, whatever feeds show it.
    rendered: dict[str, tuple[bytes, frozenset[str]]] = {}
    for done, feed in enumerate(feeds, start=1):
        data = calendar_bytes(
            schedule,
            feed,
            revisions=revisions,
            events=table,
            cancel_mark=cancel_mark,
            tasks=tasks,
            uid_scope=uid_scope,
            rendered=rendered,
        )
        target = safe_child(root, feed.filename)
        if target.exists() and target.read_bytes() == data:
            continue  # unchanged: leave the file (and its ETag) alone
        write_atomic(safe_child(staging, feed.filename), data, sync=False)
        staged.append(feed.filename)
        if progress is not None:
            progress(feed.filename, done, total)
    # orjson: a national state file is 180 MB, which the json module takes
    # 4.5 s to write and 7.4 s to read back; orjson 0.6 s and 3.8 s.
    state_bytes = orjson.dumps(state.to_json())
    write_atomic(staging / STATE_FILE, state_bytes, sync=False)
    staged.append(STATE_FILE)
    # Every staged file, and the staging folder's entries for them, must be on disk
    # before the journal that points at them says the version is complete.
    sync_files([staging / name for name in staged])
    if progress is not None:
        progress(STATE_FILE, total, total)
    # The new version is complete once the journal exists: from here on an
    # interrupted export is finished, not undone.
    journal = json.dumps({"files": staged}, ensure_ascii=False).encode("utf-8")
    write_atomic(root / _JOURNAL, journal)
    fsync_path(root)  # the journal's name is on disk before any file moves
    if progress is not None:
        progress(_JOURNAL, total, total)
    _recover(root)
    return [root / name for name in staged if name != STATE_FILE]
