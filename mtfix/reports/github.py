"""GitHub Actions workflow commands: an annotation per finding, and the gate's verdict."""

from __future__ import annotations

from mtfix.reports.base import CorpusReporter
from mtfix.safe import printable

LEVELS = {"error": "error", "warning": "warning", "note": "notice"}  # a finding's severity → its command


def escape_data(text: str) -> str:
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(CorpusReporter):
    name = "github"

    def render(self, report) -> str:
        out = []
        for f in report.findings:
            if not f.new:
                continue
            props = (f"file={escape_property(f.path)},line={f.line},col={f.col},"
                     f"endLine={f.end_line},endColumn={f.end_col},title={escape_property('mtfix ' + f.label)}")
            out.append(f"::{LEVELS[report.severity(f)]} {props}::{escape_data(f.message)}")
        total = report.total
        out.append(f"::notice title=mtfix::quality {total.quality:.1f}/100, garbled rate "
                   f"{total.garbled_rate:.2%} ({escape_data(report.signature)})")
        for failure in report.gate.failures:
            out.append(f"::error title=mtfix gate::{escape_data(failure)}")
        return "\n".join(out) + "\n"
