"""Per-sentence features for the garbling classifier, one module per family."""

from __future__ import annotations

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


def compute_features(view: SentenceView) -> dict[str, float]:
    values: dict[str, float] = {}
    for family in FAMILIES:
        values.update(family.compute(view))
    return values
