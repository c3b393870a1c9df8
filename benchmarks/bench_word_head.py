"""The word head on WMT21 zh→en MQM: its precision/recall curve against the professional error
spans, on the tune documents (where a highlight rule may be chosen) and on the held-out
documents (where it is reported), each sentence read alone as the MQM word figures of
bench_quality.py are, or with `--context` after its document's earlier sentences as `scan`
reads it (then every sentence of each part is read, so that no document loses its text). A
word is BAD when an error span overlaps it; "highlighted" is what `scan` underlines today
(the word threshold, the name margin and the cap).

    python benchmarks/bench_word_head.py [--sentences 2000] [--context]

Prints, per part, the highlighted words' precision, recall and MCC, then the word head's at
each P(BAD) threshold."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_quality import score, word_predictions  # noqa: E402

from training.data import mqm  # noqa: E402
from training.metrics import mcc_f1, precision_recall  # noqa: E402

THRESHOLDS = (0.10, 0.15, 0.20, 0.25, 0.30, 0.346, 0.40, 0.50, 0.60, 0.70)


def part(checker, examples, context: bool) -> None:
    sentences, seconds = score(checker, examples, context=context)
    bad, lit, truth = [], [], []
    for example, sentence in zip(examples, sentences):
        spans = [(w.start, w.end) for w in sentence.words]
        word_bad, covered = word_predictions(sentence, spans, checker.detector.word_threshold)
        bad.append(word_bad)
        lit.append(covered)
        truth.append(np.array([any(a < e and s < b for a, b in example.bad_spans) for s, e in spans], bool))
    bad, lit, truth = np.concatenate(bad), np.concatenate(lit), np.concatenate(truth)
    mcc, _ = mcc_f1(lit, truth)
    precision, recall = precision_recall(lit, truth)
    print(f"{len(examples)} sentences ({seconds:.0f} s), {len(truth)} words, BAD rate {truth.mean():.3f}")
    print(f"highlighted (today's rule): precision {precision:.3f} recall {recall:.3f} MCC {mcc:.3f} "
          f"({lit.mean():.3f} of words)")
    print(f"{'P(BAD) >=':>10s} {'precision':>9s} {'recall':>7s} {'MCC':>6s} {'marked':>7s}")
    for threshold in THRESHOLDS:
        predicted = bad >= threshold
        mcc, _ = mcc_f1(predicted, truth)
        precision, recall = precision_recall(predicted, truth)
        print(f"{threshold:10.3f} {precision:9.3f} {recall:7.3f} {mcc:6.3f} {predicted.mean():7.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=2000,
                        help="at most this many per part (evenly spaced); ignored with --context")
    parser.add_argument("--context", action="store_true",
                        help="read each sentence after its document's earlier sentences, as scan does")
    args = parser.parse_args()
    import mtfix

    checker = mtfix.load(device="cpu", context=args.context)
    examples = mqm()
    for name, split in (("tune documents", "tune"), ("held-out documents", "test")):
        chosen = [e for e in examples if e.split == split]
        if not args.context:
            chosen = chosen[:: max(1, len(chosen) // args.sentences)][: args.sentences]
        print(f"\n## MQM zh-en {name}, {'in context' if args.context else 'read alone'}")
        part(checker, chosen, args.context)
    print(f"\n{checker.signature()}")


if __name__ == "__main__":
    main()
