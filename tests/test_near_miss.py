"""The near-miss check: which words are near in form, how a near miss flags a sentence and
marks its word, and how its alternative reaches the fix (unit tier, with a scorer whose
variants are scored by rule); and the check on the real model (model tier)."""

from __future__ import annotations

import pytest

from mtfix.detector import nearmiss

from fakes import FavouringScorer, target

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


def bonus(margin: float) -> float:
    """The bonus that puts the favoured alternative's gain MARGIN nats over the bar (the
    disfavoured word's nat counts towards it)."""
    from mtfix.pipeline.detect import NEAR_MISS_GAIN

    return NEAR_MISS_GAIN + margin - 1.0


def near_miss_checker(monkeypatch, scorer, context: bool = True, **options):
    """A checker on SCORER whose detector leaves every sentence in the near-miss band."""
    import mtfix
    from mtfix.pipeline import detect

    from fakes import stray_detector

    monkeypatch.setattr(detect, "NEAR_MISS_FROM", 0.0)
    checker = mtfix.load(scorer=scorer, near_miss=True, context=context, **options)
    checker.__dict__["detector"] = stray_detector()
    return checker


def test_a_near_miss_the_lm_much_prefers_flags_the_sentence_and_marks_the_word(monkeypatch):
    from mtfix.reports.records import sentence_record

    scorer = FavouringScorer("breakdown", bonus(+0.5))
    document = near_miss_checker(monkeypatch, scorer).check_text(SENTENCE)
    [sentence] = document.sentences
    assert sentence.label == "garbled" and sentence.score < 0.5  # the heads alone let it pass
    assert sentence.reason == "'breakthrough' here reads as a slip for 'breakdown'"
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
    context the two sentences are one window, read once for the heads and the check."""
    text = f"Talks with the delegation broke down last week. {SENTENCE}"
    scorer = CueScorer("breakdown", bonus(+0.5))
    checker = near_miss_checker(monkeypatch, scorer, context)
    first, second = checker.check_text(text).sentences
    assert first.label == "ok"
    assert scorer.texts_read == (1 if context else 2)
    if not context:
        assert second.label == "ok" and scorer.variants_read > 0
        return
    assert second.label == "garbled" and "'breakthrough' here reads as a slip for 'breakdown'" in second.reason
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


def test_a_deferring_check_shows_the_heads_first_and_the_next_check_reads_the_near_miss(monkeypatch):
    """Detect.defer (the language server's quick check): the heads' labels at once, the near
    miss unread and uncached; the next check of the same text reads it from the kept plan,
    without reading the window again, and finds what a check that did not defer finds."""
    scorer = FavouringScorer("breakdown", bonus(+0.5))
    checker = near_miss_checker(monkeypatch, scorer)
    checker.detect.defer = True
    [quick] = checker.check_text(SENTENCE).sentences
    assert quick.label == "ok" and scorer.variants_read == 0 and checker.detect.deferred
    checker.detect.defer = False
    windows_read = scorer.texts_read
    [full] = checker.check_text(SENTENCE).sentences
    assert scorer.texts_read == windows_read and scorer.variants_read > 0 and not checker.detect.deferred
    plain = near_miss_checker(monkeypatch, FavouringScorer("breakdown", bonus(+0.5)))
    [expected] = plain.check_text(SENTENCE).sentences
    assert (full.label, full.reason, full.spans) == (expected.label, expected.reason, expected.spans)
    assert full.label == "garbled"


def test_a_deferred_near_miss_of_text_since_changed_is_dropped(monkeypatch):
    scorer = FavouringScorer("breakdown", bonus(+0.5))
    checker = near_miss_checker(monkeypatch, scorer)
    checker.detect.defer = True
    checker.check_text(SENTENCE)
    checker.detect.defer = False
    [other] = checker.check_text(SENTENCE.replace("statement", "remark")).sentences
    assert not checker.detect.deferred and other.label == "garbled"  # read in full, as without deferring


def test_a_sentence_before_an_edit_keeps_its_analysis(monkeypatch, tmp_path):
    """An edit re-reads its window; the sentences before the edit, whose text and context are
    unchanged, keep their cached analysis and are not checked for near misses again."""
    class Recording(FavouringScorer):
        def read_variants_of(self, items):
            self.variants += [variant for _, variant in items]
            return super().read_variants_of(items)

    scorer = Recording("breakdown", bonus(+0.5))
    scorer.variants = []
    checker = near_miss_checker(monkeypatch, scorer, cache_path=str(tmp_path / "cache.sqlite"))
    first = "The statement put relations on the verge of a breakthrough. "
    checker.check_text(first + "It was read aloud today.")
    assert any("breakdown" in variant for variant in scorer.variants)
    scorer.variants = []
    document = checker.check_text(first + "It was read aloud yesterday.")
    assert document.sentences[0].label == "garbled"
    assert scorer.variants and not any("breakdown" in variant for variant in scorer.variants)


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
    found, clean = check.find_in_texts(texts, suspicion)
    assert (found.word, found.alternative) == ("breakthrough", "breakdown") and found.gain > 2
    assert clean is None or clean.gain < found.gain


def test_the_check_is_on_by_default_and_can_be_turned_off(monkeypatch):
    import mtfix
    from mtfix.pipeline import detect

    from fakes import stray_detector

    monkeypatch.setattr(detect, "NEAR_MISS_FROM", 0.0)
    for options, flagged in (({}, True), ({"near_miss": False}, False)):
        scorer = FavouringScorer("breakdown", 50.0)
        checker = mtfix.load(scorer=scorer, **options)
        checker.__dict__["detector"] = stray_detector()
        [sentence] = checker.check_text(SENTENCE).sentences
        assert (sentence.label == "garbled") is flagged and (scorer.variants_read > 0) is flagged
        rule = f"{detect.NEAR_MISS_FROM:g}/{detect.NEAR_MISS_GAIN:g}"
        assert checker.signature()["near-miss"] == (rule if flagged else "off")
        assert f"near-miss={flagged}" in checker.detect.settings_key  # a cached analysis says which it was


@pytest.mark.parametrize("before, said", [
    ("Relations were “on the verge of breaking down” last month.", "on the verge of breaking down"),
    ("Talks ended in a breakdown.", "Talks ended in a breakdown"),
    ("The talks broke down.", ""),  # another form of the verb: not told
    ("", ""),
])
def test_the_finding_quotes_the_words_before_it_that_say_the_alternative(before, said):
    miss = nearmiss.NearMiss(0, 12, "breakthrough", "breakdown", 6.0)
    assert nearmiss.echo(before, "breakdown") == said
    expected = "'breakthrough' here reads as a slip for 'breakdown'" + (f"; the text before says '{said}'" if said else "")
    assert miss.reason(before) == expected


@pytest.mark.model
def test_a_near_miss_in_an_article_is_flagged_and_fix_offers_the_word():
    """A sentence the heads let pass, with a near miss ("structural" for "structure"): with
    the check on it is flagged, the word is marked, and `fix` offers the alternative."""
    import mtfix

    checker = mtfix.load(device="cpu")
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
    document = mtfix.load(device="cpu").suggest(text)
    sentence = document.sentences[-1]
    assert sentence.label == "garbled" and sentence.reason == (
        "'breakthrough' here reads as a slip for 'breakdown'; the text before says 'on the verge of breaking down'")
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


@pytest.mark.model
def test_a_plain_scan_of_the_first_seed_article_flags_its_near_miss():
    """The example the tool is for, as a user first meets it: `mtfix scan` with no options
    flags "… on the verge of a breakthrough", underlines the word and names the alternative."""
    import json

    from fakes import REPO, run_cli

    article = str(REPO / "seeds" / "000_16b8fff714ca5ad1.txt")
    text = run_cli("scan", "--no-cache", article)
    assert text.returncode == 0, text.stderr
    [line] = [line for line in text.stdout.decode().splitlines() if "verge of a >>breakthrough<<" in line]
    assert " garbled " in line and "reads as a slip for 'breakdown'" in line
    report = json.loads(run_cli("scan", "--no-cache", "--format", "json", article).stdout)
    [sentence] = [s for s in report["sentences"] if "verge of a breakthrough" in s["text"]]
    assert sentence["label"] == "garbled"
    assert [(s["text"], s["alternative"]) for s in sentence["spans"] if s.get("alternative")] == [
        ("breakthrough", "breakdown")]


def test_a_near_miss_is_told_in_the_corpus_findings_and_the_page(monkeypatch):
    """SARIF, JUnit and the CI annotations read a finding's message; the HTML page underlines
    the word and names its alternative."""
    from mtfix.reports.html import sentence_data
    from mtfix.score import findings_of

    scorer = FavouringScorer("breakdown", bonus(+0.5))
    document = near_miss_checker(monkeypatch, scorer).check_text(SENTENCE)
    [sentence] = document.sentences
    [finding] = findings_of(document, "a.txt")
    assert "suspect: breakthrough" in finding.message
    assert "'breakthrough' here reads as a slip for 'breakdown'" in finding.message
    start = SENTENCE.index("breakthrough")
    assert [start, start + 12, "breakdown"] in sentence_data(sentence, None)["spans"]


def test_the_language_server_shows_an_edit_s_near_miss_in_a_second_check(monkeypatch, tmp_path):
    """LspAnalysis.check(quick=True), as the server checks after a keystroke: a window or two
    read, the near miss put off and said to be pending; the server's next check of the same
    text reads it."""
    from mtfix.lsp.analysis import LspAnalysis

    checker = near_miss_checker(monkeypatch, FavouringScorer("breakdown", bonus(+0.5)),
                                cache_path=str(tmp_path / "cache.sqlite"))
    analysis = LspAnalysis(checker_for=lambda config: checker)
    uri = (tmp_path / "a.txt").as_uri()
    quick = analysis.check(uri, SENTENCE, quick=True)
    assert quick.near_misses_pending and quick.document.sentences[0].label == "ok"
    full = analysis.check(uri, SENTENCE)
    assert not full.near_misses_pending and full.document.sentences[0].label == "garbled"
    assert not analysis.check(uri, SENTENCE, quick=True).near_misses_pending  # cached now: nothing put off
    analysis.close()
