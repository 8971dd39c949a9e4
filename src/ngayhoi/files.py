"""Writing files atomically: a reader sees the old file or the new one, never half of one.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_atomic(folder / "a.txt", b"xin chao")
PosixPath('...a.txt')
>>> (folder / "a.txt").read_bytes()
b'xin chao'
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

from ngayhoi.errors import ExportError

__all__ = ["fsync_path", "safe_child", "sync_files", "write_atomic"]


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


_UMASK = _umask()
#: Up to this many files, sync_files flushes each one; beyond it, all at once.
_SYNC_ONE_BY_ONE = 16
# A file name made from ids: ASCII letters, digits, '.', '-' and '_', starting with a
# letter or digit (not hidden, no '..'), the same on every file system.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# write_atomic's temporary file adds 14 characters; file systems stop at 255 bytes.
_MAX_NAME = 240
# Names Windows gives to devices, with any extension, in any case.
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}


def write_atomic(path: Path, data: bytes, *, sync: bool = True) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    The rename is atomic on POSIX file systems; the data is flushed to disk
    before it, so a crash leaves either the old file or the new one. With
    ``sync=False`` the flush is left to the caller, who writes many files and
    then makes them durable at once with :func:`sync_files` before relying on
    them (an export's staging folder does this).

    Raises:
        ExportError: if the folder cannot be written.

    >>> import tempfile, pathlib
    >>> write_atomic(pathlib.Path(tempfile.mkdtemp()) / "lich.ics", b"BEGIN:VCALENDAR").name
    'lich.ics'
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        try:
            # mkstemp makes the file private; a calendar is for sharing, so take
            # the mode of the file it replaces, or the usual one under the umask.
            mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_UMASK
            os.fchmod(fd, mode)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                if sync:
                    handle.flush()
                    os.fsync(handle.fileno())
            Path(tmp).replace(path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as err:
        msg = f"cannot write {path}: {err.strerror or err}; check the folder exists and is writable"
        raise ExportError(msg) from err
    return path


def sync_files(paths: list[Path]) -> None:
    """Make files written with ``sync=False`` durable, and the folders that hold them.

    On Linux one ``sync()`` first flushes them all and waits until the disk
    has them, which costs far less than an ``fsync`` per dirty file when an
    export stages thousands of calendars; each file is then fsynced (now
    cheap) so a write-back error is raised rather than lost.

    Raises:
        ExportError: if a file cannot be flushed.

    >>> import tempfile, pathlib
    >>> sync_files([write_atomic(pathlib.Path(tempfile.mkdtemp()) / "a.ics", b"x", sync=False)])
    """
    try:
        if sys.platform == "linux" and len(paths) > _SYNC_ONE_BY_ONE:
            # One bulk flush; the fsyncs below then find clean files and cost
            # little, but still report a write-back error, which sync() cannot.
            os.sync()
        for path in [*paths, *{p.parent for p in paths}]:
            fsync_path(path)
    except OSError as err:
        msg = f"cannot flush {err.filename or 'the output'} to disk: {err.strerror or err}"
        raise ExportError(msg) from err


def fsync_path(path: Path) -> None:
    """Flush one file, or a folder's entries, to disk.

    >>> import tempfile, pathlib
    >>> fsync_path(pathlib.Path(tempfile.mkdtemp()))
    """
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def safe_child(folder: Path, name: str) -> Path:
    """``folder / name``, refusing names that would leave the folder or are not plain.

    A plain name is ASCII letters, digits, ``.``, ``-`` and ``_``, starts with
    a letter or a digit, does not end with ``.``, is at most 240 characters
    long and is no Windows device name (``CON``, ``nul.ics``, ``COM1``, ...):
    the same file on every file system, and always inside ``folder``.

    >>> safe_child(Path("/tmp/out"), "master.ics")
    PosixPath('/tmp/out/master.ics')
    >>> safe_child(Path("/tmp/out"), "../etc.ics")
    Traceback (most recent call last):
    ...
    ngayhoi.errors.ExportError: file name '../etc.ics' would leave the output folder ...
    >>> safe_child(Path("/tmp/out"), "con.ics")
    Traceback (most recent call last):
    ...
    ngayhoi.errors.ExportError: file name 'con.ics' would leave the output folder or is reserved...
    """
    stem = name.split(".", 1)[0].lower()
    if (
        not _PLAIN_NAME.fullmatch(name)
        or name.endswith(".")
        or len(name) > _MAX_NAME
        or stem in _RESERVED
    ):
        msg = (
            f"file name {name!r} would leave the output folder or is reserved; use a plain "
            f"ASCII id (letters, digits, '.', '-', '_', at most {_MAX_NAME} characters)"
        )
        raise ExportError(msg)
    return folder / name
