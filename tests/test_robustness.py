"""Bad input gets a clear one-line error naming the file, and the run goes on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import PINNED, run

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
        real = Path.read_bytes

        def read_bytes(self):
            if self.name == "secret.py":
                raise PermissionError(13, "Permission denied")
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
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
    started = time.perf_counter()
    code, errors = check_beside_a_good_file(tmp_path, "deep.py")
    assert time.perf_counter() - started < 10  # LibCST alone would take minutes on this file
    assert errors == [
        "deep.py:1:1: CM000 cannot parse: the code is nested too deeply (Python's own parser refuses it too); "
        "the file was not checked"
    ]


def test_nesting_python_accepts_but_libcst_cannot_walk(tmp_path):
    terms = " +\n    ".join(["1"] * 1000)  # short lines, so only the LibCST walk can catch it
    (tmp_path / "deep.py").write_text(f"x = (\n    {terms}\n)\nM = 'claude-2.1'\n")
    compile((tmp_path / "deep.py").read_text(), "deep.py", "exec")
    code, errors = check_beside_a_good_file(tmp_path, "deep.py")
    assert errors == ["deep.py:1:1: CM000 cannot check: the code is nested too deeply for LibCST; the file was not checked"]


def test_five_megabyte_generated_file(tmp_path):
    rows = "".join(f'    "row-{n:06d}": "{"x" * 200}",\n' for n in range(25_000))
    source = f'import anthropic\nTABLE = {{\n{rows}}}\nMODEL = "claude-2.1"\n'
    assert len(source) > 5_000_000
    path = tmp_path / "generated.py"
    path.write_text(source)
    code, out, _ = run("fix", *PINNED, "generated.py", cwd=tmp_path)
    assert (code, out) == (0, "Found 1 finding (1 fixed, 0 remaining).\n")
    assert path.read_text() == source.replace("claude-2.1", "claude-opus-4-6")


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


# -- interrupted runs --------------------------------------------------------------------------

OLD_FILE = 'import anthropic\nMODEL = "claude-3-opus-20240229"\n' + "x = [1, 2, 3]\n" * 2000
NEW_FILE = OLD_FILE.replace("claude-3-opus-20240229", "claude-opus-4-6")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killing_fix_mid_run_leaves_each_file_old_or_new(tmp_path, sig):
    for n in range(400):
        (tmp_path / f"m{n:03d}.py").write_text(OLD_FILE)
        (tmp_path / f"m{n:03d}.py").chmod(0o640)
    command = [sys.executable, "-m", "claude_migrate", "fix", *PINNED, "."]
    proc = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Wait until some files are fixed, then interrupt.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (tmp_path / "m000.py").read_text() == OLD_FILE:
        time.sleep(0.01)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    contents = [path.read_text() for path in sorted(tmp_path.glob("m*.py"))]
    assert len(contents) == 400
    assert all(text in (OLD_FILE, NEW_FILE) for text in contents)
    assert contents[0] == NEW_FILE
    assert OLD_FILE in contents, "the run finished before it was interrupted; the test proves nothing"
    assert all(oct(path.stat().st_mode & 0o777) == "0o640" for path in tmp_path.glob("m*.py"))
    if sig == signal.SIGINT:
        assert proc.returncode == 130
        assert err.decode().endswith("interrupted: files already fixed stay fixed, the others are untouched\n")
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
