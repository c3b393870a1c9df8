"""Test doubles made for the unit tier: a tiny deterministic LM scorer and an LM-independent
detector, so pipeline logic (offsets, filters, formats, config, writes) is tested in
seconds. They claim nothing about quality; the integration tier uses the real models."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import numpy as np

from mtfix.detector.mlp import MLP
from mtfix.detector.model import Detector
from mtfix.lm.scorer import TokenScores, Window

_TOKEN = re.compile(r"\s*(?:\w+|[^\w\s])")
STRAY_SIGNALS = ("midcap_common_rate", "stop_inside", "lower_start", "unbalanced", "repeated_word")


def _cost(token: str, first: bool) -> float:
    """Nats a made-up LM pays for TOKEN: punctuation 1, a known word 2 (+0.1 per letter, so
    texts differ), a capital mid-sentence on a common word 8, an unknown word 12."""
    from mtfix.features.casing import common_words
    from mtfix.features.words import unigram_logprob

    if not token[:1].isalnum():
        return 1.0
    if token[:1].isupper() and not first and token.lower() in common_words():
        return 8.0
    if unigram_logprob(token.lower()) < -16:
        return 12.0
    return 2.0 + 0.1 * (zlib.crc32(token.lower().encode()) % 10)


class FakeScorer:
    """Deterministic token 'log-probabilities' from a made-up cost per token (see _cost): the
    same text always scores the same. No hidden states."""

    name = "fake"
    device = "cpu"
    layers: tuple[int, ...] = ()
    batch_size = 32

    def __init__(self) -> None:
        self.calls = 0
        self.forward_seconds = 0.0

    def _score(self, text: str) -> TokenScores:
        offsets, logprob = [], []
        for match in _TOKEN.finditer(text):
            token = match.group().strip()
            offsets.append((match.start(), match.end()))
            logprob.append(-_cost(token, not logprob))
        n = len(offsets)
        return TokenScores(offsets, np.array(logprob, np.float32), np.arange(1, n + 1, dtype=np.int32),
                           np.full(n, 3.0, np.float32), next_logprob=np.zeros(2, np.float32))

    def score_windows(self, windows: list[Window], progress=None) -> list[list[TokenScores]]:
        self.calls += 1
        out = [[self._score(window.text[start:end]) for start, end in window.spans] for window in windows]
        if progress:
            progress(sum(len(w.spans) for w in windows))
        return out

    def score(self, texts, progress=None) -> list[TokenScores]:
        return [self._score(text) for text in texts]


def stray_detector() -> Detector:
    """P(garbled) high exactly when a sentence has a stray capital, a full stop inside, a
    lower-case start, unbalanced brackets or a doubled word (LM-independent features)."""
    names = list(STRAY_SIGNALS)
    head = MLP(np.zeros(len(names), np.float32), np.ones(len(names), np.float32),
               [np.full((len(names), 1), 40.0, np.float32)], [np.array([-3.0], np.float32)])
    return Detector(None, (), [], [], names, None, head, (1.0, 0.0), 0.5, 1.0, digest="fake0001",
                    card={"note": "test double"})


def save_stray_detector(folder: Path) -> Path:
    path = Path(folder) / "stray-detector.npz"
    stray_detector().save(path)
    return path
