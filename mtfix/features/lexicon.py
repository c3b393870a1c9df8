"""Vocabulary features: unknown words, untranslated foreign-script words, length."""

from __future__ import annotations

import math
import unicodedata

from mtfix.features.base import FeatureFamily, SentenceView
from mtfix.features.words import RARE_LOGPROB, UNKNOWN_LOGPROB


def is_latin(char: str) -> bool:
    return char.isascii() or "LATIN" in unicodedata.name(char, "")


class LexiconFeatures(FeatureFamily):
    names = ("unknown_rate", "rare_lower_rate", "foreign_script_rate", "log_words", "capital_rate",
             "digit_rate")

    def compute(self, view: SentenceView) -> dict[str, float]:
        words = view.alpha_words
        if not words:
            return dict.fromkeys(self.names, 0.0)
        unknown = sum(w.unigram_logprob <= UNKNOWN_LOGPROB for w in words)
        rare_lower = sum(w.unigram_logprob < RARE_LOGPROB and w.text[0].islower() for w in words)
        foreign = sum(not all(is_latin(c) for c in w.text if c.isalpha()) for w in words)
        return {
            "unknown_rate": unknown / len(words),
            "rare_lower_rate": rare_lower / len(words),
            "foreign_script_rate": foreign / len(words),
            "log_words": math.log(len(words)),
            # Names and numbers are legitimately surprising; these let the classifier discount them.
            "capital_rate": sum(w.text[0].isupper() for w in words[1:]) / len(words),
            "digit_rate": sum(w.text[0].isdigit() for w in view.words) / len(view.words),
        }
