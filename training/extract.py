"""Compute and cache the LM's view of every training and evaluation set (the slow step).

    python -m training.extract mlqe-dev mlqe-train mqm mqm-context synthetic

Each set is extracted once per model into $MTFIX_HOME/training-cache/v2 and resumes
where a killed run stopped; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict

from mtfix.home import mtfix_home
from mtfix.lm.scorer import LMScorer
from mtfix.lm.types import Window
from mtfix.lm.windows import pack
from training.data import Example, mlqe, mqm
from training.lmcache import LMCache, extract

CACHE_ROOT = mtfix_home() / "training-cache" / "v2"


def examples_of(name: str) -> list[Example]:
    if name == "mlqe-train":
        return mlqe("train", tune_share=0.1)
    if name == "mlqe-dev":
        return mlqe("dev")
    if name in ("mqm", "mqm-context"):
        return mqm()
    if name == "synthetic":
        from training.synthetic import synthetic_examples

        return synthetic_examples()
    raise SystemExit(f"unknown set {name!r}")


def windows_of(name: str, examples: list[Example], scorer: LMScorer) -> tuple[list[Window], list[int]]:
    """Windows in extraction order and, for each, the example indices it scores. Sets named
    *-context read each document's sentences together; the others read each one alone."""
    if not name.endswith("-context"):
        return [Window.single(e.text) for e in examples], list(range(len(examples)))
    by_doc: dict[str, list[int]] = defaultdict(list)
    for index, example in enumerate(examples):
        by_doc[example.doc or f"#{index}"].append(index)
    windows, order = [], []
    for members in by_doc.values():
        texts = [examples[i].text for i in members]
        for window, local in pack(texts, list(range(len(texts)))):
            windows.append(window)
            order.extend(members[i] for i in local)
    return windows, order


def load(name: str, scorer: LMScorer | None = None) -> tuple[list[Example], LMCache, list[int]]:
    """The examples of set NAME, its LM cache, and the example index of each cached sentence."""
    scorer = scorer or LMScorer("smollm2-135m", device="auto", quiet=True)
    examples = examples_of(name)
    windows, order = windows_of(name, examples, scorer)
    return examples, extract(scorer, windows, CACHE_ROOT / scorer.name, name), order


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sets", nargs="+")
    parser.add_argument("--model", default="smollm2-135m")
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    scorer = LMScorer(args.model, device="auto", batch_size=args.batch_size, quiet=True)
    for name in args.sets:
        examples, cache, _ = load(name, scorer)
        print(f"{name}: {len(examples)} examples, {cache.sentences} sentences cached in {cache.folder}",
              file=sys.stderr)


if __name__ == "__main__":
    main()
