"""What in a Markdown file is not prose, found by a CommonMark parser (markdown-it-py), with
exact character offsets: code (fenced and indented blocks, inline spans), YAML or TOML front
matter, the markup of HTML blocks (their visible text is prose, as a browser shows it), and
the destinations of links and the whole of images. The rest (paragraphs, headings, list
items, table cells, block quotes) is scored and may be rewritten; these spans never are.
Hand-written rules read a list item's indented continuation paragraph as a code block; the
parser reads it as CommonMark does.

Each span has a kind: BLOCK (no sentence starts in it), INLINE (inside a sentence, kept as it
is) or MARKUP (an HTML block's tags and comments: read as blank space, kept as they are)."""

from __future__ import annotations

import re
from functools import lru_cache

from mtfix.lines import line_starts
from mtfix.readers.html import markup_spans
from mtfix.segmentation import gaps

BLOCK, INLINE, MARKUP = "block", "inline", "markup"
CODE_BLOCKS = ("fence", "code_block")
_FRONT_MATTER = re.compile(r"\A(?:\ufeff)?(---|\+\+\+)[ \t]*\r?\n.*?^\1[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE)
# Every rule has a bounded reach (a code span does not cross a blank line, a link's parts are
# at most MAX_REACH characters): without a bound, each unmatched opener ("`", "](", "<http")
# would scan to the end of its line or file, and a long one would take quadratic time.
MAX_REACH = 2000
_INLINE_CODE = re.compile(rf"(`+)(?!`)((?:(?!\n[ \t]*\r?\n).){{1,{MAX_REACH}}}?)(?<!`)\1(?!`)", re.DOTALL)
_IMAGE = re.compile(rf"!\[[^\]\n]{{0,{MAX_REACH}}}\]\([^)\n]{{0,{MAX_REACH}}}\)")
_LINK_DESTINATION = re.compile(rf"(?<=\])\([^)\n]{{0,{MAX_REACH}}}\)|^\s{{0,3}}\[[^\]\n]{{1,{MAX_REACH}}}\]:\s*\S+.*$",
                               re.MULTILINE)
_AUTOLINK = re.compile(rf"<(?:https?|ftp|mailto):[^>\s]{{0,{MAX_REACH}}}>")


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


def front_matter(text: str) -> tuple[int, int] | None:
    """The span of YAML (---) or TOML (+++) front matter at the very start, fences included."""
    match = _FRONT_MATTER.match(text)
    return (match.start(), match.end()) if match else None


def non_prose(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every stretch of TEXT that is not prose, in order."""
    starts = line_starts(text)  # as the parser counts lines: LF, CRLF or a lone CR
    blocks: list[tuple[int, int]] = []
    markup: list[tuple[int, int]] = []
    head = front_matter(text)
    parsed = text
    if head:  # parsed as blank lines, so the parser's line numbers stay the file's
        blocks.append(head)
        parsed = re.sub(r"[^\n]", " ", text[:head[1]]) + text[head[1]:]
    for token in _parser().parse(parsed):
        if token.type not in (*CODE_BLOCKS, "html_block") or not token.map:
            continue
        first, last = token.map
        end = starts[last] if last < len(starts) else len(text)
        span = (starts[first], len(text[:end].rstrip("\r\n")))
        if token.type == "html_block":
            markup += [(span[0] + s, span[0] + e) for s, e in markup_spans(text[span[0]:span[1]])]
        else:
            blocks.append(span)
    inline = []
    for gap_start, gap_end in gaps(sorted(blocks + markup), len(text)):  # linear: code is set aside first
        for pattern in (_INLINE_CODE, _IMAGE, _LINK_DESTINATION, _AUTOLINK):
            inline += [(m.start(), m.end()) for m in pattern.finditer(text, gap_start, gap_end)]
    spans = ([(s, e, BLOCK) for s, e in blocks] + [(s, e, MARKUP) for s, e in markup]
             + [(s, e, INLINE) for s, e in _outermost(inline)])
    return sorted(spans)


def blanked(text: str, spans: list[tuple[int, int]]) -> str:
    """TEXT with SPANS read as blank space (line breaks kept, so offsets and lines stay)."""
    if not spans:
        return text
    pieces, position = [], 0
    for start, end in spans:
        pieces += [text[position:start], re.sub(r"[^\r\n]", " ", text[start:end])]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _outermost(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """SPANS without those inside another (a code span inside an image's alt text)."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out
