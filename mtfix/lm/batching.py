"""How windows are cut into forward passes: token ids with their offsets and owners, batches
bounded by a token budget, and how many leading tokens two texts share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mtfix.lm.types import TOKENS_PER_TEXT


@dataclass
class Encoded:
    ids: list[int]
    offsets: list[tuple[int, int]]
    owners: list[tuple[int, int]]  # per span: [first, last) token index


def token_batches(lengths: Sequence[int], batch_size: int, tokens_per_text: int = TOKENS_PER_TEXT) -> list[list[int]]:
    """Indices in length order, cut into batches of at most BATCH_SIZE texts and about
    BATCH_SIZE × TOKENS_PER_TEXT padded tokens: a batch of long windows would otherwise hold
    a logits tensor (tokens × vocabulary) ten times larger than a batch of sentences, and a
    CPU spends the difference waiting on memory."""
    budget = batch_size * tokens_per_text
    batches: list[list[int]] = []
    current: list[int] = []
    for index in sorted(range(len(lengths)), key=lengths.__getitem__):
        width = max(lengths[index], 1)  # the widest so far: the order is by length
        if current and (len(current) == batch_size or (len(current) + 1) * width > budget):
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


def common_prefix(a: list[int], b: list[int]) -> int:
    same = 0
    for x, y in zip(a, b):
        if x != y:
            break
        same += 1
    return same
