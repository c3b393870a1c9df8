"""How fluent a text reads, measured exactly as `scan` measures it: the detector's
P(garbled) over the same LM features, plus the LM's mean and total token surprisal; or the
LM's surprisal alone, which is what screening many edited copies of one sentence can afford."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mtfix.detector.model import Detector
from mtfix.features import sentence_view
from mtfix.lm.scorer import LMScorer
from mtfix.lm.types import TokenScores


@dataclass(frozen=True)
class Fluency:
    p_garbled: float
    mean_nll: float  # nats per token
    total_nll: float
    tokens: int


@dataclass(frozen=True)
class Surprisal:
    """What the LM alone says of a text (no detector): nats in total and per token."""

    total_nll: float
    tokens: int

    @property
    def mean_nll(self) -> float:
        return self.total_nll / self.tokens if self.tokens else 0.0

    @classmethod
    def of(cls, logprob: np.ndarray) -> Surprisal:
        return cls(float(-np.asarray(logprob, np.float64).sum()), len(logprob))


class FluencyMeter:
    """Measures texts in batches and remembers them and the LM's reading of them: sources
    and the reranker ask about the same texts (the tagger reads each sentence and the edited
    copy it reads next, which the reranker then measures), and the LM pass is the expensive
    part."""

    def __init__(self, scorer: LMScorer, detector: Detector) -> None:
        self.scorer = scorer
        self.detector = detector
        self.known: dict[str, Fluency] = {}
        self.readings: dict[str, TokenScores] = {}

    def read(self, texts: list[str]) -> list[TokenScores]:
        """The scorer's token scores of each text (with the hidden states it returns), read
        once until `forget`."""
        missing = [t for t in dict.fromkeys(texts) if t not in self.readings]
        if missing:
            self.readings.update(zip(missing, self.scorer.score(missing)))
        return [self.readings[t] for t in texts]

    def measure(self, texts: list[str]) -> dict[str, Fluency]:
        missing = [t for t in dict.fromkeys(texts) if t not in self.known]
        if missing:
            linting = self.detector.lint_ahead(missing)  # beside the LM pass
            for text, tokens in zip(missing, self.read(missing)):
                probability = self.detector.analyse(sentence_view(text, tokens)).p_garbled
                surprisal = Surprisal.of(tokens.logprob)
                self.known[text] = Fluency(probability, surprisal.mean_nll, surprisal.total_nll, surprisal.tokens)
            linting.join()
        return {t: self.known[t] for t in texts}

    def forget(self) -> None:
        self.known.clear()
        self.readings.clear()
