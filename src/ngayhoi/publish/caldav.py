"""Publish exported feeds to a CalDAV server (``pip install 'ngayhoi[caldav]'``).

What is published comes from the folder's export state, never from a glob:
the feeds it lists (a user's own ``.ics`` beside them is never uploaded), each
checked against the state before the first request (a damaged or hand-edited
feed file is named, not reported as a server failure). One calendar per feed
(created on first publish, reused after), one resource
per UID (RFC 4791 §4.1: a calendar object holds one UID; Radicale refuses
more, ICAL_INTEROP.md §3.10), each with its VTIMEZONE. Updates go by UID with
the SEQUENCE ngayhoi wrote: the ``caldav`` library would add 1 on every save
(ICAL_INTEROP.md §3.9), so it is told not to. Objects on the server that the
feed no longer holds are handled by who put them there: an event of this
festival that moved to another feed (a visit given to another delegation) is
removed from this calendar and reported as moved out (with either UID scope:
base or view-scoped UIDs are both ngayhoi's); an object ngayhoi does not know
is reported and kept (``prune=True`` deletes those too, and says so).

Credentials come from the environment (``NGAYHOI_CALDAV_URL``,
``NGAYHOI_CALDAV_USERNAME``, ``NGAYHOI_CALDAV_PASSWORD``) or a TOML file
readable by its owner only, never from the command line.

Every request has a limit on its whole time (``timeout``) as well as on
silence (``idle_timeout``), so a server that trickles its answers fails the
publish instead of holding it. A server that answers 404 to the first
requests is told apart: the URL or the principal is wrong.

A publish that fails half-way (the server stops, the network drops, a request
times out) raises :class:`PublishError`, which names the server, where it
stopped and how many objects were already uploaded. What was uploaded stays:
objects are addressed by UID, so publishing again overwrites instead of
duplicating, uploads what is missing and removes what moved away.

>>> cfg = CalDAVConfig(url="https://dav.example.vn/", username="btc", password="bí mật")
>>> "bí mật" in repr(cfg)
False
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import threading
import tomllib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import attrs
import icalendar

from ngayhoi._records import plain_repr
from ngayhoi.errors import ExportError, PlanError, Said
from ngayhoi.export.calendars import ExportState, read_version
from ngayhoi.export.events import view_uid
from ngayhoi.i18n import N_

__all__ = [
    "CalDAVConfig",
    "PublishError",
    "PublishReport",
    "config_from_env",
    "publish",
    "split_per_uid",
]

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_COMPONENTS = ("VEVENT", "VTODO")
_TIMEOUT = 60
_IDLE = 30
_LONGEST = 200
_NOT_FOUND = 404


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class CalDAVConfig:
    """Where to publish, and as whom. The password never appears in ``repr``.

    ``timeout`` is how many seconds one request may take in all, its whole
    answer included; ``idle_timeout`` how long the server may send nothing at
    all (by default the smaller of 30 s and ``timeout``). A server that stops
    answering, or trickles its answer a byte at a time, makes the publish
    fail within ``timeout`` seconds instead of hang.
    """

    url: str
    username: str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    prefix: str = ""
    timeout: int = _TIMEOUT
    idle_timeout: int | None = None

    @property
    def idle(self) -> int:
        """Seconds the server may stay silent within one request.

        >>> CalDAVConfig(url="https://dav.example.vn/", timeout=10).idle
        10
        """
        return min(self.timeout, self.idle_timeout or _IDLE)

    @property
    def loopback(self) -> bool:
        """Whether the server is on this machine (plain HTTP allowed only then)."""
        return (urlparse(self.url).hostname or "") in _LOOPBACK


def config_from_env(
    env: Mapping[str, str] | None = None, *, path: Path | str | None = None
) -> CalDAVConfig:
    """The CalDAV settings from the environment, else from a TOML file.

    The file (default ``~/.config/ngayhoi/caldav.toml``, UTF-8) holds a
    ``[caldav]`` table with ``url``, ``username`` and ``password``; it must not
    be readable by group or others. ``NGAYHOI_CALDAV_TIMEOUT`` (or ``timeout``
    in the file) sets the seconds one request may take in all, its whole answer
    included (default 60); ``NGAYHOI_CALDAV_IDLE_TIMEOUT`` (``idle_timeout``)
    the seconds the server may send nothing (default 30, at most the timeout).

    Raises:
        PlanError: if no URL is configured, or the file is unsafe, not UTF-8 or malformed.

    >>> config_from_env({"NGAYHOI_CALDAV_URL": "http://127.0.0.1:5232/btc/"}).loopback
    True
    >>> config_from_env({"NGAYHOI_CALDAV_URL": "http://127.0.0.1:5232/btc/",
    ...                  "NGAYHOI_CALDAV_TIMEOUT": "soon"})
    Traceback (most recent call last):
    ...
    ngayhoi.errors.PlanError: NGAYHOI_CALDAV_TIMEOUT = 'soon': expected a whole number ...
    """
    source = os.environ if env is None else env
    url = source.get("NGAYHOI_CALDAV_URL")
    if url:
        return CalDAVConfig(
            url=url,
            username=source.get("NGAYHOI_CALDAV_USERNAME"),
            password=source.get("NGAYHOI_CALDAV_PASSWORD"),
            prefix=source.get("NGAYHOI_CALDAV_PREFIX", ""),
            timeout=_seconds(source.get("NGAYHOI_CALDAV_TIMEOUT"), "NGAYHOI_CALDAV_TIMEOUT"),
            idle_timeout=_seconds(
                source.get("NGAYHOI_CALDAV_IDLE_TIMEOUT"), "NGAYHOI_CALDAV_IDLE_TIMEOUT", _IDLE
            ),
        )
    file = Path(path) if path else Path.home() / ".config" / "ngayhoi" / "caldav.toml"
    if not file.exists():
        msg = Said(
            N_(
                "no CalDAV server configured: set NGAYHOI_CALDAV_URL (and _USERNAME, _PASSWORD) "
                "or write {file} with a [caldav] table (url, username, password), mode 600"
            ),
            file=file,
        )
        raise PlanError(msg)
    mode = file.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        msg = Said(
            N_("{file}: holds a password but others can read it; run: chmod 600 {file}"), file=file
        )
        raise PlanError(msg)
    try:
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        msg = Said(
            N_(
                "{file}: not UTF-8 text (byte {start} is {value:#04x}); save it as UTF-8 with a "
                "[caldav] table (url, username, password)"
            ),
            file=file,
            start=err.start,
            value=err.object[err.start],
        )
        raise PlanError(msg) from None
    except OSError as err:
        msg = Said(N_("{file}: cannot read it: {value}"), file=file, value=err.strerror or err)
        raise PlanError(msg) from err
    try:
        table = tomllib.loads(text)["caldav"]
        timeout, idle = table.get("timeout"), table.get("idle_timeout")
        return CalDAVConfig(
            url=str(table["url"]),
            username=table.get("username"),
            password=table.get("password"),
            prefix=str(table.get("prefix", "")),
            timeout=_seconds(None if timeout is None else str(timeout), f"{file}: timeout"),
            idle_timeout=_seconds(
                None if idle is None else str(idle), f"{file}: idle_timeout", _IDLE
            ),
        )
    except (tomllib.TOMLDecodeError, KeyError, TypeError, AttributeError) as err:
        msg = Said(
            N_("{file}: expected a [caldav] table with url, username, password ({err})"),
            file=file,
            err=err,
        )
        raise PlanError(msg) from err


def _seconds(text: str | None, what: str, default: int = _TIMEOUT) -> int:
    """A timeout in whole seconds (default 60); anything but a positive number is refused."""
    if text is None or not text.strip():
        return default
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        msg = Said(
            N_("{what} = {text!r}: expected a whole number of seconds above 0, e.g. 60"),
            what=what,
            text=text,
        )
        raise PlanError(msg)
    return value


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class PublishReport:
    """What a publish did, per calendar.

    Attributes:
        created: calendars created on the server.
        uploaded: objects written (new or changed), by calendar.
        unchanged: objects already identical on the server, by calendar.
        moved_out: this festival's events removed from a calendar because they
            now belong to other feeds, by calendar.
        unknown: objects on the server that ngayhoi does not know, kept, by calendar.
        deleted: unknown objects deleted with ``prune=True``, by calendar.
    """

    created: tuple[str, ...]
    uploaded: Mapping[str, int]
    unchanged: Mapping[str, int]
    moved_out: Mapping[str, tuple[str, ...]]
    unknown: Mapping[str, tuple[str, ...]]
    deleted: Mapping[str, tuple[str, ...]]


class PublishError(ExportError):
    """The CalDAV server failed part-way through a publish; publishing again completes it.

    Attributes:
        url: the server.
        calendar: the calendar being published when it failed (None: before the first).
        uploaded: how many objects were uploaded before the failure.
        removed: how many were removed (moved to other calendars, or pruned).
        report: what was done before the failure, per calendar.
        reason: the failure, in one line.

    >>> err = PublishError(url="https://dav.example.vn/btc/", calendar="master", uploaded=3,
    ...                    report=None, reason="connection refused")
    >>> print(err)  # doctest: +ELLIPSIS
    CalDAV server https://dav.example.vn/btc/ failed while publishing calendar 'master': ...
    >>> "connection refused; 3 objects were uploaded before" in str(err), err.uploaded
    (True, 3)
    """

    def __init__(
        self,
        *,
        url: str,
        calendar: str | None,
        uploaded: int,
        removed: int = 0,
        report: PublishReport | None,
        reason: str,
        hint: str | None = None,
    ) -> None:
        """Name the server, the calendar, the count so far and the reason (``hint``: the fix)."""
        self.url = url
        self.calendar = calendar
        self.uploaded = uploaded
        self.removed = removed
        self.report = report
        self.reason = reason
        where = (
            "before any calendar was published"
            if calendar is None
            else f"while publishing calendar '{calendar}'"
        )
        objects = "1 object was" if uploaded == 1 else f"{uploaded} objects were"
        also = f" (and {removed} removed)" if removed else ""
        done = (
            f"{objects} uploaded before the failure{also}; what was uploaded stays, publish "
            "again to complete it (objects go by UID, so nothing is duplicated)"
            if uploaded or removed
            else "nothing was uploaded; publish again when the server answers"
        )
        if hint is not None:
            done = hint
        super().__init__(f"CalDAV server {url} failed {where}: {reason}; {done}")


class _SlowAnswerError(TimeoutError):
    """A request whose whole answer did not come within the configured time."""


def _reason(err: Exception, timeout: int) -> str:
    """The failure in a few words: refused, timed out, or the client's own message."""
    if isinstance(err, _SlowAnswerError):
        return str(err)
    name = type(err).__name__
    text = " ".join(str(err).split())
    if "timeout" in name.lower() or "timed out" in text.lower():
        return f"no answer within {timeout} s ({name})"
    found = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", text)
    if found:
        return f"{found.group(1).strip().lower()} ({name})"
    if len(text) > _LONGEST:
        text = text[: _LONGEST - 3] + "..."
    return f"{name}: {text}" if text else name


