"""The fix step streams and caches: each document is passed on as soon as its sentences are
fixed, a second run over unchanged text computes nothing, and the cache key follows every
input a suggestion depends on. `review` shows the first sentence while the rest are being
computed, and a resumed review computes nothing. Stand-in sources count what they are asked."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fakes import StandInSource, stand_in_fix_step, target

from mtfix.document import Document, Mark, Sentence


def documents(*texts: str) -> list[Document]:
    """One document per text, its one sentence flagged garbled."""
    out = []
    for index, text in enumerate(texts):
        document = Document(f"d{index}.txt", text, "utf-8")
        document.sentences = [Sentence(0, len(text), text, 0, marks=[Mark("garbled", "detector")])]
        out.append(document)
    return out


def test_each_document_is_passed_on_before_the_next_is_fixed():
    source = StandInSource()
    step = stand_in_fix_step([source])
    seen_when_yielded = []
    for document in step.run(documents("first one.", "second one.", "third one.")):
        seen_when_yielded.append((document.path, list(source.seen)))
        assert document.fixes and document.fixes[0].best.text == document.text.upper()
    assert seen_when_yielded[0] == ("d0.txt", ["first one."]), "the first document waits for nothing else"
    assert [path for path, _ in seen_when_yielded] == ["d0.txt", "d1.txt", "d2.txt"]


def test_a_second_run_over_unchanged_text_computes_nothing(tmp_path):
    cache = str(tmp_path / "cache.sqlite")
    texts = ["first one.", "second one."]
    first = StandInSource()
    fixes = stand_in_fix_step([first], cache_path=cache).fix_targets([target(t) for t in texts])
    again = StandInSource()
    step = stand_in_fix_step([again], cache_path=cache)
    cached = step.fix_targets([target(t) for t in texts])
    assert first.seen == texts and again.seen == [], "every suggestion came from the cache"
    assert [f.best.text for f in cached] == [f.best.text for f in fixes] and step.stats.cached == 2
    nothing = StandInSource()
    stand_in_fix_step([nothing], cache_path=None).fix_targets([target(t) for t in texts])
    assert nothing.seen == texts, "without a cache (--no-cache) everything is computed"


def test_the_cache_key_changes_with_the_sources_the_settings_and_the_fix_code(monkeypatch):
    import mtfix.fix.fixer as fixer

    def key(**settings) -> str:
        return stand_in_fix_step([StandInSource()], **settings).settings_key

    base = key(sources=("tagger", "grammar"))
    assert key(sources=("tagger", "grammar")) == base
    assert key(sources=("tagger", "lm")) != base
    assert key(sources=("tagger", "grammar"), min_similarity=0.9) != base
    assert key(sources=("tagger", "grammar"), max_suggestions=5) != base
    assert key(sources=("tagger", "grammar"), grammar="languagetool") != base
    monkeypatch.setattr(fixer, "modules_digest", lambda *roots: "changed-code")
    assert key(sources=("tagger", "grammar")) != base


def test_the_sentence_key_holds_the_words_the_detector_marked():
    from mtfix.fix.fixer import suggestion_key

    plain = target("The talks Were held.")
    marked = replace(plain, suspects=[(10, 14)])
    assert suggestion_key(plain) != suggestion_key(marked)


# -- review ------------------------------------------------------------------------------
def review_session(tmp_path, texts, source, cache_path=None):
    from mtfix.review.session import ReviewItem, ReviewSession
    from mtfix.review.stream import SuggestionStream

    items = [ReviewItem(target(text, str(tmp_path / f"d{i}.txt"))) for i, text in enumerate(texts)]
    session = ReviewSession(items, tmp_path / "state.json")
    session.stream = SuggestionStream(stand_in_fix_step([source], cache_path=cache_path), items,
                                      wanted=lambda i: not session.decided(i))
    return session


def test_review_shows_the_first_sentence_before_the_last_is_computed(tmp_path):
    texts = ["first one.", "second one.", "third one."]
    source = StandInSource(hold={texts[1]})
    session = review_session(tmp_path, texts, source)
    try:
        assert session.wait_for_current(timeout=10), "the first sentence's suggestions arrive alone"
        assert session.current.fix.best.text == "FIRST ONE."
        assert session.items[2].fix is None and session.ready == 1
    finally:
        source.release.set()
        session.stream.stop()
    assert session.stream.error is None


def test_a_resumed_review_computes_nothing(tmp_path):
    from io import StringIO

    from rich.console import Console

    from mtfix.review.prompts import LineReview

    texts = ["first one.", "second one.", "third one."]
    cache = str(tmp_path / "cache.sqlite")
    source = StandInSource()
    session = review_session(tmp_path, texts, source, cache)
    out = StringIO()
    LineReview(session, Console(file=out, width=200), StringIO("r\nq\n")).run()  # reject the first, quit
    session.stream.stop()
    assert "of 3 ready" in out.getvalue()
    computed = list(source.seen)

    again = StandInSource()
    resumed = review_session(tmp_path, texts, again, cache)
    LineReview(resumed, Console(file=StringIO(), width=200), StringIO("q\n")).run()
    resumed.stream.stop()
    assert resumed.position == 1, "the rejected sentence is not asked again"
    assert [t for t in again.seen if t in computed] == [], "what was computed before comes from the cache"
    assert texts[0] not in again.seen, "a decided sentence is never computed"


def test_a_failing_source_reaches_the_reviewer(tmp_path):
    class Broken(StandInSource):
        def propose(self, targets):
            raise RuntimeError("source broke")

    session = review_session(tmp_path, ["first one."], Broken())
    with pytest.raises(RuntimeError, match="source broke"):
        session.wait_for_current(timeout=10)
    session.stream.stop()
