"""Corpus report formats for `mtfix score`, one module each."""

from __future__ import annotations

from mtfix.reports.corpus.base import CorpusFormat
from mtfix.reports.corpus.github import GithubFormat
from mtfix.reports.corpus.json_report import JsonFormat
from mtfix.reports.corpus.junit import JunitFormat
from mtfix.reports.corpus.lines import LinesFormat
from mtfix.reports.corpus.markdown import MarkdownFormat
from mtfix.reports.corpus.sarif import SarifFormat
from mtfix.reports.corpus.text import TextFormat

FORMATS: dict[str, CorpusFormat] = {f.name: f for f in (
    TextFormat(), JsonFormat(), SarifFormat(), JunitFormat(), GithubFormat(), MarkdownFormat(), LinesFormat())}
