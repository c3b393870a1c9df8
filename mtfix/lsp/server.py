"""The language server: diagnostics, hover and code actions for plain text, Markdown and HTML.

- Diagnostics: garbled sentences (a warning at P(garbled) ≥ 0.9, information below), with
  the suspect words as related locations; boilerplate and duplicates as hints.
- Hover: the sentence's P(garbled) and quality estimate, the hovered word's P(BAD) and the
  sentence's most suspect words.
- Code actions on a garbled sentence: its fix suggestions (computed on request, cached) and
  "ignore" (an inline `mtfix: ignore` marker).

Checks run on one worker thread, a short pause after the last keystroke; the model loads in
the background when the client connects, reported as work-done progress."""

from __future__ import annotations

import asyncio
import sys
import uuid

from mtfix import __version__, extras

extras.require("mtfix lsp", "pygls", "lsprotocol")

from lsprotocol import types as lsp  # noqa: E402
from pygls.lsp.server import LanguageServer  # noqa: E402

from mtfix import labels  # noqa: E402
from mtfix.document import Sentence  # noqa: E402
from mtfix.errors import MtfixError  # noqa: E402
from mtfix.lsp.analysis import Checked, LspAnalysis, uri_to_path  # noqa: E402

DEBOUNCE_S = 0.4  # a check starts this long after the last change, so typing never queues checks
LOUD = 0.9  # P(garbled) at or above which a garbled sentence is a warning, not information
SOURCE = "mtfix"
SEVERITIES = {"error": lsp.DiagnosticSeverity.Error, "warning": lsp.DiagnosticSeverity.Warning,
              "information": lsp.DiagnosticSeverity.Information, "hint": lsp.DiagnosticSeverity.Hint}  # the label table's names
TOP_WORDS = 5  # most suspect words listed on hover


class MtfixServer(LanguageServer):
    def __init__(self, analysis: LspAnalysis | None = None) -> None:
        super().__init__("mtfix", __version__)
        self.analysis = analysis or LspAnalysis()
        self.checked: dict[str, Checked] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.told: set[str] = set()  # error messages already shown


def build(analysis: LspAnalysis | None = None) -> MtfixServer:
    """The server with its features registered."""
    ls = MtfixServer(analysis)

    @ls.feature(lsp.INITIALIZED)
    def initialized(ls: MtfixServer, params: lsp.InitializedParams) -> None:
        _warm_up(ls)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: MtfixServer, params: lsp.DidOpenTextDocumentParams) -> None:
        _schedule(ls, params.text_document.uri, delay=0.0)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: MtfixServer, params: lsp.DidChangeTextDocumentParams) -> None:
        _schedule(ls, params.text_document.uri, delay=DEBOUNCE_S)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: MtfixServer, params: lsp.DidSaveTextDocumentParams) -> None:
        _schedule(ls, params.text_document.uri, delay=0.0)  # a config saved beside it may have changed

    @ls.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: MtfixServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.checked.pop(uri, None)
        handle = ls.pending.pop(uri, None)
        if handle:
            handle.cancel()
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @ls.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: MtfixServer, params: lsp.HoverParams) -> lsp.Hover | None:
        checked = _current(ls, params.text_document.uri)
        if checked is None:
            return None
        offset = checked.positions.offset(params.position.line, params.position.character)
        sentence = checked.sentence_at(offset)
        if sentence is None:
            return None
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown,
                                                    value=hover_text(sentence, offset, checked)),
                         range=_range(checked, sentence.start, sentence.end))

    @ls.feature(lsp.TEXT_DOCUMENT_CODE_ACTION,
                lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
    async def code_action(ls: MtfixServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        uri = params.text_document.uri
        checked = _current(ls, uri)
        if checked is None:
            return []
        first = checked.positions.offset(params.range.start.line, params.range.start.character)
        last = checked.positions.offset(params.range.end.line, params.range.end.character)
        actions: list[lsp.CodeAction] = []
        for sentence in checked.document.sentences:
            if sentence.label in labels.gating() and sentence.start <= last and first <= sentence.end:
                try:
                    fix = await asyncio.wrap_future(ls.analysis.worker.submit(ls.analysis.suggest, checked, sentence))
                    actions += suggestion_actions(uri, checked, fix)
                except MtfixError as exc:  # no fix extra, say: ignoring still works
                    _tell(ls, exc)
                actions.append(ignore_action(uri, checked, sentence))
        return actions

    return ls


# -- checking ------------------------------------------------------------------------------
def _schedule(ls: MtfixServer, uri: str, delay: float) -> None:
    """Check URI after DELAY seconds, replacing a check of it that has not started."""
    loop = asyncio.get_running_loop()
    handle = ls.pending.pop(uri, None)
    if handle:
        handle.cancel()
    ls.pending[uri] = loop.call_later(delay, lambda: loop.create_task(_check(ls, uri)))


async def _check(ls: MtfixServer, uri: str) -> None:
    ls.pending.pop(uri, None)
    document = ls.workspace.get_text_document(uri)
    version, text, language = document.version, document.source, document.language_id or ""
    encoding = str(ls.workspace.position_encoding or "utf-16")

    def job(quick: bool) -> Checked | None:
        latest = ls.workspace.get_text_document(uri)
        if latest.version != version:
            return None  # typed on since: the newer check is queued already
        return ls.analysis.check(uri, text, language, version, encoding, quick=quick)

    quick = True  # the heads' findings first; the near misses, when put off, in a second check
    while True:
        try:
            checked = await asyncio.wrap_future(ls.analysis.worker.submit(job, quick))
        except MtfixError as exc:
            _tell(ls, exc)
            return
        if checked is None or ls.workspace.get_text_document(uri).version != version:
            return
        ls.checked[uri] = checked
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
            uri=uri, version=version, diagnostics=diagnostics(uri, checked)))
        if not checked.near_misses_pending:
            return
        quick = False


