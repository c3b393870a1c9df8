"""Text normalised for scoring, with a map from every normalised character back to the original.

Non-breaking and other Unicode spaces become plain spaces, invisible characters are
dropped, and runs of whitespace collapse to one space; the LM then sees ordinary text
while every offset reported still points into the original.
"""

from __future__ import annotations

_SPACES = {"\u00a0", "\u2000", "\u2001", "\u2002", "\u2003", "\u2004", "\u2005", "\u2006",
           "\u2007", "\u2008", "\u2009", "\u200a", "\u202f", "\u205f", "\u3000", "\t", "\r",
           "\n", "\x0b", "\x0c"}
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}


def normalize(text: str) -> tuple[str, list[int]]:
    """Return (normalised text, index map) where map[i] is the original index of char i."""
    out: list[str] = []
    index_map: list[int] = []
    for index, char in enumerate(text):
        if char in _INVISIBLE:
            continue
        if char in _SPACES or char == " ":
            if out and out[-1] == " ":
                continue
            char = " "
        out.append(char)
        index_map.append(index)
    while out and out[-1] == " ":
        out.pop()
        index_map.pop()
    return "".join(out), index_map


def span_to_original(index_map: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a [start, end) span of normalised text to the original text."""
    if not index_map or start >= end:
        return 0, 0
    return index_map[start], index_map[min(end, len(index_map)) - 1] + 1
