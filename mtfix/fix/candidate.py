"""The records of the fix pipeline: a FixTarget (a flagged sentence to repair), the
Candidates the sources propose for it, and the Suggestions that survive reranking."""

from __future__ import annotations

from dataclasses import dataclass, field

from mtfix import labels
from mtfix.document import Document, Sentence
from mtfix.normalize import normalize


@dataclass
class FixTarget:
    """A flagged sentence, in the normalised form the LM and the sources see."""

    document: Document
    sentence: Sentence
    text: str = ""
    index_map: list[int] = field(default_factory=list)
    suspects: list[tuple[int, int]] = field(default_factory=list)  # suspect words, in `text`
    protected: list[str] = field(default_factory=list)  # code inside the sentence: kept as it is
    alternatives: dict[tuple[int, int], str] = field(default_factory=dict)  # near misses' words, in `text`
    near_gain: float = 0.0  # nats the near miss's alternative gained as scan read it (in context)

    @classmethod
    def of(cls, document: Document, sentence: Sentence) -> "FixTarget":
        text, index_map = normalize(sentence.text)
        back = {original: normalised for normalised, original in enumerate(index_map)}
        suspects = [(back[s.local_start], back[s.local_start] + len(s.text))
                    for s in sentence.spans if s.local_start in back]
        alternatives = {(back[s.local_start], back[s.local_start] + len(s.text)): s.alternative
                        for s in sentence.spans if s.alternative and s.local_start in back}
        protected = [normalize(document.text[start:end])[0] for start, end in document.protected
                     if start < sentence.end and sentence.start < end]
        near_gain = max((s.gain for s in sentence.spans if s.alternative), default=0.0)
        return cls(document, sentence, text, index_map, suspects, protected, alternatives, near_gain)

    @classmethod
    def flagged_in(cls, document: Document) -> list["FixTarget"]:
        """A target for each sentence of DOCUMENT whose label `fix` rewrites (the ones counted in
        the garbled rate), in order."""
        gating = labels.gating()
        return [cls.of(document, s) for s in document.sentences if s.label in gating]


@dataclass
class Candidate:
    text: str
    source: str  # roundtrip, seq2seq, grammar or lm
    detail: str = ""  # what the source did, e.g. "lower-cased 'Proposed'"
    # the check whose finding the translation's source undoes (numbers, links): the source says
    # what the sentence must hold, so it is offered at full confidence, past the guards
    decided: str = ""


@dataclass
class Suggestion:
    """A candidate that passed the guards and beats the original."""

    text: str
    source: str
    detail: str
    score_before: float  # P(garbled) of the original, as `scan` computes it
    score_after: float
    nll_before: float  # mean token surprisal (nats)
    nll_after: float
    similarity: float  # meaning similarity to the original, 0-1
    edit_rate: float  # changed words / words of the original
    # the reranker's objective, uncapped: it orders suggestions whose confidence is 1. Shown
    # and compared as `confidence`, the one score a user sees.
    merit: float = field(repr=False)
    reason: str = ""

    @property
    def confidence(self) -> float:
        """The merit capped at 1, as it is shown and compared with --min-confidence."""
        return min(1.0, self.merit)

    def as_dict(self) -> dict:
        return {"text": self.text, "source": self.source, "detail": self.detail,
                "score_before": round(self.score_before, 4), "score_after": round(self.score_after, 4),
                "nll_before": round(self.nll_before, 4), "nll_after": round(self.nll_after, 4),
                "similarity": round(self.similarity, 4), "edit_rate": round(self.edit_rate, 4),
                "confidence": round(self.confidence, 4), "reason": self.reason}


@dataclass
class SentenceFix:
    """Everything mtfix proposes for one flagged sentence, best first (may be empty)."""

    target: FixTarget
    suggestions: list[Suggestion] = field(default_factory=list)
    considered: int = 0  # candidates proposed before guards and reranking
    rejected: dict[str, int] = field(default_factory=dict)  # why candidates were dropped

    @property
    def best(self) -> Suggestion | None:
        return self.suggestions[0] if self.suggestions else None

    def __repr__(self) -> str:
        text = " ".join(self.target.sentence.text.split())
        short = text if len(text) <= 60 else text[:57] + "…"
        best = f", best {self.best.text[:60]!r} ({self.best.confidence:.2f})" if self.best else ""
        return (f"SentenceFix(line {self.target.sentence.line}: {short!r}, {len(self.suggestions)} suggestion(s)"
                f"{best})")
