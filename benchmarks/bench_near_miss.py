"""The near-miss check (mtfix/detector/nearmiss.py) on WMT21 zh→en MQM documents, each
sentence read alone, or with --context after the sentences before it in its document, packed
into windows as scan packs them (its heads and the check both read that text). The tune part
(where the rule is chosen) is the detector's tune and training documents; the held-out part is
the documents no setting was chosen on:

- clean: sentences with no error at all; any flag is a false alarm;
- synthetic: each clean sentence with one content word replaced by a common word near it in
  form (a seeded draw among `alternatives`); the check is right when it flags the sentence
  and its alternative is the original word;
- single-word mistranslations: sentences whose one error is a major Accuracy/Mistranslation
  span of one word; its alternative is counted right when a human translation of the same
  source has it and not the original word.

    python benchmarks/bench_near_miss.py --part tune --sentences 400 --grid   # where the rule is chosen
    python benchmarks/bench_near_miss.py --part heldout --sentences 400       # reported
    python benchmarks/bench_near_miss.py --part tune --sentences 400 --grid --context

Each part's readings are kept in ~/.cache/mtfix-bench/ (a rerun only prints). With --grid
the flag rates are printed for a grid of word budgets (the most suspect words tried ×
alternatives read per word; the readings hold SUSPECT_WORDS × KEEP), band floors, prior weights (the alternative's log-frequency head start,
when positive, taken off its gain) and gain bars; without it, for the shipped rule
(NEAR_MISS_FROM, NEAR_MISS_GAIN)."""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mtfix.detector import nearmiss  # noqa: E402
from mtfix.pipeline import detect  # noqa: E402
from training.data import DATA, _jsonl, mqm_doc_splits, mqm_no_error  # noqa: E402

CACHE = Path.home() / ".cache" / "mtfix-bench"
SPLITS = {"tune": ("tune", "train"), "heldout": ("test",)}  # the detector never saw held-out documents


def examples(part: str, limit: int, seed: int = 13) -> list[dict]:
    rows = _jsonl(DATA / "mqm_zhen_wmt21.jsonl")
    split = mqm_doc_splits(rows)
    humans: dict[tuple[str, int], list[str]] = defaultdict(list)
    for row in rows:
        if row["is_human"]:
            humans[(row["testset"], row["seg_id"])].append(row["target"])
    chosen = [r for r in rows if split[r["doc"]] in SPLITS[part] and not r["is_human"]]
    chosen.sort(key=lambda r: r["id"])
    earlier = earlier_sentences(rows)
    rng = random.Random(seed)
    clean = [r for r in chosen if mqm_no_error(r)]
    clean = rng.sample(clean, min(limit, len(clean)))
    out = [{"kind": "clean", "text": r["target"], "earlier": earlier[r["id"]]} for r in clean]
    for r in clean:
        damaged = substituted(r["target"], rng)
        if damaged:
            out.append({"kind": "synthetic", "text": damaged[0], "word": damaged[1], "right": damaged[2],
                        "earlier": earlier[r["id"]]})
    for r in chosen:
        spans = r["spans"]
        if len(spans) == 1 and spans[0]["severity"] == "Major" and spans[0]["category"] == "Accuracy/Mistranslation":
            word = spans[0]["text"].strip()
            if nearmiss.checkable(word):
                out.append({"kind": "mistranslation", "text": r["target"], "word": word,
                            "humans": humans.get((r["testset"], r["seg_id"]), []), "earlier": earlier[r["id"]]})
    return out


def earlier_sentences(rows: list[dict]) -> dict[str, list[str]]:
    """For each row id, the same system's translations of the segments before it in its
    document, in order."""
    by_doc: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        by_doc[(row["testset"], row["system"], row["doc"])].append(row)
    out = {}
    for members in by_doc.values():
        members.sort(key=lambda r: r["seg_id"])
        for index, row in enumerate(members):
            out[row["id"]] = [r["target"] for r in members[:index]]
    return out


