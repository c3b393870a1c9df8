"""The first step: paths (files, folders, '-') to Documents, with a Skipped for each input
that cannot be read."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from mtfix.errors import InputError
from mtfix.pipeline.base import Item, Step
from mtfix.readers import ReadOptions, Skipped, discover, read_path


class Read(Step):
    name = "read"

    def __init__(self, options: ReadOptions) -> None:
        self.options = options
        self.files = 0
        self.skipped = 0

    def targets(self, paths: Iterable[str]) -> list[str | Skipped]:
        """The files PATHS stand for (folders expanded), before any is read."""
        return list(discover(list(paths), self.options))

    def run(self, items: Iterable[str | Skipped]) -> Iterator[Item]:
        for path in discover(list(items), self.options):
            if isinstance(path, Skipped):
                self.skipped += 1
                yield path
                continue
            try:
                read = read_path(path, self.options)
            except InputError as exc:
                self.skipped += 1
                yield Skipped(path, str(exc))
                continue
            self.files += 1
            for item in read:
                if isinstance(item, Skipped):
                    self.skipped += 1
                yield item
