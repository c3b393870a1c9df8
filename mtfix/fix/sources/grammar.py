"""Grammar-checker edits as candidates: harper (offline, default) or LanguageTool.

Each checker hit with a replacement becomes an edit; the candidates are each edit alone
and all first-choice edits together. Names are left alone: a capitalised word the checker
calls misspelt is usually a proper noun it does not know ("Kremlin", "Tshwane"), and
"correcting" those is the commonest complaint about such tools."""

from __future__ import annotations

from dataclasses import dataclass

from mtfix.errors import ModelUnavailable
from mtfix.features.casing import common_words
from mtfix.fix.candidate import Candidate, FixTarget
from mtfix.fix.sources.base import CandidateSource

MAX_ALTERNATIVES = 2  # replacements tried per checker hit


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    replacements: tuple[str, ...]
    kind: str  # "spelling" or the checker's rule family
    message: str


def apply_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Apply non-overlapping (start, end, replacement) edits; later overlapping ones are dropped."""
    out, position = [], 0
    for start, end, replacement in sorted(edits):
        if start < position:
            continue
        out.append(text[position:start])
        out.append(replacement)
        position = end
    out.append(text[position:])
    return "".join(out)


def protects_name(text: str, edit: Edit) -> bool:
    """True when the edit would 'correct' what is probably a proper noun."""
    word = text[edit.start:edit.end]
    if edit.kind != "spelling" or not word[:1].isupper():
        return False
    if word.lower() in common_words():
        return False
    # A case-only change of a capitalised word (e.g. "MOSCOW" → "Moscow") is no respelling.
    return not any(r.lower() == word.lower() for r in edit.replacements)


class GrammarChecker:
    name = ""

    def edits(self, text: str) -> list[Edit]:
        raise NotImplementedError


class HarperChecker(GrammarChecker):
    name = "harper"

    def __init__(self) -> None:
        from mtfix.features.lints import harper_linter

        self.linter = harper_linter()

    def edits(self, text: str) -> list[Edit]:
        import harper

        out = []
        for lint in self.linter.lint(text):
            replacements = []
            for suggestion in lint.suggestions:
                if suggestion.kind == harper.SuggestionKind.REPLACE:
                    replacements.append(suggestion.replacement_text)
                elif suggestion.kind == harper.SuggestionKind.REMOVE:
                    replacements.append("")
                elif suggestion.kind == harper.SuggestionKind.INSERT_AFTER:
                    replacements.append(lint.problem_text + suggestion.replacement_text)
            if replacements:
                kind = "spelling" if lint.lint_kind == "Spelling" else lint.lint_kind.lower()
                out.append(Edit(lint.span.start, lint.span.end, tuple(replacements), kind, lint.message))
        return out


class LanguageToolChecker(GrammarChecker):
    """LanguageTool through language-tool-python: a server URL, or its own local server,
    which it downloads on first use (needs Java and internet once)."""

    name = "languagetool"

    def __init__(self, server_url: str | None = None, language: str = "en-US") -> None:
        from mtfix import extras

        language_tool_python = extras.load("--grammar languagetool", "language_tool_python")
        try:
            if server_url:
                self.tool = language_tool_python.LanguageTool(language, remote_server=server_url)
            else:
                self.tool = language_tool_python.LanguageTool(language)
        except Exception as exc:  # no Java, no network, server down: all mean "unavailable"
            where = server_url or "a local LanguageTool (Java and a first-time download)"
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelUnavailable(f"LanguageTool is not reachable at {where}: {first}") from exc

    def edits(self, text: str) -> list[Edit]:
        out = []
        for match in self.tool.check(text):
            if match.replacements:
                kind = "spelling" if match.rule_issue_type == "misspelling" else match.rule_issue_type
                out.append(Edit(match.offset, match.offset + match.error_length,
                                tuple(match.replacements[:5]), kind, match.message))
        return out


class GrammarSource(CandidateSource):
    name = "grammar"

    def __init__(self, checker: GrammarChecker, allow: set[str] | frozenset[str] | None = None) -> None:
        self.checker = checker
        self.allow = {w.casefold() for w in allow or ()}

    @classmethod
    def requires(cls, settings) -> tuple[str, ...]:
        return ("language_tool_python",) if settings.grammar == "languagetool" else ()

    @classmethod
    def create(cls, context) -> "GrammarSource":
        settings = context.settings
        checker = HarperChecker() if settings.grammar == "harper" else LanguageToolChecker(settings.languagetool_url)
        return cls(checker, settings.allow)

    @property
    def signature(self) -> str:
        return f"grammar:{self.checker.name}"

    def propose(self, targets: list[FixTarget]) -> list[list[Candidate]]:
        return [self._candidates(target.text) for target in targets]

    def _candidates(self, text: str) -> list[Candidate]:
        edits = [e for e in self.checker.edits(text)
                 if not protects_name(text, e) and text[e.start:e.end].casefold() not in self.allow]
        seen, out = {text}, []

        def add(new_text: str, detail: str) -> None:
            if new_text not in seen:
                seen.add(new_text)
                out.append(Candidate(new_text, self.name, detail))

        for edit in edits:
            for replacement in edit.replacements[:MAX_ALTERNATIVES]:
                add(apply_edits(text, [(edit.start, edit.end, replacement)]),
                    f"{self.checker.name}: {edit.message}")
        if len(edits) > 1:
            add(apply_edits(text, [(e.start, e.end, e.replacements[0]) for e in edits]),
                f"{self.checker.name}: {len(edits)} edits together")
        return out
