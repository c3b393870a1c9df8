"""Pipeline step: LM-score sentences, compute features, classify, and mark suspect words."""

from __future__ import annotations

from collections.abc import Callable

from mtfix import __version__
from mtfix.cache import AnalysisCache
from mtfix.classifier import Detector, WordRule
from mtfix.document import Document, Sentence, Span
from mtfix.features import compute_features, sentence_view
from mtfix.features.casing import suspicious_capitals
from mtfix.features.words import Word
from mtfix.lm.scorer import MAX_TOKENS, LMScorer
from mtfix.normalize import normalize, span_to_original

MAX_SPANS = 3
RECORD_VERSION = 2  # of the cached analysis: 2 added per-word surprisal


class GarbleDetector:
    """Scores every sentence still labelled `ok`; labels it `garbled` above the threshold."""

    def __init__(self, scorer: LMScorer, detector: Detector, threshold: float | None = None,
                 cache: AnalysisCache | None = None) -> None:
        self.scorer = scorer
        self.detector = detector
        self.threshold = detector.threshold if threshold is None else threshold
        self.cache = cache
        self.allow: set[str] = set()  # case-folded words never highlighted

    @property
    def signature(self) -> str:
        return f"{self.scorer.signature}|{self.detector.signature}|threshold:{self.threshold:g}"

    @property
    def settings_key(self) -> str:
        """What a cached analysis depends on (the threshold is not part of it)."""
        return (f"{__version__}|{self.scorer.name}|int8:{self.scorer.int8}|{self.detector.digest}|{MAX_TOKENS}"
                f"|record:{RECORD_VERSION}")

    def run(self, items: list[tuple[Document, Sentence]],
            progress: Callable[[int], None] | None = None) -> None:
        normalized = [normalize(sentence.text) for _, sentence in items]
        analyses = self.analyse([text for text, _ in normalized], progress)
        features = [analyses[text]["features"] for text, _ in normalized]
        probabilities = self.detector.probability(features)
        for (document, sentence), (text, index_map), probability in zip(items, normalized, probabilities):
            sentence.features = analyses[text]["features"]
            sentence.score = float(probability)
            if probability >= self.threshold:
                sentence.label = "garbled"
            spans = self._spans(document, sentence, analyses[text]["spans"], index_map)
            sentence.spans = [s for s in spans if s.text.casefold() not in self.allow]
            sentence.words = [(*span_to_original(index_map, start, end), surprisal)
                              for start, end, surprisal in analyses[text]["words"]]

    def analyse(self, texts: list[str], progress: Callable[[int], None] | None = None) -> dict[str, dict]:
        """Features and suspect-word spans of each distinct text, from the cache or the LM."""
        known = self.cache.get_many(texts) if self.cache else {}
        missing = [text for text in dict.fromkeys(texts) if text not in known]
        if progress and len(known):
            progress(len(texts) - len(missing))
        fresh: dict[str, dict] = {}
        for text, tokens in zip(missing, self.scorer.score(missing, progress=progress)):
            view = sentence_view(text, tokens)
            spans = [[w.start, w.end, round(b, 3)] for b, w in suspect_words(view.words, self.detector.word_rule)]
            words = [[w.start, w.end, round(-w.lm_logprob, 2)] for w in view.words if w.tokens]
            fresh[text] = {"features": compute_features(view), "spans": spans, "words": words}
        if self.cache:
            self.cache.put_many(fresh)
        return {**known, **fresh}

    @staticmethod
    def _spans(document: Document, sentence: Sentence, spans: list[list], index_map: list[int]) -> list[Span]:
        """Suspect words as offsets into the original document."""
        out = []
        for word_start, word_end, badness in sorted(spans):
            local_start, local_end = span_to_original(index_map, word_start, word_end)
            start = document.to_original(sentence.content_start + local_start)
            end = document.to_original(sentence.content_start + local_end - 1) + 1
            out.append(Span(start, end, sentence.text[local_start:local_end], badness, local_start))
        return out


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
