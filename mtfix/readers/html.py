"""Visible text of an HTML page, with a map from each extracted character to the markup."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from html.parser import HTMLParser

from mtfix.document import Document
from mtfix.readers.base import Reader
from mtfix.readers.options import ReadOptions, Skipped

_SKIP = {"script", "style", "noscript", "template", "svg", "head", "iframe"}
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td",
          "th", "table", "section", "article", "header", "footer", "nav", "aside", "blockquote",
          "figcaption", "figure", "pre", "hr", "title", "main", "form", "dd", "dt"}


class _Extractor(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.chars: list[str] = []
        self.origin: list[int] = []
        self.skip_depth = 0

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _emit(self, text: str, at: int, one_to_one: bool) -> None:
        if self.skip_depth:
            return
        for i, char in enumerate(text):
            self.chars.append(char)
            self.origin.append(at + i if one_to_one else at)

    def _break(self) -> None:
        if self.chars and self.chars[-1] != "\n":
            self._emit("\n\n", self._offset(), False)

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skip_depth += 1
        elif tag in _BLOCK:
            self._break()

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in _BLOCK:
            self._break()

    def handle_data(self, data):
        self._emit(data, self._offset(), True)

    def handle_entityref(self, name):
        self._emit(html.unescape(f"&{name};"), self._offset(), False)

    def handle_charref(self, name):
        self._emit(html.unescape(f"&#{name};"), self._offset(), False)


def extract_html(source: str) -> tuple[str, list[int]]:
    """Return (visible text, origin) where origin[i] is the offset in `source` of char i."""
    parser = _Extractor(source)
    parser.feed(source)
    parser.close()
    return "".join(parser.chars), parser.origin


class HtmlReader(Reader):
    """The page's visible text; offsets of what it reports bound the markup it came from."""

    name = "html"
    suffixes = (".html", ".htm")

    def documents(self, path: str, text: str, codec: str, bom: int,
                  options: ReadOptions) -> Iterator[Document | Skipped]:
        content, origin = extract_html(text)
        yield Document(path, text, codec, content=content, source_map=origin, bom_length=bom)
