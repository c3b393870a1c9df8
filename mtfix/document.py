"""The records that flow through mtfix: a Document holds Sentences, a Sentence holds Spans.

Offsets are character offsets into `Document.text`, the decoded original (a BOM is not
part of it). For HTML the sentence text is the extracted text and its offsets bound the
markup it came from; for JSONL they point into the value of the chosen field.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import NamedTuple

from mtfix.labels import Label
from mtfix.lines import line_starts


@dataclass(frozen=True)
class Mark:
    """What one step found in a sentence: the label it gives (ok for a note that labels
    nothing), a code naming the check, and why. Steps add marks and never change them, so a
    later step cannot erase an earlier one's reason."""

    label: str
    code: str
    reason: str = ""


class WordScore(NamedTuple):
    """One word of a sentence as the detector saw it: offsets into `Sentence.text`, the LM's
    surprisal in nats, and the word head's P(BAD)."""

    start: int
    end: int
    surprisal: float
    bad: float


@dataclass
class Span:
    """A suspect stretch of a sentence, with offsets into the document text."""

    start: int
    end: int
    text: str
    score: float
    local_start: int = 0  # where the span starts in Sentence.text
    alternative: str = ""  # a word near in form that the LM finds much likelier here (a near miss)
    gain: float = 0.0  # how much likelier, in nats of the whole sentence as scan read it


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int
    content_start: int = 0  # where the sentence starts in Document.content (differs for HTML)
    line: int = 0
    col: int = 0
    score: float = 0.0  # P(garbled)
    quality: float = 0.0  # the detector's quality estimate (higher is better; MLQE-PE da_z scale)
    marks: list[Mark] = field(default_factory=list)  # what the steps found, in the order they ran
    source: str | None = None  # what the sentence translates, when its input says
    adequacy: float | None = None  # cosine of the source and the English (multilingual encoder), when compared
    suppressed: bool = False  # by an inline marker or an ignore pattern: not scored, not a finding
    spans: list[Span] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)
    # each word, for reports that show where the LM stumbled and what the detector suspects
    words: list[WordScore] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The label of the first mark that gives one; ok without."""
        return next((m.label for m in self.marks if m.label != Label.OK), Label.OK)

    @property
    def reason(self) -> str:
        """Every mark's reason, in the order the steps found them."""
        return "; ".join(m.reason for m in self.marks if m.reason)

    @property
    def flagged(self) -> bool:
        return self.label != Label.OK

    def mark(self, label: str, code: str, reason: str = "") -> None:
        self.marks.append(Mark(label, code, reason))


@dataclass
class Document:
    path: str
    text: str
    encoding: str
    content: str | None = None  # what is read (the page's visible text); None: the text itself
    source_map: list[int] | None = None
    record: int | None = None
    group: str | None = None  # consecutive documents of one group are read as one context
    bom_length: int = 0
    markdown: bool = False  # code in it (blocks and inline) is not prose
    lossy: bool = False  # bad bytes were replaced when decoding: no byte offsets, no rewriting
    source_digest: str = ""  # sha256 of the file's bytes as read: a rewrite needs the very same bytes
    sentences: list[Sentence] = field(default_factory=list)
    protected: list[tuple[int, int]] = field(default_factory=list)  # spans of `text` never rewritten (code)
    # spans of `content` that are each one sentence as given (a line of a line-aligned file):
    # not segmented further nor joined, each read as a paragraph of its own; None: segment it
    units: list[tuple[int, int]] | None = None
    sources: list[str] | None = None  # what each unit translates (two-file, TSV, TMX, --source-field)
    source_lang: str | None = None  # ISO 639-1, when known
    fixes: list = field(default_factory=list)  # SentenceFix of each garbled sentence, after `fix`
    _line_starts: tuple[list[int], int] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.content is None:  # "" is a page with nothing visible, not its markup
            self.content = self.text

    def to_original(self, index: int) -> int:
        """Map an offset in `content` (what was segmented) to an offset in `text`."""
        if self.source_map is None:
            return index
        if index >= len(self.source_map):
            return len(self.text)
        return self.source_map[index]

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset in `text` (lines end with LF, CRLF
        or a lone CR)."""
        if self.record is not None:
            return self.record, offset + 1
        if self._line_starts is None or self._line_starts[1] != len(self.text):
            self._line_starts = (line_starts(self.text), len(self.text))
        starts = self._line_starts[0]
        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    def byte_offsets(self, offsets: list[int]) -> dict[int, int]:
        """Byte positions in the file of the given character offsets (BOM included)."""
        if self.record is not None or self.source_map is not None or self.lossy:
            return {}
        result: dict[int, int] = {}
        position, consumed = 0, self.bom_length
        for offset in sorted(set(offsets)):
            consumed += len(self.text[position:offset].encode(self.encoding, errors="replace"))
            position = offset
            result[offset] = consumed
        return result