def window_of(item: dict) -> list[str]:
    """The sentences of the window scan would read ITEM in: the item last, after the earlier
    sentences of its document that share its window."""
    from mtfix.lm.windows import pack

    texts = item["earlier"] + [item["text"]]
    last = len(texts) - 1
    [members] = [members for _, members in pack(texts, range(len(texts))) if last in members]
    return [texts[i] for i in members]


def substituted(text: str, rng: random.Random) -> tuple[str, str, str] | None:
    """TEXT with one checkable word replaced by one of its alternatives: (text, the word put
    in, the original word), or None when no word has an alternative."""
    from mtfix.features.words import split_words

    words = [w for w in split_words(text) if w.start > 0 and nearmiss.checkable(w.text) and nearmiss.alternatives(w.text)]
    if not words:
        return None
    word = rng.choice(words)
    replacement = rng.choice(nearmiss.alternatives(word.text))
    return text[:word.start] + replacement + text[word.end:], replacement, word.text


def read(part: str, limit: int, context: bool) -> list[dict]:
    path = CACHE / f"near_miss_{part}_{limit}{'_context' if context else ''}.jsonl"
    if path.exists():
        return [json.loads(line) for line in path.read_text().splitlines()]
    import mtfix

    items = examples(part, limit)
    # the heads alone (near_miss is off): the check runs below
    checker = mtfix.load(device="cpu", context=context, near_miss=False,
                         cache_path=str(CACHE / "near_miss_analyses.sqlite"))
    check = nearmiss.NearMissCheck(checker.detect.scorer)
    started = time.perf_counter()
    sentences = scored(checker, items, context)
    print(f"{len(items)} sentences read in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    started = time.perf_counter()
    threshold = checker.detector.threshold
    # the text read before each sentence, as scan reads it (the check reads it too)
    before = ["".join(w + "\n\n" for w in window_of(item)[:-1]) if context else "" for item in items]
    # a sentence the heads flag is not read again (its near miss changes nothing)
    suspicion = [[(len(b) + w.start, len(b) + w.end, w.surprisal) for w in s.words] if s.score < threshold else []
                 for s, b in zip(sentences, before)]
    for begin in range(0, len(items), 50):
        tried = check.tried_in_texts([b + i["text"] for b, i in zip(before[begin:begin + 50], items[begin:begin + 50])],
                                     suspicion[begin:begin + 50])
        for offset, (item, sentence, misses) in enumerate(zip(items[begin:begin + 50], sentences[begin:begin + 50],
                                                              tried)):
            item["p"] = sentence.score
            text = before[begin + offset] + item["text"]
            item["tried"] = [[m.word, m.alternative, round(m.gain, 3), round(prior(m.word, m.alternative), 3), rank]
                             for m, rank in zip(misses, ranks(misses, text, suspicion[begin + offset]))]
        print(f"{min(begin + 50, len(items))}/{len(items)} checked, {time.perf_counter() - started:.0f} s",
              file=sys.stderr)
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(item) + "\n" for item in items))
    return items


def scored(checker, items: list[dict], context: bool) -> list:
    """Each item's sentence as the heads score it: alone, or last in its window."""
    if not context:
        return checker.score_sentences([item["text"] for item in items])
    texts, groups, last = [], [], []
    for number, item in enumerate(items):
        window = window_of(item)
        texts += window
        groups += [f"item{number}"] * len(window)
        last.append(len(texts) - 1)
    sentences = checker.score_sentences(texts, groups)
    return [sentences[i] for i in last]


def prior(word: str, alternative: str) -> float:
    """How much commoner the alternative is as a word alone (log unigram frequency): the
    grid tries taking that head start off the gain."""
    from mtfix.features.words import unigram_logprob

    return unigram_logprob(alternative) - unigram_logprob(word.lower())


