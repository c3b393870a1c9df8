"""A Markdown summary, e.g. for $GITHUB_STEP_SUMMARY or a pull-request comment."""

from __future__ import annotations

from mtfix.reports.corpus.base import CorpusFormat
from mtfix.score import CorpusReport

MAX_FINDINGS = 50


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


class MarkdownFormat(CorpusFormat):
    name = "markdown"

    def render(self, report: CorpusReport) -> str:
        total = report.total
        verdict = "" if not report.gate.checked else (" — gate passed ✅" if report.gate.passed else " — gate FAILED ❌")
        lines = [f"## mtfix: quality {total.quality:.1f}/100{verdict}", "",
                 "| files | sentences | garbled | garbled rate | boilerplate | duplicates |",
                 "|---:|---:|---:|---:|---:|---:|",
                 f"| {len(report.files)} | {total.sentences} | {total.garbled} | {total.garbled_rate:.2%} "
                 f"| {total.boilerplate} | {total.duplicate} |", ""]
        lines += [f"- {_cell(failure)}" for failure in report.gate.failures]
        lines += ["", "| quality | garbled | file |", "|---:|---:|---|"]
        lines += [f"| {f.quality:.1f} | {f.garbled} | `{f.path}` |" for f in report.worst_first]
        garbled = [f for f in report.findings if f.label == "garbled" and f.new]
        if garbled:
            lines += ["", "| place | p | sentence |", "|---|---:|---|"]
            lines += [f"| `{f.path}:{f.line}:{f.col}` | {f.score:.2f} | {_cell(f.text)} |" for f in garbled[:MAX_FINDINGS]]
            if len(garbled) > MAX_FINDINGS:
                lines.append(f"\n…and {len(garbled) - MAX_FINDINGS} more.")
        lines += ["", f"<sub>{report.signature}</sub>"]
        return "\n".join(lines) + "\n"
