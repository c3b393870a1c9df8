"""Project configuration: `[tool.mtfix]` in pyproject.toml, or mtfix.toml / .mtfix.toml.

Found by walking up from the first scanned path; the command line overrides it. Keys:

    model = "smollm2-135m"        threshold = 0.5          detector = "path.json"
    include = ["*.md"]            exclude = ["drafts/*"]    field = "text"
    ignore = ["^Photo: "]         allow = ["Peskov"]        baseline = ".mtfix-baseline.json"
    fail-above = 0.05             fail-under = 80
    [[tool.mtfix.overrides]]      (or [[overrides]] in mtfix.toml)
    paths = ["legacy/*"]          threshold = 0.8           fail-above = 0.2

`ignore` holds regular expressions: matching sentences are suppressed. `allow` holds words
and names that are never highlighted as suspect.
"""

from __future__ import annotations

import fnmatch
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from mtfix.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_FILES = ("mtfix.toml", ".mtfix.toml", "pyproject.toml")


@dataclass
class Override:
    paths: list[str]
    threshold: float | None = None
    fail_above: float | None = None
    fail_under: float | None = None

    def matches(self, path: str) -> bool:
        return any(fnmatch.fnmatch(path, g) or fnmatch.fnmatch(Path(path).name, g) for g in self.paths)


@dataclass
class Config:
    source: Path | None = None
    model: str | None = None
    detector: str | None = None
    threshold: float | None = None
    include: list[str] | None = None
    exclude: list[str] | None = None
    jsonl_field: str | None = None
    ignore: list[re.Pattern] = field(default_factory=list)
    allow: set[str] = field(default_factory=set)
    baseline: str | None = None
    fail_above: float | None = None
    fail_under: float | None = None
    overrides: list[Override] = field(default_factory=list)

    def override_for(self, path: str) -> Override | None:
        relative = self.relative(path)
        for override in reversed(self.overrides):  # the last matching override wins
            if override.matches(relative):
                return override
        return None

    def relative(self, path: str) -> str:
        if self.source is None:
            return path
        try:
            return Path(path).resolve().relative_to(self.source.parent.resolve()).as_posix()
        except ValueError:
            return path


def find_config(start: Path) -> Path | None:
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        for name in CONFIG_FILES:
            path = candidate / name
            if path.is_file() and (name != "pyproject.toml" or b"[tool.mtfix" in path.read_bytes()):
                return path
    return None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    table = data.get("tool", {}).get("mtfix", {}) if path.name == "pyproject.toml" else data
    prefix = "[tool.mtfix]" if path.name == "pyproject.toml" else ""
    return _parse(table, path, prefix)


def _parse(table: dict, path: Path, prefix: str) -> Config:
    check = _Checker(path, prefix)
    known = {"model", "detector", "threshold", "include", "exclude", "field", "ignore", "allow",
             "baseline", "fail-above", "fail-under", "overrides"}
    for key in table:
        if key not in known:
            raise ConfigError(f"{path}: {prefix}{' ' if prefix else ''}unknown key {key!r} "
                              f"(known: {', '.join(sorted(known))})")
    config = Config(source=path)
    config.model = check.string(table, "model")
    config.detector = check.string(table, "detector")
    config.jsonl_field = check.string(table, "field")
    config.baseline = check.string(table, "baseline")
    config.threshold = check.fraction(table, "threshold")
    config.fail_above = check.fraction(table, "fail-above")
    config.fail_under = check.number(table, "fail-under", 0, 100)
    config.include = check.strings(table, "include")
    config.exclude = check.strings(table, "exclude")
    config.allow = set(check.strings(table, "allow") or [])
    for pattern in check.strings(table, "ignore") or []:
        try:
            config.ignore.append(re.compile(pattern))
        except re.error as exc:
            raise ConfigError(f"{path}: {check.name('ignore')}: bad regular expression {pattern!r}: {exc}") from None
    overrides = table.get("overrides", [])
    if not isinstance(overrides, list) or not all(isinstance(o, dict) for o in overrides):
        raise ConfigError(f"{path}: {check.name('overrides')} must be an array of tables")
    for number, entry in enumerate(overrides, start=1):
        sub = _Checker(path, f"{check.name('overrides')}[{number}] ")
        extra = set(entry) - {"paths", "threshold", "fail-above", "fail-under"}
        if extra:
            raise ConfigError(f"{path}: {sub.prefix}unknown key {sorted(extra)[0]!r}")
        paths = sub.strings(entry, "paths")
        if not paths:
            raise ConfigError(f"{path}: {sub.prefix}needs 'paths', a list of globs")
        config.overrides.append(Override(paths, sub.fraction(entry, "threshold"),
                                         sub.fraction(entry, "fail-above"),
                                         sub.number(entry, "fail-under", 0, 100)))
    return config


class _Checker:
    def __init__(self, path: Path, prefix: str) -> None:
        self.path, self.prefix = path, prefix

    def name(self, key: str) -> str:
        return f"{self.prefix.strip()} {key}".strip() if self.prefix else key

    def _error(self, key: str, expected: str, value) -> ConfigError:
        return ConfigError(f"{self.path}: {self.name(key)} must be {expected}, not {value!r}")

    def string(self, table: dict, key: str) -> str | None:
        value = table.get(key)
        if value is not None and not isinstance(value, str):
            raise self._error(key, "a string", value)
        return value

    def strings(self, table: dict, key: str) -> list[str] | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._error(key, "a list of strings", value)
        return value

    def number(self, table: dict, key: str, low: float, high: float) -> float | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise self._error(key, f"a number from {low:g} to {high:g}", value)
        return float(value)

    def fraction(self, table: dict, key: str) -> float | None:
        return self.number(table, key, 0, 1)