def split_per_uid(data: bytes) -> dict[str, bytes]:
    """One iCalendar object per UID, each with the feed's VTIMEZONEs.

    >>> import ngayhoi, pendulum
    >>> from ngayhoi.export import calendar_bytes, master_feed
    >>> sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
    >>> parts = split_per_uid(calendar_bytes(sched, master_feed(sched)))
    >>> sorted(parts)
    ['tiny.x.bao-cao@ngayhoi.vn', 'tiny.x.chao-co@ngayhoi.vn']
    """
    cal = icalendar.Calendar.from_ical(data)
    zones = list(cal.walk("VTIMEZONE"))
    out: dict[str, bytes] = {}
    for comp in cal.subcomponents:
        if comp.name not in _COMPONENTS:
            continue
        one = icalendar.Calendar()
        one.add("VERSION", "2.0")
        one.add("PRODID", cal.get("PRODID", "-//ngayhoi//VI"))
        for zone in zones:
            one.add_component(zone)
        one.add_component(comp)
        out[str(comp["UID"])] = one.to_ical()
    return out


def _client(config: CalDAVConfig) -> Any:  # noqa: ANN401 - the caldav client has no stubs
    try:
        from caldav.davclient import DAVClient  # noqa: PLC0415 - optional extra
    except ImportError as err:
        msg = Said(N_("publishing needs the caldav library: pip install 'ngayhoi[caldav]'"))
        raise ExportError(msg) from err
    if not config.loopback and not config.url.startswith("https://"):
        msg = Said(
            N_(
                "CalDAV URL {url} is not https: the password would travel in clear; use https "
                "(plain http is allowed only for a server on this machine)"
            ),
            url=config.url,
        )
        raise PlanError(msg)
    client = DAVClient(
        url=config.url,
        username=config.username,
        password=config.password,
        require_tls=not config.loopback,
        timeout=config.idle,
    )
    _bound(client.session, total=config.timeout, idle=config.idle)
    return client


