"""How much reading the source costs: the same sentences scanned as units with their source
(the checks and the adequacy step) and without (the English reader alone), the cache off.

    python benchmarks/bench_source_speed.py --sentences 300

MLQE-PE dev ru-en, one document of units, as two line-aligned files read. Two rounds,
alternating, after a warm-up; the second round's times are reported.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DATA = REPO.parent / "shared" / "data"


def main() -> None:
    import mtfix
    from mtfix.readers.units import unit_document

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=300)
    args = parser.parse_args()
    rows = [json.loads(line) for line in open(DATA / "mlqepe_xen_dev.jsonl", encoding="utf-8")]
    rows = [r for r in rows if r["lp"] == "ru-en"][:args.sentences]
    checker = mtfix.load(source_lang="ru")

    def scan(with_source: bool) -> float:
        document = unit_document("dev.en", [r["mt"] for r in rows])
        if with_source:
            document.sources, document.source_lang = [r["source"] for r in rows], "ru"
        started = time.perf_counter()
        checker.check_documents([document])
        return time.perf_counter() - started

    scan(True)  # loads the LM, the detector and the encoder
    times = {}
    for _ in range(2):
        times = {"English only": scan(False), "with the source": scan(True)}
    base = times["English only"]
    for name, seconds in times.items():
        print(f"{name:16s} {seconds:6.1f} s  {seconds / base:.2f}x  ({len(rows) / seconds:.1f} sentences/s)")
    print(checker.signature())


if __name__ == "__main__":
    main()
