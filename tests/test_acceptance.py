"""The shared black-box acceptance cases, run against this checkout's CLI when they are present."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parent.parent.parent / "shared" / "acceptance" / "run"


@pytest.mark.skipif(not RUN.exists(), reason="../shared/acceptance is not beside this checkout")
def test_shared_acceptance_cases_pass():
    cli = shutil.which("claude-migrate", path=str(Path(sys.executable).parent))
    assert cli is not None, "install the project first (see README)"
    env = {**os.environ, "CLAUDE_MIGRATE": cli}
    proc = subprocess.run([sys.executable, str(RUN)], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
