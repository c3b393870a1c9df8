"""The mtfix command line: a thin typer layer over the library. Options become one Settings
object (defaults → config file → per-path overrides → command line) and a RunRequest;
`mtfix.app.execute` runs it. Heavy modules (torch, transformers) are imported only when a
model is needed, so `mtfix --help` starts fast."""

from __future__ import annotations

import inspect
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperCommand

from mtfix import __version__
from mtfix.commands import EXIT_ERROR
from mtfix.lm.provision import DEFAULT_MODEL
from mtfix.settings import SPECS, SettingValueError, default_of, key_of

app = typer.Typer(
    help="Find and repair machine-translation artifacts in English text.",
    no_args_is_help=True,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
models_app = typer.Typer(help="List and prepare the language models mtfix can use.", no_args_is_help=True)
app.add_typer(models_app, name="models")


def _fail(message: str) -> typer.Exit:
    from mtfix.safe import printable

    print(f"mtfix: error: {printable(message)}", file=sys.stderr)
    return typer.Exit(EXIT_ERROR)


def _version(value: bool) -> None:
    if value:
        print(f"mtfix {__version__}")
        raise typer.Exit()


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C. A subclass on purpose: CPython remembers a bare
    KeyboardInterrupt that passes through some C-level evaluation and then kills itself with
    SIGINT at exit, whatever exit code we chose."""


def _importing(frame) -> bool:
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


def _terminate(signum, frame) -> None:
    """SIGTERM: unwind like Ctrl-C, so temp files are removed and nothing is left half-written;
    but not inside an import, where an exception can abort torch or come back as another
    error: there, remove the unfinished writes and exit at once."""
    if _importing(frame):
        atomic = sys.modules.get("mtfix.atomic")  # not imported here: the import lock may be held
        if atomic is not None:
            atomic.discard_unfinished()
        print("mtfix: error: interrupted", file=sys.stderr, flush=True)
        os._exit(EXIT_ERROR)
    raise Terminated


@contextmanager
def _errors_in_one_line(interrupted: str = "interrupted") -> Iterator[None]:
    """Turn our errors and interrupts into one line on stderr and exit 2."""
    from mtfix.errors import MtfixError

    try:
        yield
    except MtfixError as exc:
        raise _fail(str(exc))
    except KeyboardInterrupt:
        raise _fail(interrupted)
    except BrokenPipeError:
        raise typer.Exit(EXIT_ERROR)


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """mtfix scores every sentence with a small language model and flags the garbled ones."""
    # A file name that is not valid UTF-8 holds surrogates in Python: shown escaped, never fatal.
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")


# -- options shared by commands: declared once, so their meaning and help stay alike --------
def _complete_format(ctx: typer.Context, incomplete: str) -> list[str]:
    from mtfix.app import formats_of

    return [name for name in formats_of(ctx.info_name or "") if name.startswith(incomplete)]


class _Command(TyperCommand):
    """A command whose help reads as a person writes it: arguments by their metavar (`scan
    [OPTIONS] PATH...`, not `{paths}...` and `<list[str]>`), and --format listing the
    registry's formats for it, looked up only when the help is shown (the look-up imports
    every reporter and plug-in)."""

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
        from mtfix.app import formats_of

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
           "exclude", "field", "group_field", "max_mb", "cache")
FIXING = ("backup", "min_confidence", "max_suggestions", "sources", "seq2seq_model",
          "seq2seq_prefix", "grammar", "languagetool_url", "min_similarity")
WRITING = ("write_min_confidence",)  # fix --write only: in review a person decides
GATE = ("fail_above", "fail_under", "baseline")
SHORT_FLAGS = {"model": "-m"}
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

    Labels: garbled (probably bad machine translation), boilerplate (scraped page chrome:
    menus, share buttons, bylines, injected links, site notices), duplicate (a repeated or
    cut-off copy of another sentence in the same file), ok.

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


@app.command(cls=_Command)
@takes_settings(GATE, READING)
def score(
    paths: Paths,
    format: Format = None,
    output: Output = None,
    update_baseline: Annotated[bool, typer.Option("--update-baseline", help="Record today's findings as the baseline; later runs fail only on new ones.")] = False,
    engine: Annotated[str, typer.Option(metavar="local|ray", help="local: this process. ray: Ray Data workers over JSONL/Parquet shards (pip install 'mtfix[ray]'); -o is then the folder for the Parquet results.")] = "local",
    address: Annotated[Optional[str], typer.Option(metavar="ADDRESS", help="ray: the cluster to join (default: start a local one).")] = None,
    concurrency: Annotated[Optional[int], typer.Option(metavar="INTEGER", help="ray: workers, each with its own copy of the model (default: one per core, at most 4, on a local Ray; 1 on a cluster).", min=1)] = None,
    num_gpus: Annotated[float, typer.Option(metavar="FLOAT", help="ray: GPUs per worker.", min=0)] = 0.0,
    sentences: Annotated[bool, typer.Option("--sentences", help="ray: also write per-sentence rows (offsets, label, score, spans).")] = False,
    id_field: Annotated[str, typer.Option(metavar="NAME", help="ray: the column or field holding each document's id.")] = "id",
    config_file: ConfigFile = None,
    quiet: Quiet = False, color: Color = "auto", **given: Any,
) -> None:
    """Corpus quality for CI: figures, a per-file table worst first, a 0-100 quality score, a gate.

    Quality = 100 x mean(1 - P(garbled)) over the sentences that are not boilerplate,
    duplicates or suppressed. Configuration comes from [tool.mtfix] in pyproject.toml,
    mtfix.toml or .mtfix.toml (searched upward from the first path); options override it.
    Suppress a sentence inline with a `mtfix: ignore` marker on its line, or on a line of
    its own just before it (`<!-- mtfix: ignore -->` in Markdown).

    github writes workflow annotations, lines writes path:line:col: message.

    With --engine ray the documents (JSONL or Parquet shards, local or any URI pyarrow
    reads) are scored by Ray Data workers; per-document figures go to Parquet under -o.

    Exit codes: 0 passed (or no gate set), 1 gate failed, 2 usage or input error.
    """
    if engine not in ("local", "ray"):
        raise _fail(f"--engine must be local or ray, not {engine!r}")
    if engine == "ray":
        if output is None:
            raise _fail("--engine ray writes its results as Parquet: give the folder with -o")
        from mtfix.integrations.ray_engine import RayOptions, default_concurrency

        ray_options = RayOptions(str(output), address, concurrency or default_concurrency(address), given.get("batch_size") or 256,
                                 num_gpus, sentences, id_field, quiet=quiet)
        outcome = _run("score", paths, config_file, given, engine=ray_options, format=format or "text",
                       quiet=quiet, report=_report_options(None, color))
        raise _exit(outcome)
    outcome = _run("score", paths, config_file, given, format=format or "text", output=output, quiet=quiet,
                   update_baseline=update_baseline, report=_report_options(output, color))
    raise _exit(outcome)


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
    if write and diff:
        raise _fail("--write and --diff do not go together: use one (--diff prints a patch, --write applies)")
    if diff and format not in (None, "diff"):
        raise _fail("--diff prints a patch; leave out --format")
    outcome = _run("fix", paths, config_file, given, format="diff" if diff else (format or "text"),
                   output=output, quiet=quiet, write=write, report=_report_options(output, color))
    raise _exit(outcome)


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
        rows = _with_detector_threshold(rows)
    if format == "json":
        print(json.dumps({"config": str(source) if source else None,
                          "settings": [{"key": k, "value": v, "origin": o} for k, v, o in rows]}, indent=1))
        return
    print(f"# config: {source or 'none found (defaults)'}")
    width = max(len(k) for k, _, _ in rows)
    for key, value, origin in rows:
        shown = "(unset)" if value is None else json.dumps(value, ensure_ascii=False)
        print(f"{key:<{width}} = {shown:<30} # {origin}")


def _with_detector_threshold(rows: list[tuple[str, Any, str]]) -> list[tuple[str, Any, str]]:
    """An unset threshold is the detector's own: shown as the number a command uses."""
    values = {key: value for key, value, _ in rows}
    if values["threshold"] is not None:
        return rows
    from mtfix.detector.model import detector_for

    detector, _ = detector_for(values["model"], values["detector"])
    found = (round(detector.threshold, 4), f"default: the detector's ({detector.digest})")
    return [(key, *found) if key == "threshold" else (key, value, origin) for key, value, origin in rows]


