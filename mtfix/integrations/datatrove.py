"""A datatrove filter step: score each Document with mtfix, write the figures into its
metadata, and keep or drop it by a threshold (`pip install 'mtfix[datatrove]'`).

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from mtfix.integrations.datatrove import MTFixFilter

    LocalPipelineExecutor(pipeline=[
        JsonlReader("corpus/"),
        MTFixFilter(max_garbled_rate=0.1, exclusion_writer=JsonlWriter("dropped/")),
        JsonlWriter("kept/"),
    ], tasks=4).run()

It follows datatrove's filter conventions: `filter_batch` scores a batch in one pipeline pass,
dropped documents go to the exclusion writer with `filter_reason`, and the step's stats
count kept, dropped and why. The model is loaded in each worker on first use."""

from __future__ import annotations

from mtfix import extras

extras.require("the datatrove integration", "datatrove")

from datatrove.data import Document as DatatroveDocument  # noqa: E402
from datatrove.pipeline.filters.base_filter import BaseFilter  # noqa: E402
from datatrove.pipeline.writers.disk_base import DiskWriter  # noqa: E402

from mtfix.integrations.records import score_records  # noqa: E402


class MTFixFilter(BaseFilter):
    name = "🈂️ mtfix"

    def __init__(self, max_garbled_rate: float | None = 0.1, min_quality: float | None = None,
                 exclusion_writer: DiskWriter | None = None, batch_size: int = 32, metadata_key: str = "mtfix",
                 **settings) -> None:
        super().__init__(exclusion_writer, batch_size)
        self.max_garbled_rate = max_garbled_rate
        self.min_quality = min_quality
        self.metadata_key = metadata_key
        self.settings = settings  # any mtfix Settings fields: model, threshold, context, device, …
        self._checker = None

    @property
    def checker(self):
        if self._checker is None:
            import mtfix

            self._checker = mtfix.load(**self.settings)
        return self._checker

    def filter(self, doc: DatatroveDocument) -> bool | tuple[bool, str]:
        return self.filter_batch([doc])[0]

    def filter_batch(self, batch: list[DatatroveDocument]) -> list[bool | tuple[bool, str]]:
        source_field = self.checker.settings.source_field  # a document's source, in its metadata
        rows = [{"text": doc.text, **({source_field: doc.metadata.get(source_field)} if source_field else {})}
                for doc in batch]
        records = score_records(self.checker, [doc.id for doc in batch], rows)
        results = []
        for doc, record in zip(batch, records):
            figures = record.figures
            doc.metadata[self.metadata_key] = {k: v for k, v in figures.items() if k != "probability_sum"}
            if figures["error"]:
                self.stat_update("mtfix_bad_text")
                results.append((False, "mtfix_bad_text"))
                continue
            self.stat_update("mtfix_sentences", value=figures["sentences"])
            self.stat_update("mtfix_garbled", value=figures["garbled"])
            if self.max_garbled_rate is not None and figures["garbled_rate"] > self.max_garbled_rate:
                results.append((False, "mtfix_garbled_rate"))
            elif self.min_quality is not None and figures["quality"] < self.min_quality:
                results.append((False, "mtfix_quality"))
            else:
                results.append(True)
        return results
