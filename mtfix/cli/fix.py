"""`mtfix fix`: rewrite suggestions, shown, written as a patch, or applied."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from mtfix.cli.base import _fail, app
from mtfix.cli.options import (FIXING, READING, WRITING, Color, ConfigFile, Format, Output, Paths, Quiet, _Command,
                               takes_settings)
from mtfix.cli.running import _exit, _report_options, _run


@app.command(cls=_Command)
@takes_settings(WRITING, FIXING, READING)
def fix(
    paths: Paths,
    write: Annotated[bool, typer.Option("--write", help="Apply in place (atomically) each sentence's best suggestion that reaches --write-min-confidence.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Print a unified diff of the best suggestions (for git apply or patch -p1) instead of the report.")] = False,
    format: Format = None,
    output: Output = None,
    config_file: ConfigFile = None,
    quiet: Quiet = False, color: Color = "auto", **given: Any,
) -> None:
    """Propose rewrites for the garbled sentences, and apply them if asked.

    Candidates come from fix sources: by default a grammar checker (harper) and LM-guided
    local edits (case, stray punctuation, doubled phrases, near spellings, function
    words); --sources adds an edit tagger, a trained post-editor or round-trip
    translation (slower). Each candidate is checked (numbers, dates, names, quotations,
    code, polarity and content words must survive; the meaning must stay) and reranked by
    fluency gain against meaning drift and edit size. "No good fix" is a valid answer: no
    suggestion reads worse than the original. Suggestions are cached: a second run over
    unchanged text computes nothing.

    By default suggestions are only shown, as word diffs (see --format), each file as
    soon as it is done. --diff prints the best ones as a patch, for you to read and apply.
    --write applies, with no one deciding, only those at --write-min-confidence or above
    (default 1.0: no lower floor kept 8 in 10 changes closer to human post-edits), keeping
    FILE.bak unless --no-backup; `mtfix review` decides the rest with you. Only changed
    sentences change; encoding, line endings and everything else stay byte-identical.
    Plain text and Markdown are rewritten; HTML and JSONL get suggestions only.

    Exit codes: 0 done, 2 an input was skipped, a file could not be written, or an error occurred.
    """
    if diff and format not in (None, "diff"):
        raise _fail("--diff prints a patch; leave out --format")
    outcome = _run("fix", paths, config_file, given, format="diff" if diff else (format or "text"),
                   output=output, quiet=quiet, write=write, report=_report_options(output, color))
    raise _exit(outcome)
