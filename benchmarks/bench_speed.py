"""Speed of the scan pipeline against the bare model forward pass, in the same run.

    python benchmarks/bench_speed.py --data ../shared/data/mlqepe_xen_dev.jsonl --sentences 1000

Writes the sentences as text files (20 paragraphs each) into a temp folder, then times:
1. bare forward: the LM's forward pass alone over the same sentences, same batch size,
   same length-sorted batches (tokenisation done beforehand, not timed);
2. pipeline: the library scan of those files, everything included (reading, segmenting,
   filters, the LM read with document context and hidden states, log-probs/ranks/
   entropies, hand-made features, both heads of the detector, spans), no cache;
3. the `mtfix scan` command end to end (process start and model load included).
Peak memory is the process's maximum resident set size. Run with --no-context to time the
pipeline with every sentence read alone, and with --backend onnx|onnx-int8 to time another
forward pass (the bare pass is then that backend's too).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import mtfix  # noqa: E402
from training.data import mlqe  # noqa: E402


def write_corpus(texts: list[str], folder: Path, per_file: int = 20) -> None:
    for begin in range(0, len(texts), per_file):
        body = "\n\n".join(texts[begin:begin + per_file]) + "\n"
        (folder / f"doc{begin // per_file:05d}.txt").write_text(body, encoding="utf-8")


def bare_forward(scorer, texts: list[str], batch_size: int) -> float:
    encoded = [ids for ids, _ in scorer.encode(texts)]
    encoded.sort(key=len)
    batches = [encoded[i:i + batch_size] for i in range(0, len(encoded), batch_size)]
    started = time.perf_counter()
    for batch in batches:
        scorer.forward([ids or [scorer.pad_id] for ids in batch])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--no-context", action="store_true")
    parser.add_argument("--backend", default="torch", choices=("torch", "onnx", "onnx-int8"))
    parser.add_argument("--skip-cli", action="store_true")
    args = parser.parse_args()

    examples = mlqe("dev")
    step = max(1, len(examples) // args.sentences)
    texts = [" ".join(e.text.split()) for e in examples[::step][: args.sentences]]
    checker = mtfix.load(device=args.device, batch_size=args.batch_size, context=not args.no_context,
                         backend=args.backend)
    scorer = checker.detect.scorer
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_corpus(texts, folder)
        bare_forward(scorer, texts[: args.batch_size], args.batch_size)  # warm-up
        forward_seconds = bare_forward(scorer, texts, args.batch_size)
        scorer.forward_seconds = 0.0
        checker.score_sentences(texts[:64])  # features and harper warmed up, as in a long scan
        scorer.forward_seconds = 0.0
        started = time.perf_counter()
        documents = [d for d in checker.check_paths([str(folder)]) if hasattr(d, "sentences")]
        pipeline_seconds = time.perf_counter() - started
        scanned = sum(len(d.sentences) for d in documents)
        cli_seconds = None
        if not args.skip_cli:
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "mtfix.cli", "scan", "-q", "--no-cache", "--format", "jsonl",
                            "--device", args.device, "--batch-size", str(args.batch_size), "--backend", args.backend,
                            *(["--no-context"] if args.no_context else []),
                            "-o", "/dev/null", str(folder)], check=False)
            cli_seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "machine": f"{platform.machine()}, {torch.get_num_threads()} torch threads, device {scorer.device}",
        "context": not args.no_context,
        "sentences": len(texts),
        "scanned_sentences": scanned,
        "bare_forward_sentences_per_s": round(len(texts) / forward_seconds, 2),
        "pipeline_sentences_per_s": round(scanned / pipeline_seconds, 2),
        "pipeline_seconds": round(pipeline_seconds, 2),
        "of_which_forward_seconds": round(scorer.forward_seconds, 2),
        "bare_forward_seconds": round(forward_seconds, 2),
        "pipeline_vs_forward": round((scanned / pipeline_seconds) / (len(texts) / forward_seconds), 3),
        "cli_end_to_end_sentences_per_s": round(scanned / cli_seconds, 2) if cli_seconds else None,
        "peak_rss_mb": round(peak_mb),
        "signature": str(checker.signature()),
    }
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
