"""Inputs to Documents: files, folders (recursive, with globs) and stdin. Which reader reads a
file is chosen by its suffix from the reader registry (text, Markdown, HTML, JSONL, and any
a plug-in adds). A path that cannot be read becomes a `Skipped` with a one-line reason."""

from __future__ import annotations

import fnmatch
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from mtfix.document import Document
from mtfix.errors import InputError
from mtfix.readers.decode import decode_bytes
from mtfix.readers.options import DEFAULT_INCLUDE, MAX_BYTES, ReadOptions, Skipped

__all__ = ["DEFAULT_INCLUDE", "MAX_BYTES", "ReadOptions", "Skipped", "discover", "read_path", "reader_for"]

STDIN = "-"


def discover(paths: Sequence[str | Skipped], options: ReadOptions) -> Iterator[str | Skipped]:
    """Expand folders into the files to read, in a stable order (already expanded lists pass
    through). Inside folders only regular files are taken; a path named on the command line
    may also be a pipe the user chose (`-` or `<(…)`)."""
    for raw in paths:
        if isinstance(raw, Skipped) or raw == STDIN:
            yield raw
            continue
        path = Path(raw)
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            yield Skipped(raw, "dangling symbolic link" if path.is_symlink() else "no such file or directory")
            continue
        except OSError as exc:
            yield Skipped(raw, exc.strerror or str(exc))
            continue
        if stat.S_ISDIR(mode):
            yield from _walk(path, options)
        elif stat.S_ISREG(mode) or stat.S_ISFIFO(mode):
            yield raw
        else:
            yield Skipped(raw, "not a regular file (a device or socket)")


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
            try:
                regular = stat.S_ISREG(full.stat().st_mode)
            except OSError:
                regular = False
            if not regular:  # a FIFO would block the scan forever; a dangling link has nothing
                yield Skipped(str(full), "not a regular file (found in a folder; name it directly to read a pipe)")
                continue
            yield str(full)


def reader_for(path: str):
    """The registered reader whose suffixes include PATH's (text when none does)."""
    from mtfix.registry import READERS

    suffix = Path(path).suffix.lower() if path != STDIN else ""
    fallback = None
    for _, reader_class in READERS.items():
        if suffix in reader_class.suffixes:
            return reader_class()
        if reader_class.name == "text":
            fallback = reader_class
    return fallback()


def read_path(path: str, options: ReadOptions) -> list[Document | Skipped]:
    """Read one file (or '-' for stdin) into Documents (and Skipped records); raises
    InputError with a reason when the file as a whole cannot be read."""
    data = _read_bytes(path, options.max_bytes)
    if not data.strip():
        raise InputError("empty file")
    display = "<stdin>" if path == STDIN else path
    reader = reader_for(path)
    if getattr(reader, "binary", False):
        return list(reader.rows(display, data, options))
    text, codec, bom = decode_bytes(data)
    documents = list(reader.documents(display, text, codec, bom, options))
    if text.encode(codec, errors="replace") != data[bom:]:  # bad bytes were replaced
        for document in documents:
            if isinstance(document, Document):
                document.lossy = True
    return documents


def _read_bytes(path: str, limit: int) -> bytes:
    try:
        if path == STDIN:
            data = sys.stdin.buffer.read(limit + 1)
        else:
            if Path(path).is_dir():
                raise InputError("is a folder")
            info = Path(path).stat()
            if stat.S_ISREG(info.st_mode) and info.st_size > limit:
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
