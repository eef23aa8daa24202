"""Bad input gets a clear one-line error naming the file, and the run goes on."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from helpers import HANG, PINNED, run, settings, wait_until

from claude_migrate import runner
from claude_migrate.discovery import SourcePath

GOOD = 'import anthropic\nMODEL = "claude-2.1"\n'
GOOD_LINE = "good.py:2:9: CM101 Model 'claude-2.1' was retired on 2025-07-21; use 'claude-opus-4-6' [*]"


def check_beside_a_good_file(folder: Path, name: str, *args: str) -> tuple[int, list[str]]:
    """Check ``name`` and a file with one finding; return the exit code and the CM000 lines."""
    (folder / "good.py").write_text(GOOD)
    code, out, _ = run("check", *PINNED, *args, name, "good.py", cwd=folder)
    lines = out.splitlines()
    assert GOOD_LINE in lines  # the run went on
    return code, [line for line in lines if " CM000 " in line]


def test_binary_file_named_py(tmp_path):
    (tmp_path / "blob.py").write_bytes(b"\x7fELF\x02\x01\x01\x00claude\x00\xff\xfe" * 50)
    code, errors = check_beside_a_good_file(tmp_path, "blob.py")
    assert code == 1
    assert errors == ["blob.py:1:1: CM000 cannot decode as utf-8: invalid start byte (byte 0xff)"]


def test_python_2_file(tmp_path):
    (tmp_path / "old.py").write_text('import anthropic\nprint "claude-2.1"\n')
    code, errors = check_beside_a_good_file(tmp_path, "old.py")
    assert errors == [
        "old.py:2:1: CM000 syntax error: Missing parentheses in call to 'print'. Did you mean print(...)?"
    ]


def test_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "secret.py"
    path.write_text(GOOD)
    path.chmod(0)
    if os.geteuid() == 0:  # root reads anything: make the read fail as it would for a user
        real = Path.open

        def open_(self, *args, **kwargs):
            if self.name == "secret.py":
                raise PermissionError(13, "Permission denied")
            return real(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", open_)
    code, errors = check_beside_a_good_file(tmp_path, "secret.py")
    assert errors == ["secret.py:1:1: CM000 cannot read: Permission denied"]


def test_fifo_named_py_does_not_block(tmp_path):
    os.mkfifo(tmp_path / "pipe.py")
    code, errors = check_beside_a_good_file(tmp_path, ".")
    assert errors == ["pipe.py:1:1: CM000 cannot read: not a regular file"]


def test_symlink_loop_in_a_walked_folder(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "again").symlink_to(tmp_path / "pkg")  # a folder that contains itself
    (tmp_path / "a.py").symlink_to(tmp_path / "b.py")
    (tmp_path / "b.py").symlink_to(tmp_path / "a.py")
    code, errors = check_beside_a_good_file(tmp_path, ".")
    assert code == 1
    assert errors == [
        "a.py:1:1: CM000 cannot read: Too many levels of symbolic links",
        "b.py:1:1: CM000 cannot read: Too many levels of symbolic links",
    ]


def test_folder_with_no_python_files(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.md").write_text('Use "claude-2.1".\n')
    assert run("check", *PINNED, "docs", cwd=tmp_path) == (0, "All checks passed!\n", "")


def test_long_operator_chain_that_python_refuses(tmp_path):
    (tmp_path / "deep.py").write_text("x = " + "+".join(["1"] * 20000) + '\nM = "claude-2.1"\n')
    code, errors = check_beside_a_good_file(tmp_path, "deep.py")  # Python refuses it before LibCST tries
    assert errors == [
        "deep.py:1:1: CM000 cannot parse: the code is nested too deeply (Python's own parser refuses it too); "
        "the file was not checked"
    ]


def test_nesting_python_accepts_but_libcst_cannot_walk(tmp_path):
    terms = " +\n    ".join(["1"] * 1000)  # short lines, so only the LibCST walk can catch it
    (tmp_path / "deep.py").write_text(f"x = (\n    {terms}\n)\nM = 'claude-2.1'\n")
    compile((tmp_path / "deep.py").read_text(), "deep.py", "exec")
    code, errors = check_beside_a_good_file(tmp_path, "deep.py")
    assert errors == ["deep.py:2:5: CM000 cannot check: the code is nested too deeply for LibCST; the file was not checked"]


def test_fix_refuses_a_file_that_changed_on_disk_meanwhile(tmp_path, monkeypatch):
    from claude_migrate import engine

    path = tmp_path / "m.py"
    path.write_text(GOOD)
    real = engine.check_path

    def check_then_edit(*args, **kwargs):
        result = real(*args, **kwargs)
        path.write_text(GOOD + "# edited by the user meanwhile\n")
        return result

    monkeypatch.setattr(engine, "check_path", check_then_edit)
    code, _, err = run("fix", *PINNED, "m.py", cwd=tmp_path)
    assert code == 1
    assert err == "error: m.py: the file changed on disk while it was being fixed; nothing was written\n"
    assert path.read_text() == GOOD + "# edited by the user meanwhile\n"


# -- the worker pool ---------------------------------------------------------------------------


def _pooled_tree(folder: Path) -> list[SourcePath]:
    """More files than it takes to start the pool, half of them with a finding."""
    count = 3 * runner.POOL_MIN_FILES
    for n in range(count):
        (folder / f"m{n:03d}.py").write_text(GOOD if n % 2 else "x = 1\n")
    return [SourcePath(f"m{n:03d}.py", folder / f"m{n:03d}.py") for n in range(count)]


def _workers() -> list:
    return multiprocessing.active_children()


def _findings(items: list[SourcePath], jobs: int) -> list:
    options = settings()
    results = runner.run_files(items, lambda display: options, False, jobs, None)
    return [(item.display, result.findings) for item, result in results]


def test_pooled_runs_exit_without_a_word_on_stderr(tmp_path):
    """The pool's workers used to be killed at the end of every run, and the interpreter's exit
    hook then sometimes raced their manager thread: `Exception ignored ... Bad file descriptor`."""
    _pooled_tree(tmp_path)
    command = [sys.executable, "-m", "claude_migrate", "check", *PINNED, "--no-cache", "--jobs", "2", "."]
    for _ in range(10):
        done = subprocess.run(command, check=False, cwd=tmp_path, capture_output=True, text=True, timeout=HANG)
        assert (done.returncode, done.stderr) == (1, "")
        assert done.stdout.count(" CM101 ") == 3 * runner.POOL_MIN_FILES // 2


def test_a_finished_run_ends_its_workers_in_order(tmp_path):
    items = _pooled_tree(tmp_path)
    options = settings()
    threads = threading.active_count()
    results = runner.run_files(items, lambda display: options, False, 2, None)
    next(results)
    workers = _workers()
    assert len(workers) == 2
    assert len(list(results)) == len(items) - 1
    assert _workers() == []
    assert threading.active_count() == threads
    assert [worker.exitcode for worker in workers] == [0, 0]  # they were not killed


def test_a_consumer_that_stops_early_leaves_no_worker_and_no_thread(tmp_path):
    """Its workers are stopped at once (an early stop is how an interrupt in the consumer's loop
    arrives), and the pool's threads are waited for: none is left to race the exit."""
    items = _pooled_tree(tmp_path)
    options = settings()
    threads = threading.active_count()
    results = runner.run_files(items, lambda display: options, False, 2, None)
    for n, _ in enumerate(results):
        if n == 0:
            workers = _workers()
        if n == 2:
            break
    results.close()
    assert len(workers) == 2
    assert _workers() == []
    assert threading.active_count() == threads


