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
from mtfix.lm.provision import DEFAULT_MODEL

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2

app = typer.Typer(
    help="Find and repair machine-translation artifacts in English text.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
models_app = typer.Typer(help="List and prepare the language models mtfix can use.", no_args_is_help=True)
app.add_typer(models_app, name="models")


class Format(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    html = "html"


class Device(str, Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


def default_cache_path() -> Path:
    from mtfix.home import mtfix_home

    return mtfix_home() / "score-cache.sqlite"


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
    format: Annotated[Format, typer.Option("--format", "-f", help="text (coloured), json, jsonl, or html (one self-contained page; use with -o).")] = Format.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    only_flagged: Annotated[bool, typer.Option("--only-flagged", help="json/jsonl: only garbled, boilerplate and duplicate sentences.")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="text: show every sentence, not only flagged ones.")] = False,
    threshold: Annotated[Optional[float], typer.Option(help="Probability above which a sentence is garbled (default: the detector's, 0.5).", min=0.0, max=1.0)] = None,
    model: Annotated[str, typer.Option("--model", "-m", help="Built-in model name (see `mtfix models list`), a local folder, or a Hugging Face causal LM id.")] = DEFAULT_MODEL,
    detector: Annotated[Optional[Path], typer.Option(help="Detector weights (JSON) trained for --model; default: the bundled one.")] = None,
    device: Annotated[Device, typer.Option(help="Where the LM runs.")] = Device.auto,
    batch_size: Annotated[int, typer.Option(help="Sentences per LM forward pass.", min=1)] = 32,
    include: Annotated[Optional[list[str]], typer.Option(help="Glob of files to read in folders (repeatable). Default: *.txt *.md *.html *.htm *.jsonl.")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option(help="Glob of files to leave out (repeatable).")] = None,
    field: Annotated[str, typer.Option(help="JSONL: the field holding the text.")] = "text",
    max_mb: Annotated[int, typer.Option(help="Skip files larger than this many MB.", min=1)] = 50,
    features: Annotated[bool, typer.Option(help="json/jsonl: include each sentence's features.")] = False,
    cache: Annotated[bool, typer.Option("--cache/--no-cache", help="Reuse earlier analyses of the same sentences ($MTFIX_HOME/score-cache.sqlite).")] = True,
    fail_on_garbled: Annotated[bool, typer.Option("--fail-on-garbled", help="Exit 1 when garbled sentences are found (for gates, see also `mtfix score`).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or model messages.")] = False,
) -> None:
    """Score every sentence and report the garbled ones, with their suspect words.

    Labels: garbled (probably bad machine translation), boilerplate (scraped page chrome:
    menus, share buttons, bylines, injected links, site notices), duplicate (a repeated or
    cut-off copy of another sentence in the same file), ok.

    Exit codes: 0 scanned (findings are reported, not failed on), 1 garbled sentences
    found with --fail-on-garbled, 2 an input was skipped or an error occurred.
    """
    from mtfix.errors import MtfixError
    from mtfix.readers import DEFAULT_INCLUDE, ReadOptions

    read = ReadOptions(include=tuple(include or DEFAULT_INCLUDE), exclude=tuple(exclude or ()),
                       field=field, max_bytes=max_mb * 1024 * 1024)
    options_kwargs = dict(model=model, device=device.value, batch_size=batch_size, threshold=threshold,
                          detector_path=str(detector) if detector else None, read=read,
                          cache_path=str(default_cache_path()) if cache else None)
    try:
        stats = _run_scan(paths, options_kwargs, format, output, only_flagged, show_all, features, quiet)
    except MtfixError as exc:
        raise _fail(str(exc))
    except KeyboardInterrupt:
        raise _fail("interrupted")
    _exit_on_input_problems(stats.files, stats.skipped)
    raise typer.Exit(EXIT_FOUND if stats.garbled and fail_on_garbled else EXIT_OK)


def _exit_on_input_problems(files: int, skipped: int) -> None:
    """Exit 2 when an input was skipped or nothing matched (each skip was already reported)."""
    if files == 0 and not skipped:
        print("mtfix: error: no files matched", file=sys.stderr)
    if skipped or files == 0:
        raise typer.Exit(EXIT_ERROR)


def _run_scan(paths, options_kwargs, format, output, only_flagged, show_all, features, quiet):
    from rich.console import Console

    from mtfix.readers import Skipped
    from mtfix.reports.html import HtmlReport
    from mtfix.reports.records import sentence_records
    from mtfix.reports.terminal import TerminalReport
    from mtfix.scan import Scanner, ScanOptions

    scanner = Scanner(ScanOptions(**options_kwargs), quiet=quiet)
    err = Console(stderr=True)
    with _output(output) as sink:
        console = Console(file=sink, highlight=False, soft_wrap=True,
                          no_color=output is not None, force_terminal=None if output is None else False)
        text_report = TerminalReport(console, only_flagged=not show_all)
        html_report = HtmlReport("mtfix scan")
        collected: list[dict] = []
        for item in _scanned(scanner, paths, quiet, err):
            if isinstance(item, Skipped):
                continue
            if format is Format.html:
                html_report.add(item)
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
        summary = {k: getattr(stats, k) for k in ("files", "sentences", "garbled", "boilerplate",
                                                  "duplicate", "skipped")}
        summary["seconds"] = round(stats.seconds, 3)
        if format is Format.text:
            text_report.summary(stats, scanner.signature)
        elif format is Format.html:
            sink.write(html_report.render(scanner.signature, summary))
        elif format is Format.json:
            json.dump({"signature": scanner.signature, "summary": summary, "sentences": collected},
                      sink, ensure_ascii=False, indent=1)
            sink.write("\n")
        elif not quiet:
            err.print(f"{stats.files} files, {stats.sentences} sentences, {stats.garbled} garbled; "
                      f"{scanner.signature}", highlight=False, style="dim")
    return stats


def _scanned(scanner, paths: list[str], quiet: bool, err):
    """Scan PATHS, yielding Documents and Skipped inputs (each skip reported on stderr once)."""
    from mtfix.readers import Skipped, discover

    targets = list(discover(paths, scanner.options.read))
    show_progress = not quiet and err.is_terminal and not os.environ.get("CI")
    for item in _scan_with_progress(scanner, targets, show_progress, err):
        if isinstance(item, Skipped):
            err.print(f"mtfix: skipped {item.path}: {item.reason}", style="yellow", highlight=False)
        yield item


def _scan_with_progress(scanner, targets: list, enabled: bool, console):
    """Yield the scanner's results; on a terminal, with a bar over files and a count of the
    sentences the model has scored so far (a large file moves the count, not the bar)."""
    if not enabled:
        yield from scanner.scan(targets)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), TextColumn("files,"),
               TextColumn("{task.fields[scored]} sentences scored"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("scan", total=len(targets), scored=0)
        scored = 0

        def on_batch(count: int) -> None:
            nonlocal scored
            scored += count
            progress.update(task, scored=scored)

        last_path = None
        for item in scanner.scan(targets, progress=on_batch):
            if item.path != last_path:
                progress.advance(task)
                last_path = item.path
            yield item


def _output(output: Optional[Path]):
    """stdout, or OUTPUT written atomically: a failed run leaves no half-written report."""
    from contextlib import nullcontext

    from mtfix.atomic import atomic_output

    if output is None:
        return nullcontext(sys.stdout)
    folder = output.resolve().parent
    if not folder.is_dir():
        raise _fail(f"cannot write {output}: folder {folder} does not exist")
    return atomic_output(output)


class CorpusFormatName(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    github = "github"
    markdown = "markdown"
    lines = "lines"


@app.command()
def score(
    paths: Annotated[list[str], typer.Argument(help="Files or folders to score; '-' reads stdin.")],
    format: Annotated[CorpusFormatName, typer.Option("--format", "-f", help="text, json, sarif, junit, github (workflow annotations), markdown, or lines (path:line:col: message).")] = CorpusFormatName.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file (atomically).")] = None,
    fail_above: Annotated[Optional[float], typer.Option("--fail-above", help="Fail (exit 1) when the garbled rate is above RATE (0-1).", min=0.0, max=1.0, metavar="RATE")] = None,
    fail_under: Annotated[Optional[float], typer.Option("--fail-under", help="Fail (exit 1) when the quality score is under SCORE (0-100).", min=0.0, max=100.0, metavar="SCORE")] = None,
    baseline: Annotated[Optional[Path], typer.Option(help="Baseline file of accepted findings (default from config, else .mtfix-baseline.json when it exists).")] = None,
    update_baseline: Annotated[bool, typer.Option("--update-baseline", help="Record today's findings as the baseline; later runs fail only on new ones.")] = False,
    threshold: Annotated[Optional[float], typer.Option(help="Probability above which a sentence is garbled.", min=0.0, max=1.0)] = None,
    model: Annotated[Optional[str], typer.Option("--model", "-m", help="Language model (default from config, else smollm2-135m).")] = None,
    detector: Annotated[Optional[Path], typer.Option(help="Detector weights (JSON).")] = None,
    config_file: Annotated[Optional[Path], typer.Option("--config", help="Config file (default: found upward from the first path).")] = None,
    device: Annotated[Device, typer.Option(help="Where the LM runs.")] = Device.auto,
    batch_size: Annotated[int, typer.Option(help="Sentences per LM forward pass.", min=1)] = 32,
    include: Annotated[Optional[list[str]], typer.Option(help="Glob of files to read in folders (repeatable).")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option(help="Glob of files to leave out (repeatable).")] = None,
    field: Annotated[Optional[str], typer.Option(help="JSONL: the field holding the text.")] = None,
    cache: Annotated[bool, typer.Option("--cache/--no-cache", help="Reuse earlier analyses ($MTFIX_HOME/score-cache.sqlite).")] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or model messages.")] = False,
) -> None:
    """Corpus quality for CI: figures, a per-file table worst first, a 0-100 quality score, a gate.

    Quality = 100 x mean(1 - P(garbled)) over the sentences that are not boilerplate,
    duplicates or suppressed. Configuration comes from [tool.mtfix] in pyproject.toml,
    mtfix.toml or .mtfix.toml (searched upward from the first path); options override it.
    Suppress a sentence inline with a `mtfix: ignore` marker on its line, or on a line of
    its own just before it (`<!-- mtfix: ignore -->` in Markdown).

    Exit codes: 0 passed (or no gate set), 1 gate failed, 2 usage or input error.
    """
    from mtfix.errors import MtfixError

    try:
        report = _run_score(locals())
    except MtfixError as exc:
        raise _fail(str(exc))
    except KeyboardInterrupt:
        raise _fail("interrupted")
    _exit_on_input_problems(len(report.files), len(report.skipped))
    raise typer.Exit(EXIT_OK if report.gate.passed else EXIT_FOUND)


def _run_score(args: dict):
    from rich.console import Console

    from mtfix.readers import Skipped
    from mtfix.reports.corpus import FORMATS
    from mtfix.scan import Scanner
    from mtfix.score import (CorpusReport, Figures, evaluate_gate, findings_of, load_baseline, relabel,
                             write_baseline)

    config = _load_config(args)
    options = _scan_options(args, config)
    baseline_path = args["baseline"] or (Path(config.baseline) if config.baseline else None)
    if baseline_path is None and Path(".mtfix-baseline.json").is_file():
        baseline_path = Path(".mtfix-baseline.json")
    accepted = load_baseline(baseline_path) if baseline_path and not args["update_baseline"] else None

    err = Console(stderr=True)
    scanner = Scanner(options, quiet=args["quiet"])
    files: dict[str, Figures] = {}
    findings, skipped = [], []
    for item in _scanned(scanner, args["paths"], args["quiet"], err):
        if isinstance(item, Skipped):
            skipped.append((item.path, item.reason))
            continue
        override = config.override_for(item.path)
        if override and override.threshold is not None and args["threshold"] is None:
            relabel(item, override.threshold)
        files.setdefault(item.path, Figures(item.path)).add_document(item)
        findings.extend(findings_of(item, item.path))
    total = Figures("(all)")
    for figures in files.values():
        total.merge(figures)
    if accepted is not None:
        for finding in findings:
            finding.new = finding.fingerprint not in accepted
    report = CorpusReport(scanner.signature, list(files.values()), total, findings, skipped,
                          scanner.stats.seconds, baseline_used=accepted is not None)
    fail_above = args["fail_above"] if args["fail_above"] is not None else config.fail_above
    fail_under = args["fail_under"] if args["fail_under"] is not None else config.fail_under
    report.gate = evaluate_gate(report, config, fail_above, fail_under)
    if args["update_baseline"]:
        target = baseline_path or Path(".mtfix-baseline.json")
        count = write_baseline(target, report)
        err.print(f"mtfix: baseline {target} records {count} finding(s)", highlight=False)
    _emit(FORMATS[args["format"].value].render(report), args["output"])
    return report


def _emit(text: str, output: Optional[Path]) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from mtfix.atomic import atomic_write

    try:
        atomic_write(output, text)
    except OSError as exc:
        raise _fail(f"cannot write {output}: {exc.strerror or exc}")


class FixFormat(str, Enum):
    text = "text"
    json = "json"
    html = "html"


class GrammarChecker(str, Enum):
    harper = "harper"
    languagetool = "languagetool"


# Options that `fix` and `review` share: declared once, so their meaning and help stay alike.
MinConfidence = Annotated[float, typer.Option(help="Offer (and apply) only suggestions at least this confident (0-1).", min=0.0, max=1.0)]
MaxSuggestions = Annotated[int, typer.Option(help="Suggestions offered per sentence.", min=1)]
Sources = Annotated[str, typer.Option(help="Comma-separated candidate sources: seq2seq (round-trip translation, or --seq2seq-model), grammar, lm (LM-guided edits).")]
Seq2SeqModel = Annotated[Optional[str], typer.Option(help="A Hugging Face encoder-decoder id or folder (T5, BART, Marian) for the seq2seq source; default: offline round-trip translation en→pt→en.")]
Seq2SeqPrefix = Annotated[str, typer.Option(help="Text put before each sentence for the seq2seq model, e.g. 'grammar: '.")]
GrammarOption = Annotated[GrammarChecker, typer.Option("--grammar", help="Grammar checker: harper (offline) or languagetool.")]
LanguageToolUrl = Annotated[Optional[str], typer.Option(help="LanguageTool server URL; default: a local LanguageTool (needs Java; downloads on first use).")]
MinSimilarity = Annotated[float, typer.Option(help="Drop rewrites whose meaning similarity to the original is below this (0-1).", min=0.0, max=1.0)]
FixThreshold = Annotated[Optional[float], typer.Option("--threshold", help="Probability above which a sentence is garbled and gets fixed.", min=0.0, max=1.0)]
FixModel = Annotated[Optional[str], typer.Option("--model", "-m", help="Language model for detection and fluency (default from config, else smollm2-135m).")]
DetectorPath = Annotated[Optional[Path], typer.Option("--detector", help="Detector weights (JSON).")]
ConfigFile = Annotated[Optional[Path], typer.Option("--config", help="Config file (default: found upward from the first path).")]
ModelDevice = Annotated[Device, typer.Option("--device", help="Where the models run.")]
IncludeGlobs = Annotated[Optional[list[str]], typer.Option("--include", help="Glob of files to read in folders (repeatable).")]
ExcludeGlobs = Annotated[Optional[list[str]], typer.Option("--exclude", help="Glob of files to leave out (repeatable).")]
UseCache = Annotated[bool, typer.Option("--cache/--no-cache", help="Reuse earlier analyses ($MTFIX_HOME/score-cache.sqlite).")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or model messages.")]
Backup = Annotated[bool, typer.Option("--backup/--no-backup", help="When writing, keep each original as FILE.bak.")]


@app.command()
def fix(
    paths: Annotated[list[str], typer.Argument(help="Files or folders to repair; '-' reads stdin (suggestions only).")],
    write: Annotated[bool, typer.Option("--write", help="Apply the best suggestion of each sentence in place (atomically).")] = False,
    backup: Backup = True,
    diff: Annotated[bool, typer.Option("--diff", help="Print a unified diff of the best suggestions (for git apply or patch -p1) instead of the report.")] = False,
    format: Annotated[FixFormat, typer.Option("--format", "-f", help="Report: text (word diffs), json, or html (one self-contained page; use with -o).")] = FixFormat.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report or diff to this file (atomically).")] = None,
    min_confidence: MinConfidence = 0.1,
    max_suggestions: MaxSuggestions = 3,
    sources: Sources = "seq2seq,grammar,lm",
    seq2seq_model: Seq2SeqModel = None,
    seq2seq_prefix: Seq2SeqPrefix = "",
    grammar: GrammarOption = GrammarChecker.harper,
    languagetool_url: LanguageToolUrl = None,
    min_similarity: MinSimilarity = 0.8,
    threshold: FixThreshold = None,
    model: FixModel = None,
    detector: DetectorPath = None,
    config_file: ConfigFile = None,
    device: ModelDevice = Device.auto,
    include: IncludeGlobs = None,
    exclude: ExcludeGlobs = None,
    cache: UseCache = True,
    quiet: Quiet = False,
) -> None:
    """Propose rewrites for the garbled sentences, and apply them if asked.

    Candidates come from round-trip translation (or any seq2seq model), a grammar checker
    and LM-guided local edits (case fixes, the LM's own word predictions, near spellings,
    deleting stray words, swapping neighbours). Each is checked (numbers, dates, names and
    quotations must survive; the meaning must stay) and reranked by fluency gain against
    meaning drift and edit size. "No good fix" is a valid answer: no suggestion ever reads
    worse than the original.

    By default suggestions are only shown, as word diffs. --diff prints a patch, --write
    applies it (keeping FILE.bak unless --no-backup). Only changed sentences change;
    encoding, line endings and everything else stay byte-identical. Plain text and Markdown
    are rewritten; HTML and JSONL get suggestions only.

    Exit codes: 0 done, 2 an input was skipped or an error occurred.
    """
    from mtfix.errors import MtfixError

    if write and diff:
        raise _fail("--write and --diff do not go together: --diff shows what --write would do")
    try:
        files_and_skipped = _run_fix(locals())
    except MtfixError as exc:
        raise _fail(str(exc))
    except KeyboardInterrupt:
        raise _fail("interrupted")
    _exit_on_input_problems(*files_and_skipped)
    raise typer.Exit(EXIT_OK)


def _load_config(args: dict):
    """--config, else the config file found upward from the first path."""
    from mtfix.config import find_config, load_config

    first = next((p for p in args["paths"] if p != "-"), ".")
    return load_config(args["config_file"] or find_config(Path(first)))


def _scan_options(args: dict, config):
    """ScanOptions from command-line ARGS over CONFIG (the same precedence as `score`)."""
    from mtfix.readers import DEFAULT_INCLUDE, ReadOptions
    from mtfix.scan import ScanOptions

    read = ReadOptions(include=tuple(args["include"] or config.include or DEFAULT_INCLUDE),
                       exclude=tuple(args["exclude"] or config.exclude or ()),
                       field=args.get("field") or config.jsonl_field or "text")
    detector = args["detector"] or config.detector
    return ScanOptions(model=args["model"] or config.model or DEFAULT_MODEL, device=args["device"].value,
                       batch_size=args.get("batch_size") or 32,
                       threshold=args["threshold"] if args["threshold"] is not None else config.threshold,
                       detector_path=str(detector) if detector else None, read=read,
                       cache_path=str(default_cache_path()) if args["cache"] else None,
                       ignore=config.ignore, allow=config.allow)


def _build_fixer(args: dict):
    """A Scanner and a Fixer from the options `fix` and `review` share, over the config file."""
    from mtfix.fix.fixer import Fixer, FixOptions
    from mtfix.fix.rerank import RerankSettings
    from mtfix.scan import Scanner

    scanner = Scanner(_scan_options(args, _load_config(args)), quiet=args["quiet"])
    rerank = RerankSettings(min_similarity=args["min_similarity"], max_suggestions=args["max_suggestions"],
                            min_confidence=args["min_confidence"])
    options = FixOptions(sources=tuple(s.strip() for s in args["sources"].split(",") if s.strip()),
                         grammar=args["grammar"].value, languagetool_url=args["languagetool_url"],
                         seq2seq_model=args["seq2seq_model"], seq2seq_prefix=args["seq2seq_prefix"], rerank=rerank)
    return scanner, Fixer(scanner, options, quiet=args["quiet"])


def _run_fix(args: dict) -> tuple[int, int]:
    from rich.console import Console

    from mtfix.readers import Skipped
    from mtfix.reports.fixes import FixTerminalReport, fix_records
    from mtfix.reports.html import HtmlReport

    scanner, fixer = _build_fixer(args)
    err = Console(stderr=True)
    output = args["output"]
    patches: list[bytes] = []
    records: list[dict] = []
    html_report = HtmlReport("mtfix fix")
    applied = 0
    with _output(output) as sink:
        console = Console(file=sink, highlight=False, soft_wrap=True, no_color=output is not None,
                          force_terminal=None if output is None else False)
        report = FixTerminalReport(console, markers=output is not None or not console.is_terminal
                                   or console.no_color)
        for item in fixer.fix(scanned=_scanned(scanner, args["paths"], args["quiet"], err)):
            if isinstance(item, Skipped):
                continue
            document, fixes = item
            if args["diff"] or args["write"]:
                applied += _apply(document, fixes, args, patches, err)
            if args["diff"]:
                continue
            if args["format"] is FixFormat.json:
                records.extend(fix_records(document, fixes))
            elif args["format"] is FixFormat.html:
                html_report.add(document, fixes)
            else:
                report.document(document, fixes)
        if args["diff"]:
            sink.flush()
            sink.buffer.write(b"".join(patches))  # each file's patch is in that file's encoding
            return scanner.stats.files, scanner.stats.skipped
        summary = {"files": scanner.stats.files, "flagged": fixer.stats.flagged,
                   "with_suggestion": fixer.stats.with_suggestion, "applied": applied,
                   "wins": fixer.stats.wins, "seconds": round(fixer.stats.seconds, 3)}
        if args["format"] is FixFormat.html:
            sink.write(html_report.render(fixer.signature, {**summary, "wins": ", ".join(
                f"{k} {v}" for k, v in fixer.stats.wins.items()) or "none"}))
        elif args["format"] is FixFormat.json:
            json.dump({"signature": fixer.signature, "summary": summary, "sentences": records},
                      sink, ensure_ascii=False, indent=1)
            sink.write("\n")
        else:
            report.summary(fixer.stats, applied, fixer.signature)
    return scanner.stats.files, scanner.stats.skipped


def _apply(document, fixes, args, patches, err) -> int:
    """Apply (or, with --diff, collect the patch of) the best suggestions of one document."""
    from mtfix.fix.apply import chosen_replacements, patched_bytes, unified_diff, writable, write_with_backup

    replacements = chosen_replacements(document, fixes)
    if not replacements:
        return 0
    why_not = writable(document)
    if why_not:
        err.print(f"mtfix: not applied to {document.path}: {why_not}", style="yellow", highlight=False)
        return 0
    old, new = patched_bytes(document, replacements)
    if old == new:
        return 0
    if args["diff"]:
        patches.append(unified_diff(document.path, old, new))
        return len(replacements)
    try:
        kept = write_with_backup(document.path, new, backup=args["backup"])
    except OSError as exc:
        raise _fail(f"cannot write {document.path}: {exc.strerror or exc}")
    note = f" (original kept as {kept})" if kept else ""
    err.print(f"mtfix: applied {len(replacements)} fix(es) to {document.path}{note}", highlight=False)
    return len(replacements)


@app.command()
def review(
    paths: Annotated[list[str], typer.Argument(help="Files or folders to review.")],
    no_tui: Annotated[bool, typer.Option("--no-tui", help="Line-by-line prompts on stdin instead of the full-screen view (also used when stdin is not a terminal).")] = False,
    state: Annotated[Path, typer.Option(help="Where decisions are saved as they are made; a later run resumes from it.")] = Path(".mtfix-review.json"),
    backup: Backup = True,
    min_confidence: MinConfidence = 0.1,
    max_suggestions: MaxSuggestions = 3,
    sources: Sources = "seq2seq,grammar,lm",
    seq2seq_model: Seq2SeqModel = None,
    seq2seq_prefix: Seq2SeqPrefix = "",
    grammar: GrammarOption = GrammarChecker.harper,
    languagetool_url: LanguageToolUrl = None,
    min_similarity: MinSimilarity = 0.8,
    threshold: FixThreshold = None,
    model: FixModel = None,
    detector: DetectorPath = None,
    config_file: ConfigFile = None,
    device: ModelDevice = Device.auto,
    include: IncludeGlobs = None,
    exclude: ExcludeGlobs = None,
    cache: UseCache = True,
    quiet: Quiet = False,
) -> None:
    """Go through the suggestions one sentence at a time, like `git add -p` for sentences.

    Keys: a accept, n/p cycle candidates, 1-9 pick one, r reject, e edit by hand, s skip
    the rest of the file, u undo, q quit, ? help. Decisions are saved as they are made
    (--state), so quitting and running the same command again resumes where you stopped.
    On exit the accepted edits are written atomically (originals kept as FILE.bak) and a
    summary is printed.

    Exit codes: 0 done (or quit), 2 an input was skipped or an error occurred.
    """
    from mtfix.errors import MtfixError

    try:
        counts = _run_review(locals())
    except MtfixError as exc:
        raise _fail(str(exc))
    except KeyboardInterrupt:
        raise _fail("interrupted; decisions made so far are saved")
    _exit_on_input_problems(*counts)
    raise typer.Exit(EXIT_OK)


def _run_review(args: dict) -> tuple[int, int]:
    from rich.console import Console

    from mtfix.readers import Skipped
    from mtfix.review.session import ReviewItem, ReviewSession

    scanner, fixer = _build_fixer(args)
    err = Console(stderr=True)
    items = []
    for item in fixer.fix(scanned=_scanned(scanner, args["paths"], args["quiet"], err)):
        if isinstance(item, Skipped):
            continue
        document, fixes = item
        items.extend(ReviewItem(document, sentence_fix) for sentence_fix in fixes)
    session = ReviewSession(items, args["state"], backup=args["backup"])
    if not items:
        print("mtfix: no garbled sentences to review")
    elif session.done:
        print(f"mtfix: all {len(items)} flagged sentences were reviewed before (see {args['state']})")
    elif args["no_tui"] or not (sys.stdin.isatty() and sys.stdout.isatty()):
        from mtfix.review.lines import LineReview

        LineReview(session, Console(highlight=False, soft_wrap=True), sys.stdin).run()
    else:
        from mtfix.review.tui import ReviewApp

        ReviewApp(session).run()
    for line in session.apply().lines():
        print(line)
    return scanner.stats.files, scanner.stats.skipped


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
    name: Annotated[str, typer.Argument(help="A built-in model name, or a Hugging Face causal LM id.")] = DEFAULT_MODEL,
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
