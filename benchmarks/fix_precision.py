"""What `fix` would do on a recorded MLQE-PE part at each confidence floor: how many of all
the part's sentences change, how many of those move closer to the human post-edit and how
many further (case-sensitive TER), and the part's corpus TER before and after.

    python benchmarks/bench_fix.py --per-pair 300 --part tune --min-confidence 0 --max-suggestions 10 \\
        --record tune.jsonl
    python benchmarks/fix_precision.py tune.jsonl                  # choose the floor here ...
    python benchmarks/fix_precision.py heldout.jsonl --floors 0.2  # ... report it here

The best suggestion at or above the floor is the one `fix` applies (suggestions are
recorded best first). Every offered suggestion is also checked against the polarity guard.
Needs sacrebleu (the [bench] extra).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))


def corpus_ter(hypotheses: list[str], references: list[str]) -> float:
    from sacrebleu.metrics import TER

    return TER(case_sensitive=True).corpus_score(hypotheses, [references]).score


def evaluate(path: str, floors: list[float]) -> None:
    from bench_fix import mlqe_part

    from mtfix.fix.guards import meaning_violation
    from mtfix.features.words import split_words

    lines = [json.loads(line) for line in open(path, encoding="utf-8")]
    header, records = lines[0], lines[1:]
    part = mlqe_part(header["part"], header["per_pair"])
    flagged = {r["id"]: r for r in records}
    flips = sum(meaning_violation(r["text"], split_words(r["text"]), split_words(s["text"])) == "polarity flipped"
                for r in records for s in r["suggestions"])
    before = corpus_ter([e.text for e in part], [e.meta["post_edit"] for e in part])
    print(f"\n## {path}: MLQE-PE {header['part']}, {len(part)} sentences, {len(records)} flagged; "
          f"corpus TER {before:.2f}; polarity flips among {sum(len(r['suggestions']) for r in records)} "
          f"offered suggestions: {flips}")
    print(f"{'floor':>5s} {'changed':>8s} {'of all':>7s} {'closer':>7s} {'further':>8s} {'precision':>9s} "
          f"{'corpus TER':>10s}")
    for floor in floors:
        closer = further = changed = 0
        after = []
        for example in part:
            record = flagged.get(example.meta["id"])
            best = next((s for s in record["suggestions"] if s["confidence"] >= floor), None) if record else None
            after.append(best["text"] if best else example.text)
            if best:
                changed += 1
                closer += best["ter"] < record["ter"]
                further += best["ter"] > record["ter"]
        decided = closer + further
        precision = f"{closer / decided:.2f}" if decided else "-"
        print(f"{floor:5.2f} {changed:8d} {changed / len(part):7.1%} {closer:7d} {further:8d} {precision:>9s} "
              f"{corpus_ter(after, [e.meta['post_edit'] for e in part]):10.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("records", nargs="+", help="files written by bench_fix.py --record")
    parser.add_argument("--floors", default="0,0.1,0.2,0.3,0.4,0.5", help="comma-separated confidence floors")
    args = parser.parse_args()
    for path in args.records:
        evaluate(path, [float(f) for f in args.floors.split(",")])


if __name__ == "__main__":
    main()
