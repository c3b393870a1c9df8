"""Word-level evaluation against MLQE-PE `mt_word_tags` (OK/BAD per Moses token of `mt_tok`)."""

from __future__ import annotations

import numpy as np

from mtfix.classifier import WordRule
from mtfix.features.words import align
from mtfix.lm.scorer import TokenScores

BETAS = (0.0, 0.25, 0.5, 0.75, 1.0)


def moses_spans(mt: str, mt_tok: str) -> list[tuple[int, int]] | None:
    """Character spans in `mt` of each token of `mt_tok`, or None when they do not line up."""
    spans, position = [], 0
    for token in mt_tok.split():
        found = mt.find(token, position)
        if found < 0 or mt[position:found].strip():
            return None
        spans.append((found, found + len(token)))
        position = found + len(token)
    return spans


def word_badness_rows(rows: list[dict], scores: list[TokenScores]) -> list[tuple[float, float, bool]]:
    """(LM log-prob, unigram log-prob, is BAD) for every alignable tagged token but the first
    word, which scan never highlights (with no context every opening is surprising)."""
    out = []
    for row, tokens in zip(rows, scores):
        spans = moses_spans(row["mt"], row["mt_tok"])
        tags = row.get("mt_word_tags") or []
        if spans is None or len(spans) != len(tags):
            continue
        words = align(row["mt"], tokens)[1:]
        for (start, end), tag in zip(spans[1:], tags[1:]):
            covering = [w for w in words if w.start < end and w.end > start and w.tokens]
            if covering:
                worst = min(covering, key=lambda w: w.lm_logprob - w.unigram_logprob)
                out.append((worst.lm_logprob, worst.unigram_logprob, tag == "BAD"))
    return out


def mcc_f1(predicted: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    tp = float(np.sum(predicted & truth))
    fp = float(np.sum(predicted & ~truth))
    fn = float(np.sum(~predicted & truth))
    tn = float(np.sum(~predicted & ~truth))
    denominator = np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    mcc = (tp * tn - fp * fn) / denominator if denominator else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return mcc, f1


def best_word_rule(rows: list[tuple[float, float, bool]]) -> tuple[float, float]:
    """The (beta, threshold) with the highest MCC on these rows."""
    data = np.array([(a, b) for a, b, _ in rows])
    truth = np.array([bad for _, _, bad in rows])
    best = (-1.0, 0.0, 0.0)
    for beta in BETAS:
        badness = WordRule(beta, 0.0).badness(data[:, 0], data[:, 1])
        for threshold in np.percentile(badness, np.arange(30, 96, 2)):
            mcc, _ = mcc_f1(badness > threshold, truth)
            if mcc > best[0]:
                best = (mcc, beta, round(float(threshold), 3))
    return best[1], best[2]