def _bound(session: Any, *, total: float, idle: float) -> None:  # noqa: ANN401 - requests-like
    """Give every request of ``session`` a limit on its whole time, not only on each read.

    The HTTP libraries' timeout bounds each wait for a byte: a server that
    trickles its answer a byte a second never trips it. Each request runs in a
    worker thread that is given up on (and the session closed) once ``total``
    seconds have passed.
    """
    plain = session.request

    def request(*args: Any, **kwargs: Any) -> Any:  # noqa: ANN401 - passes through
        kwargs["timeout"] = (idle, idle)  # connect, then each read
        outcome: list[tuple[bool, Any]] = []

        def run() -> None:
            try:
                outcome.append((True, plain(*args, **kwargs)))
            except BaseException as err:  # noqa: BLE001 - handed to the caller below
                outcome.append((False, err))

        worker = threading.Thread(target=run, name="ngayhoi-caldav-request", daemon=True)
        worker.start()
        worker.join(total)
        if worker.is_alive() or not outcome:
            with contextlib.suppress(Exception):
                session.close()
            msg = (
                f"no whole answer within {total:g} s (timeout): the server answers too "
                "slowly or not at all; try later, or raise NGAYHOI_CALDAV_TIMEOUT"
            )
            raise _SlowAnswerError(msg)
        ok, value = outcome[0]
        if ok:
            return value
        raise value

    session.request = request


