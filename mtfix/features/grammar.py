"""Grammar-checker hits from harper (offline, Rust): spelling apart from other rules."""

from __future__ import annotations

from functools import lru_cache

from mtfix.features.base import FeatureFamily, SentenceView


@lru_cache(maxsize=1)
def harper_linter():
    import harper

    return harper.Linter()


class GrammarFeatures(FeatureFamily):
    names = ("grammar_rate", "spelling_rate")

    def compute(self, view: SentenceView) -> dict[str, float]:
        lints = harper_linter().lint(view.text)
        spelling = sum(lint.lint_kind == "Spelling" for lint in lints)
        words = max(1, len(view.alpha_words))
        return {"grammar_rate": (len(lints) - spelling) / words, "spelling_rate": spelling / words}
