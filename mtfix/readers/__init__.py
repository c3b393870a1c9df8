"""Inputs to Documents: files, folders (recursive, with globs), stdin and an editor's buffer.
Which reader reads a file is chosen from the reader registry (text, Markdown, HTML, JSONL,
Parquet, and any a plug-in adds): by name when the options name one, else by its suffix;
folders are searched for the suffixes the readers take, unless --include says otherwise. A
path that cannot be read becomes a `Skipped` with a one-line reason."""

from __future__ import annotations

import fnmatch
import hashlib
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from mtfix.document import Document
from mtfix.errors import InputError
from mtfix.readers.decode import decode_bytes
from mtfix.readers.options import MAX_BYTES, ReadOptions, Skipped

__all__ = ["MAX_BYTES", "ReadOptions", "Skipped", "default_include", "discover", "found_in", "read_bytes",
           "read_path", "read_text", "reader_for", "reader_for_language"]

STDIN = "-"


def discover(paths: Sequence[str | Skipped], options: ReadOptions) -> Iterator[str | Skipped]:
    """Expand folders into the files to read, in a stable order (already expanded lists pass
    through). Inside folders only regular files are taken; a path named on the command line
    may also be a pipe the user chose (`-` or `<(…)`). A file reached twice (`a.txt ./a.txt`,
    a link and its target) is read once."""
    seen: set[str] = set()
    for raw in _expanded(paths, options):
        if isinstance(raw, Skipped) or raw == STDIN:
            yield raw
            continue
        real = os.path.realpath(raw)
        if real not in seen:
            seen.add(real)
            yield raw


def _expanded(paths: Sequence[str | Skipped], options: ReadOptions) -> Iterator[str | Skipped]:
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
            found = False
            for item in _walk(path, options):
                found = True
                yield item
            if not found:
                yield Skipped(raw, f"no file in this folder matches --include ({' '.join(_include(options))})")
        elif stat.S_ISREG(mode) or stat.S_ISFIFO(mode):
            yield raw
        else:
            yield Skipped(raw, "not a regular file (a device or socket)")


def _folders(root: Path, on_error) -> Iterator[tuple[str, list[str], list[str]]]:
    """(folder, subfolders, files) of every folder below ROOT, as os.walk gives them but
    without recursion (os.walk recursed before Python 3.12: 2,000 nested folders raised
    RecursionError). Links to folders are not followed, as os.walk does by default."""
    pending = [str(root)]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            on_error(exc)
            continue
        subfolders, files = [], []
        for entry in entries:
            (subfolders if _is_folder(entry) else files).append(entry)
        yield folder, [e.name for e in subfolders], [e.name for e in files]
        pending.extend(e.path for e in subfolders if not e.is_symlink())


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _walk(root: Path, options: ReadOptions) -> Iterator[str | Skipped]:
    def on_error(error: OSError) -> None:
        raise InputError(str(error))

    try:
        walked = sorted(_folders(root, on_error))
    except InputError as exc:
        yield Skipped(str(root), f"cannot list folder: {exc}")
        return
    include = _include(options)
    for folder, subfolders, files in walked:
        subfolders[:] = [d for d in subfolders if not d.startswith(".")]
        if any(part.startswith(".") for part in Path(folder).relative_to(root).parts):
            continue
        for name in sorted(files):
            full = Path(folder) / name
            relative = full.relative_to(root).as_posix()
            if not _matches(name, relative, include) or _matches(name, relative, options.exclude):
                continue
            try:
                regular = stat.S_ISREG(full.stat().st_mode)
            except OSError:
                regular = False
            if not regular:  # a FIFO would block the scan forever; a dangling link has nothing
                yield Skipped(str(full), "not a regular file (found in a folder; name it directly to read a pipe)")
                continue
            yield str(full)


