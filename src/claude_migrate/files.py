"""Writing a fixed file back: atomically, by rename, and only where it is safe to."""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
from pathlib import Path


class WriteError(Exception):
    pass


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


def write_atomic(path: Path, original: bytes, new: bytes) -> None:
    """Replace ``path`` with ``new`` by rename, keeping its mode; refuse if it changed since read."""
    try:
        if path.read_bytes() != original:
            raise WriteError("the file changed on disk while it was being fixed; nothing was written")
        mode = path.stat().st_mode
        if not mode & 0o222:
            raise WriteError("the file is read-only; nothing was written")
        target = path.resolve()
        with _interrupts_deferred():  # Ctrl-C between mkstemp and its cleanup would leave the temp
            fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(new)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.chmod(temp, mode & 0o7777)
                os.replace(temp, target)
            except BaseException:
                os.unlink(temp)
                raise
    except OSError as exc:
        raise WriteError(f"cannot write: {exc.strerror or exc}; nothing was written") from None
