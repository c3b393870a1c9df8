"""Project configuration: `[tool.mtfix]` in pyproject.toml, or mtfix.toml / .mtfix.toml.

Found by walking up from the first scanned path (the closest file wins); the command line
overrides it. Every key is a setting of `mtfix.settings.Settings`, written with dashes:

    model = "smollm2-135m"        threshold = 0.5          detector = "path.npz"
    include = ["*.md"]            exclude = ["drafts/*"]    field = "text"
    ignore = ["^Photo: "]         allow = ["Peskov"]        baseline = ".mtfix-baseline.json"
    fail-above = 0.05             fail-under = 80           context = true
    sources = ["tagger", "lm"]    min-confidence = 0.2      max-mb = 50
    [[tool.mtfix.overrides]]      (or [[overrides]] in mtfix.toml)
    paths = ["legacy/*"]          threshold = 0.8           fail-above = 0.2

`ignore` holds regular expressions: matching sentences are suppressed. `allow` holds words
and names that are never highlighted as suspect.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtfix.errors import ConfigError
from mtfix.settings import OVERRIDABLE, Override, Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_FILES = ("mtfix.toml", ".mtfix.toml", "pyproject.toml")


@dataclass
class Config:
    """What a config file says: setting values by field name, and the overrides."""

    source: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)
    overrides: tuple[Override, ...] = ()

    def __getattr__(self, name: str) -> Any:  # config.threshold, config.allow, …
        values = self.__dict__.get("values", {})
        if name in values:
            return values[name]
        if name in KEYS.values():
            return None
        raise AttributeError(name)

    def override_for(self, path: str) -> Override | None:
        return self.settings().override_for(path)

    def settings(self, cli: dict[str, Any] | None = None) -> Settings:
        return Settings.resolve(self.values, cli, self.source, self.overrides)


def _mtfix_table(path: Path) -> dict | None:
    """The [tool.mtfix] table of a pyproject.toml, None when it has none."""
    data = _read_toml(path)
    tool = data.get("tool")
    if not isinstance(tool, dict) or "mtfix" not in tool:
        return None
    table = tool["mtfix"]
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.mtfix] must be a table, not {table!r}")
    return table


def find_config(start: Path) -> Path | None:
    """The closest mtfix.toml, .mtfix.toml or pyproject.toml with a [tool.mtfix] table, upward
    from START as the user wrote it (made absolute, links not resolved, as git and ruff do):
    a linked folder is judged by the project it is linked into, not the one it points to."""
    folder = Path(os.path.abspath(start))
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        for name in CONFIG_FILES:
            path = candidate / name
            if not path.is_file():
                continue
            if name != "pyproject.toml":
                return path
            try:
                if _mtfix_table(path) is not None:
                    return path
            except ConfigError:
                return path  # malformed: load_config will say so, naming the file
    return None


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    if path.name == "pyproject.toml":
        table = _mtfix_table(path)
        if table is None:
            raise ConfigError(f"{path}: has no [tool.mtfix] table")
        return _parse(table, path, "[tool.mtfix]")
    return _parse(_read_toml(path), path, "")


class _Checker:
    def __init__(self, path: Path, prefix: str) -> None:
        self.path, self.prefix = path, prefix

    def name(self, key: str) -> str:
        return f"{self.prefix.strip()} {key}".strip() if self.prefix else key

    def error(self, key: str, expected: str, value) -> ConfigError:
        return ConfigError(f"{self.path}: {self.name(key)} must be {expected}, not {value!r}")

    def string(self, key: str, value) -> str:
        if not isinstance(value, str):
            raise self.error(key, "a string", value)
        return value

    def strings(self, key: str, value) -> list[str]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key, "a list of strings", value)
        return value

    def boolean(self, key: str, value) -> bool:
        if not isinstance(value, bool):
            raise self.error(key, "true or false", value)
        return value

    def number(self, key: str, value, low: float, high: float) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise self.error(key, f"a number from {low:g} to {high:g}", value)
        return float(value)

    def count(self, key: str, value) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.error(key, "a whole number of at least 1", value)
        return value

    def fraction(self, key: str, value) -> float:
        return self.number(key, value, 0, 1)

    def patterns(self, key: str, value) -> list[re.Pattern]:
        out = []
        for pattern in self.strings(key, value):
            try:
                out.append(re.compile(pattern))
            except re.error as exc:
                raise ConfigError(f"{self.path}: {self.name(key)}: bad regular expression {pattern!r}: {exc}") from None
        return out

    def choice(self, *options: str) -> Callable[[str, Any], str]:
        def check(key: str, value) -> str:
            if value not in options:
                raise self.error(key, f"one of {', '.join(options)}", value)
            return value
        return check


# config key → Settings field
KEYS = {"model": "model", "detector": "detector", "device": "device", "backend": "backend", "batch-size": "batch_size",
        "context": "context", "threshold": "threshold", "include": "include", "exclude": "exclude",
        "field": "field", "group-field": "group_field", "max-mb": "max_mb", "ignore": "ignore",
        "allow": "allow", "cache": "cache", "baseline": "baseline", "fail-above": "fail_above",
        "fail-under": "fail_under", "sources": "sources", "grammar": "grammar",
        "languagetool-url": "languagetool_url", "seq2seq-model": "seq2seq_model",
        "seq2seq-prefix": "seq2seq_prefix", "min-similarity": "min_similarity",
        "min-confidence": "min_confidence", "max-suggestions": "max_suggestions", "backup": "backup"}


def _validators(check: _Checker) -> dict[str, Callable[[str, Any], Any]]:
    return {
        "model": check.string, "detector": check.string, "device": check.choice("auto", "cpu", "cuda"),
        "backend": check.choice("torch", "onnx", "onnx-int8"),
        "batch-size": check.count, "context": check.boolean, "threshold": check.fraction,
        "include": check.strings, "exclude": check.strings, "field": check.string, "group-field": check.string,
        "max-mb": check.count, "ignore": check.patterns, "allow": lambda k, v: set(check.strings(k, v)),
        "cache": check.boolean, "baseline": check.string, "fail-above": check.fraction,
        "fail-under": lambda k, v: check.number(k, v, 0, 100), "sources": check.strings,
        "grammar": check.choice("harper", "languagetool"), "languagetool-url": check.string,
        "seq2seq-model": check.string, "seq2seq-prefix": check.string, "min-similarity": check.fraction,
        "min-confidence": check.fraction, "max-suggestions": check.count, "backup": check.boolean,
    }


def _parse(table: dict, path: Path, prefix: str) -> Config:
    check = _Checker(path, prefix)
    validators = _validators(check)
    config = Config(source=path)
    for key, value in table.items():
        if key == "overrides":
            continue
        if key not in KEYS:
            raise ConfigError(f"{path}: {prefix}{' ' if prefix else ''}unknown key {key!r} "
                              f"(known: {', '.join(sorted([*KEYS, 'overrides']))})")
        config.values[KEYS[key]] = validators[key](key, value)
    overrides = table.get("overrides", [])
    if not isinstance(overrides, list) or not all(isinstance(o, dict) for o in overrides):
        raise ConfigError(f"{path}: {check.name('overrides')} must be an array of tables")
    parsed = []
    for number, entry in enumerate(overrides, start=1):
        sub = _Checker(path, f"{check.name('overrides')}[{number}] ")
        allowed = {"paths", *(k for k, v in KEYS.items() if v in OVERRIDABLE)}
        extra = set(entry) - allowed
        if extra:
            raise ConfigError(f"{path}: {sub.prefix}unknown key {sorted(extra)[0]!r} (overrides set: "
                              f"{', '.join(sorted(allowed))})")
        if not entry.get("paths"):
            raise ConfigError(f"{path}: {sub.prefix}needs 'paths', a list of globs")
        sub_validators = _validators(sub)
        values = {KEYS[k]: sub_validators[k](k, v) for k, v in entry.items() if k != "paths"}
        parsed.append(Override(tuple(sub.strings("paths", entry["paths"])), **values))
    config.overrides = tuple(parsed)
    return config
