"""Casing anomalies: function words capitalised mid-sentence ("summit Can according to
Kremlin Take place"), a lower-case sentence start. Title-case headlines are exempt."""

from __future__ import annotations

from functools import lru_cache

from mtfix.features.base import FeatureFamily, SentenceView
from mtfix.features.words import Word

TITLE_CASE_SHARE = 0.6
_AFTER = set(":;\"“‘'([—–-")


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The few hundred most frequent English words (function words and the like): the
    closed class whose capital mid-sentence is almost never a name. The features use it."""
    from wordfreq import top_n_list

    return frozenset(w for w in top_n_list("en", 400) if w.isalpha() and w != "i")


# The closed class a fix may delete when it is doubled or stray, by kind (some words are of
# two kinds: "that", "her", "as", "before"). Negations are in none: dropping "not" reads as
# smoothly as dropping "the" and turns the meaning over.
FUNCTION_WORD_KINDS: dict[str, frozenset[str]] = {kind: frozenset(words.split()) for kind, words in {
    "determiner": "a an the this that these those some any each every either both all such "
                  "my your his her its our their",
    "pronoun": "i me mine you yours he him his she her hers it we us ours they them theirs one ones "
               "who whom what which whose that myself yourself himself herself itself ourselves themselves",
    "preposition": "of in on at to for from by with about as into onto upon over under after before between "
                   "through during within along across behind beyond near off out up down around among "
                   "against toward towards via per than like since until till",
    "conjunction": "and or but so yet if then because although though while whereas whether unless that as "
                   "since until till before after",
    "auxiliary": "is am are was were be been being do does did have has had having will would shall should "
                 "can could may might must",
    "adverb": "there here also just even only too very",
}.items()}
FUNCTION_WORDS = frozenset().union(*FUNCTION_WORD_KINDS.values())
NEGATIONS = frozenset("not no never nor none nothing nobody neither nowhere cannot without".split())


def function_word(word: str) -> bool:
    """A function word, not a negation: one a fix may delete when stray or move past its
    neighbour without inventing meaning."""
    lowered = word.lower()
    return lowered in FUNCTION_WORDS and lowered not in NEGATIONS


def case_change_only(original: str, changed: str) -> bool:
    """The two texts have the same letters and differ, if at all, only in case."""
    return original.lower() == changed.lower()


@lru_cache(maxsize=100_000)
def vocabulary_word(word: str) -> bool:
    """A lower-case word English uses often (zipf ≥ 3.5): capitalised mid-sentence it may be a
    stray capital rather than a name, so a fix may lower it. Wider than common_words, which
    is the closed class the features count."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") >= 3.5


def is_title_case(words: list[Word]) -> bool:
    alpha = [w for w in words if w.is_alpha and len(w.text) > 3]
    return bool(alpha) and sum(w.text[0].isupper() for w in alpha) / len(alpha) >= TITLE_CASE_SHARE


def suspicious_capitals(words: list[Word]) -> list[Word]:
    """Common lower-case words written with a capital in the middle of a sentence."""
    if is_title_case(words):
        return []
    hits = []
    for index in range(1, len(words)):
        previous, word = words[index - 1], words[index]
        following = words[index + 1].text if index + 1 < len(words) else ""
        if previous.text in _AFTER or previous.text in ".!?" or following[:1].isupper():
            continue  # after a colon or quote a capital is normal; before a name it is a title
        if word.text[:1].isupper() and word.text[1:].islower() and word.text.lower() in common_words():
            hits.append(word)
    return hits


class CasingFeatures(FeatureFamily):
    names = ("midcap_common_rate", "lower_start")

    def compute(self, view: SentenceView) -> dict[str, float]:
        words = view.words
        alpha = view.alpha_words
        first = next((w for w in words if w.is_alpha), None)
        return {
            "midcap_common_rate": len(suspicious_capitals(words)) / max(1, len(alpha)),
            "lower_start": float(first is not None and first.text[0].islower()),
        }
