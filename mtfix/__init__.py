"""mtfix: find and repair machine-translation artifacts in English text.

    import mtfix
    checker = mtfix.load()
    document = checker.check_text("Takes place in june Great britain The G7 summit is taking place.")
    garbled = [s for s in document.sentences if s.label == mtfix.Label.GARBLED]

The public names (`__all__`) are imported on first use, so `import mtfix` stays light.
"""

__version__ = "0.1.0"

_PUBLIC = {"Checker": "mtfix.api", "Document": "mtfix.document", "Label": "mtfix.document",
           "Sentence": "mtfix.document", "Span": "mtfix.document", "WordScore": "mtfix.document",
           "Settings": "mtfix.settings"}

__all__ = ["Checker", "Document", "Label", "Sentence", "Settings", "Span", "WordScore", "load", "__version__"]


def load(*args, **kwargs):
    """A Checker (see mtfix.api.load)."""
    from mtfix.api import load as _load

    return _load(*args, **kwargs)


def __getattr__(name: str):
    if name in _PUBLIC:
        import importlib

        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'mtfix' has no attribute {name!r}")
