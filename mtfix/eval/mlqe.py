"""MLQE-PE records and a disk cache of LM scores, shared by training and benchmarks."""

from __future__ import annotations

import hashlib
import json
import pickle
import random
from collections import defaultdict
from pathlib import Path

from mtfix.lm.scorer import LMScorer, TokenScores


def load_mlqe(path: str | Path, per_pair: int | None = None, seed: int = 13) -> list[dict]:
    """Read MLQE-PE jsonl; optionally a fixed random sample of `per_pair` rows per language pair."""
    with open(path, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    if per_pair is None:
        return rows
    by_pair: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_pair[row["lp"]].append(row)
    rng = random.Random(seed)
    sample: list[dict] = []
    for pair in sorted(by_pair):
        group = by_pair[pair]
        sample.extend(rng.sample(group, min(per_pair, len(group))))
    return sample


def cached_scores(scorer: LMScorer, texts: list[str], cache_dir: Path,
                  progress=None) -> list[TokenScores]:
    """LM scores for `texts`, reusing a pickle keyed by the model and the texts."""
    key = hashlib.sha1((scorer.name + "\n" + "\n".join(texts)).encode()).hexdigest()[:16]
    cache_file = Path(cache_dir) / f"lm-{scorer.name.replace('/', '_')}-{key}.pkl"
    if cache_file.is_file():
        with open(cache_file, "rb") as handle:
            return pickle.load(handle)
    scores = scorer.score(texts, progress=progress)
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache_file.with_suffix(".tmp")
    with open(tmp, "wb") as handle:
        pickle.dump(scores, handle)
    tmp.replace(cache_file)
    return scores
