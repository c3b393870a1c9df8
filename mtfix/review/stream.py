"""Suggestions computed ahead of the reviewer: a worker thread fixes the flagged sentences in
reading order, from wherever the reviewer is, and hands each one over as soon as it is
done; the review shows the first sentence while the rest are still being computed.

The models run in the worker thread alone (torch releases the interpreter lock while it
computes, so the prompt or the full-screen view stays responsive). Sentences already
decided in an earlier review are never computed, and the fix step's cache makes the ones
computed before free."""

from __future__ import annotations

import threading
from collections.abc import Callable

from mtfix.fix.candidate import SentenceFix

MAX_CHUNK = 4  # sentences fixed together: small, so a quit waits for little


class SuggestionStream:
    """The fixes of ITEMS (ReviewItems), filled into `item.fix` by a worker using FIX_STEP
    (mtfix.fix.fixer.Fix). WANTED(index) says whether an item still needs its fix."""

    def __init__(self, fix_step, items: list, wanted: Callable[[int], bool]) -> None:
        self.fix_step = fix_step
        self.items = items
        self.wanted = wanted
        self.position = 0  # where the reviewer is: the worker goes on from there
        self.error: BaseException | None = None
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, name="mtfix-suggestions", daemon=True)
        self._thread.start()

    # -- what the review asks ----------------------------------------------------------
    @property
    def finished(self) -> bool:
        return not self._thread.is_alive()

    def follow(self, position: int) -> None:
        """The reviewer moved to POSITION: compute from there on first."""
        self.position = position

    def wait(self, index: int, timeout: float | None = None) -> SentenceFix | None:
        """The fix of item INDEX, waiting for it (at most TIMEOUT seconds); raises the
        worker's error if it failed."""
        self.follow(index)
        with self._changed:
            self._changed.wait_for(lambda: self.items[index].fix is not None or self.error is not None
                                   or self.finished, timeout)
        if self.error is not None:
            raise self.error
        return self.items[index].fix

    def stop(self) -> None:
        """Stop after the chunk under way (its results are kept in the cache)."""
        self._stop.set()
        self._thread.join()

    # -- the worker --------------------------------------------------------------------
    def _next(self, count: int) -> list[int]:
        """Up to COUNT indices still to compute, from the reviewer's position on, then the
        ones before it."""
        order = list(range(self.position, len(self.items))) + list(range(self.position))
        return [i for i in order if self.items[i].fix is None and self.wanted(i)][:count]

    def _work(self) -> None:
        chunk = 1
        try:
            while not self._stop.is_set():
                batch = self._next(chunk)
                if not batch:
                    break
                fixes = self.fix_step.fix_targets([self.items[i].target for i in batch])
                with self._changed:
                    for index, fix in zip(batch, fixes):
                        self.items[index].fix = fix
                    self._changed.notify_all()
                chunk = min(2 * chunk, MAX_CHUNK)
        except BaseException as exc:  # noqa: BLE001 - handed to the reviewer's thread, raised there
            self.error = exc
        finally:
            with self._changed:
                self._changed.notify_all()
