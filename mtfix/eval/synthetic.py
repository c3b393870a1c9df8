"""Synthetic garbling of good sentences, for training only.

MLQE-PE's MT output is well cased and punctuated, so a classifier trained on it alone
learns nothing about the casing and punctuation damage common in scraped machine-
translated news ("summit Can according to Kremlin Take place", "punishing moscow For",
"issues. during their chat"). A share of fluent MT sentences gets such damage applied
and is labelled garbled.
"""

from __future__ import annotations

import random
import re

from mtfix.features.casing import common_words

_TOKEN = re.compile(r"\S+")


def _capitalise_common(words: list[str], rng: random.Random) -> bool:
    spots = [i for i, w in enumerate(words) if i > 0 and w.isalpha() and w.islower() and w in common_words()]
    for i in rng.sample(spots, min(len(spots), rng.randint(1, 3))):
        words[i] = words[i].capitalize()
    return bool(spots)


def _lowercase_name(words: list[str], rng: random.Random) -> bool:
    spots = [i for i, w in enumerate(words) if i > 0 and w[:1].isupper() and w[1:].islower() and w.isalpha()]
    if not spots:
        return False
    i = rng.choice(spots)
    words[i] = words[i].lower()
    return True


def _stray_stop(words: list[str], rng: random.Random) -> bool:
    spots = [i for i in range(1, len(words) - 1) if words[i].isalpha() and words[i + 1][:1].islower()]
    if not spots:
        return False
    i = rng.choice(spots)
    words[i] += "."
    return True


def _swap(words: list[str], rng: random.Random) -> bool:
    if len(words) < 4:
        return False
    i = rng.randrange(1, len(words) - 2)
    words[i], words[i + 1] = words[i + 1], words[i]
    return True


def _drop_function_word(words: list[str], rng: random.Random) -> bool:
    spots = [i for i, w in enumerate(words) if i > 0 and w in common_words()]
    if not spots:
        return False
    del words[rng.choice(spots)]
    return True


OPERATIONS = (_capitalise_common, _lowercase_name, _stray_stop, _swap, _drop_function_word)


def corrupt(sentence: str, rng: random.Random) -> str | None:
    """Apply one to three damaging operations; None if nothing could be changed."""
    words = _TOKEN.findall(sentence)
    changed = False
    for operation in rng.sample(OPERATIONS, rng.randint(1, 3)):
        changed |= operation(words, rng)
    result = " ".join(words)
    return result if changed and result != sentence else None
