"""Train the detector (models/detector-<lm>.npz) and the LM-independent fallback.

    python -m training.extract mlqe-train mlqe-dev mqm synthetic   # the slow part, cached
    python -m training.train_detector                               # heads, calibration, files

Data (../shared/data, or $MTFIX_DATA): MLQE-PE train (sentence target da_z, word tags),
WMT21 zh→en MQM (train docs; garbled = a major fluency/style error, fine = no error;
word labels from error spans) and synthetic damage of clean English. Each has a tune part
(early stopping, calibration, thresholds); test parts are left for benchmarks/.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mtfix.detector.inputs import WORD_AGGREGATES, word_aggregates
from mtfix.detector.mlp import MLP
from mtfix.detector.model import FALLBACK, Detector
from mtfix.features import feature_names
from mtfix.features.casing import CasingFeatures
from mtfix.features.lints import GrammarFeatures
from mtfix.features.lexicon import LexiconFeatures
from mtfix.features.punctuation import PunctuationFeatures
from mtfix.lm.scorer import LMScorer
from training.extract import CACHE_ROOT, load
from training.featurize import sentence_table, word_table
from training.heads import FitSettings, fit_mlp
from training.metrics import (auroc, best_mcc_threshold, binned_auroc, expected_calibration_error, pearson,
                              threshold_for_precision)

MODELS = Path(__file__).resolve().parents[1] / "models"
WORD_LAYERS = (18,)  # chosen by `python -m training.explore` (see models/CARD.md)
SENTENCE_LAYERS = (2, 16, 24)  # 2 for MQM's fluency errors (see models/CARD.md)
SENTENCE_SEEDS = 3  # the sentence head overfits within a few epochs: its seeds differ by ±0.03 MQM AUROC
THRESHOLD_PRECISION = 0.8  # the default threshold: the highest recall at this precision on tune
LM_FREE_FEATURES = [n for family in (LexiconFeatures(), CasingFeatures(), PunctuationFeatures(), GrammarFeatures())
                    for n in family.names]
# The heads read every hand-made feature but harper's lints: beside the LM's states they added at
# most 0.01 on the tune parts (models/CARD.md) and cost as much CPU as all the other features
# together, enough to hold `scan` under 0.8x the bare forward pass. The LM-free fallback keeps them.
HAND_FEATURES = [n for n in feature_names() if n not in GrammarFeatures.names]


@dataclass
class Corpus:
    """Every sentence of every set, in one table (cache order within each set)."""

    examples: list = field(default_factory=list)
    hand: list = field(default_factory=list)
    pooled: list = field(default_factory=list)  # per set: memory map (n, layers, dim)
    word_index: list = field(default_factory=list)
    parts: list = field(default_factory=list)  # (set name, examples, cache, order)

    def column(self, attribute: str) -> np.ndarray:
        return np.array([getattr(e, attribute) for e in self.examples], dtype=object)

    def hand_of(self, names: list[str]) -> np.ndarray:
        """The hand-made features NAMES of every sentence (columns of `hand`, in feature_names() order)."""
        return self.hand[:, [list(feature_names()).index(n) for n in names]]


def load_corpus(sets: list[str], scorer: LMScorer) -> Corpus:
    corpus = Corpus()
    for name in sets:
        examples, cache, order = load(name, scorer)
        table = sentence_table(name, examples, cache, order)
        corpus.examples += table.examples
        corpus.hand.append(table.hand)
        corpus.pooled.append(table.pooled)
        corpus.parts.append((name, examples, cache, order))
    corpus.hand = np.concatenate(corpus.hand)
    return corpus


def pooled_inputs(corpus: Corpus, layers: tuple[int, ...]) -> np.ndarray:
    return np.concatenate([np.asarray(p[:, list(layers)], np.float32).reshape(len(p), -1) for p in corpus.pooled])


def words_of(corpus: Corpus, layers: tuple[int, ...]):
    """Word inputs, labels and the corpus-wide sentence index of every word."""
    inputs, labels, sentence, offset = [], [], [], 0
    for name, examples, cache, order in corpus.parts:
        table = word_table(name, examples, cache, order, layers)
        inputs.append(table.inputs)
        labels.append(table.labels)
        sentence.append(table.sentence + offset)
        offset += cache.sentences
    return np.concatenate(inputs), np.concatenate(labels), np.concatenate(sentence)


def predict(head: MLP, x: np.ndarray, chunk: int = 100_000) -> np.ndarray:
    """HEAD over the rows of X a chunk at a time (X may be millions of float16 rows)."""
    return np.concatenate([head(x[begin:begin + chunk]) for begin in range(0, len(x), chunk)])


def source_weights(sources: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Each source carries the same total weight among the rows of MASK."""
    weights = np.zeros(len(sources), np.float32)
    names = sorted(set(sources[mask]))
    for name in names:
        rows = mask & (sources == name)
        weights[rows] = 1.0 / rows.sum()
    return weights * mask.sum() / max(1, len(names))


