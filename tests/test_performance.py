"""What makes runs fast must not change what they find: the prefilter, the worker pool, the
cache and the lazy imports. (Speed itself is measured in benchmarks/, not here.)"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from claude_migrate import engine, files, runner
from claude_migrate.catalog import load
from claude_migrate.context import FileContext
from claude_migrate.discovery import SourcePath
from claude_migrate.engine import can_match, check_file, prefilter_tokens
from claude_migrate.rules import RULES
from helpers import PINNED, run, settings

ROOT = Path(__file__).resolve().parent.parent
ACCEPTANCE = ROOT.parent / "shared" / "acceptance" / "cases"
CACHE = ".claude_migrate_cache"


def _samples() -> list[tuple[str, bytes, tuple[str, ...]]]:
    """Every source that has findings somewhere in the project: rule examples, fixtures, and
    the shared acceptance cases when they are beside this checkout."""
    samples = [
        (f"{rule.code}-{i}", example.source.encode(), example.args)
        for rule in RULES
        for i, example in enumerate(rule.invalid)
    ]
    samples += [(str(p.relative_to(ROOT)), p.read_bytes(), ()) for p in sorted((ROOT / "fixtures").rglob("*.py"))]
    if ACCEPTANCE.exists():
        for case in sorted(ACCEPTANCE.iterdir()):
            args = tuple((case / "args").read_text().split()) if (case / "args").exists() else ()
            samples.append((f"acceptance/{case.name}", (case / "input.py").read_bytes(), args))
    return samples


@pytest.mark.parametrize("name, data, args", _samples(), ids=[s[0] for s in _samples()])
def test_the_prefilter_loses_no_finding(name, data, args, monkeypatch):
    options = settings(*args)
    filtered = [(f.code, f.line, f.column) for f in check_file(data, "sample.py", options).findings]
    monkeypatch.setattr(engine, "can_match", lambda data, settings: True)
    unfiltered = [(f.code, f.line, f.column) for f in check_file(data, "sample.py", options).findings]
    assert filtered == unfiltered


@pytest.mark.parametrize("name, data, args", _samples(), ids=[s[0] for s in _samples()])
def test_one_walk_gives_every_hook_and_every_span(name, data, args, monkeypatch):
    """No hook asks for a span before the walk has reached the end of its node (that would cost
    a second code generation pass)."""

    def second_pass(self):
        raise AssertionError("a span was needed during the walk")

    monkeypatch.setattr(FileContext, "_resolve_spans", second_pass)
    check_file(data, "sample.py", settings(*args), fix=True)


def _report(result) -> tuple:
    findings = [(f.code, f.line, f.column, f.end_line, f.end_column, f.message, f.edits) for f in result.findings]
    return result.new_bytes, findings, result.fixed, result.error


@pytest.mark.parametrize("unsafe", [(), ("--unsafe-fixes",)], ids=["safe", "unsafe"])
@pytest.mark.parametrize("name, data, args", _samples(), ids=[s[0] for s in _samples()])
def test_fix_without_a_second_lint_reports_what_a_second_lint_would(name, data, args, unsafe, monkeypatch):
    options = settings(*args, *unsafe)
    fast = _report(check_file(data, "sample.py", options, fix=True))
    monkeypatch.setattr(engine, "carry_findings", lambda findings, edits: None)
    assert fast == _report(check_file(data, "sample.py", options, fix=True))


def test_prefilter_tokens_come_from_the_catalog_and_the_selection():
    catalog = load()
    assert prefilter_tokens(("CM201",), ()) == ((tuple(sorted(name.encode() for name in catalog.betas)), ()),)
    assert prefilter_tokens(("CM401",), ()) == (((catalog.text_editor.legacy_name.encode(),), ()),)
    assert b"claude" in prefilter_tokens(("CM",), ())[0][0]
    assert b"claude" not in prefilter_tokens(("CM",), ("CM1",))[0][0]
    assert prefilter_tokens(("CM602", "CM604"), ()) == (
        ((), ()),
        ((b"temperature", b"top_k", b"top_p"), (b"claude", b"messages", b"custom_id")),
    )


@pytest.mark.parametrize(
    ("data", "matches"),
    [
        (b"x = dict(temperature=0.5)\n", False),  # a sampling parameter, but no request anywhere
        (b"client.messages.create(model=m, temperature=0.5)\n", True),
        (b'params = {"model": "claude-opus-4-7", "top_k": 5}\n', True),
        (b"completions = readline.get_completions()\n", False),  # CM606 needs anthropic or claude
    ],
)
def test_common_word_tokens_need_their_context_too(data, matches):
    assert can_match(data, settings("--select", "CM602,CM606")) is matches


def test_a_file_without_any_token_is_not_parsed(monkeypatch):
    def parse(text):
        raise AssertionError("parsed")

    monkeypatch.setattr(engine.cst, "parse_module", parse)
    data = b"import difflib\nADAPTIVE = 'adaptive tuning is an English word here'\n"
    assert not can_match(data, settings())
    assert check_file(data, "plain.py", settings()).findings == []


def _tree(tmp_path: Path, count: int) -> list[SourcePath]:
    """Files with findings, clean files, one with a syntax error and one undecodable."""
    for i in range(count):
        kind = i % 4
        if kind == 0:
            text = f'client.messages.create(model="claude-3-opus-20240229", max_tokens={i}, messages=[])\n'
        elif kind == 1:
            text = f"x = {i}\n"
        elif kind == 2:
            text = f'MODEL = "claude-3-5-sonnet-latest"  # {i}\nif resp.stop_reason == "end_turn":\n    pass\n'
        else:
            text = 'MODEL = "claude-3-haiku-20240307"\ndef broken(:\n'
        (tmp_path / f"f{i:03}.py").write_text(text)
    (tmp_path / "latin.py").write_bytes(b'MODEL = "claude-3-haiku-20240307"  # \xff\n')
    return [SourcePath(p.name, p) for p in sorted(tmp_path.glob("*.py"))]


def _summary(results) -> list:
    return [(item.display, [(f.code, f.line, f.column, f.message) for f in r.findings]) for item, r in results]


def test_the_pool_gives_the_in_process_results_in_the_same_order(tmp_path):
    items = _tree(tmp_path, 3 * runner.POOL_MIN_FILES)
    options = settings()
    in_process = _summary(runner.run_files(items, lambda display: options, False, 1, None))
    pooled = _summary(runner.run_files(items, lambda display: options, False, 2, None))
    assert pooled == in_process
    assert [display for display, _ in pooled] == sorted(display for display, _ in pooled)
    assert {code for _, found in pooled for code, *_ in found} == {"CM000", "CM101"}


@pytest.mark.skipif(sys.platform != "linux", reason="the patched worker is inherited through fork")
def test_a_worker_that_dies_costs_only_its_own_file(tmp_path, monkeypatch):
    items = _tree(tmp_path, 2 * runner.POOL_MIN_FILES)
    crashing = items[5].display
    real = engine.check_path

    def check_path(path, display, *args):
        if display == crashing:
            os._exit(1)  # as a segfault in native code would
        return real(path, display, *args)

    monkeypatch.setattr(engine, "check_path", check_path)
    options = settings()
    results = _summary(runner.run_files(items, lambda display: options, False, 2, None))
    assert [display for display, _ in results] == [item.display for item in items]
    (only,) = dict(results)[crashing]
    assert only[0] == "CM000" and "crashed" in only[3]
    monkeypatch.setattr(engine, "check_path", real)
    expected = _summary(runner.run_files(items, lambda display: options, False, 1, None))
    assert [r for r in results if r[0] != crashing] == [r for r in expected if r[0] != crashing]


# The cache.

OLD = 'client.messages.create(model="claude-3-opus-20240229", max_tokens=1, messages=[])\n'


def _cached_project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(OLD)
    (tmp_path / "plain.py").write_text("x = 1\n")
    stale = 1_600_000_000  # older than the racy window, so the size and time are trusted
    for name in ("app.py", "plain.py"):
        os.utime(tmp_path / name, (stale, stale))
    return tmp_path


def _forbid_checking(monkeypatch) -> None:
    def check_file(*args, **kwargs):
        raise AssertionError("a file was checked again")

    monkeypatch.setattr(engine, "check_file", check_file)


def test_a_second_run_on_an_unchanged_tree_checks_nothing(tmp_path, monkeypatch):
    project = _cached_project(tmp_path)
    first = run("check", *PINNED, ".", cwd=project)
    assert first[0] == 1 and "app.py:1:30: CM101" in first[1]
    assert (project / CACHE / ".gitignore").read_text().splitlines()[-1] == "*"
    _forbid_checking(monkeypatch)
    assert run("check", *PINNED, ".", cwd=project) == first


def test_a_touched_file_with_the_same_bytes_is_hashed_not_checked(tmp_path, monkeypatch):
    project = _cached_project(tmp_path)
    first = run("check", *PINNED, ".", cwd=project)
    os.utime(project / "app.py")  # now: a new modification time, the same bytes
    _forbid_checking(monkeypatch)
    assert run("check", *PINNED, ".", cwd=project) == first


def test_an_edited_file_is_checked_again(tmp_path):
    project = _cached_project(tmp_path)
    run("check", *PINNED, ".", cwd=project)
    (project / "app.py").write_text(OLD.replace("claude-3-opus-20240229", "claude-opus-4-6"))
    assert run("check", *PINNED, ".", cwd=project)[0] == 0


def test_other_settings_do_not_reuse_the_cached_findings(tmp_path):
    project = _cached_project(tmp_path)
    run("check", *PINNED, ".", cwd=project)
    code, out, _ = run("check", "--today", "2026-11-24", "--target", "4.8", ".", cwd=project)
    assert code == 1 and "use 'claude-opus-4-8'" in out


def test_fix_after_a_cached_check_still_fixes(tmp_path):
    project = _cached_project(tmp_path)
    run("check", *PINNED, ".", cwd=project)
    assert run("fix", *PINNED, ".", cwd=project)[0] == 0
    assert (project / "app.py").read_text() == OLD.replace("claude-3-opus-20240229", "claude-opus-4-6")
    assert run("check", *PINNED, ".", cwd=project)[0] == 0


def test_no_cache_neither_reads_nor_writes(tmp_path):
    project = _cached_project(tmp_path)
    assert run("check", *PINNED, "--no-cache", ".", cwd=project)[0] == 1
    assert not (project / CACHE).exists()


def test_a_corrupt_cache_is_ignored(tmp_path):
    project = _cached_project(tmp_path)
    first = run("check", *PINNED, ".", cwd=project)
    (cache_file,) = (project / CACHE).glob("*.json")
    cache_file.write_text(json.dumps({str(project / "app.py"): ["x", None, "y", [["bad"]]]}))
    assert run("check", *PINNED, ".", cwd=project) == first


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_an_unwritable_cache_is_a_warning_not_a_failure(tmp_path):
    project = _cached_project(tmp_path)
    project.chmod(0o555)
    try:
        code, out, err = run("check", *PINNED, ".", cwd=project)
    finally:
        project.chmod(0o755)
    assert code == 1 and "CM101" in out
    assert err.startswith("warning: cannot write the cache in ")


def test_startup_imports_nothing_a_run_does_not_need():
    heavy = ["libcst", "pathspec", "json", "hashlib", "claude_migrate.catalog", "claude_migrate.report",
             "claude_migrate.notebook", "claude_migrate.engine", "claude_migrate.cache"]
    probe = f"import sys, claude_migrate.cli; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_file_checked_as_a_test_file_and_as_a_plain_file_is_cached_apart(tmp_path):
    """Whether a file is a test file depends on the path it was named by, and decides the
    safety of every fix: the cache keys it too."""
    (tmp_path / "tests").mkdir()
    app = tmp_path / "tests" / "app.py"
    app.write_text(OLD)
    stale = 1_600_000_000
    os.utime(app, (stale, stale))
    assert run("check", *PINNED, "tests/app.py", cwd=tmp_path)[0] == 1  # a test file: the fix is unsafe
    assert run("fix", *PINNED, "app.py", cwd=tmp_path / "tests")[0] == 0  # not one here: fixed
    assert app.read_text() == OLD.replace("claude-3-opus-20240229", "claude-opus-4-6")


@pytest.mark.skipif(not hasattr(signal, "SIGINT"), reason="POSIX signals")
def test_an_interrupt_during_a_write_waits_for_its_end_and_keeps_its_handler(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("x = 1\n")
    real_replace = os.replace

    def replace_then_interrupt(src, dst):
        os.kill(os.getpid(), signal.SIGINT)  # arrives in the middle of the write
        real_replace(src, dst)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(files.os, "replace", replace_then_interrupt)
        with pytest.raises(KeyboardInterrupt):
            files.write_atomic(path, b"x = 1\n", b"x = 2\n")
        assert path.read_text() == "x = 2\n"  # the write finished first
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # e.g. under nohup
        try:
            files.write_atomic(path, b"x = 2\n", b"x = 3\n")  # the held signal stays ignored
        finally:
            signal.signal(signal.SIGINT, previous)
    assert path.read_text() == "x = 3\n"
    assert [p.name for p in tmp_path.iterdir()] == ["m.py"]


def test_gui_code_saying_disabled_does_not_pass_the_prefilter():
    gui = b'button.configure(state="disabled")\nentry.config(state=\'disabled\')\n'
    assert not can_match(gui, settings())
    assert not can_match(gui + b'client.messages.create(model=MODEL, messages=[])\n', settings())
    assert can_match(gui + b'client.messages.create(model=MODEL, thinking={"type": "disabled"})\n', settings())
