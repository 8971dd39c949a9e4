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

import collections
import contextlib
import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import attrs
import orjson

from ngayhoi._records import plain_repr
from ngayhoi.arguments import aware_argument, choice_argument, path_argument
from ngayhoi.errors import (
    ExportError,
    ExportStateError,
    NotScheduledError,
    PlanError,
    Said,
)
from ngayhoi.export.diff import PlanDiff, diff_events
from ngayhoi.export.encoding import calendar_bytes
from ngayhoi.export.events import CalendarEvent, Revision, calendar_events
from ngayhoi.export.feeds import Feed, standard_feeds
from ngayhoi.export.state import (
    STATE_FILE,
    Entry,
    ExportOptions,
    ExportState,
    PlanKey,
    Withdrawn,
    load_state,
    read_journal,
)
from ngayhoi.files import (
    JOURNAL_NAME,
    STAGING_NAME,
    Commit,
    NoLockError,
    check_replaceable,
    folder_lock,
    needs_recovery,
    recover_folder,
)
from ngayhoi.i18n import N_
from ngayhoi.scheduling.result import Schedule
from ngayhoi.scheduling.stored import schedule_data

__all__ = [
    "STATE_FILE",
    "ExportReport",
    "ExportState",
    "export_calendars",
    "load_state",
    "read_version",
    "recover",
]

_JOURNAL = JOURNAL_NAME
_STAGING = STAGING_NAME


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
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


_NoLockError = NoLockError


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold the folder's lock (an OS lock, released by the kernel even if the process dies)."""
    with folder_lock(folder):
        yield


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
    if not needs_recovery(root):
        return False  # nothing to do: no need to write the lock into a read-only folder
    with _locked(root):
        return _recover(root)


