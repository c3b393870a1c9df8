"""Score documents on a Ray cluster with Ray Data (`pip install 'mtfix[ray]'`).

    import ray, mtfix.integrations.ray as mray
    ds = ray.data.read_parquet("s3://bucket/corpus/")            # columns: id, text
    scored = mray.score_dataset(ds, concurrency=4, batch_size=256, num_cpus=4)
    scored.write_parquet("s3://bucket/scored/")                   # per-document figures

Each worker is a stateful callable (`DocumentScorer`) that loads the model once and scores
batches of documents with the same Checker as `mtfix score`. A bad record (a missing or
non-string text, binary garbage) comes back with an `error` and no figures; a worker that
crashes is restarted by Ray and its batch retried."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from typing import Any

import numpy as np

from mtfix.integrations.records import document_columns, score_records
from mtfix.reports.records import SCHEMA_VERSION
from mtfix.score import findings_of
from mtfix.settings import Settings

SENTENCE_COLUMNS = ("id", "start", "end", "text", "label", "score", "quality", "reason", "spans")


class DocumentScorer:
    """The Ray Data callable: built once per worker, called with each batch (dict of arrays)."""

    def __init__(self, settings: dict, text_column: str = "text", id_column: str = "id",
                 sentences: bool = False, cache_path: str | None = None, threads: int | None = None,
                 path_column: str | None = None, display_paths: dict[str, str] | None = None) -> None:
        from mtfix.api import Checker

        if threads:
            # Ray starts an actor with OMP_NUM_THREADS set to its CPU slots (1 by default), so
            # torch would run on one core however many the machine gives this worker; the
            # worker's share of the cores is given, not sampled (mtfix.lm.threads).
            import os

            os.environ["MTFIX_THREADS"] = str(threads)

        self.checker = Checker(_settings(settings), cache_path=cache_path)
        self.text_column, self.id_column, self.sentences = text_column, id_column, sentences
        self.path_column, self.display_paths = path_column, display_paths or {}

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list]:
        count = len(next(iter(batch.values()))) if batch else 0
        texts = list(batch[self.text_column]) if self.text_column in batch else [None] * count
        ids = list(batch[self.id_column]) if self.id_column in batch else [None] * count
        source_field = self.checker.settings.source_field  # the record's source, when the settings name one
        sources = list(batch[source_field]) if source_field and source_field in batch else [None] * count
        rows = [{self.text_column: _text(t), **({source_field: _text(s)} if source_field else {})}
                for t, s in zip(texts, sources)]
        records = score_records(self.checker, [_text(i) for i in ids], rows, self.text_column, self.sentences)
        out: dict[str, list] = {"schema_version": [SCHEMA_VERSION] * len(records), "id": [r.id for r in records]}
        for column in document_columns():
            out[column] = [r.figures[column] for r in records]
        if self.sentences:
            out["sentence_rows"] = [json.dumps(r.sentence_rows, ensure_ascii=False) for r in records]
        if self.path_column:
            # each record's file, as the user named it, and its findings there: what the gate and
            # the reports of `score` add up, as they do for the local engine
            paths = [self._display(_text(p)) for p in batch.get(self.path_column, [None] * count)]
            out["path"] = paths
            out["findings"] = [json.dumps([asdict(f) for f in findings_of(r.document, path)] if r.document else [],
                                          ensure_ascii=False) for r, path in zip(records, paths)]
        return out

    def _display(self, path) -> str:
        path = str(path or "")
        return self.display_paths.get(path, self.display_paths.get(os.path.abspath(path), path))


def _text(value: Any):
    """Arrow and numpy hand over str, bytes, None or numpy scalars; keep what they mean."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def _settings(values: dict | Settings) -> Settings:
    if isinstance(values, Settings):
        return values
    return Settings.resolve(values)


def score_dataset(dataset, *, text_column: str = "text", id_column: str = "id", sentences: bool = False,
                  concurrency: int | tuple[int, int] = 1, batch_size: int = 256, num_gpus: float = 0,
                  num_cpus: float | None = None, settings: dict | Settings | None = None,
                  cache_path: str | None = None, threads: int | None = None, path_column: str | None = None,
                  display_paths: dict[str, str] | None = None):
    """A Dataset of per-document figures (id, sentences, scored, garbled, …, quality, error)
    for DATASET's documents; with SENTENCES, a JSON column `sentence_rows` (see
    `sentence_dataset` to flatten it). CONCURRENCY workers each load the model once and run
    torch on THREADS threads (default: NUM_CPUS, else Ray's one). With PATH_COLUMN (the file
    each record came from, as Ray's `include_paths=True` gives it), a `path` column (shown as
    DISPLAY_PATHS maps it) and a JSON column `findings` (the flagged sentences, as `score`
    reports them)."""
    threads = threads or (int(num_cpus) if num_cpus and num_cpus >= 1 else None)
    settings = settings if settings is not None else {}
    plain = asdict(settings) if isinstance(settings, Settings) else dict(settings)
    plain = {k: v for k, v in plain.items() if k not in ("overrides", "config_path", "explicit", "ignore")}
    return dataset.map_batches(
        DocumentScorer, batch_size=batch_size, batch_format="numpy", concurrency=concurrency, num_gpus=num_gpus,
        num_cpus=num_cpus, fn_constructor_kwargs={"settings": plain, "text_column": text_column,
                                                  "id_column": id_column, "sentences": sentences,
                                                  "cache_path": cache_path, "threads": threads,
                                                  "path_column": path_column, "display_paths": display_paths},
        max_restarts=2, max_task_retries=2)


def sentence_dataset(scored):
    """One row per sentence (id, start, end, text, label, score, quality, reason, spans) from a
    dataset scored with sentences=True."""
    def explode(row: dict) -> list[dict]:
        return [{**r, "spans": json.dumps(r["spans"])} for r in json.loads(row["sentence_rows"])]

    return scored.flat_map(explode)


def corpus_figures(rows: list[dict]) -> dict:
    """Corpus totals from per-document rows: the same sums as `mtfix score`'s Figures.merge."""
    from mtfix.figures import Figures

    total = Figures("(all)")
    for row in rows:
        if row.get("error"):
            continue
        total.merge(Figures.from_sums("", row))
    return total.as_dict()
