"""Hostile trees, configuration and names: none of them crashes, hangs or injects anything."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import PINNED, run, settings
from hypothesis import given
from hypothesis import strategies as st

from claude_migrate.context import quoted_body
from claude_migrate.discovery import find_files
from claude_migrate.engine import check_file

GOOD = 'import anthropic\nMODEL = "claude-2.1"\n'
RETIRED = "CM101 Model 'claude-2.1' was retired on 2025-07-21; use 'claude-opus-4-6'"

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
needs_dev_zero = pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
#: Linux keeps a file name's bytes as they are; macOS and Windows refuse names that are not UTF-8.
needs_byte_names = pytest.mark.skipif(
    not sys.platform.startswith("linux") or sys.getfilesystemencoding() != "utf-8",
    reason="file names that are not UTF-8 need Linux",
)


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The CLI in its own process, as users start it: a hang fails the test instead of the suite,
    and its memory is capped, so that an unbounded read fails it too."""

    def cap_memory() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))

    return subprocess.run(
        [sys.executable, "-m", "claude_migrate", *args], cwd=cwd, capture_output=True, text=True,
        timeout=300, check=False, preexec_fn=cap_memory if sys.platform != "win32" else None,
    )


# -- 1. deep trees -----------------------------------------------------------------------------


@pytest.fixture
def deep_tree(tmp_path: Path):
    """A chain of 1100 folders ``d/d/…/d`` with a Python file at the bottom. Made and removed
    level by level: os.makedirs and shutil.rmtree (pytest's own cleanup) recurse per level too."""
    chain = [tmp_path]
    for _ in range(1100):
        chain.append(chain[-1] / "d")
        chain[-1].mkdir()
    (chain[-1] / "deep.py").write_text(GOOD)
    yield tmp_path
    (chain[-1] / "deep.py").unlink()
    for folder in reversed(chain[1:]):
        folder.rmdir()


def test_a_1100_level_folder_tree_is_walked(deep_tree):
    code, out, err = run("check", *PINNED, "--no-cache", "--output-format", "concise", ".", cwd=deep_tree)
    assert (code, out, err) == (1, f"{'d/' * 1100}deep.py:2:9: {RETIRED}\n", "")