def _tell(ls: MtfixServer, error: Exception) -> None:
    """An error the user can act on (a bad config, a missing extra), shown once per message."""
    message = f"mtfix: {error}"
    if message not in ls.told:
        ls.told.add(message)
        ls.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Error, message=message))


def _current(ls: MtfixServer, uri: str) -> Checked | None:
    """The last check of URI, if the text has not changed since (positions would be off)."""
    checked = ls.checked.get(uri)
    if checked is None or ls.workspace.get_text_document(uri).version != checked.version:
        return None
    return checked


def _warm_up(ls: MtfixServer) -> None:
    """Load the model on the worker thread now, with progress shown where the client can."""
    root = uri_to_path(ls.workspace.root_uri) if ls.workspace.root_uri else "."
    progress = bool(ls.client_capabilities.window and ls.client_capabilities.window.work_done_progress)
    token = f"mtfix-load-{uuid.uuid4().hex[:8]}"
    loop = asyncio.get_running_loop()

    state: dict[str, object] = {"begun": False, "outcome": None}  # touched on the event loop only

    def end() -> None:
        error, message = state["outcome"]
        ls.window_log_message(lsp.LogMessageParams(
            type=lsp.MessageType.Error if error else lsp.MessageType.Info, message=f"mtfix: {message}"))
        if progress:
            ls.work_done_progress.end(token, lsp.WorkDoneProgressEnd(message=message))

    def begun(*_args) -> None:  # the client accepted the token: the progress may start
        ls.work_done_progress.begin(token, lsp.WorkDoneProgressBegin(
            title="mtfix", message="loading the language model", cancellable=False))
        state["begun"] = True
        if state["outcome"] is not None:
            end()

    def finished(error: BaseException | None) -> None:
        state["outcome"] = (error, f"could not load the model: {error}" if error else "model ready")
        if state["begun"] or not progress:
            end()

    if progress:
        ls.work_done_progress.create(token, begun)
    warming = ls.analysis.worker.submit(ls.analysis.warm_up, str(root))
    warming.add_done_callback(lambda future: loop.call_soon_threadsafe(finished, future.exception()))


# -- what is shown ---------------------------------------------------------------------------
def _range(checked: Checked, start: int, end: int) -> lsp.Range:
    (line, character), (end_line, end_character) = checked.positions.position(start), checked.positions.position(end)
    return lsp.Range(start=lsp.Position(line=line, character=character),
                     end=lsp.Position(line=end_line, character=end_character))


def diagnostics(uri: str, checked: Checked) -> list[lsp.Diagnostic]:
    out = []
    for sentence in checked.document.sentences:
        if not sentence.flagged or sentence.suppressed:
            continue
        where = _range(checked, sentence.start, sentence.end)
        row = labels.info(sentence.label)
        if row.scored:
            words = ", ".join(f"'{s.text}'" for s in sentence.spans)
            severity = SEVERITIES[row.editor]
            out.append(lsp.Diagnostic(
                range=where, source=SOURCE, code=sentence.label,
                # a sentence near the threshold is shown one step quieter; a check's finding is certain
                severity=severity if sentence.score >= LOUD or row.by_reason
                else lsp.DiagnosticSeverity(min(severity + 1, 4)),
                message=(f"{row.title}: {sentence.reason}" if row.by_reason else
                         f"{row.title}? P(garbled) {sentence.score:.2f}" + (f" ({sentence.reason})" if sentence.reason else ""))
                        + (f"; suspect: {words}" if words else ""),
                related_information=[lsp.DiagnosticRelatedInformation(
                    location=lsp.Location(uri=uri, range=_range(checked, span.start, span.end)),
                    message=f"suspect word '{span.text}' (P(BAD) {span.score:.2f})"
                            + (f"; reads as a slip for '{span.alternative}'" if span.alternative else ""))
                    for span in sentence.spans]))
            # each suspect word under its own mark, so the editor underlines the words
            out += [lsp.Diagnostic(
                range=_range(checked, span.start, span.end), source=SOURCE, code="suspect-word",
                severity=lsp.DiagnosticSeverity.Hint,
                message=f"suspect word '{span.text}' (P(BAD) {span.score:.2f})"
                        + (f"; reads as a slip for '{span.alternative}'" if span.alternative else ""))
                for span in sentence.spans]
        else:
            out.append(lsp.Diagnostic(
                range=where, source=SOURCE, code=sentence.label, severity=SEVERITIES[row.editor],
                message=f"{sentence.label}" + (f" ({sentence.reason})" if sentence.reason else ""),
                tags=[lsp.DiagnosticTag.Unnecessary]))
    return out


