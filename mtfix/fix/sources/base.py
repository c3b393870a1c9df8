"""The shared shape of a candidate source: one job, one main method.

A source is registered by name in `mtfix.registry.SOURCES` (or a plug-in's entry point in
the `mtfix.sources` group) and built with `create(context)` from a FixContext (settings, the
LM step, the fluency meter)."""

from __future__ import annotations

from abc import ABC, abstractmethod

from mtfix.fix.candidate import Candidate, FixTarget


class CandidateSource(ABC):
    name: str = ""
    slow: bool = False  # tried only for sentences the fast sources found nothing for
    remote: bool = False  # a server's: when it fails, the run reports it, caches and writes nothing of it

    @classmethod
    def create(cls, context) -> "CandidateSource":
        return cls()

    @classmethod
    def requires(cls, settings) -> tuple[str, ...]:
        """The optional modules (`mtfix.extras.OPTIONAL`) this source needs with SETTINGS:
        checked before a run starts, so a missing extra is reported before the scan."""
        return ()

    @classmethod
    def check(cls, settings) -> None:
        """Raise ConfigError when SETTINGS lack what this source needs (checked before a run)."""

    @abstractmethod
    def propose(self, targets: list[FixTarget]) -> list[list[Candidate]]:
        """Candidate rewrites for each target, in the same order (a list may be empty)."""

    @property
    def signature(self) -> str:
        return self.name
