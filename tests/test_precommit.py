"""The pre-commit hooks, run by the real `pre-commit try-repo` against this checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
    not (ROOT / ".git").exists() or shutil.which("git") is None, reason="needs a git checkout of claude-migrate"
)

OLD = 'import anthropic\nMODEL = "claude-3-5-sonnet-20241022"\n'
NEW = 'import anthropic\nMODEL = "claude-sonnet-4-6"\n'

NOTEBOOK = """{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": null,
   "metadata": {},
   "outputs": [],
   "source": [
    "MODEL = \\"NEW\\""
   ]
  }
 ],
 "metadata": {},
 "nbformat": 4,
 "nbformat_minor": 5
}
"""


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_both_hooks_through_pre_commit_try_repo(tmp_path):
    repo = tmp_path / "user-repo"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    (repo / "app.py").write_text(OLD)
    (repo / "stub.pyi").write_text('MODEL: str = "claude-3-5-sonnet-20241022"\n')
    (repo / "legacy").mkdir()
    (repo / "legacy" / "old.py").write_text(OLD)
    (repo / "notes.txt").write_text(OLD)
    (repo / "nb.ipynb").write_text(NOTEBOOK.replace("NEW", "claude-3-5-sonnet-20241022"))
    (repo / "pyproject.toml").write_text(
        '[tool.claude-migrate]\ntarget = "4.6"\nexclude = ["legacy/"]\n'
    )
    git("add", ".", cwd=repo)
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "CLAUDE_MIGRATE_TODAY": "2026-11-24",
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    # Without a hook id, try-repo runs every hook of the repository, in file order: check, then fix.
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "--all-files", "--color", "never"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=900,
    )
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    assert "claude-migrate (check)" in out and "claude-migrate (fix)" in out
    assert out.count("Failed") == 2
    assert "app.py:2:9: CM101 Model 'claude-3-5-sonnet-20241022' was retired on 2025-10-28" in out
    assert "stub.pyi:1:14: CM101" in out
    assert "legacy/old.py" not in out  # --force-exclude: the config's exclude wins over named files
    assert "- files were modified by this hook" in out
    assert (repo / "app.py").read_text() == NEW
    assert (repo / "stub.pyi").read_text() == 'MODEL: str = "claude-sonnet-4-6"\n'
    assert (repo / "legacy" / "old.py").read_text() == OLD
    assert (repo / "notes.txt").read_text() == OLD
    assert "nb.ipynb:cell 1:1:9: CM101" in out
    assert (repo / "nb.ipynb").read_text() == NOTEBOOK.replace("NEW", "claude-sonnet-4-6")