def read_version(folder: Path | str) -> tuple[ExportState, dict[str, bytes]]:
    """The state and its feed files (by name) of the last complete export, read as one version.

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
            msg = Said(
                N_(
                    "{root}: an export into it was interrupted, and finishing it needs write "
                    "access to the folder (make it writable, or run ngayhoi export again)"
                ),
                root=root,
            )
            raise ExportError(msg) from err
    return _read(root)


def _read(root: Path) -> tuple[ExportState, dict[str, bytes]]:
    state = load_state(root)
    try:
        # Only the feeds the state says ngayhoi wrote: a user's own .ics beside them
        # is not part of the export (and is never published).
        files = {}
        for name in sorted(f.filename for f in state.feeds.values()):
            path = root / name
            if path.is_symlink() or not path.exists():
                continue
            check_replaceable(path)  # a FIFO or a device would block or never end
            files[name] = path.read_bytes()
    except OSError as err:
        msg = Said(
            N_("cannot read {filename}: {value}"), filename=err.filename, value=err.strerror or err
        )
        raise ExportError(msg) from err
    return state, files


def _recover(root: Path) -> bool:
    """:func:`recover` for a caller that holds the lock."""
    journal = root / _JOURNAL
    if journal.exists():
        read_journal(journal)  # a damaged journal: ExportStateError, with the way out
    return recover_folder(root)


def export_calendars(
    schedule: Schedule,
    folder: Path | str,
    *,
    now: dt.datetime | None = None,
    roles: bool = True,
    commune_roles: bool | None = None,
    tasks: str = "event",
    uid_scope: str = "event",
    cancel_mark: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
    extra_files: Mapping[str, bytes] | None = None,
    plan: PlanKey | None = None,
    discard_damaged: bool = False,
) -> ExportReport:
    """Export every feed into ``folder``, updating what subscribers already have.

    Feed membership comes from this schedule only. A feed the plan no longer
    has stays in the folder with every event cancelled (SEQUENCE raised); an
    event that moved to another feed (a visit given to another delegation)
    stays in its old feed as cancelled, with a note saying where it went.
    The folder's state keeps the schedule (and, given ``plan``, what it was
    made from), so :func:`ngayhoi.folder.export_plan` can reuse it or re-plan
    against it.

    Args:
        schedule: the schedule to publish (it must have times).
        folder: the output folder; it keeps its own export state.
        now: the change time written on changed events (default: now, UTC).
        roles: also write one feed per role or team.
        commune_roles: also write one feed per role in each commune
            (``role-<role>.<unit>.ics``, with ``roles``); ``None`` (the default)
            does as the folder's last export did, and a new folder has none.
            Turning them off keeps the feeds, every event in them cancelled.
        tasks: preparation tasks as ``"event"`` (all-day) or ``"todo"`` (VTODO);
            switching counts as a change of every task (SEQUENCE + 1).
        uid_scope: ``"event"`` (one UID everywhere) or ``"view"`` (see
            :func:`~ngayhoi.export.encoding.calendar_bytes`).
        cancel_mark: prefix cancelled events with ``[HỦY]``.
        progress: called with ``(file name, done, total)`` after each file is
            staged, and once more when the journal makes the new version final.
        extra_files: more files (plain name: bytes) committed with the feeds and
            the state, all together or not at all (``schedule.json``).
        plan: the plan's digest and scheduling options, recorded in the state
            (:class:`~ngayhoi.export.state.PlanKey`).
        discard_damaged: a damaged state or journal is set aside instead of
            refused (the recovery ``ngayhoi export --fresh`` asks for): the
            feeds are written again from SEQUENCE 0.

    Raises:
        ExportError: if the folder cannot be written, its state is not
            ngayhoi's or belongs to another festival, or another export is running;
            :class:`~ngayhoi.files.ForeignFileError` if a file it would replace is
            not one it wrote, :class:`~ngayhoi.files.DiskFullError` if the disk
            fills up (nothing is changed then).
        ExportStateError: the state or journal is damaged (unless ``discard_damaged``).

    >>> import tempfile, ngayhoi
    >>> sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
    >>> export_calendars(sched, tempfile.mkdtemp()).counts
    {'added': 2}
    """
    if not isinstance(schedule, Schedule):
        raise PlanError(
            kind="argument",
            item="schedule",
            value=type(schedule).__name__,
            expected="a Schedule (from ngayhoi.schedule)",
        )
    tasks = choice_argument(tasks, "tasks", ("event", "todo"))
    uid_scope = choice_argument(uid_scope, "uid_scope", ("event", "view"))
    for flag, value in (("roles", roles), ("cancel_mark", cancel_mark)):
        if not isinstance(value, bool):
            raise PlanError(kind="argument", item=flag, value=value, expected="True or False")
    if commune_roles is not None and not isinstance(commune_roles, bool):
        raise PlanError(
            kind="argument",
            item="commune_roles",
            value=commune_roles,
            expected="None (as the last export), True or False",
        )
    if progress is not None and not callable(progress):
        raise PlanError(
            kind="argument", item="progress", value=progress, expected="None or a callable"
        )
    aware_argument(now, "now")
    folder = path_argument(folder, "folder")
    if not schedule.feasible:
        msg = Said(
            N_(
                "festival '{id}' has no feasible schedule to export ({value}, {count} "
                "violation(s)); fix the plan first (ngayhoi.schedule raises InfeasibleError "
                "naming why)"
            ),
            id=schedule.festival.id,
            value=schedule.status.value,
            count=len(schedule.violations),
        )
        raise NotScheduledError(msg)
    root = Path(folder)
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    with _locked(root):
        old = _old_state(root, discard_damaged=discard_damaged)
        fest = schedule.festival
        if old.festival not in (None, fest.id):
            msg = Said(
                N_(
                    "{root} holds the calendars of festival '{festival}', not '{id}'; export "
                    "into another folder"
                ),
                root=root,
                festival=old.festival,
                id=fest.id,
            )
            raise ExportError(msg)
        # Subscribers keep the per-commune role feeds they have unless told otherwise.
        per_commune = old.commune_roles if commune_roles is None else commune_roles
        options = ExportOptions(
            roles=roles,
            tasks=tasks,
            uid_scope=uid_scope,
            cancel_mark=cancel_mark,
            commune_roles=per_commune,
        )
        # The tasks' form (events or to-dos) is part of each task's fingerprint,
        # so switching --tasks raises their SEQUENCE and the diff reports it.
        events = calendar_events(schedule, todos=tasks == "todo")
        chosen = standard_feeds(schedule, roles=roles, events=events, commune_roles=per_commune)
        feeds = {f.id: f for f in chosen}
        new_state, table = _next_state(
            old,
            events,
            feeds,
            stamp,
            kept=ExportState(
                festival=fest.id, plan=plan, options=options, schedule=schedule_data(schedule)
            ),
        )
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
            old=old,
            extra_files=extra_files,
        )
        return ExportReport(
            folder=root,
            feeds=tuple(new_state.feeds.values()),
            written=written,
            diff=changes,
            state=new_state,
        )


def _old_state(root: Path, *, discard_damaged: bool) -> ExportState:
    """The folder's state after finishing an interrupted export; damage refused or set aside."""
    try:
        _recover(root)
        return load_state(root)
    except ExportStateError:
        if not discard_damaged:
            raise
    # --fresh over a damaged state: an unfinished version cannot be trusted either.
    (root / _JOURNAL).unlink(missing_ok=True)
    recover_folder(root)  # clears ngayhoi's own staging only, never a user's folder
    try:
        return load_state(root)
    except ExportStateError:
        return ExportState()


