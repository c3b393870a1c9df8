"""`mtfix lsp` driven by a real LSP client (pytest-lsp) over stdio, with the tests' tiny
scorer and detector (tests/lsp_fake_server.py): diagnostics, hover, code actions, the
config and inline ignores, debounced re-checks and the model-loading progress."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

SERVER = Path(__file__).resolve().parent / "lsp_fake_server.py"
TEXT = ("One of the following America Proposed summit Can Take place in June.\n\n"
        "The weather was fine today.\n\nShare this article\n\nThe weather was fine today.\n")


async def _session(lsp_client: LanguageClient, tmp_path: Path):
    lsp_client.root = tmp_path
    await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=client_capabilities("neovim"), root_uri=tmp_path.as_uri()))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, str(SERVER)]))
async def client(lsp_client: LanguageClient, tmp_path: Path):
    async for _ in _session(lsp_client, tmp_path):
        yield


def _open(client: LanguageClient, name: str, text: str, language: str = "plaintext") -> str:
    path = client.root / name
    path.write_text(text)
    uri = path.as_uri()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
    return uri


async def _diagnostics(client: LanguageClient, uri: str, timeout: float = 60.0) -> list[lsp.Diagnostic]:
    async def wait() -> list[lsp.Diagnostic]:
        while uri not in client.diagnostics:
            await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return list(client.diagnostics[uri])
    return await asyncio.wait_for(wait(), timeout)


def _change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.diagnostics.pop(uri, None)
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))


@pytest.mark.asyncio
async def test_diagnostics_say_what_scan_says(client: LanguageClient):
    uri = _open(client, "a.txt", TEXT)
    found = {d.code: d for d in await _diagnostics(client, uri)}
    assert set(found) == {"garbled", "suspect-word", "boilerplate", "duplicate"}
    garbled = found["garbled"]
    assert garbled.source == "mtfix"
    assert garbled.range == lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=68))
    assert garbled.severity == lsp.DiagnosticSeverity.Information  # P(garbled) 0.58 < 0.9
    assert "P(garbled) 0.58" in garbled.message and "'Take'" in garbled.message
    suspect = garbled.related_information[0].location.range
    assert (suspect.start.character, suspect.end.character) == (TEXT.index("Take"), TEXT.index("Take") + 4)
    assert found["suspect-word"].range == suspect  # the word itself is underlined, not only the sentence
    assert found["boilerplate"].severity == found["duplicate"].severity == lsp.DiagnosticSeverity.Hint
    assert found["duplicate"].range.start.line == 6
    # the model loaded in the background, with progress shown to the client
    kinds = [type(p).__name__ for reports in client.progress_reports.values() for p in reports]
    assert kinds == ["WorkDoneProgressBegin", "WorkDoneProgressEnd"]


@pytest.mark.asyncio
async def test_hover_shows_the_sentence_and_the_word(client: LanguageClient):
    uri = _open(client, "a.txt", TEXT)
    await _diagnostics(client, uri)
    hover = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=0, character=51)))
    text = hover.contents.value
    assert "garbled · P(garbled) 0.58" in text and "quality" in text
    assert "'Take': P(BAD)" in text
    outside = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=1, character=0)))
    assert outside is None  # a blank line holds no sentence


@pytest.mark.asyncio
async def test_ignore_action_is_honoured_and_edits_recheck(client: LanguageClient):
    uri = _open(client, "a.txt", TEXT)
    await _diagnostics(client, uri)
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri),
        range=lsp.Range(start=lsp.Position(line=0, character=5), end=lsp.Position(line=0, character=5)),
        context=lsp.CodeActionContext(diagnostics=[])))
    ignore = [a for a in actions if "ignore" in a.title]
    assert len(ignore) == 1
    edit = ignore[0].edit.changes[uri][0]
    assert edit.new_text == "mtfix: ignore\n" and edit.range.start == lsp.Position(line=0, character=0)
    for rewrite in (a for a in actions if a is not ignore[0]):  # harper's suggestions, if any
        assert rewrite.edit.changes[uri][0].range.start.line == 0
    # several quick edits: one check, of the last version
    _change(client, uri, 2, "x" + TEXT)
    _change(client, uri, 3, edit.new_text + TEXT)
    codes = [d.code for d in await _diagnostics(client, uri)]
    assert "garbled" not in codes and "boilerplate" in codes


@pytest.mark.asyncio
async def test_the_closest_config_is_honoured(client: LanguageClient):
    (client.root / "mtfix.toml").write_text('ignore = ["America Proposed"]\n')
    uri = _open(client, "a.txt", TEXT)
    assert "garbled" not in [d.code for d in await _diagnostics(client, uri)]


@pytest.mark.asyncio
async def test_markdown_code_is_not_prose_and_ignore_is_a_comment(client: LanguageClient):
    text = "# Notes\n\nOne of the following America Proposed summit Can Take place in June.\n\n`Can Take Place`\n"
    uri = _open(client, "notes.md", text, language="markdown")
    diagnostics = await _diagnostics(client, uri)
    assert [(d.code, d.range.start.line) for d in diagnostics if d.code != "suspect-word"] == [("garbled", 2)]
    assert all(d.range.start.line == 2 for d in diagnostics)
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri),
        range=lsp.Range(start=lsp.Position(line=2, character=0), end=lsp.Position(line=2, character=3)),
        context=lsp.CodeActionContext(diagnostics=diagnostics)))
    edit = next(a for a in actions if "ignore" in a.title).edit.changes[uri][0]
    assert edit.new_text == " <!-- mtfix: ignore -->"
    assert edit.range.start == lsp.Position(line=2, character=68)


@pytest.mark.asyncio
async def test_a_bad_config_is_told_once_not_crashed_on(client: LanguageClient):
    (client.root / "mtfix.toml").write_text("threshold = 7\n")
    uri = _open(client, "a.txt", TEXT)
    for _ in range(100):
        if client.messages:
            break
        await asyncio.sleep(0.1)
    assert len(client.messages) == 1 and client.messages[0].type == lsp.MessageType.Error
    assert "threshold" in client.messages[0].message
    (client.root / "mtfix.toml").write_text("threshold = 0.5\n")
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
    assert "garbled" in [d.code for d in await _diagnostics(client, uri)]


def test_a_changed_config_keeps_the_loaded_model_unless_it_asks_for_another(tmp_path, monkeypatch):
    """LspAnalysis on its own: an edited config that changes only the threshold makes a new
    Checker that reads with the LM already loaded; one that names another model loads it."""
    import os

    import mtfix.api
    from mtfix.api import Checker
    from mtfix.config import load_config
    from mtfix.lsp.analysis import LspAnalysis

    from fakes import FakeScorer, stray_detector

    made = []
    monkeypatch.setattr(mtfix.api.Checker, "_make_scorer", lambda self: made.append(self.settings.model) or FakeScorer())
    monkeypatch.setattr(mtfix.api.Checker, "detector", property(lambda self: stray_detector()))
    config = tmp_path / "mtfix.toml"
    analysis = LspAnalysis(checker_for=lambda found: Checker(load_config(found).settings({})))
    uri = (tmp_path / "a.txt").as_uri()
    try:
        for step, body in enumerate(["threshold = 0.5\n", "threshold = 0.7\n", 'model = "other-lm"\n']):
            config.write_text(body)
            os.utime(config, (step + 1, step + 1))  # a new modification time for each edit
            checked = analysis.check(uri, "The talks Can take place in June.")
            if step < 2:
                assert checked.threshold == [0.5, 0.7][step]  # the edit took effect
    finally:
        analysis.close()
    assert made == ["smollm2-135m", "other-lm"]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, str(SERVER), "--near-miss"]))
async def near_miss_client(lsp_client: LanguageClient, tmp_path: Path):
    async for _ in _session(lsp_client, tmp_path):
        yield


@pytest.mark.asyncio
async def test_an_edit_shows_the_heads_findings_then_its_near_miss(near_miss_client: LanguageClient):
    """After an edit the server publishes the version twice: the heads' findings, then with
    the near miss the second check read."""
    class Recorded(dict):  # the client keeps the last publication of each document: keep them all
        def __setitem__(self, uri, diagnostics):
            self.setdefault("history", []).append((uri, list(diagnostics)))
            super().__setitem__(uri, diagnostics)

    client = near_miss_client
    uri = _open(client, "a.txt", "")  # no sentence: one publication
    await _diagnostics(client, uri)
    client.diagnostics = Recorded()
    _change(client, uri, 2, "The weather was fine today.\n\nThe statement put relations on the verge of a breakthrough.\n")

    async def both() -> list[list[lsp.Diagnostic]]:
        while len(ours := [d for u, d in client.diagnostics.get("history", []) if u == uri]) < 2:
            await asyncio.sleep(0.05)
        return ours
    first, second = await asyncio.wait_for(both(), 60)
    assert not any("slip" in d.message for d in first)
    assert any("'breakthrough' here reads as a slip for 'breakdown'" in d.message for d in second)


def test_a_near_miss_is_told_in_the_diagnostic_and_the_hover():
    from mtfix.document import Document, Label, Mark, Sentence, Span
    from mtfix.lsp.analysis import Checked, Positions
    from mtfix.lsp.server import diagnostics, hover_text

    text = "They agreed on its structural."
    start = text.index("structural")
    reason = "'structural' here reads as a slip for 'structure'"
    sentence = Sentence(0, len(text), text, 0, score=0.3, marks=[Mark(Label.GARBLED, "near-miss", reason)],
                        spans=[Span(start, start + 10, "structural", 0.2, start, "structure")])
    document = Document("a.txt", text, "utf-8", sentences=[sentence])
    checked = Checked(1, document, Positions(text), 0.6)
    [diagnostic, word] = diagnostics("file:///a.txt", checked)
    assert reason in diagnostic.message
    assert "a slip for 'structure'" in diagnostic.related_information[0].message
    assert word.code == "suspect-word" and "a slip for 'structure'" in word.message
    assert reason in hover_text(sentence, start, checked)


def test_code_action_titles_say_what_changes_in_a_few_words():
    from mtfix.lsp.server import TITLE_CHARS, action_title

    long = "One of the following America Proposed summit between US President Joe Biden And their Russian colleagues."
    assert action_title("For the talks.", "for the talks.") == "'For' → 'for'"
    assert action_title("He went to to the market.", "He went to the market.") == "delete 'to'"
    many = action_title(long, long.replace("Proposed", "proposed").replace("And", "and").replace("One of the", "The"))
    assert len(many) <= TITLE_CHARS and "more" in many
