"""The shared shape of a feature family: names, and one method that computes them."""

from __future__ import annotations

from dataclasses import dataclass

from mtfix.features.words import Word
from mtfix.lm.types import TokenScores


@dataclass
class SentenceView:
    """Everything a feature family may look at for one sentence."""

    text: str
    tokens: TokenScores
    words: list[Word]

    @property
    def alpha_words(self) -> list[Word]:
        return [w for w in self.words if w.is_alpha]

    @property
    def scored_words(self) -> list[Word]:
        return [w for w in self.words if w.tokens]


class FeatureFamily:
    """A group of related per-sentence features. Subclasses set `names` and `compute`."""

    names: tuple[str, ...] = ()

    def compute(self, view: SentenceView) -> dict[str, float]:
        raise NotImplementedError
