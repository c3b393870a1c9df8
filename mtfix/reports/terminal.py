"""Human-readable scan output: flagged sentences per file with suspect words highlighted."""

from __future__ import annotations

import re

from rich.console import Console
from rich.text import Text

from mtfix.document import Document, Sentence

STYLES = {"garbled": "bold red", "boilerplate": "yellow", "duplicate": "cyan", "ok": "green"}


class TerminalReport:
    def __init__(self, console: Console, only_flagged: bool = True) -> None:
        self.console = console
        self.only_flagged = only_flagged

    def document(self, document: Document) -> None:
        shown = [s for s in document.sentences if s.flagged or not self.only_flagged]
        if not shown:
            return
        title = document.path if document.record is None else f"{document.path} (record {document.record})"
        self.console.print(Text(title, style="bold underline"))
        for sentence in shown:
            self.console.print(self._line(document, sentence))
        self.console.print()

    def _line(self, document: Document, sentence: Sentence) -> Text:
        place = f"{document.path}:{sentence.line}:{sentence.col}"
        line = Text()
        line.append(f"  {place} ", style="dim")
        line.append(f"{sentence.label:<11}", style=STYLES[sentence.label])
        if sentence.label in ("garbled", "ok"):
            line.append(f" {sentence.score:.2f} ")
        else:
            line.append(f" ({sentence.reason}) " if sentence.reason else " ")
        line.append_text(self._highlighted(sentence))
        return line

    @staticmethod
    def _highlighted(sentence: Sentence) -> Text:
        """The sentence on one line, suspect words in bold red underline."""
        text = Text()
        position = 0
        for span in sentence.spans:
            text.append(one_line(sentence.text[position:span.local_start]))
            text.append(one_line(span.text), style="bold red underline")
            position = span.local_start + len(span.text)
        text.append(one_line(sentence.text[position:]))
        return text

    def summary(self, stats, signature: str) -> None:
        parts = [_count(stats.files, "file"), _count(stats.sentences, "sentence"),
                 f"{stats.garbled} garbled", f"{stats.boilerplate} boilerplate",
                 f"{stats.duplicate} duplicate"]
        if stats.skipped:
            parts.append(f"{stats.skipped} skipped")
        parts.append(f"{stats.seconds:.1f} s ({stats.rate:.1f} sentences/s)")
        self.console.print(Text(", ".join(parts), style="bold"))
        self.console.print(Text(signature, style="dim"))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def one_line(text: str) -> str:
    """Newlines and runs of whitespace shown as one space, so a sentence fits one line."""
    return re.sub(r"\s+", " ", text)
