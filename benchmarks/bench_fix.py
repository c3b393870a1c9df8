"""Repair quality and speed of `mtfix fix` (through mtfix.load) on data not used in training:
MLQE-PE dev (real MT with human post-edits), held-out synthetic damage, and the seeds.

    python benchmarks/bench_fix.py --per-pair 300 --part heldout  # MLQE-PE dev past 100/pair, 1,500 sentences
    python benchmarks/bench_fix.py --per-pair 300 --part tune --min-confidence 0 --max-suggestions 10 \
        --record tune.jsonl                                       # every suggestion, for fix_precision.py
    python benchmarks/bench_fix.py --synthetic 600                # exact-match repair per damage kind
    python benchmarks/bench_fix.py --seeds seeds/ --seeds-out benchmarks/fix_seeds.md

MLQE-PE (see PARTS): for the flagged sentences, the best suggestion (at the confidence floor) against
the human `post_edit`: share changed, TER and chrF before and after, better/same/worse by
TER, per-source wins and speeds, flagged sentences per second. Synthetic: damage applied to
held-out clean sentences (the kinds in training.synthetic.FIX_HELD_OUT_KINDS were never
shown to the fixers), exact-match repair rate per kind. Needs sacrebleu (the [bench] extra).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def checker_for(args):
    import mtfix

    checker = mtfix.load(device=args.device)
    sources = tuple(s for s in args.sources.split(",") if s) if args.sources else checker.settings.sources
    explicit = checker.settings.explicit | ({"sources"} if args.all_sources else set())
    floor = checker.settings.min_confidence if args.min_confidence is None else args.min_confidence
    endpoint = {"endpoint": args.endpoint, "endpoint_model": args.endpoint_model,
                "endpoint_concurrency": args.endpoint_concurrency, "endpoint_timeout": args.endpoint_timeout} \
        if args.endpoint else {}
    checker.settings = replace(checker.settings, sources=sources, min_confidence=floor,
                               max_suggestions=args.max_suggestions, explicit=explicit, **endpoint)
    return checker


def targets_of(checker, texts: list[str], names: list[str]):
    """Each text as a one-sentence Document, labelled by the real detector; the flagged ones
    as FixTargets."""
    from mtfix.document import Document, Sentence
    from mtfix.fix.candidate import FixTarget

    documents = []
    for text, name in zip(texts, names):
        document = Document(name, text, "utf-8")
        document.sentences = [Sentence(0, len(text), text, 0)]
        documents.append(document)
    checker.detect.process_batch(documents)
    return [target for d in documents for target in FixTarget.flagged_in(d)]


def record_candidates(checker) -> dict[str, list[str]]:
    """Every distinct candidate the sources propose for each flagged sentence that passes the
    guards, by sentence text, filled in as the reranker is called: what a perfect reranker
    could choose from."""
    from mtfix.fix.guards import violation

    pool: dict[str, list[str]] = {}
    reranker = checker.fix.reranker
    rank = reranker.rank

    def recording_rank(targets, proposals):
        for target, candidates in zip(targets, proposals):
            texts = dict.fromkeys(" ".join(c.text.split()) for c in candidates)
            pool.setdefault(target.text, []).extend(
                t for t in texts if t != target.text and not violation(target.text, t, target.protected))
        return rank(targets, proposals)

    reranker.rank = recording_rank
    return pool


def fix_all(checker, targets):
    started = time.perf_counter()
    fixes = []
    for begin in range(0, len(targets), 16):
        fixes.extend(checker.fix.fix_targets(targets[begin:begin + 16]))
        print(f"  fixed {len(fixes)}/{len(targets)}  {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return fixes, time.perf_counter() - started


def sentence_ter(hypotheses: list[str], references: list[str], case_sensitive: bool = False) -> np.ndarray:
    """Sentence TER of each hypothesis. sacrebleu's TER ignores case by default, so a change
    of case alone (most of what `fix` does) is neither closer nor further by it."""
    from sacrebleu.metrics import TER

    ter = TER(case_sensitive=case_sensitive)
    return np.array([ter.sentence_score(h, [r]).score for h, r in zip(hypotheses, references)])


def sentence_metrics(hypotheses: list[str], references: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Sentence TER (ignoring case) and chrF of each hypothesis."""
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    return (sentence_ter(hypotheses, references),
            np.array([chrf.sentence_score(h, [r]).score for h, r in zip(hypotheses, references)]))


