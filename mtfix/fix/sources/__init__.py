"""Candidate sources, each a small replaceable backend (one file each), registered by name
in `mtfix.registry.SOURCES`."""

from __future__ import annotations

from mtfix.fix.sources.base import CandidateSource

__all__ = ["CandidateSource"]
