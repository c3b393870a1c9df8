"""Every setting of every command, in one typed object resolved in layers:
defaults → config file → per-path overrides → command line (the closest wins).

`Settings.for_path(path)` gives the settings a file is judged with: the config's matching
`[[overrides]]` applied to what the command line did not set.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from mtfix.lm.provision import DEFAULT_MODEL
from mtfix.readers.options import DEFAULT_INCLUDE, ReadOptions

# The sources every fix runs by default: those whose best suggestions moved closer to the
# human post-edit more often than further on MLQE-PE's tune part. The edit tagger did not
# (its case and function-word edits went further as often as closer); the post-editor and
# the round trip rewrite whole sentences with generation, several times slower than all the
# others together. Each runs when --sources names it (benchmarks/RESULTS.md has the figures).
DEFAULT_SOURCES = ("grammar", "lm")


@dataclass(frozen=True)
class Override:
    """Settings for the files matching PATHS (globs, relative to the config file's folder)."""

    paths: tuple[str, ...]
    threshold: float | None = None
    fail_above: float | None = None
    fail_under: float | None = None

    def matches(self, path: str) -> bool:
        """As .gitignore matches: a glob with a slash is matched against the path relative to
        the config file's folder; one without, against the file name at any depth."""
        return any(fnmatch.fnmatch(path, g) if "/" in g.rstrip("/") else fnmatch.fnmatch(Path(path).name, g)
                   for g in self.paths)

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in OVERRIDABLE if getattr(self, name) is not None}


OVERRIDABLE = ("threshold", "fail_above", "fail_under")


@dataclass(frozen=True)
class Settings:
    # language model and detector
    model: str = DEFAULT_MODEL
    detector: str | None = None
    device: str = "auto"
    backend: str = "torch"  # or onnx, onnx-int8 (ONNX Runtime on the CPU)
    batch_size: int = 32
    context: bool = True
    threshold: float | None = None  # None: the detector's own
    # what is read
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    field: str = "text"
    group_field: str | None = None
    max_mb: int = 50
    # what is reported
    ignore: tuple[re.Pattern, ...] = ()
    allow: frozenset[str] = frozenset()
    cache: bool = True
    # the gate of `score`
    baseline: str | None = None
    fail_above: float | None = None
    fail_under: float | None = None
    # `fix` and `review`
    sources: tuple[str, ...] = DEFAULT_SOURCES
    grammar: str = "harper"
    languagetool_url: str | None = None
    seq2seq_model: str | None = None
    seq2seq_prefix: str = ""
    min_similarity: float = 0.8
    min_confidence: float = 0.2  # chosen on MLQE-PE's tune part (benchmarks/RESULTS.md)
    max_suggestions: int = 3
    backup: bool = True
    # where they came from
    overrides: tuple[Override, ...] = ()
    config_path: Path | None = None
    explicit: frozenset[str] = frozenset()  # set on the command line

    @classmethod
    def resolve(cls, config: dict[str, Any] | None = None, cli: dict[str, Any] | None = None,
                config_path: Path | None = None, overrides: tuple[Override, ...] = ()) -> "Settings":
        """Defaults, then CONFIG's values, then the command line's (None: not given)."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in (config or {}).items() if k in known}
        given = {k: v for k, v in (cli or {}).items() if v is not None and k in known}
        merged = {k: _frozen(k, v) for k, v in {**values, **given}.items()}
        return cls(**merged, overrides=overrides, config_path=config_path, explicit=frozenset(given))

    def for_path(self, path: str) -> "Settings":
        """The settings for PATH: matching overrides (the last one wins) below the command line."""
        relative = self.relative(path)
        changes: dict[str, Any] = {}
        for override in self.overrides:
            if override.matches(relative):
                changes.update({k: v for k, v in override.changes().items() if k not in self.explicit})
        return replace(self, **changes) if changes else self

    def override_for(self, path: str) -> Override | None:
        relative = self.relative(path)
        matching = [o for o in self.overrides if o.matches(relative)]
        return matching[-1] if matching else None

    def relative(self, path: str) -> str:
        if self.config_path is None:
            return path
        try:  # as written (links not resolved), as the config file was found
            return Path(os.path.abspath(path)).relative_to(Path(os.path.abspath(self.config_path.parent))).as_posix()
        except (ValueError, OSError):
            return path

    @property
    def read(self) -> ReadOptions:
        return ReadOptions(include=self.include, exclude=self.exclude, field=self.field,
                           max_bytes=self.max_mb * 1024 * 1024, group_field=self.group_field)


def _frozen(name: str, value: Any) -> Any:
    """Lists from a config file or the command line, as the settings' immutable types."""
    if name == "allow":
        return frozenset(value)
    if isinstance(value, list):
        return tuple(value)
    return value
