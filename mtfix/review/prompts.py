"""`mtfix review --no-tui`: the same review, one prompt per sentence on stdin/stdout, for
terminals without full-screen support and for scripts (pipe the keys in)."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.text import Text

from mtfix.reports.diff_markup import diff_text
from mtfix.safe import one_line, printable, safe_path
from mtfix.review.session import ReviewSession

HELP = ("a accept the marked candidate · 1-9 accept that candidate · n next candidate · "
        "r reject · e edit by hand · s skip the rest of this file · u undo · q quit · ? help")


class LineReview:
    def __init__(self, session: ReviewSession, console: Console, stdin: TextIO) -> None:
        self.session = session
        self.console = console
        self.stdin = stdin

    def run(self) -> None:
        while not self.session.done:
            if not self.session.wait_for_current(timeout=0):
                self.console.print(f"computing suggestions… ({self.session.ready} of {len(self.session.items)} ready)",
                                   style="dim")
                self.session.wait_for_current()
            self.show()
            answer = self.ask("> ")
            if answer is None or answer == "q":
                return
            self.handle(answer)

    def ask(self, prompt: str) -> str | None:
        self.console.print(prompt, end="")
        line = self.stdin.readline()
        return None if not line else line.strip()

    def handle(self, answer: str) -> None:
        s = self.session
        if answer in ("a", "") and not s.accept():
            self.console.print("no candidate to accept: r rejects, e edits")
        elif answer.isdigit() and s.current and s.current.fix and 1 <= int(answer) <= len(s.current.fix.suggestions):
            s.choice[s.position] = int(answer) - 1
            s.accept()
        elif answer.isdigit():
            count = len(s.current.fix.suggestions) if s.current and s.current.fix else 0
            self.console.print("no suggestion for this sentence: r rejects, e edits" if not count else
                               f"no suggestion {answer}: there {'is' if count == 1 else 'are'} {count}")
        elif answer == "n":
            s.cycle()
        elif answer == "r":
            s.reject()
        elif answer == "e":
            text = self.ask("new text> ")
            why = s.unwritable(text) if text else ""
            if text and "\ufffd" in text:
                self.console.print("that edit holds bytes that are not valid text; nothing was saved, try again")
            elif why:
                self.console.print(f"{why}; nothing was saved, try again")
            elif text:
                s.edit(text)
        elif answer == "s":
            s.skip_file()
        elif answer == "u":
            if not s.undo():
                self.console.print("nothing to undo")
        else:
            self.console.print(HELP)

    def show(self) -> None:
        s, item = self.session, self.session.current
        sentence = item.target.sentence
        counts = s.counts
        self.console.print(Text(f"\n[{s.position + 1}/{len(s.items)}] {safe_path(item.document.path)}:{sentence.line}:"
                                f"{sentence.col}  P(garbled) {sentence.score:.2f} in context  "
                                f"({s.ready} of {len(s.items)} ready)  accepted {counts['accepted']}, "
                                f"edited {counts['edited']}, rejected {counts['rejected']}", style="bold"))
        if sentence.reason:  # a near miss, a check against the source
            self.console.print(Text(f"  ({one_line(sentence.reason)})", style="dim"))
        if sentence.source is not None:  # what it translates, above the English
            self.console.print(Text(f"  source: {one_line(sentence.source)}", style="italic"))
        paragraph, start, end = item.paragraph  # file contents: escaped, they must not drive the terminal
        context = Text(one_line(paragraph[:start]).strip() + " ", style="dim")
        context.append(one_line(sentence.text).strip(), style="bold")
        context.append(" " + one_line(paragraph[end:]).strip(), style="dim")
        self.console.print(context)
        if not item.fix.suggestions:
            self.console.print("  no suggestion (r reject, e edit, s skip file)")
        for index, suggestion in enumerate(item.fix.suggestions):
            mark = "*" if index == s.candidate_index() else " "
            line = Text(f" {mark}{index + 1}. [{suggestion.source} {suggestion.confidence:.2f}] ")
            line.append_text(diff_text(printable(item.target.text), printable(suggestion.text), markers=True))
            line.append(f"  (read alone: P(garbled) {suggestion.score_before:.2f} → {suggestion.score_after:.2f})",
                        style="dim")
            self.console.print(line)
        self.console.print(Text(HELP, style="dim"))
