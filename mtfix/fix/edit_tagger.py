"""The edit tagger: a small head on the LM's hidden states that predicts one edit tag per
word (see mtfix.fix.edits), reading the same per-word inputs as the detector's word head
(the states after the word and after the next two tokens, so it sees what follows).

One file, `models/tagger-<lm>.npz` (the format of mtfix.detector.modelfile): the head, its
tag list and the layers it reads, with a JSON card; `training/train_tagger.py` writes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mtfix.detector import modelfile
from mtfix.detector.inputs import scored_words, word_inputs
from mtfix.detector.mlp import MLP
from mtfix.errors import ModelUnavailable
from mtfix.features.base import SentenceView
from mtfix.fix.edits import KEEP

FORMAT = "mtfix-tagger/1"


@dataclass
class Tagger:
    lm: str
    layers: tuple[int, ...]  # hidden layers it reads (a subset of the detector's)
    tags: list[str]
    head: MLP
    min_probability: float = 0.5  # an edit is applied when its tag is this likely
    digest: str = ""
    card: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> "Tagger":
        try:
            card, arrays, digest = modelfile.read(Path(path).read_bytes(), FORMAT)
            return cls(card["lm"], tuple(card["layers"]), list(card["tags"]), MLP.from_arrays(arrays, "tagger"),
                       float(card["min_probability"]), digest, card)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelUnavailable(f"cannot read edit tagger {path}: {exc}") from exc

    def save(self, path: str | Path) -> None:
        card = {**self.card, "format": FORMAT, "lm": self.lm, "layers": list(self.layers), "tags": self.tags,
                "min_probability": self.min_probability}
        modelfile.write(path, card, {"tagger": self.head})

    def predict(self, view: SentenceView, rows: list[int]) -> tuple[list, list[str], list[float]]:
        """The scored words of VIEW, each one's most likely tag and that tag's probability.
        ROWS are the rows of `view.tokens.hidden` that hold this tagger's layers."""
        words = scored_words(view)
        if not words or view.tokens.hidden is None:
            return words, [], []
        logits = self.head(word_inputs(view, words, rows))
        logits = logits - logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        best = probabilities.argmax(axis=1)
        tags = [self.tags[i] if probabilities[r, i] >= self.min_probability else KEEP for r, i in enumerate(best)]
        return words, tags, [float(probabilities[r, i]) for r, i in enumerate(best)]


def bundled_tagger(lm: str) -> Path | None:
    from importlib import resources

    candidate = resources.files("mtfix.bundled").joinpath(f"tagger-{lm.replace('/', '--')}.npz")
    return Path(str(candidate)) if candidate.is_file() else None
