"""Writing a fixed file back: atomically, by rename, and only where it is safe to."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import threading
from pathlib import Path

CHANGED = "the file changed on disk while it was being fixed; nothing was written"


class WriteError(Exception):
    pass


class SymbolicLinkError(WriteError):
    """The path is a symbolic link: a fix is written to the file it names, never through a link."""

    def __init__(self) -> None:
        super().__init__("the file is a symbolic link; nothing was written (fix the file it points to)")


@contextlib.contextmanager
def _interrupts_deferred():
    """Hold Ctrl-C and SIGTERM until the block is done: a write is short, and the interrupt
    then lands between two files, not inside one. (Python runs signal handlers in the main
    thread whichever thread the signal reaches, so swapping the handlers is enough; blocking
    the signal would not be, with the worker pool's threads running.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.signal(signum, lambda signum, frame: held.append(signum)) for signum in signals}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum in held:  # now, to whatever handled it before (it may ignore it)
            signal.raise_signal(signum)


def write_atomic(path: Path, original: bytes, new: bytes, stale: StaleTemporaries | None = None) -> None:
    """Replace ``path`` with ``new`` by rename, keeping its mode, owner and group. Refuse a
    symbolic link, a file with other hard links, a read-only file, and a file that is not
    ``original`` any more, whether it changed before the write or during it. A run writing
    many files passes one ``stale`` for all of them."""
    try:
        before = _read_unchanged(path, original)
        if not before.st_mode & 0o222:
            raise WriteError("the file is read-only; nothing was written")
        if before.st_nlink > 1:  # a rename would leave the other names on the old bytes
            raise WriteError(
                f"the file has {before.st_nlink} hard links, which writing it by rename would split; nothing was written"
            )
        with _interrupts_deferred():  # Ctrl-C between creating the temp and its cleanup would leave it
            fd, temp = create_temp(path.parent, path.name, stale)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(new)
                    handle.flush()
                    _keep_owner(handle.fileno(), before)
                    os.fchmod(handle.fileno(), stat.S_IMODE(before.st_mode))  # after chown, which clears setuid
                    os.fsync(handle.fileno())
                # Last look before the rename: an edit saved meanwhile must not be lost.
                if _identity(os.lstat(path)) != _identity(before):
                    raise WriteError(CHANGED)
                os.replace(temp, path)
            except BaseException:
                os.unlink(temp)
                raise
    except OSError as exc:
        raise WriteError(f"cannot write: {exc.strerror or exc}; nothing was written") from None


def _read_unchanged(path: Path, original: bytes) -> os.stat_result:
    """The file's status, once its bytes are checked to be still ``original``; never through a link."""
    try:  # non-blocking: the path may have become a FIFO
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        if os.path.islink(path):  # O_NOFOLLOW refused it (ELOOP on Linux)
            raise SymbolicLinkError() from None
        raise
    with os.fdopen(fd, "rb") as handle:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode) or handle.read(len(original) + 1) != original:
            raise WriteError(CHANGED)
    return before


def _identity(st: os.stat_result) -> tuple:
    """What changes when anyone writes, replaces or re-modes the file."""
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def _keep_owner(fd: int, before: os.stat_result) -> None:
    """Give the new file the old one's owner and group, which a rename would otherwise make ours.
    Root always can; another user keeps what the system lets them give (their own groups)."""
    now = os.fstat(fd)
    if (now.st_uid, now.st_gid) == (before.st_uid, before.st_gid):
        return
    try:
        os.fchown(fd, before.st_uid, before.st_gid)
    except PermissionError:
        if os.geteuid() == 0:
            raise
        with contextlib.suppress(PermissionError):
            os.fchown(fd, -1, before.st_gid)


def create_temp(folder: Path, name: str, stale: StaleTemporaries | None = None) -> tuple[int, Path]:
    """A new temporary file (mode 0600) to be renamed onto ``folder/name``, named after this
    process so that a later run can tell when it is stale; stale ones are removed first."""
    (stale or StaleTemporaries()).remove(folder, name)
    temp = folder / f".{name}{_TEMP_TAG}{os.getpid()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    return os.open(temp, flags, 0o600), temp


_TEMP_TAG = ".claude-migrate-"
_TEMP_NAME = re.compile(r"\.(.+)\.claude-migrate-([0-9]+)\.tmp")


class StaleTemporaries:
    """The temporaries that killed runs left, found by listing each folder once per run (not
    once per file written: a folder may hold thousands of files)."""

    def __init__(self) -> None:
        self._folders: dict[str, dict[str, list[tuple[str, int]]]] = {}

    def remove(self, folder: Path, name: str) -> None:
        """Remove those of ``folder/name``: ours (this user's regular files) whose process is
        gone. Anything else is left alone."""
        key = os.path.abspath(folder)
        if key not in self._folders:
            self._folders[key] = _temporaries(folder)
        for entry, pid in self._folders[key].pop(name, ()):
            with contextlib.suppress(OSError):
                st = os.lstat(folder / entry)
                if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid() and _gone(pid):
                    os.unlink(folder / entry)


def _temporaries(folder: Path) -> dict[str, list[tuple[str, int]]]:
    """Our temporaries in ``folder``, by the name of the file each was to replace."""
    found: dict[str, list[tuple[str, int]]] = {}
    with contextlib.suppress(OSError):
        for entry in os.listdir(folder):
            match = _TEMP_NAME.fullmatch(entry)
            if match:
                found.setdefault(match[1], []).append((entry, int(match[2])))
    return found


def _gone(pid: int) -> bool:
    # Our own pid counts as gone: a write always removes its temporary, so one still there
    # was left by an earlier process that had this pid.
    if pid == os.getpid():
        return True
    if pid <= 0:  # kill(0) would signal our own process group
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (OSError, OverflowError):  # alive (another user's), or not a pid at all
        pass
    return False
