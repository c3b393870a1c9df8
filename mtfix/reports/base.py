"""One reporter interface for every output format of every command: `start`, then
`document` for each document as it is finished, then `finish` with the run's summary.

Formats are registered in `mtfix.registry.FORMATS`; a reporter says which commands it
serves. The command line's `--format` takes its choices from there."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO

from mtfix.document import Document
from mtfix.figures import Figures


@dataclass
class RunStats(Figures):
    """Sentence counts of a whole run, plus what a run summary needs."""

    path: str = "(run)"
    files: int = 0
    skipped: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.sentences / self.seconds if self.seconds else 0.0

    def summary(self) -> dict:
        return {"files": self.files, "sentences": self.sentences,
                **{row.name: self.count(row.name) for row in self.shown()}, "skipped": self.skipped,
                "seconds": round(self.seconds, 3)}


@dataclass
class RunSummary:
    command: str
    signature: str
    stats: RunStats
    corpus: object | None = None  # mtfix.score.CorpusReport, for score (and scan's corpus formats)
    fix: object | None = None  # mtfix.fix.fixer.FixStats, for fix
    applied: int = 0


@dataclass
class ReportOptions:
    only_flagged: bool = False  # json/jsonl: only flagged sentences (any label but ok)
    show_all: bool = False  # text: every sentence, not only flagged ones
    features: bool = False  # json/jsonl: the detector's inputs too
    colour: bool = False  # text: ANSI colours (the CLI decides: --color, FORCE_COLOR, NO_COLOR, a terminal)
    markers: bool = True  # for output without colours: diffs as [-removed-]{+added+}, suspect words as >>word<<
    extra: dict = field(default_factory=dict)


class Reporter:
    name = ""
    commands: tuple[str, ...] = ()
    binary = False  # writes bytes to `sink` (a binary stream)

    def __init__(self, command: str, sink: IO, options: ReportOptions | None = None) -> None:
        self.command = command
        self.sink = sink
        self.options = options or ReportOptions()

    def start(self) -> None:
        pass

    def document(self, document: Document) -> None:
        pass

    def finish(self, summary: RunSummary) -> None:
        pass


class CorpusReporter(Reporter):
    """A format that renders the corpus report (figures, findings, gate) at the end."""

    commands = ("score", "scan")

    def finish(self, summary: RunSummary) -> None:
        self.sink.write(self.render(summary.corpus))

    def render(self, report) -> str:
        raise NotImplementedError
