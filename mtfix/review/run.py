"""A review from start to end: the garbled sentences of the scanned documents as items, the
saved decisions, suggestions computed ahead of the reviewer in a worker thread, the screen
(the line prompts or the full-screen view, given by the caller), and the accepted edits
written with their summary."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mtfix.document import Document
from mtfix.fix.candidate import FixTarget
from mtfix.review.session import ReviewItem, ReviewSession, ReviewSummary


def run_review(documents: list[Document], checker, state: Path, backup: bool,
               screen: Callable[[ReviewSession], None]) -> ReviewSummary:
    """Review the garbled sentences of DOCUMENTS on SCREEN while their suggestions are computed
    by CHECKER's fix step; the summary of what was written (also printed)."""
    items = [ReviewItem(target) for d in documents for target in FixTarget.flagged_in(d)]
    session = ReviewSession(items, state, backup=backup)
    if not items:
        print("mtfix: no garbled sentences to review")
    elif session.done:
        print(f"mtfix: all {len(items)} flagged sentences were reviewed before (see {state})")
    else:
        from mtfix.review.stream import SuggestionStream

        session.stream = SuggestionStream(checker.fix, items, wanted=lambda i: not session.decided(i))
        session.stream.follow(session.position)
        try:
            screen(session)
        finally:
            session.stream.stop()
    summary = session.apply()
    for line in summary.lines():
        print(line)
    if checker.fix.stats.failure:  # the decisions a person made stand; the rest lacked that source's answers
        print(f"mtfix: error: {checker.fix.stats.failure}; the sentences it did not answer had the other "
              "sources' suggestions")
    return summary
