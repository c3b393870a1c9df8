"""Test doubles made for the unit tier: a tiny deterministic LM scorer and an LM-independent
detector, so pipeline logic (offsets, filters, formats, config, writes) is tested in
seconds. They claim nothing about quality; the integration tier uses the real models."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np

from mtfix.detector.mlp import MLP
from mtfix.detector.model import Detector
from mtfix.lm.types import Reading, TokenScores, Window

REPO = Path(__file__).resolve().parents[1]
# A garbled sentence of the seeds in a small article, for the tests that run the real model.
SUMMIT_GARBLED = ("One of the following America Proposed summit between US President Joe Biden And their "
                  "Russian colleagues Vladimir Putin Can according to Kremlin Take place in June.")
SUMMIT_ARTICLE = ["Summit plans", "",
                  "Tensions between the two countries have grown in recent months. " + SUMMIT_GARBLED
                  + " Officials said the date was not yet fixed.", "",
                  "Café owners near the lake expect more visitors – and higher prices – during the meeting."]


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path | None = None,
            env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `mtfix ARGS` in a fresh process, the way a user would."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    return subprocess.run([sys.executable, "-m", "mtfix.cli", *args], input=stdin, capture_output=True,
                          cwd=cwd or REPO, env=env, timeout=900)


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

    def window_batches(self, windows: list[Window], progress=None, keep: bool = False):
        """All WINDOWS in one batch; with KEEP, readings that keep no keys, values or logits."""
        self.calls += 1
        out = [[self._score(window.text[start:end]) for start, end in window.spans] for window in windows]
        if progress:
            progress(sum(len(w.spans) for w in windows))
        yield list(range(len(windows))), out, [self.reading(w.text) for w in windows] if keep else None

    def encode(self, texts, limit=None):
        """Token 'ids' that stand for the tokens' texts (the same token, the same id)."""
        return [([zlib.crc32(text[s:e].encode()) for s, e in scores.offsets], scores.offsets)
                for text, scores in ((t, self._score(t)) for t in texts)]

    def reading(self, text: str, k: int = 0) -> Reading:
        scores = self._score(text)
        return Reading(text, self.encode([text])[0][0], scores, np.zeros((len(scores), k), np.int64))

    def probe(self, reading: Reading, wanted: dict[int, list[int]]) -> dict[int, dict[int, float]]:
        return {}

    def read_variants_of(self, items) -> list[np.ndarray]:
        return [self._score(text).logprob for _, text in items]

    def score(self, texts, progress=None) -> list[TokenScores]:
        return [self._score(text) for text in texts]


class FavouringScorer(FakeScorer):
    """The fake LM, reading variants too: the word DISFAVOURED costs a nat more (so it is the
    most surprising word), and a text holding FAVOURED reads BONUS nats cheaper at its last
    token. Counts the variants read."""

    disfavoured = "breakthrough"

    def __init__(self, favoured: str, bonus: float) -> None:
        super().__init__()
        self.favoured, self.bonus, self.variants_read, self.texts_read = favoured, bonus, 0, 0

    def _score(self, text: str):
        scores = super()._score(text)
        for index, (start, end) in enumerate(scores.offsets):
            if text[start:end].strip() == self.disfavoured:
                scores.logprob[index] -= 1.0
        if f" {self.favoured}" in text:
            scores.logprob[-1] += self.bonus
        return scores

    def window_batches(self, windows, progress=None, keep: bool = False):
        self.texts_read += len(windows)
        yield from super().window_batches(windows, progress, keep)

    def read(self, texts, k: int = 0):
        return [self.reading(text, k) for text in texts]

    def probe(self, reading, wanted):
        """A probed token reads as likely as the token it would replace, FAVOURED more so."""
        favoured = zlib.crc32(f" {self.favoured}".encode())
        return {p: {i: float(reading.scores.logprob[p]) + (1.0 if i == favoured else 0.0) for i in ids}
                for p, ids in wanted.items()}

    def read_variants_of(self, items):
        self.variants_read += len(items)
        return super().read_variants_of(items)


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


def target(text: str, path: str = "t.txt"):
    """TEXT as the one flagged sentence of a document: a FixTarget."""
    from mtfix.document import Document, Mark, Sentence
    from mtfix.fix.candidate import FixTarget

    document = Document(path, text, "utf-8")
    sentence = Sentence(0, len(text), text, 0, marks=[Mark("garbled", "detector")])
    document.sentences = [sentence]
    return FixTarget.of(document, sentence)


class StandInSource:
    """A stand-in fix source: an upper-cased copy of the sentences in ANSWERS (all, when
    ANSWERS is None), and every sentence it was asked about, in order. A sentence in HOLD
    waits for `release` (to see what a stream shows before the rest is computed)."""

    def __init__(self, name: str = "stand-in", slow: bool = False, answers: set[str] | None = None,
                 hold: set[str] = frozenset()) -> None:
        import threading

        self.name, self.slow, self.answers, self.hold = name, slow, answers, hold
        self.seen: list[str] = []
        self.release = threading.Event()

    def propose(self, targets):
        from mtfix.fix.candidate import Candidate

        self.seen.extend(t.text for t in targets)
        if any(t.text in self.hold for t in targets):
            self.release.wait(timeout=30)
        return [[Candidate(t.text.upper(), self.name)] if self.answers is None or t.text in self.answers else []
                for t in targets]


def stand_in_fix_step(stand_ins: list[StandInSource], explicit: frozenset[str] = frozenset(),
                      cache_path: str | None = None, **settings):
    """The real Fix step with stand-in sources and a reranker that accepts every candidate."""
    from types import SimpleNamespace

    from mtfix.fix.candidate import SentenceFix, Suggestion
    from mtfix.fix.fixer import Fix
    from mtfix.settings import Settings

    def accept_all(targets, proposals):
        return [SentenceFix(t, [Suggestion(c.text, c.source, "", 1, 0, 1, 0, 1, 0, 1) for c in cs], len(cs))
                for t, cs in zip(targets, proposals)]

    detect = SimpleNamespace(model="fake", detector=stray_detector())
    settings = {"sources": ("grammar",), **settings}  # a registered name; the stand-ins do the work
    step = Fix(detect, Settings(explicit=explicit, **settings), cache_path=cache_path)
    step._sources = stand_ins
    step._reranker = SimpleNamespace(rank=accept_all)
    step.context.__dict__["meter"] = SimpleNamespace(forget=lambda: None)
    return step
