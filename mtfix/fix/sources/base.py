"""The shared shape of a candidate source: one job, one main method."""

from __future__ import annotations

from abc import ABC, abstractmethod

from mtfix.fix.candidate import Candidate, FixTarget


class CandidateSource(ABC):
    name: str = ""

    @abstractmethod
    def propose(self, targets: list[FixTarget]) -> list[list[Candidate]]:
        """Candidate rewrites for each target, in the same order (a list may be empty)."""

    @property
    def signature(self) -> str:
        return self.name
