"""mtfix: find and repair machine-translation artifacts in English text.

    import mtfix
    checker = mtfix.load()
    document = checker.check_text("Takes place in june Great britain The G7 summit is taking place.")
    garbled = [s for s in document.sentences if s.label == mtfix.Label.GARBLED]

Repairs: `checker.suggest(text)` gives a Document whose `fixes` hold each flagged sentence's
suggestions (`SentenceFix`, best first, each with its `confidence`); `mtfix.repaired_text`
applies the chosen ones to the document's text.

The public names (`__all__`) are imported on first use, so `import mtfix` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_PUBLIC = {"Checker": "mtfix.api", "Document": "mtfix.document", "Label": "mtfix.labels",
           "Sentence": "mtfix.document", "Span": "mtfix.document", "WordScore": "mtfix.document",
           "Settings": "mtfix.settings", "SentenceFix": "mtfix.fix.candidate", "Suggestion": "mtfix.fix.candidate",
           "repaired_text": "mtfix.fix.apply"}

__all__ = ["Checker", "Document", "Label", "Sentence", "SentenceFix", "Settings", "Span", "Suggestion", "WordScore",
           "load", "repaired_text", "__version__"]

if TYPE_CHECKING:  # what IDEs and type checkers see; at run time each is imported on first use
    from mtfix.api import Checker
    from mtfix.document import Document, Sentence, Span, WordScore
    from mtfix.labels import Label
    from mtfix.fix.apply import repaired_text
    from mtfix.fix.candidate import SentenceFix, Suggestion
    from mtfix.settings import Settings


def load(model: str | None = None, detector: str | None = None, scorer: Any = None, *,
         settings: Settings | None = None, cache_path: str | None = None, quiet: bool = True,
         **options: Any) -> Checker:
    """A Checker for MODEL (a built-in name, a folder or a hub id) with DETECTOR (default: the
    one trained for MODEL, else the LM-independent fallback). SCORER replaces the LM (tests
    pass a tiny deterministic one). OPTIONS are any other Settings fields (threshold,
    context, device, …). Nothing is loaded until the first check."""
    from mtfix.api import load as _load

    return _load(model, detector, scorer, settings=settings, cache_path=cache_path, quiet=quiet, **options)


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        import importlib

        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'mtfix' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
