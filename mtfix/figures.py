"""Sentence counts of a file or a corpus, and the rates and quality score derived from them.

Quality score (0–100): 100 × the mean over scored sentences of (1 − P(garbled)), where
scored sentences are those not suppressed whose label the label table marks scored (ok and
garbled; not boilerplate or duplicates). The garbled rate counts the labels marked `gates`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from mtfix import labels
from mtfix.document import Document, Sentence


@dataclass
class Figures:
    path: str
    sentences: int = 0
    scored: int = 0
    suppressed: int = 0
    probability_sum: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)  # sentences per label (ok aside)
    sourced: int = 0  # sentences read with their source (the labels that need one are shown then)

    def add(self, sentence: Sentence) -> None:
        self.sentences += 1
        self.sourced += sentence.source is not None
        if sentence.suppressed:
            self.suppressed += 1
            return
        row = labels.info(sentence.label)
        if row.name != labels.Label.OK:
            self.counts[row.name] = self.counts.get(row.name, 0) + 1
        if row.scored:
            self.scored += 1
            self.probability_sum += sentence.score

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
        for name in ("sentences", "scored", "suppressed", "probability_sum", "sourced"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for label, count in other.counts.items():
            self.counts[label] = self.counts.get(label, 0) + count

    @staticmethod
    def summed() -> list[str]:
        """The names of the figures that add up across files (as `as_dict` and the engines'
        columns name them), label counts in table order."""
        return ["sentences", "scored", *Figures.label_names(), "suppressed", "probability_sum", "sourced"]

    @staticmethod
    def label_names() -> list[str]:
        return [row.name for row in labels.findings()]

    def shown(self) -> list[labels.LabelInfo]:
        """The finding labels these figures show: those that need a source only when one was read
        or a sentence has the label (untranslated text is found without a source too)."""
        return [row for row in labels.findings() if not row.with_source or self.sourced or self.count(row.name)]

    def count(self, label: str) -> int:
        return self.counts.get(label, 0)

    @classmethod
    def from_sums(cls, path: str, sums: Mapping[str, float]) -> "Figures":
        """Figures from a row that names each of `summed()` (an engine's per-document columns)."""
        out = cls(path)
        label_names = cls.label_names()
        for name in cls.summed():
            if name in label_names:
                out.counts[name] = int(sums[name])
            else:
                setattr(out, name, sums[name])
        return out

    def sums(self) -> dict[str, float]:
        """Each of `summed()` by name, every label's count included (shown or not): what
        `from_sums` reads back."""
        label_names = self.label_names()
        return {name: self.count(name) if name in label_names else getattr(self, name) for name in self.summed()}

    @property
    def garbled(self) -> int:
        """Sentences with a label that counts in the garbled rate."""
        return sum(self.count(name) for name in labels.gating())

    @property
    def boilerplate(self) -> int:
        return self.count(labels.Label.BOILERPLATE)

    @property
    def duplicate(self) -> int:
        return self.count(labels.Label.DUPLICATE)

    @property
    def garbled_rate(self) -> float:
        return self.garbled / self.scored if self.scored else 0.0

    def share(self, label: str) -> float:
        """The label's sentences as a share of all sentences."""
        return self.count(label) / self.sentences if self.sentences else 0.0

    @property
    def mean_probability(self) -> float:
        return self.probability_sum / self.scored if self.scored else 0.0

    @property
    def quality(self) -> float:
        return round(100 * (1 - self.mean_probability), 1) if self.scored else 100.0

    def as_dict(self) -> dict:
        return {"path": self.path, "sentences": self.sentences, "scored": self.scored,
                **{row.name: self.count(row.name) for row in self.shown()},
                "suppressed": self.suppressed, **({"sourced": self.sourced} if self.sourced else {}),
                "garbled_rate": round(self.garbled_rate, 4),
                **{f"{row.name}_rate": round(self.share(row.name), 4) for row in self.shown() if row.share},
                "mean_probability": round(self.mean_probability, 4), "quality": self.quality}
