"""The checks of a translation against its source (mtfix.filters.source_checks) on pairs that
are right, and on the same pairs with one error put in.

    python benchmarks/bench_source_checks.py --part tune      # the length bounds are chosen here
    python benchmarks/bench_source_checks.py --part heldout   # the figures in RESULTS

Right pairs: MLQE-PE source with its human post-edit (five pairs into English), and WMT21
zh→en MQM translations with no error at all. `tune`: MLQE-PE train (the first 1,000 per pair)
and MQM's tune and training documents; `heldout`: MLQE-PE dev (5,000) and MQM's test documents (no choice
was made there). Injected errors, each into the right pairs it applies to: a number changed,
a link altered (the same URL put in both sides, then changed in the English), the English
replaced by its source, the last words of the English replaced by the source's (a fragment
left untranslated; only where the source is not in Latin script), and the English replaced by
a Romanian or Estonian source sentence of the same part (a translation in the wrong language).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DATA = REPO.parent / "shared" / "data"


def right_pairs(part: str) -> list[tuple[str, str, str]]:
    """(group, source, English) of pairs whose English is right."""
    from training.data import mqm_doc_splits, mqm_no_error

    out = []
    split = "train" if part == "tune" else "dev"
    taken: Counter = Counter()
    for line in open(DATA / f"mlqepe_xen_{split}.jsonl", encoding="utf-8"):
        row = json.loads(line)
        if part == "tune" and taken[row["lp"]] >= 1000:
            continue
        taken[row["lp"]] += 1
        out.append((row["lp"], row["source"], row["post_edit"]))
    rows = [json.loads(line) for line in open(DATA / "mqm_zhen_wmt21.jsonl", encoding="utf-8")]
    docs = mqm_doc_splits(rows)
    wanted = ("tune", "train") if part == "tune" else ("test",)
    out += [("zh-en", r["source"], r["target"]) for r in rows if docs[r["doc"]] in wanted and mqm_no_error(r)]
    return out


OTHER_LANGUAGE: list[str] = []  # Latin-script source sentences of MLQE-PE (filled in main)
LANG = {"ro-en": "ro", "et-en": "et", "ne-en": "ne", "si-en": "si", "ru-en": "ru", "zh-en": "zh"}
DIGIT = re.compile(r"\d")


def inject(kind: str, source: str, target: str, rng: random.Random) -> tuple[str, str] | None:
    """(source, English) with one error of KIND, or None where it does not apply."""
    from mtfix.filters.source_checks import main_script

    if kind == "number":
        digits = [m.start() for m in DIGIT.finditer(target)]
        if not digits:
            return None
        at = rng.choice(digits)
        new = str((int(target[at]) + rng.randint(1, 8)) % 10)
        return source, target[:at] + new + target[at + 1:]
    if kind == "link":
        url = f"https://www.example.org/news/{rng.randint(100, 999)}"
        altered = url.replace("example.org", "example.com")
        return f"{source} {url}", f"{target} {altered}"
    if kind == "copied":
        return source, source
    if kind == "other language":  # the English replaced by another pair's (Latin-script) source sentence
        return source, rng.choice(OTHER_LANGUAGE)
    if kind == "fragment":
        if not main_script(source):
            return None
        words, kept = source.split(), target.split()
        if len(words) < 4 or len(kept) < 6:
            left = source[-6:] if len(words) < 4 else " ".join(words[-3:])
        else:
            left = " ".join(words[-3:])
        return source, " ".join(kept[:-3]) + " " + left
    raise ValueError(kind)


def flagged(checks, source: str, target: str, language: str) -> list[str]:
    from mtfix.filters.source_checks import CHECKS

    out = []
    for name in checks:
        check = CHECKS[name]
        why = check(source, target, language) if name == "untranslated" else check(source, target)
        if why:
            out.append(name)
    return out


def length_quantiles(pairs) -> None:
    """English characters per source character, by source script: the quantiles the bounds come from."""
    from mtfix.filters.source_checks import MIN_LENGTH, main_script

    ratios = defaultdict(list)
    for _, source, target in pairs:
        if len(source.strip()) >= MIN_LENGTH:
            ratios[main_script(source) or "Latin"].append(len(target.strip()) / len(source.strip()))
    print("length ratio (English / source characters) by source script: quantiles 0.1 %, 0.5 %, 50 %, 99.5 %, 99.9 %")
    for script, values in sorted(ratios.items()):
        q = np.quantile(values, [0.001, 0.005, 0.5, 0.995, 0.999])
        print(f"  {script:12s} {len(values):6d}  " + "  ".join(f"{v:.2f}" for v in q))


def main() -> None:
    from mtfix.filters.source_checks import CHECKS

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=["tune", "heldout"], default="heldout")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    pairs = right_pairs(args.part)
    print(f"{args.part}: {len(pairs)} right pairs ({dict(Counter(g for g, _, _ in pairs))})")
    length_quantiles(pairs)
    checks = tuple(CHECKS)
    by_group: dict[str, Counter] = defaultdict(Counter)
    examples: dict[str, list[str]] = defaultdict(list)
    for group, source, target in pairs:
        found = flagged(checks, source, target, LANG[group])
        by_group[group]["pairs"] += 1
        by_group[group]["flagged"] += bool(found)
        for name in found:
            by_group[group][name] += 1
            if len(examples[name]) < 3:
                examples[name].append(f"{group}: {source[:80]!r} → {target[:80]!r}")
    total = sum(c["flagged"] for c in by_group.values())
    print(f"\nright pairs flagged by any check: {total} of {len(pairs)} ({total / len(pairs):.2%}; bar <= 1 %)")
    for group, counts in sorted(by_group.items()):
        per_check = ", ".join(f"{name} {counts[name]}" for name in checks if counts[name])
        print(f"  {group}: {counts['flagged']} of {counts['pairs']} ({counts['flagged'] / counts['pairs']:.2%})"
              f"{'; ' + per_check if per_check else ''}")
    for name, shown in examples.items():
        print(f"  e.g. {name}: " + " | ".join(shown[:2]))
    rng = random.Random(args.seed)
    print("\ninjected errors caught (any check; the check meant for it in brackets):")
    meant = {"number": "numbers", "link": "links", "copied": "untranslated", "fragment": "untranslated",
             "other language": "language"}
    OTHER_LANGUAGE.extend(s for g, s, _ in pairs if g in ("ro-en", "et-en"))
    for kind in ("number", "link", "copied", "fragment", "other language"):
        caught = right_check = applied = 0
        for group, source, target in pairs:
            if flagged(checks, source, target, LANG[group]):
                continue  # already flagged as it is: not a test of the injection
            damaged = inject(kind, source, target, rng)
            if damaged is None:
                continue
            found = flagged(checks, *damaged, LANG[group])
            applied += 1
            caught += bool(found)
            right_check += meant[kind] in found
        print(f"  {kind:14s} {caught} of {applied} ({caught / max(1, applied):.1%}; bar >= 95 %)  "
              f"[{right_check / max(1, applied):.1%}]")


if __name__ == "__main__":
    main()
