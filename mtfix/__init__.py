"""mtfix: find and repair machine-translation artifacts in English text.

    import mtfix
    checker = mtfix.load()
    document = checker.check_text("Takes place in june Great britain The G7 summit is taking place.")
"""

__version__ = "0.1.0"


def load(*args, **kwargs):
    """A Checker (see mtfix.api.load); imported on first use so `import mtfix` stays light."""
    from mtfix.api import load as _load

    return _load(*args, **kwargs)
