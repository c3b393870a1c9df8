"""The library's front door: `mtfix.load(...)` gives a Checker that turns text into findings.

    import mtfix
    checker = mtfix.load()                     # the default LM and its detector, loaded lazily
    document = checker.check_text("One of the following America Proposed summit … Take place in June.")
    for sentence in document.sentences:
        print(sentence.label, round(sentence.score, 2), [span.text for span in sentence.spans])

Every command of the CLI is this Checker's pipeline (`steps`) with reporters at its end.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from functools import cached_property
from pathlib import Path

from mtfix.document import Document, Sentence
from mtfix.pipeline import Item, Step, run
from mtfix.pipeline.chain import build
from mtfix.readers.options import Skipped
from mtfix.readers.units import unit_document
from mtfix.settings import Settings, results_key, signed_changes
from mtfix.signature import Signature


class Checker:
    """Scans text, files and sentences with one model and detector. Nothing heavy is loaded
    until a sentence needs the LM (a warm cache needs none)."""

    def __init__(self, settings: Settings, scorer=None, quiet: bool = True,
                 cache_path: str | None = None) -> None:
        if scorer is None:  # a given scorer is the one that runs, whatever the settings say
            from mtfix import extras

            extras.require_settings(settings)
        self.settings = settings
        self.quiet = quiet
        self.cache_path = cache_path
        self._scorer = scorer

    # -- the parts ---------------------------------------------------------------------
    @cached_property
    def detector(self):
        from mtfix.detector.model import detector_for

        detector, note = detector_for(self.settings.model, self.settings.detector)
        if note and not self.quiet:
            print(f"mtfix: note: {note}", file=sys.stderr)
        return detector

    def _make_scorer(self):
        from mtfix.lm.scorer import LMScorer

        s = self.settings
        return LMScorer(s.model, s.device, s.batch_size, quiet=self.quiet, layers=self.detector.layers,
                        backend=s.backend)

    @cached_property
    def source_checks(self):
        """The checks of a translation against its source (a step of every chain this Checker
        builds, so the signature can say whether any source was read)."""
        from mtfix.filters.source_checks import SourceChecks

        return SourceChecks(self.settings.checks)

    @cached_property
    def adequacy(self):
        """The source's adequacy (a step of every chain this Checker builds; the signature
        names its model once a source was compared)."""
        from mtfix.pipeline.adequacy import Adequacy

        return Adequacy()

    @cached_property
    def detect(self):
        """The LM step, shared by every run of this Checker (and its cache)."""
        from mtfix.cache import AnalysisCache
        from mtfix.pipeline.detect import Detect

        s = self.settings
        model = s.model if s.backend == "torch" else f"{s.model}+{s.backend}"
        step = Detect(self._scorer or self._make_scorer, self.detector, model, s.threshold, context=s.context,
                      threshold_for=lambda path: s.for_path(path).threshold, allow=s.allow, device=s.device,
                      near_miss=s.near_miss, results=results_key(s, "analysis"))
        if self.cache_path:
            step.cache = AnalysisCache(self.cache_path, step.settings_key)
        return step

    @cached_property
    def fix(self):
        from mtfix.fix.fixer import Fix

        return Fix(self.detect, self.settings, quiet=self.quiet, cache_path=self.cache_path)

    @property
    def reader(self) -> tuple:
        """What decides the LM this Checker loads: two Checkers with the same reader can share it."""
        s = self.settings
        return s.model, s.device, s.backend, s.batch_size, s.detector

    def share_reader(self, other: "Checker") -> bool:
        """Read with OTHER's LM when OTHER has loaded it and would load the same one as this
        Checker, which has loaded none (a language server whose config changes only what is
        reported keeps its model). Whether it was shared."""
        loaded = other.detect.loaded_scorer if "detect" in other.__dict__ else None
        if loaded is None or other.reader != self.reader or self._scorer is not None or "detect" in self.__dict__:
            return False
        self._scorer = loaded
        return True

    def steps(self, fix: bool = False, start: str = "read", only: Sequence[str] = ()) -> list[Step]:
        """The pipeline's steps (mtfix.pipeline.build) from START: read → segment → suppress →
        boilerplate → duplicates → checks → detect → adequacy (→ fix); with ONLY, just the steps it names."""
        return build(self, start=start, until="fix" if fix else "adequacy", only=only)

    def signature(self, fix: bool = False) -> Signature:
        parts = {**self.detect.signature, **self.source_checks.signature, **self.adequacy.signature}
        results = ("analysis", "label")
        if fix:
            parts.update(self.fix.signature)
            results += ("suggestions",)
        return Signature.of(**parts, **signed_changes(self.settings, results))

    # -- checking ----------------------------------------------------------------------
    def check_paths(self, paths: Sequence[str], fix: bool = False) -> Iterator[Item]:
        """Files and folders, as `mtfix scan` reads them: Documents, and a Skipped for each
        input that cannot be read."""
        return run(self.steps(fix), paths)

    def check_documents(self, documents: Iterable[Document], fix: bool = False) -> list[Document]:
        """Documents made by the caller, segmented, filtered and scored."""
        return [d for d in run(self.steps(fix, start="segment"), documents) if isinstance(d, Document)]

    def check_text(self, text: str, path: str = "<text>") -> Document:
        """Segment, filter and score TEXT as one document."""
        return self.check_documents([Document(path, text, "utf-8")])[0]

    def suggest(self, text: str, path: str = "<text>") -> Document:
        """TEXT checked, with fixes for its garbled sentences in `document.fixes`."""
        return self.check_documents([Document(path, text, "utf-8")], fix=True)[0]

    def score_sentences(self, sentences: Sequence[str], groups: Sequence[str | None] | None = None) -> list[Sentence]:
        """Score each string as one sentence, without segmenting or filtering it. Consecutive
        sentences with the same group (a document id) are read with the ones before them as
        context; without groups each is read alone."""
        groups = list(groups) if groups is not None else [None] * len(sentences)
        documents: list[Document] = []
        begin = 0
        while begin < len(sentences):
            end = begin + 1
            while groups[begin] is not None and end < len(sentences) and groups[end] == groups[begin]:
                end += 1
            documents.append(unit_document("<sentences>", sentences[begin:end], groups[begin]))
            begin = end
        checked = run(self.steps(only=("segment", "detect")), documents)
        return [s for d in checked if isinstance(d, Document) for s in d.sentences]


def default_cache_path() -> Path:
    from mtfix.home import mtfix_home

    return mtfix_home() / "score-cache.sqlite"


def command_checker(settings: Settings, quiet: bool) -> Checker:
    """The Checker a command runs: the cache at its default place unless --no-cache."""
    return Checker(settings, quiet=quiet, cache_path=str(default_cache_path()) if settings.cache else None)


def load(model: str | None = None, detector: str | None = None, scorer=None, *, settings: Settings | None = None,
         cache_path: str | None = None, quiet: bool = True, **options) -> Checker:
    """A Checker for MODEL (a built-in name, a folder or a hub id) with DETECTOR (default: the
    one trained for MODEL, else the LM-independent fallback). SCORER replaces the LM (tests
    pass a tiny deterministic one). OPTIONS are any other Settings fields (threshold,
    context, device, …). Nothing is loaded until the first check."""
    settings = settings or Settings()
    given = {k: v for k, v in {"model": model, "detector": detector, **options}.items() if v is not None}
    if given:
        settings = replace(settings, **given)
    return Checker(settings, scorer=scorer, quiet=quiet, cache_path=cache_path)


__all__ = ["Checker", "Skipped", "command_checker", "load"]
