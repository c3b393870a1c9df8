"""`mtfix models list|pull`: the built-in models."""

from __future__ import annotations

from typing import Annotated

import typer

from mtfix.cli.base import _fail, models_app
from mtfix.cli.options import _Command
from mtfix.lm.provision import DEFAULT_MODEL


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
