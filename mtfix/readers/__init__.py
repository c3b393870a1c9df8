"""Inputs to Documents: files, folders (recursive, with globs) and stdin; text, Markdown,
HTML and JSONL. A path that cannot be read becomes a `Skipped` with a one-line reason."""

from __future__ import annotations

import fnmatch
import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from mtfix.document import Document
from mtfix.errors import InputError
from mtfix.readers.decode import decode_bytes
from mtfix.readers.html import extract_html

DEFAULT_INCLUDE = ("*.txt", "*.md", "*.markdown", "*.html", "*.htm", "*.jsonl")
MAX_BYTES = 50 * 1024 * 1024


@dataclass
class Skipped:
    path: str
    reason: str


@dataclass
class ReadOptions:
    include: Sequence[str] = DEFAULT_INCLUDE
    exclude: Sequence[str] = ()
    field: str = "text"
    max_bytes: int = MAX_BYTES


def discover(paths: Sequence[str | Skipped], options: ReadOptions) -> Iterator[str | Skipped]:
    """Expand folders into the files to read, in a stable order (already expanded lists pass through)."""
    for raw in paths:
        if isinstance(raw, Skipped) or raw == "-":
            yield raw
            continue
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path, options)
        elif path.exists() or path.is_symlink():
            yield raw
        else:
            yield Skipped(raw, "no such file or directory")


def _walk(root: Path, options: ReadOptions) -> Iterator[str | Skipped]:
    def on_error(error: OSError) -> None:
        raise InputError(str(error))

    try:
        walked = sorted(os.walk(root, onerror=on_error))
    except InputError as exc:
        yield Skipped(str(root), f"cannot list folder: {exc}")
        return
    for folder, subfolders, files in walked:
        subfolders[:] = [d for d in subfolders if not d.startswith(".")]
        if any(part.startswith(".") for part in Path(folder).relative_to(root).parts):
            continue
        for name in sorted(files):
            full = Path(folder) / name
            relative = full.relative_to(root).as_posix()
            if not any(fnmatch.fnmatch(name, g) or fnmatch.fnmatch(relative, g) for g in options.include):
                continue
            if any(fnmatch.fnmatch(name, g) or fnmatch.fnmatch(relative, g) for g in options.exclude):
                continue
            yield str(full)


def read_path(path: str, options: ReadOptions) -> list[Document]:
    """Read one file (or '-' for stdin) into Documents; raises InputError with a reason."""
    data = _read_bytes(path, options.max_bytes)
    if not data.strip():
        raise InputError("empty file")
    text, codec, bom = decode_bytes(data)
    display = "<stdin>" if path == "-" else path
    suffix = Path(path).suffix.lower()
    if suffix == ".jsonl":
        return _jsonl_documents(display, text, codec, options.field)
    if suffix in (".html", ".htm"):
        content, origin = extract_html(text)
        return [Document(display, text, codec, content=content, source_map=origin, bom_length=bom)]
    return [Document(display, text, codec, bom_length=bom)]


def _read_bytes(path: str, limit: int) -> bytes:
    try:
        if path == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            if Path(path).is_dir():
                raise InputError("is a folder")
            if Path(path).stat().st_size > limit:
                raise InputError(f"file larger than {limit // (1024 * 1024)} MB (see --max-mb)")
            with open(path, "rb") as handle:
                data = handle.read(limit + 1)
    except PermissionError:
        raise InputError("permission denied") from None
    except FileNotFoundError:
        raise InputError("no such file or directory") from None
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from None
    if len(data) > limit:
        raise InputError(f"input larger than {limit // (1024 * 1024)} MB (see --max-mb)")
    return data


def _jsonl_documents(path: str, text: str, codec: str, field: str) -> list[Document]:
    documents = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"line {number}: invalid JSON ({exc.msg})") from None
        value = record.get(field) if isinstance(record, dict) else None
        if value is None:
            raise InputError(f"line {number}: no field {field!r} (choose one with --field)")
        if not isinstance(value, str):
            raise InputError(f"line {number}: field {field!r} is not a string")
        documents.append(Document(path, value, codec, record=number))
    return documents