def _uid_of(obj: Any) -> str | None:  # noqa: ANN401 - caldav objects
    try:
        cal = icalendar.Calendar.from_ical(obj.data)
    except ValueError:
        return None
    for comp in cal.walk():
        if comp.name in _COMPONENTS:
            return str(comp.get("UID"))
    return None


def _same(server: bytes | str, ours: bytes) -> bool:
    """Whether the server holds our object already (same SEQUENCE, DTSTAMP and content)."""
    text = server.decode() if isinstance(server, bytes) else server
    try:
        theirs = icalendar.Calendar.from_ical(text)
        mine = icalendar.Calendar.from_ical(ours)
    except ValueError:
        return False
    pick = [c for c in theirs.walk() if c.name in _COMPONENTS]
    want = [c for c in mine.walk() if c.name in _COMPONENTS]
    return [c.to_ical() for c in pick] == [c.to_ical() for c in want]


def publish(
    folder: Path | str,
    config: CalDAVConfig,
    *,
    feeds: Iterable[str] | None = None,
    prune: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> PublishReport:
    """Publish the feeds exported in ``folder`` to the CalDAV server.

    The folder is read as one version first (an interrupted export is finished,
    a running one is waited for by refusing), so a publish never mixes two exports.

    Args:
        folder: a folder written by :func:`ngayhoi.export.export_calendars`.
        config: the server and credentials (see :func:`config_from_env`).
        feeds: only these feed ids (default: every feed of the folder's export
            state; a ``.ics`` file the state does not list is never published).
        prune: delete server objects the feed no longer holds (reported either way).
        progress: called with ``(calendar, done, total)`` after each object.

    Raises:
        PublishError: if the server refuses, cannot be reached or stops
            answering; what was already published stays, and the next publish
            completes it.
        ExportError: if the folder holds no export, none of ``feeds``, a feed
            file that is missing, damaged or edited by hand (named), or another
            export into it is running.

    >>> import tempfile
    >>> publish(tempfile.mkdtemp(), CalDAVConfig(url="http://127.0.0.1:9/"))
    Traceback (most recent call last):
    ...
    ngayhoi.errors.ExportError: ...: no calendars to publish; run ngayhoi export first
    """
    root = Path(folder)
    state, files = read_version(root)
    if not state.feeds:
        msg = Said(N_("{root}: no calendars to publish; run ngayhoi export first"), root=root)
        raise ExportError(msg)
    chosen = {fid: _feed_objects(root, state, fid, files) for fid in _chosen(root, state, feeds)}
    client = _client(config)
    run = _Run(prune=prune, progress=progress)
    try:
        principal = client.principal()
        existing = {_cal_id(c.url): c for c in principal.calendars()}
    except (ExportError, PlanError):
        raise
    except Exception as err:  # whatever the client raises: the server failed
        raise _failed(config, run, err) from err
    try:
        for fid, (title, parts) in chosen.items():
            cal_id = f"{config.prefix}{fid}"
            run.calendar = cal_id
            calendar = existing.get(cal_id)
            if calendar is None:
                calendar = principal.make_calendar(name=title or cal_id, cal_id=cal_id)
                run.created.append(cal_id)
            run.feed(calendar, cal_id, parts, ours=_ours(state, fid))
    except (ExportError, PlanError):
        raise
    except Exception as err:  # whatever the client raises: the server failed
        raise _failed(config, run, err) from err
    return run.report()


def _chosen(root: Path, state: ExportState, feeds: Iterable[str] | None) -> list[str]:
    """The feed ids to publish: those of the export state, or those asked for that it holds.

    Asked-for ids the state does not hold are left out (a delegation a later
    plan adds is published once it is exported); none at all is refused.
    """
    if feeds is None:
        return sorted(state.feeds)
    wanted = list(dict.fromkeys(feeds))
    known = [f for f in wanted if f in state.feeds]
    if not known:
        msg = Said(
            N_(
                "{root}: no calendars to publish: no feed {names} in its export state (ngayhoi "
                "publishes only the feeds it exported: {names2})"
            ),
            root=root,
            names=", ".join(repr(f) for f in wanted),
            names2=", ".join(sorted(state.feeds)),
        )
        raise ExportError(msg)
    return known


def _feed_objects(
    root: Path, state: ExportState, fid: str, files: Mapping[str, bytes]
) -> tuple[str | None, dict[str, bytes]]:
    """A feed's calendar name and its objects by UID, read and checked before any upload."""
    feed = state.feeds[fid]
    path = root / feed.filename
    data = files.get(feed.filename)
    again = Said(N_("run ngayhoi export again into {root} to rewrite it"), root=root)
    if data is None:
        msg = Said(
            N_("{path}: the export state lists this feed but the file is missing; {again}"),
            path=path,
            again=again,
        )
        raise ExportError(msg)
    try:
        data.decode("utf-8")
        title = icalendar.Calendar.from_ical(data).get("X-WR-CALNAME")
        parts = split_per_uid(data)
    except (ValueError, KeyError, IndexError) as err:
        text = " ".join(str(err).split())[:_LONGEST]
        msg = Said(
            N_("{path}: the feed file is damaged, not a calendar ngayhoi wrote ({text}); {again}"),
            path=path,
            text=text,
            again=again,
        )
        raise ExportError(msg) from None
    # Written with one UID per event, or with view-scoped UIDs: exactly one of the two.
    if set(parts) not in ({*feed.uids}, {view_uid(u, fid) for u in feed.uids}):
        strange = sorted(set(parts) - set(feed.uids) - {view_uid(u, fid) for u in feed.uids})
        what = f"event(s) it does not list ({strange[0]} ...)" if strange else "other events"
        msg = Said(
            N_(
                "{path}: the feed file holds {count} event(s), not the {count2} its export state "
                "lists ({what}): it was changed or damaged; {again}"
            ),
            path=path,
            count=len(parts),
            count2=len(feed.uids),
            what=what,
            again=again,
        )
        raise ExportError(msg)
    return (None if title is None else str(title)), parts


def _ours(state: ExportState, fid: str) -> frozenset[str]:
    """Every UID ngayhoi may have put into feed ``fid``'s calendar (both UID scopes)."""
    return frozenset(state.entries) | {view_uid(u, fid) for u in state.entries}


def _not_found(err: Exception) -> bool:
    status = getattr(err, "status", None) or getattr(
        getattr(err, "response", None), "status_code", None
    )
    text = str(err)
    return (
        type(err).__name__ == "NotFoundError"
        or str(status) == str(_NOT_FOUND)
        or ("404" in text and "not found" in text.lower())
    )


def _failed(config: CalDAVConfig, run: _Run, err: Exception) -> PublishError:
    uploaded = sum(run.uploaded.values())
    hint = None
    reason = _reason(err, config.timeout)
    if _not_found(err) and not uploaded and not run.removed:
        reason = f"the server answered 404 Not Found for {config.url}"
        hint = (
            "the URL or the principal (user) is wrong, so publishing again will not help: "
            "check NGAYHOI_CALDAV_URL (the calendar home or user URL, e.g. "
            "https://dav.example.vn/USER/) and NGAYHOI_CALDAV_USERNAME; nothing was uploaded"
        )
    return PublishError(
        url=config.url,
        calendar=run.calendar,
        uploaded=uploaded,
        removed=run.removed,
        report=run.report(),
        reason=reason,
        hint=hint,
    )


@plain_repr
@attrs.define(repr=False)
class _Run:
    """What one publish has done so far, kept up to date object by object."""

    prune: bool
    progress: Callable[[str, int, int], None] | None
    calendar: str | None = None
    removed: int = 0
    created: list[str] = attrs.field(factory=list)
    uploaded: dict[str, int] = attrs.field(factory=dict)
    unchanged: dict[str, int] = attrs.field(factory=dict)
    moved_out: dict[str, tuple[str, ...]] = attrs.field(factory=dict)
    unknown: dict[str, tuple[str, ...]] = attrs.field(factory=dict)
    deleted: dict[str, tuple[str, ...]] = attrs.field(factory=dict)

    def feed(
        self,
        calendar: Any,  # noqa: ANN401 - caldav objects
        cal_id: str,
        parts: Mapping[str, bytes],
        *,
        ours: frozenset[str],
    ) -> None:
        """Put every UID of one feed, then remove what moved away (and, with prune, strays)."""
        self.uploaded[cal_id] = self.unchanged[cal_id] = 0
        strays = _publish_feed(calendar, cal_id, parts, self._count, self.progress)
        left = {u: o for u, o in strays.items() if u in ours}
        foreign = {u: o for u, o in strays.items() if u not in ours}
        gone: list[str] = []
        for uid, obj in sorted(left.items()):
            obj.delete()
            gone.append(uid)
            self.moved_out[cal_id] = tuple(gone)
            self.removed += 1
        if foreign and self.prune:
            pruned: list[str] = []
            for uid, obj in sorted(foreign.items()):
                obj.delete()
                pruned.append(uid)
                self.deleted[cal_id] = tuple(pruned)
                self.removed += 1
        elif foreign:
            self.unknown[cal_id] = tuple(sorted(foreign))

    def _count(self, cal_id: str, *, changed: bool) -> None:
        if changed:
            self.uploaded[cal_id] += 1
        else:
            self.unchanged[cal_id] += 1

    def report(self) -> PublishReport:
        """The report of what was done so far."""
        return PublishReport(
            created=tuple(self.created),
            uploaded=dict(self.uploaded),
            unchanged=dict(self.unchanged),
            moved_out=dict(self.moved_out),
            unknown=dict(self.unknown),
            deleted=dict(self.deleted),
        )


def _publish_feed(
    calendar: Any,  # noqa: ANN401 - caldav objects
    cal_id: str,
    parts: Mapping[str, bytes],
    count: Callable[..., None],
    progress: Callable[[str, int, int], None] | None,
) -> dict[str, Any]:
    """Put every UID of one feed, counting each; return the server objects not in it."""
    on_server = {}
    for obj in [*calendar.events(), *calendar.todos()]:
        uid = _uid_of(obj)
        if uid is not None:
            on_server[uid] = obj
    for k, (uid, blob) in enumerate(parts.items(), start=1):
        obj = on_server.get(uid)
        if obj is not None and _same(obj.data, blob):
            count(cal_id, changed=False)
        elif obj is not None:
            obj.data = blob.decode("utf-8")
            obj.save(increase_seqno=False)
            count(cal_id, changed=True)
        else:
            save = calendar.save_todo if b"BEGIN:VTODO" in blob else calendar.save_event
            save(blob.decode("utf-8"), increase_seqno=False)
            count(cal_id, changed=True)
        if progress is not None:
            progress(cal_id, k, len(parts))
    return {u: o for u, o in on_server.items() if u not in parts}


def _cal_id(url: object) -> str:
    return str(url).rstrip("/").rsplit("/", 1)[-1]
