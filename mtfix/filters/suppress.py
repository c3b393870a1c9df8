"""Suppressed sentences: inline `mtfix: ignore` markers and the config's `ignore` patterns.

A marker suppresses the sentences that start on its line; a line holding only the marker
(as `<!-- mtfix: ignore -->` in Markdown or a bare `mtfix: ignore` line in plain text)
suppresses the sentences that start on the next line. Suppressed sentences are not scored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mtfix.document import Document, Label
from mtfix.pipeline.base import DocumentStep

MARKER = re.compile(r"mtfix[:-]\s*ignore", re.IGNORECASE)
_COMMENT_SYNTAX = re.compile(r"<!--|-->|^\s*(?:#|//|%|;)|\s+")


def _marker_only(line: str) -> bool:
    return bool(MARKER.search(line)) and not _COMMENT_SYNTAX.sub("", MARKER.sub("", line))


class SuppressionFilter(DocumentStep):
    name = "suppress"

    def __init__(self, ignore: Sequence[re.Pattern] = ()) -> None:
        self.ignore = list(ignore)

    def process(self, document: Document) -> None:
        lines = document.text.split("\n")
        marked = {n for n, line in enumerate(lines) if MARKER.search(line)}
        marker_only = {n for n in marked if _marker_only(lines[n])}
        for sentence in document.sentences:
            line = document.text.count("\n", 0, sentence.start)
            if line in marker_only and _marker_only(sentence.text):
                reason = "inline marker"
            elif line in marked or line - 1 in marker_only:
                reason = "suppressed inline"
            elif any(pattern.search(sentence.text) for pattern in self.ignore):
                reason = "ignored by config"
            else:
                continue
            sentence.label, sentence.reason, sentence.suppressed = Label.OK, reason, True
