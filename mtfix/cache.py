"""A persistent SQLite store of per-sentence results: the analysis of each sentence
(features and suspect spans; table `analysis`) and the fix suggestions of each flagged one
(table `suggestions`).

Keyed by the text and a settings key (mtfix version, LM, detector digest, code digests,
and for suggestions the sources and every setting that changes one), so an unchanged
corpus needs almost no model work and a changed one computes only what changed.
Probabilities are not stored: they come from the features in microseconds, so a new
threshold never invalidates the cache.

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
from dataclasses import dataclass
from pathlib import Path

TABLES = ("analysis", "suggestions")
NUMBER, INTEGER, TEXT, ANY = "number", "integer", "text", "any"


@dataclass(frozen=True)
class EachValue:
    """A shape: a dict of any keys, each value of SHAPE."""

    shape: object


def has_shape(value, shape) -> bool:
    """Does VALUE (read back from JSON) have SHAPE? A shape is NUMBER, INTEGER, TEXT or ANY; a tuple of
    shapes (a list of exactly those); a one-element list (a list of any length, each element
    of that shape); a dict of key → shape (those keys at least); EachValue(shape) (a dict of
    any keys, each value of that shape); a set of shapes (any one of them); or None (null). A row of the right keys but wrong types (a null probability, a word
    of one number) would crash every later run: it is read as missing and computed again."""
    if shape is None:
        return value is None
    if shape == ANY:
        return True
    if shape == NUMBER:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if shape == INTEGER:
        return isinstance(value, int) and not isinstance(value, bool)
    if shape == TEXT:
        return isinstance(value, str)
    if isinstance(shape, (set, frozenset)):
        return any(has_shape(value, option) for option in shape)
    if isinstance(shape, tuple):
        return isinstance(value, list) and len(value) == len(shape) and all(map(has_shape, value, shape))
    if isinstance(shape, list):
        return isinstance(value, list) and all(has_shape(item, shape[0]) for item in value)
    if isinstance(shape, EachValue):
        return isinstance(value, dict) and all(has_shape(item, shape.shape) for item in value.values())
    if isinstance(shape, dict):
        return isinstance(value, dict) and all(k in value and has_shape(value[k], v) for k, v in shape.items())
    raise ValueError(f"not a shape: {shape!r}")


def cache_key(settings: str, text: str) -> str:
    return hashlib.sha256(f"{settings}\x00{text}".encode("utf-8", "surrogatepass")).hexdigest()


class AnalysisCache:
    """TABLE of the store at PATH, for the results computed under SETTINGS."""

    def __init__(self, path: Path, settings: str, table: str = "analysis") -> None:
        if table not in TABLES:
            raise ValueError(f"no cache table {table!r}")
        self.path = Path(path)
        self.settings = settings
        self.table = table
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
        # Used by one thread at a time, not always the one that opened it (review computes
        # suggestions in a worker thread).
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
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
        for table in TABLES:
            connection.execute(f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        connection.execute(f"SELECT count(*) FROM {self.table} LIMIT 1").fetchone()
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
                        f"SELECT key, value FROM {self.table} WHERE key IN ({marks})", chunk):
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
            self.connection.executemany(f"INSERT OR REPLACE INTO {self.table} (key, value) VALUES (?, ?)", rows)
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
