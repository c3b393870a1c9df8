"""`mtfix review`: the suggestions decided one sentence at a time."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from mtfix.cli.base import _errors_in_one_line, _fail, app
from mtfix.cli.options import FIXING, READING, ConfigFile, Paths, Quiet, _Command, takes_settings
from mtfix.cli.running import _exit, _settings


@app.command(cls=_Command)
@takes_settings(FIXING, READING)
def review(
    paths: Paths,
    no_tui: Annotated[bool, typer.Option("--no-tui", help="Line-by-line prompts on stdin instead of the full-screen view (also used when stdin is not a terminal).")] = False,
    state: Annotated[Path, typer.Option(metavar="FILE", help="Where decisions are saved as they are made; a later run resumes from it.")] = Path(".mtfix-review.json"),
    config_file: ConfigFile = None,
    quiet: Quiet = False, **given: Any,
) -> None:
    """Go through the suggestions one sentence at a time, like `git add -p` for sentences.

    The first flagged sentence is shown as soon as its suggestions exist; the rest are
    computed in the background while you read.

    Keys: a accept, n/p cycle candidates, 1-9 accept that candidate, r reject, e edit by
    hand, s skip the rest of the file, u undo, q quit, ? help. Decisions are saved as they
    are made (--state), so quitting and running the same command again resumes where you
    stopped. On exit the accepted edits are written atomically (originals kept as
    FILE.bak) and a summary is printed.

    Exit codes: 0 done (or quit), 2 an input was skipped, a file could not be written, or an error occurred.
    """
    from mtfix.app import review_documents
    from mtfix.review.run import run_review

    if state.is_dir():
        raise _fail(f"--state {state} is a folder; name a file (default .mtfix-review.json)")
    if not state.absolute().parent.is_dir():
        raise _fail(f"--state {state}: folder {state.absolute().parent} does not exist")
    with _errors_in_one_line("interrupted; decisions made so far are saved"):
        if _full_screen(no_tui):
            from mtfix import extras

            extras.require("the full-screen review (--no-tui works without it)", "textual")
        settings = _settings(paths, config_file, given)
        outcome, checker = review_documents(paths, settings, quiet)
        outcome.review = run_review(outcome.documents, checker, state, settings.backup,
                                    lambda session: _review_screen(session, no_tui))
        outcome.summary.fix = checker.fix.stats
    raise _exit(outcome)


def _full_screen(no_tui: bool) -> bool:
    return not no_tui and sys.stdin.isatty() and sys.stdout.isatty()


def _review_screen(session, no_tui: bool) -> None:
    """The line prompts or the full-screen view, until the reviewer is done or quits."""
    if not _full_screen(no_tui):
        import io

        from rich.console import Console

        from mtfix.review.prompts import LineReview

        keys = io.TextIOWrapper(sys.stdin.buffer, encoding=sys.stdin.encoding or "utf-8", errors="replace")
        LineReview(session, Console(highlight=False, soft_wrap=True), keys).run()
    else:
        from mtfix.review.tui import ReviewApp

        failure = ReviewApp(session).run()
        if isinstance(failure, BaseException):
            raise failure
