"""`fix --diff`: a git-style unified diff of the best suggestions, in each file's own bytes
(for `git apply` or `patch -p1`)."""

from __future__ import annotations

from mtfix.document import Document
from mtfix.fix.apply import planned_change, unified_diff
from mtfix.reports.base import Reporter, RunSummary


class PatchReporter(Reporter):
    name = "diff"
    commands = ("fix",)
    binary = True

    def start(self) -> None:
        self.patches: list[bytes] = []

    def document(self, document: Document) -> None:
        change = planned_change(document)  # one that cannot be applied is reported by the command
        if not change.why_not and change.old != change.new:
            self.patches.append(unified_diff(document.path, change.old, change.new))

    def finish(self, summary: RunSummary) -> None:
        self.sink.write(b"".join(self.patches))  # each file's patch is in that file's encoding
