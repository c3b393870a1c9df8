"""What in a Markdown file is not prose, found by a CommonMark parser (markdown-it-py), with
exact character offsets: code (fenced and indented blocks, inline spans), YAML or TOML front
matter, HTML blocks, and the destinations of links and the whole of images. The rest
(paragraphs, headings, list items, table cells, block quotes) is scored and may be
rewritten; these spans never are. Hand-written rules read a list item's indented
continuation paragraph as a code block; the parser reads it as CommonMark does."""

from __future__ import annotations

import re
from functools import lru_cache

from mtfix.segmentation import line_starts

NON_PROSE_BLOCKS = ("fence", "code_block", "html_block")
_FRONT_MATTER = re.compile(r"\A(?:\ufeff)?(---|\+\+\+)[ \t]*\r?\n.*?^\1[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE)
_INLINE_CODE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_LINK_DESTINATION = re.compile(r"(?<=\])\([^)\n]*\)|^\s{0,3}\[[^\]\n]+\]:\s*\S+.*$", re.MULTILINE)
_AUTOLINK = re.compile(r"<(?:https?|ftp|mailto):[^>\s]*>")


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


def front_matter(text: str) -> tuple[int, int] | None:
    """The span of YAML (---) or TOML (+++) front matter at the very start, fences included."""
    match = _FRONT_MATTER.match(text)
    return (match.start(), match.end()) if match else None


def non_prose(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, is_block) of every stretch of TEXT that is not prose, in order."""
    starts = line_starts(text)  # as the parser counts lines: LF, CRLF or a lone CR
    blocks: list[tuple[int, int]] = []
    head = front_matter(text)
    parsed = text
    if head:  # parsed as blank lines, so the parser's line numbers stay the file's
        blocks.append(head)
        parsed = re.sub(r"[^\n]", " ", text[:head[1]]) + text[head[1]:]
    for token in _parser().parse(parsed):
        if token.type in NON_PROSE_BLOCKS and token.map:
            first, last = token.map
            end = starts[last] if last < len(starts) else len(text)
            blocks.append((starts[first], len(text[:end].rstrip("\r\n"))))
    inline = []
    for pattern in (_INLINE_CODE, _IMAGE, _LINK_DESTINATION, _AUTOLINK):
        inline += [(m.start(), m.end()) for m in pattern.finditer(text)
                   if not any(s <= m.start() < e for s, e in blocks)]
    spans = [(s, e, True) for s, e in blocks] + [(s, e, False) for s, e in _outermost(inline)]
    return sorted(spans)


def _outermost(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """SPANS without those inside another (a code span inside an image's alt text)."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out
