"""Pipeline step: LM-score sentences, compute features, classify, and mark suspect words."""

from __future__ import annotations

from collections.abc import Callable

from mtfix.classifier import Detector, WordRule
from mtfix.document import Document, Sentence, Span
from mtfix.features import compute_features, sentence_view
from mtfix.features.casing import suspicious_capitals
from mtfix.features.words import Word
from mtfix.lm.scorer import LMScorer
from mtfix.normalize import normalize, span_to_original

MAX_SPANS = 3


class GarbleDetector:
    """Scores every sentence still labelled `ok`; labels it `garbled` above the threshold."""

    def __init__(self, scorer: LMScorer, detector: Detector, threshold: float | None = None) -> None:
        self.scorer = scorer
        self.detector = detector
        self.threshold = detector.threshold if threshold is None else threshold

    @property
    def signature(self) -> str:
        return f"{self.scorer.signature}|{self.detector.signature}|threshold:{self.threshold:g}"

    def run(self, items: list[tuple[Document, Sentence]],
            progress: Callable[[int], None] | None = None) -> None:
        normalized = [normalize(sentence.text) for _, sentence in items]
        token_scores = self.scorer.score([text for text, _ in normalized], progress=progress)
        views = [sentence_view(text, tokens) for (text, _), tokens in zip(normalized, token_scores)]
        features = [compute_features(view) for view in views]
        probabilities = self.detector.probability(features)
        for (document, sentence), (_, index_map), view, values, probability in zip(
                items, normalized, views, features, probabilities):
            sentence.features = values
            sentence.score = float(probability)
            if probability >= self.threshold:
                sentence.label = "garbled"
            sentence.spans = self._spans(document, sentence, view.words, index_map)

    def _spans(self, document: Document, sentence: Sentence, words: list[Word],
               index_map: list[int]) -> list[Span]:
        """The most suspect words, as offsets into the original document."""
        chosen = suspect_words(words, self.detector.word_rule)
        spans = []
        for badness, word in sorted(chosen, key=lambda pair: pair[1].start):
            local_start, local_end = span_to_original(index_map, word.start, word.end)
            start = document.to_original(sentence.content_start + local_start)
            end = document.to_original(sentence.content_start + local_end - 1) + 1
            spans.append(Span(start, end, sentence.text[local_start:local_end], round(badness, 3), local_start))
        return spans


def suspect_words(words: list[Word], rule: WordRule) -> list[tuple[float, Word]]:
    """Casing anomalies first, then the words the LM found most surprising (above the rule's
    threshold). The first word is left out: with no context every opening is surprising."""
    scored = {id(w): (rule.badness(w.lm_logprob, w.unigram_logprob), w)
              for w in words[1:] if w.tokens and w.is_alpha}
    chosen = [scored[id(w)] for w in suspicious_capitals(words) if id(w) in scored]
    ranked = sorted((pair for pair in scored.values() if pair[0] > rule.threshold), key=lambda p: -p[0])
    for pair in ranked:
        if len(chosen) >= MAX_SPANS:
            break
        if pair not in chosen:
            chosen.append(pair)
    return chosen[:MAX_SPANS]
