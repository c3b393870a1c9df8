"""Candidate sources, each a small replaceable backend (one file each)."""

from __future__ import annotations

from mtfix.fix.sources.base import CandidateSource

SOURCE_NAMES = ("seq2seq", "grammar", "lm")
DEFAULT_SOURCES = ("seq2seq", "grammar", "lm")

__all__ = ["CandidateSource", "SOURCE_NAMES", "DEFAULT_SOURCES"]
