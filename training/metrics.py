"""Small statistics shared by training and the benchmarks (numpy only)."""

from __future__ import annotations

import numpy as np


def ranks(values) -> np.ndarray:
    """Average ranks (1-based), ties sharing their mean rank."""
    values = np.asarray(values, dtype=np.float64)
    order = np.argsort(values, kind="mergesort")
    sorted_values = values[order]
    result = np.empty(len(values))
    start = 0
    while start < len(values):
        stop = start
        while stop + 1 < len(values) and sorted_values[stop + 1] == sorted_values[start]:
            stop += 1
        result[order[start:stop + 1]] = (start + stop) / 2 + 1
        start = stop + 1
    return result


def pearson(a, b) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if len(a) < 2 or a.std() == 0 or b.std() == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def spearman(a, b) -> float:
    return pearson(ranks(a), ranks(b))


def auroc(scores, positive) -> float:
    """Probability that a random positive scores above a random negative (Mann-Whitney)."""
    scores = np.asarray(scores, dtype=np.float64)
    positive = np.asarray(positive, dtype=bool)
    n_pos, n_neg = positive.sum(), (~positive).sum()
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    r = ranks(scores)
    return float((r[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def length_bins(lengths, bins: int = 4) -> np.ndarray:
    """Bin index (0..bins-1) of each length, by quantiles."""
    edges = np.percentile(lengths, np.linspace(0, 100, bins + 1)[1:-1])
    return np.digitize(lengths, edges)


def binned_auroc(scores, positive, lengths, bins: int = 4) -> tuple[float, list[float]]:
    """Mean AUROC within length bins (length cannot explain it), and each bin's."""
    scores, positive = np.asarray(scores), np.asarray(positive, bool)
    which = length_bins(lengths, bins)
    each = [auroc(scores[which == b], positive[which == b]) for b in range(bins)]
    return float(np.nanmean(each)), each


def same_length_auroc(scores, positive, lengths) -> float:
    """AUROC over the pairs of one positive and one negative of the same length, pooled over
    lengths: what a score knows beyond length. Length quartiles leave a lot of length inside
    each bin (on MQM held-out the word count alone reaches 0.61 within quartiles)."""
    scores, positive, lengths = np.asarray(scores), np.asarray(positive, bool), np.asarray(lengths)
    agreeing = pairs = 0.0
    for length in np.unique(lengths):
        rows = lengths == length
        n_pos, n_neg = float(positive[rows].sum()), float((~positive[rows]).sum())
        if n_pos and n_neg:
            agreeing += auroc(scores[rows], positive[rows]) * n_pos * n_neg
            pairs += n_pos * n_neg
    return agreeing / pairs if pairs else float("nan")


def mcc_f1(predicted, truth) -> tuple[float, float]:
    predicted, truth = np.asarray(predicted, bool), np.asarray(truth, bool)
    tp = float(np.sum(predicted & truth))
    fp = float(np.sum(predicted & ~truth))
    fn = float(np.sum(~predicted & truth))
    tn = float(np.sum(~predicted & ~truth))
    denominator = np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    mcc = (tp * tn - fp * fn) / denominator if denominator else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return mcc, f1


def precision_recall(predicted, truth) -> tuple[float, float]:
    predicted, truth = np.asarray(predicted, bool), np.asarray(truth, bool)
    tp = float(np.sum(predicted & truth))
    return (tp / predicted.sum() if predicted.sum() else 0.0), (tp / truth.sum() if truth.sum() else 0.0)


def expected_calibration_error(probability, truth, bins: int = 10) -> tuple[float, list[tuple[float, float, int]]]:
    """ECE over equal-width probability bins, and the reliability diagram's points
    (mean predicted, observed rate, count) per non-empty bin."""
    probability, truth = np.asarray(probability, float), np.asarray(truth, float)
    which = np.minimum((probability * bins).astype(int), bins - 1)
    points, error = [], 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            predicted, observed = probability[mask].mean(), truth[mask].mean()
            points.append((float(predicted), float(observed), int(mask.sum())))
            error += mask.sum() / len(probability) * abs(predicted - observed)
    return float(error), points


def threshold_for_precision(probability, truth, precision: float) -> tuple[float, float, float]:
    """The lowest threshold whose precision is at least PRECISION (so the highest recall at
    that precision): (threshold, precision, recall). Falls back to the best-precision one."""
    probability, truth = np.asarray(probability, float), np.asarray(truth, bool)
    order = np.argsort(-probability)
    hits = np.cumsum(truth[order])
    counts = np.arange(1, len(order) + 1)
    precisions = hits / counts
    recalls = hits / max(1, truth.sum())
    ok = np.flatnonzero(precisions >= precision)
    index = ok.max() if len(ok) else int(np.argmax(precisions))
    return float(probability[order][index]), float(precisions[index]), float(recalls[index])


def best_mcc_threshold(probability, truth) -> tuple[float, float]:
    probability, truth = np.asarray(probability, float), np.asarray(truth, bool)
    best = (0.5, -1.0)
    for threshold in np.unique(np.round(np.quantile(probability, np.linspace(0.3, 0.97, 60)), 4)):
        mcc, _ = mcc_f1(probability >= threshold, truth)
        if mcc > best[1]:
            best = (float(threshold), mcc)
    return best
