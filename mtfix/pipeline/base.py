"""Step base classes. Items are Documents, or Skipped inputs that every step passes on."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from mtfix.document import Document, Label, Sentence
from mtfix.readers.options import Skipped

Item = Document | Skipped


class Step:
    name = ""

    def run(self, items: Iterable[Item]) -> Iterator[Item]:
        raise NotImplementedError


class DocumentStep(Step):
    """A step that works on one document at a time."""

    def run(self, items: Iterable[Item]) -> Iterator[Item]:
        for item in items:
            if isinstance(item, Document):
                self.process(item)
            yield item

    def process(self, document: Document) -> None:
        raise NotImplementedError


class SentenceFilter(DocumentStep):
    """Marks sentences that are still `ok` and not suppressed with LABEL (the check's code is
    the step's name) when `reason` says why."""

    label = ""

    def process(self, document: Document) -> None:
        for sentence in document.sentences:
            if sentence.label != Label.OK or sentence.suppressed:
                continue
            why = self.reason(document, sentence)
            if why:
                sentence.mark(self.label, self.name, why)

    def reason(self, document: Document, sentence: Sentence) -> str | None:
        raise NotImplementedError


class BatchStep(Step):
    """Gathers documents until they hold BATCH_SENTENCES sentences (so model batches stay full
    across small files), processes them together, and passes them on in order."""

    batch_sentences = 1024

    def run(self, items: Iterable[Item]) -> Iterator[Item]:
        pending: list[Item] = []
        count = 0
        for item in items:
            pending.append(item)
            if isinstance(item, Document):
                count += len(item.sentences)
            if count >= self.batch_sentences:
                yield from self._flush(pending)
                pending, count = [], 0
        yield from self._flush(pending)

    def _flush(self, pending: list[Item]) -> Iterator[Item]:
        documents = [item for item in pending if isinstance(item, Document)]
        if documents:
            self.process_batch(documents)
        yield from pending

    def process_batch(self, documents: list[Document]) -> None:
        raise NotImplementedError


def run(steps: Sequence[Step], items: Iterable) -> Iterator[Item]:
    """Chain STEPS over ITEMS (paths for a chain that starts by reading)."""
    stream: Iterable = items
    for step in steps:
        stream = step.run(stream)
    return iter(stream)
