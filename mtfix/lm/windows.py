"""Document context: consecutive sentences of a document packed into windows that the LM
reads in one pass, so each sentence is scored after the text before it at no extra cost."""

from __future__ import annotations

from collections.abc import Sequence

from mtfix.lm.types import Window

PARAGRAPH_BREAK = "\n\n"
WINDOW_CHARS = 1200  # about 300 tokens of English: counted in characters, so packing needs no tokenizer


def pack(texts: Sequence[str], paragraphs: Sequence[int],
         max_chars: int = WINDOW_CHARS) -> list[tuple[Window, list[int]]]:
    """Pack TEXTS (one document's sentences, in order) into windows of at most MAX_CHARS
    characters (a longer sentence gets a window of its own); returns each window with the
    indices of the texts it scores. A paragraph change is written as a blank line, sentences
    of one paragraph are joined by a space."""
    out: list[tuple[Window, list[int]]] = []
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    members: list[int] = []
    length = 0
    for index, text in enumerate(texts):
        if members and length + 1 + len(text) > max_chars:
            out.append((Window("".join(parts), spans), members))
            parts, spans, members, length = [], [], [], 0
        if members:
            separator = PARAGRAPH_BREAK if paragraphs[index] != paragraphs[members[-1]] else " "
            parts.append(separator)
            length += len(separator)
        spans.append((length, length + len(text)))
        parts.append(text)
        members.append(index)
        length += len(text)
    if members:
        out.append((Window("".join(parts), spans), members))
    return out
