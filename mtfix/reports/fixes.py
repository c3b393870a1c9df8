"""Reports of `mtfix fix`: word-level coloured diffs in the terminal (like
`git diff --word-diff`), and one JSON record per flagged sentence."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from mtfix.document import Document
from mtfix.fix.candidate import SentenceFix
from mtfix.reports.records import sentence_record
from mtfix.reports.terminal import one_line
from mtfix.worddiff import word_diff

REMOVED, ADDED = "red strike", "green underline"


def diff_text(old: str, new: str, markers: bool) -> Text:
    """NEW against OLD (both normalised, one line each, as FixTarget.text and suggestions are);
    with MARKERS, also [-removed-]{+added+} so the diff survives no colour."""
    text = Text()
    for piece in word_diff(old, new):
        if piece.op == "equal":
            text.append(piece.old)
            continue
        if piece.old:
            text.append(f"[-{piece.old}-]" if markers else piece.old, style=REMOVED)
        if piece.new:
            text.append(f"{{+{piece.new}+}}" if markers else piece.new, style=ADDED)
    return text


class FixTerminalReport:
    def __init__(self, console: Console, markers: bool) -> None:
        self.console = console
        self.markers = markers

    def document(self, document: Document, fixes: list[SentenceFix]) -> None:
        if not fixes:
            return
        self.console.print(Text(document.path, style="bold underline"))
        for fix in fixes:
            self._fix(document, fix)
        self.console.print()

    def _fix(self, document: Document, fix: SentenceFix) -> None:
        sentence = fix.target.sentence
        head = Text(f"  {document.path}:{sentence.line}:{sentence.col} ", style="dim")
        head.append(f"garbled {sentence.score:.2f}  ", style="bold red")
        head.append(one_line(sentence.text).strip())
        self.console.print(head)
        if not fix.suggestions:
            self.console.print(Text(f"    no good fix ({_rejections(fix)})", style="dim"))
        for rank, suggestion in enumerate(fix.suggestions, 1):
            line = Text(f"    {rank}. ", style="bold")
            line.append(f"[{suggestion.source} {suggestion.confidence:.2f}] ", style="cyan")
            line.append_text(diff_text(fix.target.text, suggestion.text, self.markers))
            self.console.print(line)
            self.console.print(Text(f"       {suggestion.reason}; {suggestion.detail}", style="dim"))

    def summary(self, stats, applied: int, signature: str) -> None:
        wins = ", ".join(f"{name} {count}" for name, count in sorted(stats.wins.items(), key=lambda p: -p[1]))
        self.console.print(Text(
            f"{stats.flagged} garbled sentences, {stats.with_suggestion} with a suggestion"
            f"{f' (best from: {wins})' if wins else ''}, {applied} applied; {stats.seconds:.1f} s", style="bold"))
        self.console.print(Text(signature, style="dim"))


def _rejections(fix: SentenceFix) -> str:
    if not fix.considered:
        return "no candidates"
    reasons = ", ".join(f"{count} {why}" for why, count in sorted(fix.rejected.items(), key=lambda p: -p[1]))
    return f"{fix.considered} candidates: {reasons}" if reasons else f"{fix.considered} candidates"


def fix_records(document: Document, fixes: list[SentenceFix]) -> list[dict]:
    byte_map = document.byte_offsets([o for f in fixes for o in (f.target.sentence.start, f.target.sentence.end)])
    records = []
    for fix in fixes:
        record = sentence_record(document, fix.target.sentence, byte_map)
        record["suggestions"] = [s.as_dict() for s in fix.suggestions]
        record["candidates"] = fix.considered
        record["rejected"] = fix.rejected
        records.append(record)
    return records

