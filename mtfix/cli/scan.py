"""`mtfix scan`: every sentence scored, the flagged ones reported."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from mtfix.cli.base import app
from mtfix.cli.options import READING, Color, ConfigFile, Format, Output, Paths, Quiet, _Command, takes_settings
from mtfix.cli.running import _exit, _report_options, _run


@app.command(cls=_Command)
@takes_settings(READING)
def scan(
    paths: Paths,
    format: Format = None,
    output: Output = None,
    only_flagged: Annotated[bool, typer.Option("--only-flagged", help="json/jsonl: only garbled, boilerplate and duplicate sentences.")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="text: show every sentence, not only flagged ones.")] = False,
    features: Annotated[bool, typer.Option(help="json/jsonl: include each sentence's hand-made features.")] = False,
    fail_on_garbled: Annotated[bool, typer.Option("--fail-on-garbled", help="Exit 1 when garbled sentences are found (for gates, see also `mtfix score`).")] = False,
    config_file: ConfigFile = None,
    quiet: Quiet = False, color: Color = "auto", **given: Any,
) -> None:
    """Score every sentence and report the garbled ones, with their suspect words.

    Labels: {labels}.

    html is one self-contained page (use with -o); the corpus formats of `score` work
    here too. Settings come from [tool.mtfix] in pyproject.toml, mtfix.toml or .mtfix.toml, as for
    `score`; options override them.

    Exit codes: 0 scanned (findings are reported, not failed on), 1 garbled sentences
    found with --fail-on-garbled, 2 an input was skipped or an error occurred.
    """
    outcome = _run("scan", paths, config_file, given, format=format or "text", output=output, quiet=quiet,
                   fail_on_garbled=fail_on_garbled,
                   report=_report_options(output, color, only_flagged=only_flagged, show_all=show_all, features=features))
    raise _exit(outcome)
