"""Word-level differences between two versions of a sentence, shared by every report
that shows a rewrite (terminal, HTML, review) and by the code that applies one."""

from __future__ import annotations

import re

from mtfix.features.words import WORD_PATTERN
from dataclasses import dataclass
from difflib import SequenceMatcher

_TOKEN = re.compile(r"\s+|" + WORD_PATTERN)  # spaces, and words as everywhere else in mtfix


@dataclass(frozen=True)
class Piece:
    """One stretch of a diff: `op` is equal, delete, insert or replace."""

    op: str
    old: str
    new: str
    old_start: int  # character offsets of `old` in the old text and `new` in the new text
    new_start: int


def tokens(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group()) for m in _TOKEN.finditer(text)]


def word_diff(old: str, new: str) -> list[Piece]:
    """The two texts as equal and changed stretches, split at word boundaries."""
    a, b = tokens(old), tokens(new)
    matcher = SequenceMatcher(None, [t for _, t in a], [t for _, t in b], autojunk=False)
    pieces = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old_start = a[i1][0] if i1 < len(a) else len(old)
        new_start = b[j1][0] if j1 < len(b) else len(new)
        pieces.append(Piece(op, "".join(t for _, t in a[i1:i2]), "".join(t for _, t in b[j1:j2]),
                            old_start, new_start))
    return pieces


def changed_words(old: str, new: str) -> int:
    """How many non-space tokens of either side take part in a change."""
    count = 0
    for piece in word_diff(old, new):
        if piece.op != "equal":
            count += sum(1 for _, t in tokens(piece.old) + tokens(piece.new) if not t.isspace())
    return count
