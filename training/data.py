"""Training and evaluation data: MLQE-PE (real MT with human scores and word tags), WMT21
zh→en MQM (news and TED MT with professional error spans), and synthetic damage of clean
English. Every example becomes a `Example`: its text, optional document context, a
sentence target and per-character BAD marks that word labels are read from.
"""

from __future__ import annotations

import json
import os
import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

# ../shared/data beside the checkout, unless $MTFIX_DATA names another folder
DATA = Path(os.environ.get("MTFIX_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data")
MLQE_GARBLED_DA_Z = -0.5


@dataclass
class Example:
    text: str
    source: str  # mlqe, mqm, synthetic
    split: str  # train, tune, test
    garbled: float | None  # 1 garbled, 0 fine, None: not a sentence-level example
    quality: float | None = None  # higher is better (da_z for MLQE)
    bad_spans: list[tuple[int, int]] | None = None  # character spans judged bad; None: no word labels
    group: str = ""  # language pair, test set or damage kind: figures are reported per group
    doc: str = ""  # examples sharing a doc (in order) are read with the text before them
    meta: dict = field(default_factory=dict)


def _jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def moses_spans(mt: str, mt_tok: str) -> list[tuple[int, int]] | None:
    """Character spans in `mt` of each token of `mt_tok`, or None when they do not line up."""
    spans, position = [], 0
    for token in mt_tok.split():
        found = mt.find(token, position)
        if found < 0 or mt[position:found].strip():
            return None
        spans.append((found, found + len(token)))
        position = found + len(token)
    return spans


def mlqe(split: str, tune_share: float = 0.0, seed: int = 13) -> list[Example]:
    """MLQE-PE `train` or `dev`; with tune_share, that share of train is marked `tune`."""
    rows = _jsonl(DATA / f"mlqepe_xen_{split}.jsonl")
    rng = random.Random(seed)
    out = []
    for row in rows:
        spans = moses_spans(row["mt"], row["mt_tok"])
        tags = row.get("mt_word_tags") or []
        bad = [span for span, tag in zip(spans, tags) if tag == "BAD"] if spans and len(spans) == len(tags) else None
        part = "test" if split == "dev" else ("tune" if rng.random() < tune_share else "train")
        out.append(Example(row["mt"], "mlqe", part, float(row["da_z"] < MLQE_GARBLED_DA_Z), float(row["da_z"]),
                           bad, row["lp"], meta={"id": row["id"], "post_edit": row["post_edit"],
                                                 "hter": row["hter"], "tokens": spans}))
    return out


FLUENCY_CATEGORIES = ("Fluency", "Style")


def mqm_fluency_major(row: dict) -> bool:
    return any(s["severity"] == "Major" and s["category"].split("/")[0] in FLUENCY_CATEGORIES for s in row["spans"])


def mqm_accuracy_major(row: dict) -> bool:
    return any(s["severity"] == "Major" and s["category"].split("/")[0] not in FLUENCY_CATEGORIES
               for s in row["spans"])


def mqm_no_error(row: dict) -> bool:
    return not row["spans"] and not row.get("n_major") and not row.get("n_minor")


def mqm_doc_splits(rows: list[dict], seed: int = 13, test_share: float = 0.2,
                   tune_share: float = 0.1) -> dict[str, str]:
    """doc → train/tune/test, drawn per test set so both news and TED are held out."""
    by_set: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row["doc"] not in by_set[row["testset"]]:
            by_set[row["testset"]].append(row["doc"])
    rng = random.Random(seed)
    split = {}
    for testset in sorted(by_set):
        docs = sorted(by_set[testset])
        rng.shuffle(docs)
        n_test, n_tune = round(len(docs) * test_share), round(len(docs) * tune_share)
        for i, doc in enumerate(docs):
            split[doc] = "test" if i < n_test else "tune" if i < n_test + n_tune else "train"
    return split


def mqm() -> list[Example]:
    """WMT21 zh→en MQM: garbled = a major fluency/style error, fine = no error at all; other
    rows (minor or accuracy-only errors) carry word labels but no sentence label."""
    rows = _jsonl(DATA / "mqm_zhen_wmt21.jsonl")
    split = mqm_doc_splits(rows)
    rows.sort(key=lambda r: (r["testset"], r["system"], r["doc"], r["seg_id"]))
    out = []
    for row in rows:
        garbled = 1.0 if mqm_fluency_major(row) else 0.0 if mqm_no_error(row) else None
        bad = [(s["start"], s["end"]) for s in row["spans"] if s["end"] > s["start"]]
        out.append(Example(row["target"], "mqm", split[row["doc"]], garbled, -float(row["mqm_score"]), bad,
                           row["testset"], doc=f"{row['testset']}|{row['system']}|{row['doc']}",
                           meta={"id": row["id"], "accuracy_major": mqm_accuracy_major(row),
                                 "fluency_major": mqm_fluency_major(row), "no_error": mqm_no_error(row),
                                 "spans": row["spans"]}))
    return out


def same_source_pairs(examples: list[Example]) -> list[tuple[int, int]]:
    """(garbled, fine) index pairs of MQM translations of one source segment (its number
    within its test set; every system and the references translated it): one with a major
    fluency/style error, one with no error. Within a pair the content is the same, so what
    tells them apart is the rendering, not how hard the content is."""
    by_source: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, example in enumerate(examples):
        by_source[(example.group, example.meta["id"].rsplit(".", 1)[1])].append(index)
    return [(i, j) for members in by_source.values() for i in members for j in members
            if examples[i].garbled == 1.0 and examples[j].garbled == 0.0]
