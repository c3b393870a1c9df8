"""One self-contained HTML report (no external assets, works offline) for `scan` and `fix`:
per-file summaries, every sentence coloured by its score, a click on a sentence showing
its word surprisal and its suggestions as side-by-side diffs, filters, and a histogram.

The page is a template (html_assets/report.html, with its CSS and JS inline) plus the
report's data as JSON; the browser renders from the data, so nothing here builds HTML by
string concatenation of user text."""

from __future__ import annotations

import html
import json
from importlib import resources

from mtfix.document import Document
from mtfix.figures import Figures
from mtfix.fix.candidate import SentenceFix
from mtfix.worddiff import word_diff


def sentence_data(sentence, fix: SentenceFix | None) -> dict:
    data = {
        "line": sentence.line, "col": sentence.col, "paragraph": sentence.paragraph, "text": sentence.text, "label": sentence.label,
        "score": round(sentence.score, 4), "reason": sentence.reason, "suppressed": sentence.suppressed,
        "spans": [[s.local_start, s.local_start + len(s.text)] for s in sentence.spans],
        "words": [[start, end, nll] for start, end, nll in sentence.words],
    }
    if fix is not None:
        data["candidates"] = fix.considered
        data["suggestions"] = [{
            "text": s.text, "source": s.source, "confidence": round(s.confidence, 3), "reason": s.reason,
            "detail": s.detail,
            "diff": [[p.op, p.old, p.new] for p in word_diff(fix.target.text, s.text)],
        } for s in fix.suggestions]
    return data


def document_data(document: Document, fixes: list[SentenceFix] | None = None) -> dict:
    by_start = {f.target.sentence.start: f for f in fixes or []}
    figures = Figures(document.path)
    figures.add_document(document)
    title = document.path if document.record is None else f"{document.path} (record {document.record})"
    return {"path": title, "figures": figures.as_dict(),
            "sentences": [sentence_data(s, by_start.get(s.start)) for s in document.sentences]}


class HtmlReport:
    """Collects documents as they stream in; `render` returns the page."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.files: list[dict] = []

    def add(self, document: Document, fixes: list[SentenceFix] | None = None) -> None:
        self.files.append(document_data(document, fixes))

    def render(self, signature: str, summary: dict) -> str:
        template = resources.files("mtfix.reports").joinpath("html_assets/report.html").read_text("utf-8")
        payload = json.dumps({"title": self.title, "signature": signature, "summary": summary,
                              "files": self.files}, ensure_ascii=False)
        payload = payload.replace("</", "<\\/").replace("<!--", "<\\!--")  # cannot close the script
        return template.replace("__TITLE__", html.escape(self.title)).replace("__DATA__", payload)

