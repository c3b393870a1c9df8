"""One self-contained HTML report (no external assets, works offline) for `scan`, `fix` and `score`:
per-file summaries, every sentence coloured by its score, a click on a sentence showing
its word surprisal and its suggestions as side-by-side diffs, filters, and a histogram.

The page is a template (html_assets/report.html, with its CSS and JS inline) plus the
report's data as JSON; the browser renders from the data, so nothing here builds HTML by
string concatenation of user text."""

from __future__ import annotations

import html
import json
from importlib import resources

from mtfix import labels
from mtfix.document import Document
from mtfix.figures import Figures
from mtfix.fix.candidate import SentenceFix
from mtfix.reports.base import Reporter, RunSummary
from mtfix.reports.json_report import run_summary
from mtfix.worddiff import word_diff

# Inside <script> the JSON must not contain "</script>", "<!--" or "-->": escaping every
# <, > and & as a JSON unicode escape keeps it valid JSON and inert HTML.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                              "\u2029": "\\u2029"})


def sentence_data(sentence, fix: SentenceFix | None) -> dict:
    data = {
        "line": sentence.line, "col": sentence.col, "paragraph": sentence.paragraph, "text": sentence.text, "label": sentence.label,
        "score": round(sentence.score, 4), "quality": round(sentence.quality, 3), "reason": sentence.reason,
        "suppressed": sentence.suppressed,
        **({"source": sentence.source} if sentence.source is not None else {}),
        "spans": [[s.local_start, s.local_start + len(s.text), s.alternative] for s in sentence.spans],
        "words": [[start, end, nll, bad] for start, end, nll, bad in sentence.words],
    }
    if fix is not None:
        data["candidates"] = fix.considered
        data["suggestions"] = [{
            "text": s.text, "source": s.source, "confidence": round(s.confidence, 3), "reason": s.reason,
            "detail": s.detail,
            "diff": [[p.op, p.old, p.new] for p in word_diff(fix.target.text, s.text)],
        } for s in fix.suggestions]
    return data


def document_data(document: Document, with_fixes: bool = False) -> dict:
    by_start = {f.target.sentence.start: f for f in document.fixes} if with_fixes else {}
    figures = Figures(document.path)
    figures.add_document(document)
    title = document.path if document.record is None else f"{document.path} (record {document.record})"
    return {"path": title, "figures": figures.as_dict(),
            "sentences": [sentence_data(s, by_start.get(s.start)) for s in document.sentences]}


class HtmlReporter(Reporter):
    """Collects documents as they stream in; the page is written at the end."""

    name = "html"
    commands = ("scan", "fix", "score")

    def start(self) -> None:
        self.files: list[dict] = []

    def document(self, document: Document) -> None:
        self.files.append(document_data(document, with_fixes=self.command == "fix"))

    def finish(self, summary: RunSummary) -> None:
        figures = run_summary(summary)
        if summary.corpus is not None:  # score: the corpus figures and the gate, as the text report gives them
            total = summary.corpus.total
            figures.update(quality=f"{total.quality:.1f}/100", garbled_rate=f"{total.garbled_rate:.2%}")
            if summary.corpus.gate.checked:
                figures["gate"] = "passed" if summary.corpus.gate.passed else \
                    "FAILED: " + "; ".join(summary.corpus.gate.failures)
        if self.command == "fix":
            figures["wins"] = ", ".join(f"{k} {v}" for k, v in summary.fix.wins.items()) or "none"
        self.sink.write(render_page(f"mtfix {self.command}", summary.signature, figures, self.files))


def render_page(title: str, signature: str, summary: dict, files: list[dict]) -> str:
    template = resources.files("mtfix.reports").joinpath("html_assets/report.html").read_text("utf-8")
    table = {row.name: {"scored": row.scored, "gates": row.gates} for row in labels.LABELS.values()}
    payload = json.dumps({"title": title, "signature": signature, "summary": summary, "labels": table, "files": files},
                         ensure_ascii=False).translate(_SCRIPT_SAFE)
    return template.replace("__TITLE__", html.escape(title)).replace("__DATA__", payload)

