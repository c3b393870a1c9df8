"""`mtfix score` at corpus scale. Each part prints JSON figures.

    python benchmarks/bench_score.py --part corpus --sentences 100000   # end to end, cold then warm cache
    python benchmarks/bench_score.py --part ray --sentences 20000       # local vs Ray with 1, 2 and 4 workers
    python benchmarks/bench_score.py --part backends --sentences 1000   # torch vs onnx vs onnx-int8

corpus: distinct sentences of MLQE-PE (MT and post-edits), MQM and synthetic damage written
as JSONL shards (one record per sentence, 1,000 per shard) and scored by the real CLI in a
fresh process with an empty cache: wall time, sentences/s and peak memory; then again with
the warm cache.
ray: the same shards (as Parquet) scored by the local engine and by `--engine ray` with
1, 2 and 4 workers on this machine: wall time and whether the corpus figures are identical.
backends: the scan pipeline's sentences/s with the torch forward pass against ONNX Runtime
(fp32, and int8 weights), and the detector's quality figures on the same MLQE-PE dev
sentences for each (average per-pair Pearson of the quality score, word MCC).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def corpus_sentences(count: int) -> list[str]:
    from training.data import mlqe, mqm
    from training.synthetic import synthetic_examples

    seen: dict[str, None] = {}
    for example in mlqe("train") + mlqe("dev"):
        seen.setdefault(" ".join(example.text.split()))
        seen.setdefault(" ".join(example.meta["post_edit"].split()))
    for example in mqm() + synthetic_examples():
        seen.setdefault(" ".join(example.text.split()))
    texts = [t for t in seen if t]
    if len(texts) < count:
        print(f"only {len(texts)} distinct sentences available", file=sys.stderr)
    return texts[:count]


def write_shards(texts: list[str], folder: Path, per_shard: int = 1000, parquet: bool = False) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, begin in enumerate(range(0, len(texts), per_shard)):
        rows = [{"id": f"s{begin + i}", "text": t} for i, t in enumerate(texts[begin:begin + per_shard])]
        if parquet:
            import pyarrow as pa
            import pyarrow.parquet as pq

            path = folder / f"part-{number:05d}.parquet"
            pq.write_table(pa.Table.from_pylist(rows), path)
        else:
            path = folder / f"part-{number:05d}.jsonl"
            path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        paths.append(str(path))
    return paths


def cli(*args: str, env: dict | None = None) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mtfix.cli", *args], capture_output=True,
                            env={**os.environ, **(env or {})})
    return time.perf_counter() - started, result


def _figures(report: dict) -> dict:
    """A report's corpus figures without its timing."""
    return {k: v for k, v in report["summary"].items() if k != "seconds"}


def part_corpus(args) -> dict:
    texts = corpus_sentences(args.sentences)
    with tempfile.TemporaryDirectory() as tmp:
        shards = write_shards(texts, Path(tmp) / "corpus")
        home = {"MTFIX_HOME": str(Path(tmp) / "home")}
        Path(home["MTFIX_HOME"]).mkdir()
        models = Path(os.environ.get("MTFIX_HOME", Path.home() / ".cache/mtfix")) / "models"
        os.symlink(models, Path(home["MTFIX_HOME"]) / "models")  # the prepared model, an empty cache
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        cold, result = cli("score", "-q", "-f", "json", "--backend", args.backend, str(Path(tmp) / "corpus"), env=home)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        report = json.loads(result.stdout)
        warm, again = cli("score", "-q", "-f", "json", "--backend", args.backend, str(Path(tmp) / "corpus"), env=home)
        same = _figures(json.loads(again.stdout)) == _figures(report) if again.returncode in (0, 1) else False
    sentences = report["summary"]["sentences"]
    return {"sentences": sentences, "shards": len(shards), "backend": args.backend,
            "cold_wall_s": round(cold, 1), "cold_sentences_per_s": round(sentences / cold, 1),
            "warm_wall_s": round(warm, 1), "warm_same_figures": same,
            "peak_rss_mb": round(max(peak, before) / 1024), "quality": report["summary"]["quality"],
            "signature": report["signature"]}


