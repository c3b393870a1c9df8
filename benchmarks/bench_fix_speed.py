"""How long a user waits for `fix` and `review`, against `scan` of the same text in the same
run, as a user runs them (the CLI in a fresh process each time, process start and model
loading included).

    python benchmarks/bench_fix_speed.py seeds/
    python benchmarks/bench_fix_speed.py seeds/ --busy-core     # another process keeps one core busy

Each case starts from an empty cache (a fresh MTFIX_HOME whose models folder points at the
prepared models), then:
1. `scan PATH` (nothing cached);
2. `fix PATH --diff` after that scan (the analyses cached, no suggestions), then the same
   `fix` again (everything cached);
3. `fix PATH --diff` on an empty cache;
4. `printf 'q\\n' | review PATH --no-tui`, quitting at the first prompt, on an empty cache.
With --busy-core a second process spins on one core for the whole run, once with mtfix's
own thread count (the idle cores) and once with torch on every core (MTFIX_THREADS).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def fresh_home(models: Path) -> Path:
    home = Path(tempfile.mkdtemp(prefix="mtfix-bench-"))
    (home / "models").symlink_to(models)
    return home


def timed(args: list[str], home: Path, stdin: bytes | None = None, threads: str | None = None) -> float:
    env = {**os.environ, "MTFIX_HOME": str(home), "NO_COLOR": "1"}
    if threads:
        env["MTFIX_THREADS"] = threads
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mtfix.cli", *args, "-q"], input=stdin, capture_output=True, env=env)
    seconds = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({result.returncode}): {result.stderr.decode()[-500:]}")
    return seconds


def spin() -> None:
    while True:
        pass


def run_case(path: str, models: Path, threads: str | None) -> dict[str, float]:
    figures = {}
    home = fresh_home(models)
    figures["scan"] = timed(["scan", path], home, threads=threads)
    figures["fix after scan"] = timed(["fix", path, "--diff"], home, threads=threads)
    figures["fix again"] = timed(["fix", path, "--diff"], home, threads=threads)
    shutil.rmtree(home)
    home = fresh_home(models)
    figures["fix, empty cache"] = timed(["fix", path, "--diff"], home, threads=threads)
    shutil.rmtree(home)
    home = fresh_home(models)
    state = home / "review.json"
    figures["review, quit at once"] = timed(["review", path, "--no-tui", "--state", str(state)], home, stdin=b"q\n",
                                            threads=threads)
    shutil.rmtree(home)
    return figures


def report(title: str, figures: dict[str, float]) -> None:
    scan = figures["scan"]
    print(f"\n## {title}")
    for name, seconds in figures.items():
        print(f"{name:22s} {seconds:7.1f} s  {seconds / scan:5.2f}x scan")
    print(f"bars: fix after scan <= 3x scan: {figures['fix after scan'] / scan:.2f}x; "
          f"fix again <= 0.25x fix: {figures['fix again'] / figures['fix after scan']:.2f}x; "
          f"review <= 1.5x scan: {figures['review, quit at once'] / scan:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", help="a folder or file to scan and fix (e.g. seeds/)")
    parser.add_argument("--busy-core", action="store_true", help="also time it with one core kept busy")
    args = parser.parse_args()
    from mtfix import __version__
    from mtfix.home import models_dir

    models = models_dir()
    print(f"mtfix {__version__}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}")
    report("idle machine", run_case(args.path, models, None))
    if args.busy_core:
        spinner = multiprocessing.Process(target=spin, daemon=True)
        spinner.start()
        try:
            report("one core busy, mtfix's thread count", run_case(args.path, models, None))
            report(f"one core busy, torch on all {os.cpu_count()} cores", run_case(args.path, models,
                                                                               str(os.cpu_count())))
        finally:
            spinner.terminate()


if __name__ == "__main__":
    main()
