"""What the detector's heads read: one row per word for the word head, one row per sentence
for the sentence head. Training and `scan` build them with these same functions, so the
heads never see inputs computed another way."""

from __future__ import annotations

import math

import numpy as np

from mtfix.features.base import SentenceView
from mtfix.features.casing import common_words, suspicious_capitals
from mtfix.features.words import Word

WORD_SCALARS = ("surprisal", "max_token_surprisal", "mean_token_surprisal", "entropy_before", "log_rank",
                "next_surprisal", "next2_surprisal", "has_next", "unigram_logprob", "slor", "capitalised",
                "all_caps", "digit", "punctuation", "stray_capital", "quoted", "first", "position", "tokens",
                "common", "bracketed")
STATE_OFFSETS = (0, 1, 2)  # the state after the word's last token, and after the next two tokens
WORD_AGGREGATES = ("word_bad_max", "word_bad_mean", "word_bad_top2", "word_bad_share")


def quoted_positions(text: str) -> np.ndarray:
    """True for each character inside a quotation (curly or straight double quotes)."""
    inside = np.zeros(len(text) + 1, bool)
    state = False
    for index, char in enumerate(text):
        if char == "“" or (char == '"' and not state):
            state = True
        elif char == "”" or (char == '"' and state):
            inside[index] = True
            state = False
            continue
        inside[index] = state
    return inside


def bracketed_positions(text: str) -> np.ndarray:
    inside = np.zeros(len(text) + 1, bool)
    depth = 0
    for index, char in enumerate(text):
        if char == "[":
            depth += 1
        inside[index] = depth > 0
        if char == "]" and depth:
            depth -= 1
    return inside


def scored_words(view: SentenceView) -> list[Word]:
    """The words the word head judges: every word the LM saw at least one token of."""
    return [w for w in view.words if w.tokens]


def word_scalars(view: SentenceView, words: list[Word]) -> np.ndarray:
    tokens = view.tokens
    n = len(tokens)
    nll = -np.asarray(tokens.logprob, np.float64)
    following = -np.asarray(tokens.next_logprob if tokens.next_logprob is not None else np.zeros(2), np.float64)
    after = np.concatenate([nll, following, np.zeros(2)])
    has_after = np.concatenate([np.ones(n), (following != 0).astype(float), np.zeros(2)])
    stray = {id(w) for w in suspicious_capitals(view.words)}
    quoted, bracketed = quoted_positions(view.text), bracketed_positions(view.text)
    rows = []
    for index, word in enumerate(words):
        a, b = word.first_token, word.last_token + 1
        text = word.text
        rows.append((
            nll[a:b].sum(), nll[a:b].max(), nll[a:b].mean(), float(tokens.entropy[a]),
            math.log(float(tokens.rank[a])), after[b], after[b + 1], has_after[b], word.unigram_logprob,
            word.lm_logprob - word.unigram_logprob, float(text[:1].isupper()),
            float(text.isupper() and len(text) > 1), float(text[:1].isdigit()), float(not text[:1].isalnum()),
            float(id(word) in stray), float(quoted[word.start]), float(index == 0),
            word.start / max(1, len(view.text)), float(b - a), float(text.lower() in common_words()),
            float(bracketed[word.start]),
        ))
    return np.array(rows, np.float32).reshape(len(words), len(WORD_SCALARS))


def word_inputs(view: SentenceView, words: list[Word], layers: list[int]) -> np.ndarray:
    """(words, inputs): the scalars, then for each layer (rows of `view.tokens.hidden`) the
    states at STATE_OFFSETS after each word's last token."""
    parts = [word_scalars(view, words)]
    hidden = view.tokens.hidden
    if layers and words:
        ends = np.array([w.last_token for w in words])
        for layer in layers:
            for offset in STATE_OFFSETS:
                parts.append(hidden[layer, ends + offset])
    return np.hstack(parts) if words else np.zeros((0, sum(p.shape[1] for p in parts)), np.float32)


def word_aggregates(bad: np.ndarray) -> list[float]:
    if len(bad) == 0:
        return [0.0] * len(WORD_AGGREGATES)
    top = np.sort(bad)[::-1]
    return [float(top[0]), float(bad.mean()), float(top[:2].mean()), float((bad >= 0.5).mean())]


def sentence_inputs(view: SentenceView, hand: dict[str, float], hand_names: list[str], layers: list[int],
                    bad: np.ndarray, pooled: dict[int, np.ndarray] | None = None) -> np.ndarray:
    """The sentence head's row: hand-made features, word-head aggregates, then the
    mean-pooled states of each layer (rows of `view.tokens.hidden`), or the state POOLED
    gives for that row."""
    parts = [np.array([hand.get(name, 0.0) for name in hand_names], np.float32),
             np.array(word_aggregates(bad) if len(WORD_AGGREGATES) else [], np.float32)]
    n = len(view.tokens)
    for layer in layers:
        if pooled and layer in pooled:
            parts.append(pooled[layer])
        else:
            parts.append(view.tokens.hidden[layer, :n].mean(axis=0) if n else
                         np.zeros(view.tokens.hidden.shape[2], np.float32))
    return np.concatenate(parts)
