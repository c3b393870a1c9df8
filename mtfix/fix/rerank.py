"""Reranking: fluency gain (the detector's P(garbled) and the LM's surprisal, as `scan`
measures them) against meaning drift and edit size, with a bonus for repairing the words
the detector's word head marked. A candidate is offered only if it passes the guards,
keeps the meaning and reads better than the original on both fluency measures: its
P(garbled) (the sentence read alone, as every candidate is) falls by at least `min_gain`,
and its surprisal falls too. Two kinds of change the sentence head barely sees are judged
by the LM instead, at LM_GAIN_PER_NAT: a change of case alone must save 5 nats of total
surprisal, and the replacement scan's near-miss check found (a word for the word near it
in form) counts the nats that check measured in the sentence's context. For both,
P(garbled) may not rise by more than LM_TOLERANCE. So "no good fix" is a valid outcome
and nothing that reads worse is ever suggested.

A mechanical edit (case, punctuation, function words: the content words stay as they
were) keeps the meaning by construction and is not held to the similarity floor."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from mtfix.features.casing import case_change_only, common_words
from mtfix.features.words import split_words
from mtfix.fix.candidate import Candidate, FixTarget, SentenceFix, Suggestion
from mtfix.fix.fluency import Fluency, FluencyMeter
from mtfix.fix.guards import violation
from mtfix.fix.meaning import MeaningMeter
from mtfix.settings import Settings
from mtfix.worddiff import changed_words, word_diff

LOG_ODDS_SCALE = 0.25  # the slope of the sigmoid at 0.5: a log-odds fall in probability units (at most 1)
# A change of case only, or a near miss's replacement, gains this much per nat of total
# surprisal it saves (5 nats, a 150-fold likelihood, reach the gain floor): the sentence head
# reads a name written small ("june", "Great britain") or a word near the right one in form
# ("on the verge of a breakthrough") as barely garbled, while the LM itself is sure.
LM_GAIN_PER_NAT = 0.02
LM_TOLERANCE = 0.02  # the most P(garbled) may rise for such a change (the head's noise)


@dataclass
class RerankSettings:
    min_similarity: float = 0.80  # cosine; below it the rewrite says something else
    min_gain: float = 0.1  # fluency_gain() must be at least this much
    nll_weight: float = 0.1  # per nat/token of mean surprisal saved
    drift_weight: float = 1.0  # per unit of lost similarity
    edit_weight: float = 1.0  # per share of words changed: a paraphrase must earn its changes
    suspect_weight: float = 0.15  # per share of the changes that fall on words the word head marked
    max_suggestions: int = 3
    min_confidence: float = Settings.min_confidence  # suggestions below it are not offered

    @property
    def signature(self) -> str:
        return (f"sim>={self.min_similarity:g},gain>={self.min_gain:g}/lo{1 / LOG_ODDS_SCALE:g}"
                f"/lm{LM_GAIN_PER_NAT:g}~{LM_TOLERANCE:g},"
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
                # what the source decided changes a number or a link on purpose: no guard applies
                why = "" if candidate.decided else violation(fix.target.text, candidate.text, fix.target.protected)
                if why:
                    rejected[why.split(" '")[0]] += 1
                else:
                    survivors.append((fix, candidate))
            fix.rejected = dict(rejected)
        measured = self.fluency.measure([t.text for t in targets] + [c.text for _, c in survivors])
        paraphrases = [(f.target.text, c.text) for f, c in survivors if not mechanical(f.target.text, c.text)]
        similarity_of = dict(zip(paraphrases, self.meaning.similarity(paraphrases))) if paraphrases else {}
        for fix, candidate in survivors:
            similarity = similarity_of.get((fix.target.text, candidate.text), 1.0)
            suggestion, why = self._judge(fix.target, candidate, measured[fix.target.text],
                                          measured[candidate.text], similarity)
            if suggestion:
                fix.suggestions.append(suggestion)
            else:
                fix.rejected[why] = fix.rejected.get(why, 0) + 1
        for fix in fixes:
            offered = [s for s in fix.suggestions if s.confidence >= self.settings.min_confidence]
            # By merit, not the capped confidence: several candidates reach 1, and the first
            # proposed (often the tagger's every-edit variant) would win every tie.
            fix.suggestions = sorted(offered, key=lambda s: -s.merit)[: self.settings.max_suggestions]
            if fix.suggestions:
                best = fix.suggestions[0]
                best.reason += f"; best of {fix.considered} candidates"
        return fixes

    def _judge(self, target: FixTarget, candidate: Candidate, before: Fluency, after: Fluency,
               similarity: float) -> tuple[Suggestion | None, str]:
        s = self.settings
        original = target.text
        if candidate.decided:
            return Suggestion(candidate.text, candidate.source, candidate.detail, before.p_garbled, after.p_garbled,
                              before.mean_nll, after.mean_nll, similarity, 0.0, 1.0,
                              f"the source decides it ({candidate.decided} check)"), ""
        if similarity < s.min_similarity:
            return None, "meaning drift"
        gain = fluency_gain(before.p_garbled, after.p_garbled)
        near_nats = near_miss_nats(target, candidate.text)
        if case_change_only(original, candidate.text):
            gain = max(gain, min(1.0, LM_GAIN_PER_NAT * (before.total_nll - after.total_nll)))
        elif near_nats:
            gain = max(gain, min(1.0, LM_GAIN_PER_NAT * near_nats))
        if gain < s.min_gain or reads_worse(original, candidate.text, before, after, near_nats > 0):
            return None, "not more fluent"
        edit_rate = changed_words(original, candidate.text) / max(1, 2 * len(split_words(original)))
        objective = (gain
                     + s.nll_weight * (before.mean_nll - after.mean_nll)
                     - s.drift_weight * (1.0 - similarity)
                     - s.edit_weight * edit_rate
                     + s.suspect_weight * on_suspects(target, candidate.text))
        if objective <= 0:
            return None, "gain too small for the change"
        reason = (f"P(garbled) {before.p_garbled:.2f} → {after.p_garbled:.2f}, surprisal "
                  f"{before.mean_nll:.2f} → {after.mean_nll:.2f} nats/token, meaning {similarity:.2f}, "
                  f"{edit_rate:.0%} of words changed"
                  + (f", near miss: {near_nats:.1f} nats likelier as scan read it" if near_nats else ""))
        return Suggestion(candidate.text, candidate.source, candidate.detail, before.p_garbled,
                          after.p_garbled, before.mean_nll, after.mean_nll, similarity, edit_rate,
                          objective, reason), ""


def reads_worse(original: str, candidate: str, before: Fluency, after: Fluency, near_miss: bool = False) -> bool:
    """The LM finds the candidate harder going: per token in general, in total for a change of
    case only, which keeps the letters but not the tokens ("brit|ain" → "Britain" makes the
    sentence cheaper and each of its fewer tokens dearer on average); or the detector reads a
    change of case only as more garbled than its noise allows. A NEAR_MISS replacement is
    judged by the check's reading in context, which the candidate's reading alone lacks, so
    only the detector's limit applies to it."""
    if near_miss:
        return after.p_garbled > before.p_garbled + LM_TOLERANCE
    if case_change_only(original, candidate):
        return after.total_nll > before.total_nll or after.p_garbled > before.p_garbled + LM_TOLERANCE
    return after.mean_nll > before.mean_nll


