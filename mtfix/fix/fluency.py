"""How fluent a text reads, measured exactly as `scan` measures it: the detector's
P(garbled) over the same LM features, plus the LM's mean and total token surprisal."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mtfix.detector.model import Detector
from mtfix.features import sentence_view
from mtfix.lm.scorer import LMScorer


@dataclass(frozen=True)
class Fluency:
    p_garbled: float
    mean_nll: float  # nats per token
    total_nll: float
    tokens: int


class FluencyMeter:
    """Measures texts in batches and remembers them: sources and the reranker ask about
    the same candidate texts, and the LM pass is the expensive part."""

    def __init__(self, scorer: LMScorer, detector: Detector) -> None:
        self.scorer = scorer
        self.detector = detector
        self.known: dict[str, Fluency] = {}

    def measure(self, texts: list[str]) -> dict[str, Fluency]:
        missing = [t for t in dict.fromkeys(texts) if t not in self.known]
        if missing:
            for text, tokens in zip(missing, self.scorer.score(missing)):
                probability = self.detector.analyse(sentence_view(text, tokens)).p_garbled
                nll = -np.asarray(tokens.logprob, dtype=np.float64)
                self.known[text] = Fluency(probability, float(nll.mean()) if len(nll) else 0.0,
                                           float(nll.sum()), len(nll))
        return {t: self.known[t] for t in texts}

    def forget(self) -> None:
        self.known.clear()
