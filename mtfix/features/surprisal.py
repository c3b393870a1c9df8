"""LM surprisal features: token NLL statistics, SLOR, surprisal above entropy, token ranks."""

from __future__ import annotations

import numpy as np

from mtfix.features.base import FeatureFamily, SentenceView


class SurprisalFeatures(FeatureFamily):
    names = ("nll_mean", "nll_max", "nll_p90", "slor", "slor_min", "slor_p10",
             "excess_mean", "excess_max", "log_rank_mean", "rank_gt_100", "rank_gt_1000",
             "window_nll_max", "bad_word_rate", "entropy_mean", "slor_lower", "slor_lower_min")
    # A word counts as bad when its LM log-prob is this far below its unigram log-prob.
    BAD_WORD_SLOR = -2.0

    @staticmethod
    def _lower_case_slor(view: SentenceView) -> dict[str, float]:
        """SLOR over lower-case words only: names and acronyms are surprising for good reasons."""
        values = [w.lm_logprob - w.unigram_logprob for w in view.scored_words[1:]
                  if w.is_alpha and w.text[0].islower()]
        if not values:
            return {"slor_lower": 0.0, "slor_lower_min": 0.0}
        return {"slor_lower": float(np.mean(values)), "slor_lower_min": float(np.min(values))}

    def compute(self, view: SentenceView) -> dict[str, float]:
        tokens = view.tokens
        if len(tokens) == 0:
            return dict.fromkeys(self.names, 0.0)
        nll = -tokens.logprob.astype(np.float64)
        excess = nll - tokens.entropy
        log_rank = np.log(tokens.rank.astype(np.float64))
        words = view.scored_words or view.words
        # Per-word SLOR: LM log-prob minus unigram log-prob; low means "worse than its rarity explains".
        word_slor = np.array([w.lm_logprob - w.unigram_logprob for w in words]) if words else np.zeros(1)
        return {
            "nll_mean": float(nll.mean()),
            "nll_max": float(nll.max()),
            "nll_p90": float(np.percentile(nll, 90)),
            "slor": float(word_slor.mean()),
            "slor_min": float(word_slor.min()),
            "slor_p10": float(np.percentile(word_slor, 10)),
            "excess_mean": float(excess.mean()),
            "excess_max": float(excess.max()),
            "log_rank_mean": float(log_rank.mean()),
            "rank_gt_100": float((tokens.rank > 100).mean()),
            "rank_gt_1000": float((tokens.rank > 1000).mean()),
            # The worst three-token stretch: garbling is local, a sentence mean dilutes it.
            "window_nll_max": float(np.convolve(nll, np.ones(3) / 3, "valid").max()) if len(nll) >= 3 else float(nll.mean()),
            "bad_word_rate": float((word_slor < self.BAD_WORD_SLOR).mean()),
            "entropy_mean": float(tokens.entropy.mean()),
            **self._lower_case_slor(view),
        }
