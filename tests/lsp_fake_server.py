"""`mtfix lsp` with the tests' tiny deterministic scorer and detector, for the language-server
tests of the unit tier (run by pytest-lsp as a subprocess)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fakes import FakeScorer, stray_detector  # noqa: E402

from mtfix.api import Checker  # noqa: E402
from mtfix.config import load_config  # noqa: E402
from mtfix.lsp.analysis import LspAnalysis  # noqa: E402
from mtfix.lsp.server import serve  # noqa: E402


def fake_checker(config):
    checker = Checker(load_config(config).settings({"sources": ["grammar"]}), scorer=FakeScorer())
    checker.__dict__["detector"] = stray_detector()
    return checker


if __name__ == "__main__":
    serve(LspAnalysis(checker_for=fake_checker))
