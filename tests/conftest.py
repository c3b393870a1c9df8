"""Shared fixtures. Tests use the real default model (prepared once per machine in
$MTFIX_HOME or the platform cache dir) and run the real CLI as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def scanner():
    from mtfix.scan import Scanner, ScanOptions

    return Scanner(ScanOptions(device="cpu"), quiet=True)


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `mtfix ARGS` in a fresh process, the way a user would."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "mtfix.cli", *args], input=stdin, capture_output=True,
                          cwd=cwd or REPO, env=env, timeout=900)
