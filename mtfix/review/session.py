"""A review session: the flagged sentences with their suggestions, the reviewer's decisions
(saved to a state file as they are made, so a later run resumes), undo, and applying the
accepted rewrites to the files atomically with backups."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from mtfix.atomic import atomic_write
from mtfix.document import Document
from mtfix.errors import InputError
from mtfix.fix.apply import apply_document
from mtfix.fix.candidate import FixTarget, SentenceFix

ACCEPTED, EDITED, REJECTED = "accepted", "edited", "rejected"


@dataclass
class ReviewItem:
    """A flagged sentence under review; its fix (the suggestions) arrives when computed."""

    target: FixTarget
    fix: SentenceFix | None = None

    @property
    def document(self) -> Document:
        return self.target.document

    @property
    def key(self) -> str:
        """Stable across runs while the sentence is unchanged: the file and the sentence text."""
        digest = hashlib.sha1(self.target.sentence.text.encode("utf-8")).hexdigest()[:16]
        return f"{os.path.abspath(self.document.path)}\t{digest}"

    @property
    def paragraph(self) -> tuple[str, int, int]:
        """The sentence's paragraph, and where the sentence lies in it."""
        sentence = self.target.sentence
        same = [s for s in self.document.sentences if s.paragraph == sentence.paragraph] or [sentence]
        start, end = same[0].start, same[-1].end
        text = self.document.text[start:end]
        return text, sentence.start - start, sentence.end - start


@dataclass
class ReviewSummary:
    accepted: int = 0
    edited: int = 0
    rejected: int = 0
    undecided: int = 0
    applied: dict[str, int] = field(default_factory=dict)  # path → sentences rewritten
    backups: dict[str, str] = field(default_factory=dict)
    not_applied: dict[str, list[str]] = field(default_factory=dict)  # path → why, each thing left unwritten
    failed: int = 0  # files that could not be written

    def lines(self) -> list[str]:
        out = [f"reviewed: {self.accepted} accepted, {self.edited} edited, {self.rejected} rejected, "
               f"{self.undecided} left for later"]
        for path, count in self.applied.items():
            kept = f" (original kept as {self.backups[path]})" if path in self.backups else ""
            out.append(f"  wrote {count} change(s) to {path}{kept}")
        for path, reasons in self.not_applied.items():
            out += [f"  not written: {path}: {why}" for why in reasons]
        return out