def test_the_walk_keeps_its_order_excludes_and_gitignore(tmp_path, monkeypatch):
    for name in ("b/z.py", "b/a.py", "a/c/x.py", "a/c/y.txt", "a/m.py", "top.py", "gone/g.py", "build/x.py", "a/skip.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    (tmp_path / ".gitignore").write_text("gone/\n")
    (tmp_path / "a" / ".gitignore").write_text("skip.py\n")
    (tmp_path / "b" / "loop").symlink_to(tmp_path / "b")  # listed, never followed
    monkeypatch.chdir(tmp_path)
    assert [item.display for item in find_files(["."])] == ["top.py", "a/m.py", "a/c/x.py", "b/a.py", "b/z.py"]


# -- 2. ignore files and configuration that are not regular files -------------------------------


@needs_fifo
def test_a_gitignore_that_is_a_fifo_is_skipped_with_a_warning(tmp_path):
    os.mkfifo(tmp_path / ".gitignore")
    (tmp_path / "good.py").write_text(GOOD)
    done = cli("check", *PINNED, "--no-cache", "--output-format", "concise", ".", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (1, f"good.py:2:9: {RETIRED}\n")
    assert done.stderr == (
        f"warning: {tmp_path.resolve()}/.gitignore: cannot read: not a regular file; its patterns are not applied\n"
    )


@needs_dev_zero
def test_a_gitignore_linked_to_dev_zero_is_skipped_with_a_warning(tmp_path):
    (tmp_path / ".gitignore").symlink_to("/dev/zero")
    (tmp_path / "good.py").write_text(GOOD)
    done = cli("check", *PINNED, "--no-cache", "--output-format", "concise", ".", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (1, f"good.py:2:9: {RETIRED}\n")
    assert "/.gitignore: cannot read: not a regular file; its patterns are not applied\n" in done.stderr


def test_a_gitignore_larger_than_a_mebibyte_is_skipped(tmp_path, monkeypatch, capsys):
    (tmp_path / ".gitignore").write_text("*.py\n" + "#" * (1 << 20))
    (tmp_path / "good.py").write_text(GOOD)
    monkeypatch.chdir(tmp_path)
    assert [item.display for item in find_files(["."])] == ["good.py"]
    assert capsys.readouterr().err == (
        f"warning: {tmp_path.resolve()}/.gitignore: cannot read: larger than 1 MiB; its patterns are not applied\n"
    )


def test_an_invalid_gitignore_pattern_is_skipped_and_the_others_apply(tmp_path, monkeypatch, capsys):
    (tmp_path / ".gitignore").write_text("!\nignored.py\n")
    (tmp_path / "ignored.py").write_text(GOOD)
    (tmp_path / "good.py").write_text(GOOD)
    monkeypatch.chdir(tmp_path)
    assert [item.display for item in find_files(["."])] == ["good.py"]
    assert capsys.readouterr().err == f"warning: {tmp_path.resolve()}/.gitignore: invalid pattern '!' skipped\n"


@needs_fifo
def test_config_that_is_a_fifo_is_a_one_line_error(tmp_path):
    os.mkfifo(tmp_path / "pipe.toml")
    (tmp_path / "good.py").write_text(GOOD)
    done = cli("check", *PINNED, "--config", "pipe.toml", "good.py", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", "error: pipe.toml: cannot read: not a regular file\n")


@needs_dev_zero
def test_config_linked_to_dev_zero_is_a_one_line_error(tmp_path):
    (tmp_path / "zero.toml").symlink_to("/dev/zero")
    (tmp_path / "good.py").write_text(GOOD)
    done = cli("check", *PINNED, "--config", "zero.toml", "good.py", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", "error: zero.toml: cannot read: not a regular file\n")


def test_config_larger_than_a_mebibyte_is_a_one_line_error(tmp_path):
    (tmp_path / "big.toml").write_text("[tool.claude-migrate]\n" + "#" * (1 << 20))
    code, out, err = run("check", *PINNED, "--config", "big.toml", ".", cwd=tmp_path)
    assert (code, out, err) == (2, "", "error: big.toml: cannot read: larger than 1 MiB\n")


# -- 3. configuration that crashed its reader -----------------------------------------------------


def test_deeply_nested_toml_is_a_one_line_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    code, out, err = run("check", *PINNED, ".", cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err == f"error: {tmp_path.resolve() / 'pyproject.toml'}: invalid TOML: nested too deeply\n"


@pytest.mark.parametrize("key", ["exclude", "extend-exclude"])
def test_an_exclude_pathspec_refuses_is_a_one_line_error(tmp_path, key):
    (tmp_path / "pyproject.toml").write_text(f'[tool.claude-migrate]\n{key} = ["legacy/", "!"]\n')
    code, out, err = run("check", *PINNED, ".", cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err == f"error: {tmp_path.resolve() / 'pyproject.toml'}: `{key}` has an invalid pattern '!'\n"


def test_a_per_file_ignores_glob_pathspec_refuses_is_a_one_line_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.claude-migrate]\nper-file-ignores = { "!" = ["CM1"] }\n')
    code, _, err = run("check", *PINNED, ".", cwd=tmp_path)
    assert code == 2
    assert err == f"error: {tmp_path.resolve() / 'pyproject.toml'}: `per-file-ignores` has an invalid pattern '!'\n"


def test_an_exclude_option_pathspec_refuses_is_a_one_line_error(tmp_path):
    (tmp_path / "good.py").write_text(GOOD)
    assert run("check", *PINNED, "--exclude", "!", ".", cwd=tmp_path) == (
        2, "", "error: --exclude: invalid pattern '!'\n"
    )


def test_a_configuration_error_has_no_usage_banner(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.claude-migrate]\ncolour = "red"\n')
    code, _, err = run("check", ".", cwd=tmp_path)
    assert (code, err) == (2, f"error: {tmp_path.resolve() / 'pyproject.toml'}: unknown key `colour` in [tool.claude-migrate]\n")


# -- 3 and 6. names that are not UTF-8 ------------------------------------------------------------


@pytest.fixture
def byte_named(tmp_path: Path) -> Path:
    (tmp_path / os.fsdecode(b"caf\xe9.py")).write_text(GOOD)
    return tmp_path


@needs_byte_names
def test_a_name_that_is_not_utf8_in_text_and_concise(byte_named):
    assert run("check", *PINNED, "--no-cache", "--output-format", "concise", ".", cwd=byte_named) == (
        1, f"caf\\xe9.py:2:9: {RETIRED}\n", ""
    )
    code, out, _ = run("check", *PINNED, "--no-cache", ".", cwd=byte_named)
    assert (code, out.splitlines()[0]) == (1, f"caf\\xe9.py:2:9: {RETIRED} [*]")


@needs_byte_names
def test_a_name_that_is_not_utf8_in_gitlab(byte_named):
    code, out, err = run("check", *PINNED, "--no-cache", "--output-format", "gitlab", ".", cwd=byte_named)
    assert (code, err) == (1, "")
    assert json.loads(out)[0]["location"] == {"path": "caf\\xe9.py", "lines": {"begin": 2, "end": 2}}


@needs_byte_names
def test_a_name_that_is_not_utf8_in_an_output_file(byte_named):
    code, out, err = run("check", *PINNED, "--no-cache", "--output-file", "out.txt", ".", cwd=byte_named)
    assert (code, out, err) == (1, "", "")
    assert (byte_named / "out.txt").read_bytes().startswith(f"caf\\xe9.py:2:9: {RETIRED} [*]\n".encode())


@needs_byte_names
def test_a_name_that_is_not_utf8_in_sarif_github_and_json(byte_named):
    sarif = json.loads(run("check", *PINNED, "--no-cache", "--output-format", "sarif", ".", cwd=byte_named)[1])
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "caf%E9.py"}  # the name's own bytes
    github = run("check", *PINNED, "--no-cache", "--output-format", "github", ".", cwd=byte_named)[1]
    assert github.startswith("::error file=caf\\xe9.py,line=2,col=9,title=CM101::")
    rows = json.loads(run("check", *PINNED, "--no-cache", "--output-format", "json", ".", cwd=byte_named)[1])
    assert rows[0]["path"] == os.fsdecode(b"caf\xe9.py")  # JSON keeps the exact name


# -- 4. successors are model IDs; string edits are quoted ------------------------------------------


def successors(tmp_path: Path, old: str, new: str) -> tuple[int, str, str]:
    (tmp_path / "pyproject.toml").write_text(
        f"[tool.claude-migrate.successors]\n{json.dumps(old)} = {json.dumps(new)}\n"
    )
    (tmp_path / "old.py").write_text(f"MODEL = {json.dumps(old)}\n")
    return run("fix", *PINNED, "old.py", cwd=tmp_path)


def test_a_successor_with_a_quote_is_never_written_into_code(tmp_path):
    value = 'claude-opus-4-8"; import os; os.system("id"); "'
    code, out, err = successors(tmp_path, "claude-3-opus-20240229", value)
    assert (code, out) == (2, "")
    assert err == (
        f"error: {tmp_path.resolve() / 'pyproject.toml'}: `successors` key 'claude-3-opus-20240229': "
        f"the successor {value!r} is not a model ID the catalog knows\n"
    )
    assert (tmp_path / "old.py").read_text() == 'MODEL = "claude-3-opus-20240229"\n'


def test_a_successor_key_the_catalog_does_not_know_is_an_error(tmp_path):
    code, _, err = successors(tmp_path, "claude-3-opus-2024", "claude-opus-4-8")
    assert (code, err) == (
        2,
        (
            f"error: {tmp_path.resolve() / 'pyproject.toml'}: `successors` key 'claude-3-opus-2024': "
            "not a model ID the catalog knows\n"
        ),
    )


def test_a_successor_of_another_platform_is_an_error(tmp_path):
    code, _, err = successors(tmp_path, "anthropic.claude-3-opus-20240229-v1:0", "claude-opus-4-8")
    assert (code, err) == (
        2,
        (
            f"error: {tmp_path.resolve() / 'pyproject.toml'}: `successors` key 'anthropic.claude-3-opus-20240229-v1:0': "
            "the successor 'claude-opus-4-8' is not an Amazon Bedrock ID, as the key is\n"
        ),
    )


def test_a_successor_newline_is_escaped_in_the_error(tmp_path):
    code, _, err = successors(tmp_path, "claude-3-opus-20240229", "claude-opus-4-8\n\x1b[2J")
    assert code == 2
    assert err.endswith("the successor 'claude-opus-4-8\\n\\x1b[2J' is not a model ID the catalog knows\n")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("claude-3-opus-20240229", "claude-opus-4-8"),
        ("claude-3-opus@20240229", "claude-opus-4-8"),  # from 4.6 on, the Vertex ID is the API ID
        ("us.anthropic.claude-3-opus-20240229-v1:0", "us.anthropic.claude-opus-4-6-v1"),
    ],
)
def test_a_successor_of_the_same_platform_is_written(tmp_path, old, new):
    code, _, err = successors(tmp_path, old, new)
    assert (code, err) == (0, "")
    assert (tmp_path / "old.py").read_text() == f"MODEL = {json.dumps(new)}\n"


def test_the_catalog_is_loaded_only_for_successors(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.claude-migrate]\ntarget = "4.8"\n')
    script = "import sys; from claude_migrate.config import load_config; load_config(); print('claude_migrate.catalog' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False
    )
    assert (done.returncode, done.stdout) == (0, "False\n")


def test_a_replacement_that_holds_a_quote_is_escaped_not_concatenated():
    # The configuration refuses such a successor; the edit must hold even where it is bypassed.
    value = 'x"; import os; "'
    result = check_file(b'MODEL = "claude-2.1"\n', "m.py", settings(successors=(("claude-2.1", value),)), fix=True)
    assert result.new_bytes == b'MODEL = "x\\"; import os; \\""\n'
    assert ast.literal_eval(result.new_bytes.decode().split("=", 1)[1].strip()) == value


@pytest.mark.parametrize(
    ("value", "prefix", "quote", "body"),
    [
        ('a"b', "", '"', 'a\\"b'),
        ('a"b', "", "'", 'a"b'),
        ("a\\b", "u", "'", "a\\\\b"),
        ("a\nb\r\x00", "", '"', "a\\nb\\r\\x00"),
        ("a\nb\r", "", '"""', "a\nb\\r"),
        ("claude-opus-4-8", "R", '"', "claude-opus-4-8"),
    ],
)
def test_quoted_body(value, prefix, quote, body):
    assert quoted_body(value, prefix, quote) == body


@pytest.mark.parametrize(
    ("value", "prefix", "quote"),
    [('a"b', "r", '"'), ("a\\b", "r", "'"), ("a\nb", "r", "'"), ("café", "b", "'"), ("a'b", "Rb", "'''")],
)
def test_quoted_body_refuses_what_the_literal_cannot_hold(value, prefix, quote):
    with pytest.raises(ValueError):
        quoted_body(value, prefix, quote)


@given(
    st.text(),
    st.sampled_from(["", "u", "r", "R", "b", "rb", "Br"]),
    st.sampled_from(['"', "'", '"""', "'''"]),
)
def test_quoted_body_reads_back_as_its_value_or_is_refused(value, prefix, quote):
    try:
        body = quoted_body(value, prefix, quote)
    except ValueError:
        return
    literal = ast.literal_eval(f"{prefix}{quote}{body}{quote}")
    assert literal == (value.encode("ascii") if "b" in prefix.lower() else value)


# -- 5. python -m inside a checked tree ------------------------------------------------------------


def test_python_m_does_not_import_modules_from_the_current_folder(tmp_path):
    (tmp_path / "click.py").write_text("open('IMPORTED', 'w').close()\n")
    done = subprocess.run(
        [sys.executable, "-m", "claude_migrate", "--version"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )
    assert (done.returncode, done.stdout) == (0, "claude-migrate, version 0.1.0\n")
    assert not (tmp_path / "IMPORTED").exists()


# -- 6. control characters in names and messages -------------------------------------------------

HOSTILE = "a\n::add-mask::x\x1b[31m\u2028.py"
HOSTILE_SHOWN = "a\\n::add-mask::x\\x1b[31m\\u2028.py"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    if sys.platform == "win32":
        pytest.skip("Windows refuses control characters in file names")
    (tmp_path / HOSTILE).write_text(GOOD)
    return tmp_path


@pytest.mark.parametrize("output_format", ["text", "concise"])
def test_control_characters_in_a_name_are_escaped_in_text(hostile, output_format):
    code, out, _ = run("check", *PINNED, "--no-cache", "--output-format", output_format, ".", cwd=hostile)
    assert code == 1
    assert out.splitlines()[0].startswith(f"{HOSTILE_SHOWN}:2:9: {RETIRED}")
    assert "\x1b" not in out and "\u2028" not in out


def test_control_characters_in_a_name_are_escaped_in_github(hostile):
    code, out, _ = run("check", *PINNED, "--no-cache", "--output-format", "github", ".", cwd=hostile)
    assert code == 1
    assert out == f"::error file={HOSTILE_SHOWN.replace(':', '%3A')},line=2,col=9,title=CM101::{RETIRED[6:]}\n"


def test_control_characters_in_a_name_are_escaped_in_gitlab_and_sarif(hostile):
    gitlab = json.loads(run("check", *PINNED, "--no-cache", "--output-format", "gitlab", ".", cwd=hostile)[1])
    assert gitlab[0]["location"]["path"] == HOSTILE_SHOWN
    sarif = json.loads(run("check", *PINNED, "--no-cache", "--output-format", "sarif", ".", cwd=hostile)[1])
    uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "a%0A%3A%3Aadd-mask%3A%3Ax%1B%5B31m%E2%80%A8.py"


def test_a_message_with_control_characters_is_escaped():
    from claude_migrate.findings import Finding
    from claude_migrate.report import as_concise

    message = "cannot read: \x1b]0;owned\x07\x85"
    finding = Finding("CM000", "unparseable-file", "error", message, 0, 0, path="m.py")
    assert as_concise([finding], False) == "m.py:1:1: CM000 cannot read: \\x1b]0;owned\\x07\\x85\n"


def test_sarif_uris_are_percent_encoded_and_valid(tmp_path):
    import jsonschema
    from test_outputs import _sarif_schema

    (tmp_path / "a #b%25 ?q.py").write_text(GOOD)
    code, out, _ = run("check", *PINNED, "--no-cache", "--output-format", "sarif", ".", cwd=tmp_path)
    assert code == 1
    log = json.loads(out)
    jsonschema.validate(log, _sarif_schema())
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "a%20%23b%2525%20%3Fq.py"}
    assert log["runs"][0]["results"][0]["fixes"][0]["artifactChanges"][0]["artifactLocation"] == location


# -- 7. --output-file ------------------------------------------------------------------------------


def test_output_file_creates_its_folders(tmp_path):
    (tmp_path / "good.py").write_text(GOOD)
    code, out, err = run("check", *PINNED, "--output-format", "concise", "--output-file", "reports/ci/out.txt", "good.py", cwd=tmp_path)
    assert (code, out, err) == (1, "", "")
    assert (tmp_path / "reports" / "ci" / "out.txt").read_text() == f"good.py:2:9: {RETIRED}\n"


def test_an_output_file_that_cannot_be_written_is_a_one_line_error(tmp_path):
    (tmp_path / "good.py").write_text(GOOD)
    code, out, err = run("check", *PINNED, "--output-file", "good.py/out.txt", "good.py", cwd=tmp_path)
    assert (code, out, err) == (2, "", "error: cannot write good.py/out.txt: File exists\n")
