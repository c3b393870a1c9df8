"""Document context and batching without a model: how sentences are packed into windows,
and how windows are cut into batches by a token budget."""

from __future__ import annotations

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
