"""Plain text and Markdown: the file is one document. In Markdown, code (fenced and indented
blocks, inline `code`) is not prose: the segmenter leaves it out."""

from __future__ import annotations

from collections.abc import Iterator

from mtfix.document import Document
from mtfix.readers.base import Reader
from mtfix.readers.options import ReadOptions, Skipped


class TextReader(Reader):
    name = "text"
    suffixes = (".txt", "")
    languages = ("plaintext", "text")

    def documents(self, path: str, text: str, codec: str, bom: int,
                  options: ReadOptions) -> Iterator[Document | Skipped]:
        yield Document(path, text, codec, bom_length=bom)


class MarkdownReader(Reader):
    name = "markdown"
    suffixes = (".md", ".markdown", ".mdx", ".qmd", ".rmd")  # MDX, Quarto and R Markdown are Markdown prose
    languages = ("markdown", "mdx", "quarto", "rmd")

    def documents(self, path: str, text: str, codec: str, bom: int,
                  options: ReadOptions) -> Iterator[Document | Skipped]:
        yield Document(path, text, codec, bom_length=bom, markdown=True)