@pytest.mark.skipif(sys.platform != "linux", reason="the patched start is inherited through fork")
def test_a_ctrl_c_before_a_worker_has_set_its_handlers_is_ignored(tmp_path, monkeypatch, capfd):
    """Ctrl-C reaches the whole process group: a worker just forked still has the parent's
    handler until its start sets its own, and used to raise KeyboardInterrupt there."""
    items = _pooled_tree(tmp_path)
    expected = _findings(items, jobs=1)
    real = runner._start_worker

    def interrupted_start(parent):
        os.kill(os.getpid(), signal.SIGINT)
        real(parent)

    monkeypatch.setattr(runner, "_start_worker", interrupted_start)
    assert _findings(items, jobs=2) == expected
    assert capfd.readouterr().err == ""


# A worker stopped while it sends its results leaves half a message in the pipe. Here one sends
# half a message itself, interrupts the parent and waits to be stopped. (In a process of its own:
# the parent used to wait for the rest of the message forever.)
HALF_SENT = """
import multiprocessing, os, signal, struct, threading
from pathlib import Path
from claude_migrate import engine, runner
from claude_migrate.discovery import SourcePath
from claude_migrate.settings import Settings

def check_path(path, display, *args):
    if display == "m000.py":
        results = multiprocessing.current_process()._args[1]  # the pool's result queue
        os.write(results._writer.fileno(), struct.pack("!i", 1 << 20) + bytes(100))
        os.kill(os.getppid(), signal.SIGINT)
        signal.pause()  # until the parent's SIGTERM
    return real(path, display, *args)

real, engine.check_path = engine.check_path, check_path
names = sorted(path.name for path in Path().glob("*.py"))
options = Settings(target="4.6")
try:
    for _ in runner.run_files([SourcePath(n, Path(n)) for n in names], lambda d: options, False, 2, None):
        pass
except KeyboardInterrupt:
    print("stopped", multiprocessing.active_children(), threading.active_count())
"""


