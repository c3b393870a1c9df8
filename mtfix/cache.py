"""A persistent SQLite cache of per-sentence analysis: features and suspect spans.

Keyed by the normalised sentence text and a settings key (mtfix version, LM, detector
digest), so an unchanged corpus needs almost no model work and a changed one scores only
what changed. Probabilities are not stored: they come from the features in microseconds,
so a new threshold never invalidates the cache.

Safety: WAL journal and a busy timeout let concurrent runs share the file; each batch is
one transaction, so a run killed midway leaves the batches already committed. A file that
is not a readable cache is moved aside and rebuilt, never fatal.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
import time
from pathlib import Path

SCHEMA = "CREATE TABLE IF NOT EXISTS analysis (key TEXT PRIMARY KEY, value TEXT NOT NULL)"


def cache_key(settings: str, text: str) -> str:
    return hashlib.sha256(f"{settings}\x00{text}".encode()).hexdigest()


class AnalysisCache:
    def __init__(self, path: Path, settings: str) -> None:
        self.path = Path(path)
        self.settings = settings
        self.hits = 0
        self.misses = 0
        self.connection = self._open()

    def _open(self) -> sqlite3.Connection | None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return self._connect()
        except sqlite3.OperationalError as exc:  # locked or unwritable: a busy cache is not a corrupt one
            print(f"mtfix: warning: score cache disabled ({exc})", file=sys.stderr)
            return None
        except sqlite3.DatabaseError:  # "file is not a database" and the like
            self._move_aside()
            try:
                return self._connect()
            except sqlite3.Error as exc:
                print(f"mtfix: warning: score cache disabled ({exc})", file=sys.stderr)
                return None
        except (OSError, sqlite3.Error) as exc:
            print(f"mtfix: warning: score cache disabled ({exc})", file=sys.stderr)
            return None

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        for attempt in range(50):
            # Switching to WAL needs a moment alone with the file and ignores the busy
            # timeout, so a run that starts beside another one waits and tries again.
            try:
                connection.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError:
                if attempt == 49:
                    raise
                time.sleep(0.1)
        connection.execute(SCHEMA)
        connection.execute("SELECT count(*) FROM analysis LIMIT 1").fetchone()
        return connection

    def _move_aside(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            broken = Path(f"{self.path}{suffix}")
            if broken.exists():
                broken.replace(f"{broken}.corrupt")
        print(f"mtfix: warning: score cache {self.path} was unreadable; starting a new one", file=sys.stderr)

    def get_many(self, texts: list[str]) -> dict[str, dict]:
        """Cached values for those texts that have one."""
        if self.connection is None or not texts:
            return {}
        keys = {cache_key(self.settings, t): t for t in texts}
        found: dict[str, dict] = {}
        try:
            items = list(keys)
            for begin in range(0, len(items), 500):
                chunk = items[begin:begin + 500]
                marks = ",".join("?" * len(chunk))
                for key, value in self.connection.execute(
                        f"SELECT key, value FROM analysis WHERE key IN ({marks})", chunk):
                    found[keys[key]] = json.loads(value)
        except (sqlite3.Error, ValueError) as exc:
            self._disable(exc)
            return {}
        self.hits += len(found)
        self.misses += len(set(texts)) - len(found)
        return found

    def put_many(self, values: dict[str, dict]) -> None:
        if self.connection is None or not values:
            return
        rows = [(cache_key(self.settings, text), json.dumps(value)) for text, value in values.items()]
        try:
            self.connection.execute("BEGIN IMMEDIATE")
            self.connection.executemany("INSERT OR REPLACE INTO analysis (key, value) VALUES (?, ?)", rows)
            self.connection.execute("COMMIT")
        except sqlite3.Error as exc:
            self._disable(exc)

    def _disable(self, exc: Exception) -> None:
        print(f"mtfix: warning: score cache disabled ({exc})", file=sys.stderr)
        try:
            self.connection.close()
        except sqlite3.Error:
            pass
        self.connection = None
