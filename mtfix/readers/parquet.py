"""Parquet shards (needs pyarrow, `pip install 'mtfix[ray]'`): each row's text column is a
document, like a JSONL record; a bad row is skipped with a note, the others are read."""

from __future__ import annotations

from collections.abc import Iterator

from mtfix.document import Document
from mtfix.errors import InputError
from mtfix.readers.base import Reader
from mtfix.readers.options import ReadOptions, Skipped


class ParquetReader(Reader):
    name = "parquet"
    suffixes = (".parquet",)
    binary = True  # read from the bytes, not decoded as text

    def rows(self, path: str, data: bytes, options: ReadOptions) -> Iterator[Document | Skipped]:
        from mtfix.readers.decode import invalid_text

        import io

        from mtfix import extras

        pq = extras.load("reading Parquet", "pyarrow.parquet")
        try:
            table = pq.read_table(io.BytesIO(data))
        except Exception as exc:  # pyarrow raises several types for a file that is not Parquet  # noqa: BLE001
            raise InputError(f"not a Parquet file ({str(exc).splitlines()[0]})") from None
        if options.field not in table.column_names:
            raise InputError(f"no column {options.field!r} (choose one with --field)")
        for number, value in enumerate(table.column(options.field).to_pylist(), start=1):
            why = invalid_text(value)
            if why:
                yield Skipped(f"{path}:{number}", why)
            else:
                yield Document(path, value, "utf-8", record=number)
