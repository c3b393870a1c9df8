"""`path:line:col: message` lines, as linters print them (editors and grep understand them)."""

from __future__ import annotations

from mtfix.reports.base import CorpusReporter
from mtfix.safe import one_line, safe_path


class LinesReporter(CorpusReporter):
    name = "lines"

    def render(self, report) -> str:
        return "".join(f"{safe_path(f.path)}:{f.line}:{f.col}: {one_line(f.message)}\n"
                       for f in report.findings if f.new)