def hover_text(sentence: Sentence, offset: int, checked: Checked) -> str:
    if sentence.suppressed:
        return f"**mtfix** · not checked ({sentence.reason})"
    if not labels.info(sentence.label).scored:
        return f"**mtfix** · {sentence.label}" + (f" ({sentence.reason})" if sentence.reason else "")
    lines = [f"**mtfix** · {sentence.label} · P(garbled) {sentence.score:.2f} (garbled at ≥ {checked.threshold:.2f})"
             f" · quality {sentence.quality:+.2f}" + (f" · {sentence.reason}" if sentence.reason else "")]
    local = offset - sentence.start
    here = next((w for w in sentence.words if w.start <= local <= w.end), None)
    if here is not None:
        lines.append(f"'{sentence.text[here.start:here.end]}': P(BAD) {here.bad:.2f}, surprisal {here.surprisal:.1f} nats")
    suspects = sorted(sentence.words, key=lambda w: -w.bad)[:TOP_WORDS]
    if suspects:
        lines.append("most suspect: " + ", ".join(f"'{sentence.text[w.start:w.end]}' {w.bad:.2f}" for w in suspects))
    return "\n\n".join(lines)


def suggestion_actions(uri: str, checked: Checked, fix) -> list[lsp.CodeAction]:
    from mtfix.fix.apply import rewrite_sentence

    sentence = fix.target.sentence
    actions = []
    for rank, suggestion in enumerate(fix.suggestions):
        new = rewrite_sentence(fix.target, suggestion.text)
        edit = lsp.TextEdit(range=_range(checked, sentence.start, sentence.end), new_text=new)
        actions.append(lsp.CodeAction(
            title=f"mtfix: {action_title(fix.target.text, suggestion.text)}  ({suggestion.confidence:.2f})",
            kind=lsp.CodeActionKind.QuickFix, is_preferred=rank == 0,
            edit=lsp.WorkspaceEdit(changes={uri: [edit]})))
    return actions


TITLE_CHARS = 60  # a code action's title fits a menu


def action_title(old: str, new: str) -> str:
    """What a rewrite changes, short: "'For' → 'for'", two changes joined, else the first
    change and how many more."""
    from mtfix.worddiff import word_diff

    changes = [piece for piece in word_diff(old, new) if piece.op != "equal"]

    def one(piece) -> str:
        before, after = piece.old.strip() or "…", piece.new.strip()
        return f"'{before}' → '{after}'" if after else f"delete '{before}'"

    if not changes:
        return "no change"
    shown = "; ".join(one(piece) for piece in changes[:2])
    more = f" (+{len(changes) - 2} more)" if len(changes) > 2 else ""
    title = shown + more
    return title if len(title) <= TITLE_CHARS else one(changes[0])[:TITLE_CHARS - 12] + f"… (+{len(changes) - 1} more)"


def ignore_action(uri: str, checked: Checked, sentence: Sentence) -> lsp.CodeAction:
    """Markdown: an HTML comment at the end of the sentence's first line (invisible when
    rendered); plain text: a marker line before that line."""
    line, _ = checked.positions.position(sentence.start)
    if checked.document.markdown:
        starts = checked.positions.starts
        end = (starts[line + 1] if line + 1 < len(starts) else len(checked.document.text))
        text = checked.document.text
        while end > starts[line] and text[end - 1] in "\r\n":
            end -= 1
        at, marker = checked.positions.position(end), " <!-- mtfix: ignore -->"
    else:
        at, marker = (line, 0), "mtfix: ignore\n"
    position = lsp.Position(line=at[0], character=at[1])
    return lsp.CodeAction(
        title="mtfix: ignore the sentences starting on this line", kind=lsp.CodeActionKind.QuickFix,
        edit=lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(range=lsp.Range(start=position, end=position),
                                                             new_text=marker)]}))


def serve(analysis: LspAnalysis | None = None) -> None:
    """Serve over stdio until the client disconnects. Anything printed goes to stderr: stdout
    carries the protocol."""
    out = sys.stdout.buffer
    sys.stdout = sys.stderr
    ls = build(analysis)
    try:
        ls.start_io(sys.stdin.buffer, out)
    finally:
        ls.analysis.close()
