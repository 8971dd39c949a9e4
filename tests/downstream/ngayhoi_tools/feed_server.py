"""Serve the calendar feeds of an export folder over HTTP, with strong ETags (WSGI).

``GET /`` lists the feeds of the folder's export state as JSON; ``GET /<feed>.ics``
sends the feed with an ``ETag`` (a digest of its bytes), and answers ``304`` when the
client's ``If-None-Match`` already names it, so calendar apps poll cheaply.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path

from ngayhoi.export import load_state

StartResponse = Callable[[str, list[tuple[str, str]]], object]
Environ = dict[str, object]


def etag(body: bytes) -> str:
    """The strong ETag of a response body."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def make_app(folder: Path) -> Callable[[Environ, StartResponse], Iterable[bytes]]:
    """A WSGI application serving the feeds of ``folder``."""

    def app(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", "/"))
        feeds = load_state(folder).feeds
        if path == "/":
            listing = {fid: {"name": f.name, "kind": f.kind} for fid, f in sorted(feeds.items())}
            body = json.dumps(listing, ensure_ascii=False).encode("utf-8")
            start_response("200 OK", [("Content-Type", "application/json; charset=utf-8")])
            return [body]
        name = path.removeprefix("/")
        if not name.endswith(".ics") or name.removesuffix(".ics") not in feeds:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"no such feed"]
        body = (folder / name).read_bytes()
        tag = etag(body)
        if environ.get("HTTP_IF_NONE_MATCH") == tag:
            start_response("304 Not Modified", [("ETag", tag)])
            return []
        headers = [("Content-Type", "text/calendar; charset=utf-8"), ("ETag", tag)]
        start_response("200 OK", headers)
        return [body]

    return app
