"""Lines of a text as mtfix counts them everywhere (positions, markers, Markdown, the editor):
a line ends with LF, CRLF or a lone CR (old Mac files); CRLF is one end, never two."""

from __future__ import annotations

import re

NEWLINE = r"(?:\r\n|\n|\r(?!\n))"
_NEWLINE = re.compile(NEWLINE)


def line_starts(text: str) -> list[int]:
    """The offset at which each line of TEXT starts."""
    return [0] + [m.end() for m in _NEWLINE.finditer(text)]


def line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line of TEXT without its ending; a final line ending does not
    start another line."""
    starts = line_starts(text)
    ends = [m.start() for m in _NEWLINE.finditer(text)] + [len(text)]
    return [(start, end) for start, end in zip(starts, ends) if start < len(text)]
