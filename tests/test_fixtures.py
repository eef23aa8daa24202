"""`claude-migrate check fixtures/` shows a finding of every rule (the README's first command)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from claude_migrate.rules import RULES

ROOT = Path(__file__).resolve().parent.parent


def test_fixtures_show_every_rule():
    proc = subprocess.run(
        [sys.executable, "-m", "claude_migrate", "check", "--today", "2026-11-24", "--output-format", "json", "fixtures"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert proc.returncode == 1, proc.stderr
    found = {row["code"] for row in json.loads(proc.stdout)}
    assert found == {rule.code for rule in RULES}
    notebook = [(row["cell"], row["line"], row["code"]) for row in json.loads(proc.stdout) if "cell" in row]
    assert notebook == [(3, 2, "CM101")]
