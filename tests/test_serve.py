"""`ngayhoi serve`: a real HTTP server on 127.0.0.1 that serves the feeds and nothing else."""

from __future__ import annotations

import email.utils
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import attrs
import icalendar
import pytest

import ngayhoi
import ngayhoi.cli
from ngayhoi.errors import ExportError
from ngayhoi.export import STATE_FILE, export_calendars
from ngayhoi.export.serve import CONTENT_TYPE, FeedServer, make_server


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    out = tmp_path / "lich"
    export_calendars(ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation()), out)
    return out


@pytest.fixture
def server(folder: Path) -> Iterator[FeedServer]:
    running = make_server(folder, port=0)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    try:
        yield running
    finally:
        running.shutdown()
        running.server_close()
        thread.join()


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http on 127.0.0.1
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_a_feed_comes_with_its_type_etag_and_last_modified(
    server: FeedServer, folder: Path
) -> None:
    code, headers, body = fetch(server.url + "delegation-doan-1.ics")
    assert code == 200
    assert headers["Content-Type"] == CONTENT_TYPE
    assert body == (folder / "delegation-doan-1.ics").read_bytes()
    assert headers["ETag"].startswith('"')
    assert email.utils.parsedate_to_datetime(headers["Last-Modified"]) is not None
    assert len(icalendar.Calendar.from_ical(body).walk("VEVENT")) == 3


def test_an_unchanged_feed_answers_304_to_its_etag_or_date(server: FeedServer) -> None:
    url = server.url + "master.ics"
    _, headers, _ = fetch(url)
    assert fetch(url, **{"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(url, **{"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert fetch(url, **{"If-None-Match": '"something-else"'})[0] == 200
    # If-None-Match decides when both are sent (RFC 9110 §13.1.3).
    both = {"If-None-Match": '"old"', "If-Modified-Since": headers["Last-Modified"]}
    assert fetch(url, **both)[0] == 200
    assert fetch(url, **{"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200


def test_a_re_export_changes_the_etag_of_the_feeds_it_rewrote(
    server: FeedServer, folder: Path
) -> None:
    url = server.url + "master.ics"
    _, before, _ = fetch(url)
    fest = ngayhoi.samples.two_communes_one_delegation()
    renamed = attrs.evolve(fest.activities[0], title="Trao thưởng, đổi tên")
    export_calendars(
        ngayhoi.schedule(attrs.evolve(fest, activities=[renamed, *fest.activities[1:]])), folder
    )
    code, after, body = fetch(url, **{"If-None-Match": before["ETag"]})
    assert code == 200
    assert after["ETag"] != before["ETag"]
    assert "Trao thưởng\\, đổi tên".encode() in body


def test_the_state_lock_and_foreign_files_are_never_served(
    server: FeedServer, folder: Path
) -> None:
    (folder / "foreign.ics").write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    (folder / "notes.txt").write_text("riêng", encoding="utf-8")
    for name in (
        STATE_FILE,
        ".ngayhoi.lock",
        "foreign.ics",
        "notes.txt",
        "..%2F" + folder.name + "%2Fmaster.ics",
        "%2E%2E/master.ics",
        "master.ics/",
    ):
        code, _, body = fetch(server.url + name)
        assert code == 404, name
        assert b"BEGIN:VCALENDAR" not in body
    assert (folder / STATE_FILE).exists()


def test_a_link_in_place_of_a_feed_is_not_followed(
    server: FeedServer, folder: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.ics"
    secret.write_bytes(b"secret")
    feed = folder / "commune-b.ics"
    feed.unlink()
    feed.symlink_to(secret)
    assert fetch(server.url + "commune-b.ics")[0] == 404


def test_the_index_lists_the_feeds_only(server: FeedServer) -> None:
    code, headers, body = fetch(server.url)
    assert code == 200
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    names = [line.split("\t")[0] for line in body.decode("utf-8").splitlines()]
    assert names == ["commune-a.ics", "commune-b.ics", "delegation-doan-1.ics", "master.ics"]


def test_a_folder_without_an_export_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="holds no export"):
        make_server(tmp_path, port=0)


def test_the_command_refuses_a_folder_without_an_export(tmp_path: Path) -> None:
    code = ngayhoi.cli.main(["serve", str(tmp_path), "--port", "0"])
    assert code == 2
