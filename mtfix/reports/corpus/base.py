"""The shared shape of a corpus report format: one class, one `render` method."""

from __future__ import annotations

from mtfix.score import CorpusReport


class CorpusFormat:
    name = ""

    def render(self, report: CorpusReport) -> str:
        raise NotImplementedError
