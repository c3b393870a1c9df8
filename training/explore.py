"""Which layers and which pooling the detector's heads should read: measured, not guessed.

    python -m training.explore            # prints the tables the model card quotes

Sentence level: a ridge regression on one layer's pooled states plus the hand-made features,
fitted on the train parts, scored on the tune parts: MLQE-PE (average per-pair Pearson with
da_z), MQM (AUROC within length quartiles, major fluency/style error against none) and
synthetic damage (AUROC). Word level: the same for the word inputs of each stored layer
(AUROC of BAD words on each tune part)."""

from __future__ import annotations

import sys

import numpy as np

from mtfix.lm.scorer import LMScorer
from training.featurize import word_table
from training.lmcache import STORE_LAYERS
from training.metrics import auroc, binned_auroc, pearson
from training.train_detector import load_corpus, sentence_targets


def ridge(x_train, y_train, x_test, alpha: float = 10.0):
    mean, scale = x_train.mean(0), x_train.std(0) + 1e-6
    a = (x_train - mean) / scale
    b = (x_test - mean) / scale
    w = np.linalg.solve(a.T @ a + alpha * len(a) * 1e-3 * np.eye(a.shape[1]), a.T @ (y_train - y_train.mean()))
    return b @ w


def sentence_figures(x, corpus, garbled, quality, sources, split) -> tuple[float, float, float]:
    out = []
    mlqe_train = (sources == "mlqe") & (split == "train")
    mlqe_tune = (sources == "mlqe") & (split == "tune")
    predicted = ridge(x[mlqe_train], quality[mlqe_train], x[mlqe_tune])
    groups = np.array([e.group for e in corpus.examples])[mlqe_tune]
    out.append(np.mean([pearson(predicted[groups == g], quality[mlqe_tune][groups == g]) for g in sorted(set(groups))]))
    for source in ("mqm", "synthetic"):
        if not (sources == source).any():
            out.append(float("nan"))
            continue
        train = (sources == source) & (split == "train") & ~np.isnan(garbled)
        tune = (sources == source) & (split == "tune") & ~np.isnan(garbled)
        predicted = ridge(x[train], garbled[train], x[tune])
        if source == "mqm":
            words = np.array([len(e.text.split()) for e in corpus.examples])[tune]
            out.append(binned_auroc(predicted, garbled[tune] > 0.5, words)[0])
        else:
            out.append(auroc(predicted, garbled[tune] > 0.5))
    return tuple(out)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", default="mlqe-train,mqm,synthetic")
    parser.add_argument("--part", default="sentence,word")
    args = parser.parse_args()
    scorer = LMScorer("smollm2-135m", device="auto", quiet=True)
    corpus = load_corpus(args.sets.split(","), scorer)
    sources, split = corpus.column("source"), corpus.column("split")
    garbled, quality = sentence_targets(corpus)
    rng = np.random.default_rng(0)
    if "sentence" not in args.part:
        corpus.pooled = []
    print("## sentence level: one layer's mean-pooled states + hand-made features (ridge, train → tune)")
    print(f"{'layer':>5s} {'MLQE r':>7s} {'MQM auroc':>9s} {'synth auroc':>11s}")
    print(f"{'none':>5s} " + " ".join(f"{v:>9.3f}" for v in sentence_figures(corpus.hand, corpus, garbled, quality,
                                                                             sources, split)), flush=True)
    for layer in (2, 6, 10, 14, 16, 18, 20, 22, 24, 26, 28, 30) if corpus.pooled else ():
        pooled = np.concatenate([np.asarray(p[:, layer], np.float32) for p in corpus.pooled])
        figures = sentence_figures(np.hstack([corpus.hand, pooled]), corpus, garbled, quality, sources, split)
        print(f"{layer:>5d} " + " ".join(f"{v:>9.3f}" for v in figures), flush=True)
    if "word" not in args.part:
        return
    print("\n## word level: scalars and the states after the word and the next two tokens (ridge, subsample)")
    print(f"{'layer':>5s} " + " ".join(f"{s:>10s}" for s in ("mlqe", "mqm", "synthetic")))
    for layers in [(), *[(layer,) for layer in STORE_LAYERS]]:
        row = []
        for name, examples, cache, order in corpus.parts:
            keep = rng.random(cache.sentences) < (3000 / cache.sentences)
            table = word_table(name, examples, cache, order, layers or (STORE_LAYERS[0],), keep)
            x = table.inputs[:, :21] if not layers else table.inputs
            parts = np.array([examples[order[i]].split for i in table.sentence])
            known = table.labels >= 0
            train, tune = known & (parts == "train"), known & (parts == "tune")
            predicted = ridge(x[train].astype(np.float32), table.labels[train].astype(np.float32),
                              x[tune].astype(np.float32))
            row.append(auroc(predicted, table.labels[tune] == 1))
        print(f"{'-'.join(map(str, layers)) or 'none':>5s} " + " ".join(f"{v:>10.3f}" for v in row), flush=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
