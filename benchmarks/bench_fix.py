"""Repair quality and speed of `mtfix fix` on MLQE-PE dev (real MT output with human
post-edits), and every suggestion for the seed articles in a file a person can read.

    python benchmarks/bench_fix.py --data ../shared/data/mlqepe_xen_dev.jsonl --per-pair 120
    python benchmarks/bench_fix.py --seeds seeds/ --seeds-out benchmarks/fix_seeds.md

For the flagged sentences that mtfix changes (best suggestion at --min-confidence), TER and
chrF against the human `post_edit` before and after; how often a fix makes a sentence
worse (TER up) or better; which source won; suggestions per second; peak memory.
Needs sacrebleu (pip install sacrebleu); it is not a dependency of mtfix itself.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np


def load_targets(rows, scanner):
    """Each MT output as a one-sentence Document, labelled by the real detector."""
    from mtfix.document import Document, Sentence

    items = []
    for row in rows:
        text = row["mt"].strip()
        document = Document(f"dev:{row['id']}", text, "utf-8")
        document.sentences = [Sentence(0, len(text), text, 0)]
        items.append((document, document.sentences[0]))
    scanner.garble.run(items)
    return items


def sentence_metrics(hypotheses: list[str], references: list[str]) -> tuple[np.ndarray, np.ndarray]:
    from sacrebleu.metrics import CHRF, TER

    ter, chrf = TER(), CHRF()
    return (np.array([ter.sentence_score(h, [r]).score for h, r in zip(hypotheses, references)]),
            np.array([chrf.sentence_score(h, [r]).score for h, r in zip(hypotheses, references)]))


def run_mlqe(args) -> None:
    from mtfix.eval.mlqe import load_mlqe
    from mtfix.fix.candidate import FixTarget
    from mtfix.fix.fixer import Fixer, FixOptions
    from mtfix.fix.rerank import RerankSettings
    from mtfix.scan import Scanner, ScanOptions

    rows = load_mlqe(args.data, per_pair=args.per_pair)
    by_id = {f"dev:{r['id']}": r for r in rows}
    scanner = Scanner(ScanOptions(device=args.device), quiet=True)
    rerank = RerankSettings(min_confidence=args.min_confidence)
    fixer = Fixer(scanner, FixOptions(sources=tuple(args.sources.split(",")), rerank=rerank), quiet=True)
    started = time.perf_counter()
    items = load_targets(rows, scanner)
    scan_seconds = time.perf_counter() - started
    targets = [FixTarget.of(d, s) for d, s in items if s.label == "garbled"]
    print(f"{len(rows)} sentences, {len(targets)} flagged garbled (scan {scan_seconds:.1f} s)", flush=True)
    started = time.perf_counter()
    fixes = []
    for begin in range(0, len(targets), 16):
        fixes.extend(fixer.fix_targets(targets[begin:begin + 16]))
        print(f"  fixed {len(fixes)}/{len(targets)}  {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    fix_seconds = time.perf_counter() - started
    changed = [(f, f.best) for f in fixes if f.best]
    references = [by_id[f.target.document.path]["post_edit"] for f, _ in changed]
    ter_before, chrf_before = sentence_metrics([f.target.text for f, _ in changed], references)
    ter_after, chrf_after = sentence_metrics([s.text for _, s in changed], references)
    wins = Counter(s.source for _, s in changed)
    if args.examples:
        with open(args.examples, "w", encoding="utf-8") as out:
            for (f, s), ref, before, after in zip(changed, references, ter_before, ter_after):
                out.write(f"{s.source}\t{s.confidence:.2f}\tTER {before:.1f}->{after:.1f}\n  MT:  {f.target.text}\n"
                          f"  FIX: {s.text}\n  PE:  {ref}\n  {s.detail}\n\n")
    print(f"\nchanged {len(changed)} of {len(targets)} flagged ({len(changed) / max(1, len(targets)):.0%}), "
          f"min confidence {args.min_confidence}")
    if changed:
        print(f"TER  before {ter_before.mean():6.2f}  after {ter_after.mean():6.2f}  "
              f"(lower is better; mean change {np.mean(ter_after - ter_before):+.2f})")
        print(f"chrF before {chrf_before.mean():6.2f}  after {chrf_after.mean():6.2f}  "
              f"(higher is better; mean change {np.mean(chrf_after - chrf_before):+.2f})")
        print(f"TER better {np.mean(ter_after < ter_before):.0%}, same {np.mean(ter_after == ter_before):.0%}, "
              f"worse {np.mean(ter_after > ter_before):.0%}")
        for source in sorted(wins, key=lambda s: -wins[s]):
            mask = np.array([s.source == source for _, s in changed])
            print(f"  {source:9s} won {wins[source]:4d}  TER change {np.mean(ter_after[mask] - ter_before[mask]):+.2f}  "
                  f"chrF change {np.mean(chrf_after[mask] - chrf_before[mask]):+.2f}  "
                  f"worse {np.mean(ter_after[mask] > ter_before[mask]):.0%}")
        for floor in (0.2, 0.3, 0.5):
            mask = np.array([s.confidence >= floor for _, s in changed])
            if mask.any():
                print(f"  confidence >= {floor}: {mask.sum()} fixes, TER change "
                      f"{np.mean(ter_after[mask] - ter_before[mask]):+.2f}, worse {np.mean(ter_after[mask] > ter_before[mask]):.0%}")
    suggestions = sum(len(f.suggestions) for f in fixes)
    print(f"speed: {len(targets) / fix_seconds:.2f} flagged sentences/s, {suggestions / fix_seconds:.2f} suggestions/s "
          f"({fixer.stats.candidates} candidates, {fix_seconds:.0f} s)")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024:.2f} GB")
    print(fixer.signature)


def run_seeds(args) -> None:
    from mtfix.fix.fixer import Fixer, FixOptions
    from mtfix.scan import Scanner, ScanOptions
    from mtfix.worddiff import plain_word_diff

    scanner = Scanner(ScanOptions(device=args.device), quiet=True)
    fixer = Fixer(scanner, FixOptions(sources=tuple(args.sources.split(","))), quiet=True)
    lines = ["# mtfix fix on the seed articles", "",
             "Every flagged sentence with every suggestion, best first; `[-removed-]{+added+}`.", ""]
    for document, fixes in fixer.fix([args.seeds]):
        for fix in fixes:
            sentence = fix.target.sentence
            lines.append(f"## {document.path}:{sentence.line}:{sentence.col} (P(garbled) {sentence.score:.2f})")
            lines.append("")
            lines.append(f"> {fix.target.text}")
            lines.append("")
            if not fix.suggestions:
                reasons = ", ".join(f"{n} {why}" for why, n in fix.rejected.items())
                lines.append(f"No good fix ({fix.considered} candidates; {reasons or 'none proposed'}).")
            for rank, s in enumerate(fix.suggestions, 1):
                lines.append(f"{rank}. **{s.source}**, confidence {s.confidence:.2f}: "
                             f"{plain_word_diff(fix.target.text, s.text)}  ")
                lines.append(f"   {s.reason}; {s.detail}")
            lines.append("")
    lines.append(f"Signature: `{fixer.signature}`")
    Path(args.seeds_out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.seeds_out}: {fixer.stats.flagged} flagged, {fixer.stats.with_suggestion} with a suggestion")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="MLQE-PE jsonl with mt and post_edit")
    parser.add_argument("--per-pair", type=int, default=120, help="sentences sampled per language pair")
    parser.add_argument("--seeds", help="a folder of articles: write every suggestion to --seeds-out")
    parser.add_argument("--seeds-out", default="benchmarks/fix_seeds.md")
    parser.add_argument("--sources", default="seq2seq,grammar,lm")
    parser.add_argument("--min-confidence", type=float, default=0.1)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--examples", help="write each changed sentence, its fix and the post-edit here")
    args = parser.parse_args()
    if not args.data and not args.seeds:
        parser.error("give --data or --seeds")
    if args.seeds:
        run_seeds(args)
    if args.data:
        run_mlqe(args)


if __name__ == "__main__":
    main()
