"""Serve an export folder's feeds over HTTP, and nothing else (``ngayhoi serve``).

Phones and ICSx⁵ fetch a subscription themselves, so a computer on the office
network can serve them; Google Calendar and Outlook.com fetch from their own
servers, which cannot reach an office network (``docs/howto/serve-the-feeds.md``).

Only the feeds the folder's export state lists are served (``<id>.ics``):
never the state, the journal, the lock, staged files, any other file, nor an
``.ics`` file ngayhoi did not write. Each answer carries an ``ETag`` (a digest
of the bytes) and ``Last-Modified``; a client that sends them back
(``If-None-Match``, ``If-Modified-Since``) gets ``304 Not Modified`` while the
feed is unchanged, and an unchanged feed keeps its bytes between exports.

>>> import tempfile, threading, urllib.request, ngayhoi
>>> folder = tempfile.mkdtemp()
>>> _ = ngayhoi.export.export_calendars(ngayhoi.schedule(ngayhoi.samples.tiny_festival()), folder)
>>> server = make_server(folder, port=0)
>>> thread = threading.Thread(target=server.serve_forever, daemon=True)
>>> thread.start()
>>> with urllib.request.urlopen(server.url + "master.ics") as answer:
...     answer.status, answer.headers["Content-Type"]
(200, 'text/calendar; charset=utf-8')
>>> server.shutdown(); server.server_close(); thread.join()
"""

from __future__ import annotations

import email.utils
import hashlib
import http.server
import threading
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import attrs

from ngayhoi._records import plain_repr
from ngayhoi.errors import ExportError, Said
from ngayhoi.export.calendars import STATE_FILE, ExportState, load_state
from ngayhoi.i18n import N_

__all__ = ["CONTENT_TYPE", "FeedServer", "make_server", "served_files"]

#: The Content-Type of every feed served.
CONTENT_TYPE = "text/calendar; charset=utf-8"


def served_files(folder: Path | str, state: ExportState | None = None) -> dict[str, Path]:
    """The files :func:`make_server` serves: each feed of the export state, by file name.

    A name the state lists is served only if it is a regular file (not a
    link) directly in the folder.

    >>> import tempfile
    >>> served_files(tempfile.mkdtemp())
    {}
    """
    root = Path(folder)
    feeds = (state or load_state(root)).feeds.values()
    out = {}
    for feed in sorted(feeds, key=lambda f: f.filename):
        name = feed.filename
        if "/" in name or "\\" in name or name.startswith(".") or not name.endswith(".ics"):
            continue
        path = root / name
        if path.is_file() and not path.is_symlink():
            out[name] = path
    return out


@plain_repr
@attrs.frozen(repr=False)
class _Body:
    data: bytes
    etag: str
    modified: float


class _Folder:
    """The folder's feeds, re-read when the state file or a feed file changes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._state_key: tuple[int, int, int] | None = None
        self._names: dict[str, tuple[Path, str]] = {}
        self._bodies: dict[Path, tuple[tuple[int, int, int], _Body]] = {}

    def feeds(self) -> dict[str, tuple[Path, str]]:
        """Every served file name, with its path and calendar name."""
        state_path = self.root / STATE_FILE
        try:
            info = state_path.stat()
        except OSError:
            return {}
        key = (info.st_mtime_ns, info.st_size, info.st_ino)
        with self._lock:
            if key != self._state_key:
                state = load_state(self.root)
                files = served_files(self.root, state)
                names = {f.filename: f.name for f in state.feeds.values()}
                self._names = {n: (p, names[n]) for n, p in files.items()}
                self._state_key = key
            return dict(self._names)

    def body(self, path: Path) -> _Body | None:
        """A feed's bytes, ETag and modification time (cached while the file is unchanged)."""
        try:
            info = path.lstat()
            if not path.is_file() or path.is_symlink():
                return None
            key = (info.st_mtime_ns, info.st_size, info.st_ino)
            with self._lock:
                cached = self._bodies.get(path)
                if cached is not None and cached[0] == key:
                    return cached[1]
            data = path.read_bytes()
        except OSError:
            return None
        body = _Body(
            data=data, etag=f'"{hashlib.sha256(data).hexdigest()[:32]}"', modified=info.st_mtime
        )
        with self._lock:
            self._bodies[path] = (key, body)
        return body


