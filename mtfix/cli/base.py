"""The typer application, its global options, and how errors and signals end a run: one line
on stderr and exit 2, temp files removed."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from mtfix import __version__
from mtfix.commands import EXIT_ERROR

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
