"""`fix` and the cache write only where it is safe: never through a symbolic link, never over an
edit saved meanwhile, keeping the file's owner, and leaving no temporary file for good."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import PINNED, run

from claude_migrate import cache, engine, files

OLD = 'import anthropic\nMODEL = "claude-2.1"\n'
NEW = OLD.replace("claude-2.1", "claude-opus-4-6")
LINE = "{}:2:9: CM101 Model 'claude-2.1' was retired on 2025-07-21; use 'claude-opus-4-6' [*]"
LINK = "the file is a symbolic link; nothing was written (fix the file it points to)"
OUT_OF_TREE = "the file is a symbolic link to a file outside the checked tree; nothing was written"
CHANGED = "the file changed on disk while it was being fixed; nothing was written"
CACHE = ".claude_migrate_cache"


def _tree(tmp_path: Path) -> tuple[Path, Path]:
    """tree/app.py to fix, and tree/link.py -> ../outside/victim.py."""
    tree, outside = tmp_path / "tree", tmp_path / "outside"
    tree.mkdir()
    outside.mkdir()
    (tree / "app.py").write_text(OLD)
    (outside / "victim.py").write_text(OLD)
    (tree / "link.py").symlink_to(Path("..", "outside", "victim.py"))
    return tree, outside / "victim.py"


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- symbolic links ------------------------------------------------------------------------------


def test_fix_does_not_write_through_a_link_out_of_the_tree_but_reports_its_findings(tmp_path):
    tree, victim = _tree(tmp_path)
    code, out, err = run("fix", *PINNED, "--no-cache", ".", cwd=tree)
    assert (code, err) == (1, f"error: link.py: {OUT_OF_TREE}\n")
    assert out == LINE.format("link.py") + "\nFound 2 findings (1 fixed, 1 remaining).\n"
    assert victim.read_text() == OLD
    assert (tree / "link.py").is_symlink()
    assert (tree / "app.py").read_text() == NEW  # the run went on


def test_a_link_to_a_file_inside_the_tree_is_not_written_either(tmp_path):
    tree, _ = _tree(tmp_path)
    (tree / "link.py").unlink()
    (tree / "a_link.py").symlink_to("app.py")  # checked first: app.py is still unfixed
    code, out, err = run("fix", *PINNED, "--no-cache", ".", cwd=tree)
    assert (code, err) == (1, f"error: a_link.py: {LINK}\n")
    assert out == LINE.format("a_link.py") + "\nFound 2 findings (1 fixed, 1 remaining).\n"
    assert (tree / "app.py").read_text() == NEW  # fixed as itself
    assert os.readlink(tree / "a_link.py") == "app.py"


def test_a_link_named_on_the_command_line_is_not_written(tmp_path):
    tree, victim = _tree(tmp_path)
    code, out, err = run("fix", *PINNED, "--no-cache", "link.py", cwd=tree)
    assert (code, err) == (1, f"error: link.py: {LINK}\n")
    assert out == LINE.format("link.py") + "\nFound 1 finding (0 fixed, 1 remaining).\n"
    assert victim.read_text() == OLD


def test_a_file_replaced_by_a_link_after_it_was_read_is_not_written(tmp_path, monkeypatch):
    tree, victim = _tree(tmp_path)
    (tree / "link.py").unlink()
    real = engine.check_path

    def check_then_swap(path, *args, **kwargs):
        result = real(path, *args, **kwargs)
        (tree / "app.py").unlink()
        (tree / "app.py").symlink_to(victim)
        return result

    monkeypatch.setattr(engine, "check_path", check_then_swap)
    code, _, err = run("fix", *PINNED, "--no-cache", ".", cwd=tree)
    assert (code, err) == (1, f"error: app.py: {OUT_OF_TREE}\n")
    assert victim.read_text() == OLD


# -- edits saved while fix runs -------------------------------------------------------------------


def _rewrite_same_size(path: Path) -> None:
    path.write_text(OLD.replace("anthropic", "anthropiX"))
    os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))


def _replace_by_rename(path: Path) -> None:  # as editors save: same bytes, a new inode
    path.with_name("saved.tmp").write_text(OLD)
    os.replace(path.with_name("saved.tmp"), path)


SAVED = OLD + "# saved by the user meanwhile\n"


def _append(path: Path) -> None:
    path.write_text(SAVED)


def _rewrite_same_size(path: Path) -> None:
    path.write_text(OLD.replace("anthropic", "anthropiX"))
    os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))


def _replace_by_rename(path: Path) -> None:  # as editors save: the same bytes, a new inode
    path.with_name("saved.part").write_text(OLD)
    os.replace(path.with_name("saved.part"), path)


@pytest.mark.parametrize(
    "edit, kept", [(_append, SAVED), (_rewrite_same_size, OLD.replace("anthropic", "anthropiX")), (_replace_by_rename, OLD)]
)
def test_an_edit_saved_while_the_temporary_file_is_written_is_kept(tmp_path, monkeypatch, edit, kept):
    path = tmp_path / "m.py"
    path.write_text(OLD)
    real_fsync = os.fsync

    def edit_then_fsync(fd):
        edit(path)
        real_fsync(fd)

    monkeypatch.setattr(files.os, "fsync", edit_then_fsync)
    code, _, err = run("fix", *PINNED, "--no-cache", "m.py", cwd=tmp_path)
    monkeypatch.undo()
    assert (code, err) == (1, f"error: m.py: {CHANGED}\n")
    assert path.read_text() == kept
    assert _temps(tmp_path) == []


# -- owner, group, hard links ---------------------------------------------------------------------


def test_a_hard_linked_file_is_not_split(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(OLD)
    os.link(path, tmp_path / "other.py")
    code, _, err = run("fix", *PINNED, "--no-cache", "m.py", cwd=tmp_path)
    assert (code, err) == (
        1, "error: m.py: the file has 2 hard links, which writing it by rename would split; nothing was written\n"
    )
    assert path.read_text() == OLD
    assert path.stat().st_nlink == 2


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a file away")
def test_fix_as_root_keeps_the_owner_group_and_mode(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(OLD)
    os.chown(path, 4321, 8765)
    path.chmod(0o2664)
    assert run("fix", *PINNED, "--no-cache", "m.py", cwd=tmp_path)[0] == 0
    st = path.stat()
    assert (path.read_text(), st.st_uid, st.st_gid, oct(st.st_mode & 0o7777)) == (NEW, 4321, 8765, "0o2664")


# -- temporary files -----------------------------------------------------------------------------


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait(timeout=120)
    return child.pid


def test_the_temporary_file_is_named_after_the_file_and_the_process(tmp_path, monkeypatch):
    path = tmp_path / "m.py"
    path.write_text(OLD)
    seen = []
    real_fsync = os.fsync

    def look_then_fsync(fd):
        seen.extend(_temps(tmp_path))
        real_fsync(fd)

    monkeypatch.setattr(files.os, "fsync", look_then_fsync)
    files.write_atomic(path, OLD.encode(), NEW.encode())
    assert seen == [f".m.py.claude-migrate-{os.getpid()}.tmp"]
    assert _temps(tmp_path) == []


def test_fix_removes_the_temporaries_a_killed_run_left_of_the_file_it_writes(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(OLD)
    dead = _dead_pid()
    stale = f".m.py.claude-migrate-{dead}.tmp"
    kept = [
        f".m.py.claude-migrate-{os.getppid()}.tmp",  # a live process's
        f".other.py.claude-migrate-{dead}.tmp",  # another file's: removed when that one is written
        ".m.py.notes.tmp",  # not ours
        f".m.py.claude-migrate-{dead}x.tmp",
    ]
    for name in (stale, *kept):
        (tmp_path / name).write_text("partial")
    assert run("fix", *PINNED, "--no-cache", "m.py", cwd=tmp_path)[0] == 0
    assert path.read_text() == NEW
    assert _temps(tmp_path) == sorted(kept)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a file away")
def test_a_stale_temporary_of_another_user_is_left_alone(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(OLD)
    theirs = tmp_path / f".m.py.claude-migrate-{_dead_pid()}.tmp"
    theirs.write_text("partial")
    os.chown(theirs, 4321, 4321)
    assert run("fix", *PINNED, "--no-cache", "m.py", cwd=tmp_path)[0] == 0
    assert _temps(tmp_path) == [theirs.name]


def test_one_fix_run_lists_each_folder_once_for_stale_temporaries(tmp_path, monkeypatch):
    for n in range(5):
        (tmp_path / f"m{n}.py").write_text(OLD)
    listed = []
    real_listdir = os.listdir

    def counting_listdir(path="."):
        if sys._getframe(1).f_code.co_filename == files.__file__:
            listed.append(os.path.abspath(path))
        return real_listdir(path)

    monkeypatch.setattr(files.os, "listdir", counting_listdir)
    code = run("fix", *PINNED, "--no-cache", "--jobs", "1", ".", cwd=tmp_path)[0]
    monkeypatch.undo()
    assert code == 0 and all((tmp_path / f"m{n}.py").read_text() == NEW for n in range(5))
    assert listed.count(str(tmp_path)) == 1


# -- the cache folder ----------------------------------------------------------------------------


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text(OLD)
    stale = 1_600_000_000  # older than the racy window, so the size and time are cached
    os.utime(project / "app.py", (stale, stale))
    return project


def test_a_cache_folder_that_is_a_link_is_not_used(tmp_path):
    project = _project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / CACHE).symlink_to(Path("..", "elsewhere"))
    for _ in range(2):
        code, out, err = run("check", *PINNED, ".", cwd=project)
        assert (code, out) == (1, LINE.format("app.py") + "\nFound 1 finding (1 fixable with `claude-migrate fix`).\n")
        assert err == f"warning: not using the cache: {project / CACHE} is a symbolic link\n"
    assert list(elsewhere.iterdir()) == []


def test_a_dangling_gitignore_link_in_the_cache_folder_creates_nothing(tmp_path):
    project = _project(tmp_path)
    (project / CACHE).mkdir()
    (project / CACHE / ".gitignore").symlink_to(tmp_path / "created")
    code, _, err = run("check", *PINNED, ".", cwd=project)
    assert (code, err) == (1, f"warning: not using the cache: {project / CACHE / '.gitignore'} is a symbolic link\n")
    assert not (tmp_path / "created").exists()
    assert sorted(p.name for p in (project / CACHE).iterdir()) == [".gitignore"]


def _cache_file(project: Path) -> Path:
    assert run("check", *PINNED, ".", cwd=project)[0] == 1
    (cache_file,) = (project / CACHE).glob("*.json")
    return cache_file


def _forge_message(cache_file: Path) -> None:
    """Keep the entry valid but change its message: a run that uses it shows FORGED."""
    raw = json.loads(cache_file.read_text())
    for entry in raw.values():
        entry[3][0][3] = "FORGED"
    cache_file.write_text(json.dumps(raw))


def test_a_cache_file_that_is_a_link_is_neither_read_nor_written(tmp_path):
    project = _project(tmp_path)
    cache_file = _cache_file(project)
    _forge_message(cache_file)
    target = tmp_path / "cache.json"
    cache_file.rename(target)
    cache_file.symlink_to(target)
    forged = target.read_bytes()
    code, out, err = run("check", *PINNED, ".", cwd=project)
    assert (code, err) == (1, f"warning: not using the cache: {cache_file} is a symbolic link\n")
    assert "FORGED" not in out and LINE.format("app.py") in out
    assert target.read_bytes() == forged and cache_file.is_symlink()


def test_a_cache_file_over_the_size_limit_is_not_read(tmp_path, monkeypatch):
    project = _project(tmp_path)
    cache_file = _cache_file(project)
    _forge_message(cache_file)
    monkeypatch.setattr(cache, "MAX_CACHE_BYTES", cache_file.stat().st_size - 1)
    code, out, err = run("check", *PINNED, ".", cwd=project)
    assert (code, err) == (1, "")
    assert "FORGED" not in out and LINE.format("app.py") in out


def test_a_cache_file_nested_too_deeply_is_ignored(tmp_path):
    project = _project(tmp_path)
    cache_file = _cache_file(project)
    first = run("check", *PINNED, ".", cwd=project)
    cache_file.write_text("[" * 200_000 + "]" * 200_000)
    assert run("check", *PINNED, ".", cwd=project) == first


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_fifo_in_place_of_the_cache_file_does_not_block(tmp_path):
    project = _project(tmp_path)
    cache_file = _cache_file(project)
    cache_file.unlink()
    os.mkfifo(cache_file)
    command = [sys.executable, "-m", "claude_migrate", "check", *PINNED, "."]
    done = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=300, check=False)
    assert (done.returncode, done.stderr) == (1, "")
    assert LINE.format("app.py") in done.stdout


def test_the_cache_removes_its_stale_temporaries(tmp_path):
    project = _project(tmp_path)
    cache_file = _cache_file(project)
    dead = _dead_pid()
    stale = project / CACHE / f".{cache_file.name}.claude-migrate-{dead}.tmp"
    stale.write_text("partial")
    os.utime(project / "app.py")  # a new time: the entry is stored again
    run("check", *PINNED, ".", cwd=project)
    assert _temps(project / CACHE) == []


# -- damaged or forged cache entries --------------------------------------------------------------

FORGERIES = {
    "start is a string": lambda e: e[3][0].__setitem__(4, "2"),
    "start is a bool": lambda e: e[3][0].__setitem__(4, True),
    "start on no line kept": lambda e: e[3][0].__setitem__(4, 10**6),
    "message is a number": lambda e: e[3][0].__setitem__(3, 7),
    "unknown severity": lambda e: e[3][0].__setitem__(2, {"x": 1}),
    "code is not a rule code": lambda e: e[3][0].__setitem__(0, ["CM101"]),
    "fix edits not lists": lambda e: e[3][0][6].__setitem__(1, ["abc", 3]),
    "fix edit of wrong length": lambda e: e[3][0][6].__setitem__(1, [[1, 2]]),
    "fix applicability unknown": lambda e: e[3][0][6].__setitem__(0, "maybe"),
    "lines not lists": lambda e: e.__setitem__(4, "abcde"),
    "a line ending where it starts": lambda e: e[4][0].__setitem__(2, e[4][0][1]),
    "cell number is a string": lambda e: e.__setitem__(5, [[1, "1"]]),
    "stat is a dict": lambda e: e.__setitem__(1, {"size": 1, "mtime": 2}),
    "stat of strings": lambda e: e.__setitem__(1, ["1", "2"]),
    "findings is a dict": lambda e: e.__setitem__(3, {"a": 1}),
    "finding too short": lambda e: e[3].__setitem__(0, e[3][0][:5]),
    "hash is a number": lambda e: e.__setitem__(2, 12),
}


@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
@pytest.mark.parametrize("output_format", ["text", "json", "sarif"])
def test_a_forged_cache_entry_is_dropped_and_the_file_checked_again(tmp_path, forge, output_format):
    project = _project(tmp_path)
    cache_file = _cache_file(project)
    raw = json.loads(cache_file.read_text())
    (entry,) = raw.values()
    forge(entry)
    cache_file.write_text(json.dumps(raw))
    args = ("check", *PINNED, "--output-format", output_format, ".")
    assert run(*args, cwd=project) == run(*args, "--no-cache", cwd=project)


@pytest.mark.parametrize("entry", ["a string", 42, None, {"a": 1}, [1, 2, 3, 4], []])
def test_a_cache_entry_that_is_not_an_entry_is_dropped(tmp_path, entry):
    project = _project(tmp_path)
    cache_file = _cache_file(project)
    first = run("check", *PINNED, ".", cwd=project)
    (key,) = json.loads(cache_file.read_text())
    cache_file.write_text(json.dumps({key: entry}))
    assert run("check", *PINNED, ".", cwd=project) == first
