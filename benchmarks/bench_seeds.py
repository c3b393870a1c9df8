"""The seed articles as a reader sees them: `benchmarks/data/seed_labels.jsonl` marks, by
reading, which seed sentences are garbled (with the kind of damage) and which are unsure;
every other scored sentence counts as fluent. This script scans seeds/ with mtfix.load()
and prints each labelled sentence's P(garbled) and whether it is flagged (by the threshold
or the near-miss check, whose reason is shown), then the seed bars:

- every garbled sentence of the kinds `reported` (quoted in a user's report), `midcap` (a
  capitalised common word mid-sentence), `lowername` (a lower-cased name), `bracket` (a
  bracketed leftover) and `stop_inside` (a full stop inside a sentence) is flagged;
- at most 1 in 10 fluent sentences is flagged.

    python benchmarks/bench_seeds.py [--threshold T] [--no-near-miss]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BAR_KINDS = {"reported", "midcap", "lowername", "bracket", "stop_inside"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--detector", default=None)
    parser.add_argument("--no-context", action="store_true")
    parser.add_argument("--no-near-miss", action="store_true", help="with the near-miss check off")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    import mtfix
    from mtfix.document import Document

    labels = [json.loads(line) for line in (REPO / "benchmarks/data/seed_labels.jsonl").read_text().splitlines() if line]
    checker = mtfix.load(detector=args.detector, device="cpu", context=not args.no_context, threshold=args.threshold,
                         near_miss=not args.no_near_miss)
    threshold = checker.detect.threshold
    scored = []
    for item in checker.check_paths([str(REPO / "seeds")]):
        if isinstance(item, Document):
            path = str(Path(item.path).relative_to(REPO))
            scored += [(path, s) for s in item.sentences if s.label in ("ok", "garbled") and not s.suppressed]
    found = set()
    rows = []
    for path, sentence in scored:
        label = next((entry for entry in labels if entry["path"] == path and sentence.text.startswith(entry["text"])),
                     None)
        if label:
            found.add(id(label))
        kind = label["label"] if label else "fluent"
        rows.append((kind, label["kinds"] if label else [], sentence))
    missing = [entry for entry in labels if id(entry) not in found]
    print(f"signature: {checker.signature()}; threshold {threshold:g}")
    for kind, kinds, sentence in sorted(rows, key=lambda r: (r[0], -r[2].score)):
        mark = "FLAGGED" if sentence.label == "garbled" else "-"
        spans = ", ".join(s.text + (f"→{s.alternative}" if s.alternative else "") for s in sentence.spans)
        print(f"{kind:8s} {sentence.score:.2f} {mark:7s} {'+'.join(kinds):28s} {sentence.text[:90]}"
              f"{f'  [{spans}]' if spans and sentence.label == 'garbled' else ''}"
              f"{f'  ({sentence.reason})' if sentence.reason else ''}")
    garbled = [r for r in rows if r[0] == "garbled"]
    fluent = [r for r in rows if r[0] == "fluent"]
    bar = [r for r in garbled if set(r[1]) & BAR_KINDS]
    flagged = lambda rs: sum(r[2].label == "garbled" for r in rs)  # noqa: E731
    print(f"\ngarbled flagged {flagged(garbled)}/{len(garbled)}; bar sentences (reported quotes and mechanical "
          f"damage) flagged {flagged(bar)}/{len(bar)}; fluent flagged {flagged(fluent)}/{len(fluent)} "
          f"({flagged(fluent) / max(1, len(fluent)):.0%}, bar: at most 10%)")
    for kind, kinds, sentence in bar:
        if sentence.label != "garbled":
            print(f"  missed: {sentence.score:.2f} {sentence.text[:100]}")
    if missing:
        print(f"labels that matched no scored sentence: {[m['text'][:40] for m in missing]}")


if __name__ == "__main__":
    main()
