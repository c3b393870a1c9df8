"""JSON Lines: each record's text field is a document of its own, or, with a group field,
consecutive records sharing its value are read as one context. A record that is not valid
JSON or has no usable text is skipped with a note; the other records are read."""

from __future__ import annotations

import json
from collections.abc import Iterator

from mtfix.document import Document
from mtfix.readers.base import Reader
from mtfix.readers.decode import LONE_SURROGATE
from mtfix.readers.options import ReadOptions, Skipped



class JsonlReader(Reader):
    name = "jsonl"
    suffixes = (".jsonl",)

    def documents(self, path: str, text: str, codec: str, bom: int,
                  options: ReadOptions) -> Iterator[Document | Skipped]:
        field = options.field
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
            if field not in record:
                yield Skipped(where, f"no field {field!r} (choose one with --field)")
                continue
            value = record[field]
            if not isinstance(value, str):
                kind = "null" if value is None else type(value).__name__
                yield Skipped(where, f"field {field!r} is {kind}, not a string")
                continue
            if LONE_SURROGATE.search(value):  # "\ud800" is valid JSON but not text: no tokenizer takes it
                yield Skipped(where, f"field {field!r} holds a lone surrogate (half of a UTF-16 pair), not text")
                continue
            group = None
            if options.group_field is not None and record.get(options.group_field) is not None:
                group = f"{path}#{record[options.group_field]}"
            yield Document(path, value, codec, record=number, group=group)
