"""Files written whole or not at all: a temp file beside the target, renamed over it at the
end (or, for a backup, linked to a name that must be free). The one writer mtfix uses."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


_unfinished: set[str] = set()  # temp files being written now, for an exit that cannot unwind


def discard_unfinished() -> None:
    """Remove the temp files of writes still under way (before an immediate exit)."""
    for temp in list(_unfinished):
        Path(temp).unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _settle(temp: str, like: Path | None) -> None:
    """Give TEMP the mode (and, where allowed, owner and group) of LIKE, or the mode a new
    file gets under the umask (mkstemp makes it 0600)."""
    if like is None:
        os.chmod(temp, 0o666 & ~_umask())
        return
    info = os.stat(like)
    os.chmod(temp, info.st_mode & 0o7777)
    if hasattr(os, "chown"):
        try:
            os.chown(temp, info.st_uid, info.st_gid)
        except OSError:
            try:  # not allowed to give it away: keep at least the group
                os.chown(temp, -1, info.st_gid)
            except OSError:
                pass


@contextmanager
def atomic_file(path: Path, mode: str = "w", like: Path | None = None,
                exclusive: bool = False, before_replace: Callable[[], None] | None = None) -> Iterator:
    """Yield a handle to write PATH's new content; PATH changes only if the block finishes.
    LIKE: copy its permissions and owner. EXCLUSIVE: fail if PATH exists by then (even as a
    dangling link) instead of replacing it. BEFORE_REPLACE: called just before the rename
    (it raises to call the write off, the temp file removed)."""
    path = Path(path)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    _unfinished.add(temp)
    try:
        # backslashreplace: a file name that is not valid UTF-8 (surrogates in Python) is
        # written escaped instead of failing the whole report
        text = {"encoding": "utf-8", "errors": "backslashreplace"}
        with os.fdopen(handle, mode, **(text if "b" not in mode else {})) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        _settle(temp, like)
        if before_replace is not None:
            before_replace()
        if exclusive:
            os.link(temp, path)  # refuses an existing name, and never follows a link
            os.unlink(temp)
        else:
            os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    finally:
        _unfinished.discard(temp)


@contextmanager
def atomic_output(path: Path) -> Iterator[TextIO]:
    """A text handle for a new report at PATH."""
    with atomic_file(path, "w") as out:
        yield out


def atomic_write(path: Path, text: str) -> None:
    with atomic_file(path, "w") as out:
        out.write(text)


def atomic_write_bytes(path: Path, data: bytes, like: Path | None = None, exclusive: bool = False,
                       before_replace: Callable[[], None] | None = None) -> None:
    with atomic_file(path, "wb", like=like, exclusive=exclusive, before_replace=before_replace) as out:
        out.write(data)
