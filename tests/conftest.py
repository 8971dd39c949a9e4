"""Shared fixtures: the repository's paths, the ics_check harness, small festivals, Radicale."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pendulum
import pytest

from ngayhoi.model import Activity, Festival, Site, Unit

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NGAYHOI_SHARED", ROOT.parent / "shared"))
CHECK_SH = SHARED / "ics_check" / "check.sh"
TZ = "Asia/Ho_Chi_Minh"
DAY = pendulum.date(2023, 8, 6)


def at(hour: int, minute: int = 0) -> pendulum.DateTime:
    """A local time on the test day."""
    return pendulum.datetime(DAY.year, DAY.month, DAY.day, hour, minute, tz=TZ)


def load_example(name: str) -> ModuleType:
    """Import ``examples/<name>.py`` as a module."""
    path = ROOT / "examples" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"example_{name}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _harness_built() -> bool:
    home = Path(os.environ.get("ICS_CHECK_HOME", Path.home() / ".cache" / "ics_check"))
    return CHECK_SH.exists() and (home / ".venv" / "bin" / "python").exists()


@pytest.fixture(scope="session")
def ics_check() -> Callable[[Path], subprocess.CompletedProcess[str]]:
    """Run ``../shared/ics_check/check.sh`` on one file (five real parsers + structure)."""
    if not _harness_built():
        if os.environ.get("CI"):
            pytest.fail(f"ics_check harness not built: run {SHARED}/ics_check/setup.sh")
        pytest.skip(f"ics_check harness not built; run {SHARED}/ics_check/setup.sh first")

    def run(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own harness on our own file
            [str(CHECK_SH), str(path)], capture_output=True, text=True, check=False
        )

    return run


def one_site_festival(*activities: Activity, **options: object) -> Festival:
    """A festival with one commune, one site and the given activities."""
    return Festival(
        id="t",
        name="Ngày hội thử",
        days=[DAY],
        units=[Unit(id="x", name="Long Hòa", official_name="Xã Long Hòa", kind="xã")],
        sites=[Site(id="s", name="Hội trường UBND xã Long Hòa", unit="x")],
        activities=activities,
        **options,  # type: ignore[arg-type]
    )


def act(ident: str, minutes: int = 10, **options: object) -> Activity:
    """An activity at the one site, titled after its id."""
    return Activity(
        id=ident,
        kind="other",
        title=f"Mục {ident.upper()}",
        site="s",
        duration=minutes,
        **options,  # type: ignore[arg-type]
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Radicale:
    """A real Radicale server on 127.0.0.1 with a password; stopped and restarted on one storage.

    Its log (``radicale.log`` in ``folder``) is kept across restarts; at ``level="info"``
    it has one line per request and response.
    """

    USER = "btc"
    PASSWORD = "mật-khẩu-thử"  # noqa: S105 - a throwaway test server's password

    def __init__(self, folder: Path, *, level: str = "warning") -> None:
        self.folder = folder
        self.port = free_port()
        self.storage = folder / "collections"
        self.log = folder / "radicale.log"
        users = folder / "users"
        users.write_text(f"{self.USER}:{self.PASSWORD}\n", encoding="utf-8")
        self.config = folder / "radicale.conf"
        self.config.write_text(
            f"[server]\nhosts = 127.0.0.1:{self.port}\n"
            f"[auth]\ntype = htpasswd\nhtpasswd_filename = {users}\n"
            "htpasswd_encryption = plain\n"
            "[rights]\ntype = owner_only\n"
            f"[storage]\nfilesystem_folder = {self.storage}\n"
            f"[logging]\nlevel = {level}\n",
            encoding="utf-8",
        )
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The user's collection URL."""
        return f"http://127.0.0.1:{self.port}/{self.USER}/"

    @property
    def env(self) -> dict[str, str]:
        """The NGAYHOI_CALDAV_* variables for this server."""
        return {
            "NGAYHOI_CALDAV_URL": self.url,
            "NGAYHOI_CALDAV_USERNAME": self.USER,
            "NGAYHOI_CALDAV_PASSWORD": self.PASSWORD,
        }

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(  # noqa: S603 - the server under test
                [sys.executable, "-m", "radicale", "--config", str(self.config)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + 30
        while True:
            if self.proc.poll() is not None:
                pytest.fail(f"radicale exited: {self.log.read_text(encoding='utf-8')}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("radicale did not start within 30 s")
                time.sleep(0.05)

    def stop(self) -> None:
        """Terminate the server (SIGTERM, then SIGKILL if it lingers) and wait for it."""
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A real Radicale server on 127.0.0.1 with a password, started and stopped here."""
    server = Radicale(tmp_path)
    server.start()
    try:
        yield server.url, server.env
    finally:
        server.stop()
