"""The near-miss check: which words are near in form, how a near miss flags a sentence and
marks its word, and how its alternative reaches the fix (unit tier, with a scorer whose
variants are scored by rule); and the check on the real model (model tier)."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from mtfix.detector import nearmiss
from mtfix.lm.types import Reading

from fakes import FakeScorer, target

SENTENCE = "The statement put relations on the verge of a breakthrough."


@pytest.mark.parametrize("word, other, near", [
    ("breakthrough", "breakdown", True),  # a shared stem
    ("recieve", "receive", True),  # a small edit
    ("commended", "common", False),  # four shared letters are not enough
])
def test_words_near_in_form(word, other, near):
    assert nearmiss.near_in_form(word, other) is near


@pytest.mark.parametrize("word, other", [("crime", "crimes"), ("refers", "referred"), ("study", "studied"),
                                         ("offer", "offered")])
def test_inflections_are_not_alternatives(word, other):
    assert nearmiss.inflection(word, other)
    assert other not in nearmiss.alternatives(word)


def test_alternatives_come_from_common_words_near_in_form():
    found = nearmiss.alternatives("breakthrough")
    assert "breakdown" in found and len(found) <= nearmiss.PER_WORD
    assert all(nearmiss.near_in_form("breakthrough", w) for w in found)
    assert "likely" not in nearmiss.alternatives("unlikely")  # an opposite is never an alternative
    assert not nearmiss.checkable("Moscow") and not nearmiss.checkable("with") and nearmiss.checkable("verge")


class FavouringScorer(FakeScorer):
    """The fake LM, reading variants too: the word DISFAVOURED costs a nat more (so it is the
    most surprising word), and a text holding FAVOURED reads BONUS nats cheaper at its last
    token. Counts the variants read."""

    disfavoured = "breakthrough"

    def __init__(self, favoured: str, bonus: float) -> None:
        super().__init__()
        self.favoured, self.bonus, self.variants_read, self.texts_read = favoured, bonus, 0, 0

    def _score(self, text: str):
        scores = super()._score(text)
        for index, (start, end) in enumerate(scores.offsets):
            if text[start:end].strip() == self.disfavoured:
                scores.logprob[index] -= 1.0
        if f" {self.favoured}" in text:
            scores.logprob[-1] += self.bonus
        return scores

    def encode(self, texts):
        """Token 'ids' that stand for the tokens' texts (the same token, the same id)."""
        return [([zlib.crc32(text[s:e].encode()) for s, e in scores.offsets], scores.offsets)
                for text, scores in ((t, self._score(t)) for t in texts)]

    def read(self, texts, k: int = 0, probes=None):
        """A probed token reads as likely as the token it would replace, FAVOURED more so."""
        favoured = zlib.crc32(f" {self.favoured}".encode())
        self.texts_read += len(texts)
        out = []
        for index, text in enumerate(texts):
            scores = self._score(text)
            probed = {p: {i: float(scores.logprob[p]) + (1.0 if i == favoured else 0.0) for i in ids}
                      for p, ids in (probes[index] if probes else {}).items()}
            out.append(Reading(text, self.encode([text])[0][0], scores, np.zeros((len(scores), k), np.int64),
                               None, probed))
        return out

    def read_variants(self, reading, variants):
        self.variants_read += len(variants)
        return [self._score(text).logprob for text in variants]


def bonus(margin: float) -> float:
    """The bonus that puts the favoured alternative's gain MARGIN nats over the bar (the
    disfavoured word's nat counts towards it)."""
    from mtfix.pipeline.detect import NEAR_MISS_GAIN

    return NEAR_MISS_GAIN + margin - 1.0


def near_miss_checker(monkeypatch, scorer, context: bool = True):
    """A checker on SCORER whose detector leaves every sentence in the near-miss band."""
    import mtfix
    from mtfix.pipeline import detect

    from fakes import stray_detector

    monkeypatch.setattr(detect, "NEAR_MISS_FROM", 0.0)
    checker = mtfix.load(scorer=scorer, near_miss=True, context=context)
    checker.__dict__["detector"] = stray_detector()
    return checker


