"""Sentence counts of a file or a corpus, and the rates and quality score derived from them.

Quality score (0–100): 100 × the mean over scored sentences of (1 − P(garbled)), where
scored sentences are those that are not boilerplate, duplicates or suppressed.
"""

from __future__ import annotations

from dataclasses import dataclass

from mtfix.document import Document, Label, Sentence


@dataclass
class Figures:
    path: str
    sentences: int = 0
    scored: int = 0
    garbled: int = 0
    boilerplate: int = 0
    duplicate: int = 0
    suppressed: int = 0
    probability_sum: float = 0.0

    def add(self, sentence: Sentence) -> None:
        self.sentences += 1
        if sentence.suppressed:
            self.suppressed += 1
        elif sentence.label in (Label.BOILERPLATE, Label.DUPLICATE):
            setattr(self, sentence.label, getattr(self, sentence.label) + 1)
        else:
            self.scored += 1
            self.probability_sum += sentence.score
            self.garbled += sentence.label == Label.GARBLED

    def add_document(self, document: Document) -> None:
        for sentence in document.sentences:
            self.add(sentence)

    @classmethod
    def total(cls, files: "list[Figures]") -> "Figures":
        """The sums over FILES."""
        out = cls("(all)")
        for figures in files:
            out.merge(figures)
        return out

    def merge(self, other: "Figures") -> None:
        for name in ("sentences", "scored", "garbled", "boilerplate", "duplicate", "suppressed", "probability_sum"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def garbled_rate(self) -> float:
        return self.garbled / self.scored if self.scored else 0.0

    @property
    def boilerplate_rate(self) -> float:
        return self.boilerplate / self.sentences if self.sentences else 0.0

    @property
    def mean_probability(self) -> float:
        return self.probability_sum / self.scored if self.scored else 0.0

    @property
    def quality(self) -> float:
        return round(100 * (1 - self.mean_probability), 1) if self.scored else 100.0

    def as_dict(self) -> dict:
        return {"path": self.path, "sentences": self.sentences, "scored": self.scored,
                "garbled": self.garbled, "boilerplate": self.boilerplate, "duplicate": self.duplicate,
                "suppressed": self.suppressed, "garbled_rate": round(self.garbled_rate, 4),
                "boilerplate_rate": round(self.boilerplate_rate, 4),
                "mean_probability": round(self.mean_probability, 4), "quality": self.quality}
