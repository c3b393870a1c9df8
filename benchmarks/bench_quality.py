"""Detection quality of `mtfix scan`'s scorer on MLQE-PE dev (real MT output, human scores).

    python benchmarks/bench_quality.py --data ../shared/data/mlqepe_xen_dev.jsonl

Prints, per language pair and averaged:
- Pearson and Spearman between the garbled probability and −da_z (and, as a baseline,
  the raw mean token NLL of the same LM);
- AUROC for da_z < −1 (bad) against da_z > 0 (good);
- how much the score tracks length: its Pearson with the word count, and the AUROC
  within word-count quartiles;
- word level: MCC and F1 of the highlighted words against `mt_word_tags` (BAD).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from mtfix.classifier import Detector
from mtfix.eval.metrics import auroc, pearson, spearman
from mtfix.eval.mlqe import cached_scores, load_mlqe
from mtfix.detect import MAX_SPANS, suspect_words
from mtfix.eval.wordtags import mcc_f1, moses_spans, word_badness_rows
from mtfix.features.words import align
from mtfix.features import compute_features, sentence_view
from mtfix.home import mtfix_home
from mtfix.lm.scorer import LMScorer


def sentence_table(rows, probability, nll) -> list[str]:
    lines = [f"{'pair':8s} {'n':>5s} {'pearson':>8s} {'spearman':>9s} {'auroc':>6s}   "
             f"{'nll-pearson':>11s} {'nll-auroc':>9s}"]
    pairs = sorted({r["lp"] for r in rows})
    per_pair = []
    for pair in pairs:
        mask = np.array([r["lp"] == pair for r in rows])
        per_pair.append(_figures(rows, probability, nll, mask))
        lines.append(_format_row(pair, mask.sum(), per_pair[-1]))
    average = np.nanmean(np.array(per_pair), axis=0)
    lines.append(_format_row("average", len(rows), average))
    lines.append(_format_row("pooled", len(rows), _figures(rows, probability, nll, np.ones(len(rows), bool))))
    return lines


def _figures(rows, probability, nll, mask) -> tuple[float, ...]:
    z = np.array([r["da_z"] for r in rows])[mask]
    p, n = probability[mask], nll[mask]
    known = (z < -1) | (z > 0)
    return (pearson(p, -z), spearman(p, -z), auroc(p[known], z[known] < -1),
            pearson(n, -z), auroc(n[known], z[known] < -1))


def _format_row(name, n, figures) -> str:
    a, b, c, d, e = figures
    return f"{name:8s} {n:5d} {a:8.3f} {b:9.3f} {c:6.3f}   {d:11.3f} {e:9.3f}"


def length_table(rows, probability) -> list[str]:
    z = np.array([r["da_z"] for r in rows])
    words = np.array([len(r["mt"].split()) for r in rows])
    z_length = pearson(words, -z)
    lines = [f"pearson(score, words) = {pearson(probability, words):.3f}   "
             f"(pearson(-da_z, words) = {z_length:.3f}, the length signal in the labels)"]
    edges = np.percentile(words, [25, 50, 75])
    bins = np.digitize(words, edges)
    values = []
    for b in range(4):
        mask = (bins == b) & ((z < -1) | (z > 0))
        low, high = words[bins == b].min(), words[bins == b].max()
        value = auroc(probability[mask], z[mask] < -1)
        values.append(value)
        lines.append(f"  words {low:3d}-{high:3d}: n={mask.sum():4d} auroc={value:.3f} "
                     f"pearson={pearson(probability[bins == b], -z[bins == b]):.3f}")
    lines.append(f"  mean within-bin auroc = {np.mean(values):.3f}")
    return lines


def word_table(rows, scores, detector: Detector) -> list[str]:
    data = word_badness_rows(rows, scores)
    lm, uni, truth = (np.array(col) for col in zip(*data))
    rule = detector.word_rule
    predicted = rule.badness(lm, uni) > rule.threshold
    mcc, f1 = mcc_f1(predicted, truth.astype(bool))
    lines = [f"rule, every word: words={len(truth)} BAD rate={truth.mean():.3f} flagged rate={predicted.mean():.3f} "
             f"MCC={mcc:.3f} F1(BAD)={f1:.3f} (beta={rule.beta}, threshold={rule.threshold})"]
    predicted, truth = highlighted_tags(rows, scores, rule)
    mcc, f1 = mcc_f1(predicted, truth)
    lines.append(f"highlighted spans (at most {MAX_SPANS} a sentence, casing first): flagged rate="
                 f"{predicted.mean():.3f} MCC={mcc:.3f} F1(BAD)={f1:.3f}")
    return lines


def highlighted_tags(rows, scores, rule) -> tuple[np.ndarray, np.ndarray]:
    """Per Moses token (first word excluded): is it inside a span scan would highlight, is it BAD."""
    predicted, truth = [], []
    for row, tokens in zip(rows, scores):
        spans = moses_spans(row["mt"], row["mt_tok"])
        tags = row.get("mt_word_tags") or []
        if spans is None or len(spans) != len(tags):
            continue
        marked = [w for _, w in suspect_words(align(row["mt"], tokens), rule)]
        for (start, end), tag in zip(spans[1:], tags[1:]):
            predicted.append(any(w.start < end and w.end > start for w in marked))
            truth.append(tag == "BAD")
    return np.array(predicted), np.array(truth)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="../shared/data/mlqepe_xen_dev.jsonl")
    parser.add_argument("--per-pair", type=int, default=None, help="sample this many per pair (default: all)")
    parser.add_argument("--detector", default=None)
    parser.add_argument("--cache", default=str(mtfix_home() / "training-cache"))
    args = parser.parse_args()

    detector = Detector.load(args.detector)
    rows = load_mlqe(args.data, args.per_pair)
    scorer = LMScorer(detector.lm, device="auto", quiet=True)
    scores = cached_scores(scorer, [r["mt"] for r in rows], Path(args.cache))
    features = [compute_features(sentence_view(r["mt"], s)) for r, s in zip(rows, scores)]
    probability = detector.probability(features)
    nll = np.array([f["nll_mean"] for f in features])

    print(f"data: {Path(args.data).name}, {len(rows)} sentences; {scorer.signature}|{detector.signature}")
    print("\n## sentence level (score = garbled probability; target = -da_z)")
    print("\n".join(sentence_table(rows, probability, nll)))
    print("\n## length")
    print("\n".join(length_table(rows, probability)))
    print("\n## word level (highlighted words vs mt_word_tags BAD)")
    print("\n".join(word_table(rows, scores, detector)))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