def _task_mode(event: CalendarEvent, tasks: str) -> str:
    """The event's digest, with the way a task is written (event or to-do) counted."""
    fingerprint = event.fingerprint()
    if event.kind == "task" and tasks == "todo":
        return hashlib.sha256(f"{fingerprint}:todo".encode()).hexdigest()
    return fingerprint


def _next_state(  # noqa: C901, PLR0912, PLR0915 - live events, then every old feed's leftovers
    old: ExportState,
    events: Mapping[str, CalendarEvent],
    feeds: Mapping[str, Feed],
    stamp: dt.datetime,
    *,
    kept: ExportState,
) -> tuple[ExportState, dict[str, CalendarEvent]]:
    tasks = kept.options.tasks if kept.options is not None else "event"
    # A task's form (all-day event or to-do) is written from the option, so a cancelled
    # copy of one changes too when --tasks switches: it needs SEQUENCE + 1 like a live one.
    reform = old.options is not None and old.options.tasks != tasks
    membership: dict[str, list[str]] = {}
    for feed in feeds.values():
        for uid in feed.uids:
            membership.setdefault(uid, []).append(feed.id)
    entries: dict[str, Entry] = {}
    table: dict[str, CalendarEvent] = {}
    for uid, event in events.items():
        fingerprint = _task_mode(event, tasks)
        before = old.entries.get(uid)
        if before is None:
            revision = Revision(sequence=0, stamp=stamp, created=stamp)
        elif before.fingerprint == fingerprint:
            revision = before.revision
        else:
            revision = Revision(
                sequence=before.revision.sequence + 1, stamp=stamp, created=before.revision.created
            )
        # Back in a feed that showed it cancelled: its SEQUENCE must pass the cancelled copy's.
        floor = max(
            (
                old.withdrawn[fid][uid].revision.sequence
                for fid in membership.get(uid, ())
                if uid in old.withdrawn.get(fid, {})
            ),
            default=-1,
        )
        if floor >= revision.sequence:
            created = before.revision.created if before is not None else stamp
            revision = Revision(sequence=floor + 1, stamp=stamp, created=created)
        entries[uid] = Entry(
            event=event,
            fingerprint=fingerprint,
            revision=revision,
            feeds=tuple(membership.get(uid, ())),
        )
        table[uid] = event
    for uid, before in old.entries.items():
        if uid in events:
            continue
        # Gone from the plan: kept, cancelled, in every feed it was in.
        if before.event.cancelled and not (reform and before.event.kind == "task"):
            cancelled, revision = before.event, before.revision
        else:
            cancelled = attrs.evolve(before.event, cancelled=True)
            revision = Revision(
                sequence=before.revision.sequence + 1, stamp=stamp, created=before.revision.created
            )
        entries[uid] = Entry(
            event=cancelled,
            fingerprint=cancelled.fingerprint(),
            revision=revision,
            feeds=before.feeds,
        )
        table[uid] = cancelled
    out_feeds = dict(feeds)
    withdrawn: dict[str, dict[str, Withdrawn]] = {}
    for fid, old_feed in old.feeds.items():
        live = set(feeds[fid].uids) if fid in feeds else set()
        extra: list[str] = []
        for uid in old_feed.uids:
            if uid in live:
                continue
            prior = old.withdrawn.get(fid, {}).get(uid)
            if prior is not None and reform and prior.event.kind == "task":
                again = Revision(
                    sequence=prior.revision.sequence + 1,
                    stamp=stamp,
                    created=prior.revision.created,
                )
                withdrawn.setdefault(fid, {})[uid] = attrs.evolve(prior, revision=again)
            elif prior is not None:
                withdrawn.setdefault(fid, {})[uid] = prior  # already cancelled here: unchanged
            elif uid in events:
                # Moved to other feeds (or this feed left the plan): cancelled here only.
                withdrawn.setdefault(fid, {})[uid] = _withdraw(
                    old, feed=old_feed, uid=uid, now_entry=entries[uid], feeds=feeds, stamp=stamp
                )
            elif uid not in entries:
                continue
            extra.append(uid)
        if fid in feeds:
            if extra:
                out_feeds[fid] = attrs.evolve(feeds[fid], uids=(*feeds[fid].uids, *extra))
        elif extra:
            out_feeds[fid] = attrs.evolve(old_feed, uids=tuple(extra))
    for feed in out_feeds.values():
        if len(set(feed.uids)) != len(feed.uids):
            twice = next(u for u in feed.uids if feed.uids.count(u) > 1)
            msg = Said(
                N_("feed '{id}' would list the UID '{twice}' twice; report this as a bug"),
                id=feed.id,
                twice=twice,
            )
            raise ExportError(msg)
    state = attrs.evolve(kept, entries=entries, feeds=out_feeds, withdrawn=withdrawn)
    return state, table