def ranks(misses: list, text: str, suspicion: list[tuple[int, int, float]]) -> list[tuple[int, int]]:
    """(the word's rank among the sentence's suspects, the most suspect first, as the check
    chooses them; the alternative's rank for its word)."""
    suspects = sorted((w for w in suspicion if nearmiss.checkable(text[w[0]:w[1]])), key=lambda w: -w[2])
    rank_of = {(start, end): rank for rank, (start, end, _) in enumerate(suspects)}
    seen: dict[tuple[int, int], int] = {}
    out = []
    for m in misses:
        key = (m.start, m.end)
        out.append((rank_of[key], seen.get(key, 0)))
        seen[key] = seen.get(key, 0) + 1
    return out


def best(item: dict, weight: float, words: int = nearmiss.SUSPECT_WORDS,
         per_word: int = nearmiss.KEEP) -> tuple[float, str, str]:
    """(evidence, word, alternative) of the item's best near miss among the first WORDS
    suspects and PER_WORD alternatives of each."""
    return max(((gain - weight * max(0.0, head_start), word, alternative)
                for word, alternative, gain, head_start, (word_rank, rank) in item["tried"]
                if word_rank < words and rank < per_word), default=(0.0, "", ""))


def rates(items: list[dict], threshold: float, floor: float, weight: float, bar: float,
          budget: tuple[int, int] = (nearmiss.SUSPECT_WORDS, nearmiss.KEEP)) -> dict[str, tuple]:
    out = {}
    for kind in ("clean", "synthetic", "mistranslation"):
        group = [i for i in items if i["kind"] == kind]
        before = sum(i["p"] >= threshold for i in group)
        by_near = [i for i in group if floor <= i["p"] < threshold and best(i, weight, *budget)[0] >= bar]
        right = sum(is_right(i, best(i, weight, *budget)) for i in by_near)
        out[kind] = (len(group), before, len(by_near), right)
    return out


def is_right(item: dict, found: tuple[float, str, str]) -> bool:
    _, word, alternative = found
    if item["kind"] == "synthetic":
        return word == item["word"] and alternative == item["right"]
    if item["kind"] == "mistranslation":
        def said(text: str, w: str) -> bool:
            return f" {w} " in f" {text.lower()} "
        return word.lower() == item["word"].lower() and any(
            said(h, alternative) and not said(h, word.lower()) for h in item["humans"])
    return False


def show(name: str, counts: dict[str, tuple]) -> str:
    cells = []
    for kind, (n, before, near, right) in counts.items():
        cells.append(f"{kind} {before / max(n, 1):.3f}→{(before + near) / max(n, 1):.3f} (+{near}, right {right})")
    return f"{name:28s} " + "; ".join(cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=sorted(SPLITS), required=True)
    parser.add_argument("--sentences", type=int, default=400, help="clean sentences drawn (as many synthetic)")
    parser.add_argument("--grid", action="store_true")
    parser.add_argument("--context", action="store_true",
                        help="read each sentence after the sentences before it in its document (as scan does)")
    args = parser.parse_args()
    import mtfix

    threshold = mtfix.load(device="cpu").detector.threshold
    items = read(args.part, args.sentences, args.context)
    sizes = {kind: sum(i["kind"] == kind for i in items) for kind in ("clean", "synthetic", "mistranslation")}
    print(f"MQM zh-en {args.part}, {'in context' if args.context else 'read alone'}: {sizes}; threshold {threshold:g}")
    print("flag rate before→after (sentences the near-miss check adds, those whose alternative is right)")
    if args.grid:
        for budget in ((3, 1), (2, 1), (1, 1)):
            for floor in (0.0, 0.1, 0.2):
                for weight in (0.0, 1.0):
                    for bar in (2.0, 3.0, 4.0, 5.0, 5.5, 6.0, 6.5):
                        print(show(f"{budget[0]}×{budget[1]} from {floor} prior×{weight} ≥{bar}",
                                   rates(items, threshold, floor, weight, bar, budget)))
    else:
        rule = (detect.NEAR_MISS_FROM, 0.0, detect.NEAR_MISS_GAIN)
        print(show("from {} prior×{} ≥{}".format(*rule), rates(items, threshold, *rule)))
    print(f"\n{mtfix.load(device='cpu', near_miss=True, context=args.context).signature()}")


if __name__ == "__main__":
    main()
