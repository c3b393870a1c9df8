"""Where mtfix keeps converted models and caches: $MTFIX_HOME, else the platform cache dir."""

from __future__ import annotations

import os
from pathlib import Path


def mtfix_home() -> Path:
    configured = os.environ.get("MTFIX_HOME")
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("mtfix"))


def models_dir() -> Path:
    return mtfix_home() / "models"


def downloads_dir() -> Path:
    return mtfix_home() / "downloads"
