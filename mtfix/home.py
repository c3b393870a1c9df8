"""Where mtfix keeps converted models and caches: $MTFIX_HOME, else the platform cache dir."""

from __future__ import annotations

import os
from pathlib import Path

from mtfix.errors import ConfigError


def mtfix_home() -> Path:
    """The folder, checked: a file there, or a folder mtfix may not write, is a ConfigError."""
    configured = os.environ.get("MTFIX_HOME")
    if configured:
        home = Path(configured).expanduser()
    else:
        from platformdirs import user_cache_dir

        home = Path(user_cache_dir("mtfix"))
    where = f"MTFIX_HOME {home}" if configured else f"mtfix's folder {home}"
    if home.exists() and not home.is_dir():
        raise ConfigError(f"{where} is not a folder")
    if home.is_dir() and not os.access(home, os.W_OK | os.X_OK):
        raise ConfigError(f"{where} is not writable")
    return home


def models_dir() -> Path:
    return mtfix_home() / "models"


def downloads_dir() -> Path:
    return mtfix_home() / "downloads"
