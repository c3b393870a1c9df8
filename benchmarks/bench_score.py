"""`mtfix score` at corpus scale: cold and warm cache, a changed corpus, int8 closeness.

    python benchmarks/bench_score.py --data ../shared/data/mlqepe_xen_dev.jsonl --sentences 5000

Writes the sentences as text files (20 paragraphs each), then in one process:
1. bare forward: the LM forward pass alone over the same sentences (length-sorted batches);
2. cold cache: a scan with an empty SQLite cache;
3. warm cache: the same scan again with a new scanner (the model still loads);
4. changed corpus: 5 % of the files get one new sentence, and the scan is repeated;
5. int8: fp32 against int8 dynamic quantisation on the first --int8-sentences sentences:
   agreement of the garbled probabilities and labels, and the speed ratio.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).parent))
from bench_speed import bare_forward, write_corpus  # noqa: E402

from mtfix.eval.metrics import pearson  # noqa: E402
from mtfix.eval.mlqe import load_mlqe  # noqa: E402
from mtfix.scan import Scanner, ScanOptions  # noqa: E402


def timed_scan(options: ScanOptions, folder: Path) -> tuple[float, list, Scanner]:
    scanner = Scanner(options, quiet=True)
    started = time.perf_counter()
    documents = list(scanner.scan([str(folder)]))
    return time.perf_counter() - started, documents, scanner


def probabilities(documents) -> np.ndarray:
    return np.array([s.score for d in documents for s in d.sentences if s.features])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="../shared/data/mlqepe_xen_dev.jsonl")
    parser.add_argument("--sentences", type=int, default=5000)
    parser.add_argument("--int8-sentences", type=int, default=500)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--device", default="auto")
    args = parser.parse_args()

    rows = load_mlqe(args.data, args.sentences // 5 + 1)[: args.sentences]
    texts = [" ".join(r["mt"].split()) for r in rows]
    figures: dict = {"sentences": len(texts), "torch_threads": torch.get_num_threads()}
    with tempfile.TemporaryDirectory() as tmp:
        folder, cache = Path(tmp) / "corpus", Path(tmp) / "cache.sqlite"
        folder.mkdir()
        write_corpus(texts, folder)
        options = ScanOptions(device=args.device, batch_size=args.batch_size, cache_path=str(cache))

        cold, documents, scanner = timed_scan(options, folder)
        scanned = sum(len(d.sentences) for d in documents)
        forward = bare_forward(scanner, texts, args.batch_size)
        warm, _, warm_scanner = timed_scan(options, folder)
        figures.update({
            "device": scanner.garble.scorer.device,
            "scanned_sentences": scanned,
            "bare_forward_s": round(forward, 1),
            "bare_forward_sentences_per_s": round(len(texts) / forward, 1),
            "cold_cache_s": round(cold, 1),
            "cold_sentences_per_s": round(scanned / cold, 1),
            "cold_vs_forward": round((scanned / cold) / (len(texts) / forward), 3),
            "warm_cache_s": round(warm, 2),
            "warm_sentences_per_s": round(scanned / warm, 1),
            "warm_cache_hits": warm_scanner.garble.cache.hits,
            "warm_cache_misses": warm_scanner.garble.cache.misses,
        })

        changed_files = sorted(folder.glob("*.txt"))[:: 20]
        for path in changed_files:
            path.write_text(path.read_text(encoding="utf-8") + f"\nA new sentence was added to {path.stem}.\n",
                            encoding="utf-8")
        changed, _, changed_scanner = timed_scan(options, folder)
        figures.update({"changed_files": len(changed_files), "changed_corpus_s": round(changed, 2),
                        "changed_cache_misses": changed_scanner.garble.cache.misses})

        small = Path(tmp) / "small"
        small.mkdir()
        write_corpus(texts[: args.int8_sentences], small)
        plain = ScanOptions(device="cpu", batch_size=args.batch_size)
        fp32_s, fp32_docs, _ = timed_scan(plain, small)
        int8_s, int8_docs, _ = timed_scan(ScanOptions(device="cpu", batch_size=args.batch_size, int8=True), small)
        p32, p8 = probabilities(fp32_docs), probabilities(int8_docs)
        figures.update({
            "int8_sentences": len(p32),
            "int8_pearson_with_fp32": round(pearson(p32, p8), 4),
            "int8_mean_abs_diff": round(float(np.abs(p32 - p8).mean()), 4),
            "int8_label_agreement": round(float(((p32 >= 0.5) == (p8 >= 0.5)).mean()), 4),
            "int8_speedup": round(fp32_s / int8_s, 2),
        })
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    figures["signature"] = scanner.signature
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