def found_in(folder: Path, file: Path, options: ReadOptions) -> bool:
    """Would reading FOLDER (recursively) read FILE? As `discover` chooses: below the folder,
    in no hidden folder, matching --include and not --exclude."""
    try:
        relative = file.relative_to(folder)
    except ValueError:
        return False
    if any(part.startswith(".") for part in relative.parts[:-1]):
        return False
    name, posix = relative.name, relative.as_posix()
    return _matches(name, posix, _include(options)) and not _matches(name, posix, options.exclude)


def _matches(name: str, relative: str, globs) -> bool:
    """NAME (or its path below the folder) matches a glob, ignoring case: GUIDE.MD is a *.md
    file wherever it was written."""
    name, relative = name.lower(), relative.lower()
    return any(fnmatch.fnmatchcase(name, g.lower()) or fnmatch.fnmatchcase(relative, g.lower()) for g in globs)


def default_include() -> tuple[str, ...]:
    """A glob for each suffix a registered reader takes (built-ins and plug-ins)."""
    from mtfix.registry import READERS

    return tuple(dict.fromkeys(f"*{suffix}" for _, reader in READERS.items() for suffix in reader.suffixes if suffix))


def _include(options: ReadOptions) -> tuple[str, ...]:
    return tuple(options.include) or default_include()


def reader_for_language(language: str) -> str | None:
    """The registered reader an editor's language id names (`markdown`, `quarto`, `html`), or None."""
    from mtfix.registry import READERS

    return next((name for name, reader in READERS.items() if language in reader.languages), None) if language else None


def reader_for(path: str, options: ReadOptions | None = None):
    """The reader the options name, else the registered reader whose suffixes include PATH's
    (text when none does)."""
    from mtfix.registry import READERS

    if options is not None and options.reader:
        return READERS.get(options.reader)()
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
    data = read_bytes(path, options.max_bytes)
    if not data.strip():
        raise InputError("empty file")
    display = "<stdin>" if path == STDIN else path
    reader = reader_for(path, options)
    if getattr(reader, "binary", False):
        return list(reader.rows(display, data, options))
    text, codec, bom = decode_bytes(data)
    documents = read_text(display, text, options, codec, bom, reader)
    lossy = text.encode(codec, errors="replace") != data[bom:]  # bad bytes were replaced
    digest = hashlib.sha256(data).hexdigest()
    for document in documents:
        if isinstance(document, Document):
            document.lossy, document.source_digest = lossy, digest
    return documents


def read_text(path: str, text: str, options: ReadOptions, codec: str = "utf-8", bom: int = 0,
              reader=None) -> list[Document | Skipped]:
    """TEXT, already decoded (a file's, or an editor's buffer), read into Documents by READER
    (by default the one `reader_for` chooses)."""
    reader = reader or reader_for(path, options)
    return list(reader.documents(path, text, codec, bom, options))


READ_CHUNK = 1 << 20


def _read_limited(handle, limit: int) -> bytes:
    """At most LIMIT + 1 bytes, read in chunks (a single read of LIMIT + 1 would allocate that
    much up front, whatever the input holds)."""
    chunks, size = [], 0
    while size <= limit:
        chunk = handle.read(min(READ_CHUNK, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def read_bytes(path: str, limit: int) -> bytes:
    """The bytes of PATH ('-' for stdin), at most LIMIT; InputError with a one-line reason."""
    try:
        if path == STDIN:
            if sys.stdin is None:
                raise InputError("standard input is closed")
            data = _read_limited(sys.stdin.buffer, limit)
        else:
            if Path(path).is_dir():
                raise InputError("is a folder")
            info = Path(path).stat()
            if stat.S_ISREG(info.st_mode) and info.st_size > limit:
                raise InputError(f"file larger than {limit // (1024 * 1024)} MB (see --max-mb)")
            with open(path, "rb") as handle:
                data = _read_limited(handle, limit)
    except PermissionError:
        raise InputError("permission denied") from None
    except FileNotFoundError:
        raise InputError("no such file or directory") from None
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from None
    if len(data) > limit:
        raise InputError(f"input larger than {limit // (1024 * 1024)} MB (see --max-mb)")
    return data