def test_a_near_miss_the_lm_much_prefers_flags_the_sentence_and_marks_the_word(monkeypatch):
    from mtfix.reports.records import sentence_record

    scorer = FavouringScorer("breakdown", bonus(+0.5))
    document = near_miss_checker(monkeypatch, scorer).check_text(SENTENCE)
    [sentence] = document.sentences
    assert sentence.label == "garbled" and sentence.score < 0.5  # the heads alone let it pass
    assert sentence.reason == "near miss: the LM reads 'breakdown' for 'breakthrough' here"
    [span] = [s for s in sentence.spans if s.alternative]
    assert (span.text, span.alternative) == ("breakthrough", "breakdown")
    assert [s.start for s in sentence.spans] == sorted(s.start for s in sentence.spans)  # reports read them in order
    assert [s for s in sentence_record(document, sentence, {})["spans"] if s.get("alternative")] == [
        {"start": span.start, "end": span.end, "text": "breakthrough", "score": span.score, "alternative": "breakdown"}]
    assert span.score == next(w.bad for w in sentence.words if sentence.text[w.start:w.end] == "breakthrough")
    assert f"({sentence.reason})" in text_report(document)


def text_report(document) -> str:
    import io

    from mtfix.reports.text import TextReporter

    sink = io.StringIO()
    reporter = TextReporter("scan", sink)
    reporter.start()
    reporter.document(document)
    return sink.getvalue()


def test_a_gain_under_the_bar_leaves_the_sentence_alone(monkeypatch):
    scorer = FavouringScorer("breakdown", bonus(-0.5))
    [sentence] = near_miss_checker(monkeypatch, scorer).check_text(SENTENCE).sentences
    assert sentence.label == "ok" and not any(s.alternative for s in sentence.spans)
    assert scorer.variants_read > 0


class CueScorer(FavouringScorer):
    """Favours its word only in a text that also holds CUE: the LM knows the word meant only
    from what was said before."""

    cue = "broke down"

    def _score(self, text: str):
        scores = FavouringScorer._score(self, text)
        if self.cue not in text and f" {self.favoured}" in text:
            scores.logprob[-1] -= self.bonus
        return scores


@pytest.mark.parametrize("context", [True, False])
def test_the_check_reads_the_text_before_the_sentence(monkeypatch, context):
    """In context the check reads a sentence after the text before it, as the heads do, and
    marks the word at its place in the document; read alone, the cue is not seen. In
    context the first sentence's text begins the second's, so one reading serves both."""
    text = f"Talks with the delegation broke down last week. {SENTENCE}"
    scorer = CueScorer("breakdown", bonus(+0.5))
    checker = near_miss_checker(monkeypatch, scorer, context)
    first, second = checker.check_text(text).sentences
    assert first.label == "ok"
    assert scorer.texts_read == (1 if context else 2)
    if not context:
        assert second.label == "ok" and scorer.variants_read > 0
        return
    assert second.label == "garbled" and "'breakdown' for 'breakthrough'" in second.reason
    [span] = [s for s in second.spans if s.alternative]
    assert text[span.start:span.end] == "breakthrough" == span.text


def test_a_sentence_out_of_the_band_is_not_read_again():
    import mtfix

    from fakes import stray_detector

    scorer = FavouringScorer("breakdown", 50.0)
    checker = mtfix.load(scorer=scorer, near_miss=True)
    checker.__dict__["detector"] = stray_detector()  # P(garbled) 0.05 on a clean sentence: under the band
    [sentence] = checker.check_text(SENTENCE).sentences
    assert sentence.label == "ok" and scorer.variants_read == 0


def test_the_alternative_reaches_the_fix_and_its_cache_key(monkeypatch):
    from mtfix.document import Span
    from mtfix.fix.fixer import suggestion_key
    from mtfix.fix.sources.lm_edits import LMEditSource

    plain = target(SENTENCE)
    marked = target(SENTENCE)
    start = SENTENCE.index("breakthrough")
    marked.sentence.spans = [Span(start, start + 12, "breakthrough", 0.1, start, "breakdown")]
    marked = type(marked).of(marked.document, marked.sentence)
    assert marked.alternatives == {(start, start + 12): "breakdown"}
    assert suggestion_key(marked) != suggestion_key(plain)

    class Tokens:
        @staticmethod
        def convert_ids_to_tokens(ids):
            return []

    scorer = FavouringScorer("breakdown", 0.0)
    scorer.tokenizer = Tokens()
    reading = scorer.read([SENTENCE], 64)[0]
    edits = LMEditSource(scorer)._edits(marked, reading.scores, reading.top)
    assert any(e.replacement == "breakdown" and "near miss" in e.detail for e in edits)
    assert not any(e.replacement == "breakdown" for e in LMEditSource(scorer)._edits(plain, reading.scores,
                                                                                      reading.top))


