"""The shared shape of a reader: its name, the file suffixes it takes (which also make the
default --include globs), and one method from decoded text to Documents (or Skipped records)."""

from __future__ import annotations

from collections.abc import Iterator

from mtfix.document import Document
from mtfix.readers.options import ReadOptions, Skipped


class Reader:
    name = ""
    suffixes: tuple[str, ...] = ()
    # one document per record, its offsets into the record's text (not into the file's): an
    # editor's buffer of such a file is read as plain text
    records = False
    languages: tuple[str, ...] = ()  # the editors' language ids it reads (the language server asks)

    def documents(self, path: str, text: str, codec: str, bom: int,
                  options: ReadOptions) -> Iterator[Document | Skipped]:
        raise NotImplementedError
