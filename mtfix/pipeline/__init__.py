"""The pipeline: every command is a chain of steps, documents in, documents out.

    read → segment → suppress → boilerplate → duplicates → detect [→ fix]

`scan`, `score`, `fix` and `review` assemble the same chain (`mtfix.pipeline.build`) and
differ only in their last steps and their reporters. A step implements `run` over the
stream, or, through a base class that owns the loop, one smaller method: `process` a
document (`DocumentStep`), give a sentence's `reason` to be labelled (`SentenceFilter`),
or `process_batch` documents gathered across files (`BatchStep`)."""

from mtfix.pipeline.base import BatchStep, DocumentStep, Item, SentenceFilter, Step, run

__all__ = ["BatchStep", "DocumentStep", "Item", "SentenceFilter", "Step", "run"]