def train_word_head(x, labels, sources, split, settings: FitSettings):
    known = labels >= 0
    train, tune = known & (split == "train"), known & (split == "tune")
    weights = source_weights(sources, train) + source_weights(sources, tune)
    y = labels.astype(np.float32)[:, None]
    mask = np.ones_like(y)
    rows = np.flatnonzero(train)
    tune_rows = np.flatnonzero(tune)
    return fit_mlp(x[rows], y[rows], mask[rows], weights[rows],
                   (x[tune_rows], y[tune_rows], mask[tune_rows], weights[tune_rows]), ("bce",), settings)


def sentence_targets(corpus: Corpus) -> tuple[np.ndarray, np.ndarray]:
    garbled = np.array([np.nan if e.garbled is None else e.garbled for e in corpus.examples], np.float32)
    quality = np.array([e.quality if e.source == "mlqe" and e.quality is not None else np.nan
                        for e in corpus.examples], np.float32)
    return garbled, quality


def train_sentence_head(x, garbled, quality, sources, split, settings: FitSettings, with_quality: bool = True):
    targets = np.stack([np.nan_to_num(garbled), np.nan_to_num(quality)], axis=1)
    masks = np.stack([~np.isnan(garbled), ~np.isnan(quality)], axis=1).astype(np.float32)
    if not with_quality:
        targets, masks = targets[:, :1], masks[:, :1]
    train = (split == "train") & (masks.sum(1) > 0)
    tune = (split == "tune") & (masks.sum(1) > 0)
    weights = source_weights(sources, train) + source_weights(sources, tune)
    losses = ("bce", "mse")[: targets.shape[1]]
    rows, tune_rows = np.flatnonzero(train), np.flatnonzero(tune)
    return fit_mlp(x[rows], targets[rows], masks[rows], weights[rows],
                   (x[tune_rows], targets[tune_rows], masks[tune_rows], weights[tune_rows]), losses, settings)


