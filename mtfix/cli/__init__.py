"""The mtfix command line: a thin typer layer over the library, one module per command
(registered on the typer app of `mtfix.cli.base` as each is imported). Options become one Settings
object (defaults → config file → per-path overrides → command line) and a RunRequest;
`mtfix.app.execute` runs it. Heavy modules (torch, transformers) are imported only when a
model is needed, so `mtfix --help` starts fast."""

from __future__ import annotations

import signal

# Each module registers its command as it is imported, in the order `mtfix --help` lists them.
from mtfix.cli import scan, score, fix, review, config, lsp, models  # noqa: F401, I001  # isort: skip
from mtfix.cli.base import _terminate, app

__all__ = ["app", "main"]


def main() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    app(prog_name="mtfix")


if __name__ == "__main__":
    main()
