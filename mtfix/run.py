"""A command's request and its outcome, and the one way a run tells the user something on
stderr: what the CLI builds, the commands add to, and `mtfix.app` runs (below both, so that
neither imports the other)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from mtfix.document import Document
from mtfix.errors import ConfigError
from mtfix.reports.base import ReportOptions, RunSummary
from mtfix.settings import Settings


@dataclass
class RunRequest:
    command: str  # scan, score, fix or review
    paths: list[str]
    settings: Settings
    format: str = "text"
    output: Path | None = None
    report: ReportOptions = field(default_factory=ReportOptions)
    quiet: bool = False
    write: bool = False  # fix: apply the best suggestions in place
    update_baseline: bool = False  # score
    fail_on_garbled: bool = False  # scan: exit 1 when a sentence is garbled

    def __post_init__(self) -> None:
        """What no command takes, refused however the request was made (CLI, API, editor)."""
        if self.write and self.format == "diff":
            raise ConfigError("--write and --diff do not go together: use one (--diff prints a patch, --write applies)")
        if self.write and self.command != "fix":
            raise ConfigError(f"`{self.command}` does not write files: `mtfix fix --write` does")
        if self.update_baseline and self.command != "score":
            raise ConfigError(f"`{self.command}` keeps no baseline: `mtfix score --update-baseline` does")
        source = self.settings.source
        if source and (len(self.paths) != 1 or Path(self.paths[0]).is_dir()):
            raise ConfigError(f"--source {source} is line-aligned with one input file; name exactly one file")
        if source and not Path(source).is_file():
            raise ConfigError(f"--source {source}: no such file")


@dataclass
class RunOutcome:
    summary: RunSummary
    request: RunRequest | None = None
    failed_writes: int = 0
    documents: list[Document] = field(default_factory=list)  # kept for the reviewer (review)
    review: object | None = None  # mtfix.review.session.ReviewSummary, once the review has run


def note(message: str) -> None:
    """One line on stderr (skips and failures are always told, even with --quiet)."""
    print(f"mtfix: {message}", file=sys.stderr, flush=True)
