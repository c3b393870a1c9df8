"""`mtfix config`: the settings a command would use for a path, and where each came from."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from mtfix.cli.base import _errors_in_one_line, _fail, app
from mtfix.cli.options import ConfigFile, _Command


@app.command("config", cls=_Command)
def show_config(
    path: Annotated[Path, typer.Argument(metavar="PATH", help="A file or folder; its closest config file is read, and a file gets its overrides.")] = Path("."),
    config_file: ConfigFile = None,
    format: Annotated[str, typer.Option("--format", "-f", metavar="text|json", help="text (a table) or json.")] = "text",
) -> None:
    """Show the settings a command would use for PATH and where each came from: the default,
    the config file, or one of its [[overrides]]. Command-line options win over all of them.

    Every setting is a config key (the same name as the option, with dashes)."""
    import json

    from mtfix.config import effective

    if format not in ("text", "json"):
        raise _fail(f"--format must be text or json, not {format!r}")
    if config_file is not None and not config_file.is_file():
        raise _fail(f"config file {config_file} does not exist")
    with _errors_in_one_line():
        source, rows = effective(path, config_file)
        rows = _with_readers_include(_with_detector_threshold(rows))
    if format == "json":
        print(json.dumps({"config": str(source) if source else None,
                          "settings": [{"key": k, "value": v, "origin": o} for k, v, o in rows]}, indent=1))
        return
    print(f"# config: {source or 'none found (defaults)'}")
    width = max(len(k) for k, _, _ in rows)
    for key, value, origin in rows:
        shown = "(unset)" if value is None else json.dumps(value, ensure_ascii=False)
        print(f"{key:<{width}} = {shown:<30} # {origin}")


def _with_readers_include(rows: list[tuple[str, Any, str]]) -> list[tuple[str, Any, str]]:
    """No --include globs: the suffixes the readers take, shown as the globs a command uses."""
    from mtfix.readers import default_include

    return [(key, list(default_include()), "default: the readers' suffixes") if key == "include" and not value
            else (key, value, origin) for key, value, origin in rows]


def _with_detector_threshold(rows: list[tuple[str, Any, str]]) -> list[tuple[str, Any, str]]:
    """An unset threshold is the detector's own: shown as the number a command uses."""
    values = {key: value for key, value, _ in rows}
    if values["threshold"] is not None:
        return rows
    from mtfix.detector.model import detector_for

    detector, _ = detector_for(values["model"], values["detector"])
    found = (round(detector.threshold, 4), f"default: the detector's ({detector.digest})")
    return [(key, *found) if key == "threshold" else (key, value, origin) for key, value, origin in rows]