def _withdraw(
    old: ExportState,
    *,
    feed: Feed,
    uid: str,
    now_entry: Entry,
    feeds: Mapping[str, Feed],
    stamp: dt.datetime,
) -> Withdrawn:
    """The cancelled copy a feed keeps of an event that moved to other feeds."""
    before = old.entries.get(uid)
    seen = before.event if before is not None else now_entry.event
    same_kind = [f for f in feeds.values() if uid in f.uids and f.kind == feed.kind]
    if same_kind:
        names = ", ".join(f.who for f in same_kind)
        note = f"Đã chuyển sang lịch: {names}"
    else:
        note = "Không còn trong lịch này; xem lịch tổng hợp"
    description = f"{seen.description}\n{note}" if seen.description else note
    sequence = max(
        before.revision.sequence if before is not None else 0, now_entry.revision.sequence
    )
    created = before.revision.created if before is not None else stamp
    return Withdrawn(
        event=attrs.evolve(seen, cancelled=True, description=description),
        revision=Revision(sequence=sequence + 1, stamp=stamp, created=created),
    )


def _feed_bytes(
    schedule: Schedule,
    feed: Feed,
    *,
    state: ExportState,
    table: Mapping[str, CalendarEvent],
    revisions: Mapping[str, Revision],
    rendered: dict[str, tuple[bytes, frozenset[str]]],
    tasks: str,
    uid_scope: str,
    cancel_mark: bool,
) -> bytes:
    """One feed's bytes; the events it shows cancelled because they moved are its own."""
    moved = state.withdrawn.get(feed.id)
    events: Mapping[str, CalendarEvent] = table
    cache: dict[str, tuple[bytes, frozenset[str]]] | None = rendered
    if moved:
        events = collections.ChainMap({u: w.event for u, w in moved.items()}, dict(table))
        revisions = collections.ChainMap({u: w.revision for u, w in moved.items()}, dict(revisions))
        cache = None  # the shared cache holds the live version of these UIDs
    return calendar_bytes(
        schedule,
        feed,
        revisions=revisions,
        events=events,
        cancel_mark=cancel_mark,
        tasks=tasks,
        uid_scope=uid_scope,
        rendered=cache,
    )


