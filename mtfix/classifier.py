"""The garbling classifier: standardised features → logistic regression → probability.

Weights live in `models/detector.json` (installed as `mtfix.bundled`), written by
`models/train_detector.py`; see `models/CARD.md`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from mtfix.errors import ModelUnavailable

CLIP = 6.0  # standardised features beyond ±6 sd say nothing more, and would dominate


@dataclass
class WordRule:
    """A word is suspect when surprisal − beta·(unigram surprisal) exceeds `threshold`."""

    beta: float
    threshold: float

    def badness(self, lm_logprob: float, unigram_logprob: float) -> float:
        return -lm_logprob + self.beta * unigram_logprob


@dataclass
class Detector:
    features: list[str]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float
    word_rule: WordRule
    lm: str
    digest: str
    meta: dict

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Detector":
        try:
            raw = Path(path).read_bytes() if path else _bundled_bytes()
            data = json.loads(raw)
            return cls(
                features=list(data["features"]),
                mean=np.array(data["mean"], dtype=np.float64),
                scale=np.array(data["scale"], dtype=np.float64),
                weights=np.array(data["weights"], dtype=np.float64),
                bias=float(data["bias"]),
                threshold=float(data["threshold"]),
                word_rule=WordRule(**data["word_rule"]),
                lm=str(data["lm"]),
                digest=hashlib.sha1(raw).hexdigest()[:8],
                meta=data.get("meta", {}),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelUnavailable(f"cannot read detector weights {path or 'bundled'}: {exc}") from exc

    def matrix(self, rows: list[dict[str, float]]) -> np.ndarray:
        return np.array([[row.get(name, 0.0) for name in self.features] for row in rows], dtype=np.float64)

    def probability(self, rows: list[dict[str, float]]) -> np.ndarray:
        if not rows:
            return np.zeros(0)
        standard = np.clip((self.matrix(rows) - self.mean) / self.scale, -CLIP, CLIP)
        return 1.0 / (1.0 + np.exp(-(standard @ self.weights + self.bias)))

    @property
    def signature(self) -> str:
        return f"detector:{self.digest}"


def _bundled_bytes() -> bytes:
    return resources.files("mtfix.bundled").joinpath("detector.json").read_bytes()