# The parts of MLQE-PE the fix is measured on. `tune`: the tune part of train (a seeded 10 %,
# never trained on by the tagger; the detector's threshold was chosen there, no fix setting
# was). `heldout`: dev past its first 100 sentences per pair (no setting of the fix or the
# detector was ever chosen there). `dev`: dev from its start.
PARTS = {"tune": ("train", "tune", 0), "heldout": ("dev", "test", 100), "dev": ("dev", "test", 0)}


def mlqe_part(part: str, per_pair: int):
    from training.data import mlqe

    split, kept, skip = PARTS[part]
    by_pair = defaultdict(list)
    for e in mlqe(split, tune_share=0.1 if split == "train" else 0.0):
        if e.split == kept:
            by_pair[e.group].append(e)
    return [e for pair in sorted(by_pair) for e in by_pair[pair][skip:skip + per_pair]]


def print_rejections(fixes) -> None:
    """Why the guards and the reranker refused candidates, per reason, over every flagged sentence."""
    rejected = Counter()
    for fix in fixes:
        rejected.update(fix.rejected)
    considered = sum(f.considered for f in fixes)
    print(f"candidates refused: {sum(rejected.values())} of {considered} considered")
    for why, count in rejected.most_common():
        print(f"  {why:28s} {count:5d}  ({count / max(1, considered):.0%})")


def run_mlqe(args) -> None:
    checker = checker_for(args)
    examples = mlqe_part(args.part, args.per_pair)
    reference = {e.meta["id"]: e.meta["post_edit"] for e in examples}
    started = time.perf_counter()
    targets = targets_of(checker, [e.text for e in examples], [e.meta["id"] for e in examples])
    print(f"{len(examples)} sentences, {len(targets)} flagged garbled (scan {time.perf_counter() - started:.1f} s)")
    pool = record_candidates(checker)
    fixes, seconds = fix_all(checker, targets)
    if args.record:
        record_suggestions(args.record, args.part, args.per_pair, fixes, reference)
    changed = [(f, f.best) for f in fixes if f.best]
    references = [reference[f.target.document.path] for f, _ in changed]
    ter_before, chrf_before = sentence_metrics([f.target.text for f, _ in changed], references)
    ter_after, chrf_after = sentence_metrics([s.text for _, s in changed], references)
    if args.examples:
        with open(args.examples, "w", encoding="utf-8") as out:
            for (f, s), ref, before, after in zip(changed, references, ter_before, ter_after):
                out.write(f"{s.source}\t{s.confidence:.2f}\tTER {before:.1f}->{after:.1f}\n  MT:  {f.target.text}\n"
                          f"  FIX: {s.text}\n  PE:  {ref}\n  {s.detail}\n\n")
    print(f"\nchanged {len(changed)} of {len(targets)} flagged ({len(changed) / max(1, len(targets)):.0%}), "
          f"{len(changed) / len(examples):.1%} of all {len(examples)}; min confidence {checker.settings.min_confidence}")
    if changed:
        print(f"TER  before {ter_before.mean():6.2f}  after {ter_after.mean():6.2f}  (mean change "
              f"{np.mean(ter_after - ter_before):+.2f}, lower is better)")
        print(f"chrF before {chrf_before.mean():6.2f}  after {chrf_after.mean():6.2f}  (mean change "
              f"{np.mean(chrf_after - chrf_before):+.2f}, higher is better)")
        print(f"of the changed: closer by TER {np.mean(ter_after < ter_before):.0%} (bar >= 60%), same "
              f"{np.mean(ter_after == ter_before):.0%}, further {np.mean(ter_after > ter_before):.0%} (bar <= 15%); "
              f"chrF better {np.mean(chrf_after > chrf_before):.0%}, worse {np.mean(chrf_after < chrf_before):.0%}")
        cased_before = sentence_ter([f.target.text for f, _ in changed], references, case_sensitive=True)
        cased_after = sentence_ter([s.text for _, s in changed], references, case_sensitive=True)
        print(f"by case-sensitive TER: closer {np.mean(cased_after < cased_before):.0%}, same "
              f"{np.mean(cased_after == cased_before):.0%}, further {np.mean(cased_after > cased_before):.0%} "
              f"(mean change {np.mean(cased_after - cased_before):+.2f})")
        wins = Counter(s.source for _, s in changed)
        for source in sorted(wins, key=lambda s: -wins[s]):
            mask = np.array([s.source == source for _, s in changed])
            print(f"  {source:10s} won {wins[source]:4d} ({wins[source] / len(targets):.0%} of flagged)  TER change "
                  f"{np.mean(ter_after[mask] - ter_before[mask]):+.2f}  chrF change "
                  f"{np.mean(chrf_after[mask] - chrf_before[mask]):+.2f}  closer {np.mean(ter_after[mask] < ter_before[mask]):.0%}"
                  f"  further {np.mean(ter_after[mask] > ter_before[mask]):.0%}")
    print_ceiling(targets, pool, reference)
    print_rejections(fixes)
    stats = checker.fix.stats
    if stats.failure:
        print(f"A SOURCE FAILED: {stats.failure}")
    for source, spent in sorted(stats.source_seconds.items(), key=lambda p: -p[1]):
        print(f"  source {source:10s} {spent:7.1f} s, {stats.source_candidates.get(source, 0)} candidates")
    print(f"speed: {len(targets) / seconds:.2f} flagged sentences/s (bar >= 5), {seconds:.0f} s for {len(targets)}; "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024:.2f} GB")
    print(checker.signature(fix=True))


