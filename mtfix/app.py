"""Running a command: the Checker's pipeline, then the reporter of the chosen format, with
progress on a terminal, skip notes on stderr, and the output written atomically. The CLI
only parses options into Settings and a RunRequest and turns the outcome into an exit code."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from mtfix.api import Checker, command_checker
from mtfix.errors import ConfigError
from mtfix.readers import ReadOptions, Skipped, discover, found_in
from mtfix.reports.base import Reporter, RunStats, RunSummary
from mtfix.safe import safe_path
from mtfix.run import RunOutcome, RunRequest, note
from mtfix.settings import Settings


def reporter_class(name: str, command: str) -> type[Reporter]:
    from mtfix.registry import FORMATS

    cls = FORMATS.get(name)
    if command not in cls.commands:
        raise ConfigError(f"--format {name} is not a format of `{command}` "
                          f"(it has: {', '.join(formats_of(command))})")
    return cls


def formats_of(command: str) -> list[str]:
    from mtfix.registry import FORMATS

    out = []
    for name in FORMATS.names():
        try:
            if command in FORMATS.get(name).commands:
                out.append(name)
        except Exception:  # a broken plug-in must not break the built-in formats  # noqa: BLE001
            continue
    return out


def check_output(output: Path | None, paths: list[str], read: ReadOptions, option: str = "-o",
                 what: str = "the report") -> None:
    """Refuse an output (OPTION's file) that would overwrite an input, or cannot be a file. An
    input is a file named, or an existing one that reading a folder named reads (READ's
    globs): a baseline or a JSON report in the scanned folder is mtfix's own file, not an input."""
    if output is None:
        return
    if output.is_dir():
        raise ConfigError(f"cannot write {output}: it is a folder")
    folder = output.resolve().parent
    if not folder.is_dir():
        raise ConfigError(f"cannot write {output}: folder {folder} does not exist")
    target = output.resolve()
    if not (output.exists() and not output.is_file()):  # a device or a pipe is written as it is
        _check_folder_takes_files(folder, output)
    for path in paths:
        if path == "-":
            continue
        given = Path(path).resolve()
        if given == target or (given.is_dir() and output.exists() and found_in(given, target, read)):
            raise ConfigError(f"{option} {output} would overwrite an input; write {what} elsewhere")


def _check_folder_takes_files(folder: Path, output: Path) -> None:
    """The report is written to a temp file beside OUTPUT and renamed: try that now, before
    any work, so a folder that takes no new files (/proc) is one line, not a traceback."""
    import tempfile

    try:
        handle, temp = tempfile.mkstemp(prefix=".mtfix-check.", dir=folder)
    except OSError as exc:
        raise ConfigError(f"cannot write {output}: {exc.strerror or exc}") from None
    os.close(handle)
    os.unlink(temp)


@contextmanager
def opened_sink(output: Path | None, binary: bool) -> Iterator:
    from mtfix.atomic import atomic_file

    if output is None:
        with nullcontext(sys.stdout.buffer if binary else sys.stdout) as sink:
            yield sink
            sink.flush()
        return
    if output.exists() and not output.is_file():  # /dev/null, /dev/stdout, a pipe: written as they are
        with open(output, "wb" if binary else "w",
                  **({} if binary else {"encoding": "utf-8", "errors": "backslashreplace"})) as sink:
            yield sink
        return
    with atomic_file(Path(os.path.realpath(output)), "wb" if binary else "w") as sink:  # a link stays a link
        yield sink


class Progress:
    """A bar over files and a count of sentences scored, on a terminal only."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.enabled = enabled
        self.total = total

    def __enter__(self) -> "Progress":
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeElapsedColumn

            columns = (TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), TextColumn("files,"),
                       TextColumn("{task.fields[scored]} sentences scored"), TimeElapsedColumn())
            self.bar = Bar(*columns, console=Console(stderr=True), transient=True)
            self.bar.__enter__()
            self.task = self.bar.add_task("scan", total=self.total, scored=0)
            self.scored = 0
        return self

    def __exit__(self, *exc) -> None:
        if self.enabled:
            self.bar.__exit__(*exc)

    def sentences(self, count: int) -> None:
        if self.enabled:
            self.scored += count
            self.bar.update(self.task, scored=self.scored)

    def file_done(self) -> None:
        if self.enabled:
            self.bar.advance(self.task)


def execute(request: RunRequest, checker: Checker | None = None) -> RunOutcome:
    """Run REQUEST's command (mtfix.commands) over its paths and write its report."""
    from mtfix.commands import COMMANDS

    command = COMMANDS[request.command]
    settings = request.settings
    check_output(request.output, request.paths, settings.read)
    if request.update_baseline:
        from mtfix.score import baseline_path

        check_output(baseline_path(settings, for_writing=True), request.paths, settings.read, "--baseline",
                     "the baseline")
    cls = reporter_class(request.format, request.command) if command.reports else None
    checker = checker or command_checker(settings, request.quiet)
    stats = RunStats()
    skipped: list[tuple[str, str]] = []

    def skip(item: Skipped) -> None:
        stats.skipped += 1
        skipped.append((item.path, item.reason))
        note(f"skipped {safe_path(item.path)}: {item.reason}")

    targets = []
    for target in discover(request.paths, settings.read):  # missing inputs are told before any model loads
        if isinstance(target, Skipped):
            skip(target)
        else:
            targets.append(target)
    fixing = command.until == "fix"
    show_progress = not request.quiet and sys.stderr.isatty() and not os.environ.get("CI")
    outcome = RunOutcome(RunSummary(request.command, "", stats), request)
    collector = None
    if command.collects:
        from mtfix.score import CorpusCollector

        collector = CorpusCollector()
    started = time.perf_counter()
    with opened_sink(request.output if cls else None, bool(cls and cls.binary)) as sink:
        reporter = cls(request.command, sink, request.report) if cls else None
        if reporter:
            reporter.start()
        with Progress(len(targets), show_progress) as progress:
            checker.detect.progress = progress.sentences
            last_path = None
            for item in checker.check_paths(targets, fix=fixing) if targets else []:
                if isinstance(item, Skipped):
                    skip(item)
                    continue
                if item.path != last_path:
                    stats.files += 1
                    progress.file_done()
                    last_path = item.path
                    if item.lossy:
                        note(f"{safe_path(item.path)}: bytes that are not valid {item.encoding} were "
                             "replaced; offsets are characters only and the file is not rewritten")
                stats.add_document(item)
                if collector:
                    collector.add(item)
                command.document_done(item, request, outcome)
                if reporter:
                    reporter.document(item)
                    sink.flush()  # each file's result is out as soon as it is done
        stats.seconds = time.perf_counter() - started
        summary = outcome.summary
        summary.signature = str(checker.signature(fix=fixing))
        if fixing:
            summary.fix = checker.fix.stats
        if collector:
            summary.corpus = collector.report(summary.signature, stats.seconds, skipped)
        command.finish(request, outcome)
        if reporter:
            reporter.finish(summary)
    return outcome


def review_documents(paths: list[str], settings: Settings, quiet: bool) -> tuple[RunOutcome, Checker]:
    """`review`: every document read, filtered and scored (as `scan` does, with its progress
    and skip notes), kept for the review, with the Checker whose fix step will compute the
    suggestions while the review runs."""
    checker = command_checker(settings, quiet)
    checker.fix  # built before the scan, so that a missing extra or an unknown source is told first
    return execute(RunRequest("review", paths, settings, quiet=quiet), checker), checker


def execute_on_ray(request: RunRequest, options) -> RunOutcome:
    """`score --engine ray`: the documents scored by Ray workers (results as Parquet under
    options.output), then the same corpus report and gate as the local engine."""
    from mtfix.integrations import ray_engine
    from mtfix.score import judge

    settings = request.settings
    if settings.baseline or request.update_baseline:
        raise ConfigError("--engine ray has no baseline (its findings are the Parquet rows); leave out --baseline")
    signature = str(Checker(settings).signature())
    report, errors = ray_engine.run(request.paths, settings, options, signature)
    judge(report, settings)
    stats = RunStats(files=len(request.paths), skipped=errors, seconds=report.seconds)
    summary = RunSummary("score", signature, stats, corpus=report)
    cls = reporter_class(request.format, "score")
    with opened_sink(None, cls.binary) as sink:
        reporter = cls("score", sink, request.report)
        reporter.start()
        reporter.finish(summary)
    return RunOutcome(summary, request)
