"""Records to Documents, the one way for every input made of records: a JSONL object, a
Parquet row, a row of a Ray block, a datatrove document. Each record's text field is a
document of its own, or, with a group field, consecutive records sharing its value are read
as one context; a record without usable text becomes a `Skipped` that says why."""

from __future__ import annotations

from collections.abc import Mapping

from mtfix.document import Document
from mtfix.readers.decode import LONE_SURROGATE, looks_binary
from mtfix.readers.options import ReadOptions, Skipped


def record_text(record: Mapping, field: str) -> tuple[str, str]:
    """(the text of FIELD, '') or ('', why it cannot be read as a document's text)."""
    if field not in record:
        return "", f"no field {field!r} (choose one with --field)"
    value = record[field]
    if isinstance(value, bytes):
        return "", f"field {field!r} holds bytes, not text"
    if not isinstance(value, str):
        kind = "null" if value is None else type(value).__name__
        return "", f"field {field!r} is {kind}, not a string"
    if LONE_SURROGATE.search(value):  # "\ud800" is valid JSON but not text: no tokenizer takes it
        return "", f"field {field!r} holds a lone surrogate (half of a UTF-16 pair), not text"
    if looks_binary(value):
        return "", f"field {field!r} holds binary garbage (control characters)"
    return value, ""


def record_document(path: str, record: Mapping, options: ReadOptions, number: int | None = None,
                    codec: str = "utf-8") -> Document | Skipped:
    """RECORD's text field as a Document of PATH (NUMBER: the record's line or row, which
    reports show in place of a line; None where the record is a document with its own lines)."""
    where = path if number is None else f"{path}:{number}"
    text, why = record_text(record, options.field)
    if why:
        return Skipped(where, why)
    group = None
    if options.group_field is not None and record.get(options.group_field) is not None:
        group = f"{path}#{record[options.group_field]}"
    if not options.source_field:
        return Document(path, text, codec, record=number, group=group)
    source, why = record_text(record, options.source_field)
    if why:
        return Skipped(where, why.replace("--field", "--source-field"))
    # with its source, the record is one sentence: never segmented, checked against it
    return Document(path, text, codec, record=number, group=group, units=[(0, len(text))], sources=[source],
                    source_lang=options.source_lang)
