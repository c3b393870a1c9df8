"""`mtfix score` at corpus scale. Each part prints JSON figures.

    python benchmarks/bench_score.py --part corpus --sentences 100000   # end to end, cold then warm cache
    python benchmarks/bench_score.py --part ray --sentences 20000       # local vs Ray with 1, 2 and 4 workers
    python benchmarks/bench_score.py --part backends --sentences 1000   # torch vs onnx vs onnx-int8
    python benchmarks/bench_score.py --part readers --sentences 300     # quantised readers: speed and drift

corpus: distinct sentences of MLQE-PE (MT and post-edits), MQM and synthetic damage written
as JSONL shards (one record per sentence, 1,000 per shard) and scored by the real CLI in a
fresh process with an empty cache: wall time, sentences/s and peak memory; then again with
the warm cache.
ray: the same shards (as Parquet) scored by the local engine and by `--engine ray` with
1, 2 and 4 workers on this machine: wall time and whether the corpus figures are identical.
backends: the scan pipeline's sentences/s with the torch forward pass against ONNX Runtime
(fp32, and int8 weights), and the detector's quality figures on the same MLQE-PE dev
sentences for each (average per-pair Pearson of the quality score, word MCC).
readers: the LM's forward pass and token statistics (no heads) on MLQE-PE dev sentences,
each read alone, in batches of 32, with torch fp32 and with quantised ONNX files of the
same graph (the layers the detector reads): ONNX Runtime's dynamic int8 (`--backend
onnx-int8`), static int8 calibrated on 64 MLQE-PE train sentences, and 8-bit weights
(MatMulNBits, blocks of 32) computed in fp32 or in int8. For each: sentences/s, the mean
|change| of a token's log-probability against torch, the same between a sentence read in
its batch and read alone (a reader whose numbers depend on the batch gives a sentence
different scores in different runs), and the relative change of the layer-18 states the
word head reads. The quantised files are kept in ~/.cache/mtfix-bench/readers.
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


def quantised_files(plain: Path, folder: Path, calibration: list[dict]) -> dict[str, Path]:
    """The quantised variants of the fp32 ONNX file PLAIN (made once, kept in FOLDER)."""
    import onnx
    from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType,
                                          quantize_static)

    graph = onnx.load(str(plain), load_external_data=False).graph
    output_layer = [n.name for n in graph.node if n.op_type == "MatMul" and "logits" in n.output]
    files = {"int8 static": folder / "static-minmax.onnx", "8-bit weights": folder / "nbits8.onnx",
             "8-bit weights, int8 compute": folder / "nbits8-int8.onnx"}
    folder.mkdir(parents=True, exist_ok=True)
    if not files["int8 static"].is_file():
        class Calibration(CalibrationDataReader):
            def __init__(self) -> None:
                self.items = iter(calibration)

            def get_next(self):
                return next(self.items, None)

        quantize_static(str(plain), str(files["int8 static"]), Calibration(), quant_format=QuantFormat.QOperator,
                        op_types_to_quantize=["MatMul"], per_channel=True, reduce_range=True,
                        weight_type=QuantType.QInt8, activation_type=QuantType.QUInt8,
                        calibrate_method=CalibrationMethod.MinMax, nodes_to_exclude=output_layer)
    for name, level in (("8-bit weights", None), ("8-bit weights, int8 compute", 4)):
        if files[name].is_file():
            continue
        try:
            from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer
        except ImportError as exc:  # the quantiser needs onnx-ir, which onnxruntime does not pull in
            print(f"skipping {name}: {exc}", file=sys.stderr)
            files.pop(name)
            continue
        quantizer = MatMulNBitsQuantizer(onnx.load(str(plain)), bits=8, block_size=32, is_symmetric=True,
                                         accuracy_level=level, nodes_to_exclude=output_layer)
        quantizer.process()
        quantizer.model.save_model_to_file(str(files[name]), use_external_data_format=False)
    return files


def part_readers(args) -> dict:
    from mtfix.lm.onnx import OnnxForward, export
    from mtfix.lm.provision import DEFAULT_MODEL, model_location
    from mtfix.lm.scorer import LMScorer
    from mtfix.detector.model import detector_for
    from training.data import mlqe

    layers = tuple(detector_for(DEFAULT_MODEL)[0].layers)
    word_layer = layers.index(18) if 18 in layers else len(layers) - 1
    texts = [e.text for e in mlqe("dev")[:: max(1, 5000 // args.sentences)][: args.sentences]]
    scorer = LMScorer(DEFAULT_MODEL, device="cpu", layers=layers, quiet=True)
    plain = export(scorer.model, Path(model_location(DEFAULT_MODEL, quiet=True)), layers, int8=False)
    calibration = []
    for example in mlqe("train", tune_share=0.1)[:64]:
        ids = np.array([[scorer.prefix_id, *scorer.encode([example.text])[0][0]]], np.int64)
        calibration.append({"input_ids": ids, "attention_mask": np.ones_like(ids)})
    files = {"onnx-int8 (dynamic)": export(scorer.model, plain.parent, layers, int8=True),
             **quantised_files(plain, Path.home() / ".cache" / "mtfix-bench" / "readers", calibration)}

    def read(batch_size: int):
        scorer.batch_size = batch_size
        started = time.perf_counter()
        scores = scorer.score(texts)
        return scores, time.perf_counter() - started

    def token_drift(a, b) -> float:
        return round(float(np.mean([np.abs(x.logprob - y.logprob).mean() for x, y in zip(a, b)])), 4)

    def state_drift(a, b) -> float:
        return round(float(np.mean([np.abs(x.hidden[word_layer] - y.hidden[word_layer]).mean()
                                    / np.abs(y.hidden[word_layer]).mean() for x, y in zip(a, b)])), 4)

    scorer.score(texts[:32])  # warm up
    reference, seconds = read(32)
    out = {"sentences": len(texts), "layers": list(layers),
           "torch": {"sentences_per_s": round(len(texts) / seconds, 2)}}
    for name, path in files.items():
        scorer._onnx = OnnxForward(path)
        scorer.score(texts[:32])
        batched, seconds = read(32)
        alone, _ = read(1)
        out[name] = {"sentences_per_s": round(len(texts) / seconds, 2),
                     "speedup": round(len(texts) / seconds / out["torch"]["sentences_per_s"], 2),
                     "token_logprob_drift_vs_torch": token_drift(batched, reference),
                     "token_logprob_drift_batched_vs_alone": token_drift(batched, alone),
                     "layer18_relative_drift_vs_torch": state_drift(batched, reference)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=("corpus", "ray", "backends", "readers"), required=True)
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--backend", default="torch")
    args = parser.parse_args()
    part = {"corpus": part_corpus, "ray": part_ray, "backends": part_backends, "readers": part_readers}[args.part]
    print(json.dumps(part(args), indent=1))


if __name__ == "__main__":
    main()
