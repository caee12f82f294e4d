"""benchmarks/soak.py keeps working: a two-second soak of `kosovo-kg serve` with no unexpected error."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

#: starts servers, processes or sockets: tests/rerun runs these again (see .ci/run)
pytestmark = pytest.mark.live

SOAK = ROOT / "benchmarks" / "soak.py"


def test_a_short_soak_has_no_unexpected_errors():
    done = subprocess.run(
        [sys.executable, str(SOAK), "--seconds", "2", "--clients", "4", "--sample-every", "0.5"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert "unexpected errors: 0" in lines
    assert any(line.startswith("expected errors (4xx on purpose): ") and not line.endswith(": 0") for line in lines)
    assert "server alive at the end: True" in lines[-1]
