"""The three downstream tools run against the public API, end to end, on real files."""

from __future__ import annotations

import ast
import datetime as dt
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from ngayhoi_tools import feed_server, province_plan, utilisation

import ngayhoi
from ngayhoi.export import export_calendars

HERE = Path(__file__).parent
DAY = dt.date(2023, 8, 6)


@pytest.fixture(scope="module")
def festival() -> ngayhoi.Festival:
    rows = province_plan.read_rows(HERE / "communes.csv")
    return province_plan.plan_from_rows(rows, day=DAY, ident="can-duoc-csv")


@pytest.fixture(scope="module")
def schedule(festival: ngayhoi.Festival) -> ngayhoi.Schedule:
    return ngayhoi.schedule(festival, time_limit=5)


def test_the_tools_import_only_public_names() -> None:
    for path in sorted((HERE / "ngayhoi_tools").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ngayhoi"):
                assert not any(part.startswith("_") for part in (node.module or "").split("."))
                assert not any(alias.name.startswith("_") for alias in node.names), path.name
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in {"ngayhoi", "data", "templates"}
            ):
                assert not node.attr.startswith("_"), f"{path.name}: {node.attr}"


def test_a_province_plan_from_a_csv_schedules_every_commune(
    festival: ngayhoi.Festival, schedule: ngayhoi.Schedule
) -> None:
    assert [u.id for u in festival.hosts()] == ["long-trach", "long-khe", "long-hoa", "can-duoc"]
    assert schedule.feasible
    ceremonies = [schedule[f"{u.id}.trao-thuong"] for u in festival.hosts()]
    assert [s.resources for s in ceremonies] == [("doan-1",), ("doan-1",), ("doan-2",), ("doan-2",)]


def test_delegation_utilisation_is_a_dataframe_of_plain_values(schedule: ngayhoi.Schedule) -> None:
    table = utilisation.delegation_utilisation(schedule)
    assert list(table.index) == ["doan-1", "doan-2"]
    assert list(table["communes"]) == [2, 2]
    assert all(table["items"] >= table["communes"])
    assert all(0 < share <= 1 for share in table["share"])
    first = table.loc["doan-1", "first"]
    assert isinstance(first, dt.datetime)
    assert first.utcoffset() == dt.timedelta(hours=7)


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        """Keep the test output clean."""


@pytest.fixture
def served(schedule: ngayhoi.Schedule, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    folder = tmp_path / "lich"
    export_calendars(schedule, folder)
    server: WSGIServer = make_server(
        "127.0.0.1", 0, feed_server.make_app(folder), handler_class=_Quiet
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", folder
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _get(url: str, etag: str | None = None) -> tuple[int, str | None, bytes]:
    request = urllib.request.Request(url, headers={"If-None-Match": etag} if etag else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - 127.0.0.1
            return response.status, response.headers.get("ETag"), response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("ETag"), b""


def test_the_feed_server_sends_etags_and_304_until_a_feed_changes(
    served: tuple[str, Path], festival: ngayhoi.Festival
) -> None:
    base, folder = served
    status, _, listing = _get(base + "/")
    assert status == 200
    assert b'"master"' in listing
    status, tag, body = _get(base + "/master.ics")
    assert (status, body.startswith(b"BEGIN:VCALENDAR")) == (200, True)
    assert tag is not None
    assert _get(base + "/master.ics", tag)[0] == 304
    assert _get(base + "/nope.ics")[0] == 404
    # The organiser moves the day's start: the feed changes, and so does its ETag.
    rows = province_plan.read_rows(HERE / "communes.csv")
    later = province_plan.plan_from_rows(rows, day=DAY, ident=festival.id, at=dt.time(6, 50))
    export_calendars(ngayhoi.schedule(later, time_limit=5), folder)
    status, new_tag, _ = _get(base + "/master.ics", tag)
    assert (status, new_tag != tag) == (200, True)
