"""The fix step: garbled sentences (FixTargets) → candidates from the fix sources → guards and
reranking → SentenceFixes, best suggestion first, attached to their Document.

Sources come from the `mtfix.sources` registry; each is built from a FixContext on first
use. Sources marked `slow` are tried for a sentence only when the fast ones found no
suggestion for it, unless they were asked for by name."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from functools import cached_property

from mtfix.document import Document
from mtfix.errors import ConfigError, ModelUnavailable
from mtfix.fix.candidate import Candidate, FixTarget, SentenceFix
from mtfix.fix.fluency import FluencyMeter
from mtfix.fix.meaning import MeaningMeter
from mtfix.fix.rerank import Reranker, RerankSettings
from mtfix.fix.sources.base import CandidateSource
from mtfix.pipeline.base import BatchStep
from mtfix.pipeline.detect import Detect
from mtfix.settings import Settings
from mtfix.signature import code_digest

# The code a suggestion depends on besides the detector's (which its own signature pins).
FIX_CODE = ("fix/*.py", "fix/sources/*.py", "features/*.py")
FIX_CHUNK = 16  # flagged sentences handled together: batches stay full, output keeps flowing


@dataclass
class FixStats:
    flagged: int = 0
    with_suggestion: int = 0
    candidates: int = 0
    seconds: float = 0.0
    wins: dict[str, int] = field(default_factory=dict)
    source_seconds: dict[str, float] = field(default_factory=dict)  # time in each source's propose
    source_candidates: dict[str, int] = field(default_factory=dict)


@dataclass
class FixContext:
    """What a source may use: the settings, the LM step (its scorer and detector) and the
    fluency meter every candidate is measured with."""

    settings: Settings
    detect: Detect
    quiet: bool = True

    @cached_property
    def meter(self) -> FluencyMeter:
        return FluencyMeter(self.detect.scorer, self.detect.detector)


def source_names(settings: Settings) -> list[str]:
    from mtfix.registry import SOURCES

    known = SOURCES.names()
    unknown = [s for s in settings.sources if s not in known]
    if unknown or not settings.sources:
        raise ConfigError(f"unknown source {', '.join(unknown) or '(none)'}: choose from {', '.join(known)}")
    return list(settings.sources)


class Fix(BatchStep):
    name = "fix"

    def __init__(self, detect: Detect, settings: Settings, quiet: bool = True) -> None:
        self.names = source_names(settings)
        self.context = FixContext(settings, detect, quiet)
        self.rerank_settings = RerankSettings(min_similarity=settings.min_similarity,
                                              max_suggestions=settings.max_suggestions,
                                              min_confidence=settings.min_confidence)
        self.stats = FixStats()
        self._sources: list[CandidateSource] | None = None
        self._reranker: Reranker | None = None

    @property
    def sources(self) -> list[CandidateSource]:
        """The sources, built on first use. A default source that cannot run here (no model
        for this LM, say) is left out with a note; one asked for by name is an error."""
        if self._sources is None:
            from mtfix.registry import SOURCES

            asked = "sources" in self.context.settings.explicit
            self._sources = []
            for name in self.names:
                try:
                    self._sources.append(SOURCES.get(name).create(self.context))
                except ModelUnavailable as exc:
                    if asked:
                        raise
                    if not self.context.quiet:
                        print(f"mtfix: note: fix source {name} left out: {exc}", file=sys.stderr)
        return self._sources

    @property
    def reranker(self) -> Reranker:
        if self._reranker is None:
            self._reranker = Reranker(self.context.meter, MeaningMeter(), self.rerank_settings)
        return self._reranker

    @property
    def signature(self) -> dict[str, str]:
        return {"sources": ",".join(self.names), "meaning": MeaningMeter.name,
                "rerank": self.rerank_settings.signature, "fix-code": code_digest(*FIX_CODE)}

    def process_batch(self, documents: list[Document]) -> None:
        started = time.perf_counter()
        targets = [FixTarget.of(d, s) for d in documents for s in d.sentences if s.label == "garbled"]
        fixes: list[SentenceFix] = []
        for begin in range(0, len(targets), FIX_CHUNK):
            fixes.extend(self.fix_targets(targets[begin:begin + FIX_CHUNK]))
        for document in documents:
            document.fixes = [f for f in fixes if f.target.document is document]
        self.stats.seconds += time.perf_counter() - started

    def fix_targets(self, targets: list[FixTarget]) -> list[SentenceFix]:
        if not targets:
            return []
        asked = "sources" in self.context.settings.explicit  # named on the command line: all run at once
        fast = [s for s in self.sources if asked or not s.slow]
        slow = [s for s in self.sources if s not in fast]
        fixes = self._round(targets, fast)
        waiting = [i for i, fix in enumerate(fixes) if not fix.suggestions]
        if slow and waiting:
            again = self._round([targets[i] for i in waiting], slow, [fixes[i] for i in waiting])
            for i, fix in zip(waiting, again):
                fixes[i] = fix
        self.context.meter.forget()  # candidate texts are rarely seen again; keep memory flat
        self._count(fixes)
        return fixes

    def _round(self, targets: list[FixTarget], sources: list[CandidateSource],
               earlier: list[SentenceFix] | None = None) -> list[SentenceFix]:
        proposals: list[list[Candidate]] = [[] for _ in targets]
        for source in sources:
            started = time.perf_counter()
            proposed = source.propose(targets)
            self.stats.source_seconds[source.name] = self.stats.source_seconds.get(source.name, 0.0) + \
                time.perf_counter() - started
            for bucket, candidates in zip(proposals, proposed):
                bucket.extend(candidates)
                self.stats.source_candidates[source.name] = self.stats.source_candidates.get(source.name, 0) + \
                    len(candidates)
        fixes = self.reranker.rank(targets, proposals)
        for fix, before in zip(fixes, earlier or []):
            fix.considered += before.considered
            for why, count in before.rejected.items():
                fix.rejected[why] = fix.rejected.get(why, 0) + count
        return fixes

    def _count(self, fixes: list[SentenceFix]) -> None:
        for fix in fixes:
            self.stats.flagged += 1
            self.stats.candidates += fix.considered
            if fix.best:
                self.stats.with_suggestion += 1
                self.stats.wins[fix.best.source] = self.stats.wins.get(fix.best.source, 0) + 1
