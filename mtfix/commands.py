"""What each command does besides running the pipeline: how far the chain goes, whether it has
a report, what it does with each finished document, what it adds at the end, and its exit
code. `mtfix.app.execute` runs any of them the same way; `COMMANDS` holds them by name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mtfix.document import Document

if TYPE_CHECKING:
    from mtfix.run import RunOutcome, RunRequest

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


class Command:
    name = ""
    until = "adequacy"  # the last pipeline step it runs
    reports = True  # writes a report in the chosen format
    collects = False  # gathers corpus figures and findings (score's report; scan's corpus formats)

    def document_done(self, document: Document, request: "RunRequest", outcome: "RunOutcome") -> None:
        """Called for each document as soon as the pipeline has finished it."""

    def finish(self, request: "RunRequest", outcome: "RunOutcome") -> None:
        """Called after the last document, before the report is finished."""

    def exit_code(self, outcome: "RunOutcome") -> int:
        """2 when an input was skipped or nothing matched, else what the command found."""
        stats = outcome.summary.stats
        if stats.skipped or stats.files == 0:
            return EXIT_ERROR
        return self.found(outcome)

    def found(self, outcome: "RunOutcome") -> int:
        """The exit code of a run whose inputs were all read."""
        return EXIT_OK


class Scan(Command):
    name = "scan"
    collects = True

    def found(self, outcome) -> int:
        return EXIT_FOUND if outcome.request.fail_on_garbled and outcome.summary.stats.garbled else EXIT_OK


class Score(Command):
    name = "score"
    collects = True

    def finish(self, request, outcome) -> None:
        from mtfix.score import judge

        judge(outcome.summary.corpus, request.settings, request.update_baseline)

    def found(self, outcome) -> int:
        return EXIT_OK if outcome.summary.corpus.gate.passed else EXIT_FOUND


class Fix(Command):
    name = "fix"
    until = "fix"

    def document_done(self, document, request, outcome) -> None:
        if request.write and _remote(request.settings):
            outcome.documents.append(document)  # written at the end, only if the remote source never failed
        else:
            self._apply(document, request, outcome)

    def finish(self, request, outcome) -> None:
        from mtfix.run import note

        failure = _source_failure(outcome)
        if failure:
            note(f"error: {failure}; the sentences it did not answer have the other sources' suggestions"
                 + (", and no file was written" if request.write else ""))
            return
        for document in outcome.documents:
            self._apply(document, request, outcome)

    @staticmethod
    def _apply(document, request, outcome) -> None:
        from mtfix.run import note
        from mtfix.fix.apply import apply_or_check

        settings = request.settings
        applied, failed = apply_or_check(document, request.write, request.format == "diff", settings.backup,
                                         settings.write_min_confidence, note)
        outcome.summary.applied += applied
        outcome.failed_writes += failed

    def found(self, outcome) -> int:
        return EXIT_ERROR if outcome.failed_writes or _source_failure(outcome) else EXIT_OK


def _source_failure(outcome) -> str:
    """Why a remote fix source stopped answering in this run ('' when none did)."""
    return outcome.summary.fix.failure if outcome.summary.fix is not None else ""


def _remote(settings) -> bool:
    """Does a source the settings name answer from a server (whose failure fails the run)?"""
    from mtfix.registry import SOURCES

    return any(SOURCES.get(name).remote for name in settings.sources)


class Review(Command):
    """The scan part of `review`: the documents are kept for the reviewer, whose screen is the
    report, and the suggestions are computed while the review runs (mtfix.review.stream)."""

    name = "review"
    reports = False

    def document_done(self, document, request, outcome) -> None:
        outcome.documents.append(document)

    def found(self, outcome) -> int:
        failed_review = outcome.review is not None and outcome.review.failed
        return EXIT_ERROR if failed_review or _source_failure(outcome) else EXIT_OK


COMMANDS: dict[str, Command] = {c.name: c for c in (Scan(), Score(), Fix(), Review())}