class FeedServer(http.server.ThreadingHTTPServer):
    """An HTTP server for one export folder's feeds (see the module's description).

    Attributes:
        folder: the export folder.
        url: the base URL the feeds are under (``http://host:port/``).
    """

    daemon_threads = True

    def __init__(
        self, folder: Path, address: tuple[str, int], log: Callable[[str], None] | None
    ) -> None:
        """Bind ``address`` (port 0: a free port) and serve ``folder``."""
        self.folder = folder
        self.feeds = _Folder(folder)
        self.log = log
        super().__init__(address, _Handler)

    @property
    def url(self) -> str:
        """The base URL of the feeds."""
        host, port = self.server_address[:2]
        text = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{text}]" if ":" in text else text
        return f"http://{shown}:{port}/"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: FeedServer
    server_version = "ngayhoi-serve"
    sys_version = ""

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        if self.server.log is not None:
            self.server.log(f"{self.address_string()} {format % args}")

    def _answer(self, *, head: bool) -> None:
        path = urllib.parse.urlsplit(self.path).path
        name = urllib.parse.unquote(path.removeprefix("/"))
        try:
            feeds = self.server.feeds.feeds()
        except ExportError as err:
            self._plain(500, f"{err}\n", head=head)
            return
        if name == "":
            listing = "".join(f"{n}\t{title}\n" for n, (_, title) in sorted(feeds.items()))
            self._plain(200, listing or "Chưa có lịch nào.\n", head=head)
            return
        found = feeds.get(name)
        body = None if found is None else self.server.feeds.body(found[0])
        if body is None:
            self._plain(404, f"Không có lịch {name!r} ở đây.\n", head=head)
            return
        last_modified = email.utils.formatdate(body.modified, usegmt=True)
        if self._not_modified(body):
            self.send_response(304)
            self.send_header("ETag", body.etag)
            self.send_header("Last-Modified", last_modified)
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("Content-Length", str(len(body.data)))
        self.send_header("ETag", body.etag)
        self.send_header("Last-Modified", last_modified)
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if not head:
            self.wfile.write(body.data)

    def _not_modified(self, body: _Body) -> bool:
        # RFC 9110 §13.1.1, §13.1.3: If-None-Match decides when present.
        match = self.headers.get("If-None-Match")
        if match is not None:
            tags = {t.strip().removeprefix("W/") for t in match.split(",")}
            return "*" in tags or body.etag in tags
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            when = email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        return int(body.modified) <= when.timestamp()

    def _plain(self, code: int, text: str, *, head: bool) -> None:
        data = text.encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not head:
            self.wfile.write(data)


def make_server(
    folder: Path | str,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    log: TextIO | Callable[[str], None] | None = None,
) -> FeedServer:
    """An HTTP server for the feeds of ``folder`` (call ``serve_forever()`` on it).

    Args:
        folder: a folder written by :func:`~ngayhoi.export.export_calendars`.
        host: the address to listen on: ``127.0.0.1`` (this computer only) by
            default; ``0.0.0.0`` for every network the computer is on.
        port: the TCP port (0: any free port; ``server.url`` says which).
        log: where to write one line per request (a stream, or a function
            taking the line); ``None`` for silence.

    Raises:
        ExportError: if the folder holds no export or its state is not ngayhoi's.
        OSError: if the address cannot be bound (the port is taken).

    >>> import tempfile
    >>> make_server(tempfile.mkdtemp())
    Traceback (most recent call last):
    ...
    ngayhoi.errors.ExportError: ... holds no export; run ngayhoi export --out ... first
    """
    root = Path(folder)
    if not load_state(root).feeds:
        msg = Said(N_("{root} holds no export; run ngayhoi export --out {root} first"), root=root)
        raise ExportError(msg)
    if log is None or callable(log):
        writer = log
    else:
        stream = log

        def writer(line: str) -> None:
            stream.write(line + "\n")
            stream.flush()

    return FeedServer(root, (host, port), writer)
