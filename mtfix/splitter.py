"""Pipeline step: fill a Document with its Sentences (offsets, line and column)."""

from __future__ import annotations

from mtfix.document import Document, Sentence
from mtfix.segment import segment


class SentenceSplitter:
    def run(self, document: Document) -> None:
        content = document.content
        document.sentences = []
        for piece in segment(content):
            start = document.to_original(piece.start)
            end = document.to_original(piece.end - 1) + 1
            line, col = document.line_col(start)
            document.sentences.append(Sentence(
                start=start, end=end, text=content[piece.start:piece.end], paragraph=piece.paragraph,
                content_start=piece.start, line=line, col=col,
            ))
