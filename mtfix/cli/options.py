"""The options commands share, generated from the settings' specs (mtfix.settings): their
help, choices, ranges, metavars and completion, so an option, its config key and `mtfix
config` say the same; and how help names arguments (`PATH...`)."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperCommand

from mtfix.settings import SPECS, default_of, key_of


# -- options shared by commands: declared once, so their meaning and help stay alike --------
def _complete_format(ctx: typer.Context, incomplete: str) -> list[str]:
    from mtfix.app import formats_of

    return [name for name in formats_of(ctx.info_name or "") if name.startswith(incomplete)]


class _Command(TyperCommand):
    """A command whose help reads as a person writes it: arguments by their metavar (`scan
    [OPTIONS] PATH...`, not `{paths}...` and `<list[str]>`), --format listing the registry's
    formats for it, looked up only when the help is shown (the look-up imports every reporter
    and plug-in), and `{labels}` in the text replaced by the label table's descriptions."""

    def collect_usage_pieces(self, ctx) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name != "argument":
                pieces += param.get_usage_pieces(ctx)
            else:
                name = param.metavar or param.name.upper()
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_help(self, ctx, formatter) -> None:
        from mtfix import labels
        from mtfix.app import formats_of

        if self.help:
            self.help = self.help.replace("{labels}", labels.described())
        for param in self.params:
            if param.name == "format" and param.metavar == "FORMAT":
                param.help = f"Output format: {', '.join(formats_of(self.name or ''))} (default text)."
            if param.param_type_name == "argument" and param.metavar:
                param.display_type_rich = lambda ctx: None  # the metavar says it; no "<list[str]>" after it
        super().format_help(ctx, formatter)


def _setting(name: str, *flags: str) -> Any:
    """The command-line option of Settings field NAME: help, choices and range from its Spec
    (mtfix.settings), so the option, the config key and `mtfix config` say the same."""
    spec = SPECS[name]
    help = spec.help + (f" Default: {shown}." if (shown := _shown_default(default_of(name))) else "")
    extra: dict[str, Any] = {}
    if spec.value_name:
        extra["metavar"] = spec.value_name
    if spec.kind == "number":
        extra.update(min=spec.low, max=spec.high)
    elif spec.kind == "count":
        extra["min"] = 1
    completions = _COMPLETIONS.get(name) or (_choices(spec.choices) if spec.choices else None)
    return typer.Option(*flags, help=help, autocompletion=completions, **extra)


def _shown_default(default: Any) -> str:
    """A default as --help shows it: on/off for a switch (and only for a switch: 1.0 is 1),
    a list space-separated, nothing for an unset one."""
    if isinstance(default, bool):
        return "on" if default else "off"
    if isinstance(default, (tuple, frozenset)):
        return " ".join(default)
    return "" if default in (None, "") else f"{default:g}" if isinstance(default, float) else str(default)


def _choices(choices: tuple[str, ...]):
    def complete(incomplete: str) -> list[str]:
        return [choice for choice in choices if choice.startswith(incomplete)]
    return complete


def _complete_sources(incomplete: str) -> list[str]:
    """The registry's fix sources, completing the last of a comma-separated list."""
    from mtfix.registry import SOURCES

    done, _, last = incomplete.rpartition(",")
    prefix = f"{done}," if done else ""
    return [prefix + name for name in SOURCES.names() if name.startswith(last)]


_COMPLETIONS = {"sources": _complete_sources}


# The Settings fields each kind of command takes as options; `takes_settings` adds them.
READING = ("threshold", "model", "detector", "device", "backend", "batch_size", "context", "near_miss", "include",
           "exclude", "field", "group_field", "max_mb", "cache", "source", "source_field", "source_lang", "checks")
FIXING = ("backup", "min_confidence", "max_suggestions", "sources", "seq2seq_model",
          "seq2seq_prefix", "grammar", "languagetool_url", "min_similarity", "endpoint", "endpoint_model",
          "endpoint_candidates", "endpoint_temperature", "endpoint_concurrency", "endpoint_timeout")
WRITING = ("write_min_confidence",)  # fix --write only: in review a person decides
GATE = ("fail_above", "fail_under", "baseline")
SHORT_FLAGS = {"model": "-m", "source": "-s"}
OPTION_TYPES = {"string": str, "choice": str, "strings": list[str], "bool": bool, "number": float, "count": int}


def _setting_parameter(name: str) -> inspect.Parameter:
    """The command-line parameter of Settings field NAME (a list is given by repeating the
    option, except sources, which are comma-separated)."""
    spec, key = SPECS[name], key_of(name)
    kind = str if name == "sources" else OPTION_TYPES[spec.kind]
    flags = (f"--{key}/--no-{key}",) if spec.kind == "bool" else (f"--{key}", *filter(None, [SHORT_FLAGS.get(name)]))
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None,
                             annotation=Annotated[Optional[kind], _setting(name, *flags)])


def takes_settings(*groups: tuple[str, ...]):
    """Give a command the options of the Settings fields in GROUPS, after its own; it receives
    their values (None: not given) in its **given."""
    def decorate(function):
        signature = inspect.signature(function, eval_str=True)
        own = [p for p in signature.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD]
        extra = [_setting_parameter(name) for group in groups for name in group]
        function.__signature__ = signature.replace(parameters=own + extra)
        return function
    return decorate


Paths = Annotated[list[str], typer.Argument(metavar="PATH...", help="Files or folders; '-' reads stdin.")]
Format = Annotated[Optional[str], typer.Option("--format", "-f", metavar="FORMAT", autocompletion=_complete_format, help="Output format.")]
Output = Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="Write the report to this file (atomically; never over an input).")]
ConfigFile = Annotated[Optional[Path], typer.Option("--config", metavar="FILE", help="Config file (default: mtfix.toml, .mtfix.toml or pyproject.toml with [tool.mtfix], found upward from the first path).")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or model messages.")]
Color = Annotated[str, typer.Option("--color", metavar="auto|always|never", help="Colour the text report: auto (on a terminal, unless NO_COLOR is set; FORCE_COLOR forces it), always or never.")]
