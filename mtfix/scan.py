"""The scan pipeline: paths → Documents → Sentences → boilerplate/duplicates → LM garbling.

Documents are scored in chunks of sentences across files, so batches stay full while
results still stream out file by file.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mtfix import __version__
from mtfix.cache import AnalysisCache
from mtfix.classifier import Detector
from mtfix.detect import GarbleDetector
from mtfix.document import Document, Sentence
from mtfix.errors import InputError
from mtfix.figures import Figures
from mtfix.filters.boilerplate import BoilerplateFilter
from mtfix.filters.duplicates import DuplicateFilter
from mtfix.filters.suppress import SuppressionFilter
from mtfix.lm.provision import DEFAULT_MODEL
from mtfix.readers import ReadOptions, Skipped, discover, read_path
from mtfix.splitter import SentenceSplitter

CHUNK_SENTENCES = 1024  # large enough for well-filled length-sorted batches


@dataclass
class ScanOptions:
    model: str = DEFAULT_MODEL
    device: str = "auto"
    batch_size: int = 32
    int8: bool = False
    threshold: float | None = None
    detector_path: str | None = None
    cache_path: str | None = None  # None: no persistent cache
    ignore: list = field(default_factory=list)  # regular expressions of sentences to suppress
    allow: set[str] = field(default_factory=set)  # words never highlighted
    read: ReadOptions = field(default_factory=ReadOptions)


@dataclass
class ScanStats(Figures):
    """Figures of a whole scan, plus what a run summary needs."""

    path: str = "(scan)"
    files: int = 0
    skipped: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.sentences / self.seconds if self.seconds else 0.0


class Scanner:
    def __init__(self, options: ScanOptions, quiet: bool = False) -> None:
        from mtfix.lm.scorer import LMScorer

        self.options = options
        detector = Detector.load(options.detector_path)
        scorer = LMScorer(options.model, options.device, options.batch_size, quiet=quiet, int8=options.int8)
        self.garble = GarbleDetector(scorer, detector, options.threshold)
        if options.cache_path:
            self.garble.cache = AnalysisCache(Path(options.cache_path), self.garble.settings_key)
        self.garble.allow = {word.casefold() for word in options.allow}
        self.steps = (SentenceSplitter(), SuppressionFilter(options.ignore), BoilerplateFilter(),
                      DuplicateFilter())
        self.stats = ScanStats()

    @property
    def signature(self) -> str:
        return f"mtfix:{__version__}|{self.garble.signature}"

    def scan(self, paths: Sequence[str],
             progress: Callable[[int], None] | None = None) -> Iterator[Document | Skipped]:
        """Yield each Document once scored, and a Skipped for each input that was not read."""
        started = time.perf_counter()
        pending: list[Document] = []
        for item in self._documents(paths):
            if isinstance(item, Skipped):
                self.stats.skipped += 1
                yield item
                continue
            pending.append(item)
            if sum(len(d.sentences) for d in pending) >= CHUNK_SENTENCES:
                yield from self._flush(pending, progress)
                pending = []
        yield from self._flush(pending, progress)
        self.stats.seconds = time.perf_counter() - started

    def _documents(self, paths: Sequence[str]) -> Iterator[Document | Skipped]:
        seen_files: set[str] = set()
        for path in discover(paths, self.options.read):
            if isinstance(path, Skipped):
                yield path
                continue
            try:
                documents = read_path(path, self.options.read)
            except InputError as exc:
                yield Skipped(path, str(exc))
                continue
            if path not in seen_files:
                seen_files.add(path)
                self.stats.files += 1
            for document in documents:
                for step in self.steps:
                    step.run(document)
                yield document

    def _flush(self, documents: list[Document],
               progress: Callable[[int], None] | None) -> Iterator[Document]:
        items: list[tuple[Document, Sentence]] = [
            (d, s) for d in documents for s in d.sentences if s.label == "ok" and not s.suppressed
        ]
        if items:
            self.garble.run(items, progress)
        for document in documents:
            self.stats.add_document(document)
            yield document