def record_suggestions(path: str, part: str, per_pair: int, fixes, reference: dict[str, str]) -> None:
    """One JSON line per flagged sentence: every suggestion offered (any confidence) with its
    case-sensitive TER against the post-edit, and the original's; the first line names the
    part (mlqe_part(part, per_pair) rebuilds it). benchmarks/fix_precision.py reads it."""
    import json

    with open(path, "w", encoding="utf-8") as out:
        out.write(json.dumps({"part": part, "per_pair": per_pair}) + "\n")
        for fix in fixes:
            post_edit = reference[fix.target.document.path]
            texts = [fix.target.text] + [s.text for s in fix.suggestions]
            ter = sentence_ter(texts, [post_edit] * len(texts), case_sensitive=True)
            out.write(json.dumps({"id": fix.target.document.path, "text": fix.target.text, "post_edit": post_edit,
                                  "ter": float(ter[0]), "suggestions": [
                                      {**s.as_dict(), "merit": s.merit, "ter": float(t)}
                                      for s, t in zip(fix.suggestions, ter[1:])]}, ensure_ascii=False) + "\n")


def print_ceiling(targets, pool: dict[str, list[str]], reference: dict[str, str]) -> None:
    """How many flagged sentences have any candidate (past the guards) closer to the post-edit
    by TER: the most that any reranker could move closer with these sources."""
    reachable = 0
    for target in targets:
        candidates = pool.get(target.text, [])
        scores = sentence_ter([target.text, *candidates], [reference[target.document.path]] * (1 + len(candidates)))
        reachable += bool((scores[1:] < scores[0]).any())
    print(f"ceiling: {reachable} of {len(targets)} flagged ({reachable / max(1, len(targets)):.0%}) have a candidate "
          f"closer to the post-edit by TER, among {sum(len(pool.get(t.text, ())) for t in targets)} past the guards")


