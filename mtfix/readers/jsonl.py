"""JSON Lines: each line is a record (mtfix.readers.records). A record that is not valid JSON
or has no usable text is skipped with a note; the other records are read."""

from __future__ import annotations

import json
from collections.abc import Iterator

from mtfix.document import Document
from mtfix.readers.base import Reader
from mtfix.readers.options import ReadOptions, Skipped
from mtfix.readers.records import record_document


class JsonlReader(Reader):
    name = "jsonl"
    suffixes = (".jsonl",)
    records = True

    def documents(self, path: str, text: str, codec: str, bom: int,
                  options: ReadOptions) -> Iterator[Document | Skipped]:
        # records end at "\n" only: U+2028 and the other breaks splitlines() knows may stand raw in a string
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Skipped(where, f"invalid JSON ({exc.msg})")
                continue
            except RecursionError:
                yield Skipped(where, "invalid JSON (nested too deeply)")
                continue
            if not isinstance(record, dict):
                yield Skipped(where, f"a JSON {type(record).__name__}, not an object")
                continue
            yield record_document(path, record, options, number, codec)
