"""Registries of the parts a user or a plug-in can add: readers, feature families, fix
sources and output formats. Built-ins register by name; other packages add theirs through
entry points (group `mtfix.readers`, `mtfix.features`, `mtfix.sources`, `mtfix.formats`),
each naming a class. The command line takes its choices (`--format`, `--sources`) from here.

A plug-in's pyproject.toml, for example:

    [project.entry-points."mtfix.formats"]
    csv = "mtfix_csv:CsvReporter"
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from importlib.metadata import entry_points
from typing import Generic, TypeVar

from mtfix.errors import ConfigError

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, group: str, what: str) -> None:
        self.group = group
        self.what = what
        self._builtin: dict[str, str] = {}  # name → "module:attribute", imported on first use
        self._loaded: dict[str, T] | None = None

    def builtin(self, name: str, target: str) -> None:
        self._builtin[name] = target

    def _entries(self) -> dict[str, Callable[[], T]]:
        found: dict[str, Callable[[], T]] = {name: (lambda t=target: _import(t)) for name, target in self._builtin.items()}
        for entry in entry_points(group=self.group):
            found.setdefault(entry.name, entry.load)  # a plug-in cannot replace a built-in
        return found

    def names(self) -> list[str]:
        return list(self._entries())

    def get(self, name: str) -> T:
        if self._loaded is None:
            self._loaded = {}
        if name not in self._loaded:
            entries = self._entries()
            if name not in entries:
                raise ConfigError(f"unknown {self.what} {name!r}: choose from {', '.join(entries)}")
            self._loaded[name] = entries[name]()
        return self._loaded[name]

    def items(self) -> Iterator[tuple[str, T]]:
        for name in self.names():
            yield name, self.get(name)


def _import(target: str):
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


READERS: Registry = Registry("mtfix.readers", "reader")
FEATURES: Registry = Registry("mtfix.features", "feature family")
SOURCES: Registry = Registry("mtfix.sources", "fix source")
FORMATS: Registry = Registry("mtfix.formats", "output format")

# The built-ins of each registry: name → "module:attribute", imported on first use.
_BUILTINS: dict[Registry, dict[str, str]] = {
    READERS: {"text": "mtfix.readers.text:TextReader", "markdown": "mtfix.readers.text:MarkdownReader",
              "html": "mtfix.readers.html:HtmlReader", "jsonl": "mtfix.readers.jsonl:JsonlReader",
              "parquet": "mtfix.readers.parquet:ParquetReader", "tsv": "mtfix.readers.aligned:TsvReader",
              "tmx": "mtfix.readers.aligned:TmxReader",
              "lines": "mtfix.readers.aligned:LinesReader"},
    FEATURES: {"surprisal": "mtfix.features.surprisal:SurprisalFeatures",
               "lexicon": "mtfix.features.lexicon:LexiconFeatures", "casing": "mtfix.features.casing:CasingFeatures",
               "punctuation": "mtfix.features.punctuation:PunctuationFeatures",
               "grammar": "mtfix.features.lints:GrammarFeatures"},
    SOURCES: {"tagger": "mtfix.fix.sources.tagger:TaggerSource", "grammar": "mtfix.fix.sources.grammar:GrammarSource",
              "lm": "mtfix.fix.sources.lm_edits:LMEditSource",
              "posteditor": "mtfix.fix.sources.posteditor:PostEditorSource",
              "roundtrip": "mtfix.fix.sources.roundtrip:RoundTripSource",
              "seq2seq": "mtfix.fix.sources.seq2seq:Seq2SeqSource",
              "endpoint": "mtfix.fix.sources.endpoint:EndpointSource"},
    FORMATS: {"text": "mtfix.reports.text:TextReporter", "json": "mtfix.reports.json_report:JsonReporter",
              "jsonl": "mtfix.reports.json_report:JsonlReporter", "html": "mtfix.reports.html:HtmlReporter",
              "sarif": "mtfix.reports.sarif:SarifReporter", "junit": "mtfix.reports.junit:JunitReporter",
              "github": "mtfix.reports.github:GithubReporter", "markdown": "mtfix.reports.markdown:MarkdownReporter",
              "lines": "mtfix.reports.lines:LinesReporter", "diff": "mtfix.reports.patch:PatchReporter",
              "gitlab": "mtfix.reports.gitlab:GitlabReporter"},
}
for _registry, _targets in _BUILTINS.items():
    for _name, _target in _targets.items():
        _registry.builtin(_name, _target)
