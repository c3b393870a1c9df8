"""The LM step: read sentences with the LM (each after the text before it in its document),
run the detector's heads, label garbled sentences and mark the words the word head finds bad.

Analyses are cached (SQLite, keyed by the text, its context and everything the analysis
depends on), and the LM is loaded only when a sentence is missing from the cache."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from mtfix import __version__, labels
from mtfix.cache import INTEGER, NUMBER, TEXT, AnalysisCache, EachValue, has_shape
from mtfix.detector.inputs import quoted_positions, scored_words
from mtfix.detector.model import Analysis, Detector
from mtfix.detector.nearmiss import NearMiss, NearMissCheck, best_of
from mtfix.document import Document, Label, Sentence, Span, WordScore
from mtfix.features import sentence_view
from mtfix.features.casing import suspicious_capitals
from mtfix.features.words import Word
from mtfix.lm.types import MAX_TOKENS, Reading, TokenScores, Window
from mtfix.lm.windows import WINDOW_CHARS, pack
from mtfix.normalize import normalize, span_to_original
from mtfix.pipeline.base import BatchStep
from mtfix.signature import code_digest

if TYPE_CHECKING:
    import numpy as np

MAX_SPANS = 12  # highlighted words per sentence (tuned: python -m training.tune_highlights)
COMMIT_WINDOWS = 128  # windows scored between cache commits
NAME_MARGIN = 0.15  # names, numbers and quotations need this much more P(BAD) to be highlighted
RECORD_VERSION = 5  # of the cached analysis: 4 = with the near miss, 5 = early layers pooled alone
# The near-miss check (detector/nearmiss.py; the near_miss setting, on by default) reads the
# sentences the heads score in [NEAR_MISS_FROM, the detector's threshold); one whose best near
# alternative gains NEAR_MISS_GAIN nats or more is flagged: the lowest gain that adds none of
# 400 clean sentences to the flagged on MQM tune and training documents read in context
# (bench_near_miss.py --grid --context). The floor bounds what the check costs a scan.
NEAR_MISS_FROM = 0.2
NEAR_MISS_GAIN = 6.0
# A check that reads at most this many windows (a re-check after an edit) may put off reading
# its near misses (Detect.defer): the language server shows the heads' findings first.
DEFER_WINDOWS = 2


# The code an analysis depends on: changing a feature invalidates the cache.
ANALYSIS_CODE = ("features/*.py", "detector/*.py", "lm/scorer.py", "lm/types.py", "lm/batching.py", "lm/kernels.py",
                 "lm/windows.py", "normalize.py", "pipeline/detect.py")


class Detect(BatchStep):
    """Scores every sentence still labelled `ok` and not suppressed; labels it `garbled` at or
    above the threshold (per path, when the settings say so), or, with NEAR_MISS, when the
    near-miss check finds a word the LM reads as a slip for another.

    SCORER is the LM (an `LMScorer`, or anything with its interface), or a function that
    makes it: it is called only when some sentence is not in the cache. THRESHOLD_FOR gives
    the threshold of a document's path (default: THRESHOLD, else the detector's)."""

    name = "detect"

    def __init__(self, scorer, detector: Detector, model: str, threshold: float | None = None,
                 cache: AnalysisCache | None = None, context: bool = True,
                 threshold_for: Callable[[str], float | None] | None = None,
                 allow: set[str] | frozenset[str] = frozenset(), device: str = "auto", near_miss: bool = True,
                 results: str = "") -> None:
        self._scorer = scorer
        self.detector = detector
        self.model = model
        self.device = device
        self.threshold = detector.threshold if threshold is None else threshold
        self.threshold_for = threshold_for
        self.cache = cache
        self.context = context
        self.allow = {word.casefold() for word in allow}  # words never highlighted
        self.near_miss = near_miss
        # the settings that change an analysis (mtfix.settings.results_key); a step made by
        # hand, without settings, is keyed on what it was given
        self.results = results or f"model={model}|context={context}|near-miss={near_miss}"
        self.progress: Callable[[int], None] | None = None  # called with each batch's sentence count
        # With DEFER, a check of at most DEFER_WINDOWS windows leaves its band sentences' near
        # misses unread (their records not cached) until the next check without it, which reads
        # them from what is kept here, by sentence key: (record, (start, end, its window's reading)).
        self.defer = False
        self.deferred: dict[str, tuple[dict, tuple[int, int, Reading]]] = {}

    @property
    def scorer(self):
        """The LM, made on first use."""
        if self.loaded_scorer is None:
            self._scorer = self._scorer()
        return self._scorer

    @property
    def loaded_scorer(self):
        """The LM if it has been made, else None."""
        return None if callable(self._scorer) and not hasattr(self._scorer, "window_batches") else self._scorer

    @property
    def signature(self) -> dict[str, str]:
        return {"lm": self.model, "device": self.device, "detector": self.detector.digest,
                "context": self.context_signature, "threshold": f"{self.threshold:g}",
                "near-miss": f"{NEAR_MISS_FROM:g}/{NEAR_MISS_GAIN:g}" if self.near_miss else "off"}

    @property
    def context_signature(self) -> str:
        """`off`, `on`, or `on/alone<=N` when the sentence head pools its layers up to N from
        the sentence read alone (Detector.alone_layers)."""
        if not self.context:
            return "off"
        layers = self.detector.alone_layers
        return f"on/alone<={max(layers)}" if layers else "on"

    @property
    def settings_key(self) -> str:
        """What a cached analysis depends on (the threshold is not part of it)."""
        return (f"{__version__}|{self.results}|{self.detector.digest}|code:{code_digest(*ANALYSIS_CODE)}|{MAX_TOKENS}"
                f"|{WINDOW_CHARS}|context:{self.context_signature}|record:{RECORD_VERSION}")

    def process_batch(self, documents: list[Document]) -> None:
        # ok sentences, and those a check flagged that the heads read too (mistranslated)
        items = [(d, s) for d in documents for s in d.sentences if labels.info(s.label).scored and not s.suppressed]
        if items:
            self.score(items)

    def threshold_of(self, path: str) -> float:
        if self.threshold_for is not None:
            chosen = self.threshold_for(path)
            if chosen is not None:
                return chosen
        return self.threshold

    def score(self, items: list[tuple[Document, Sentence]]) -> None:
        """Analyse ITEMS (sentences in document order) and fill in their labels and spans."""
        normalized = [normalize(sentence.text) for _, sentence in items]
        windows = self.windows(items, [text for text, _ in normalized])
        analyses = self.analyse(windows, self.progress)
        thresholds: dict[str, float] = {}
        for (document, sentence), (text, index_map), record in zip(items, normalized, analyses):
            sentence.features = record["features"]
            sentence.score = record["p"]
            sentence.quality = record["q"]
            if document.path not in thresholds:
                thresholds[document.path] = self.threshold_of(document.path)
            if sentence.score >= thresholds[document.path]:
                sentence.mark(Label.GARBLED, "detector")
            spans = self._spans(document, sentence, record["spans"], index_map)
            near = NearMiss.from_record(text, record["near"]) if record["near"] else None
            if near and near.gain >= NEAR_MISS_GAIN:
                before = document.content[max(0, sentence.content_start - WINDOW_CHARS):sentence.content_start]
                sentence.mark(Label.GARBLED, "near-miss", near.reason(before))
                bad = max((b for start, end, _, b in record["words"] if (start, end) == (near.start, near.end)),
                          default=0.0)
                [word] = self._spans(document, sentence, [[near.start, near.end, bad]], index_map)
                spans = _with_alternative(spans, word, near)
            sentence.spans = [s for s in spans if s.text.casefold() not in self.allow
                              and not _inside(s, document.protected)]
            sentence.words = [WordScore(*span_to_original(index_map, start, end), surprisal, bad)
                              for start, end, surprisal, bad in record["words"]]

    def windows(self, items: list[tuple[Document, Sentence]], texts: list[str]) -> list[tuple[Window, list[int]]]:
        """Each document's sentences packed into windows (alone without context), with the
        indices into ITEMS each window scores."""
        if not self.context:
            return [(Window.single(text), [i]) for i, text in enumerate(texts)]
        out: list[tuple[Window, list[int]]] = []
        begin = 0
        while begin < len(items):
            end = begin
            while end < len(items) and same_context(items[end][0], items[begin][0]):
                end += 1
            members = list(range(begin, end))
            for window, local in pack([texts[i] for i in members], [items[i][1].paragraph for i in members]):
                out.append((window, [members[j] for j in local]))
            begin = end
        return out

    def analyse(self, windows: list[tuple[Window, list[int]]],
                progress: Callable[[int], None] | None = None) -> list[dict]:
        """The analysis of every sentence of WINDOWS (in item order), from the cache or the LM."""
        count = sum(len(members) for _, members in windows)
        keys: list[str] = [""] * count
        for window, members in windows:
            for (start, end), index in zip(window.spans, members):
                keys[index] = f"{window.text[:start]}\x00{window.text[start:end]}"
        known = {k: v for k, v in (self.cache.get_many(keys) if self.cache else {}).items() if _is_record(v)}
        if not self.defer:
            known.update(self.read_deferred(keys, known))
        missing = [(w, m) for w, m in windows if any(keys[i] not in known for i in m)]
        defer = self.defer and self.near_miss and len(missing) <= DEFER_WINDOWS
        if self.defer:
            self.deferred = {}
        if progress and known:
            progress(count - sum(len(m) for _, m in missing))
        fresh: dict[str, dict] = {}
        for begin in range(0, len(missing), COMMIT_WINDOWS):  # committed as it goes: a killed run resumes
            chunk = missing[begin:begin + COMMIT_WINDOWS]
            done: dict[str, dict] = {}
            linting = self.detector.lint_ahead(w.text[s:e] for w, _ in chunk for s, e in w.spans)
            # the near-miss check reads a batch's band sentences while the LM's reading of their
            # windows (keys, values and logits) is kept, so no window is read twice
            for batch, read, readings in self.scorer.window_batches([w for w, _ in chunk], progress=progress,
                                                                   keep=self.near_miss):
                windows = [chunk[i] for i in batch]
                places: dict[str, tuple[int, int, int]] = {}  # key: (its window in the batch, its start, its end)
                tokens: dict[str, TokenScores] = {}
                for number, ((window, members), per_sentence) in enumerate(zip(windows, read)):
                    for (start, end), index, scores in zip(window.spans, members, per_sentence):
                        # a known sentence was read again only for a later one's sake (an edit after it)
                        if keys[index] not in known:
                            places[keys[index]] = (number, start, end)
                            tokens[keys[index]] = scores
                alone = self.pooled_alone([w for w, _ in windows], places.values())
                for key, (number, start, end) in places.items():
                    done[key] = self.analysis_record(windows[number][0].text[start:end], tokens[key],
                                                     alone.get((number, start)))
                band = self.near_miss_band(done, places, readings)
                if defer:
                    self.deferred.update({key: (done[key], place) for key, place in band.items()})
                else:
                    self.read_near_misses(done, band)
            linting.join()
            if self.cache:
                self.cache.put_many({key: record for key, record in done.items() if key not in self.deferred})
            fresh.update(done)
        return [known.get(key) or fresh[key] for key in keys]

    def pooled_alone(self, windows: list[Window],
                     spans: Iterable[tuple[int, int, int]]) -> dict[tuple[int, int], np.ndarray]:
        """The early layers' pooled states (Detector.alone_layers) of the sentences SPANS
        ((window number, start, end) in WINDOWS) that have text before them in their window,
        read alone; keyed by (window number, sentence start)."""
        layers = self.detector.alone_layers
        wanted = [(number, start, windows[number].text[start:end]) for number, start, end in spans if start > 0]
        if not layers or not wanted:
            return {}
        states = self.scorer.pooled_alone([text for _, _, text in wanted], layers)
        return {(number, start): state for (number, start, _), state in zip(wanted, states)}

    def near_miss_band(self, records: dict[str, dict], places: dict[str, tuple[int, int, int]],
                       readings: list[Reading] | None) -> dict[str, tuple[int, int, Reading]]:
        """Set the near miss of every record of PLACES (each sentence's window among READINGS,
        and where it starts and ends there) to None, and give the sentences the near-miss check
        reads: those the heads left in the band under the detector's threshold, whose flag it
        may change; by key, (start, end, its window's reading)."""
        for key in places:
            records[key]["near"] = None
        if not self.near_miss or readings is None:
            return {}
        return {key: (start, end, readings[number]) for key, (number, start, end) in places.items()
                if NEAR_MISS_FROM <= records[key]["p"] < self.detector.threshold}

    def read_near_misses(self, records: dict[str, dict], band: dict[str, tuple[int, int, Reading]]) -> None:
        """Set the near miss of each record of BAND to its best, or None. The words tried are
        those the LM found most surprising, each sentence read after the text before it in
        its window, as the heads read it: what came before tells the LM which word was meant
        ("relations … on the verge of breaking down")."""
        if not band:
            return
        keys = list(band)
        suspicion = [[(band[key][0] + start, band[key][0] + end, surprisal)
                      for start, end, surprisal, _ in records[key]["words"]] for key in keys]
        tried = NearMissCheck(self.scorer).tried([band[key][2] for key in keys], [band[key][1] for key in keys],
                                                 suspicion)
        for key, found in zip(keys, tried):
            miss = best_of(found)
            records[key]["near"] = miss.shifted(-band[key][0]).as_record() if miss else None

    def read_deferred(self, keys: list[str], known: dict[str, dict]) -> dict[str, dict]:
        """The records of KEYS whose near misses a deferring check left unread, read now and
        cached; the rest of what was deferred is dropped (its text has changed since)."""
        wanted = {key: self.deferred[key] for key in keys if key not in known and key in self.deferred}
        self.deferred = {}
        records = {key: record for key, (record, _) in wanted.items()}
        if records:
            self.read_near_misses(records, {key: place for key, (_, place) in wanted.items()})
            if self.cache:
                self.cache.put_many(records)
        return records

    def analysis_record(self, text: str, tokens: TokenScores, alone: np.ndarray | None = None) -> dict:
        """What is cached of one sentence: P(garbled), quality, features, words and spans.
        ALONE: its early layers' pooled states read alone, when TOKENS were read in context."""
        view = sentence_view(text, tokens)
        analysis = self.detector.analyse(view, alone)
        words = scored_words(view)
        bad = analysis.word_bad if analysis.word_bad else [0.0] * len(words)
        return {
            "p": round(analysis.p_garbled, 5), "q": round(analysis.quality, 4),
            "features": {k: round(v, 5) for k, v in analysis.features.items()},
            "words": [[w.start, w.end, round(-w.lm_logprob, 2), round(b, 3)] for w, b in zip(words, bad)],
            "spans": [[w.start, w.end, round(b, 3)] for b, w in highlighted(view.text, view.words, words, bad,
                                                                            self.detector, analysis)],
        }

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


RECORD_SHAPE = {"p": NUMBER, "q": NUMBER, "features": EachValue(NUMBER), "words": [(INTEGER, INTEGER, NUMBER, NUMBER)],
                "spans": [(INTEGER, INTEGER, NUMBER)], "near": {None, (INTEGER, INTEGER, TEXT, NUMBER)}}


def _with_alternative(spans: list[Span], word: Span, near: NearMiss) -> list[Span]:
    """SPANS (in text order) with WORD's span, added if missing, carrying the NEAR miss's
    alternative and gain."""
    rest = [s for s in spans if (s.start, s.end) != (word.start, word.end)]
    marked = Span(word.start, word.end, word.text, word.score, word.local_start, near.alternative, near.gain)
    return sorted(rest + [marked], key=lambda s: s.start)


def _is_record(value) -> bool:
    """A cached row that reads as an analysis record (anything else is analysed again)."""
    return has_shape(value, RECORD_SHAPE)


def _inside(span: Span, protected: list[tuple[int, int]]) -> bool:
    return any(start < span.end and span.start < end for start, end in protected)


def same_context(one: Document, other: Document) -> bool:
    """Sentences of one document, or of documents of one group, are read together."""
    return one is other or (one.group is not None and one.group == other.group)


def looks_like_name_or_figure(word: Word, index: int, stray: set[int], quoted) -> bool:
    """Names, numbers and quoted words are often rare; rarity alone must not mark them."""
    text = word.text
    capitalised = text[:1].isupper() and index > 0 and id(word) not in stray
    return capitalised or text[:1].isdigit() or bool(quoted[word.start])


def highlighted(text: str, all_words: list[Word], words: list[Word], bad: list[float], detector: Detector,
                analysis: Analysis, margin: float = NAME_MARGIN, cap: int = MAX_SPANS) -> list[tuple[float, Word]]:
    """The words to highlight, worst first: P(BAD) over the word threshold (with MARGIN more
    for names, numbers and quotations), at most CAP; without a word head, the casing anomalies."""
    stray = {id(w) for w in suspicious_capitals(all_words)}
    if detector.word_head is None:
        return [(1.0, w) for w in all_words if id(w) in stray][:cap]
    quoted = quoted_positions(text)
    chosen = []
    for index, (word, p) in enumerate(zip(words, bad)):
        bar = detector.word_threshold + (margin if looks_like_name_or_figure(word, index, stray, quoted) else 0)
        if p >= bar and (word.text[:1].isalnum() or p >= bar + margin):
            chosen.append((p, word))
    return sorted(chosen, key=lambda pair: -pair[0])[:cap]
