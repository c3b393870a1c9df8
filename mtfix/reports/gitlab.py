"""GitLab Code Quality (`-f gitlab`): a JSON array of issues, one per finding, for a merge
request's widget (`artifacts: reports: codequality:`)."""

from __future__ import annotations

import json

from mtfix.reports.base import CorpusReporter

# a finding's severity (CorpusReport.severity) → GitLab's scale
SEVERITIES = {"error": "major", "warning": "minor", "note": "info"}


class GitlabReporter(CorpusReporter):
    name = "gitlab"

    def render(self, report) -> str:
        issues = [{
            "description": f.message,
            "check_name": f.rule,
            "fingerprint": f.fingerprint,
            "severity": SEVERITIES[report.severity(f)],
            "location": {"path": f.path, "lines": {"begin": f.line, "end": f.end_line}},
        } for f in report.findings if f.new]
        return json.dumps(issues, indent=1, ensure_ascii=False) + "\n"
