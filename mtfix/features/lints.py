"""Grammar-checker hits from harper (offline, Rust): spelling apart from other rules."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import lru_cache

from mtfix.features.base import FeatureFamily, SentenceView

REMEMBERED_LINTS = 8192  # texts: more than one commit chunk of a scan holds
_LINTER_LOCK = threading.Lock()  # a harper Linter refuses two calls at once ("Already borrowed")


@lru_cache(maxsize=1)
def harper_linter():
    import harper

    return harper.Linter()


@lru_cache(maxsize=REMEMBERED_LINTS)
def lint_counts(text: str) -> tuple[int, int]:
    """(grammar hits, spelling hits) of TEXT, remembered: a text linted ahead of time (see
    lint_ahead) is not linted again."""
    with _LINTER_LOCK:
        lints = harper_linter().lint(text)
    spelling = sum(lint.lint_kind == "Spelling" for lint in lints)
    return len(lints) - spelling, spelling


def lint_ahead(texts: Iterable[str]) -> threading.Thread:
    """Lint TEXTS in a background thread and return it (join it when done). harper runs in
    Rust without holding the GIL, so this overlaps the LM's forward pass instead of adding
    to it; features computed later find the results remembered."""
    pending = list(texts)
    if pending:
        harper_linter()  # built once, here, not by two threads at once
    thread = threading.Thread(target=lambda: [lint_counts(t) for t in pending], name="mtfix-lint", daemon=True)
    thread.start()
    return thread


class GrammarFeatures(FeatureFamily):
    names = ("grammar_rate", "spelling_rate")

    def compute(self, view: SentenceView) -> dict[str, float]:
        grammar, spelling = lint_counts(view.text)
        words = max(1, len(view.alpha_words))
        return {"grammar_rate": grammar / words, "spelling_rate": spelling / words}
