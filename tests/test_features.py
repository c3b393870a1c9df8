"""Feature families that need no LM (unit tier)."""

from __future__ import annotations

from mtfix.features.lints import harper_linter, lint_ahead, lint_counts

TEXTS = ["He go to school yesterday.", "Teh cat sat on teh mat.", "A clean sentence.",
         "They was happy and and tired.", "Recieve the the package."]


def direct_counts(text: str) -> tuple[int, int]:
    lints = harper_linter().lint(text)
    spelling = sum(lint.lint_kind == "Spelling" for lint in lints)
    return len(lints) - spelling, spelling


def test_linting_ahead_in_a_thread_gives_the_same_counts_while_the_caller_asks_too():
    expected = [direct_counts(t) for t in TEXTS]
    assert any(grammar for grammar, _ in expected) and any(spelling for _, spelling in expected)
    lint_counts.cache_clear()
    thread = lint_ahead(TEXTS * 20)
    asked = [lint_counts(t) for t in reversed(TEXTS)][::-1]  # the linter is shared: no "Already borrowed"
    thread.join()
    assert asked == expected
    assert lint_counts.cache_info().currsize == len(TEXTS)


def test_a_detector_computes_only_the_feature_families_its_head_reads():
    from fakes import FakeScorer, stray_detector

    from mtfix.detector.model import FALLBACK, Detector, bundled_path
    from mtfix.features import compute_features, sentence_view

    text = "The minister Said that the the talks. would go on"
    view = sentence_view(text, FakeScorer().score([text])[0])
    everything = compute_features(view)
    asked = compute_features(view, ["stop_inside", "nll_mean"])
    assert "grammar_rate" in everything and "grammar_rate" not in asked
    assert asked["stop_inside"] == everything["stop_inside"] > 0 and asked["nll_mean"] == everything["nll_mean"]
    assert Detector.load(bundled_path(FALLBACK)).reads_lints  # the LM-free fallback reads grammar_rate
    linted = lint_counts.cache_info().misses
    detector = stray_detector()
    assert not detector.reads_lints
    assert detector.analyse(sentence_view(text + " too", FakeScorer().score([text + " too"])[0])).p_garbled > 0.5
    assert lint_counts.cache_info().misses == linted  # harper never ran for a head that does not read it