def _ours(
    root: Path, old: ExportState | None, feeds: list[Feed], extra_files: Mapping[str, bytes]
) -> frozenset[str]:
    """What ngayhoi wrote here and may replace; anything else in the folder is the user's.

    The feeds the old state lists and, once the folder is ngayhoi's, the extra
    files written beside them. With no state to ask (a first export, or a
    damaged state set aside) a feed file is ngayhoi's if its PRODID says so.
    """
    before = old.feeds if old is not None else {}
    if before:
        return frozenset(f.filename for f in before.values()) | frozenset(extra_files)
    return frozenset(f.filename for f in feeds if _says_ngayhoi(root / f.filename))


def _says_ngayhoi(path: Path) -> bool:
    """Whether a regular file's head names ngayhoi as the calendar's producer."""
    try:
        if not path.is_file() or path.is_symlink():
            return False
        with path.open("rb") as handle:
            head = handle.read(512)
    except OSError:
        return False
    return head.startswith(b"BEGIN:VCALENDAR\r\n") and b"\r\nPRODID:-//ngayhoi//" in head


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
    old: ExportState | None = None,
    extra_files: Mapping[str, bytes] | None = None,
) -> list[Path]:
    """Stage every changed feed, the extra files and the state; commit them together."""
    revisions = {uid: e.revision for uid, e in state.entries.items()}
    feeds = list(state.feeds.values())
    ours = _ours(root, old, feeds, extra_files or {})
    total = len(feeds) + 1
    # Each event is written once, whatever feeds show it.
    rendered: dict[str, tuple[bytes, frozenset[str]]] = {}
    state_bytes = orjson.dumps(state.to_json())
    with Commit(root, ours=ours) as commit:
        for done, feed in enumerate(feeds, start=1):
            data = _feed_bytes(
                schedule,
                feed,
                state=state,
                table=table,
                revisions=revisions,
                rendered=rendered,
                tasks=tasks,
                uid_scope=uid_scope,
                cancel_mark=cancel_mark,
            )
            target = commit.check(feed.filename)
            if target.exists() and target.read_bytes() == data:
                continue  # unchanged: leave the file (and its ETag) alone
            commit.add(feed.filename, data)
            if progress is not None:
                progress(feed.filename, done, total)
        for name, data in sorted((extra_files or {}).items()):
            target = commit.check(name)
            if not (target.exists() and target.read_bytes() == data):
                commit.add(name, data)
        current = root / STATE_FILE
        if not commit.names and current.is_file() and current.read_bytes() == state_bytes:
            return []  # nothing changed at all: not even the state is rewritten
        # orjson: a national state file is 180 MB, which the json module takes
        # 4.5 s to write and 7.4 s to read back; orjson 0.6 s and 3.8 s.
        commit.add(STATE_FILE, state_bytes)
        commit.sync()
        if progress is not None:
            progress(STATE_FILE, total, total)

        def journaled() -> None:
            if progress is not None:
                progress(_JOURNAL, total, total)

        return commit.done(journaled=journaled)
