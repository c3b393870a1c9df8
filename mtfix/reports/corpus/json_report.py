"""Machine-readable JSON: signature, summary, gate, files (worst first), findings."""

from __future__ import annotations

import json

from mtfix.reports.corpus.base import CorpusFormat
from mtfix.score import CorpusReport


class JsonFormat(CorpusFormat):
    name = "json"

    def render(self, report: CorpusReport) -> str:
        return json.dumps(report.as_dict(), indent=1, ensure_ascii=False) + "\n"
