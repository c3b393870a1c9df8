"""Words of a sentence with their LM log-probability (summed over their tokens) and their
unigram log-probability from a word-frequency table (wordfreq), the basis of SLOR."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from mtfix.lm.types import TokenScores

WORD_PATTERN = r"\w+(?:[’'\-.]\w+)*|[^\w\s]"  # a word ("U.S", "don't", "Biden-Putin") or one mark
WORD = re.compile(WORD_PATTERN)  # the one definition of a word mtfix uses
# wordfreq knows no punctuation; give it the probability of a common word.
PUNCT_LOGPROB = math.log(1e-2)
UNKNOWN_LOGPROB = math.log(1e-9)
RARE_LOGPROB = math.log(1e-7)  # below it, a lower-case "word" is rare enough to be a fragment or a typo


@dataclass
class Word:
    start: int
    end: int
    text: str
    lm_logprob: float = 0.0
    unigram_logprob: float = 0.0
    tokens: int = 0
    first_token: int = -1  # index of the word's first LM token in the sentence (-1: none)
    last_token: int = -1  # index of its last token

    @property
    def is_alpha(self) -> bool:
        return self.text[:1].isalpha()

    @property
    def excess(self) -> float:
        """How much more surprising the word is in context than out of context (−SLOR)."""
        return -self.lm_logprob + self.unigram_logprob


@lru_cache(maxsize=200_000)
def unigram_logprob(word: str) -> float:
    if not word[:1].isalnum():
        return PUNCT_LOGPROB
    from wordfreq import word_frequency

    frequency = word_frequency(word, "en")
    return math.log(frequency) if frequency > 0 else UNKNOWN_LOGPROB


def split_words(text: str) -> list[Word]:
    return [Word(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]


def align(text: str, scores: TokenScores) -> list[Word]:
    """Words of `text` with the LM log-probabilities of the tokens that start inside them."""
    words = split_words(text)
    if not words:
        return words
    owner = [-1] * (len(text) + 1)
    for index, word in enumerate(words):
        for position in range(word.start, word.end):
            owner[position] = index
    for token_index, ((start, end), logprob) in enumerate(zip(scores.offsets, scores.logprob)):
        position = start
        while position < end and text[position].isspace():
            position += 1
        index = owner[position] if position < len(text) else -1
        if index < 0:
            continue
        word = words[index]
        word.lm_logprob += float(logprob)
        word.tokens += 1
        if word.first_token < 0:
            word.first_token = token_index
        word.last_token = token_index
    for word in words:
        word.unigram_logprob = unigram_logprob(word.text)
    return words


# Prefixes and suffix pairs that turn a word's meaning over ("able" / "unable", "careful" /
# "careless"): a word exchanged for its opposite flips a sentence's polarity.
NEGATING_PREFIXES = ("un", "in", "im", "il", "ir", "dis", "non", "non-", "anti")
OPPOSITE_SUFFIXES = (("ful", "less"),)


def opposite_word(before: list[str], after: list[str]) -> bool:
    """A word of one side stands on the other with a negating prefix added or taken away,
    or with -ful exchanged for -less."""
    gone, new = set(before) - set(after), set(after) - set(before)
    for old in gone:
        for word in new:
            short, long = sorted((old, word), key=len)
            if len(short) >= 3 and any(long == prefix + short for prefix in NEGATING_PREFIXES):
                return True
            if any(old.endswith(a) and word == old[:-len(a)] + b or old.endswith(b) and word == old[:-len(b)] + a
                   for a, b in OPPOSITE_SUFFIXES):
                return True
    return False
