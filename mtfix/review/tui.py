"""`mtfix review`: a full-screen terminal UI (Textual) over a ReviewSession. The flagged
sentence in its paragraph with suspect words coloured by surprisal, the candidates as word
diffs, a status bar, a help panel. Fits a plain 80×24 terminal over SSH."""

from __future__ import annotations

from rich.text import Text

from mtfix import extras

FEATURE = "the full-screen review (--no-tui works without it)"
extras.require(FEATURE, "textual")

from textual.app import App, ComposeResult  # noqa: E402  (after the check: a missing extra is one line)
from textual.binding import Binding  # noqa: E402
from textual.containers import VerticalScroll  # noqa: E402
from textual.widgets import Input, Static  # noqa: E402

from mtfix.reports.diff_markup import diff_text  # noqa: E402
from mtfix.review.session import ReviewSession  # noqa: E402

HELP = """[b]Keys[/b]
  a / enter   accept the marked candidate
  1-9         accept that candidate
  n / p       next / previous candidate
  r           reject: keep the sentence as it is
  e           edit the sentence by hand (enter saves, escape cancels)
  s           skip the rest of this file for now
  u           undo the last decision
  q           quit: accepted edits are written, decisions kept for next time
  ?           show or hide this help

Colours: suspect words are bold; the more surprising a word was to the
language model, the stronger its orange. In candidates, removed words are
struck through in orange, added words underlined in blue."""


def surprisal_style(nll: float) -> str:
    """Orange of rising strength (blue/orange is safe for red-green colour blindness)."""
    if nll >= 12:
        return "bold #ff8c00 reverse"
    if nll >= 8:
        return "bold #ff8c00"
    if nll >= 5:
        return "#ffb347"
    return ""


