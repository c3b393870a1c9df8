"""The pipeline: every command is a chain of steps, documents in, documents out.

    read → segment → suppress → boilerplate → duplicates → checks → detect → adequacy [→ fix]

`mtfix.pipeline.build` (chain.py) assembles it, from the step names in `STEPS`; `scan`,
`score`, `fix` and `review` run the same chain and differ only in its last step and their
reporters. A step implements `run` over the stream, or, through a base class that owns the
loop, one smaller method: `process` a document (`DocumentStep`), give a sentence's `reason`
to be labelled (`SentenceFilter`), or `process_batch` documents gathered across files
(`BatchStep`)."""

from mtfix.pipeline.base import BatchStep, DocumentStep, Item, SentenceFilter, Step, run

__all__ = ["BatchStep", "DocumentStep", "Item", "SentenceFilter", "STEPS", "Step", "build", "run"]


def __getattr__(name: str):
    """`build` and `STEPS` (mtfix/pipeline/chain.py) load on first use: the steps they
    import are built on this package's base classes."""
    if name in ("build", "STEPS"):
        from mtfix.pipeline import chain

        return getattr(chain, name)
    raise AttributeError(name)
