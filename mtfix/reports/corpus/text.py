"""Plain text: figures, a per-file table worst first, the gate, the signature."""

from __future__ import annotations

from mtfix.reports.corpus.base import CorpusFormat
from mtfix.score import CorpusReport


class TextFormat(CorpusFormat):
    name = "text"

    def render(self, report: CorpusReport) -> str:
        total = report.total
        lines = [
            f"files {len(report.files)}, sentences {total.sentences} (scored {total.scored}), "
            f"skipped inputs {len(report.skipped)}",
            f"garbled rate {total.garbled_rate:.2%} ({total.garbled}), boilerplate rate "
            f"{total.boilerplate_rate:.2%} ({total.boilerplate}), duplicates {total.duplicate}, "
            f"suppressed {total.suppressed}",
            f"mean garbled probability {total.mean_probability:.3f}, quality {total.quality:.1f}/100",
            "",
            f"{'quality':>7}  {'garbled':>7}  {'rate':>6}  {'boiler':>6}  sentences  path",
        ]
        for f in report.worst_first:
            lines.append(f"{f.quality:7.1f}  {f.garbled:7d}  {f.garbled_rate:6.1%}  {f.boilerplate:6d}  "
                         f"{f.sentences:9d}  {f.path}")
        if report.baseline_used:
            lines.append(f"\nbaseline: {report.new_garbled} new garbled finding(s)")
        if report.gate.checked:
            lines.append("")
            lines.append("gate: passed" if report.gate.passed else "gate: FAILED")
            lines.extend(f"  - {failure}" for failure in report.gate.failures)
        lines.append(f"\n{report.signature}")
        return "\n".join(lines) + "\n"
