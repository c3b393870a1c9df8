"""`mtfix score --engine ray`: the corpus read as JSONL or Parquet shards (local paths or any
URI pyarrow.fs reads), scored by Ray Data workers, per-document figures (and, with
--sentences, per-sentence rows) written as Parquet under --output, and the same corpus
figures, gate and report formats as the single-process `score`."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from mtfix.errors import ConfigError, InputError

MAX_LISTED_ERRORS = 50
SMALL_INPUT_BYTES = 256 * 2**20  # local input this small is cut into blocks for every worker


@dataclass
class RayOptions:
    output: str  # folder (or URI) for the Parquet results
    address: str | None = None  # an existing cluster; None starts a local one
    concurrency: int = 1
    batch_size: int = 256  # documents per call of a worker
    num_gpus: float = 0.0
    sentences: bool = False
    id_field: str = "id"
    quiet: bool = False  # Ray Data's own progress lines off, as mtfix's are with --quiet


RAY_READERS = ("parquet", "jsonl")  # the registry's record readers that Ray Data has a reader for


def shard_suffixes() -> tuple[str, ...]:
    """The suffixes of the record readers Ray reads, as the reader registry declares them."""
    from mtfix.registry import READERS

    return tuple(suffix for name in RAY_READERS for suffix in READERS.get(name).suffixes)


def shards(paths: list[str]) -> list[str]:
    """PATHS with each local folder replaced by the shards in it (recursively, hidden folders
    left out); a URI (s3://…) is passed to Ray as it is, and its reader finds the files."""
    out = []
    for path in paths:
        if "://" in path or not Path(path).is_dir():
            out.append(path)
            continue
        found = sorted(str(f) for f in Path(path).rglob("*") if f.is_file() and f.suffix.lower() in shard_suffixes()
                       and not any(part.startswith(".") for part in f.relative_to(path).parts))
        if not found:
            raise InputError(f"{path}: no .parquet or .jsonl shards in this folder "
                             "(--engine ray reads those; the local engine reads .txt, .md and .html)")
        out.extend(found)
    return out


def _read(ray, paths: list[str], concurrency: int = 1):
    missing = [p for p in paths if "://" not in p and not Path(p).exists()]
    if missing:
        raise InputError(f"{missing[0]}: no such file or directory")
    paths = shards(paths)
    from mtfix.readers import reader_for

    jsonl = [p for p in paths if reader_for(p).name == "jsonl"]
    parquet = [p for p in paths if reader_for(p).name == "parquet" or "://" in p and p not in jsonl]
    other = [p for p in paths if p not in parquet and p not in jsonl]
    if other:
        raise ConfigError(f"--engine ray reads .parquet and .jsonl shards (or folders of them), not {other[0]} "
                          "(the local engine reads .txt, .md and .html)")
    datasets = []
    if parquet:
        datasets.append(ray.data.read_parquet(parquet, include_paths=True))
    if jsonl:
        datasets.append(ray.data.read_json(jsonl, lines=True, include_paths=True))
    dataset = datasets[0]
    for more in datasets[1:]:
        dataset = dataset.union(more)
    if concurrency > 1 and _small_local_input(paths):
        # Ray sizes blocks by bytes, so a small corpus arrives as a block or two that only one
        # worker can take; a few blocks per worker keep them all busy. (A big corpus has blocks
        # enough, and repartitioning it would hold the whole of it at once.)
        dataset = dataset.repartition(4 * concurrency)
    return dataset


def _small_local_input(paths: list[str], limit: int = SMALL_INPUT_BYTES) -> bool:
    local = [Path(p) for p in paths if "://" not in p]
    if len(local) < len(paths):
        return False
    files = [f for p in local for f in ([p] if p.is_file() else p.rglob("*.parquet"))]
    return sum(f.stat().st_size for f in files) <= limit


def _quiet_ray_data(ray) -> None:
    ray.data.DataContext.get_current().enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)


