"""Train the garbling detector (models/detector.json) on MLQE-PE real MT output.

    python models/train_detector.py --data ../shared/data/mlqepe_xen_train.jsonl

Steps: score a fixed sample of MT sentences with the LM (cached on disk), compute the
features of mtfix.features, fit an L2-regularised logistic regression for
"garbled" = da_z < LABEL_DA_Z (plus synthetic casing/punctuation damage applied to
fluent MT, see mtfix/eval/synthetic.py), pick the word rule (beta, threshold) that best finds the
BAD words of `mt_word_tags`, and write the weights with their provenance.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

from mtfix.eval.mlqe import cached_scores, load_mlqe
from mtfix.features import FEATURE_NAMES, compute_features, sentence_view
from mtfix.eval.synthetic import corrupt
from mtfix.eval.wordtags import best_word_rule, word_badness_rows
from mtfix.home import mtfix_home
from mtfix.lm.scorer import LMScorer

LABEL_DA_Z = -0.5
SYNTHETIC_SOURCE_DA_Z = 0.5  # only clearly good MT is damaged on purpose
SYNTHETIC_SHARE = 0.2
L2 = 1.0
DEFAULT_THRESHOLD = 0.5


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = L2, steps: int = 50) -> tuple[np.ndarray, float]:
    """Newton's method on the L2-penalised log-loss (bias unpenalised)."""
    n, d = x.shape
    design = np.hstack([x, np.ones((n, 1))])
    theta = np.zeros(d + 1)
    penalty = np.full(d + 1, l2)
    penalty[-1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(design @ theta)))
        gradient = design.T @ (p - y) + penalty * theta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return theta[:-1], float(theta[-1])


def synthetic_rows(rows: list[dict], share: float, seed: int = 7) -> list[dict]:
    """Damaged copies of good MT sentences, as extra garbled training examples."""
    rng = random.Random(seed)
    good = [row for row in rows if row["da_z"] > SYNTHETIC_SOURCE_DA_Z]
    out = []
    for row in rng.sample(good, min(len(good), int(len(rows) * share))):
        damaged = corrupt(row["mt"], rng)
        if damaged:
            out.append({"mt": damaged, "da_z": -2.0, "lp": "synthetic"})
    return out


def featurize(rows: list[dict], scorer: LMScorer, cache: Path):
    texts = [row["mt"] for row in rows]
    started = time.time()
    scores = cached_scores(scorer, texts, cache)
    print(f"LM scores for {len(texts)} sentences in {time.time() - started:.0f}s", file=sys.stderr)
    return [compute_features(sentence_view(text, tokens)) for text, tokens in zip(texts, scores)], scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="../shared/data/mlqepe_xen_train.jsonl")
    parser.add_argument("--per-pair", type=int, default=1400, help="sentences sampled per language pair (0: all)")
    parser.add_argument("--model", default="smollm2-135m")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--synthetic-share", type=float, default=SYNTHETIC_SHARE,
                        help="damaged copies of good MT to add, as a share of the sample")
    parser.add_argument("--out", default=str(Path(__file__).with_name("detector.json")))
    parser.add_argument("--cache", default=str(mtfix_home() / "training-cache"))
    args = parser.parse_args()

    rows = load_mlqe(args.data, args.per_pair or None)
    scorer = LMScorer(args.model, device="auto", batch_size=args.batch_size)
    features, scores = featurize(rows, scorer, Path(args.cache))
    synthetic = synthetic_rows(rows, args.synthetic_share)
    synthetic_features, _ = featurize(synthetic, scorer, Path(args.cache)) if synthetic else ([], [])
    x = np.array([[f[name] for name in FEATURE_NAMES] for f in features + synthetic_features])
    y = np.array([row["da_z"] < LABEL_DA_Z for row in rows + synthetic], dtype=np.float64)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    weights, bias = fit_logistic(np.clip((x - mean) / scale, -6, 6), y)
    rule = best_word_rule(word_badness_rows(rows, scores))

    detector = {
        "features": list(FEATURE_NAMES),
        "mean": mean.round(6).tolist(),
        "scale": scale.round(6).tolist(),
        "weights": weights.round(6).tolist(),
        "bias": round(bias, 6),
        "threshold": DEFAULT_THRESHOLD,
        "word_rule": {"beta": rule[0], "threshold": rule[1]},
        "lm": args.model,
        "meta": {
            "data": Path(args.data).name,
            "sentences": len(rows),
            "synthetic": len(synthetic),
            "per_pair": args.per_pair,
            "label": f"da_z < {LABEL_DA_Z}",
            "positive_rate": round(float(y.mean()), 4),
            "l2": L2,
        },
    }
    Path(args.out).write_text(json.dumps(detector, indent=1) + "\n")
    for name, weight in sorted(zip(FEATURE_NAMES, weights), key=lambda p: -abs(p[1])):
        print(f"{name:22s} {weight:+.3f}")
    print(f"word rule beta={rule[0]} threshold={rule[1]}; wrote {args.out}")


if __name__ == "__main__":
    main()
