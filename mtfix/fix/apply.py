"""Applying suggestions to files: a rewrite maps back onto the original sentence (only the
changed words change; line breaks and odd spaces elsewhere in it survive), the new text is
spliced into the file's own bytes (encoding, BOM and line endings elsewhere stay
byte-identical), and the result is written atomically with a backup, or as a unified diff
that `git apply` and `patch -p1` accept."""

from __future__ import annotations

import difflib
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mtfix.atomic import atomic_write_bytes
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
        return "records (JSONL, Parquet, TMX units) are not rewritten in place"
    if document.source_map is not None:
        return "HTML is not rewritten in place"
    if document.lossy:
        return "it has bytes that are not valid in its encoding (decoded with replacements)"
    return ""


def read_only(document: Document) -> str:
    """Why the file may not be written although mtfix could (its mode has no write bit: the
    owner made it read-only, and root could write it anyway), or ''."""
    try:
        mode = os.stat(document.path).st_mode
    except OSError:
        return ""
    return "the file is read-only (chmod u+w to let mtfix rewrite it)" if not mode & 0o222 else ""


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
                        choices: dict[int, str] | None = None) -> tuple[list[Replacement], dict[int, str]]:
    """The replacement of each sentence: CHOICES (sentence start → text) where given, else its
    best suggestion; and, by sentence start, why a chosen one is refused."""
    out, refused = [], {}
    for fix in fixes:
        sentence = fix.target.sentence
        if choices is not None:
            new = choices.get(sentence.start)
        else:
            new = fix.best.text if fix.best else None
        if new is None:
            continue
        if document.text[sentence.start:sentence.end] != sentence.text:
            refused[sentence.start] = f"line {sentence.line}: the sentence changed since it was scanned"
            continue
        rewritten = rewrite_sentence(fix.target, new)
        if touches_protected(document, sentence.start, sentence.text, rewritten):  # code never changes
            refused[sentence.start] = f"line {sentence.line}: the rewrite would change code or markup in the sentence"
            continue
        out.append(Replacement(sentence.start, sentence.end, rewritten))
    return out, refused


def touches_protected(document: Document, start: int, old: str, new: str) -> bool:
    """Would replacing OLD (at START of the document) by NEW change a protected span (code)?"""
    if not document.protected:
        return False
    for piece in word_diff(old, new):
        if piece.op == "equal":
            continue
        changed_start = start + piece.old_start
        changed_end = changed_start + max(1, len(piece.old))
        if any(p_start < changed_end and changed_start < p_end for p_start, p_end in document.protected):
            return True
    return False


def repaired_text(document: Document, choices: dict[int, str] | None = None) -> str:
    """DOCUMENT's text with its repairs made: CHOICES maps a flagged sentence's start (its
    `Sentence.start`) to the text chosen for it; without CHOICES, each best suggestion (as
    `fix --write` would, floor aside). Only the changed words change; code stays as it is."""
    replacements, _ = chosen_replacements(document, document.fixes, choices)
    text, position, pieces = document.text, 0, []
    for replacement in sorted(replacements, key=lambda r: r.start):
        pieces += [text[position:replacement.start], replacement.text]
        position = replacement.end
    return "".join(pieces) + text[position:]


@dataclass
class PlannedChange:
    """What applying a document's chosen rewrites would do, or why it cannot be done."""

    replacements: list[Replacement] = field(default_factory=list)
    why_not: str = ""
    old: bytes = b""
    new: bytes = b""
    refused: dict[int, str] = field(default_factory=dict)  # sentence start → why its rewrite is left out


def planned_change(document: Document, choices: dict[int, str] | None = None,
                   fixes: list[SentenceFix] | None = None) -> PlannedChange:
    replacements, refused = chosen_replacements(document, document.fixes if fixes is None else fixes, choices)
    if not replacements:
        return PlannedChange(refused=refused)
    why = writable(document) or read_only(document)
    if why:
        return PlannedChange(replacements, why, refused=refused)
    try:
        old, new = patched_bytes(document, replacements)
    except InputError as exc:
        return PlannedChange(replacements, str(exc), refused=refused)
    return PlannedChange(replacements, "", old, new, refused)


@dataclass
class Applied:
    count: int = 0  # sentences rewritten
    kept: Path | None = None  # the backup
    why_not: str = ""
    failed: bool = False  # a write (or re-read) failed, as opposed to a file mtfix never rewrites
    written: frozenset[int] = frozenset()  # the starts of the sentences rewritten
    refused: dict[int, str] = field(default_factory=dict)  # sentence start → why it was left as it is


def apply_document(document: Document, backup: bool = True, choices: dict[int, str] | None = None,
                   fixes: list[SentenceFix] | None = None) -> Applied:
    """Write the chosen rewrites of DOCUMENT to its file (atomically, with a backup), or say
    why not. The one way `fix --write` and `review` change files."""
    change = planned_change(document, choices, fixes)
    if change.why_not or change.old == change.new:
        return Applied(0, None, change.why_not, failed=bool(change.why_not) and not writable(document),
                       refused=change.refused)
    try:
        kept = write_with_backup(document.path, change.new, backup=backup, expected=change.old)
    except InputError as exc:
        return Applied(0, None, str(exc), failed=True, refused=change.refused)
    except OSError as exc:
        return Applied(0, None, f"cannot write: {exc.strerror or exc}", failed=True, refused=change.refused)
    return Applied(len(change.replacements), kept, written=frozenset(r.start for r in change.replacements),
                   refused=change.refused)


