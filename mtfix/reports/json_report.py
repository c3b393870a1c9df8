"""JSON for every command, in one schema: `signature`, `command`, `summary`, then `sentences`
(scan, fix: one record per sentence, see records.py) or the corpus sections of `score`
(`gate`, `files`, `findings`, `skipped`). JSON Lines: one sentence record per line. Each
carries `schema_version`; reports/schemas/output.schema.json is the JSON Schema."""

from __future__ import annotations

import json

from mtfix.document import Document
from mtfix.reports.base import Reporter, RunSummary
from mtfix.reports.records import SCHEMA_VERSION, fix_records, sentence_records


class JsonReporter(Reporter):
    name = "json"
    commands = ("scan", "fix", "score")

    def start(self) -> None:
        self.records: list[dict] = []

    def document(self, document: Document) -> None:
        if self.command == "fix":
            self.records.extend(fix_records(document, document.fixes))
        elif self.command == "scan":
            self.records.extend(r for r in sentence_records(document, self.options.features)
                                if not self.options.only_flagged or r["label"] != "ok")

    def finish(self, summary: RunSummary) -> None:
        if self.command == "score":
            payload = {"schema_version": SCHEMA_VERSION, "command": "score", **summary.corpus.as_dict()}
        else:
            payload = {"schema_version": SCHEMA_VERSION, "signature": summary.signature, "command": self.command,
                       "summary": run_summary(summary), "sentences": self.records}
        json.dump(payload, self.sink, ensure_ascii=False, indent=1)
        self.sink.write("\n")


class JsonlReporter(Reporter):
    name = "jsonl"
    commands = ("scan", "fix")

    def document(self, document: Document) -> None:
        records = (fix_records(document, document.fixes) if self.command == "fix"
                   else sentence_records(document, self.options.features))
        for record in records:
            if not self.options.only_flagged or record["label"] != "ok":
                self.sink.write(json.dumps({"schema_version": SCHEMA_VERSION, **record}, ensure_ascii=False) + "\n")


def run_summary(summary: RunSummary) -> dict:
    """The `summary` object of scan and fix reports."""
    if summary.command != "fix":
        return summary.stats.summary()
    fix = summary.fix
    return {"files": summary.stats.files, "flagged": fix.flagged, "with_suggestion": fix.with_suggestion,
            "applied": summary.applied, "cached": fix.cached, "wins": fix.wins, "seconds": round(fix.seconds, 3)}