@app.command(cls=_Command)
def lsp(
    stdio: Annotated[bool, typer.Option("--stdio", help="Talk over stdin/stdout (the only transport; accepted because many clients pass it).")] = True,
) -> None:
    """Serve mtfix's checks to an editor over the Language Server Protocol (needs the lsp extra:
    pip install 'mtfix[lsp]').

    Plain text and Markdown: garbled sentences as warnings (information under P(garbled)
    0.9) with their suspect words, boilerplate and duplicates as hints; hover shows
    P(garbled), the quality estimate and each word's P(BAD); code actions offer the fix
    suggestions (the fix extra) and an inline `mtfix: ignore`. Settings come from the
    config file closest to each document, as for `scan`. Setup for VS Code, Neovim, Helix
    and Zed: see the README.
    """
    with _errors_in_one_line():
        from mtfix.lsp.server import serve

    serve()


@models_app.command("list", cls=_Command)
def models_list() -> None:
    """Show the built-in models, whether they are ready on this machine, and their detectors."""
    from mtfix.detector.model import bundled_path
    from mtfix.lm.provision import BUILTIN_MODELS, installed_dir, is_provisioned

    for name, spec in BUILTIN_MODELS.items():
        state = f"ready in {installed_dir(name)}" if is_provisioned(name) else "not prepared (mtfix models pull " + name + ")"
        default = " (default)" if name == DEFAULT_MODEL else ""
        detector = "a trained detector" if bundled_path(name) else "no trained detector (the fallback is used)"
        print(f"{name}{default}\n  {spec.description}; from {spec.requirement}, {spec.license}\n  {state}; {detector}")
    print("Any Hugging Face causal LM id or local model folder also works with --model "
          "(with the LM-independent fallback detector unless --detector gives one trained for it).")


@models_app.command("pull", cls=_Command)
def models_pull(
    name: Annotated[str, typer.Argument(metavar="NAME", help="A built-in model name, or a Hugging Face causal LM id.")] = DEFAULT_MODEL,
) -> None:
    """Download and convert a model now, so the first scan does not wait for it."""
    from mtfix.errors import MtfixError

    try:
        from mtfix.lm.scorer import LMScorer

        scorer = LMScorer(name, device="cpu")
    except MtfixError as exc:
        raise _fail(str(exc))
    print(f"mtfix: {name} is ready ({scorer.signature})")


def main() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    app(prog_name="mtfix")


if __name__ == "__main__":
    main()