def patched_bytes(document: Document, replacements: list[Replacement]) -> tuple[bytes, bytes]:
    """(original bytes, new bytes) of the document's file. The file is read again and must
    still decode to what was scanned; each replacement is encoded on its own and spliced in."""
    path = Path(document.path)
    try:
        original = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {document.path}: {exc.strerror or exc}") from exc
    # bytes, not decoded text: a BOM added or removed decodes the same but moves every offset
    if document.source_digest:
        changed = hashlib.sha256(original).hexdigest() != document.source_digest
    else:  # a document built in memory (the language server's): its text and byte layout
        text, codec, bom = decode_bytes(original)
        changed = (text, codec, bom) != (document.text, document.encoding, document.bom_length)
    if changed:
        raise InputError(f"{document.path} changed since it was scanned; run mtfix again")
    offsets = document.byte_offsets([o for r in replacements for o in (r.start, r.end)])
    pieces, position = [], 0
    for replacement in sorted(replacements, key=lambda r: r.start):
        begin, end = offsets[replacement.start], offsets[replacement.end]
        pieces.append(original[position:begin])
        try:
            pieces.append(replacement.text.encode(document.encoding))
        except UnicodeEncodeError as exc:
            raise InputError(f"its encoding ({document.encoding}) cannot hold "
                             f"{replacement.text[exc.start:exc.end]!r}; nothing was written") from None
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


def write_with_backup(path: str, data: bytes, backup: bool = True, expected: bytes | None = None) -> Path | None:
    """Replace PATH's content atomically, keeping its mode, owner and group (where allowed);
    with BACKUP, the original first goes to PATH.bak (PATH.bak.1, … when that name is taken,
    so no earlier original is lost), itself written atomically. A symbolic link stays a link:
    its target is rewritten, as editors do; so does a file with other hard links, written in
    place (after the backup) so that every name keeps seeing it. EXPECTED: what the file must
    still hold just before it is replaced (InputError otherwise, and nothing changes)."""
    target = Path(os.path.realpath(path))

    def unchanged() -> None:
        if expected is not None and target.read_bytes() != expected:
            raise InputError(f"{path} changed since it was scanned; run mtfix again")

    kept = None
    if backup:
        kept = _free_backup_name(Path(path))
        atomic_write_bytes(kept, target.read_bytes() if expected is None else expected, like=target, exclusive=True)
    if os.stat(target).st_nlink > 1:
        unchanged()
        with open(target, "r+b") as out:
            out.write(data)
            out.truncate()
            out.flush()
            os.fsync(out.fileno())
    else:
        atomic_write_bytes(target, data, like=target, before_replace=unchanged)
    return kept


def _free_backup_name(path: Path) -> Path:
    """The first of PATH.bak, PATH.bak.1, … that names nothing at all (a dangling link counts)."""
    candidate = path.with_name(path.name + ".bak")
    number = 1
    while os.path.lexists(candidate):
        candidate = path.with_name(f"{path.name}.bak.{number}")
        number += 1
    return candidate


def apply_or_check(document: Document, write: bool, diff: bool, backup: bool, write_floor: float,
                   note: Callable[[str], None]) -> tuple[int, int]:
    """`fix`: apply (WRITE) the best suggestions at least WRITE_FLOOR confident (no person
    decides), or check the best ones for the patch (DIFF: a person reads it before applying
    it); a file that cannot be written is told through NOTE and the run goes on. Returns
    (sentences applied, 1 if a write failed)."""
    from mtfix.safe import safe_path

    if write:
        offered = [fix for fix in document.fixes if fix.best is not None]
        confident = [fix for fix in offered if fix.best.confidence >= write_floor]
        if len(confident) < len(offered):
            note(f"{safe_path(document.path)}: {len(offered) - len(confident)} suggestion(s) under the write floor "
                 f"{write_floor:g} left for `mtfix review` (--write-min-confidence lowers it)")
        applied = apply_document(document, backup=backup, fixes=confident)
        for why in applied.refused.values():
            note(f"not applied to {safe_path(document.path)}: {why}")
        if applied.why_not:
            note(f"not applied to {safe_path(document.path)}: {applied.why_not}")
            return 0, int(applied.failed)
        if applied.count:
            kept = f" (original kept as {safe_path(str(applied.kept))})" if applied.kept else ""
            note(f"applied {applied.count} fix(es) to {safe_path(document.path)}{kept}")
        return applied.count, 0
    if diff:
        change = planned_change(document)
        if change.why_not:
            note(f"not in the diff: {safe_path(document.path)}: {change.why_not}")
        return len(change.replacements) if not change.why_not else 0, 0
    return 0, 0
