"""The shared shape of a reader: the file suffixes it takes, and one method from decoded text
to Documents (or Skipped records)."""

from __future__ import annotations

from collections.abc import Iterator

from mtfix.document import Document
from mtfix.readers.options import ReadOptions, Skipped


class Reader:
    name = ""
    suffixes: tuple[str, ...] = ()

    def documents(self, path: str, text: str, codec: str, bom: int,
                  options: ReadOptions) -> Iterator[Document | Skipped]:
        raise NotImplementedError