@pytest.mark.skipif(sys.platform != "linux", reason="the patched worker is inherited through fork")
def test_an_interrupt_while_a_worker_sends_its_results_does_not_hang(tmp_path):
    _pooled_tree(tmp_path)
    command = [sys.executable, "-c", HALF_SENT]
    done = subprocess.run(command, check=False, cwd=tmp_path, capture_output=True, text=True, timeout=HANG)
    assert (done.returncode, done.stdout, done.stderr) == (0, "stopped [] 1\n", "")


# -- interrupted runs --------------------------------------------------------------------------

# 400 files that take tens of seconds to fix: when the first is written, most are still to come.
OLD_FILE = 'import anthropic\nMODEL = "claude-3-opus-20240229"\n' + "x = [1, 2, 3]\n" * 300
NEW_FILE = OLD_FILE.replace("claude-3-opus-20240229", "claude-opus-4-6")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killing_fix_mid_run_leaves_each_file_old_or_new(tmp_path, sig):
    for n in range(400):
        (tmp_path / f"m{n:03d}.py").write_text(OLD_FILE)
        (tmp_path / f"m{n:03d}.py").chmod(0o640)
    command = [sys.executable, "-m", "claude_migrate", "fix", *PINNED, "."]
    proc = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        # The first file is written first: once it is, the run is under way and far from its end.
        wait_until(lambda: (tmp_path / "m000.py").read_text() == NEW_FILE, proc)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=HANG)
    finally:
        proc.kill()  # a run that hung is not left behind (a finished one is not touched)
        proc.wait()
    contents = [path.read_text() for path in sorted(tmp_path.glob("m*.py"))]
    assert len(contents) == 400
    assert all(text in (OLD_FILE, NEW_FILE) for text in contents)
    assert contents[0] == NEW_FILE
    assert OLD_FILE in contents, "the run finished before it was interrupted; the test proves nothing"
    assert all(oct(path.stat().st_mode & 0o777) == "0o640" for path in tmp_path.glob("m*.py"))
    temporaries = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    if sig == signal.SIGINT:
        assert proc.returncode == 130
        assert err.decode() == "interrupted: files already fixed stay fixed, the others are untouched\n"
        assert temporaries == []
    else:  # killed outright, it may leave the temporary of the one file it was writing
        assert proc.returncode == -signal.SIGKILL
        assert len(temporaries) <= 1
