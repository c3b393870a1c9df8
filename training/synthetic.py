"""Synthetic damage of clean English, shaped like scraped machine-translated news, with the
damaged words known: each example keeps the clean original, so a detector learns where
the damage is and a fixer learns the inverse edit.

Kinds: common words capitalised mid-sentence, a title-cased run, a name lower-cased, a
lower-case sentence start, a stray full stop, a bracketed leftover, a doubled phrase, a
fragment glued to the next sentence, neighbours swapped, a word moved, a function word
dropped, a wrong preposition or article (calques), an agreement error, and a near-miss
word (a real word of similar spelling that changes the meaning: breakthrough/breakdown).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from training.data import Example, mlqe, mqm

FUNCTION_WORDS = ("the a an of to in on at for with by from and or but that which who as is are was were "
                  "be been has have had it its their his her this these those will would can could not").split()
PREPOSITIONS = ("in on at for of to with by from about into over under").split()
AGREEMENT = {"is": "are", "are": "is", "was": "were", "were": "was", "has": "have", "have": "has",
             "does": "do", "do": "does", "did": "done", "been": "being", "its": "their", "their": "its",
             "this": "these", "these": "this", "a": "an", "an": "a"}
BRACKET_FILLERS = ("to go", "the", "of", "it", "is", "and", "for", "to be", "was", "in", "that", "has")


@dataclass
class Token:
    text: str
    bad: bool = False


def _common() -> frozenset[str]:
    from mtfix.features.casing import common_words

    return common_words()


@lru_cache(maxsize=1)
def _near_miss_index() -> dict[str, list[str]]:
    """Frequent lower-case words grouped by their first five letters."""
    from wordfreq import top_n_list

    index: dict[str, list[str]] = {}
    for word in top_n_list("en", 40_000):
        if word.isalpha() and word.islower() and len(word) >= 6:
            index.setdefault(word[:5], []).append(word)
    return index


def _words(tokens: list[Token]) -> list[int]:
    return [i for i, t in enumerate(tokens) if t.text.isalpha()]


def capitalise_common(tokens: list[Token], rng: random.Random) -> bool:
    spots = [i for i in _words(tokens)[1:] if tokens[i].text.islower() and tokens[i].text in _common()]
    for i in rng.sample(spots, min(len(spots), rng.randint(1, 3))):
        tokens[i] = Token(tokens[i].text.capitalize(), True)
    return bool(spots)


def title_case_run(tokens: list[Token], rng: random.Random) -> bool:
    if len(tokens) < 8:
        return False
    start = rng.randrange(1, len(tokens) - 5)
    changed = False
    for i in range(start, start + rng.randint(3, 6)):
        if i < len(tokens) and tokens[i].text.isalpha() and tokens[i].text.islower():
            tokens[i] = Token(tokens[i].text.capitalize(), True)
            changed = True
    return changed


def lowercase_name(tokens: list[Token], rng: random.Random) -> bool:
    spots = [i for i in _words(tokens)[1:] if tokens[i].text[0].isupper() and tokens[i].text[1:].islower()
             and tokens[i].text.lower() not in _common()]
    if not spots:
        return False
    i = rng.choice(spots)
    tokens[i] = Token(tokens[i].text.lower(), True)
    return True


def lowercase_start(tokens: list[Token], rng: random.Random) -> bool:
    if not tokens or not tokens[0].text[:1].isupper() or not tokens[0].text[1:].islower():
        return False
    if tokens[0].text.lower() not in _common():
        return False
    tokens[0] = Token(tokens[0].text.lower(), True)
    return True


def stray_stop(tokens: list[Token], rng: random.Random) -> bool:
    spots = [i for i in range(1, len(tokens) - 1) if tokens[i].text.isalpha() and tokens[i + 1].text[:1].islower()]
    if not spots:
        return False
    i = rng.choice(spots)
    tokens.insert(i + 1, Token(".", True))
    return True


def bracket_leftover(tokens: list[Token], rng: random.Random) -> bool:
    if len(tokens) < 4:
        return False
    i = rng.randrange(1, len(tokens) - 1)
    tokens.insert(i, Token(f"[{rng.choice(BRACKET_FILLERS)}]", True))
    if rng.random() < 0.5 and tokens[i + 1].text.isalpha() and tokens[i + 1].text.islower():
        tokens[i + 1] = Token(tokens[i + 1].text.capitalize(), True)
    return True


def doubled_phrase(tokens: list[Token], rng: random.Random) -> bool:
    if len(tokens) < 5:
        return False
    size = rng.randint(1, 3)
    i = rng.randrange(0, len(tokens) - size)
    phrase = [Token(t.text.strip(".,;:"), True) for t in tokens[i:i + size]]
    if not all(t.text for t in phrase):
        return False
    tokens[i + size:i + size] = phrase
    return True


def glued_fragment(tokens: list[Token], rng: random.Random, other: list[str] | None = None) -> bool:
    """The sentence loses its end and runs into the start of another, unpunctuated."""
    if not other or len(tokens) < 6:
        return False
    if tokens[-1].text in ".!?":
        tokens.pop()
    elif tokens[-1].text[-1:] in ".!?":
        tokens[-1] = Token(tokens[-1].text[:-1], tokens[-1].bad)
    if rng.random() < 0.5:
        del tokens[rng.randrange(len(tokens) // 2, len(tokens)):]
    tokens[-1].bad = True
    follow = other[: rng.randint(3, 8)]
    tokens.extend([Token(follow[0], True)] + [Token(w) for w in follow[1:]])
    return True


def swap_neighbours(tokens: list[Token], rng: random.Random) -> bool:
    if len(tokens) < 4:
        return False
    i = rng.randrange(1, len(tokens) - 2)
    if tokens[i].text.lower() == tokens[i + 1].text.lower():
        return False
    tokens[i], tokens[i + 1] = Token(tokens[i + 1].text, True), Token(tokens[i].text, True)
    return True


def move_word(tokens: list[Token], rng: random.Random) -> bool:
    words = _words(tokens)[1:]
    if len(words) < 5:
        return False
    i = rng.choice(words)
    word = tokens.pop(i)
    j = min(len(tokens), max(1, i + rng.choice((-4, -3, -2, 2, 3, 4))))
    tokens.insert(j, Token(word.text, True))
    return True


def drop_function_word(tokens: list[Token], rng: random.Random) -> bool:
    spots = [i for i in range(1, len(tokens) - 1) if tokens[i].text in FUNCTION_WORDS]
    if not spots:
        return False
    i = rng.choice(spots)
    del tokens[i]
    tokens[i].bad = True  # the word where the sentence breaks
    return True


def wrong_preposition(tokens: list[Token], rng: random.Random) -> bool:
    spots = [i for i, t in enumerate(tokens) if t.text in PREPOSITIONS]
    if not spots:
        return False
    i = rng.choice(spots)
    tokens[i] = Token(rng.choice([p for p in PREPOSITIONS if p != tokens[i].text]), True)
    return True


def wrong_article(tokens: list[Token], rng: random.Random) -> bool:
    names = [i for i in _words(tokens)[1:] if tokens[i].text[0].isupper() and tokens[i - 1].text.islower()
             and tokens[i - 1].text not in ("the", "a", "an")]
    articles = [i for i, t in enumerate(tokens[:-1]) if t.text in ("the", "a", "an") and i > 0]
    if names and (not articles or rng.random() < 0.5):
        i = rng.choice(names)
        tokens.insert(i, Token("the", True))
        return True
    if articles:
        i = rng.choice(articles)
        del tokens[i]
        tokens[i].bad = True
        return True
    return False


def agreement(tokens: list[Token], rng: random.Random) -> bool:
    spots = [i for i, t in enumerate(tokens) if t.text in AGREEMENT]
    if not spots:
        return False
    i = rng.choice(spots)
    tokens[i] = Token(AGREEMENT[tokens[i].text], True)
    return True


def near_miss(tokens: list[Token], rng: random.Random) -> bool:
    """A content word replaced by a frequent word of similar spelling (breakdown → breakthrough)."""
    index = _near_miss_index()
    spots = [i for i in _words(tokens)[1:] if tokens[i].text.islower() and len(tokens[i].text) >= 6
             and len(index.get(tokens[i].text[:5], ())) > 1]
    if not spots:
        return False
    i = rng.choice(spots)
    options = [w for w in index[tokens[i].text[:5]] if w != tokens[i].text][:8]
    tokens[i] = Token(rng.choice(options), True)
    return True


# Kinds the fixers (tagger, post-editor) never train on: the fix benchmark reports how well
# they repair damage they have not seen. The detector trains on every kind.
FIX_HELD_OUT_KINDS = ("moved_word", "agreement")

KINDS: dict[str, Callable[..., bool]] = {
    "capitalised_common": capitalise_common, "title_case_run": title_case_run,
    "lowercased_name": lowercase_name, "lowercase_start": lowercase_start, "stray_stop": stray_stop,
    "bracket_leftover": bracket_leftover, "doubled_phrase": doubled_phrase, "glued_fragment": glued_fragment,
    "swapped_neighbours": swap_neighbours, "moved_word": move_word, "dropped_function_word": drop_function_word,
    "wrong_preposition": wrong_preposition, "wrong_article": wrong_article, "agreement": agreement,
    "near_miss": near_miss,
}


def tokenize(sentence: str) -> list[Token]:
    """Words and punctuation as separate tokens (a full stop inside "U.S." stays)."""
    return [Token(m.group()) for m in re.finditer(r"\w+(?:[’'\-.]\w+)*|[^\w\s]", sentence)]


_NO_SPACE_BEFORE = set(".,;:!?)]}”’%")
_NO_SPACE_AFTER = set("([{“‘$")


def detokenize(tokens: list[Token]) -> tuple[str, list[tuple[int, int]]]:
    """Text from tokens with ordinary spacing, and the character spans of the bad ones."""
    out, bad = "", []
    quote_open = False  # straight double quotes alternate between opening and closing
    for i, token in enumerate(tokens):
        previous = tokens[i - 1].text if i else ""
        glue = (i == 0 or token.text in _NO_SPACE_BEFORE or previous in _NO_SPACE_AFTER
                or (token.text == '"' and quote_open) or (previous == '"' and quote_open))
        if token.text == '"':
            quote_open = not quote_open
        if not glue:
            out += " "
        if token.bad:
            bad.append((len(out), len(out) + len(token.text)))
        out += token.text
    return out, bad


def damage(sentence: str, rng: random.Random, kinds: list[str], other: str | None = None):
    """SENTENCE with the damage KINDS applied (those that apply): (text, bad spans, kinds done)."""
    tokens = tokenize(sentence)
    done = []
    for kind in kinds:
        operation = KINDS[kind]
        applied = operation(tokens, rng, other.split()) if kind == "glued_fragment" else operation(tokens, rng)
        if applied:
            done.append(kind)
    text, bad = detokenize(tokens)
    return text, bad, done


def clean_sentences(split: str) -> list[tuple[str, str]]:
    """(clean sentence, group): MLQE post-edits and error-free MQM news and TED translations
    of the SPLIT's documents (train, tune or test; MLQE dev post-edits are the test part)."""
    out = []
    if split in ("train", "tune"):
        out += [(e.meta["post_edit"], e.group) for e in mlqe("train", tune_share=0.1) if e.split == split]
    else:
        out += [(e.meta["post_edit"], e.group) for e in mlqe("dev")]
    out += [(e.text, e.group) for e in mqm() if e.split == split and e.meta["no_error"]]
    return [(text, group) for text, group in dict(out).items() if 4 <= len(text.split()) <= 60]


def synthetic_examples(per_split: dict[str, int] | None = None, seed: int = 7) -> list[Example]:
    """Damaged sentences (garbled, bad spans known) and their clean originals (fine)."""
    per_split = per_split or {"train": 14_000, "tune": 1_500, "test": 3_000}
    rng = random.Random(seed)
    out: list[Example] = []
    kinds = list(KINDS)
    for split, count in per_split.items():
        pool = clean_sentences(split)
        rng.shuffle(pool)
        for index, (clean, group) in enumerate(pool[:count]):
            chosen = [rng.choice(kinds)] if rng.random() < 0.6 else rng.sample(kinds, rng.randint(2, 3))
            other = pool[(index + 1) % len(pool)][0]
            text, bad, done = damage(clean, rng, chosen, other)
            if not done or text == clean:
                continue
            out.append(Example(text, "synthetic", split, 1.0, None, bad, "+".join(done),
                               meta={"clean": clean, "kinds": done, "origin": group}))
            if index % 3 == 0:  # a third of the originals as clean examples, every word fine
                out.append(Example(clean, "synthetic", split, 0.0, None, [], "clean", meta={"origin": group}))
    return out
