"""Human-readable output of every command: for `scan`, the flagged sentences per file with
the suspect words highlighted; for `fix`, the suggestions as word diffs; for `score`, the
figures, a per-file table worst first and the gate. Each ends with the signature."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from mtfix import labels
from mtfix.document import Document, Sentence
from mtfix.figures import Figures
from mtfix.fix.candidate import SentenceFix
from mtfix.reports.base import Reporter, RunSummary
from mtfix.reports.diff_markup import diff_text
from mtfix.safe import one_line, safe_path


class TextReporter(Reporter):
    name = "text"
    commands = ("scan", "fix", "score")

    def start(self) -> None:
        self.console = Console(file=self.sink, highlight=False, soft_wrap=True, no_color=not self.options.colour,
                               force_terminal=self.options.colour)

    def document(self, document: Document) -> None:
        if self.command == "scan":
            self._sentences(document)
        elif self.command == "fix":
            self._fixes(document)

    def finish(self, summary: RunSummary) -> None:
        if self.command == "score":
            self.sink.write(render_corpus(summary.corpus))
            return
        stats = summary.stats
        if self.command == "fix":
            fix = summary.fix
            wins = ", ".join(f"{name} {count}" for name, count in sorted(fix.wins.items(), key=lambda p: -p[1]))
            line = (f"{fix.flagged} garbled sentences, {fix.with_suggestion} with a suggestion"
                    f"{f' (best from: {wins})' if wins else ''}, {summary.applied} applied; "
                    f"{f'{fix.cached} from the cache; ' if fix.cached else ''}{fix.seconds:.1f} s")
        else:
            parts = [_count(stats.files, "file"), _count(stats.sentences, "sentence"),
                     *(f"{stats.count(row.name)} {row.name}" for row in stats.shown())]
            if stats.skipped:
                parts.append(f"{stats.skipped} skipped")
            parts.append(f"{stats.seconds:.1f} s ({stats.rate:.1f} sentences/s)")
            line = ", ".join(parts)
        self.console.print(Text(line, style="bold"))
        self.console.print(Text(summary.signature, style="dim"))

    # -- scan ------------------------------------------------------------------------------
    def _sentences(self, document: Document) -> None:
        shown = [s for s in document.sentences if s.flagged or self.options.show_all]
        if not shown:
            return
        self.console.print(Text(_title(document), style="bold underline"))
        for sentence in shown:
            self.console.print(self._line(document, sentence))
            if sentence.source is not None and sentence.flagged:  # what it translates, under it
                self.console.print(Text(f"      source: {one_line(sentence.source)[:SHOWN_CHARS]}", style="dim"))
        self.console.print()

    def _line(self, document: Document, sentence: Sentence) -> Text:
        line = Text()
        line.append(f"  {_place(document, sentence)} ", style="dim")
        row = labels.info(sentence.label)
        line.append(f"{sentence.label:<11}", style=row.style)
        if row.scored:
            line.append(f" {sentence.score:.2f} ")
            if sentence.reason:  # a near miss
                line.append(f"({sentence.reason}) ", style="dim")
        else:
            line.append(f" ({sentence.reason}) " if sentence.reason else " ")
        line.append_text(highlighted(sentence, self.options.markers))
        return line

    # -- fix -------------------------------------------------------------------------------
    def _fixes(self, document: Document) -> None:
        if not document.fixes:
            return
        self.console.print(Text(_title(document), style="bold underline"))
        for fix in document.fixes:
            self._fix(document, fix)
        self.console.print()

    def _fix(self, document: Document, fix: SentenceFix) -> None:
        sentence = fix.target.sentence
        head = Text(f"  {_place(document, sentence)} ", style="dim")
        head.append(f"garbled {sentence.score:.2f}  ", style="bold red")
        head.append_text(highlighted(sentence, self.options.markers))
        self.console.print(head)
        if not fix.suggestions:
            self.console.print(Text(f"    no good fix ({rejections(fix)})", style="dim"))
        for rank, suggestion in enumerate(fix.suggestions, 1):
            line = Text(f"    {rank}. ", style="bold")
            line.append(f"[{suggestion.source} {suggestion.confidence:.2f}] ", style="cyan")
            line.append_text(diff_text(fix.target.text, suggestion.text, self.options.markers))
            self.console.print(line)
            self.console.print(Text(f"       {one_line(suggestion.reason)}; {one_line(suggestion.detail)}", style="dim"))


SHOWN_CHARS = 400  # of one sentence; the rest is elided


SUSPECT_MARKS = (">>", "<<")  # around a suspect word where there is no colour (NO_COLOR, a pipe)


def highlighted(sentence: Sentence, markers: bool = False) -> Text:
    """The sentence on one line, suspect words in bold red underline, and with MARKERS also
    between >> and << so that they show without colour (cut after SHOWN_CHARS)."""
    shown = sentence.text[:SHOWN_CHARS]
    text = Text()
    position = 0
    for span in sentence.spans:
        if span.local_start >= len(shown):
            break
        text.append(one_line(shown[position:span.local_start]))
        word = one_line(shown[span.local_start:span.local_start + len(span.text)])
        text.append(word.join(SUSPECT_MARKS) if markers else word, style="bold red underline")
        position = span.local_start + len(span.text)
    text.append(one_line(shown[position:]))
    if len(sentence.text) > SHOWN_CHARS:
        text.append(f" … ({len(sentence.text) - SHOWN_CHARS} more characters)", style="dim")
    return text


def rejections(fix: SentenceFix) -> str:
    if not fix.considered:
        return "no candidates"
    reasons = ", ".join(f"{count} {why}" for why, count in sorted(fix.rejected.items(), key=lambda p: -p[1]))
    return f"{fix.considered} candidates: {reasons}" if reasons else f"{fix.considered} candidates"


def label_figures(figures: Figures) -> list[str]:
    """The garbled rate, then each other label's count (its rate where it has one); the
    labels that count in the garbled rate are named one by one when there are several."""
    shown = figures.shown()
    gating = [row for row in shown if row.gates]
    out = [f"garbled rate {figures.garbled_rate:.2%} ({figures.garbled})"]
    for row in shown:
        count = figures.count(row.name)
        if row.gates and len(gating) == 1:
            continue
        if row.share:
            out.append(f"{row.name} rate {figures.share(row.name):.2%} ({count})")
        else:
            out.append(f"{row.heading} {count}")
    return out


def render_corpus(report) -> str:
    """Figures, a per-file table worst first, the gate, the signature."""
    total = report.total
    lines = [
        f"files {len(report.files)}, sentences {total.sentences} (scored {total.scored}), "
        f"skipped inputs {len(report.skipped)}",
        ", ".join([*label_figures(total), f"suppressed {total.suppressed}"]),
        f"mean garbled probability {total.mean_probability:.3f}, quality {total.quality:.1f}/100",
        "",
        f"{'quality':>7}  {'garbled':>7}  {'rate':>6}  {'boiler':>6}  sentences  path",
    ]
    for f in report.worst_first:
        lines.append(f"{f.quality:7.1f}  {f.garbled:7d}  {f.garbled_rate:6.1%}  {f.boilerplate:6d}  "
                     f"{f.sentences:9d}  {safe_path(f.path)}")
    if report.baseline_used:
        judged = report.judged(report.files)
        lines.append(f"\nbaseline: {report.new_garbled} new garbled finding(s); without the ones it accepts: "
                     f"new garbled rate {judged.garbled_rate:.2%} ({judged.garbled} of {judged.scored} scored), "
                     f"quality {judged.quality:.1f}/100")
    if report.gate.checked:
        lines.append("")
        lines.append("gate: passed" if report.gate.passed else "gate: FAILED")
        lines.extend(f"  - {safe_path(failure)}" for failure in report.gate.failures)
    lines.append(f"\n{report.signature}")
    return "\n".join(lines) + "\n"


def _title(document: Document) -> str:
    path = safe_path(document.path)
    return path if document.record is None else f"{path} (record {document.record})"


def _place(document: Document, sentence: Sentence) -> str:
    return f"{safe_path(document.path)}:{sentence.line}:{sentence.col}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
