"""Per-sentence features for the garbling classifier, one module per family."""

from __future__ import annotations

from collections.abc import Collection

from mtfix.features.base import FeatureFamily, SentenceView
from mtfix.features.casing import CasingFeatures
from mtfix.features.grammar import GrammarFeatures
from mtfix.features.lexicon import LexiconFeatures
from mtfix.features.punctuation import PunctuationFeatures
from mtfix.features.surprisal import SurprisalFeatures
from mtfix.features.words import align
from mtfix.lm.scorer import TokenScores

FAMILIES: tuple[FeatureFamily, ...] = (SurprisalFeatures(), LexiconFeatures(), CasingFeatures(),
                                       PunctuationFeatures(), GrammarFeatures())
FEATURE_NAMES: tuple[str, ...] = tuple(n for family in FAMILIES for n in family.names)


def sentence_view(text: str, tokens: TokenScores) -> SentenceView:
    return SentenceView(text, tokens, align(text, tokens))


def compute_features(view: SentenceView, names: Collection[str] | None = None) -> dict[str, float]:
    """The features of VIEW: of every family, or of the families that give one of NAMES
    (a detector computes only what its head reads: harper's lints cost as much as the rest)."""
    values: dict[str, float] = {}
    for family in FAMILIES:
        if names is None or any(name in names for name in family.names):
            values.update(family.compute(view))
    return values