class ReviewApp(App):
    CSS = """
    Screen { layout: vertical; }
    #context { height: auto; max-height: 9; padding: 0 1; border: round $primary; }
    #candidates { height: 1fr; padding: 0 1; }
    #help { display: none; padding: 0 1; border: round $secondary; height: auto; }
    #help.shown { display: block; }
    #editor { display: none; }
    #editor.shown { display: block; }
    #status { dock: bottom; height: 1; background: $primary; color: $text; padding: 0 1; }
    """
    BINDINGS = [
        Binding("a,enter", "accept", "accept"), Binding("n", "cycle(1)", "next"),
        Binding("p", "cycle(-1)", "prev", show=False), Binding("r", "reject", "reject"),
        Binding("e", "edit", "edit"), Binding("s", "skip_file", "skip file"), Binding("u", "undo", "undo"),
        Binding("q", "quit", "quit"), Binding("question_mark", "toggle_help", "help"),
        Binding("escape", "cancel_edit", show=False),
    ]

    def __init__(self, session: ReviewSession) -> None:
        super().__init__()
        self.session = session
        self.status_line = ""
        self._shown_ready = -1  # how many items had suggestions at the last redraw

    def compose(self) -> ComposeResult:
        yield Static(id="context")
        with VerticalScroll(id="candidates"):
            yield Static(id="candidate-list")
        yield Static(HELP, id="help")
        yield Input(id="editor", placeholder="the sentence as it should read; enter saves, escape cancels")
        yield Static(id="status")

    def on_mount(self) -> None:
        self.title = "mtfix review"
        self.refresh_view()
        if self.session.stream is not None:
            self.set_interval(0.5, self._poll)

    def _poll(self) -> None:
        """While suggestions are still being computed: redraw as they arrive."""
        stream = self.session.stream
        if stream.error is not None:
            self.exit(stream.error)
        elif self._shown_ready != self.session.ready:
            self.refresh_view()

    # -- drawing ----------------------------------------------------------------------
    def refresh_view(self) -> None:
        s = self.session
        status = self.query_one("#status", Static)
        counts = s.counts
        tally = f"accepted {counts['accepted']}, edited {counts['edited']}, rejected {counts['rejected']}"
        if s.done:
            self.query_one("#context", Static).update(Text("All flagged sentences are reviewed. Press q to write "
                                                           "the accepted edits and quit (u undoes)."))
            self.query_one("#candidate-list", Static).update("")
            self.status_line = f"done · {tally} · q quit · u undo"
            status.update(self.status_line)
            return
        item = s.current
        self._shown_ready = s.ready
        self.query_one("#context", Static).update(self._paragraph_view(item))
        self.query_one("#candidate-list", Static).update(self._candidates(item))
        sentence = item.target.sentence
        ready = f" · {s.ready}/{len(s.items)} ready" if s.ready < len(s.items) else ""
        self.status_line = (f"{s.position + 1} of {len(s.items)}{ready} · {tally} · {item.document.path}:"
                            f"{sentence.line} · ? help")
        status.update(self.status_line)

    def _paragraph_view(self, item) -> Text:
        paragraph, start, end = item.paragraph
        sentence = item.target.sentence
        reason = f" ({sentence.reason})" if sentence.reason else ""  # a near miss: the heads let it pass
        text = Text(f"{item.document.path}:{sentence.line}:{sentence.col}  P(garbled) {sentence.score:.2f} "
                    f"(read in context){reason}\n",
                    style="dim")
        if sentence.source is not None:  # what it translates, above the English
            text.append(f"source: {' '.join(sentence.source.split())}\n", style="italic")
        text.append(" ".join(paragraph[:start].split()) + " ", style="dim")
        body = Text(sentence.text)
        for word_start, word_end, nll, _bad in sentence.words:  # WordScore
            style = surprisal_style(nll)
            if style:
                body.stylize(style, word_start, word_end)
        for span in sentence.spans:
            body.stylize("bold underline", span.local_start, span.local_start + len(span.text))
        text.append_text(_flatten(body))
        text.append(" " + " ".join(paragraph[end:].split()), style="dim")
        return text

    def _candidates(self, item) -> Text:
        out = Text()
        if item.fix is None:
            out.append(f"Computing suggestions for this sentence… ({self.session.ready} of "
                       f"{len(self.session.items)} ready). r keeps it, e edits it.\n", style="italic")
            return out
        if not item.fix.suggestions:
            out.append(f"No suggestion ({item.fix.considered} candidates considered): r keeps the sentence, "
                       "e edits it.\n", style="italic")
        for index, suggestion in enumerate(item.fix.suggestions):
            marked = index == self.session.candidate_index()
            out.append("▶ " if marked else "  ", style="bold")
            out.append(f"{index + 1}. {suggestion.source} {suggestion.confidence:.2f}  ", style="bold" if marked else "")
            out.append_text(diff_text(item.target.text, suggestion.text, markers=False))
            out.append(f"\n     read alone: {suggestion.reason}\n", style="dim")
        return out

    # -- actions ----------------------------------------------------------------------
    def _editing(self) -> bool:
        return self.query_one("#editor", Input).has_class("shown")

    def action_accept(self) -> None:
        if self._editing():
            return
        if not self.session.accept():
            self.notify("No candidate to accept: r keeps the sentence, e edits it.")
        self.refresh_view()

    def action_cycle(self, step: int) -> None:
        self.session.cycle(step)
        self.refresh_view()

    def action_reject(self) -> None:
        self.session.reject()
        self.refresh_view()

    def action_skip_file(self) -> None:
        self.session.skip_file()
        self.refresh_view()

    def action_undo(self) -> None:
        if not self.session.undo():
            self.notify("Nothing to undo.")
        self.refresh_view()

    def action_toggle_help(self) -> None:
        self.query_one("#help", Static).toggle_class("shown")

    def action_edit(self) -> None:
        if self.session.current is None:
            return
        editor = self.query_one("#editor", Input)
        editor.value = self.session.candidate_text() or self.session.current.target.text
        editor.add_class("shown")
        editor.focus()

    def action_cancel_edit(self) -> None:
        editor = self.query_one("#editor", Input)
        editor.remove_class("shown")
        self.set_focus(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        why = self.session.unwritable(text) if text else ""
        if why:
            self.notify(f"{why}: change it or press escape")
            return
        self.action_cancel_edit()
        if text:
            self.session.edit(text)
        self.refresh_view()

    def on_key(self, event) -> None:
        """Digits accept that candidate, as in line mode (outside the editor)."""
        if event.character and event.character.isdigit() and not self._editing():
            item = self.session.current
            index = int(event.character) - 1
            if item and item.fix and 0 <= index < len(item.fix.suggestions):
                self.session.choice[self.session.position] = index
                self.session.accept()
                self.refresh_view()


def _flatten(text: Text) -> Text:
    """Line breaks inside a sentence shown as spaces, keeping the styles."""
    plain = text.plain
    out = text.copy()
    out.plain = "".join(" " if c in "\r\n\t" else c for c in plain)
    return out
