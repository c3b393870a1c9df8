"""The label table: every label a sentence can get, and what each output needs to show it.

Every consumer reads `LABELS` (the figures and their columns, the text styles, SARIF's rules,
the CI formats, the language server's severities, the JSON schema's enum, what `fix` rewrites),
so a label is added here and nowhere else. The table is read when it is used, not copied at
import, so a test can add a row to it and see the row in every format.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Label(str, Enum):
    """The labels mtfix gives. A str, so it compares, prints and serialises as its value; a
    sentence's label may be any name in the table."""

    OK = "ok"
    GARBLED = "garbled"
    MISTRANSLATED = "mistranslated"
    BOILERPLATE = "boilerplate"
    DUPLICATE = "duplicate"

    __str__ = str.__str__
    __format__ = str.__format__


@dataclass(frozen=True)
class LabelInfo:
    name: str
    meaning: str  # one sentence: the SARIF rule's description and the JSON schema's
    title: str  # what a finding with it is called in messages
    heading: str  # a column of counts in tables
    style: str  # text output (rich)
    level: str  # SARIF's default level and the CI annotation's: "error", "warning" or "note"
    editor: str  # the language server's severity: "warning", "information" or "hint"
    scored: bool  # its P(garbled) counts in quality; the others are set aside, their reason shown
    gates: bool  # counts in the garbled rate, the gate and the CI failures, and `fix` rewrites it
    help: str = ""  # for `scan --help`
    share: bool = False  # its share of all sentences is a figure of its own (`<name>_rate`)
    by_reason: bool = False  # a finding's message gives its reason (else P(garbled) and the suspect words)
    checks: tuple[str, ...] = ()  # the named checks that give it, each a SARIF rule of its own (<rule>/<check>)
    with_source: bool = False  # given mostly with a source: counted and listed when one was read or a sentence has it

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", str(self.name))  # a plain str: a key every JSON library takes

    @property
    def rule(self) -> str:
        """The SARIF rule id."""
        return f"mtfix/{self.name}"


LABELS: dict[str, LabelInfo] = {info.name: info for info in (
    LabelInfo(Label.OK, "Sentence reads as fluent English.", "ok", "ok", "green", "note", "hint",
              scored=True, gates=False),
    LabelInfo(Label.GARBLED, "Sentence looks like garbled machine translation.", "garbled machine translation",
              "garbled", "bold red", "error", "warning", scored=True, gates=True,
              help="probably bad machine translation"),
    LabelInfo(Label.MISTRANSLATED, "The English does not say what its source says (a check against the source failed).",
              "mistranslation", "mistranslated", "magenta", "error", "warning", scored=True, gates=True,
              help="with a source: its numbers, links or brackets differ, or it was left untranslated",
              by_reason=True, checks=("numbers", "links", "untranslated", "language", "brackets", "length"),
              with_source=True),
    LabelInfo(Label.BOILERPLATE, "Scraped page boilerplate inside the text.", "boilerplate", "boilerplate",
              "yellow", "note", "hint", scored=False, gates=False,
              help="scraped page chrome: menus, share buttons, bylines, injected links, site notices", share=True,
              by_reason=True),
    LabelInfo(Label.DUPLICATE, "Sentence repeats another one in the same file.", "duplicate", "duplicates",
              "cyan", "note", "hint", scored=False, gates=False,
              help="a repeated or cut-off copy of another sentence in the same file", by_reason=True),
)}


def info(label: str) -> LabelInfo:
    return LABELS[label]


def findings() -> list[LabelInfo]:
    """The labels that make a sentence a finding (all but ok), in table order."""
    return [row for name, row in LABELS.items() if name != Label.OK]


def gating() -> frozenset[str]:
    """The labels counted in the garbled rate and the gate."""
    return frozenset(name for name, row in LABELS.items() if row.gates)


def described() -> str:
    """The labels for `--help`: "garbled (probably …), boilerplate (…), ok"."""
    return ", ".join(f"{row.name} ({row.help})" for row in findings()) + ", ok"
