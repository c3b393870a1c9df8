"""Applying suggestions to files: a rewrite maps back onto the original sentence (only the
changed words change; line breaks and odd spaces elsewhere in it survive), the new text is
spliced into the file's own bytes (encoding, BOM and line endings elsewhere stay
byte-identical), and the result is written atomically with a backup, or as a unified diff
that `git apply` and `patch -p1` accept."""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mtfix.document import Document
from mtfix.errors import InputError
from mtfix.fix.candidate import FixTarget, SentenceFix
from mtfix.readers.decode import decode_bytes
from mtfix.worddiff import word_diff


@dataclass(frozen=True)
class Replacement:
    start: int  # character offsets into Document.text
    end: int
    text: str


def writable(document: Document) -> str:
    """Why mtfix cannot rewrite this document in place, or '' when it can."""
    if document.path == "<stdin>":
        return "read from stdin"
    if document.record is not None:
        return "JSONL records are not rewritten in place"
    if document.source_map is not None:
        return "HTML is not rewritten in place"
    return ""


def rewrite_sentence(target: FixTarget, new_text: str) -> str:
    """The original sentence with only the words that differ from NEW_TEXT replaced.
    Sources work on normalised text; unchanged stretches keep their original characters."""
    original, index_map = target.sentence.text, target.index_map
    out, position = [], 0
    for piece in word_diff(target.text, new_text):
        if piece.op == "equal":
            continue
        start = _to_original(index_map, piece.old_start, len(original))
        end = index_map[piece.old_start + len(piece.old) - 1] + 1 if piece.old else start
        while piece.old[-1:].isspace() and end < len(original) and original[end].isspace():
            end += 1  # a replaced space takes its whole run (a CRLF, say) with it
        out.append(original[position:start])
        out.append(piece.new)
        position = end
    out.append(original[position:])
    return "".join(out)


def _to_original(index_map: list[int], index: int, length: int) -> int:
    if index < len(index_map):
        return index_map[index]
    return index_map[-1] + 1 if index_map else length


def chosen_replacements(document: Document, fixes: list[SentenceFix],
                        choices: dict[int, str] | None = None) -> list[Replacement]:
    """The replacement of each sentence: CHOICES (sentence start → text) where given, else its
    best suggestion (the reranker already dropped those under the confidence floor)."""
    out = []
    for fix in fixes:
        sentence = fix.target.sentence
        if choices is not None:
            new = choices.get(sentence.start)
        else:
            new = fix.best.text if fix.best else None
        if new is None or document.text[sentence.start:sentence.end] != sentence.text:
            continue
        out.append(Replacement(sentence.start, sentence.end, rewrite_sentence(fix.target, new)))
    return out


def patched_bytes(document: Document, replacements: list[Replacement]) -> tuple[bytes, bytes]:
    """(original bytes, new bytes) of the document's file. The file is read again and must
    still decode to what was scanned; each replacement is encoded on its own and spliced in."""
    path = Path(document.path)
    try:
        original = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {document.path}: {exc.strerror or exc}") from exc
    text, _, _ = decode_bytes(original)
    if text != document.text:
        raise InputError(f"{document.path} changed since it was scanned; run mtfix again")
    offsets = document.byte_offsets([o for r in replacements for o in (r.start, r.end)])
    pieces, position = [], 0
    for replacement in sorted(replacements, key=lambda r: r.start):
        begin, end = offsets[replacement.start], offsets[replacement.end]
        pieces.append(original[position:begin])
        try:
            pieces.append(replacement.text.encode(document.encoding))
        except UnicodeEncodeError:
            pieces.append(original[begin:end])  # not expressible in the file's encoding: keep
        position = end
    pieces.append(original[position:])
    return original, b"".join(pieces)


def unified_diff(path: str, old: bytes, new: bytes) -> bytes:
    """A git-style unified diff (a/ and b/ prefixes) of one file, in the file's own bytes."""
    name = os.path.relpath(path).replace(os.sep, "/")
    if name.startswith("../"):
        name = os.path.abspath(path).lstrip("/").replace(os.sep, "/")
    lines = difflib.diff_bytes(difflib.unified_diff, _lines(old), _lines(new),
                               f"a/{name}".encode(), f"b/{name}".encode(), n=3)
    out = []
    for line in lines:
        out.append(line)
        if not line.endswith(b"\n"):  # the file's last line has no newline
            out.append(b"\n\\ No newline at end of file\n")
    return b"".join(out)


def _lines(data: bytes) -> list[bytes]:
    """Split at LF only, as patch does (a CR stays part of its line)."""
    parts = data.split(b"\n")
    lines = [p + b"\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def write_with_backup(path: str, data: bytes, backup: bool = True) -> Path | None:
    """Replace PATH's content atomically, keeping its permissions; with BACKUP, the original
    first goes to PATH.bak (PATH.bak.1, … when that exists, so no earlier original is lost)."""
    target = Path(path)
    kept = None
    if backup:
        kept = _free_backup_name(target)
        shutil.copy2(target, kept)
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        shutil.copymode(target, temp)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return kept


def _free_backup_name(target: Path) -> Path:
    candidate = target.with_name(target.name + ".bak")
    number = 1
    while candidate.exists():
        candidate = target.with_name(f"{target.name}.bak.{number}")
        number += 1
    return candidate
