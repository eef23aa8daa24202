"""The shared black-box acceptance cases, run against this checkout's CLI when they are present:
every case of ``cases/``, and the cases of ``cases-next/`` that a landed part made pass (listed
here by name, so that they can never regress)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ACCEPTANCE = Path(__file__).resolve().parent.parent.parent / "shared" / "acceptance"
RUN = ACCEPTANCE / "run"

#: Cases of cases-next/ that pass, with the part that made them pass.
LANDED_NEXT = (
    "bedrock_and_vertex_forms",  # part 9
)


def run_cases(*args: str) -> subprocess.CompletedProcess:
    cli = shutil.which("claude-migrate", path=str(Path(sys.executable).parent))
    assert cli is not None, "install the project first (see README)"
    env = {**os.environ, "CLAUDE_MIGRATE": cli}
    return subprocess.run([sys.executable, str(RUN), *args], capture_output=True, text=True, env=env, timeout=1800)


@pytest.mark.skipif(not RUN.exists(), reason="../shared/acceptance is not beside this checkout")
def test_shared_acceptance_cases_pass():
    proc = run_cases()
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.skipif(not RUN.exists(), reason="../shared/acceptance is not beside this checkout")
@pytest.mark.parametrize("case", LANDED_NEXT)
def test_landed_next_cases_pass(case):
    if not (ACCEPTANCE / "cases-next" / case).is_dir():
        assert (ACCEPTANCE / "cases" / case).is_dir(), f"case {case} is in neither cases/ nor cases-next/"
        pytest.skip(f"{case} has moved to cases/, which the test above runs")
    proc = run_cases(str(ACCEPTANCE / "cases-next"), "-k", case)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed, 0 failed" in proc.stdout, proc.stdout
