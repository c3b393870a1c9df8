"""Feature families that need no LM (unit tier)."""

from __future__ import annotations

from mtfix.features.grammar import harper_linter, lint_ahead, lint_counts

TEXTS = ["He go to school yesterday.", "Teh cat sat on teh mat.", "A clean sentence.",
         "They was happy and and tired.", "Recieve the the package."]


def direct_counts(text: str) -> tuple[int, int]:
    lints = harper_linter().lint(text)
    spelling = sum(lint.lint_kind == "Spelling" for lint in lints)
    return len(lints) - spelling, spelling


def test_linting_ahead_in_a_thread_gives_the_same_counts_while_the_caller_asks_too():
    expected = [direct_counts(t) for t in TEXTS]
    assert any(grammar for grammar, _ in expected) and any(spelling for _, spelling in expected)
    lint_counts.cache_clear()
    thread = lint_ahead(TEXTS * 20)
    asked = [lint_counts(t) for t in reversed(TEXTS)][::-1]  # the linter is shared: no "Already borrowed"
    thread.join()
    assert asked == expected
    assert lint_counts.cache_info().currsize == len(TEXTS)
