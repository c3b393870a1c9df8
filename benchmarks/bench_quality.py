"""Detection quality of `mtfix scan` (the runtime, through mtfix.load) on data not used in
training: MLQE-PE dev, the held-out documents of WMT21 zh→en MQM, and held-out synthetic
damage of clean English.

    python benchmarks/bench_quality.py                     # all parts (about 15 minutes on 2 cores)
    python benchmarks/bench_quality.py --parts mlqe --per-pair 200
    python benchmarks/bench_quality.py --parts mqm --cache /tmp/bench-quality.sqlite  # a rerun takes seconds
    python benchmarks/bench_quality.py --parts mqm --mqm-part tune --alone-up-to 0  # a setting, on tune

Prints, per part:
- MLQE-PE dev: per-pair Pearson/Spearman of the quality score and of P(garbled) with −da_z
  (and of the raw mean token NLL, the baseline), AUROC for da_z < −1 against da_z > 0,
  correlation with length and AUROC within length quartiles; word level: MCC and F1 of the
  word head (P(BAD) ≥ its threshold) and of the highlighted words against `mt_word_tags`;
- MQM held-out docs: AUROC of P(garbled) within length quartiles for "a major fluency or
  style error" against "no error" (and for accuracy-only major errors), read alone and
  with the document before it; length controls: the same figure for the word count
  alone, and P(garbled) within length deciles and among sentences of the same word
  count; word-head span F1 against all error spans and against fluency/style spans;
  highlight precision; calibration and the share flagged at the threshold, alone and in context;
- synthetic held-out damage: share flagged per damage kind, clean false-positive rate, and
  the word head's recall of the damaged words;
- calibration: expected calibration error and the reliability diagram, and precision and
  recall at the default threshold, on each part.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from training.data import mlqe, mqm  # noqa: E402
from training.metrics import (auroc, binned_auroc, expected_calibration_error, mcc_f1, pearson,  # noqa: E402
                              precision_recall, same_length_auroc, spearman)


def score(checker, examples, context: bool = False):
    groups = [e.doc or None for e in examples] if context else None
    started = time.perf_counter()
    sentences = checker.score_sentences([e.text for e in examples], groups)
    return sentences, time.perf_counter() - started


def word_predictions(sentence, spans: list[tuple[int, int]], threshold: float):
    """For each span (a token or word of the data): the highest P(BAD) of our words over it,
    and whether a highlighted word covers it."""
    bad, lit = [], []
    for start, end in spans:
        covering = [b for s, e, _, b in sentence.words if s < end and start < e]
        bad.append(max(covering, default=0.0))
        lit.append(any(sp.local_start < end and start < sp.local_start + len(sp.text) for sp in sentence.spans))
    return np.array(bad), np.array(lit, bool)


def calibration_lines(name: str, probability: np.ndarray, truth: np.ndarray, threshold: float) -> list[str]:
    ece, points = expected_calibration_error(probability, truth)
    p, r = precision_recall(probability >= threshold, truth)
    diagram = "  ".join(f"{pred:.2f}→{obs:.2f}(n={n})" for pred, obs, n in points)
    return [f"{name}: ECE {ece:.3f}; at threshold {threshold:g}: precision {p:.3f}, recall {r:.3f}",
            f"  reliability (mean predicted → observed rate): {diagram}"]


def part_mlqe(checker, per_pair: int | None) -> dict:
    examples = mlqe("dev")
    if per_pair:
        by_pair = defaultdict(list)
        for e in examples:
            by_pair[e.group].append(e)
        examples = [e for pair in sorted(by_pair) for e in by_pair[pair][:per_pair]]
    sentences, seconds = score(checker, examples)
    z = np.array([e.quality for e in examples])
    p = np.array([s.score for s in sentences])
    q = np.array([s.quality for s in sentences])
    nll = np.array([s.features.get("nll_mean", 0.0) for s in sentences])
    pairs = sorted({e.group for e in examples})
    print(f"\n## MLQE-PE dev: {len(examples)} sentences ({seconds:.0f} s)")
    print(f"{'pair':8s} {'n':>5s} {'quality r':>9s} {'quality ρ':>9s} {'P(garb) r':>9s} {'auroc':>6s} {'nll r':>6s}")
    rows = []
    for pair in pairs + ["average", "pooled"]:
        mask = np.array([e.group == pair for e in examples]) if pair in pairs else np.ones(len(examples), bool)
        known = mask & ((z < -1) | (z > 0))
        figures = (pearson(q[mask], z[mask]), spearman(q[mask], z[mask]), pearson(p[mask], -z[mask]),
                   auroc(p[known], z[known] < -1), pearson(nll[mask], -z[mask]))
        if pair == "average":
            figures = tuple(np.mean([r[i] for r in rows]) for i in range(5))
        else:
            rows.append(figures) if pair in pairs else None
        print(f"{pair:8s} {int(mask.sum()):5d} " + " ".join(f"{v:9.3f}" if i < 3 else f"{v:6.3f}"
                                                          for i, v in enumerate(figures)))
    words = np.array([len(e.text.split()) for e in examples])
    bins_auc, each = binned_auroc(p[(z < -1) | (z > 0)], (z < -1)[(z < -1) | (z > 0)], words[(z < -1) | (z > 0)])
    print(f"length: pearson(P(garbled), words) {pearson(p, words):.3f}, pearson(quality, words) {pearson(q, words):.3f}"
          f" (pearson(-da_z, words) {pearson(-z, words):.3f}); AUROC within length quartiles "
          f"{' '.join(f'{v:.3f}' for v in each)}, mean {bins_auc:.3f}")
    threshold = checker.detector.word_threshold
    predicted, lit, truth = [], [], []
    for example, sentence in zip(examples, sentences):
        spans = example.meta.get("tokens")
        if example.bad_spans is None or not spans:
            continue
        bad, covered = word_predictions(sentence, spans, threshold)
        predicted.append(bad)
        lit.append(covered)
        truth.append(np.array([any(a < e and s < b for a, b in example.bad_spans) for s, e in spans]))
    predicted, lit, truth = np.concatenate(predicted), np.concatenate(lit), np.concatenate(truth)
    mcc, f1 = mcc_f1(predicted >= threshold, truth)
    mcc_lit, f1_lit = mcc_f1(lit, truth)
    precision_lit, _ = precision_recall(lit, truth)
    print(f"words (Moses tokens, {len(truth)}, BAD rate {truth.mean():.3f}): word head MCC {mcc:.3f} F1 {f1:.3f} "
          f"(threshold {threshold:g}, flagged {np.mean(predicted >= threshold):.3f}); highlighted MCC {mcc_lit:.3f} "
          f"F1 {f1_lit:.3f} precision {precision_lit:.3f} (flagged {lit.mean():.3f})")
    for line in calibration_lines("calibration (garbled = da_z < -0.5)", p, z < -0.5, checker.detect.threshold):
        print(line)
    return {"pearson_quality_avg": float(np.mean([r[0] for r in rows])), "min_pair": float(min(r[0] for r in rows)),
            "word_mcc": mcc, "highlight_mcc": mcc_lit, "seconds": seconds, "sentences": len(examples)}


def part_mqm(checker, split: str = "test") -> dict:
    examples = [e for e in mqm() if e.split == split]
    out = {}
    for context in (False, True):
        sentences, seconds = score(checker, examples, context)
        p = np.array([s.score for s in sentences])
        words = np.array([len(e.text.split()) for e in examples])
        fluency = np.array([e.meta["fluency_major"] for e in examples])
        clean = np.array([e.meta["no_error"] for e in examples])
        accuracy = np.array([e.meta["accuracy_major"] and not e.meta["fluency_major"] for e in examples])
        keep = fluency | clean
        mean, each = binned_auroc(p[keep], fluency[keep], words[keep])
        keep_a = accuracy | clean
        mean_a, _ = binned_auroc(p[keep_a], accuracy[keep_a], words[keep_a])
        nll = np.array([s.features.get("nll_mean", 0.0) for s in sentences])
        nll_mean, _ = binned_auroc(nll[keep], fluency[keep], words[keep])
        view = "with context" if context else "alone"
        print(f"\n## MQM zh-en {'held-out' if split == 'test' else split} docs, read {view}: {len(examples)} sentences ({seconds:.0f} s), "
              f"{fluency.sum()} with a major fluency/style error, {clean.sum()} without errors")
        print(f"AUROC within length quartiles, major fluency/style vs none: {' '.join(f'{v:.3f}' for v in each)}, "
              f"mean {mean:.3f} (raw mean NLL {nll_mean:.3f}); accuracy-only major vs none: {mean_a:.3f}; "
              f"overall AUROC {auroc(p[keep], fluency[keep]):.3f}; pearson(P, words) {pearson(p[keep], words[keep]):.3f}")
        print(length_controls(p[keep], nll[keep], fluency[keep], words[keep]))
        out[f"auroc_{'context' if context else 'alone'}"] = mean
        for line in calibration_lines("calibration (garbled = major fluency/style error, vs none)", p[keep],
                                      fluency[keep], checker.detect.threshold):
            print(line)
        print(f"flagged at the threshold: {np.mean(p[clean] >= checker.detect.threshold):.1%} of the sentences "
              f"without errors, {np.mean(p[fluency] >= checker.detect.threshold):.1%} of those with a major "
              f"fluency/style error")
        if context:
            continue
        threshold = checker.detector.word_threshold
        for label, spans_of in (("all error spans", lambda e: e.bad_spans),
                                ("fluency/style spans", lambda e: [(s["start"], s["end"]) for s in e.meta["spans"]
                                                                   if s["category"].split("/")[0] in ("Fluency", "Style")])):
            predicted, lit, truth = [], [], []
            for example, sentence in zip(examples, sentences):
                bad_spans = spans_of(example)
                word_spans = [(s, e) for s, e, _, _ in sentence.words]
                bad, covered = word_predictions(sentence, word_spans, threshold)
                predicted.append(bad >= threshold)
                lit.append(covered)
                truth.append(np.array([any(a < e and s < b for a, b in bad_spans) for s, e in word_spans], bool))
            predicted, lit, truth = np.concatenate(predicted), np.concatenate(lit), np.concatenate(truth)
            _, f1 = mcc_f1(predicted, truth)
            precision, recall = precision_recall(predicted, truth)
            lit_precision, lit_recall = precision_recall(lit, truth)
            print(f"word head vs {label} (BAD rate {truth.mean():.3f}): F1 {f1:.3f} precision {precision:.3f} "
                  f"recall {recall:.3f}; highlighted precision {lit_precision:.3f} recall {lit_recall:.3f}")
    return out


def length_controls(p: np.ndarray, nll: np.ndarray, truth: np.ndarray, words: np.ndarray) -> str:
    """How much of a within-bin figure is length: the word count itself scored in the same
    bins, and P(garbled) and the raw NLL within finer bins and among sentences of one length."""
    def figures(scores: np.ndarray) -> str:
        return (f"{binned_auroc(scores, truth, words)[0]:.3f} / {binned_auroc(scores, truth, words, 10)[0]:.3f} / "
                f"{same_length_auroc(scores, truth, words):.3f}")
    return (f"length controls (quartiles / deciles / same word count): P(garbled) {figures(p)}; "
            f"raw mean NLL {figures(nll)}; the word count alone {figures(words.astype(float))}")


def part_synthetic(checker) -> dict:
    from training.synthetic import synthetic_examples

    examples = [e for e in synthetic_examples() if e.split == "test"]
    sentences, seconds = score(checker, examples)
    p = np.array([s.score for s in sentences])
    threshold = checker.detect.threshold
    print(f"\n## synthetic damage of held-out clean sentences: {len(examples)} ({seconds:.0f} s)")
    kinds = defaultdict(list)
    found = []
    for example, sentence, probability in zip(examples, sentences, p):
        if example.group == "clean":
            kinds["(clean: false positives)"].append(probability >= threshold)
            continue
        for kind in example.meta["kinds"]:
            kinds[kind].append(probability >= threshold)
        bad, _ = word_predictions(sentence, example.bad_spans, checker.detector.word_threshold)
        found.extend(bad >= checker.detector.word_threshold)
    for kind in sorted(kinds):
        print(f"  {kind:28s} flagged {np.mean(kinds[kind]):.2f} (n={len(kinds[kind])})")
    print(f"word head recall of the damaged words: {np.mean(found):.3f}")
    truth = np.array([e.group != "clean" for e in examples])
    for line in calibration_lines("calibration (garbled = damaged)", p, truth, threshold):
        print(line)
    return {"clean_flagged": float(np.mean(kinds["(clean: false positives)"]))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default="mlqe,mqm,synthetic")
    parser.add_argument("--per-pair", type=int, default=None, help="MLQE-PE: this many per pair (default: all)")
    parser.add_argument("--detector", default=None)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--json", help="also write the headline figures here")
    parser.add_argument("--mqm-part", choices=("test", "tune"), default="test",
                        help="MQM documents: the held-out ones (default) or the tune ones settings are chosen on")
    parser.add_argument("--alone-up-to", type=int, default=None,
                        help="in context, pool the sentence head's layers up to this one from the sentence read "
                             "alone (default: mtfix's ALONE_UP_TO; 0 pools every layer in context)")
    parser.add_argument("--cache", help="keep the analyses in this SQLite file, so a rerun with the same detector "
                                        "and code reads no sentence again (default: no cache)")
    args = parser.parse_args()

    import mtfix
    from mtfix.detector import model

    if args.alone_up_to is not None:
        model.ALONE_UP_TO = args.alone_up_to
    checker = mtfix.load(detector=args.detector, device=args.device, cache_path=args.cache)
    print(f"signature: {checker.signature()}")
    figures = {}
    parts = args.parts.split(",")
    if "mlqe" in parts:
        figures["mlqe"] = part_mlqe(checker, args.per_pair)
    if "mqm" in parts:
        figures["mqm"] = part_mqm(checker, args.mqm_part)
    if "synthetic" in parts:
        figures["synthetic"] = part_synthetic(checker)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1) + "\n")


if __name__ == "__main__":
    main()
