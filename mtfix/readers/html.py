"""Visible text of an HTML page, with a map from each extracted character to the markup."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from html.parser import HTMLParser

from mtfix.document import Document
from mtfix.readers.base import Reader
from mtfix.readers.options import ReadOptions, Skipped
from mtfix.segmentation import gaps

_SKIP = {"script", "style", "noscript", "template", "iframe"}
# In an <svg>, <text> is drawn on the page; its <title>, <desc> and <metadata> are not.
_SKIP_IN_SVG = {"title", "desc", "metadata"}
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td",
          "th", "table", "section", "article", "header", "footer", "nav", "aside", "blockquote",
          "figcaption", "figure", "pre", "hr", "title", "main", "form", "dd", "dt", "text"}
# What may stand in <head>; any other start tag (or <body>) ends it, </head> being optional.
_HEAD_CONTENT = {"title", "meta", "link", "style", "script", "base", "noscript", "template"}


class _Extractor(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.chars: list[str] = []
        self.origin: list[int] = []
        self.visible: list[tuple[int, int]] = []  # spans of SOURCE shown as text
        self.skip_depth = 0
        self.in_head = False
        self.svg_depth = 0

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _emit(self, text: str, at: int, one_to_one: bool, raw_length: int = 0) -> None:
        if self.skip_depth or self.in_head:
            return
        if raw_length:
            self.visible.append((at, at + raw_length))
        for i, char in enumerate(text):
            self.chars.append(char)
            self.origin.append(at + i if one_to_one else at)

    def _break(self) -> None:
        if self.chars and self.chars[-1] != "\n":
            self._emit("\n\n", self._offset(), False)

    def _skipped(self, tag: str) -> bool:
        return tag in _SKIP or (self.svg_depth > 0 and tag in _SKIP_IN_SVG)

    def handle_starttag(self, tag, attrs):
        if tag == "head":
            self.in_head = True
        elif self.in_head and (tag == "body" or tag not in _HEAD_CONTENT):
            self.in_head = False
        if tag == "svg":
            self.svg_depth += 1
        if self._skipped(tag):
            self.skip_depth += 1
        elif tag in _BLOCK:
            self._break()

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK and not self._skipped(tag):
            self._break()

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False
        if self._skipped(tag):
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in _BLOCK:
            self._break()
        if tag == "svg":
            self.svg_depth = max(0, self.svg_depth - 1)

    def handle_data(self, data):
        self._emit(data, self._offset(), True, len(data))

    def handle_entityref(self, name):
        self._emit(html.unescape(f"&{name};"), self._offset(), False, len(name) + 2)

    def handle_charref(self, name):
        self._emit(html.unescape(f"&#{name};"), self._offset(), False, len(name) + 3)


def _parsed(source: str) -> _Extractor:
    parser = _Extractor(source)
    parser.feed(source)
    parser.close()
    return parser


def extract_html(source: str) -> tuple[str, list[int]]:
    """Return (visible text, origin) where origin[i] is the offset in `source` of char i."""
    parser = _parsed(source)
    return "".join(parser.chars), parser.origin


def markup_spans(source: str) -> list[tuple[int, int]]:
    """The spans of SOURCE that a browser does not show as text: tags, comments, and what
    script, style and the like hold. (Markdown's HTML blocks are read with this.)"""
    return gaps(sorted(_parsed(source).visible), len(source))


class HtmlReader(Reader):
    """The page's visible text; offsets of what it reports bound the markup it came from."""

    name = "html"
    suffixes = (".html", ".htm")
    languages = ("html",)

    def documents(self, path: str, text: str, codec: str, bom: int,
                  options: ReadOptions) -> Iterator[Document | Skipped]:
        content, origin = extract_html(text)
        yield Document(path, text, codec, content=content, source_map=origin, bom_length=bom)
