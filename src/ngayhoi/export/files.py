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
import tempfile
from pathlib import Path

from ngayhoi.errors import ExportError

__all__ = ["safe_child", "write_atomic"]


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


_UMASK = _umask()
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    The rename is atomic on POSIX file systems; the data is flushed to disk
    before it, so a crash leaves either the old file or the new one.

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


def safe_child(folder: Path, name: str) -> Path:
    """``folder / name``, refusing names that would leave the folder or are reserved.

    >>> safe_child(Path("/tmp/out"), "master.ics")
    PosixPath('/tmp/out/master.ics')
    >>> safe_child(Path("/tmp/out"), "../etc.ics")
    Traceback (most recent call last):
    ...
    ngayhoi.errors.ExportError: file name '../etc.ics' would leave the output folder ...
    """
    stem = name.split(".", 1)[0].lower()
    bad = (
        not name
        or name != Path(name).name
        or name.startswith(".")
        or "/" in name
        or "\\" in name
        or "\x00" in name
        or stem in _RESERVED
    )
    if bad:
        msg = (
            f"file name {name!r} would leave the output folder or is reserved; use a plain ASCII id"
        )
        raise ExportError(msg)
    return folder / name
