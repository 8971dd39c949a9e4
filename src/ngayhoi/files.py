"""Writing files atomically: a reader sees the old file or the new one, never half of one.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_atomic(folder / "a.txt", b"xin chao")
PosixPath('...a.txt')
>>> (folder / "a.txt").read_bytes()
b'xin chao'
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn, Self

from ngayhoi.errors import ExportError, Said
from ngayhoi.i18n import N_

__all__ = [
    "JOURNAL_NAME",
    "LOCK_NAME",
    "MANIFEST_NAME",
    "OWNER_MARK",
    "STAGING_NAME",
    "Commit",
    "DiskFullError",
    "ForeignFileError",
    "NoLockError",
    "check_folder",
    "check_replaceable",
    "folder_lock",
    "fsync_path",
    "needs_recovery",
    "read_manifest",
    "recover_folder",
    "safe_child",
    "staging_strays",
    "sync_files",
    "write_atomic",
    "write_together",
]


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


_UMASK = _umask()
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
    then makes them durable with :func:`sync_files` before relying on them
    (an export's staging folder does this); the file's writeback is started
    here, so it goes on while the caller makes the next file.

    Raises:
        ExportError: if the folder cannot be written.

    >>> import tempfile, pathlib
    >>> write_atomic(pathlib.Path(tempfile.mkdtemp()) / "lich.ics", b"BEGIN:VCALENDAR").name
    'lich.ics'
    """
    folder = path.parent
    check_replaceable(path)
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
                if sync:
                    os.fsync(handle.fileno())
                else:
                    _start_writeback(handle.fileno())
            Path(tmp).replace(path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as err:
        if _disk_full(err):
            msg = Said(
                N_(
                    "{folder}: the disk is full (no space left on device) while writing {name}; "
                    "the previous {name} stays; free some space and try again"
                ),
                folder=folder,
                name=path.name,
            )
            raise DiskFullError(folder, msg) from err
        msg = Said(
            N_("cannot write {path}: {value}; check the folder exists and is writable"),
            path=path,
            value=err.strerror or err,
        )
        raise ExportError(msg) from err
    return path


def _start_writeback(fd: int) -> None:
    """Ask the kernel to start writing a file's data out now, without waiting for it.

    ``posix_fadvise(POSIX_FADV_DONTNEED)`` makes Linux start the writeback of
    the file's dirty pages at once (and drop them from the page cache once
    written). It is only advice: durability still comes from the ``fsync`` in
    :func:`sync_files`, which then finds the data written or on its way.
    Where the call is missing (macOS) or refused, nothing happens.
    """
    advise = getattr(os, "posix_fadvise", None)
    if advise is not None:
        with contextlib.suppress(OSError):
            advise(fd, 0, 0, os.POSIX_FADV_DONTNEED)


def sync_files(paths: list[Path]) -> None:
    """Make files written with ``sync=False`` durable, and the folders that hold them.

    Each file is fsynced, then each folder holding them (so their names are
    on disk too); a write-back error is raised, not lost. When this returns,
    every file's data and name is on disk as far as ``fsync`` guarantees it
    (on a file system and disk that honour it). :func:`write_atomic` started
    each file's writeback when it wrote it, so the data of all the files goes
    out together and the fsyncs mostly wait for a journal commit that covers
    them all: 34 feeds take 5-10 ms, where one fsync after another took
    twice that. A global ``sync()`` is not used: it also waits for every
    other program's unwritten data (a download, another tool's reports),
    which took 30-150 ms beside a benchmark's TaskJuggler runs.

    Raises:
        ExportError: if a file cannot be flushed.

    >>> import tempfile, pathlib
    >>> sync_files([write_atomic(pathlib.Path(tempfile.mkdtemp()) / "a.ics", b"x", sync=False)])
    """
    try:
        for path in [*paths, *{p.parent for p in paths}]:
            fsync_path(path)
    except OSError as err:
        msg = Said(
            N_("cannot flush {value} to disk: {value2}"),
            value=err.filename or Said(N_("the output")),
            value2=err.strerror or err,
        )
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
        msg = Said(
            N_(
                "file name {name!r} would leave the output folder or is reserved; use a plain "
                "ASCII id (letters, digits, '.', '-', '_', at most {MAX_NAME} characters)"
            ),
            name=name,
            MAX_NAME=_MAX_NAME,
        )
        raise ExportError(msg)
    return folder / name


# -- the one writer that owns an output folder ------------------------------------------

#: The folder's lock, journal and staging folder: every multi-file writer shares them.
LOCK_NAME = ".ngayhoi.lock"
JOURNAL_NAME = ".ngayhoi-journal.json"
STAGING_NAME = ".ngayhoi-staging"
#: Written into the staging folder first: what proves a staging folder is ngayhoi's own.
OWNER_MARK = ".ngayhoi-owner"
#: What a folder without an export state records of the files ngayhoi wrote into it.
MANIFEST_NAME = ".ngayhoi-files.json"
# The hidden files a commit may put into place besides plain names (the export state).
_OWN_HIDDEN = frozenset({".ngayhoi-state.json", MANIFEST_NAME})
_MARK_TEXT = b"ngayhoi staging folder: removed by the next ngayhoi command writing here\n"
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class DiskFullError(ExportError):
    """The disk (or the user's quota) filled up while writing into a folder.

    Attributes:
        folder: the folder being written.
    """

    def __init__(self, folder: Path, message: str) -> None:
        """Keep the folder; the message names it."""
        self.folder = folder
        super().__init__(message)


class ForeignFileError(ExportError):
    """A file ngayhoi would replace is not one ngayhoi wrote (or not a regular file)."""


class NoLockError(ExportError):
    """The folder's lock cannot even be opened (a read-only folder)."""


def _disk_full(err: OSError) -> bool:
    return err.errno in {errno.ENOSPC, errno.EDQUOT}


def _kind(mode: int) -> str | None:
    return next((name for test, name in _KINDS if test(mode)), None)


def check_replaceable(path: Path) -> None:
    """Refuse to replace anything but a regular file: a folder, a link, a device, a FIFO.

    Raises:
        ForeignFileError: naming the path and what it is.

    >>> import tempfile, pathlib
    >>> check_replaceable(pathlib.Path(tempfile.mkdtemp()) / "new.ics")  # nothing there: fine
    >>> check_replaceable(pathlib.Path("/dev/null"))
    Traceback (most recent call last):
    ...
    ngayhoi.files.ForeignFileError: /dev/null is a character device, not a regular file; ...
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as err:
        msg = Said(N_("cannot look at {path}: {value}"), path=path, value=err.strerror or err)
        raise ExportError(msg) from err
    kind = _kind(mode)
    if kind is not None:
        msg = Said(
            N_(
                "{path} is {kind}, not a regular file; ngayhoi replaces only regular files it "
                "wrote: give another output path"
            ),
            path=path,
            kind=kind,
        )
        raise ForeignFileError(msg)


def check_folder(path: Path, option: str = "the output folder") -> None:
    """Refuse an output folder that cannot be one: a file, or a symbolic link to nothing.

    >>> import tempfile, pathlib
    >>> link = pathlib.Path(tempfile.mkdtemp()) / "lich"
    >>> link.symlink_to("/nowhere/lich")
    >>> check_folder(link, "--out")
    Traceback (most recent call last):
    ...
    ngayhoi.errors.ExportError: --out ...lich is a symbolic link to /nowhere/lich, which ...
    """
    if path.is_symlink() and not path.exists():
        msg = Said(
            N_(
                "{option} {path} is a symbolic link to {value}, which does not exist; create the "
                "folder it points to, or give another folder"
            ),
            option=option,
            path=path,
            value=path.readlink(),
        )
        raise ExportError(msg)
    if path.exists() and not path.is_dir():
        msg = Said(
            N_("{option} {path} is a file, not a folder; give a folder (made if missing)"),
            option=option,
            path=path,
        )
        raise ExportError(msg)


def _make_folder(root: Path) -> None:
    check_folder(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        if _disk_full(err):
            raise DiskFullError(root, _full_message(root, root)) from err
        msg = Said(
            N_("cannot make the folder {root}: {value}; check where it would go"),
            root=root,
            value=err.strerror or err,
        )
        raise ExportError(msg) from err


def _full_message(root: Path, what: Path | str) -> Said:
    return Said(
        N_(
            "{root}: the disk is full (no space left on device) while writing {what}; "
            "nothing was changed there (the previous files stay); free some space and run "
            "the command again"
        ),
        root=root,
        what=what,
    )


@contextlib.contextmanager
def folder_lock(root: Path) -> Iterator[None]:
    """Hold ``root``'s lock (an OS lock, released by the kernel even if the process dies).

    On POSIX the lock is ``flock`` on ``.ngayhoi.lock`` taken here directly, as
    the filelock package takes it (so both kinds of ngayhoi exclude each other);
    importing filelock took a twentieth of an everyday export. Where ``flock``
    is missing (Windows, a file system without it) filelock does it.

    Raises:
        ExportError: if another ngayhoi command holds it.
        NoLockError: if the lock file cannot be opened (a read-only folder).

    >>> import tempfile, pathlib
    >>> with folder_lock(pathlib.Path(tempfile.mkdtemp())):
    ...     pass
    """
    lock = root / LOCK_NAME
    _make_folder(root)
    try:
        # Opened here so a folder that cannot be written is told apart
        # from one whose lock another process holds.
        fd = os.open(lock, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    except OSError as err:
        if _disk_full(err):
            raise DiskFullError(root, _full_message(root, lock)) from err
        msg = Said(
            N_("cannot open the lock {lock}: {value}; check the folder is writable"),
            lock=lock,
            value=err.strerror or err,
        )
        raise NoLockError(msg) from err
    try:
        taken = _flock(fd)
    except OSError as err:
        os.close(fd)
        msg = Said(
            N_("cannot open the lock {lock}: {value}; check the folder is writable"),
            lock=lock,
            value=err.strerror or err,
        )
        raise NoLockError(msg) from err
    if taken != "held":
        os.close(fd)
        if taken == "busy":
            _refuse_locked(root, lock)
        with _filelock(root, lock):
            yield
        return
    try:
        yield
    finally:
        os.close(fd)  # closing the only descriptor releases the flock


#: What flock says when another process holds the lock (some file systems say EACCES).
_BUSY = frozenset({errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES})
#: What flock says where a file system has none.
_NO_FLOCK = frozenset({errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOLCK, errno.EINVAL})


def _flock(fd: int) -> str:
    """Take ``flock`` on ``fd`` without waiting: ``"held"``, ``"busy"`` or ``"none"`` (no flock).

    >>> import tempfile, os
    >>> fd, _ = tempfile.mkstemp()
    >>> _flock(fd) in {"held", "none"}
    True
    >>> os.close(fd)
    """
    try:
        import fcntl  # noqa: PLC0415 - POSIX only
    except ImportError:
        return "none"
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as err:
        if err.errno in _BUSY:
            return "busy"
        if err.errno in _NO_FLOCK:
            return "none"
        raise
    return "held"


@contextlib.contextmanager
def _filelock(root: Path, lock: Path) -> Iterator[None]:
    """The lock through the filelock package (its soft lock where there is no flock)."""
    import filelock  # noqa: PLC0415 - only without flock; `import ngayhoi` stays light

    held = filelock.FileLock(lock, timeout=0)
    try:
        held.acquire()
    except filelock.Timeout:
        _refuse_locked(root, lock)
    try:
        yield
    finally:
        held.release()


def _refuse_locked(root: Path, lock: Path) -> NoReturn:
    msg = Said(
        N_(
            "another export into {root} is running (it holds the lock {lock}); wait for it "
            "to finish and try again (two exports into one folder at once would mix their "
            "files)"
        ),
        root=root,
        lock=lock,
    )
    raise ExportError(msg) from None


def staging_strays(root: Path) -> list[Path]:
    """Temporary files of a journal whose writing was interrupted.

    >>> import tempfile, pathlib
    >>> staging_strays(pathlib.Path(tempfile.mkdtemp()))
    []
    """
    return list(root.glob(f".{JOURNAL_NAME}.*.tmp"))  # write_atomic's temporary names


def needs_recovery(root: Path) -> bool:
    """Whether an interrupted commit left anything in ``root`` (journal, staging, strays).

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> needs_recovery(root), (root / STAGING_NAME).mkdir(), needs_recovery(root)
    (False, None, True)
    """
    return (
        (root / JOURNAL_NAME).exists()
        or (root / STAGING_NAME).exists()
        or bool(staging_strays(root))
    )


def _own_staging(staging: Path) -> bool:
    """Whether ``staging`` is ngayhoi's: a real folder holding the mark, or an empty one.

    An empty folder is one an interrupted commit made before its mark; removing
    it loses nothing. Anything else of that name is the user's and is left alone.
    """
    try:
        mode = os.lstat(staging).st_mode
    except FileNotFoundError:
        return False
    if not stat.S_ISDIR(mode):
        return False
    return (staging / OWNER_MARK).is_file() or not any(staging.iterdir())


def _refuse_foreign_staging(root: Path) -> NoReturn:
    staging = root / STAGING_NAME
    msg = Said(
        N_(
            "{staging} is not ngayhoi's (it has no {OWNER_MARK} mark) and ngayhoi needs that "
            "name to stage its files; move it out of {root}, or write into another folder"
        ),
        staging=staging,
        OWNER_MARK=OWNER_MARK,
        root=root,
    )
    raise ForeignFileError(msg)


def _target(root: Path, name: str) -> Path:
    return root / name if name in _OWN_HIDDEN else safe_child(root, name)


def recover_folder(root: Path) -> bool:
    """Finish an interrupted commit, or clear its leftovers; the caller holds the lock.

    With a journal, the new version was complete: its files are renamed into
    place. Without one, ngayhoi's staged files are an unfinished attempt and
    are removed. A ``.ngayhoi-staging`` ngayhoi did not make is never touched.

    Raises:
        ExportError: if the journal is damaged or names a file outside the folder.

    >>> import tempfile, pathlib
    >>> recover_folder(pathlib.Path(tempfile.mkdtemp()))
    False
    """
    journal = root / JOURNAL_NAME
    staging = root / STAGING_NAME
    finished = False
    try:
        if journal.exists():
            _finish(root, _journal_names(journal))
            journal.unlink()
            finished = True
        if staging.exists() or staging.is_symlink():
            if not _own_staging(staging):
                _refuse_foreign_staging(root)
            shutil.rmtree(staging)
        for stray in staging_strays(root):
            stray.unlink(missing_ok=True)
    except OSError as err:
        msg = Said(
            N_("{root}: cannot finish or clear an interrupted export: {value}"),
            root=root,
            value=err.strerror or err,
        )
        raise ExportError(msg) from err
    return finished


def _journal_names(journal: Path) -> list[str]:
    try:
        names = json.loads(journal.read_text(encoding="utf-8"))["files"]
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise TypeError(names)  # noqa: TRY301 - one message for every damage
    except (OSError, ValueError, KeyError, TypeError) as err:
        msg = Said(
            N_("{journal}: the journal of an interrupted export is damaged ({err})"),
            journal=journal,
            err=err,
        )
        raise ExportError(msg) from err
    return names


def _finish(root: Path, names: list[str]) -> None:
    """Rename the staged files a complete journal lists into place."""
    staging = root / STAGING_NAME
    targets = [(staging / name, _target(root, name)) for name in names]  # all checked first
    if staging.exists() and not _own_staging(staging):
        _refuse_foreign_staging(root)
    for staged, target in targets:
        if staged.exists():
            staged.replace(target)
    fsync_path(root)


def read_manifest(root: Path) -> frozenset[str]:
    """The names ngayhoi wrote into a folder that has no export state (run sheets, documents).

    >>> import tempfile, pathlib
    >>> read_manifest(pathlib.Path(tempfile.mkdtemp()))
    frozenset()
    """
    path = root / MANIFEST_NAME
    if not path.exists():
        return frozenset()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        names = data["files"]
        if data.get("format") != "ngayhoi-files" or not isinstance(names, list):
            raise TypeError(data)  # noqa: TRY301 - one message for every damage
        return frozenset(str(n) for n in names)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        msg = Said(
            N_(
                "{path}: the list of files ngayhoi wrote here is damaged ({err}); delete it "
                "(ngayhoi then refuses to replace the files it listed) or write into another "
                "folder"
            ),
            path=path,
            err=err,
        )
        raise ExportError(msg) from err


class Commit:
    """Files staged in a marked folder, then put into place together or not at all.

    Use inside :func:`folder_lock`. :meth:`add` stages a file; :meth:`done`
    makes every staged file durable, writes the journal (from then on the new
    version is complete: an interruption is finished by the next command, see
    :func:`recover_folder`) and renames the files into place. A file already in
    the folder is replaced only if ``ours`` names it (what ngayhoi wrote there)
    and it is a regular file. Leaving the ``with`` block by an error before the
    journal removes what was staged: the folder keeps its previous version.

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> with folder_lock(root), Commit(root, ours=frozenset()) as commit:
    ...     commit.add("a.md", b"xin chao")
    ...     [p.name for p in commit.done()]
    ['a.md']
    """

    def __init__(self, root: Path, *, ours: frozenset[str], manifest: bool = False) -> None:
        """Stage into ``root``; ``ours``: the existing files it may replace."""
        self.root = root
        self.ours = ours
        self.manifest = manifest
        self.staging = root / STAGING_NAME
        self.names: list[str] = []
        self.synced = False
        self.committed = False

    def __enter__(self) -> Self:
        """Start staging (the staging folder is made on the first file)."""
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        """Remove what was staged if the commit did not happen."""
        if not self.committed and self.staging.exists() and _own_staging(self.staging):
            shutil.rmtree(self.staging, ignore_errors=True)
            for stray in staging_strays(self.root):
                stray.unlink(missing_ok=True)

    def _start(self) -> None:
        if self.staging.exists() or self.staging.is_symlink():
            if not _own_staging(self.staging):
                _refuse_foreign_staging(self.root)
            shutil.rmtree(self.staging)
        # The mark is the first name in the folder (its content is only for people):
        # a kill leaves an empty folder or a marked one, both provably ngayhoi's.
        try:
            self.staging.mkdir()
            (self.staging / OWNER_MARK).write_bytes(_MARK_TEXT)
        except OSError as err:
            if _disk_full(err):
                raise DiskFullError(self.root, _full_message(self.root, OWNER_MARK)) from err
            msg = Said(
                N_("cannot write {staging}: {value}; check it is writable"),
                staging=self.staging,
                value=err.strerror or err,
            )
            raise ExportError(msg) from err

    def _write(self, name: str, data: bytes) -> None:
        try:
            write_atomic(self.staging / name, data, sync=False)
        except DiskFullError as err:
            raise DiskFullError(self.root, _full_message(self.root, name)) from err

    def target(self, name: str) -> Path:
        """Where a staged name goes."""
        return _target(self.root, name)

    def check(self, name: str) -> Path:
        """Where ``name`` goes, refusing a target that is not ngayhoi's to replace."""
        target = self.target(name)
        check_replaceable(target)
        if target.exists() and name not in self.ours and name not in _OWN_HIDDEN:
            msg = Said(
                N_(
                    "{target} exists and ngayhoi did not write it (the folder's record of what "
                    "ngayhoi wrote does not list it); move it out of the folder, or write into "
                    "another folder"
                ),
                target=target,
            )
            raise ForeignFileError(msg)
        return target

    def add(self, name: str, data: bytes) -> None:
        """Stage one file (a plain name, or the folder's own state or manifest)."""
        self.check(name)
        if not self.names:
            self._start()
        self._write(name, data)
        self.names.append(name)

    def sync(self) -> None:
        """Make every staged file durable (the manifest added first); :meth:`done` calls it."""
        if self.synced or not self.names:
            return
        if self.manifest:
            shown = [n for n in self.names if n not in _OWN_HIDDEN]
            record = {"format": "ngayhoi-files", "files": sorted(self.ours | set(shown))}
            self._write(MANIFEST_NAME, json.dumps(record, indent=1).encode("utf-8"))
            self.names.append(MANIFEST_NAME)
        # Every staged file, and the staging folder's entries for them, must be on disk
        # before the journal that points at them says the version is complete.
        try:
            sync_files([self.staging / name for name in self.names])
        except ExportError as err:
            if isinstance(err.__cause__, OSError) and _disk_full(err.__cause__):
                raise DiskFullError(self.root, _full_message(self.root, self.staging)) from err
            raise
        self.synced = True

    def done(self, *, journaled: Callable[[], None] | None = None) -> list[Path]:
        """Commit every staged file; return where they went (state and manifest not listed).

        ``journaled`` is called once the journal is on disk, before any file moves.
        """
        self.sync()
        if not self.names:
            self.committed = True
            return []
        shown = [n for n in self.names if n not in _OWN_HIDDEN]
        journal = json.dumps({"files": self.names}, ensure_ascii=False).encode("utf-8")
        try:
            write_atomic(self.root / JOURNAL_NAME, journal)
            fsync_path(self.root)  # the journal's name is on disk before any file moves
        except DiskFullError as err:
            (self.root / JOURNAL_NAME).unlink(missing_ok=True)
            raise DiskFullError(self.root, _full_message(self.root, JOURNAL_NAME)) from err
        # From here on the new version is complete: an interruption is finished, not undone.
        self.committed = True
        if journaled is not None:
            journaled()
        recover_folder(self.root)
        return [self.target(name) for name in shown]


def write_together(root: Path, files: list[tuple[str, bytes]]) -> list[Path]:
    """Write several files into ``root`` all together or not at all; return their paths.

    The folder's lock is held; the files are staged, then committed (see
    :class:`Commit`). ``.ngayhoi-files.json`` records what was written, and an
    existing file is replaced only if that record lists it: a user's own file
    of the same name is refused, not overwritten.

    Raises:
        ForeignFileError: if a file would replace one ngayhoi did not write.
        DiskFullError: if the disk fills up (nothing is changed then).
        ExportError: if the folder cannot be written or another command writes it.

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> [p.name for p in write_together(root, [("a.md", b"A"), ("b.md", b"B")])]
    ['a.md', 'b.md']
    >>> (root / "mine.md").write_bytes(b"of the user")
    11
    >>> write_together(root, [("a.md", b"A2"), ("mine.md", b"M")])
    Traceback (most recent call last):
    ...
    ngayhoi.files.ForeignFileError: ...mine.md exists and ngayhoi did not write it ...
    >>> (root / "a.md").read_bytes()  # all or nothing: a.md was not replaced either
    b'A'
    """
    with folder_lock(root):
        recover_folder(root)
        with Commit(root, ours=read_manifest(root), manifest=True) as commit:
            for name, _ in files:
                commit.check(name)  # every refusal before the first byte is staged
            for name, data in files:
                commit.add(name, data)
            commit.done()
    return [commit.target(name) for name, _ in files]
