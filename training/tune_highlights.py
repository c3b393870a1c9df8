"""The highlight rule, tuned on the MLQE-PE tune part (never on dev): which margin names,
numbers and quotations need over the word threshold, and how many words a sentence may show.

    python -m training.tune_highlights [--sentences 2000]

Scores the tune sentences once (the word head's P(BAD) per word and whether the word looks
like a name, number or quotation), then replays the rule for each setting and prints the MCC
and precision of the highlighted words against `mt_word_tags`, best first."""

from __future__ import annotations

import argparse
import itertools

import numpy as np

import mtfix
from mtfix.pipeline import detect
from training.data import mlqe
from training.metrics import mcc_f1, precision_recall

MARGINS = (0.0, 0.05, 0.1, 0.15, 0.2)
CAPS = (4, 6, 8, 12)


def capture(examples) -> tuple[list[tuple | None], float]:
    """Per sentence, the arguments scan passed to `detect.highlighted` (None for a sentence
    it never reached), and the word threshold."""
    seen: dict[str, tuple] = {}
    original = detect.highlighted

    def recording(*arguments):
        seen[arguments[0]] = arguments
        return original(*arguments)

    detect.highlighted = recording
    try:
        checker = mtfix.load(device="cpu", context=False, cache=False)
        checker.score_sentences([e.text for e in examples])
    finally:
        detect.highlighted = original
    return [seen.get(e.text) for e in examples], checker.detector.word_threshold


def replay(arguments: tuple | None, margin: float, cap: int) -> list[tuple[int, int]]:
    """The spans `detect.highlighted` gives with MARGIN and CAP."""
    if arguments is None:
        return []
    return [(word.start, word.end) for _, word in detect.highlighted(*arguments, margin=margin, cap=cap)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=2000)
    args = parser.parse_args()
    examples = [e for e in mlqe("train", tune_share=0.1) if e.split == "tune" and e.bad_spans is not None
                and e.meta.get("tokens")]
    examples = examples[:: max(1, len(examples) // args.sentences)][: args.sentences]
    captured, threshold = capture(examples)
    truth = np.concatenate([[any(a < e and s < b for a, b in x.bad_spans) for s, e in x.meta["tokens"]]
                            for x in examples])
    rows = []
    for margin, cap in itertools.product(MARGINS, CAPS):
        lit = np.concatenate([[any(a < e and s < b for a, b in replay(arguments, margin, cap))
                               for s, e in x.meta["tokens"]] for x, arguments in zip(examples, captured)])
        mcc, _ = mcc_f1(lit, truth)
        precision, recall = precision_recall(lit, truth)
        rows.append((mcc, margin, cap, precision, recall))
    print(f"{len(examples)} MLQE-PE tune sentences, {len(truth)} tokens, BAD rate {truth.mean():.3f}, "
          f"word threshold {threshold:g}; current rule: margin {detect.NAME_MARGIN}, cap {detect.MAX_SPANS}")
    print(f"{'MCC':>6s} {'margin':>6s} {'cap':>4s} {'prec':>6s} {'recall':>6s}")
    for mcc, margin, cap, precision, recall in sorted(rows, reverse=True):
        print(f"{mcc:6.3f} {margin:6.2f} {cap:4d} {precision:6.3f} {recall:6.3f}")


if __name__ == "__main__":
    main()
