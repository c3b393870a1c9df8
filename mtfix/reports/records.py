"""One JSON-ready record per sentence: the shape shared by the json and jsonl formats."""

from __future__ import annotations

from mtfix import labels
from mtfix.document import Document, Sentence
from mtfix.labels import Label

# The version of the JSON, JSON Lines and Parquet outputs; raised when a field changes or goes.
# mtfix/reports/schemas/output.schema.json describes the JSON and JSON Lines of this version.
SCHEMA_VERSION = 1


def sentence_records(document: Document, with_features: bool = False) -> list[dict]:
    offsets = [o for s in document.sentences for o in (s.start, s.end)]
    byte_map = document.byte_offsets(offsets)
    records = []
    for sentence in document.sentences:
        records.append(sentence_record(document, sentence, byte_map, with_features))
    return records


def sentence_record(document: Document, sentence: Sentence, byte_map: dict[int, int],
                    with_features: bool = False) -> dict:
    record = {
        "path": document.path,
        "line": sentence.line,
        "col": sentence.col,
        "start": sentence.start,
        "end": sentence.end,
        "text": sentence.text,
        "label": sentence.label,
        "score": round(sentence.score, 4),
        "quality": round(sentence.quality, 3),
        "reason": sentence.reason,
        "spans": [{"start": s.start, "end": s.end, "text": s.text, "score": s.score}
                  | ({"alternative": s.alternative} if s.alternative else {}) for s in sentence.spans],
        "words": [{"text": sentence.text[w.start:w.end], "surprisal": w.surprisal, "bad": w.bad}
                  for w in sentence.words],
    }
    if sentence.source is not None:  # read with its source: the source and the checks it failed
        record["source"] = sentence.source
        checks = labels.info(Label.MISTRANSLATED).checks
        record["checks"] = [{"check": m.code, "reason": m.reason} for m in sentence.marks if m.code in checks]
        if sentence.adequacy is not None:
            record["adequacy"] = sentence.adequacy
    if sentence.suppressed:
        record["suppressed"] = True
    if sentence.start in byte_map:
        record["byte_start"], record["byte_end"] = byte_map[sentence.start], byte_map[sentence.end]
    if document.record is not None:
        record["record"] = document.record
    if with_features:
        record["features"] = {k: round(v, 4) for k, v in sentence.features.items()}
    return record


def fix_records(document: Document, fixes: list) -> list[dict]:
    """Sentence records of the garbled sentences, each with its suggestions."""
    byte_map = document.byte_offsets([o for f in fixes for o in (f.target.sentence.start, f.target.sentence.end)])
    records = []
    for fix in fixes:
        record = sentence_record(document, fix.target.sentence, byte_map)
        record["suggestions"] = [s.as_dict() for s in fix.suggestions]
        record["candidates"] = fix.considered
        record["rejected"] = fix.rejected
        records.append(record)
    return records
