"""From options to a run: the settings (defaults → config file → overrides → command line),
the request, the report options and the exit code."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import typer

from mtfix.cli.base import _errors_in_one_line, _fail
from mtfix.settings import SPECS, SettingValueError, key_of


def _settings(paths: list[str], config_file: Path | None, given: dict[str, Any]):
    """Settings from the config file (--config, else found upward from the first path) under
    the command-line values in GIVEN (None: not given)."""
    from mtfix.config import find_config, load_config

    cli = {k: v for k, v in given.items() if k in SPECS and v is not None}
    if "sources" in cli:
        cli["sources"] = [s.strip() for s in cli["sources"].split(",") if s.strip()]
    for name, value in cli.items():
        try:
            SPECS[name].parse(value)
        except SettingValueError as exc:
            raise _fail(f"--{key_of(name)} {exc}")
    first = next((p for p in paths if p != "-"), ".")
    if config_file is not None and not config_file.is_file():
        raise _fail(f"config file {config_file} does not exist")
    return load_config(config_file or find_config(Path(first))).settings(cli)


def _run(command: str, paths: list[str], config_file: Path | None, given: dict[str, Any], engine=None,
         **request) -> Any:
    """Resolve the settings, run the command, and turn errors into one line and exit 2."""
    from mtfix.app import execute, execute_on_ray
    from mtfix.run import RunRequest

    with _errors_in_one_line():
        settings = _settings(paths, config_file, given)
        if engine is not None:
            return execute_on_ray(RunRequest(command, paths, settings, **request), engine)
        return execute(RunRequest(command, paths, settings, **request))


def _report_options(output: Path | None, color: str, **options):
    from mtfix.reports.base import ReportOptions

    colour = _colour(color, output)
    return ReportOptions(colour=colour, markers=not colour, **options)


def _colour(choice: str, output: Path | None) -> bool:
    """--color: always, never, or auto: FORCE_COLOR, else NO_COLOR, else a terminal on stdout
    (a report written with -o is never coloured in auto)."""
    if choice not in ("auto", "always", "never"):
        raise _fail(f"--color must be auto, always or never, not {choice!r}")
    if choice != "auto":
        return choice == "always"
    if os.environ.get("FORCE_COLOR"):
        return True
    return output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _exit(outcome) -> typer.Exit:
    """The command's exit code (mtfix.commands); "no files matched" is told here (each skip was
    told as it happened)."""
    from mtfix.commands import COMMANDS

    stats = outcome.summary.stats
    if stats.files == 0 and not stats.skipped:
        print("mtfix: error: no files matched", file=sys.stderr)
    return typer.Exit(COMMANDS[outcome.summary.command].exit_code(outcome))
