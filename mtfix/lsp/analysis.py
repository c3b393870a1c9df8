"""What the language server computes, without the protocol: each open document checked by the
Checker its config file asks for (the closest mtfix.toml, .mtfix.toml or pyproject.toml, as
for the CLI), positions in the editor's units, and suggestions for one sentence.

Every model call runs on the one worker thread of `LspAnalysis.worker`, so typing never waits
for the model and the model is never used by two threads at once."""

from __future__ import annotations

import bisect
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote, urlparse

from mtfix.api import Checker
from mtfix.document import Document, Sentence
from mtfix.fix.candidate import FixTarget, SentenceFix
from mtfix.lines import line_starts
from mtfix.readers import read_text, reader_for, reader_for_language
from mtfix.readers.decode import LONE_SURROGATE
from mtfix.readers.options import ReadOptions


def uri_to_path(uri: str) -> str:
    """The file path of a file: URI (any other URI is its own name: an unsaved buffer)."""
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else uri


class Positions:
    """Offsets in a text ⇄ LSP positions (line, character), the character counted in the
    negotiated encoding: UTF-16 code units by default, or UTF-8 bytes or code points."""

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        self.text = text
        self.starts = line_starts(text)
        self.encoding = encoding

    def _units(self, chunk: str) -> int:
        if self.encoding == "utf-32":
            return len(chunk)
        if self.encoding == "utf-8":
            return len(chunk.encode("utf-8", "surrogatepass"))
        return len(chunk.encode("utf-16-le", "surrogatepass")) // 2

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line, self._units(self.text[self.starts[line]:offset])

    def offset(self, line: int, character: int) -> int:
        if line >= len(self.starts):
            return len(self.text)
        start = self.starts[line]
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)
        units = 0
        for index in range(start, end):
            if units >= character:
                return index
            units += self._units(self.text[index])
        return end


@dataclass
class Checked:
    """An open document as last checked: its text at that version and the scored Document."""

    version: int | None
    document: Document
    positions: Positions
    threshold: float  # P(garbled) at or above which a sentence of it is garbled
    near_misses_pending: bool = False  # checked with its near misses put off: a full check follows

    def sentence_at(self, offset: int) -> Sentence | None:
        for sentence in self.document.sentences:
            if sentence.start <= offset <= sentence.end:
                return sentence
        return None


class LspAnalysis:
    """Checkers by config file (a changed config makes a new one, which reads with the LM
    already loaded when it asks for the same), documents checked on the worker thread,
    suggestions computed on request and cached like the CLI's."""

    def __init__(self, checker_for=None) -> None:
        self._checker_for = checker_for or default_checker
        self._checkers: dict[str, tuple[float, Checker]] = {}
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mtfix-lsp")

    def checker(self, path: str) -> Checker:
        """The Checker for PATH's config file (on the worker thread only, like every use)."""
        from mtfix.config import find_config

        config = find_config(Path(path) if Path(path).is_absolute() else Path.cwd())
        key = str(config) if config else ""
        stamp = config.stat().st_mtime if config and config.is_file() else 0.0
        known = self._checkers.get(key)
        if known is None or known[0] != stamp:
            checker = self._checker_for(config)
            for _, other in self._checkers.values():
                if checker.share_reader(other):  # the LM loads once
                    break
            known = (stamp, checker)
            self._checkers[key] = known
        return known[1]

    def warm_up(self, path: str) -> str:
        """Load the model, the detector and the grammar checker now (a one-word check); the
        model's signature."""
        checker = self.checker(path)
        checker.check_text("Ready.", path)
        return str(checker.signature())

    def check(self, uri: str, text: str, language: str = "", version: int | None = None,
              encoding: str = "utf-16", quick: bool = False) -> Checked:
        """TEXT segmented, filtered and scored as `mtfix scan` would its file: sentences whose
        text and context are unchanged come from the analysis cache, so a re-check after an
        edit reads only the stretch around it. QUICK: a re-check that reads only a window or
        two puts off the near-miss check's reads (Detect.defer) and says so; the next check of
        the same text reads them, so the heads' findings are shown as soon as a person stops
        typing and the near misses a moment later."""
        path = uri_to_path(uri)
        # an editor may send half of a UTF-16 pair; no tokenizer takes it. Read as U+FFFD (one
        # character for one: every offset stays), so the rest of the document is still checked.
        readable = LONE_SURROGATE.sub("\ufffd", text)
        checker = self.checker(path)
        document = buffer_document(path, readable, language, checker.settings.read)
        checker.detect.defer = quick
        try:
            checked = checker.check_documents([document])[0]
        finally:
            checker.detect.defer = False
        return Checked(version, checked, Positions(text, encoding), checker.detect.threshold_of(path),
                       near_misses_pending=bool(checker.detect.deferred))

    def suggest(self, checked: Checked, sentence: Sentence) -> SentenceFix:
        """The fix suggestions for one garbled sentence (from the suggestion cache when known)."""
        checker = self.checker(checked.document.path)
        return checker.fix.fix_targets([FixTarget.of(checked.document, sentence)])[0]

    def close(self) -> None:
        self.worker.shutdown(wait=False, cancel_futures=True)


def buffer_document(path: str, text: str, language: str, options: ReadOptions) -> Document:
    """An editor's buffer as the reader registry reads it: the reader for the editor's
    language (Markdown, HTML), else for the file's suffix; a file of records (JSONL) is shown
    as text, so every offset is one into the buffer."""
    options = replace(options, reader=reader_for_language(language))
    reader = reader_for(path, options)
    if reader.records:
        reader = reader_for(path, replace(options, reader="text"))
    read = [item for item in read_text(path, text, options, reader=reader) if isinstance(item, Document)]
    return read[0] if read else Document(path, text, "utf-8", content="")


def default_checker(config: Path | None) -> Checker:
    """The Checker `mtfix scan` would use under CONFIG (None: the defaults), quiet, with the
    analysis cache at its usual place."""
    from mtfix.api import command_checker
    from mtfix.config import load_config

    return command_checker(load_config(config).settings({}), quiet=True)
