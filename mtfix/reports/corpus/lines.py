"""`path:line:col: message` lines, as linters print them (editors and grep understand them)."""

from __future__ import annotations

from mtfix.reports.corpus.base import CorpusFormat
from mtfix.score import CorpusReport


class LinesFormat(CorpusFormat):
    name = "lines"

    def render(self, report: CorpusReport) -> str:
        return "".join(f"{f.path}:{f.line}:{f.col}: {f.message}\n" for f in report.findings if f.new)
