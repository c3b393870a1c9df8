"""`mtfix lsp`: the language server."""

from __future__ import annotations

from typing import Annotated

import typer

from mtfix.cli.base import _errors_in_one_line, app
from mtfix.cli.options import _Command


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
