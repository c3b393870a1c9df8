"""Latency of `mtfix lsp` with the real model, as an editor sees it (pygls's client over stdio):
the model's load after connecting, a seed article's first diagnostics with an empty analysis
cache, the same article reopened (cache warm), and typing: a burst of keystrokes in the middle
of the article, 50 ms apart, then the time from the last keystroke to its diagnostics, to its
diagnostics with the near misses (after an edit the server reads those in a second check:
Detect.defer), and how many times the server published (debounced: once for the burst, or
twice with the near misses). Hover and code-action answer times too.

    python benchmarks/bench_lsp.py seeds/002_65571ab1ae43f4a4.txt [--no-near-miss]
    python benchmarks/bench_lsp.py seeds/002_65571ab1ae43f4a4.txt --checks 20

With --no-near-miss the article is copied into a folder whose mtfix.toml turns the near-miss
check off, so the two settings can be compared on one machine. With --checks N the server's
checks after an edit are timed in one process instead, the check off and on alternating.

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
    print(f"after typing, last key → diagnostics {at - last:6.2f} s  (0.4 s of it is the pause)")
    await asyncio.sleep(3.0)  # a second publication of the version: its near misses, read after the heads'
    ours = [(when, published) for when, published in client.published[before:] if published.version == version]
    at, params = ours[-1]
    print(f"  … with its near misses read       {at - last:6.2f} s  ({len(client.published) - before} "
          f"publication(s) for {version - 1} keystrokes, {len(ours)} of the last version)")

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


def bench_checks(path: Path, rounds: int) -> None:
    """The server's checks after an edit timed in one process, without the client and the
    pause: ROUNDS edits in the middle of the article (a new word each), each checked by a
    server with the near-miss check off and by one with it on (the same loaded LM),
    alternating; with it on, the quick check and the second check that reads the near misses."""
    import random
    import statistics

    from mtfix.api import command_checker
    from mtfix.config import load_config
    from mtfix.lsp.analysis import LspAnalysis

    os.environ["MTFIX_HOME"] = _home()
    text = path.read_text()
    servers = {}
    for near_miss in (False, True):
        checker = command_checker(load_config(None).settings({"near_miss": near_miss}), quiet=True)
        for other in servers.values():
            checker.share_reader(other.checker(str(path)))
        servers[near_miss] = LspAnalysis(checker_for=lambda config, made=checker: made)
    uri = path.resolve().as_uri()
    for server in servers.values():
        server.check(uri, text)
    middle = text.index("\n", len(text) // 2)
    rng = random.Random(7)
    times: dict[str, list[float]] = {"off": [], "on, quick": [], "on, near misses read": []}
    for number in range(rounds + 1):  # the first round loads what a first edit loads: not counted
        edited = text[:middle] + f" word{rng.randrange(10**9)}" + text[middle:]
        started = time.perf_counter()
        servers[False].check(uri, edited, quick=True)
        off = time.perf_counter() - started
        started = time.perf_counter()
        checked = servers[True].check(uri, edited, quick=True)
        quick = time.perf_counter() - started
        started = time.perf_counter()
        if checked.near_misses_pending:
            servers[True].check(uri, edited)
        second = time.perf_counter() - started
        if number:
            for name, value in zip(times, (off, quick, second)):
                times[name].append(value)
    for name, values in times.items():
        print(f"{name:<22} median {statistics.median(values):.3f} s  ({' '.join(f'{v:.2f}' for v in values)})")


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
    parser.add_argument("--checks", type=int, metavar="N",
                        help="time N checks after an edit in one process instead, near-miss check off and on")
    args = parser.parse_args()
    if args.checks:
        bench_checks(args.path, args.checks)
    else:
        asyncio.run(bench(without_near_miss(args.path) if args.no_near_miss else args.path))


if __name__ == "__main__":
    main()