def run_synthetic(args) -> None:
    from training.synthetic import FIX_HELD_OUT_KINDS, synthetic_examples, tokenize, detokenize

    checker = checker_for(args)
    damaged = [e for e in synthetic_examples() if e.split == "test" and e.group != "clean"][: args.synthetic]
    clean = {e.text: detokenize(tokenize(e.meta["clean"]))[0] for e in damaged}
    targets = targets_of(checker, [e.text for e in damaged], [f"synthetic:{i}" for i in range(len(damaged))])
    flagged = {t.text for t in targets}
    fixes, seconds = fix_all(checker, targets)
    fixed = {f.target.text: f.best.text for f in fixes if f.best}
    per_kind = defaultdict(lambda: [0, 0, 0])  # exact, flagged, all
    for example in damaged:
        exact = fixed.get(example.text, "") == clean[example.text]
        for kind in example.meta["kinds"]:
            per_kind[kind][0] += exact
            per_kind[kind][1] += example.text in flagged
            per_kind[kind][2] += 1
    print(f"\n## synthetic held-out damage: {len(damaged)} sentences, {len(targets)} flagged, {seconds:.0f} s")
    print(f"{'kind':24s} {'exact':>6s} {'of flagged':>10s}   n")
    for kind in sorted(per_kind):
        exact, seen, total = per_kind[kind]
        unseen = " (never trained on)" if kind in FIX_HELD_OUT_KINDS else ""
        print(f"{kind:24s} {exact / total:6.0%} {exact / max(1, seen):10.0%} {total:4d}{unseen}")
    total_exact = sum(fixed.get(e.text, "") == clean[e.text] for e in damaged)
    print(f"all: exact repair {total_exact / len(damaged):.0%} of damaged, {total_exact / max(1, len(targets)):.0%} of flagged")


def run_seeds(args) -> None:
    from mtfix.document import Document
    from mtfix.reports.diff_markup import diff_text

    checker = checker_for(args)
    lines = ["# mtfix fix on the seed articles", "",
             "Every flagged sentence with every suggestion, best first; `[-removed-]{+added+}`.",
             "Verdicts (right / partial / wrong) are written by reading each suggestion.", ""]
    flagged = with_suggestion = 0
    for document in checker.check_paths([args.seeds], fix=True):
        if not isinstance(document, Document):
            continue
        for fix in document.fixes:
            flagged += 1
            with_suggestion += bool(fix.suggestions)
            sentence = fix.target.sentence
            path = Path(document.path).name
            lines += [f"## {path}:{sentence.line}:{sentence.col} (P(garbled) {sentence.score:.2f})", "",
                      f"> {fix.target.text}", ""]
            if not fix.suggestions:
                reasons = ", ".join(f"{n} {why}" for why, n in fix.rejected.items())
                lines.append(f"No good fix ({fix.considered} candidates; {reasons or 'none proposed'}).")
            for rank, s in enumerate(fix.suggestions, 1):
                lines.append(f"{rank}. **{s.source}**, confidence {s.confidence:.2f}: "
                             f"{diff_text(fix.target.text, s.text, markers=True).plain}  ")
                lines.append(f"   {s.reason}; {s.detail}")
            lines.append("")
    lines.append(f"Signature: `{checker.signature(fix=True)}`")
    Path(args.seeds_out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.seeds_out}: {flagged} flagged, {with_suggestion} with a suggestion")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-pair", type=int, default=0, help="MLQE-PE: sentences per language pair")
    parser.add_argument("--part", choices=sorted(PARTS), default="heldout",
                        help="MLQE-PE part: tune (train's tune part), heldout (dev after its first 100 per pair) or dev")
    parser.add_argument("--record", help="write every suggestion of every flagged sentence, with its TER, here (JSONL)")
    parser.add_argument("--max-suggestions", type=int, default=3)
    parser.add_argument("--synthetic", type=int, default=0, help="held-out synthetic sentences to repair")
    parser.add_argument("--seeds", help="a folder of articles: write every suggestion to --seeds-out")
    parser.add_argument("--seeds-out", default="benchmarks/fix_seeds.md")
    parser.add_argument("--sources", default="", help="default: mtfix's default sources")
    parser.add_argument("--all-sources", action="store_true", help="run every source for every sentence")
    parser.add_argument("--min-confidence", type=float, default=None, help="default: mtfix's own floor")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--endpoint", help="the endpoint source's server (an OpenAI-compatible API's base URL)")
    parser.add_argument("--endpoint-model", help="the model the endpoint serves")
    parser.add_argument("--endpoint-concurrency", type=int, default=4)
    parser.add_argument("--endpoint-timeout", type=float, default=60.0)
    parser.add_argument("--examples", help="write each changed sentence, its fix and the post-edit here")
    args = parser.parse_args()
    if not (args.per_pair or args.synthetic or args.seeds):
        parser.error("give --per-pair, --synthetic or --seeds")
    if args.seeds:
        run_seeds(args)
    if args.per_pair:
        run_mlqe(args)
    if args.synthetic:
        run_synthetic(args)


if __name__ == "__main__":
    main()
