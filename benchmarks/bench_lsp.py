"""Latency of `mtfix lsp` with the real model, as an editor sees it (pygls's client over stdio):
the model's load after connecting, a seed article's first diagnostics with an empty analysis
cache, the same article reopened (cache warm), and typing: a burst of keystrokes in the middle
of the article, 50 ms apart, then the time from the last keystroke to its diagnostics and how
many checks the server ran (debounced: one). Hover and code-action answer times too.

    python benchmarks/bench_lsp.py seeds/002_65571ab1ae43f4a4.txt [--no-near-miss]

With --no-near-miss the article is copied into a folder whose mtfix.toml turns the near-miss
check off, so the two settings can be compared on one machine.

Needs the lsp and fix extras. Uses a fresh MTFIX_HOME (the prepared model linked in), so the
analysis and suggestion caches start empty."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


class Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("bench", "1")
        self.published: list[tuple[float, lsp.PublishDiagnosticsParams]] = []
        self.ready_at: float | None = None
        self.event = asyncio.Event()

        @self.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
            self.published.append((time.perf_counter(), params))
            self.event.set()

        @self.feature(lsp.WINDOW_LOG_MESSAGE)
        def log(params: lsp.LogMessageParams) -> None:
            if "model ready" in params.message:
                self.ready_at = time.perf_counter()

    async def next_diagnostics(self, version: int) -> tuple[float, lsp.PublishDiagnosticsParams]:
        while True:
            for at, params in self.published:
                if params.version == version:
                    return at, params
            self.event.clear()
            await asyncio.wait_for(self.event.wait(), 600)


def _home() -> str:
    from mtfix.home import models_dir

    home = tempfile.mkdtemp(prefix="mtfix-bench-lsp-")
    os.symlink(models_dir(), Path(home) / "models")
    return home


async def bench(path: Path) -> None:
    text = path.read_text()
    client = Client()
    env = {**os.environ, "MTFIX_HOME": _home()}
    started = time.perf_counter()
    await client.start_io(sys.executable, "-m", "mtfix", "lsp", env=env)
    await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities(),
                                                       root_uri=REPO.as_uri()))
    client.initialized(lsp.InitializedParams())
    uri = path.resolve().as_uri()
    opened = time.perf_counter()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id="plaintext", version=1, text=text)))
    at, params = await client.next_diagnostics(1)
    print(f"model ready after connecting        {client.ready_at - started:6.2f} s")
    print(f"first diagnostics, empty cache      {at - opened:6.2f} s  ({len(params.diagnostics)} findings, "
          f"{len(text.split())} words)")

    # typing in the middle of the article: one word, a keystroke every 50 ms
    middle = text.index("\n", len(text) // 2)
    before = len(client.published)
    version = 1
    for letter in " quickly":
        version += 1
        text = text[:middle] + letter + text[middle:]
        middle += 1
        client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))
        last = time.perf_counter()
        await asyncio.sleep(0.05)
    at, params = await client.next_diagnostics(version)
    print(f"after typing, last key → diagnostics {at - last:6.2f} s  ({len(client.published) - before} "
          f"publication(s) for {version - 1} keystrokes; 0.4 s of it is the pause)")

    line = next(d.range.start for d in params.diagnostics if d.code == "garbled")
    asked = time.perf_counter()
    await client.text_document_hover_async(lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri),
                                                           position=line))
    print(f"hover                               {time.perf_counter() - asked:6.2f} s")
    for label in ("code actions, computed", "code actions, cached"):
        asked = time.perf_counter()
        actions = await client.text_document_code_action_async(lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), range=lsp.Range(start=line, end=line),
            context=lsp.CodeActionContext(diagnostics=[])))
        print(f"{label:<36}{time.perf_counter() - asked:6.2f} s  ({len(actions)} actions)")

    client.text_document_did_close(lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
    version += 1
    reopened = time.perf_counter()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id="plaintext", version=version, text=text)))
    at, _ = await client.next_diagnostics(version)
    print(f"reopened, cache warm                {at - reopened:6.2f} s")
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


def without_near_miss(path: Path) -> Path:
    """A copy of PATH in a folder whose mtfix.toml turns the near-miss check off."""
    folder = Path(tempfile.mkdtemp(prefix="mtfix-bench-lsp-off-"))
    (folder / "mtfix.toml").write_text("near-miss = false\n", encoding="utf-8")
    copy = folder / path.name
    copy.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--no-near-miss", action="store_true", help="with the near-miss check off")
    args = parser.parse_args()
    asyncio.run(bench(without_near_miss(args.path) if args.no_near_miss else args.path))


if __name__ == "__main__":
    main()
