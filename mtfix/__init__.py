"""mtfix: find and repair machine-translation artifacts in English text."""

__version__ = "0.1.0"
