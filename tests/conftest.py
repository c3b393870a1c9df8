"""Shared fixtures, in two tiers.

Unit tier (default marker-free tests): the pipeline with a tiny deterministic scorer and
detector made in tests/fakes.py, CLI commands run in-process. Integration tier
(`@pytest.mark.model`): the real default model and detector (prepared once per machine in
$MTFIX_HOME), the real CLI as a subprocess, the browser and the TUI.

    python -m pytest -q                 # both tiers
    python -m pytest -q -m "not model"  # the unit tier alone, in about a minute
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests import their shared helpers from fakes.py


@pytest.fixture(scope="session")
def real_checker():
    """The real default model and its bundled detector (integration tier)."""
    import mtfix

    return mtfix.load(device="cpu")


@pytest.fixture
def fake_checker():
    import mtfix
    from fakes import FakeScorer, stray_detector

    checker = mtfix.load(scorer=FakeScorer())
    checker.__dict__["detector"] = stray_detector()  # the cached property, set before first use
    return checker


class CliResult:
    def __init__(self, code: int, stdout: bytes, stderr: bytes) -> None:
        self.returncode, self.stdout, self.stderr = code, stdout, stderr


@pytest.fixture
def cli(monkeypatch, tmp_path_factory):
    """Run `mtfix ARGS` in this process with the fake scorer and detector (unit tier)."""

    from fakes import FakeScorer, stray_detector

    import mtfix.api
    from mtfix.cli import app

    monkeypatch.setenv("MTFIX_HOME", str(tmp_path_factory.mktemp("home")))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(mtfix.api.Checker, "_make_scorer", lambda self: FakeScorer())
    monkeypatch.setattr(mtfix.api.Checker, "detector", property(lambda self: stray_detector()))

    def invoke(*args: str, stdin: bytes = b"", cwd: Path | None = None) -> CliResult:
        from typer.testing import CliRunner

        if cwd is not None:
            monkeypatch.chdir(cwd)
        runner = CliRunner()
        result = runner.invoke(app, list(args), input=stdin, catch_exceptions=False)
        stderr = result.stderr_bytes if result.stderr_bytes is not None else b""
        return CliResult(result.exit_code, result.stdout_bytes, stderr)

    return invoke


@pytest.fixture
def fix_cli(cli):
    """`mtfix fix -q --sources grammar ARGS` in this process (harper, offline: no LM source).
    With --write and no floor given, the write floor is 0: these tests are about how files are
    written, not about which suggestions are confident enough."""
    def run(*args, cwd):
        floor = ("--write-min-confidence", "0") if "--write" in args and "--write-min-confidence" not in args else ()
        return cli("fix", "-q", "--sources", "grammar", *args, *floor, cwd=cwd)
    return run
