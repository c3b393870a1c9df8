"""Sentences given one by one (a benchmark's list, a line-aligned file): a Document whose
units are the sentences, each read as it is, never segmented further or joined."""

from __future__ import annotations

from collections.abc import Sequence

from mtfix.document import Document

SEPARATOR = "\n"


def unit_document(path: str, units: Sequence[str], group: str | None = None, encoding: str = "utf-8") -> Document:
    """UNITS joined by newlines into one Document, each unit a sentence (an empty one too)."""
    spans, position = [], 0
    for unit in units:
        spans.append((position, position + len(unit)))
        position += len(unit) + len(SEPARATOR)
    return Document(path, SEPARATOR.join(units), encoding, group=group, units=spans)