def part_ray(args) -> dict:
    texts = corpus_sentences(args.sentences)
    out = {"sentences": len(texts)}
    with tempfile.TemporaryDirectory() as tmp:
        shards = write_shards(texts, Path(tmp) / "corpus", parquet=True)
        local_s, local = cli("score", "-q", "-f", "json", "--no-cache", *shards)
        local_report = json.loads(local.stdout)
        out["local_wall_s"] = round(local_s, 1)
        for workers in args.workers:
            wall, result = cli("score", "-q", "-f", "json", "--no-cache", "--engine", "ray", "--concurrency", str(workers),
                               "-o", str(Path(tmp) / f"out{workers}"), *shards)
            if result.returncode not in (0, 1) or not result.stdout.strip():
                out[f"ray_{workers}_error"] = result.stderr.decode()[-500:]
                continue
            try:
                summary = json.loads(result.stdout)["summary"]
            except (ValueError, KeyError):
                out[f"ray_{workers}_error"] = f"stdout {result.stdout[:300]!r}; stderr {result.stderr.decode()[-300:]!r}"
                continue
            out[f"ray_{workers}_wall_s"] = round(wall, 1)
            out[f"ray_{workers}_vs_local"] = round(local_s / wall, 3)
            out[f"ray_{workers}_same_figures"] = all(summary[k] == local_report["summary"][k]
                                                     for k in ("sentences", "scored", "garbled", "quality"))
    return out


def part_backends(args) -> dict:
    import mtfix
    from training.data import mlqe
    from training.metrics import mcc_f1, pearson

    examples = mlqe("dev")[:: max(1, 5000 // args.sentences)][: args.sentences]
    out = {"sentences": len(examples)}
    for backend in ("torch", "onnx", "onnx-int8"):
        checker = mtfix.load(device="cpu", backend=backend, context=False)
        checker.score_sentences([e.text for e in examples[:32]])  # export/prepare and warm up
        started = time.perf_counter()
        sentences = checker.score_sentences([e.text for e in examples])
        seconds = time.perf_counter() - started
        z, q = np.array([e.quality for e in examples]), np.array([s.quality for s in sentences])
        pairs = sorted({e.group for e in examples})
        groups = np.array([e.group for e in examples])
        predicted, truth = [], []
        for e, s in zip(examples, sentences):
            for start, end in e.meta.get("tokens") or []:
                predicted.append(max([b for a, c, _, b in s.words if a < end and start < c], default=0.0))
                truth.append(any(a < end and start < b for a, b in e.bad_spans or []))
        mcc, _ = mcc_f1(np.array(predicted) >= checker.detector.word_threshold, np.array(truth))
        out[backend] = {"sentences_per_s": round(len(examples) / seconds, 2),
                        "pearson_quality_avg": round(float(np.mean([pearson(q[groups == g], z[groups == g])
                                                                    for g in pairs])), 4),
                        "word_mcc": round(mcc, 4), "scores": [round(s.score, 4) for s in sentences]}
    base = np.array(out["torch"]["scores"])
    for backend in ("onnx", "onnx-int8"):
        other = np.array(out[backend].pop("scores"))
        out[backend]["max_abs_diff_p_garbled"] = round(float(np.abs(other - base).max()), 5)
        out[backend]["label_agreement"] = round(float(((other >= 0.5) == (base >= 0.5)).mean()), 4)
        out[backend]["speedup"] = round(out[backend]["sentences_per_s"] / out["torch"]["sentences_per_s"], 2)
    out["torch"].pop("scores")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=("corpus", "ray", "backends"), required=True)
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--backend", default="torch")
    args = parser.parse_args()
    part = {"corpus": part_corpus, "ray": part_ray, "backends": part_backends}[args.part]
    print(json.dumps(part(args), indent=1))


if __name__ == "__main__":
    main()
