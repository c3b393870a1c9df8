"""`mtfix lsp` with the tests' tiny deterministic scorer and detector, for the language-server
tests of the unit tier (run by pytest-lsp as a subprocess)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fakes import FakeScorer, FavouringScorer, stray_detector  # noqa: E402

from mtfix.api import Checker  # noqa: E402
from mtfix.config import load_config  # noqa: E402
from mtfix.lsp.analysis import LspAnalysis  # noqa: E402
from mtfix.lsp.server import serve  # noqa: E402
from mtfix.pipeline import detect  # noqa: E402

# --near-miss: every sentence is in the near-miss band and "breakdown" reads far better than
# "breakthrough", so that sentence is flagged by the near-miss check alone
NEAR_MISS = "--near-miss" in sys.argv


def fake_checker(config):
    scorer = FavouringScorer("breakdown", 10.0) if NEAR_MISS else FakeScorer()
    checker = Checker(load_config(config).settings({"sources": ["grammar"]}), scorer=scorer)
    checker.__dict__["detector"] = stray_detector()
    return checker


if __name__ == "__main__":
    if NEAR_MISS:
        detect.NEAR_MISS_FROM = 0.0
    serve(LspAnalysis(checker_for=fake_checker))
