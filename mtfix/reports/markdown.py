"""A Markdown summary, e.g. for $GITHUB_STEP_SUMMARY or a pull-request comment. Text from the
corpus is HTML-escaped: Markdown renderers pass raw HTML through."""

from __future__ import annotations

import html
import re

from mtfix import labels
from mtfix.reports.base import CorpusReporter
from mtfix.safe import one_line

MAX_FINDINGS = 50


_MARKUP = re.compile(r"([\\`*_\[\]()!~|])")  # what Markdown reads as links, images, emphasis, tables


def _cell(text: str) -> str:
    """Corpus text in a table cell, shown as text: HTML escaped, Markdown's link, image and
    emphasis characters backslash-escaped, and @mentions and #references broken with a
    zero-width joiner (as GitHub's own summaries neutralise them), so nothing renders,
    pings or links."""
    flat = _MARKUP.sub(r"\\\1", one_line(text))
    flat = re.sub(r"([@#])(?=\w)", "\\1\u2060", flat)
    return html.escape(flat, quote=False)


def _code(text: str) -> str:
    """Inline code that no backtick inside TEXT can close (markup inside code is not rendered)."""
    flat = one_line(text).replace("|", "\\|")
    runs = [len(run) for run in re.findall(r"`+", flat)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


class MarkdownReporter(CorpusReporter):
    name = "markdown"

    def render(self, report) -> str:
        total = report.total
        verdict = "" if not report.gate.checked else (" — gate passed ✅" if report.gate.passed else " — gate FAILED ❌")
        gating = [row for row in total.shown() if row.gates]
        others = [row for row in total.shown() if not row.gates]
        columns = {"files": len(report.files), "sentences": total.sentences,
                   **{row.heading: total.count(row.name) for row in gating},
                   "garbled rate": f"{total.garbled_rate:.2%}", **{row.heading: total.count(row.name) for row in others}}
        lines = [f"## mtfix: quality {total.quality:.1f}/100{verdict}", "",
                 "| " + " | ".join(columns) + " |", "|" + "---:|" * len(columns),
                 "| " + " | ".join(str(value) for value in columns.values()) + " |", ""]
        lines += [f"- {_cell(failure)}" for failure in report.gate.failures]
        lines += ["", "| quality | garbled | file |", "|---:|---:|---|"]
        lines += [f"| {f.quality:.1f} | {f.garbled} | {_code(f.path)} |" for f in report.worst_first]
        garbled = [f for f in report.findings if f.label in labels.gating() and f.new]
        if garbled:
            lines += ["", "| place | p | sentence |", "|---|---:|---|"]
            lines += [f"| {_code(f'{f.path}:{f.line}:{f.col}')} | {f.score:.2f} | {_cell(f.text)} |"
                      for f in garbled[:MAX_FINDINGS]]
            if len(garbled) > MAX_FINDINGS:
                lines.append(f"\n…and {len(garbled) - MAX_FINDINGS} more.")
        lines += ["", f"<sub>{html.escape(report.signature)}</sub>"]
        return "\n".join(lines) + "\n"
