"""Does mtfix give the same answers on another device? `mtfix scan` (with and without the
near-miss check) and the LM edits that `fix` proposes, on one device against another.

    python benchmarks/bench_devices.py seeds/ --devices cuda cpu

For each device: the wall time of `mtfix scan PATH -f json --no-cache` in a fresh process
(the first device is scanned twice, the first time to warm the disk), then per pair of
reports the largest |change| of P(garbled) and of a word's P(BAD), and how many labels and
near-miss reasons differ; then the LM-edit candidates for every flagged sentence of the
.txt files under PATH, and for how many sentences they are the same on both devices.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def scan(path: str, device: str, *extra: str) -> tuple[dict, float]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mtfix", "scan", path, "-f", "json", "--no-cache", "--device",
                             device, *extra], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode not in (0, 1):  # 1: garbled sentences found
        raise SystemExit(f"mtfix scan on {device} failed ({result.returncode}): {result.stderr.strip()[-500:]}")
    return json.loads(result.stdout), seconds


def compare(a: dict, b: dict) -> dict:
    first, second = a["sentences"], b["sentences"]
    if [s["text"] for s in first] != [s["text"] for s in second]:
        raise SystemExit("the two scans segmented the text differently")
    pairs = list(zip(first, second))
    return {"sentences": len(first), "garbled": [a["summary"]["garbled"], b["summary"]["garbled"]],
            "max_abs_diff_p_garbled": round(max(abs(x["score"] - y["score"]) for x, y in pairs), 5),
            "max_abs_diff_word_bad": round(max((abs(u["bad"] - v["bad"]) for x, y in pairs
                                                for u, v in zip(x["words"], y["words"])), default=0.0), 5),
            "labels_differ": sum(x["label"] != y["label"] for x, y in pairs),
            "reasons_differ": sum(x["reason"] != y["reason"] for x, y in pairs)}


def lm_edits(path: str, device: str) -> tuple[list[list[str]], float]:
    import mtfix
    from mtfix.fix.candidate import FixTarget
    from mtfix.fix.sources.lm_edits import LMEditSource

    checker = mtfix.load(device=device)
    files = sorted(Path(path).rglob("*.txt")) if Path(path).is_dir() else [Path(path)]
    documents = [checker.check_text(file.read_text(), str(file)) for file in files]
    targets = [target for document in documents for target in FixTarget.flagged_in(document)]
    started = time.perf_counter()
    proposed = LMEditSource(checker.detect.scorer).propose(targets)
    return [[c.text for c in candidates] for candidates in proposed], time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path")
    parser.add_argument("--devices", nargs=2, default=["cuda", "cpu"])
    args = parser.parse_args()
    first, second = args.devices
    scan(args.path, first)  # the disk and the model files warmed
    out: dict = {"devices": [first, second]}
    for name, extra in (("scan", ()), ("scan --near-miss", ("--near-miss",))):
        (a, a_seconds), (b, b_seconds) = scan(args.path, first, *extra), scan(args.path, second, *extra)
        out[name] = {"seconds": [round(a_seconds, 1), round(b_seconds, 1)], **compare(a, b)}
    (a, a_seconds), (b, b_seconds) = lm_edits(args.path, first), lm_edits(args.path, second)
    out["lm edits"] = {"seconds": [round(a_seconds, 1), round(b_seconds, 1)], "sentences": len(a),
                       "candidates": [sum(map(len, a)), sum(map(len, b))], "same_candidates": sum(x == y for x, y in zip(a, b))}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