class ReviewSession:
    def __init__(self, items: list[ReviewItem], state_path: Path, backup: bool = True) -> None:
        self.items = items
        self.state_path = state_path
        self.backup = backup
        self.decisions: dict[str, dict] = self._load()
        self._remember_written()
        self.choice: dict[int, int] = {}  # item index → candidate shown
        self.history: list[tuple[int, str, dict | None]] = []
        self.stream = None  # a SuggestionStream while suggestions are still being computed
        self.position = 0
        self._seek(0)

    # -- state file -------------------------------------------------------------------
    def _load(self) -> dict[str, dict]:
        if not self.state_path.is_file():
            return {}
        try:
            data = json.loads(self.state_path.read_text("utf-8"))
            decisions = dict(data["decisions"])
            for key, decision in decisions.items():
                if not isinstance(decision, dict) or decision.get("action") not in (ACCEPTED, EDITED, REJECTED) \
                        or not isinstance(decision.get("text"), (str, type(None))):
                    raise ValueError(f"the decision for {key.split(chr(9))[0]} is not a decision")
            return decisions
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            raise InputError(f"review state {self.state_path} is unreadable ({exc}); move it aside to start over")
        except RecursionError:
            raise InputError(f"review state {self.state_path} is unreadable (nested too deeply); "
                             "move it aside to start over") from None

    def save(self) -> None:
        atomic_write(self.state_path, json.dumps({"version": 1, "decisions": self.decisions},
                                                 ensure_ascii=False, indent=1) + "\n")

    # -- where we are -----------------------------------------------------------------
    @property
    def done(self) -> bool:
        return self.position >= len(self.items)

    @property
    def current(self) -> ReviewItem | None:
        return None if self.done else self.items[self.position]

    def decided(self, index: int) -> bool:
        """A rejection stands; an accepted or edited rewrite that was written stands only while
        the file holds it: finding the original sentence again (a restored backup) reopens it.
        The rewrite itself, still flagged, is not asked about again: it was decided once."""
        item = self.items[index]
        decision = self.decisions.get(item.key)
        if decision is not None and not decision.get("applied"):
            return True
        return self._written_here(item)

    def _written_here(self, item: ReviewItem) -> bool:
        """Is ITEM's sentence a rewrite that an earlier review wrote (as decided)?"""
        return (item.key.split("\t")[0], " ".join(item.target.sentence.text.split())) in self._written

    def _remember_written(self) -> None:
        """(file, words) of every rewrite written as decided: looked up for each item, so kept
        as a set, made again whenever a decision's `applied` changes (apply, undo)."""
        self._written = {(key.split("\t")[0], " ".join(d["text"].split())) for key, d in self.decisions.items()
                         if d.get("applied") and d.get("text")}

    @property
    def counts(self) -> dict[str, int]:
        out = {ACCEPTED: 0, EDITED: 0, REJECTED: 0}
        for index, item in enumerate(self.items):
            if item.key in self.decisions and self.decided(index) and not self._written_here(item):
                out[self.decisions[item.key]["action"]] += 1
        return out

    @property
    def ready(self) -> int:
        """How many items have their suggestions."""
        return sum(item.fix is not None for item in self.items)

    def wait_for_current(self, timeout: float | None = None) -> bool:
        """Wait (at most TIMEOUT seconds) for the current item's suggestions; True once they
        are there."""
        item = self.current
        if item is not None and item.fix is None and self.stream is not None:
            self.stream.wait(self.position, timeout)
        return item is not None and item.fix is not None

    def candidate_index(self) -> int:
        return self.choice.get(self.position, 0)

    def candidate_text(self) -> str | None:
        item = self.current
        if item is None or item.fix is None or not item.fix.suggestions:
            return None
        return item.fix.suggestions[self.candidate_index()].text

    def _seek(self, start: int) -> None:
        """Move to the first undecided item from START on."""
        self.position = start
        while self.position < len(self.items) and self.decided(self.position):
            self.position += 1
        if self.stream is not None:
            self.stream.follow(self.position)

    # -- actions ----------------------------------------------------------------------
    def cycle(self, step: int = 1) -> None:
        item = self.current
        if item and item.fix and item.fix.suggestions:
            self.choice[self.position] = (self.candidate_index() + step) % len(item.fix.suggestions)

    def accept(self) -> bool:
        text = self.candidate_text()
        if text is None:
            return False
        self._decide({"action": ACCEPTED, "text": text, "applied": False})
        return True

    def unwritable(self, text: str) -> str:
        """Why TEXT cannot go into the current item's file (a character its encoding cannot
        hold), or ''."""
        item = self.current
        if item is None:
            return ""
        try:
            text.encode(item.document.encoding)
        except UnicodeEncodeError as exc:
            return f"the file's encoding ({item.document.encoding}) cannot hold {text[exc.start:exc.end]!r}"
        except LookupError:
            return ""
        return ""

    def edit(self, text: str) -> None:
        self._decide({"action": EDITED, "text": text, "applied": False})

    def reject(self) -> None:
        self._decide({"action": REJECTED, "text": None, "applied": False})

    def skip_file(self) -> None:
        """Leave the rest of this file undecided for now and go to the next file."""
        item = self.current
        if item is None:
            return
        self.history.append((self.position, "", None))
        index = self.position
        while index < len(self.items) and self.items[index].document.path == item.document.path:
            index += 1
        self._seek(index)

    def undo(self) -> bool:
        if not self.history:
            return False
        position, key, previous = self.history.pop()
        if key:
            if previous is None:
                self.decisions.pop(key, None)
            else:
                self.decisions[key] = previous
            self._remember_written()
            self.save()
        self.position = position
        if self.stream is not None:
            self.stream.follow(position)
        return True

    def _decide(self, decision: dict) -> None:
        item = self.current
        if item is None:
            return
        self.history.append((self.position, item.key, self.decisions.get(item.key)))
        self.decisions[item.key] = decision
        self.save()
        self._seek(self.position + 1)

    # -- writing ----------------------------------------------------------------------
    def apply(self) -> ReviewSummary:
        """Write every accepted or edited rewrite not yet written, file by file."""
        summary = ReviewSummary(**{k: v for k, v in self.counts.items()})
        summary.undecided = sum(1 for i in range(len(self.items)) if not self.decided(i))
        by_document: dict[int, list[ReviewItem]] = {}
        for index, item in enumerate(self.items):
            decision = self.decisions.get(item.key)
            if decision is not None and self.decided(index) and decision["text"] is not None:
                by_document.setdefault(id(item.document), []).append(item)
        for items in by_document.values():
            self._apply_document(items, summary)
        self.save()
        return summary

    def _apply_document(self, items: list[ReviewItem], summary: ReviewSummary) -> None:
        document = items[0].document
        choices = {i.target.sentence.start: self.decisions[i.key]["text"] for i in items}
        applied = apply_document(document, self.backup, choices, [SentenceFix(i.target) for i in items])
        for why in applied.refused.values():  # the decision stays, not applied: offered again
            summary.not_applied.setdefault(document.path, []).append(f"{why}; the decision is kept")
        if applied.why_not:
            summary.not_applied.setdefault(document.path, []).append(applied.why_not)
            summary.failed += applied.failed
            return
        for item in items:
            if item.target.sentence.start in applied.written:
                self.decisions[item.key]["applied"] = True
        self._remember_written()
        if not applied.count:
            return
        summary.applied[document.path] = applied.count
        if applied.kept:
            summary.backups[document.path] = str(applied.kept)
