"""SARIF 2.1.0, for code-scanning dashboards: one result per finding, with its region."""

from __future__ import annotations

import os
from urllib.parse import quote

import json

from mtfix import __version__
from mtfix.reports.base import CorpusReporter
from mtfix.safe import xml_text

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


class SarifReporter(CorpusReporter):
    name = "sarif"

    def render(self, report) -> str:
        rows = report.total.shown()
        rules = [{"id": row.rule, "name": row.name, "shortDescription": {"text": row.meaning},
                  "defaultConfiguration": {"level": row.level}} for row in rows]
        rules += [{"id": f"{row.rule}/{check}", "name": f"{row.name}/{check}",
                   "shortDescription": {"text": f"{row.meaning} Check: {check}."},
                   "defaultConfiguration": {"level": row.level}} for row in rows for check in row.checks]
        rule_ids = [rule["id"] for rule in rules]
        results = []
        for f in report.findings:
            result = {
                "ruleId": f.rule,
                "ruleIndex": rule_ids.index(f.rule),
                "level": report.severity(f),
                "message": {"text": xml_text(f.message)},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(f.path)},
                    "region": {"startLine": f.line, "startColumn": f.col,
                               "endLine": f.end_line, "endColumn": f.end_col,
                               "charOffset": f.start, "charLength": f.end - f.start},
                }}],
                "partialFingerprints": {"mtfixSentence/v1": f.fingerprint},
                "properties": {"probability": f.score},
            }
            if report.baseline_used:
                result["baselineState"] = "new" if f.new else "unchanged"
            results.append(result)
        run = {
            "tool": {"driver": {"name": "mtfix", "version": __version__, "rules": rules}},
            "results": results,
            "properties": {"signature": report.signature, "quality": report.total.quality},
        }
        return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=1,
                          ensure_ascii=False) + "\n"


def artifact_uri(path: str) -> str:
    """A relative URI reference for PATH: '#', '%', spaces and the like percent-encoded, so
    `my notes #1.txt` is not read as a fragment (RFC 3986); a name that is not UTF-8 keeps
    its original bytes."""
    return quote(os.fsencode(path.replace("\\", "/")), safe="/")