def near_miss_nats(target: FixTarget, candidate: str) -> float:
    """The nats scan's near-miss check measured, in the sentence's context, for the word it
    found and its alternative, if CANDIDATE makes exactly that replacement; else 0."""
    for (start, end), alternative in target.alternatives.items():
        if candidate == target.text[:start] + alternative + target.text[end:]:
            return target.near_gain
    return 0.0


def fluency_gain(before: float, after: float) -> float:
    """How much less garbled a rewrite reads: the fall in P(garbled), or a quarter of the fall
    in its log-odds where that is larger. Near 0.5 the two agree; near 1 the probability
    saturates (0.993 → 0.888 is an eighteenfold drop in the odds but only 0.1 in probability)."""
    def log_odds(p: float) -> float:
        p = min(max(p, 1e-6), 1 - 1e-6)
        return math.log(p / (1 - p))

    return max(before - after, min(1.0, LOG_ODDS_SCALE * (log_odds(before) - log_odds(after))))


def _unique(candidates: list[Candidate], original: str) -> list[Candidate]:
    """First proposal of each distinct text, never the original itself."""
    seen = {original}
    out = []
    for candidate in candidates:
        text = " ".join(candidate.text.split())
        if text not in seen:
            seen.add(text)
            out.append(Candidate(text, candidate.source, candidate.detail, candidate.decided))
    return out


def content_words(text: str) -> list[str]:
    return [w.text.lower() for w in split_words(text) if w.text[:1].isalnum() and w.text.lower() not in common_words()]


def mechanical(original: str, candidate: str) -> bool:
    """Only case, punctuation and function words differ: the content words are the same."""
    return content_words(original) == content_words(candidate)


def on_suspects(target: FixTarget, candidate: str) -> float:
    """The share of the changed stretches of the original that touch a word the detector's
    word head marked as bad (0 when none was marked)."""
    if not target.suspects:
        return 0.0
    changed = [(p.old_start, p.old_start + max(1, len(p.old))) for p in word_diff(target.text, candidate)
               if p.op != "equal"]
    if not changed:
        return 0.0
    hits = sum(any(a < e and s < b for s, e in target.suspects) for a, b in changed)
    return hits / len(changed)
