"""Document context and batching without a model: how sentences are packed into windows,
and how windows are cut into batches by a token budget."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from mtfix.lm.batching import token_batches
from mtfix.lm.windows import PARAGRAPH_BREAK, pack


def test_pack_keeps_order_offsets_and_paragraph_breaks():
    texts = ["First one.", "Second one.", "Third, new paragraph.", "x" * 50]
    windows = pack(texts, paragraphs=[0, 0, 1, 1], max_chars=40)
    assert [members for _, members in windows] == [[0, 1], [2], [3]]
    first, _ = windows[0]
    assert first.text == "First one. Second one."
    assert [first.text[a:b] for a, b in first.spans] == texts[:2]
    assert pack(["A.", "B."], paragraphs=[0, 1])[0][0].text == "A." + PARAGRAPH_BREAK + "B."


def test_token_batches_bound_texts_and_padded_tokens():
    lengths = [5, 300, 20, 100, 60, 10, 7, 400, 30]
    batches = token_batches(lengths, batch_size=4, tokens_per_text=40)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) <= 4
        assert len(batch) == 1 or len(batch) * max(lengths[i] for i in batch) <= 160
    assert batches[0] == [0, 6, 5, 2]  # the short ones together, in length order
    assert token_batches([], batch_size=4) == []


class PoolingScorer:
    """Records which texts the detect step asks to pool alone."""

    def __init__(self) -> None:
        self.asked: list[tuple[list[str], list[int]]] = []

    def pooled_alone(self, texts, layers):
        self.asked.append((list(texts), list(layers)))
        return np.arange(len(texts), dtype=np.float32)[:, None, None] * np.ones((1, len(layers), 3), np.float32)


def detect_step(alone_layers: list[int]):
    from mtfix.pipeline.detect import Detect

    detector = SimpleNamespace(threshold=0.5, alone_layers=alone_layers)
    return Detect(PoolingScorer(), detector, model="test")


def spans_of(windows) -> list[tuple[int, int, int]]:
    return [(number, start, end) for number, window in enumerate(windows) for start, end in window.spans]


def test_only_sentences_with_text_before_them_are_pooled_alone():
    [(first, _)] = pack(["Opening line.", "Short.", "Shorter."], paragraphs=[0, 0, 0])
    [(second, _)] = pack(["Alone in its document."], paragraphs=[0])
    step = detect_step([2])
    pooled = step.pooled_alone([first, second], spans_of([first, second]))
    assert step.scorer.asked == [(["Short.", "Shorter."], [2])]
    starts = [start for start, _ in first.spans[1:]]
    assert sorted(pooled) == [(0, start) for start in starts]
    assert [pooled[(0, start)][0, 0] for start in starts] == [0.0, 1.0]  # each its own state


def test_a_detector_without_early_layers_reads_nothing_more():
    [(window, _)] = pack(["Opening line.", "Short."], paragraphs=[0, 0])
    step = detect_step([])
    assert step.pooled_alone([window], spans_of([window])) == {} and step.scorer.asked == []