def default_concurrency(address: str | None) -> int:
    """Workers when none are asked for: on a local Ray one per core (two one-thread workers
    beat one two-thread worker: the pipeline's Python parts run in parallel too), at most
    four, since each holds its own model (about 2 GB); on a cluster, 1 — the user sizes it."""
    return 1 if address else max(1, min(os.cpu_count() or 1, 4))


def _local_threads(concurrency: int) -> int:
    """Torch threads per worker on a local cluster: the machine's cores shared by the workers.
    (Asking Ray for that many CPU slots instead would leave none for reading the shards.)"""
    return max(1, (os.cpu_count() or 1) // max(1, concurrency))


PATH_COLUMN = "path"  # the column Ray's readers add with include_paths=True


def _display_paths(paths: list[str]) -> dict[str, str]:
    """Each local shard's absolute path → the path as the user named it (the local engine's
    report shows that one, and findings' fingerprints, hence baselines, depend on it)."""
    return {os.path.abspath(p): p for p in shards(paths) if "://" not in p}


def _gather(scored) -> tuple[list, list, list[tuple[str, str]], int]:
    """Per-file figures, every finding, and the bad records (the first MAX_LISTED_ERRORS named)
    from the scored rows: the same report as the local engine builds from its documents."""
    from mtfix.figures import Figures
    from mtfix.score import Finding

    files: dict[str, Figures] = {}
    findings: list[Finding] = []
    skipped: list[tuple[str, str]] = []
    error_count = 0
    for row in scored.select_columns(["id", PATH_COLUMN, "error", "findings", *Figures.summed()]).iter_rows():
        if row["error"]:
            error_count += 1
            if len(skipped) < MAX_LISTED_ERRORS:
                skipped.append((row["id"], row["error"]))
            continue
        figures = Figures.from_sums(row[PATH_COLUMN], row)
        files.setdefault(figures.path, Figures(figures.path)).merge(figures)
        findings.extend(Finding(**finding) for finding in json.loads(row["findings"]))
    if error_count > len(skipped):
        skipped.append((f"… and {error_count - len(skipped)} more", "see the error column"))
    return list(files.values()), findings, skipped, error_count


def run(paths: list[str], settings, options: RayOptions, signature: str):
    """Score PATHS on Ray; returns the CorpusReport (figures from the per-document rows)."""
    from mtfix import extras

    ray = extras.load("--engine ray", "ray")
    from mtfix.figures import Figures
    from mtfix.integrations.ray import score_dataset
    from mtfix.score import CorpusReport

    started = time.perf_counter()
    if not ray.is_initialized():
        # A local cluster gets one CPU slot beyond the scoring actors: Ray Data's file listing
        # and reading tasks need a slot too, and without one they wait for the actors forever.
        ray.init(address=options.address, include_dashboard=False, log_to_driver=False,
                 **({} if options.address else {"num_cpus": max(1, options.concurrency) + 1}))
    if options.quiet:
        _quiet_ray_data(ray)
    dataset = _read(ray, paths, max(1, options.concurrency))
    scored = score_dataset(dataset, text_column=settings.field, id_column=options.id_field,
                           sentences=options.sentences, concurrency=options.concurrency,
                           batch_size=options.batch_size, num_gpus=options.num_gpus, settings=settings,
                           threads=None if options.address else _local_threads(options.concurrency),
                           path_column=PATH_COLUMN, display_paths=_display_paths(paths)).materialize()
    documents = scored.drop_columns(["findings"] + (["sentence_rows"] if options.sentences else []))
    documents.write_parquet(f"{options.output.rstrip('/')}/documents")
    if options.sentences:
        from mtfix.integrations.ray import sentence_dataset

        sentence_dataset(scored).write_parquet(f"{options.output.rstrip('/')}/sentences")
    files, findings, skipped, error_count = _gather(scored)
    report = CorpusReport(signature, files, Figures.total(files), findings, skipped, time.perf_counter() - started)
    print(f"mtfix: {scored.count()} documents scored on Ray ({error_count} bad records); results in "
          f"{options.output}", file=sys.stderr)
    return report, error_count
