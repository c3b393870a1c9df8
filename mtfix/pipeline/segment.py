"""Fill each Document with its Sentences (offsets, line and column): the units a reader gave,
or the segmenter's sentences; in Markdown, mark what is not prose (code, front matter, HTML blocks, link destinations, images: mtfix.markdown) as
protected, never scored as prose nor rewritten."""

from __future__ import annotations

from mtfix.document import Document, Sentence
from mtfix.pipeline.base import DocumentStep
from mtfix.markdown import BLOCK, MARKUP, blanked, non_prose
from mtfix.segmentation import segment


class Segment(DocumentStep):
    name = "segment"

    def process(self, document: Document) -> None:
        if document.units is not None:
            self._units(document)
            return
        content = document.content
        document.sentences = []
        code = non_prose(content) if document.markdown else []
        document.protected = [(document.to_original(s), document.to_original(e - 1) + 1) for s, e, _ in code]
        blocks = [(s, e) for s, e, kind in code if kind == BLOCK]
        read = blanked(content, [(s, e) for s, e, kind in code if kind == MARKUP])
        for piece in segment(read, skip=blocks):
            start = document.to_original(piece.start)
            end = document.to_original(piece.end - 1) + 1
            line, col = document.line_col(start)
            document.sentences.append(Sentence(
                start=start, end=end, text=content[piece.start:piece.end], paragraph=piece.paragraph,
                content_start=piece.start, line=line, col=col,
            ))

    @staticmethod
    def _units(document: Document) -> None:
        """One sentence per unit, each its own paragraph."""
        document.sentences = []
        sources = document.sources or []
        for paragraph, (start, end) in enumerate(document.units or []):
            original = document.to_original(start)
            line, col = document.line_col(original)
            document.sentences.append(Sentence(
                start=original, end=document.to_original(end - 1) + 1 if end > start else original,
                text=document.content[start:end], paragraph=paragraph, content_start=start, line=line, col=col,
                source=sources[paragraph] if paragraph < len(sources) else None))
