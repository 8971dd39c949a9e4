"""Publish exported feeds to a CalDAV server (``pip install 'ngayhoi[caldav]'``).

One calendar per feed (created on first publish, reused after), one resource
per UID (RFC 4791 §4.1: a calendar object holds one UID; Radicale refuses
more, ICAL_INTEROP.md §3.10), each with its VTIMEZONE. Updates go by UID with
the SEQUENCE ngayhoi wrote: the ``caldav`` library would add 1 on every save
(ICAL_INTEROP.md §3.9), so it is told not to. Objects on the server that the
feed no longer holds are handled by who put them there: an event of this
festival that moved to another feed (a visit given to another delegation) is
removed from this calendar and reported as moved out; an object ngayhoi does
not know is reported and kept (``prune=True`` deletes those too, and says so).

Credentials come from the environment (``NGAYHOI_CALDAV_URL``,
``NGAYHOI_CALDAV_USERNAME``, ``NGAYHOI_CALDAV_PASSWORD``) or a TOML file
readable by its owner only, never from the command line.

>>> cfg = CalDAVConfig(url="https://dav.example.vn/", username="btc", password="bí mật")
>>> "bí mật" in repr(cfg)
False
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import attrs
import icalendar

from ngayhoi.errors import ExportError, PlanError
from ngayhoi.export.calendars import load_state

__all__ = ["CalDAVConfig", "PublishReport", "config_from_env", "publish", "split_per_uid"]

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_COMPONENTS = ("VEVENT", "VTODO")


@attrs.frozen(kw_only=True)
class CalDAVConfig:
    """Where to publish, and as whom. The password never appears in ``repr``."""

    url: str
    username: str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    prefix: str = ""

    @property
    def loopback(self) -> bool:
        """Whether the server is on this machine (plain HTTP allowed only then)."""
        return (urlparse(self.url).hostname or "") in _LOOPBACK


def config_from_env(
    env: Mapping[str, str] | None = None, *, path: Path | str | None = None
) -> CalDAVConfig:
    """The CalDAV settings from the environment, else from a TOML file.

    The file (default ``~/.config/ngayhoi/caldav.toml``) holds a ``[caldav]``
    table with ``url``, ``username`` and ``password``; it must not be readable
    by group or others.

    Raises:
        PlanError: if no URL is configured, or the file is unsafe or malformed.

    >>> config_from_env({"NGAYHOI_CALDAV_URL": "http://127.0.0.1:5232/btc/"}).loopback
    True
    """
    source = os.environ if env is None else env
    url = source.get("NGAYHOI_CALDAV_URL")
    if url:
        return CalDAVConfig(
            url=url,
            username=source.get("NGAYHOI_CALDAV_USERNAME"),
            password=source.get("NGAYHOI_CALDAV_PASSWORD"),
            prefix=source.get("NGAYHOI_CALDAV_PREFIX", ""),
        )
    file = Path(path) if path else Path.home() / ".config" / "ngayhoi" / "caldav.toml"
    if not file.exists():
        msg = (
            "no CalDAV server configured: set NGAYHOI_CALDAV_URL (and _USERNAME, _PASSWORD) "
            f"or write {file} with a [caldav] table (url, username, password), mode 600"
        )
        raise PlanError(msg)
    mode = file.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        msg = f"{file}: holds a password but others can read it; run: chmod 600 {file}"
        raise PlanError(msg)
    try:
        table = tomllib.loads(file.read_text(encoding="utf-8"))["caldav"]
        return CalDAVConfig(
            url=str(table["url"]),
            username=table.get("username"),
            password=table.get("password"),
            prefix=str(table.get("prefix", "")),
        )
    except (tomllib.TOMLDecodeError, KeyError, TypeError) as err:
        msg = f"{file}: expected a [caldav] table with url, username, password ({err})"
        raise PlanError(msg) from err


@attrs.frozen(kw_only=True)
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
        msg = "publishing needs the caldav library: pip install 'ngayhoi[caldav]'"
        raise ExportError(msg) from err
    if not config.loopback and not config.url.startswith("https://"):
        msg = (
            f"CalDAV URL {config.url} is not https: the password would travel in clear; "
            "use https (plain http is allowed only for a server on this machine)"
        )
        raise PlanError(msg)
    return DAVClient(
        url=config.url,
        username=config.username,
        password=config.password,
        require_tls=not config.loopback,
    )


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


def publish(  # noqa: C901 - one loop over feeds; each branch is one line of the report
    folder: Path | str,
    config: CalDAVConfig,
    *,
    feeds: Iterable[str] | None = None,
    prune: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> PublishReport:
    """Publish the feeds exported in ``folder`` to the CalDAV server.

    Args:
        folder: a folder written by :func:`ngayhoi.export.export_calendars`.
        config: the server and credentials (see :func:`config_from_env`).
        feeds: only these feed ids (default: every ``.ics`` in the folder).
        prune: delete server objects the feed no longer holds (reported either way).
        progress: called with ``(calendar, done, total)`` after each object.

    Raises:
        ExportError: if the server refuses or cannot be reached; what was
            already published stays, and the next publish completes it.

    >>> import tempfile
    >>> publish(tempfile.mkdtemp(), CalDAVConfig(url="http://127.0.0.1:9/"))
    Traceback (most recent call last):
    ...
    ngayhoi.errors.ExportError: ...: no calendars to publish; run ngayhoi export first
    """
    root = Path(folder)
    files = sorted(p for p in root.glob("*.ics") if feeds is None or p.stem in set(feeds))
    if not files:
        msg = f"{root}: no calendars to publish; run ngayhoi export first"
        raise ExportError(msg)
    client = _client(config)
    created: list[str] = []
    uploaded: dict[str, int] = {}
    unchanged: dict[str, int] = {}
    unknown: dict[str, tuple[str, ...]] = {}
    deleted: dict[str, tuple[str, ...]] = {}
    moved_out: dict[str, tuple[str, ...]] = {}
    ours = set(load_state(root).entries)
    try:
        principal = client.principal()
        existing = {_cal_id(c.url): c for c in principal.calendars()}
        for path in files:
            cal_id = f"{config.prefix}{path.stem}"
            calendar = existing.get(cal_id)
            data = path.read_bytes()
            if calendar is None:
                name = str(icalendar.Calendar.from_ical(data).get("X-WR-CALNAME", cal_id))
                calendar = principal.make_calendar(name=name, cal_id=cal_id)
                created.append(cal_id)
            up, same, strays = _publish_feed(calendar, cal_id, data, progress)
            left = {u: o for u, o in strays.items() if u in ours}
            foreign = {u: o for u, o in strays.items() if u not in ours}
            for obj in left.values():
                obj.delete()
            if left:
                moved_out[cal_id] = tuple(sorted(left))
            if foreign and prune:
                for obj in foreign.values():
                    obj.delete()
                deleted[cal_id] = tuple(sorted(foreign))
            elif foreign:
                unknown[cal_id] = tuple(sorted(foreign))
            uploaded[cal_id] = up
            unchanged[cal_id] = same
    except (ExportError, PlanError):
        raise
    except Exception as err:
        msg = (
            f"CalDAV server {config.url} failed: {type(err).__name__}: {err}; what was "
            "published stays, and publishing again completes it"
        )
        raise ExportError(msg) from err
    return PublishReport(
        created=tuple(created),
        uploaded=uploaded,
        unchanged=unchanged,
        moved_out=moved_out,
        unknown=unknown,
        deleted=deleted,
    )


def _publish_feed(
    calendar: Any,  # noqa: ANN401 - caldav objects
    cal_id: str,
    data: bytes,
    progress: Callable[[str, int, int], None] | None,
) -> tuple[int, int, dict[str, Any]]:
    """Put every UID of one feed; return (uploaded, unchanged, server objects not in it)."""
    parts = split_per_uid(data)
    on_server = {}
    for obj in [*calendar.events(), *calendar.todos()]:
        uid = _uid_of(obj)
        if uid is not None:
            on_server[uid] = obj
    uploaded = unchanged = 0
    for k, (uid, blob) in enumerate(parts.items(), start=1):
        obj = on_server.get(uid)
        if obj is not None and _same(obj.data, blob):
            unchanged += 1
        elif obj is not None:
            obj.data = blob.decode("utf-8")
            obj.save(increase_seqno=False)
            uploaded += 1
        else:
            save = calendar.save_todo if b"BEGIN:VTODO" in blob else calendar.save_event
            save(blob.decode("utf-8"), increase_seqno=False)
            uploaded += 1
        if progress is not None:
            progress(cal_id, k, len(parts))
    return uploaded, unchanged, {u: o for u, o in on_server.items() if u not in parts}


def _cal_id(url: object) -> str:
    return str(url).rstrip("/").rsplit("/", 1)[-1]
