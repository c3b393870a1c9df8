"""From cached LM views to the heads' inputs, with the runtime's own functions
(`mtfix.detector.inputs`), cached on disk per set and layer choice."""

from __future__ import annotations

import hashlib
import sys
import time
from dataclasses import dataclass

import numpy as np

from mtfix.detector.inputs import scored_words, word_inputs
from mtfix.features import compute_features, feature_names, sentence_view
from training.data import Example
from training.lmcache import LMCache


@dataclass
class SentenceTable:
    examples: list[Example]  # in cache order
    hand: np.ndarray  # (n, len(feature_names()))
    pooled: np.ndarray  # (n, layers, dim), memory-mapped, every layer 0..L
    words: np.ndarray  # (n + 1,) word-row index: sentence i owns rows words[i]:words[i+1]


@dataclass
class WordTable:
    inputs: np.ndarray  # (rows, inputs)
    labels: np.ndarray  # 1 BAD, 0 OK, -1 unknown
    sentence: np.ndarray  # row → sentence index (cache order)
    spans: np.ndarray  # (rows, 2) character span of the word in its sentence


def _views(examples: list[Example], cache: LMCache, order: list[int], layers: tuple[int, ...]):
    for i in range(cache.sentences):
        scores = cache.token_scores(i)
        scores.hidden = cache.sentence_hidden(i, layers) if layers else None
        yield i, examples[order[i]], sentence_view(examples[order[i]].text, scores)


def word_labels(example: Example, words) -> np.ndarray:
    if example.bad_spans is None:
        return np.full(len(words), -1, np.int8)
    return np.array([any(a < w.end and b > w.start for a, b in example.bad_spans) for w in words], np.int8)


def sentence_table(name: str, examples: list[Example], cache: LMCache, order: list[int]) -> SentenceTable:
    """Hand-made features of every cached sentence (computed once, kept beside the cache)."""
    target = cache.folder / "hand.npy"
    words_file = cache.folder / "word_index.npy"
    ordered = [examples[j] for j in order]
    if not target.is_file():
        started = time.time()
        hand, counts = [], []
        for i, example, view in _views(examples, cache, order, ()):
            features = compute_features(view)
            hand.append([features[n] for n in feature_names()])
            counts.append(len(scored_words(view)))
            if i % 5000 == 0:
                print(f"{name}: hand features {i}/{cache.sentences} ({time.time() - started:.0f}s)", file=sys.stderr)
        np.save(words_file, np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))
        np.save(target, np.array(hand, np.float32))
    return SentenceTable(ordered, np.load(target), cache.array("pooled"), np.load(words_file))


def word_table(name: str, examples: list[Example], cache: LMCache, order: list[int],
               layers: tuple[int, ...], keep: np.ndarray | None = None) -> WordTable:
    """Word-head inputs (the states of LAYERS) and labels of the sentences marked in KEEP."""
    keep = np.ones(cache.sentences, bool) if keep is None else keep
    key = hashlib.sha1(repr((layers, np.packbits(keep).tobytes())).encode()).hexdigest()[:10]
    target = cache.folder / f"words-{key}.npz"
    if target.is_file():
        data = np.load(target)
        return WordTable(data["inputs"], data["labels"], data["sentence"], data["spans"])
    started = time.time()
    inputs, labels, sentence, spans = [], [], [], []
    rows = list(range(len(layers)))
    for i in np.flatnonzero(keep):
        scores = cache.token_scores(int(i))
        scores.hidden = cache.sentence_hidden(int(i), layers)
        example = examples[order[i]]
        view = sentence_view(example.text, scores)
        words = scored_words(view)
        if not words:
            continue
        inputs.append(word_inputs(view, words, rows).astype(np.float16))
        labels.append(word_labels(example, words))
        sentence.append(np.full(len(words), i, np.int32))
        spans.append(np.array([(w.start, w.end) for w in words], np.int32))
        if len(inputs) % 5000 == 0:
            print(f"{name}: word inputs {len(inputs)}/{keep.sum()} ({time.time() - started:.0f}s)", file=sys.stderr)
    table = WordTable(np.concatenate(inputs), np.concatenate(labels), np.concatenate(sentence), np.concatenate(spans))
    np.savez(target, inputs=table.inputs, labels=table.labels, sentence=table.sentence, spans=table.spans)
    return table
