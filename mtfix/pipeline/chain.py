"""The one place the chain is assembled: every command's steps, by name, in order."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mtfix.filters.boilerplate import BoilerplateFilter
from mtfix.filters.duplicates import DuplicateFilter
from mtfix.filters.suppress import SuppressionFilter
from mtfix.pipeline.base import Step
from mtfix.pipeline.read import Read
from mtfix.pipeline.segment import Segment

# Every step, in the order documents pass through them.
STEPS = ("read", "segment", "suppress", "boilerplate", "duplicates", "checks", "detect", "adequacy", "fix")


def build(checker, start: str = "read", until: str = "adequacy", only: Sequence[str] = ()) -> list[Step]:
    """The steps from START to UNTIL (both included) for CHECKER's settings, or the steps ONLY
    names (in chain order). The source checks, detect, adequacy and fix steps are the
    Checker's own, so their models, caches and statistics (which the signature reads) are
    shared by every chain it builds. check_documents starts at "segment"; scan and score end
    at "adequacy", fix and review at "fix"; score_sentences takes only "segment" and "detect"."""
    settings = checker.settings
    makers: dict[str, Callable[[], Step]] = {
        "read": lambda: Read(settings.read),
        "segment": Segment,
        "suppress": lambda: SuppressionFilter(settings.ignore),
        "boilerplate": BoilerplateFilter,
        "duplicates": DuplicateFilter,
        "checks": lambda: checker.source_checks,
        "detect": lambda: checker.detect,
        "adequacy": lambda: checker.adequacy,
        "fix": lambda: checker.fix,
    }
    unknown = [name for name in only if name not in STEPS]
    if unknown:
        raise ValueError(f"no step {unknown[0]!r}: the steps are {', '.join(STEPS)}")
    chosen = [name for name in STEPS if name in only] if only else STEPS[STEPS.index(start):STEPS.index(until) + 1]
    if not chosen:
        raise ValueError(f"no steps from {start} to {until}")
    return [makers[name]() for name in chosen]
