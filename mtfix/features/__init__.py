"""Per-sentence features for the garbling classifier, one module per family. The families
are the `mtfix.features` registry's (the built-ins, then plug-ins' entry points): a detector
reads the features named in its file, so a plug-in family counts once a detector is trained
with it (training/featurize.py computes every registered family)."""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache

from mtfix.features.base import FeatureFamily, SentenceView
from mtfix.features.words import align
from mtfix.lm.types import TokenScores


@lru_cache(maxsize=1)
def families() -> tuple[FeatureFamily, ...]:
    """One instance of every registered feature family, in registry order."""
    from mtfix.registry import FEATURES

    return tuple(family() for _, family in FEATURES.items())


def feature_names() -> tuple[str, ...]:
    """Every feature's name, family by family (the column order of training's feature matrix)."""
    return tuple(name for family in families() for name in family.names)


def sentence_view(text: str, tokens: TokenScores) -> SentenceView:
    return SentenceView(text, tokens, align(text, tokens))


def compute_features(view: SentenceView, names: Collection[str] | None = None) -> dict[str, float]:
    """The features of VIEW: of every family, or of the families that give one of NAMES
    (a detector computes only what its head reads: harper's lints cost as much as the rest)."""
    values: dict[str, float] = {}
    for family in families():
        if names is None or any(name in names for name in family.names):
            values.update(family.compute(view))
    return values
