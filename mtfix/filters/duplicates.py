"""Repeated text inside a document: doubled headlines and captions, truncated teaser copies."""

from __future__ import annotations

from mtfix.document import Document, Label
from mtfix.features.words import WORD
from mtfix.pipeline.base import DocumentStep

MIN_PREFIX_WORDS = 5


def _key(text: str) -> tuple[str, ...]:
    """The sentence's words and punctuation as written, spacing aside: case and stray full
    stops are the damage the detector reads, so a copy that differs in them is not a repeat
    (it is scored on its own)."""
    tokens = tuple(WORD.findall(text))
    return tokens if any(token[:1].isalnum() for token in tokens) else ()


class DuplicateFilter(DocumentStep):
    """Labels a sentence `duplicate` when it repeats an earlier one, or when it is a cut-off
    start of another sentence of the same document (a teaser or a truncated headline)."""

    name = "duplicates"

    def process(self, document: Document) -> None:
        keys = [_key(s.text) for s in document.sentences]
        by_opening: dict[tuple[str, ...], list[int]] = {}
        for index, key in enumerate(keys):
            by_opening.setdefault(key[:MIN_PREFIX_WORDS], []).append(index)
        first_seen: dict[tuple[str, ...], int] = {}
        for index, (sentence, key) in enumerate(zip(document.sentences, keys)):
            if not key or sentence.label != Label.OK or sentence.suppressed:
                continue
            if key in first_seen:
                earlier = document.sentences[first_seen[key]]
                sentence.mark(Label.DUPLICATE, "repeat", f"repeats line {earlier.line}")
                continue
            first_seen[key] = index
            candidates = by_opening.get(key[:MIN_PREFIX_WORDS], [])
            longer = self._truncated_copy_of(key, sentence.text, keys, index, candidates)
            if longer is not None:
                other = document.sentences[longer]
                sentence.mark(Label.DUPLICATE, "cut-off-copy", f"cut-off copy of line {other.line}")

    @staticmethod
    def _truncated_copy_of(key: tuple[str, ...], text: str, keys: list[tuple[str, ...]],
                           index: int, candidates: list[int]) -> int | None:
        if len(key) < MIN_PREFIX_WORDS or text.rstrip()[-1:] in ".!?":
            return None
        for other in candidates:
            other_key = keys[other]
            if other != index and len(other_key) > len(key) and other_key[: len(key)] == key:
                return other
        return None
