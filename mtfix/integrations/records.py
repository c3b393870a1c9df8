"""Documents as records (an id and a text) scored in batches, with per-document figures and,
optionally, per-sentence rows: the shared core of the engine integrations. A record whose
text is missing, not a string, or binary garbage gets an `error` and no figures; it is
reported and counted, never dropped silently and never fatal for the batch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from mtfix.document import Document
from mtfix.figures import Figures
from mtfix.readers.options import ReadOptions, Skipped
from mtfix.readers.records import record_document



def document_columns() -> list[str]:
    """Each document's figures as columns: the sums (a count per label), then the rates."""
    return [*Figures.summed(), "garbled_rate", "mean_probability", "quality", "error"]


@dataclass
class ScoredRecord:
    id: str
    figures: dict
    document: Document | None = None
    sentence_rows: list[dict] = field(default_factory=list)


def figures_of(document: Document | None, error: str = "") -> dict:
    figures = Figures(document.path if document else "")
    if document is not None:
        figures.add_document(document)
    out = figures.sums()  # exact, so corpus figures add up across engines
    out.update(garbled_rate=round(figures.garbled_rate, 4), mean_probability=round(figures.mean_probability, 4),
               quality=figures.quality, error=error)
    return out


def sentence_rows(record_id: str, document: Document) -> list[dict]:
    return [{"id": record_id, "start": s.start, "end": s.end, "text": s.text, "label": s.label,
             "score": round(s.score, 6), "quality": round(s.quality, 4), "reason": s.reason,
             "spans": [[sp.start, sp.end] for sp in s.spans]} for s in document.sentences]


def score_records(checker, ids: Sequence, rows: Sequence[Mapping], field: str = "text",
                  with_sentences: bool = False) -> list[ScoredRecord]:
    """Score each row's FIELD as one document (all of them in one pipeline pass), made by the
    readers' record adapter as a JSONL or Parquet record is."""
    out: list[ScoredRecord] = []
    documents: list[Document] = []
    settings = checker.settings  # the record's source field and language, when they name one
    options = ReadOptions(field=field, source_field=settings.source_field, source_lang=settings.source_lang)
    for record_id, row in zip(ids, rows):
        read = record_document(str(record_id), row, options)
        if isinstance(read, Skipped):
            out.append(ScoredRecord(str(record_id), figures_of(None, read.reason)))
            continue
        out.append(ScoredRecord(str(record_id), figures_of(None), document=read))
        documents.append(read)
    if documents:
        checker.check_documents(documents)
    for record in out:
        if record.document is not None:
            record.figures = figures_of(record.document)
            if with_sentences:
                record.sentence_rows = sentence_rows(record.id, record.document)
    return out
