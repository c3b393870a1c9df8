"""Train the edit tagger (models/tagger-<lm>.npz): one edit tag per word (mtfix.fix.edits)
from the LM's hidden states, on MLQE-PE train (`mt` aligned with its `post_edit`) and on
synthetic damage of clean English aligned with its original.

    python -m training.extract mlqe-train synthetic     # cached LM views (shared with the detector)
    python -m training.train_tagger
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from mtfix.features.words import split_words
from mtfix.fix.edits import APPEND, KEEP, REPLACE, tags_between
from mtfix.fix.edit_tagger import Tagger
from mtfix.lm.scorer import LMScorer
from training.extract import load
from training.featurize import word_table
from training.heads import FitSettings, fit_mlp
from training.synthetic import FIX_HELD_OUT_KINDS
from training.train_detector import MODELS, WORD_LAYERS

VOCABULARY = 120  # REPLACE:w and APPEND:w targets kept (the most frequent in training)
MAX_HTER = 0.5  # MLQE pairs rewritten more than this are mostly meaning repairs: left out


def target_of(example) -> str | None:
    """What the sentence should read: the post-edit, or the clean original of a synthetic one."""
    if example.source == "mlqe":
        return example.meta["post_edit"] if example.meta.get("hter", 1.0) <= MAX_HTER else None
    if example.source == "synthetic":
        if set(example.meta.get("kinds", ())) & set(FIX_HELD_OUT_KINDS):
            return None
        return example.meta.get("clean", example.text)
    return None


def word_tags(sets: list[str], scorer: LMScorer):
    """Word inputs, tag strings, split and source of every scored word of the sets."""
    inputs, tags, split, source = [], [], [], []
    for name in sets:
        examples, cache, order = load(name, scorer)
        table = word_table(name, examples, cache, order, WORD_LAYERS)
        bounds = np.searchsorted(table.sentence, np.arange(cache.sentences + 1))
        keep = np.zeros(len(table.labels), bool)
        labels = np.full(len(table.labels), "", dtype=object)
        for i in range(cache.sentences):
            example = examples[order[i]]
            target = target_of(example)
            if target is None:
                continue
            per_word = dict(zip([w.start for w in split_words(example.text)], tags_between(example.text, target)))
            for row in range(bounds[i], bounds[i + 1]):
                labels[row] = per_word.get(int(table.spans[row, 0]), KEEP)
                keep[row] = True
        inputs.append(table.inputs[keep])
        tags.append(labels[keep])
        split.append(np.array([examples[order[i]].split for i in table.sentence[keep]], dtype=object))
        source.append(np.full(keep.sum(), name, dtype=object))
    return np.concatenate(inputs), np.concatenate(tags), np.concatenate(split), np.concatenate(source)


def vocabulary(tags: np.ndarray) -> list[str]:
    counts = Counter(t for t in tags if t.startswith((REPLACE, APPEND)))
    kept = [t for t, _ in counts.most_common(VOCABULARY)]
    return [KEEP, "DELETE", "LOWER", "UPPER", "SWAP"] + sorted(kept)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="smollm2-135m")
    parser.add_argument("--out", default=None)
    parser.add_argument("--epochs", type=int, default=8, help="at most; early stopping on the tune split")
    args = parser.parse_args()
    started = time.time()
    scorer = LMScorer(args.model, device="auto", quiet=True)
    x, tags, split, source = word_tags(["mlqe-train", "synthetic"], scorer)
    names = vocabulary(tags[split == "train"])
    index = {t: i for i, t in enumerate(names)}
    y = np.array([index.get(t, 0) for t in tags])  # an edit outside the vocabulary is not learnt
    counts = np.bincount(y, minlength=len(names)).astype(float)
    print(f"{len(y)} words; {len(names)} tags; edits {int((y > 0).sum())}; "
          f"top: {[(names[i], int(counts[i])) for i in np.argsort(-counts)[:12]]}", file=sys.stderr)
    # Each class weighted towards balance, but KEEP keeps most of its weight: a tagger that
    # edits everything is worse than one that edits too little.
    class_weight = np.clip((counts.sum() / np.maximum(counts, 1)) ** 0.5, 1, 30)
    class_weight[0] = 1.0
    weights = class_weight[y]
    onehot = np.zeros((len(y), len(names)), np.float32)
    onehot[np.arange(len(y)), y] = 1
    train, tune = split == "train", split == "tune"
    head = fit_mlp(x[train], onehot[train], np.ones((train.sum(), 1), np.float32), weights[train],
                   (x[tune], onehot[tune], np.ones((tune.sum(), 1), np.float32), weights[tune]), ("softmax",),
                   FitSettings(hidden=256, epochs=args.epochs, batch=1024, patience=2))
    logits = head(x[tune])
    predicted = logits.argmax(1)
    truth = y[tune]
    edits = truth > 0
    figures = {"tune_words": int(tune.sum()), "tune_edit_recall": round(float((predicted[edits] == truth[edits]).mean()), 3),
               "tune_edit_precision": round(float((predicted[predicted > 0] == truth[predicted > 0]).mean()), 3)
               if (predicted > 0).any() else 0.0,
               "seconds": round(time.time() - started)}
    tagger = Tagger(args.model, tuple(WORD_LAYERS), names, head, 0.5,
                    card={"trained": time.strftime("%Y-%m-%d"), "max_hter": MAX_HTER, **figures})
    out = Path(args.out) if args.out else MODELS / f"tagger-{args.model.replace('/', '--')}.npz"
    tagger.save(out)
    print(json.dumps(figures), f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