def platt(logits: np.ndarray, truth: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """a, b of sigmoid(a·logit + b) by weighted Newton steps on the log-loss."""
    x = np.stack([logits, np.ones_like(logits)], axis=1).astype(np.float64)
    theta = np.array([1.0, 0.0])
    for _ in range(50):
        p = 1 / (1 + np.exp(-(x @ theta)))
        gradient = x.T @ (weights * (p - truth))
        hessian = (x * (weights * p * (1 - p))[:, None]).T @ x + 1e-6 * np.eye(2)
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.abs(step).max() < 1e-9:
            break
    return float(theta[0]), float(theta[1])


def calibrate_and_threshold(logits, garbled, sources, split) -> tuple[tuple[float, float], float, dict]:
    tune = (split == "tune") & ~np.isnan(garbled)
    weights = source_weights(sources, tune)[tune]
    a, b = platt(logits[tune], garbled[tune], weights)
    probability = 1 / (1 + np.exp(-(a * logits + b)))
    threshold, precision, recall = threshold_for_precision(probability[tune], garbled[tune] > 0.5, THRESHOLD_PRECISION)
    ece, _ = expected_calibration_error(probability[tune], garbled[tune])
    return (a, b), round(threshold, 4), {"tune_precision": round(precision, 3), "tune_recall": round(recall, 3),
                                          "tune_ece": round(ece, 4)}


def tune_report(corpus: Corpus, outputs: np.ndarray, garbled, quality, sources, split) -> dict:
    """The heads on the tune parts: MLQE-PE per-pair Pearson of the quality output with da_z,
    MQM AUROC within length quartiles, synthetic AUROC."""
    tune = split == "tune"
    groups = np.array([e.group for e in corpus.examples])
    words = np.array([len(e.text.split()) for e in corpus.examples])
    mlqe = tune & (sources == "mlqe")
    pairs = {g: round(pearson(outputs[mlqe & (groups == g), 1], quality[mlqe & (groups == g)]), 3)
             for g in sorted(set(groups[mlqe]))}
    figures = {"mlqe_tune_pearson": pairs, "mlqe_tune_pearson_avg": round(float(np.mean(list(pairs.values()))), 4)}
    for source in ("mqm", "synthetic"):
        rows = tune & (sources == source) & ~np.isnan(garbled)
        if source == "mqm":
            figures["mqm_tune_binned_auroc"] = round(binned_auroc(outputs[rows, 0], garbled[rows] > 0.5, words[rows])[0], 4)
        else:
            figures["synthetic_tune_auroc"] = round(auroc(outputs[rows, 0], garbled[rows] > 0.5), 4)
    print(json.dumps(figures), file=sys.stderr, flush=True)
    return figures


MQM_VIEWS = ("mqm", "mqm-context")


def mqm_views(value: str) -> list[str]:
    views = [v for v in value.split(",") if v]
    if not views or any(v not in MQM_VIEWS for v in views):
        raise argparse.ArgumentTypeError(f"choose from {', '.join(MQM_VIEWS)} (comma-separated)")
    return list(dict.fromkeys(views))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="smollm2-135m")
    parser.add_argument("--mqm", default="mqm", type=mqm_views,
                        help="MQM read sentence by sentence (mqm), each document's sentences together "
                             "(mqm-context), or both (mqm,mqm-context: every sentence in both views)")
    parser.add_argument("--word-head-view", default=None, choices=MQM_VIEWS,
                        help="reuse the word head cached for this MQM view instead of training one for --mqm")
    parser.add_argument("--out", default=None, help="default: models/detector-<model>.npz")
    parser.add_argument("--no-fallback", action="store_true", help="do not retrain the fallback detector")
    parser.add_argument("--word-layers", default=",".join(map(str, WORD_LAYERS)))
    parser.add_argument("--sentence-layers", default=",".join(map(str, SENTENCE_LAYERS)))
    parser.add_argument("--seeds", type=int, default=SENTENCE_SEEDS,
                        help="sentence heads trained from this many seeds and merged into one (their mean)")
    args = parser.parse_args()
    word_layers = tuple(int(x) for x in args.word_layers.split(",") if x)
    sentence_layers = tuple(int(x) for x in args.sentence_layers.split(",") if x)

    started = time.time()
    scorer = LMScorer(args.model, device="auto", quiet=True)
    corpus = load_corpus(["mlqe-train", *args.mqm, "synthetic"], scorer)
    sources, split = corpus.column("source"), corpus.column("split")
    garbled, quality = sentence_targets(corpus)
    print(f"{len(corpus.examples)} sentences; LM views ready after {time.time() - started:.0f}s", file=sys.stderr)

    word_x, word_y, word_sentence = words_of(corpus, word_layers)
    print(f"word head: {len(word_y)} words, {int((word_y == 1).sum())} BAD", file=sys.stderr)
    word_view = args.word_head_view or "+".join(args.mqm)
    saved = CACHE_ROOT / args.model / f"word-head-{word_view}-{'-'.join(map(str, word_layers))}.npz"
    if saved.is_file():  # the slow head is kept, so a rerun of the sentence head is quick
        word_head = MLP.from_arrays(np.load(saved), "word")
    else:
        word_head = train_word_head(word_x, word_y, sources[word_sentence], split[word_sentence],
                                    FitSettings(hidden=256, epochs=8, batch=1024, patience=2, dropout=0.3))
        np.savez(saved, **word_head.arrays("word"))
    bad = 1 / (1 + np.exp(-predict(word_head, word_x)[:, 0]))
    word_tune = (split[word_sentence] == "tune") & (word_y >= 0)
    word_threshold, word_mcc = best_mcc_threshold(bad[word_tune], word_y[word_tune] == 1)
    aggregates = np.zeros((len(corpus.examples), len(WORD_AGGREGATES)), np.float32)
    bounds = np.searchsorted(word_sentence, np.arange(len(corpus.examples) + 1))
    for i in range(len(corpus.examples)):
        aggregates[i] = word_aggregates(bad[bounds[i]:bounds[i + 1]])
    del word_x

    x = np.hstack([corpus.hand_of(HAND_FEATURES), aggregates, pooled_inputs(corpus, sentence_layers)])
    print(f"sentence head: {x.shape}", file=sys.stderr)
    sentence_head = MLP.mean_of([train_sentence_head(x, garbled, quality, sources, split,
                                                     FitSettings(hidden=256, epochs=40, batch=256, dropout=0.3,
                                                                 patience=5, seed=seed))
                                 for seed in range(args.seeds)])
    outputs = sentence_head(x)
    logits = outputs[:, 0]
    tune_figures = tune_report(corpus, outputs, garbled, quality, sources, split)
    calibration, threshold, calibration_figures = calibrate_and_threshold(logits, garbled, sources, split)
    tune_figures.update(calibration_figures)
    layers = tuple(sorted(set(word_layers) | set(sentence_layers)))
    card = {"trained": time.strftime("%Y-%m-%d"), "data": {name: int((sources == name).sum()) for name in set(sources)},
            "mqm_view": "+".join(args.mqm), "word_head_mqm_view": word_view, "sentence_seeds": args.seeds,
            "word_tune_mcc": round(word_mcc, 4), **tune_figures,
            "threshold_rule": f"highest recall at precision >= {THRESHOLD_PRECISION} on the pooled tune parts",
            "seconds": round(time.time() - started)}
    detector = Detector(args.model, layers, [layers.index(layer) for layer in word_layers],
                        [layers.index(layer) for layer in sentence_layers], HAND_FEATURES, word_head, sentence_head,
                        calibration, threshold, round(word_threshold, 4), card=card)
    out = Path(args.out) if args.out else MODELS / f"detector-{args.model.replace('/', '--')}.npz"
    detector.save(out)
    print(json.dumps(card, indent=1), f"\nwrote {out}", file=sys.stderr)

    if not args.no_fallback:
        hand = corpus.hand_of(LM_FREE_FEATURES)
        head = train_sentence_head(hand, garbled, quality, sources, split, FitSettings(hidden=0, epochs=40), False)
        calibration, threshold, figures = calibrate_and_threshold(head(hand)[:, 0], garbled, sources, split)
        fallback = Detector(None, (), [], [], LM_FREE_FEATURES, None, head, calibration, threshold, 1.0,
                            card={"trained": card["trained"], "data": card["data"], **figures,
                                  "threshold_rule": card["threshold_rule"]})
        fallback.save(MODELS / f"detector-{FALLBACK}.npz")
        print(f"fallback: {figures}; wrote {MODELS / f'detector-{FALLBACK}.npz'}", file=sys.stderr)


if __name__ == "__main__":
    main()
