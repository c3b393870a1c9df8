"""Parquet shards (needs pyarrow, `pip install 'mtfix[ray]'`): each row is a record
(mtfix.readers.records), like a JSONL line; a bad row is skipped with a note, the others are read."""

from __future__ import annotations

from collections.abc import Iterator

from mtfix.document import Document
from mtfix.errors import InputError
from mtfix.readers.base import Reader
from mtfix.readers.options import ReadOptions, Skipped
from mtfix.readers.records import record_document


class ParquetReader(Reader):
    name = "parquet"
    suffixes = (".parquet",)
    records = True
    binary = True  # read from the bytes, not decoded as text

    def rows(self, path: str, data: bytes, options: ReadOptions) -> Iterator[Document | Skipped]:
        import io

        from mtfix import extras

        pq = extras.load("reading Parquet", "pyarrow.parquet")
        try:
            table = pq.read_table(io.BytesIO(data))
        except Exception as exc:  # pyarrow raises several types for a file that is not Parquet  # noqa: BLE001
            raise InputError(f"not a Parquet file ({str(exc).splitlines()[0]})") from None
        if options.field not in table.column_names:
            raise InputError(f"no column {options.field!r} (choose one with --field)")
        columns = [options.field] + ([options.group_field] if options.group_field in table.column_names else [])
        for number, row in enumerate(table.select(columns).to_pylist(), start=1):
            yield record_document(path, row, options, number)
