"""What the readers are told: which files to take from folders, the JSONL fields, the size cap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class ReadOptions:
    include: Sequence[str] = ()  # globs of files to take from folders; none: every suffix a reader takes
    exclude: Sequence[str] = ()
    reader: str | None = None  # read every input with this registered reader, whatever its suffix
    field: str = "text"  # JSONL: the field holding the text
    max_bytes: int = MAX_BYTES
    group_field: str | None = None  # JSONL: records with the same value form one document
    source: str | None = None  # a file line-aligned with the input: each line's source
    source_field: str | None = None  # JSONL/Parquet: the field holding each record's source
    source_lang: str | None = None  # ISO 639-1


@dataclass
class Skipped:
    """An input (a file, or one record of a JSONL file) that was not read, and why."""

    path: str
    reason: str
