"""Slow or hostile CalDAV servers, damaged inputs, and publishing only what ngayhoi exported.

A stub HTTP server on 127.0.0.1 (threads of the standard library's
``http.server``) trickles its answers a byte at a time or answers 404 to
everything; a real Radicale server receives what the export state says is
ngayhoi's, and nothing else.
"""

from __future__ import annotations

import http.server
import io
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import icalendar
import pytest

import ngayhoi
from ngayhoi.cli import main
from ngayhoi.errors import ExportError, PlanError
from ngayhoi.export import export_calendars, load_state
from ngayhoi.scheduling import Schedule, schedule_heuristic

from conftest import Radicale, load_example

pytest.importorskip("caldav", reason="the caldav extra is a test dependency")

from ngayhoi.publish.caldav import (
    CalDAVConfig,
    PublishError,
    config_from_env,
    publish,
)

replan = load_example("replan")
SECRET = "mật-khẩu"  # noqa: S105 - a stub server's throwaway password


class Stub(http.server.ThreadingHTTPServer):
    """A CalDAV server that misbehaves as ``mode`` says, counting the requests it got."""

    daemon_threads = True

    def __init__(self, mode: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode = mode
        self.requests = 0
        self.stopping = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/btc/"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: Stub

    def log_message(self, *_: object) -> None:  # quiet
        pass

    def _answer(self) -> None:
        self.server.requests += 1
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if self.server.mode == "not-found":
            body = b"<html>404 Not Found</html>"
            self.send_response(404)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        # Trickle: a byte every half second, far below any idle timeout, never done.
        head = b"HTTP/1.1 207 Multi-Status\r\nContent-Type: text/xml\r\nX-Slow: "
        if self.server.mode == "trickle-body":
            head = b"HTTP/1.1 207 Multi-Status\r\nContent-Length: 100000\r\n\r\n<?xml "
        self.wfile.write(head)
        self.wfile.flush()
        while not self.server.stopping.wait(0.5):
            try:
                self.wfile.write(b"a")
                self.wfile.flush()
            except OSError:
                return

    do_PROPFIND = do_GET = do_PUT = do_REPORT = do_MKCALENDAR = do_DELETE = _answer  # noqa: N815


@pytest.fixture
def stub(request: pytest.FixtureRequest) -> Iterator[Stub]:
    server = Stub(request.param)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny") / "lich"
    export_calendars(ngayhoi.schedule(ngayhoi.samples.tiny_festival()), folder)
    return folder


def publish_in_a_thread(folder: Path, config: CalDAVConfig) -> BaseException | object:
    """Publish; whatever it returned or raised, failing the test if it does not end."""
    outcome: list[BaseException | object] = []

    def run() -> None:
        try:
            outcome.append(publish(folder, config))
        except Exception as err:  # noqa: BLE001 - handed to the assertions
            outcome.append(err)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "the publish hangs on a server that trickles"
    return outcome[0]


@pytest.mark.parametrize("stub", ["trickle", "trickle-body"], indirect=True)
def test_a_server_that_trickles_fails_the_publish_after_the_whole_request_timeout(
    stub: Stub, tiny_folder: Path
) -> None:
    config = CalDAVConfig(url=stub.url, username="btc", password=SECRET, timeout=3)
    err = publish_in_a_thread(tiny_folder, config)
    assert isinstance(err, PublishError), err
    assert err.url == stub.url
    assert "no whole answer within 3 s" in err.reason, err.reason
    assert "nothing was uploaded" in str(err)
    assert stub.requests >= 1


@pytest.mark.parametrize("stub", ["not-found"], indirect=True)
def test_a_404_says_the_url_or_principal_is_wrong_not_publish_again(
    stub: Stub, tiny_folder: Path
) -> None:
    config = CalDAVConfig(url=stub.url, username="btc", password=SECRET, timeout=10)
    err = publish_in_a_thread(tiny_folder, config)
    assert isinstance(err, PublishError), err
    assert "404 Not Found" in str(err), err
    assert "the URL or the principal (user) is wrong" in str(err)
    assert "publish again when" not in str(err)


@pytest.mark.parametrize("stub", ["not-found"], indirect=True)
def test_a_404_on_the_command_line_exits_2_with_one_line(
    stub: Stub, tiny_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NGAYHOI_CALDAV_URL", stub.url)
    err = io.StringIO()
    assert main(["publish", str(tiny_folder)], out=io.StringIO(), err=err) == 2
    assert "the URL or the principal (user) is wrong" in err.getvalue()
    assert err.getvalue().count("\n") == 1


DAMAGE = {
    "not-a-calendar": b"this is not iCalendar at all\r\n",
    "truncated": b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\n",
    "not-utf-8": b"BEGIN:VCALENDAR\r\nX-WR-CALNAME:\xff\xfe\r\nEND:VCALENDAR\r\n",
    "an-event-it-never-exported": (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:other@example.com\r\n"
        b"DTSTAMP:20230801T000000Z\r\nDTSTART:20230806T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ),
    "missing": b"",
}


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("stub", ["not-found"], indirect=True)
def test_a_damaged_feed_file_is_named_and_nothing_is_sent(
    stub: Stub, tiny_folder: Path, tmp_path: Path, damage: str
) -> None:
    folder = tmp_path / "lich"
    shutil.copytree(tiny_folder, folder)
    if damage == "missing":
        (folder / "master.ics").unlink()
    else:
        (folder / "master.ics").write_bytes(DAMAGE[damage])
    with pytest.raises(ExportError) as caught:
        publish(folder, CalDAVConfig(url=stub.url, timeout=5))
    assert not isinstance(caught.value, PublishError)
    assert str(caught.value).startswith(f"{folder / 'master.ics'}: "), caught.value
    assert "run ngayhoi export again" in str(caught.value)
    assert stub.requests == 0  # found before a single request: not a server failure


@pytest.mark.parametrize(
    "content",
    [b'[caldav]\nurl = "https://dav.example.vn/"\npassword = "m\xe1t kh\xe1u"\n', b"\xff\xfe[\x00"],
    ids=["latin-1-password", "utf-16"],
)
def test_a_config_file_that_is_not_utf8_is_refused_naming_it(
    content: bytes, tmp_path: Path
) -> None:
    path = tmp_path / "caldav.toml"
    path.write_bytes(content)
    path.chmod(0o600)
    with pytest.raises(PlanError, match=r"caldav\.toml: not UTF-8 text") as caught:
        config_from_env({}, path=path)
    assert str(path) in str(caught.value)


def test_a_config_file_that_is_not_utf8_exits_2_on_the_command_line(
    tiny_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NGAYHOI_CALDAV_URL", raising=False)
    path = tmp_path / "caldav.toml"
    path.write_bytes(b'[caldav]\nurl = "https://dav.example.vn/\xe9"\n')
    path.chmod(0o600)
    err = io.StringIO()
    argv = ["publish", str(tiny_folder), "--config", str(path)]
    assert main(argv, out=io.StringIO(), err=err) == 2
    assert f"{path}: not UTF-8 text" in err.getvalue()
    assert "Traceback" not in err.getvalue()


# -- publishing from the export state, to a real Radicale ---------------------------------


def server_uids(server: Radicale) -> dict[str, set[str]]:
    """Every calendar on the server and the UIDs it holds."""
    caldav = pytest.importorskip("caldav", reason="the caldav extra is a test dependency")
    client = caldav.DAVClient(
        url=server.url, username=server.USER, password=server.PASSWORD, require_tls=False
    )
    held: dict[str, set[str]] = {}
    for calendar in client.principal().calendars():
        uids = held.setdefault(str(calendar.url).rstrip("/").rsplit("/", 1)[-1], set())
        for obj in [*calendar.events(), *calendar.todos()]:
            cal = icalendar.Calendar.from_ical(obj.data)
            uids.update(str(c["UID"]) for c in cal.walk() if c.name in ("VEVENT", "VTODO"))
    return held


def file_uids(path: Path) -> set[str]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(c["UID"]) for c in cal.walk() if c.name in ("VEVENT", "VTODO")}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Radicale]:
    (tmp_path / "dav").mkdir()
    dav = Radicale(tmp_path / "dav")
    dav.start()
    try:
        yield dav
    finally:
        dav.stop()


PRIVATE = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//me//EN\r\nBEGIN:VEVENT\r\n"
    "UID:private@example.com\r\nDTSTAMP:20230801T000000Z\r\nDTSTART:20230806T010000Z\r\n"
    "SUMMARY:Hẹn riêng\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
).encode()


def test_a_users_own_calendar_in_the_folder_is_never_published(
    server: Radicale, tiny_folder: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "lich"
    shutil.copytree(tiny_folder, folder)
    (folder / "my-private.ics").write_bytes(PRIVATE)
    report = publish(folder, config_from_env(server.env))
    state = load_state(folder)
    assert sorted(report.created) == sorted(state.feeds)
    held = server_uids(server)
    assert sorted(held) == sorted(state.feeds)
    assert all("private@example.com" not in uids for uids in held.values())
    with pytest.raises(ExportError, match="no feed 'my-private' in its export state"):
        publish(folder, config_from_env(server.env), feeds=["my-private"])


@pytest.fixture(scope="module")
def replanned() -> tuple[Schedule, Schedule]:
    base = replan._base()  # noqa: SLF001 - the example's own plan
    first = schedule_heuristic(base, seed=0, max_passes=3, time_limit=600).unwrap()
    second = schedule_heuristic(
        replan.replan(base), seed=0, max_passes=3, time_limit=600, previous=first
    ).unwrap()
    return first, second


DELEGATIONS = ["delegation-doan-1", "delegation-doan-2"]


def test_with_view_scoped_uids_a_moved_visit_leaves_the_old_calendar_on_the_server(
    server: Radicale, replanned: tuple[Schedule, Schedule], tmp_path: Path
) -> None:
    first, second = replanned
    folder = tmp_path / "lich"
    config = config_from_env(server.env)
    export_calendars(first, folder, uid_scope="view", roles=False)
    publish(folder, config, feeds=DELEGATIONS)
    before = server_uids(server)
    report = export_calendars(second, folder, uid_scope="view", roles=False)
    assert report.diff
    second_publish = publish(folder, config, feeds=DELEGATIONS)
    held = server_uids(server)
    for feed in DELEGATIONS:
        # Exactly the file's view-scoped UIDs: nothing stale kept as "unknown".
        assert held[feed] == file_uids(folder / f"{feed}.ics"), feed
        assert feed not in second_publish.unknown
    assert held != before, "the re-plan moves a visit between the delegations"


@pytest.mark.parametrize(
    "form",
    [
        lambda folder: ["publish", str(folder), "--feeds", "master", "commune-x"],
        lambda folder: ["publish", "--feeds", "master", "commune-x", "--", str(folder)],
    ],
    ids=["folder-then-feeds", "feeds-then-double-dash-folder"],
)
def test_publish_takes_the_feeds_before_or_after_the_folder(
    server: Radicale,
    tiny_folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    form: Callable[[Path], list[str]],
) -> None:
    for name, value in server.env.items():
        monkeypatch.setenv(name, value)
    out, err = io.StringIO(), io.StringIO()
    argv = form(tiny_folder)
    assert main(argv, out=out, err=err) == 0, err.getvalue()
    assert sorted(server_uids(server)) == ["commune-x", "master"]
    assert "master: 2 uploaded, 0 unchanged" in out.getvalue()


def test_publish_with_feeds_and_no_folder_says_where_the_folder_goes(tiny_folder: Path) -> None:
    err = io.StringIO()
    argv = ["publish", "--feeds", "master", str(tiny_folder)]  # the folder read as a feed
    assert main(argv, out=io.StringIO(), err=err) == 2
    assert "ngayhoi publish --feeds A B -- lich/" in err.getvalue()
