"""Reranking: fluency gain (the detector's P(garbled) and the LM's surprisal, as `scan`
measures them) against meaning drift and edit size. A candidate is offered only if it
passes the guards, keeps the meaning and reads better than the original on both fluency
measures, so "no good fix" is a valid outcome and nothing worse is ever suggested."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from mtfix.features.words import split_words
from mtfix.fix.candidate import Candidate, FixTarget, SentenceFix, Suggestion
from mtfix.fix.fluency import Fluency, FluencyMeter
from mtfix.fix.guards import violation
from mtfix.fix.meaning import MeaningMeter
from mtfix.worddiff import changed_words


@dataclass
class RerankSettings:
    min_similarity: float = 0.80  # cosine; below it the rewrite says something else
    min_gain: float = 0.1  # P(garbled) must fall by at least this much
    nll_weight: float = 0.1  # per nat/token of mean surprisal saved
    drift_weight: float = 1.0  # per unit of lost similarity
    edit_weight: float = 1.0  # per share of words changed: a paraphrase must earn its changes
    max_suggestions: int = 3
    min_confidence: float = 0.1  # suggestions below it are not offered

    @property
    def signature(self) -> str:
        return (f"rerank:sim>={self.min_similarity:g},gain>={self.min_gain:g},"
                f"w={self.nll_weight:g}/{self.drift_weight:g}/{self.edit_weight:g},conf>={self.min_confidence:g}")


class Reranker:
    def __init__(self, fluency: FluencyMeter, meaning: MeaningMeter, settings: RerankSettings) -> None:
        self.fluency = fluency
        self.meaning = meaning
        self.settings = settings

    def rank(self, targets: list[FixTarget], proposals: list[list[Candidate]]) -> list[SentenceFix]:
        fixes = [SentenceFix(t, considered=len(c)) for t, c in zip(targets, proposals)]
        survivors: list[tuple[SentenceFix, Candidate]] = []
        for fix, candidates in zip(fixes, proposals):
            rejected: Counter = Counter()
            for candidate in _unique(candidates, fix.target.text):
                why = violation(fix.target.text, candidate.text, fix.target.protected)
                if why:
                    rejected[why.split(" '")[0]] += 1
                else:
                    survivors.append((fix, candidate))
            fix.rejected = dict(rejected)
        measured = self.fluency.measure([t.text for t in targets] + [c.text for _, c in survivors])
        similarities = self.meaning.similarity([(f.target.text, c.text) for f, c in survivors])
        for (fix, candidate), similarity in zip(survivors, similarities):
            suggestion, why = self._judge(fix.target.text, candidate, measured[fix.target.text],
                                          measured[candidate.text], similarity)
            if suggestion:
                fix.suggestions.append(suggestion)
            else:
                fix.rejected[why] = fix.rejected.get(why, 0) + 1
        for fix in fixes:
            offered = [s for s in fix.suggestions if s.confidence >= self.settings.min_confidence]
            fix.suggestions = sorted(offered, key=lambda s: -s.confidence)[: self.settings.max_suggestions]
            if fix.suggestions:
                best = fix.suggestions[0]
                best.reason += f"; best of {fix.considered} candidates"
        return fixes

    def _judge(self, original: str, candidate: Candidate, before: Fluency, after: Fluency,
               similarity: float) -> tuple[Suggestion | None, str]:
        s = self.settings
        if similarity < s.min_similarity:
            return None, "meaning drift"
        if before.p_garbled - after.p_garbled < s.min_gain or after.mean_nll > before.mean_nll:
            return None, "not more fluent"
        edit_rate = changed_words(original, candidate.text) / max(1, 2 * len(split_words(original)))
        objective = ((before.p_garbled - after.p_garbled)
                     + s.nll_weight * (before.mean_nll - after.mean_nll)
                     - s.drift_weight * (1.0 - similarity)
                     - s.edit_weight * edit_rate)
        if objective <= 0:
            return None, "gain too small for the change"
        reason = (f"P(garbled) {before.p_garbled:.2f} → {after.p_garbled:.2f}, surprisal "
                  f"{before.mean_nll:.2f} → {after.mean_nll:.2f} nats/token, meaning {similarity:.2f}, "
                  f"{edit_rate:.0%} of words changed")
        return Suggestion(candidate.text, candidate.source, candidate.detail, before.p_garbled,
                          after.p_garbled, before.mean_nll, after.mean_nll, similarity, edit_rate,
                          min(1.0, objective), reason), ""


def _unique(candidates: list[Candidate], original: str) -> list[Candidate]:
    """First proposal of each distinct text, never the original itself."""
    seen = {original}
    out = []
    for candidate in candidates:
        text = " ".join(candidate.text.split())
        if text not in seen:
            seen.add(text)
            out.append(Candidate(text, candidate.source, candidate.detail))
    return out