@pytest.mark.model
def test_the_lm_prefers_the_word_a_near_miss_replaced(real_checker):
    """On the real LM, a reported near miss (a seed sentence) gets its right word back."""
    check = nearmiss.NearMissCheck(real_checker.detect.scorer)
    texts = ["The Russian government met with US Ambassador to Russia John Sullivan and stated that in this "
             "conversation “it was emphasized that such statements by the American president, unworthy of a "
             "statesman of such a high rank, put Russian-American relations on the verge of a breakthrough.",
             "The company reported a sharp rise in profits this quarter."]
    suspicion = [[(texts[0].index("breakthrough"), len(texts[0]) - 1, 10.0)],
                 [(texts[1].index("profits"), texts[1].index("profits") + 7, 10.0)]]
    found, clean = check.find(texts, suspicion)
    assert (found.word, found.alternative) == ("breakthrough", "breakdown") and found.gain > 2
    assert clean is None or clean.gain < found.gain


def test_the_check_is_off_unless_asked_for(monkeypatch):
    import mtfix
    from mtfix.pipeline import detect

    from fakes import stray_detector

    monkeypatch.setattr(detect, "NEAR_MISS_FROM", 0.0)
    scorer = FavouringScorer("breakdown", 50.0)
    checker = mtfix.load(scorer=scorer)
    checker.__dict__["detector"] = stray_detector()
    [sentence] = checker.check_text(SENTENCE).sentences
    assert sentence.label == "ok" and scorer.variants_read == 0
    assert checker.signature()["near-miss"] == "off"
    assert "near-miss=False" in checker.detect.settings_key  # a cached analysis says which it was


@pytest.mark.model
def test_a_near_miss_in_an_article_is_flagged_and_fix_offers_the_word():
    """A sentence the heads let pass, with a near miss ("structural" for "structure"): with
    the check on it is flagged, the word is marked, and `fix` offers the alternative."""
    import mtfix

    checker = mtfix.load(device="cpu", near_miss=True)
    # First in its article, so that the heads score it in the band the check reads (from 0.2 up).
    text = ("The ministry said the draft would be published once the negotiators had agreed on its structural. "
            "The two governments met in Geneva on Tuesday to discuss tariffs on steel and grain.")
    document = checker.suggest(text)
    sentence = document.sentences[0]
    assert sentence.label == "garbled" and sentence.score < checker.detect.threshold
    assert [(s.text, s.alternative) for s in sentence.spans if s.alternative] == [("structural", "structure")]
    [fix] = document.fixes
    assert any(s.text.endswith("agreed on its structure.") for s in fix.suggestions), fix.suggestions


@pytest.mark.model
def test_a_near_miss_that_the_text_before_gives_away_is_flagged_and_fixed():
    """The first seed article's opening: its fifth paragraph says "breakthrough" where the
    first says the relations are "on the verge of breaking down". The heads let it pass; the
    check, reading it after the text before it, flags it and marks the word, and `fix`
    offers "breakdown"."""
    import mtfix

    text = ("Russia warns US that diplomatic ties are on the verge\n\n"
            "Moscow warned that relations with the United States were “on the verge of breaking down” and called "
            "the US ambassador to formally protest President Joe Biden for calling Vladimir Putin a “murderous "
            "dictator.”\n\nA Russian Foreign Ministry statement Monday referred to Biden’s “recent unacceptable "
            "statements” about Putin, as well as Biden’s criticism of the Russian president last week for his "
            "invasion of Ukraine.\n\nThe Russian government met with US Ambassador to Russia John Sullivan and "
            "stated that in this conversation “it was emphasized that such statements by the American president, "
            "unworthy of a statesman of such a high rank, put Russian-American relations on the verge of a "
            "breakthrough.")
    document = mtfix.load(device="cpu", near_miss=True).suggest(text)
    sentence = document.sentences[-1]
    assert sentence.label == "garbled" and "'breakdown' for 'breakthrough'" in sentence.reason
    assert [(s.text, s.alternative) for s in sentence.spans if s.alternative] == [("breakthrough", "breakdown")]
    [fix] = [f for f in document.fixes if f.target.sentence is sentence]
    assert fix.best is not None and fix.best.text.endswith("on the verge of a breakdown."), fix.rejected


def test_the_near_miss_word_joins_the_highlights_in_text_order():
    """The text report and the TUI read spans left to right."""
    from mtfix.document import Span
    from mtfix.pipeline.detect import _with_alternative

    first, last = Span(10, 13, "its", 0.4, 10), Span(30, 35, "quite", 0.5, 30)
    word = Span(20, 28, "structur", 0.1, 20)
    near = nearmiss.NearMiss(20, 28, "structur", "structure", 6.0)
    marked = _with_alternative([first, last], word, near)
    assert [s.text for s in marked] == ["its", "structur", "quite"]
    assert (marked[1].alternative, marked[1].gain) == ("structure", 6.0)
    again = _with_alternative([first, Span(20, 28, "structur", 0.3, 20)], word, near)
    assert [(s.text, s.alternative) for s in again] == [("its", ""), ("structur", "structure")]
