"""The endpoint fix source with the bundled SmolLM2 behind `transformers serve` (or any server
given with --endpoint): what is sent for the seeds, and repair quality on MLQE-PE against the
human post-edits, as bench_fix.py measures the built-in sources.

    python benchmarks/bench_endpoint.py --seeds seeds/                     # requests = flagged; a rerun sends none
    python benchmarks/bench_endpoint.py --part tune --per-pair 300 --prompt all   # the prompt, chosen here
    python benchmarks/bench_endpoint.py --part heldout --per-pair 300      # the figures in RESULTS

Needs `transformers[serving]` (fastapi, uvicorn) to start the server, and sacrebleu.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from argparse import Namespace
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

# Prompts tried on the tune part: (system message, characters of the text before the sentence).
PROMPTS = {
    "rules+context": (None, None),  # the shipped prompt (mtfix.fix.sources.endpoint)
    "rules": (None, 0),
    "short+context": ("Correct this machine-translated sentence so that it reads as fluent English. "
                      "Reply with the corrected sentence only.", None),
}


@contextmanager
def server(url: str | None):
    """URL, or a `transformers serve` of the bundled model on a free loopback port."""
    from mtfix.lm.provision import model_location

    location = str(model_location("smollm2-135m", quiet=True))
    if url:
        yield url, location
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    beside = Path(sys.executable).with_name("transformers")
    process = subprocess.Popen([str(beside) if beside.exists() else shutil.which("transformers") or "transformers", "serve", "--host", "127.0.0.1",
                                "--port", str(port), location], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/v1", location
    finally:
        process.terminate()
        process.wait(timeout=30)


def use_prompt(name: str) -> None:
    from mtfix.fix.sources import endpoint

    system, context = PROMPTS[name]
    if system is not None:
        endpoint.SYSTEM = system
    if context is not None:
        endpoint.CONTEXT_CHARS = context


def seeds(folder: str, url: str, model: str) -> None:
    """Requests for the seeds (an empty cache, then the same run again) against their flagged sentences."""
    import mtfix
    from mtfix.document import Document
    from mtfix.fix.sources.endpoint import EndpointSource

    from collections import Counter

    with tempfile.TemporaryDirectory() as home:
        cache = str(Path(home) / "cache.sqlite")  # empty at first, as a new user's
        for run in ("first run", "second run"):
            checker = mtfix.load(sources=("endpoint",), endpoint=url, endpoint_model=model, cache_path=cache)
            started = time.perf_counter()
            documents = [d for d in checker.check_paths([folder], fix=True) if isinstance(d, Document)]
            flagged = sum(1 for d in documents for s in d.sentences if s.label == "garbled")
            sources = checker.fix._sources or []
            requests = sum(s.requests for s in sources if isinstance(s, EndpointSource))
            suggested = sum(1 for d in documents for f in d.fixes if f.suggestions)
            refused = Counter()
            for fix in (f for d in documents for f in d.fixes):
                refused.update(fix.rejected)
            print(f"seeds, {run}: {flagged} flagged, {requests} requests, {suggested} with a suggestion, "
                  f"{time.perf_counter() - started:.1f} s; refused: {dict(refused.most_common())}")


def mlqe(args, url: str, model: str) -> None:
    import bench_fix

    names = list(PROMPTS) if args.prompt == "all" else [args.prompt]
    for name in names:
        use_prompt(name)
        print(f"\n== endpoint, prompt {name!r}, {args.part} part, {args.per_pair} per pair")
        bench_fix.run_mlqe(Namespace(
            device="cpu", sources="endpoint", all_sources=True, min_confidence=args.min_confidence,
            max_suggestions=3, part=args.part, per_pair=args.per_pair, record=None, examples=None,
            endpoint=url, endpoint_model=model, endpoint_concurrency=args.concurrency, endpoint_timeout=600.0))
    if args.compare:
        print(f"\n== {args.compare}, {args.part} part, {args.per_pair} per pair")
        bench_fix.run_mlqe(Namespace(
            device="cpu", sources=args.compare, all_sources=True, min_confidence=args.min_confidence,
            max_suggestions=3, part=args.part, per_pair=args.per_pair, record=None, examples=None,
            endpoint=None, endpoint_model=None, endpoint_concurrency=1, endpoint_timeout=60.0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint", help="a running server's base URL (default: start `transformers serve`)")
    parser.add_argument("--seeds", help="a folder of articles")
    parser.add_argument("--part", choices=["tune", "heldout"])
    parser.add_argument("--per-pair", type=int, default=300)
    parser.add_argument("--prompt", default="rules+context", choices=[*PROMPTS, "all"])
    parser.add_argument("--compare", default="", help="also measure these built-in sources (e.g. posteditor)")
    parser.add_argument("--min-confidence", type=float, default=None)
    parser.add_argument("--concurrency", type=int, default=1,
                        help="requests at once (transformers serve answers one at a time)")
    args = parser.parse_args()
    with server(args.endpoint) as (url, model):
        if args.seeds:
            seeds(args.seeds, url, model)
        if args.part:
            mlqe(args, url, model)


if __name__ == "__main__":
    main()
