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
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtfix.errors import ConfigError
from mtfix.settings import SPECS, Override, Settings, SettingValueError, Spec, key_of

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
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    if path.name == "pyproject.toml":
        table = _mtfix_table(path)
        if table is None:
            raise ConfigError(f"{path}: has no [tool.mtfix] table")
        return _parse(table, path, "[tool.mtfix]")
    return _parse(_read_toml(path), path, "")


# config key → Settings field, for every setting
KEYS = {key_of(name): name for name in SPECS}
OVERRIDE_PATHS = Spec("strings", "Globs of the files an [[overrides]] entry applies to.")


def _value(where: str, key: str, value: Any) -> Any:
    """VALUE of config KEY as its setting's type, or a ConfigError naming WHERE and KEY."""
    try:
        return SPECS[KEYS[key]].parse(value)
    except SettingValueError as exc:
        raise ConfigError(f"{where}{key} {exc}") from None


def _parse(table: dict, path: Path, prefix: str) -> Config:
    where = f"{path}: {prefix + ' ' if prefix else ''}"
    config = Config(source=path)
    for key, value in table.items():
        if key == "overrides":
            continue
        if key not in KEYS:
            raise ConfigError(f"{where}unknown key {key!r} (known: {', '.join(sorted([*KEYS, 'overrides']))})")
        config.values[KEYS[key]] = _value(where, key, value)
    overrides = table.get("overrides", [])
    if not isinstance(overrides, list) or not all(isinstance(o, dict) for o in overrides):
        raise ConfigError(f"{where}overrides must be an array of tables")
    allowed = {"paths", *(key_of(name) for name, spec in SPECS.items() if spec.overridable)}
    parsed = []
    for number, entry in enumerate(overrides, start=1):
        inner = f"{where}overrides[{number}] "
        extra = set(entry) - allowed
        if extra:
            raise ConfigError(f"{inner}unknown key {sorted(extra)[0]!r} (overrides set: {', '.join(sorted(allowed))})")
        if not entry.get("paths"):
            raise ConfigError(f"{inner}needs 'paths', a list of globs")
        try:
            paths = OVERRIDE_PATHS.parse(entry["paths"])
        except SettingValueError as exc:
            raise ConfigError(f"{inner}paths {exc}") from None
        values = {KEYS[k]: _value(inner, k, v) for k, v in entry.items() if k != "paths"}
        parsed.append(Override(paths, **values))
    config.overrides = tuple(parsed)
    return config


def effective(path: Path, config_file: Path | None = None) -> tuple[Path | None, list[tuple[str, Any, str]]]:
    """The config file read for the file or folder PATH (None: none found), and each setting as
    a command would use it there, with where its value came from: (config key, value,
    origin), origin being "default", the config file, or its overrides entry that matched."""
    if not path.exists():
        raise ConfigError(f"{path}: no such file or directory")
    source = config_file or find_config(path)
    config = load_config(source)
    settings = config.settings()
    origins = {name: str(source) for name in config.values}
    if path.is_file():
        relative = settings.relative(str(path))
        for number, override in enumerate(config.overrides, start=1):
            if override.matches(relative):  # the last matching entry wins, as in Settings.for_path
                origins.update({name: f"{source} (overrides[{number}])" for name in override.changes()})
        settings = settings.for_path(str(path))
    return source, [(key, plain(getattr(settings, name)), origins.get(name, "default")) for key, name in KEYS.items()]


def plain(value: Any) -> Any:
    """A setting's value as JSON and TOML hold it: lists of strings (patterns as their text)."""
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return [getattr(v, "pattern", v) for v in value]
    return value
