"""Suppressed sentences: inline `mtfix: ignore` markers and the config's `ignore` patterns.

A marker suppresses the sentences that start on its line (lines end with LF, CRLF or a lone
CR); a line holding only the marker (as `<!-- mtfix: ignore -->` in Markdown or a bare
`mtfix: ignore` line in plain text) suppresses the sentences that start on the next line. In
an HTML page a marker counts only inside a comment (not in an attribute or the text).
Suppressed sentences are not scored.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from mtfix.document import Document, Label
from mtfix.lines import line_starts
from mtfix.pipeline.base import DocumentStep

MARKER = re.compile(r"mtfix[:-]\s*ignore", re.IGNORECASE)
_COMMENT_SYNTAX = re.compile(r"<!--|-->|^\s*(?:#|//|%|;)|\s+")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _marker_only(line: str) -> bool:
    return bool(MARKER.search(line)) and not _COMMENT_SYNTAX.sub("", MARKER.sub("", line))


class SuppressionFilter(DocumentStep):
    name = "suppress"

    def __init__(self, ignore: Sequence[re.Pattern] = ()) -> None:
        self.ignore = list(ignore)

    def process(self, document: Document) -> None:
        text = document.text
        starts = line_starts(text)
        lines = [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]
        marked = {bisect.bisect_right(starts, at) - 1 for at in _marker_positions(document)}
        marker_only = {n for n in marked if _marker_only(lines[n])}
        for sentence in document.sentences:
            line = bisect.bisect_right(starts, sentence.start) - 1
            if line in marker_only and _marker_only(sentence.text):
                reason = "inline marker"
            elif line in marked or line - 1 in marker_only:
                reason = "suppressed inline"
            elif any(pattern.search(sentence.text) for pattern in self.ignore):
                reason = "ignored by config"
            else:
                continue
            sentence.suppressed = True
            sentence.mark(Label.OK, "suppressed", reason)


def _marker_positions(document: Document) -> list[int]:
    """Where the markers stand in the document's text: anywhere in text and Markdown, only
    inside comments in an HTML page (whose text is not what is read: source_map is set)."""
    text = document.text
    if document.source_map is None:
        return [m.start() for m in MARKER.finditer(text)]
    return [comment.start() + m.start() for comment in _HTML_COMMENT.finditer(text)
            for m in MARKER.finditer(comment.group())]
