"""The trained detector: a word head (P(BAD) per word) and a sentence head (P(garbled) and a
quality score) over one LM's hidden states and the hand-made features.

One file, `models/detector-<lm>.npz`, holds both heads, the calibration, the thresholds and
a JSON card of provenance; `training/train_detector.py` writes it with `Detector.save`.
A detector reads one LM's states: `Detector.check_lm` refuses any other. The LM-independent
`detector-fallback.npz` reads hand-made features that need no LM (casing, punctuation,
lexicon, grammar) and is what a model without a trained detector gets.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from mtfix.detector import modelfile
from mtfix.detector.inputs import scored_words, sentence_inputs, word_inputs
from mtfix.detector.mlp import MLP
from mtfix.errors import ModelUnavailable
from mtfix.features import compute_features
from mtfix.features.base import SentenceView
from mtfix.features.lints import GrammarFeatures, lint_ahead

FORMAT = "mtfix-detector/2"
FALLBACK = "fallback"
# The sentence head pools its layers up to this one from the sentence read alone, even in
# document context. The heads were trained on sentences read alone, and the early layers
# carry the tokens and their positions, not the document: after a long context their
# states shrink (layer 2's norms by about a sixth), which the head reads as garbling, most
# in short sentences, whose pooled states are few. Chosen on the MQM tune documents read in
# context (AUROC within length quartiles): layer 2 alone 0.656, every layer in context
# 0.646, layers 2 and 16 alone 0.634 (benchmarks/RESULTS.md, "Document context").
ALONE_UP_TO = 2


@dataclass
class Analysis:
    """What the detector makes of one sentence."""

    p_garbled: float
    quality: float
    word_bad: list[float]  # P(BAD) of each scored word, in order
    features: dict[str, float] = field(default_factory=dict)


@dataclass
class Detector:
    lm: str | None  # the LM whose states the heads read; None: LM-independent
    layers: tuple[int, ...]  # hidden layers the scorer must return, in this order
    word_layers: list[int]  # rows of those layers the word head reads
    sentence_layers: list[int]  # rows the sentence head pools
    hand_features: list[str]
    word_head: MLP | None
    sentence_head: MLP
    calibration: tuple[float, float]  # P(garbled) = sigmoid(a · logit + b)
    threshold: float
    word_threshold: float
    digest: str = ""
    card: dict = field(default_factory=dict)

    # -- reading and writing -------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path) -> "Detector":
        try:
            raw = Path(path).read_bytes()
            return cls.from_bytes(raw)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelUnavailable(f"cannot read detector {path}: {exc}") from exc

    @classmethod
    def from_bytes(cls, raw: bytes) -> "Detector":
        card, arrays, digest = modelfile.read(raw, FORMAT)
        return cls(
            lm=card["lm"], layers=tuple(card["layers"]), word_layers=list(card["word_layers"]),
            sentence_layers=list(card["sentence_layers"]), hand_features=list(card["hand_features"]),
            word_head=MLP.from_arrays(arrays, "word") if "word.w0" in arrays else None,
            sentence_head=MLP.from_arrays(arrays, "sentence"),
            calibration=tuple(card["calibration"]), threshold=float(card["threshold"]),
            word_threshold=float(card["word_threshold"]), digest=digest, card=card)

    def save(self, path: str | Path) -> None:
        card = {**self.card, "format": FORMAT, "lm": self.lm, "layers": list(self.layers),
                "word_layers": self.word_layers, "sentence_layers": self.sentence_layers,
                "hand_features": self.hand_features, "calibration": list(self.calibration),
                "threshold": self.threshold, "word_threshold": self.word_threshold}
        heads = {"sentence": self.sentence_head, **({"word": self.word_head} if self.word_head else {})}
        modelfile.write(path, card, heads)

    # -- which LM ------------------------------------------------------------------------
    @property
    def is_fallback(self) -> bool:
        return self.lm is None

    def check_lm(self, model: str) -> None:
        """Refuse to read MODEL's states with heads trained on another LM's."""
        if self.lm is not None and self.lm != model:
            raise ModelUnavailable(
                f"the detector was trained on {self.lm}'s hidden states, not {model}'s: give --detector a "
                f"detector trained for {model} (python -m training.train_detector --model {model}), "
                f"or leave --detector out to use the LM-independent fallback")

    @property
    def alone_layers(self) -> list[int]:
        """The layers (not rows) the sentence head pools from the sentence read alone (none
        for a detector that reads no states, like the fallback)."""
        return [self.layers[row] for row in self.sentence_layers if 1 <= self.layers[row] <= ALONE_UP_TO]

    @property
    def reads_lints(self) -> bool:
        """Whether the sentence head reads harper's lints."""
        return any(name in self.hand_features for name in GrammarFeatures.names)

    def lint_ahead(self, texts: Iterable[str]) -> threading.Thread:
        """Lint TEXTS in a background thread beside the LM pass (`features.lints.lint_ahead`)
        when the sentence head reads the lints; otherwise a thread with nothing to do."""
        return lint_ahead(texts if self.reads_lints else ())

    @property
    def signature(self) -> str:
        return f"detector:{self.digest}"

    # -- inference -----------------------------------------------------------------------
    def analyse(self, view: SentenceView, alone: np.ndarray | None = None) -> Analysis:
        """ALONE: the pooled states of `alone_layers` with the sentence read alone, when VIEW
        was read in context (`LMScorer.pooled_alone`)."""
        hand = compute_features(view, self.hand_features)
        words = scored_words(view)
        bad = np.zeros(0, np.float32)
        if self.word_head is not None and words and view.tokens.hidden is not None:
            bad = _sigmoid(self.word_head(word_inputs(view, words, self.word_layers))[:, 0])
        if self.word_head is not None and view.tokens.hidden is not None and len(view.tokens):
            pooled = None
            if alone is not None:
                pooled = {self.layers.index(layer): state for layer, state in zip(self.alone_layers, alone)}
            row = sentence_inputs(view, hand, self.hand_features, self.sentence_layers, bad, pooled)
        else:
            row = np.array([hand.get(name, 0.0) for name in self.hand_features], np.float32)
            if self.word_head is not None:  # an empty sentence: no states to read
                row = np.zeros(self.sentence_head.inputs, np.float32)
        out = self.sentence_head(row[None, :])[0]
        a, b = self.calibration
        p_garbled = float(_sigmoid(np.array([a * out[0] + b]))[0])
        quality = float(out[1]) if len(out) > 1 else 1.0 - p_garbled
        return Analysis(p_garbled, quality, [float(x) for x in bad], hand)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


# -- the bundled detectors ---------------------------------------------------------------
def bundled_path(lm: str) -> Path | None:
    """models/detector-<lm>.npz shipped with mtfix, if there is one for this LM."""
    name = f"detector-{lm.replace('/', '--')}.npz"
    candidate = resources.files("mtfix.bundled").joinpath(name)
    return Path(str(candidate)) if candidate.is_file() else None


def detector_for(model: str, path: str | Path | None = None) -> tuple[Detector, str | None]:
    """The detector to use with MODEL, and a note to show when it is not one trained for it."""
    if path is not None:
        detector = Detector.load(path)
        detector.check_lm(model)
        return detector, None
    own = bundled_path(model)
    if own is not None:
        return Detector.load(own), None
    fallback = Detector.load(bundled_path(FALLBACK))
    note = (f"no detector is trained for {model}: garbled probabilities come from the LM-independent "
            f"fallback (casing, punctuation, lexicon and grammar features); train one with "
            f"`python -m training.train_detector --model {model}`")
    return fallback, note
