"""Punctuation anomalies: a full stop inside a sentence ("issues. during"), space before
punctuation, doubled punctuation, unbalanced brackets and quotes, repeated words."""

from __future__ import annotations

import re

from mtfix.features.base import FeatureFamily, SentenceView
from mtfix.features.casing import common_words
from mtfix.segmentation import is_abbreviation

_STOP_THEN_LOWER = re.compile(r"\w[.!?] +[a-z]")
_SPACE_BEFORE = re.compile(r"\w +[,.;:!?](?:\s|$)")
_DOUBLED = re.compile(r"([,;:!?])\s*\1|(?<!\.)\.\s*\.(?!\.)|,\s*\.|\.\s*,")
_REPEATED_WORD = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)
_PAIRS = (("(", ")"), ("[", "]"), ("“", "”"))


def unbalanced(text: str) -> int:
    count = sum(abs(text.count(a) - text.count(b)) for a, b in _PAIRS)
    return count + text.count('"') % 2


def stops_inside(text: str) -> list[re.Match]:
    """Full stops followed by a lower-case word: a sentence broken in two by the MT system."""
    return [m for m in _STOP_THEN_LOWER.finditer(text)
            if text[m.start() + 1] != "." or not is_abbreviation(text, m.start() + 1)]


def repeated_bigrams(words: list[str]) -> int:
    """Word pairs seen before in the sentence: MT systems loop ("the the", "of the war of the war")."""
    pairs = list(zip(words, words[1:]))
    return len(pairs) - len(set(pairs))


def repeated_content(words: list[str]) -> float:
    """Share of content words (not among the most common words) that occur again."""
    content = [w for w in words if w not in common_words()]
    return (len(content) - len(set(content))) / len(content) if content else 0.0


class PunctuationFeatures(FeatureFamily):
    names = ("stop_inside", "space_before_punct", "doubled_punct", "unbalanced",
             "no_final_punct", "repeated_word", "repeated_bigram", "repeated_content")

    def compute(self, view: SentenceView) -> dict[str, float]:
        text = view.text
        lowered = [w.text.lower() for w in view.alpha_words]
        return {
            "stop_inside": float(len(stops_inside(text))),
            "space_before_punct": float(len(_SPACE_BEFORE.findall(text))),
            "doubled_punct": float(len(_DOUBLED.findall(text))),
            "unbalanced": float(unbalanced(text)),
            "no_final_punct": float(not re.search(r"[.!?…:;\"”’)\]]\s*$", text)),
            "repeated_word": float(len(_REPEATED_WORD.findall(text))),
            "repeated_bigram": float(repeated_bigrams(lowered)),
            "repeated_content": repeated_content(lowered),
        }
