"""`mtfix score`: corpus figures and the CI gate, on this process or on Ray."""

from __future__ import annotations

from typing import Annotated, Any, Optional

import typer

from mtfix.cli.base import _fail, app
from mtfix.cli.options import GATE, READING, Color, ConfigFile, Format, Output, Paths, Quiet, _Command, takes_settings
from mtfix.cli.running import _exit, _report_options, _run


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
