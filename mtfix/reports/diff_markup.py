"""The one renderer of word diffs for people: removed words struck through in orange, added
words underlined in blue (a pair safe for red-green colour blindness), and, where colour
may not survive, `[-removed-]{+added+}` markers like `git diff --word-diff`."""

from __future__ import annotations

from rich.text import Text

from mtfix.safe import printable
from mtfix.worddiff import word_diff

REMOVED, ADDED = "bold #d55e00 strike", "bold #0072b2 underline"


def diff_text(old: str, new: str, markers: bool) -> Text:
    """NEW against OLD (both normalised, one line each, as FixTarget.text and suggestions are)."""
    text = Text()
    for piece in word_diff(old, new):
        if piece.op == "equal":
            text.append(printable(piece.old))
            continue
        if piece.old:
            text.append(f"[-{printable(piece.old)}-]" if markers else printable(piece.old), style=REMOVED)
        if piece.new:
            text.append(f"{{+{printable(piece.new)}+}}" if markers else printable(piece.new), style=ADDED)
    return text
