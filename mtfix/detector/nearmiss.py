"""The near-miss check. Machine translation often picks a word near the right one in form:
"relations on the verge of a breakthrough" where the text means *breakdown*. Such a sentence
reads as fluent English to the detector's heads, but the LM, reading the whole sentence,
prefers the right word. For a sentence's most suspect content words, each word near in form
(a shared stem, or a small edit: `near_in_form`) from a vocabulary of common English words is
put in its place and the sentence read again, after its own cached reading from that word on,
so the words after it count too (only the alternatives the LM already favours at the word
are read whole). Scan reads the sentence after the text before it in its document, as the
heads do: what came before often tells which word was meant. The best gain in the whole
sentence's log-probability, with its alternative, is the signal (`NearMiss`); scan's Detect
step flags on it when asked to (`--near-miss`), and the fix's LM edits offer the alternative.

Inflections of the word itself ("crime" / "crimes", "offer" / "offered") are not
alternatives: agreement slips are the grammar checker's and the LM edits' to mend, and on
fluent text the LM often prefers another inflection."""

from __future__ import annotations

from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import lru_cache

from mtfix.features.casing import function_word
from mtfix.features.words import opposite_word

VOCABULARY = 40_000  # most frequent English words the alternatives come from
PER_WORD = 8  # alternatives tried for one word, the most frequent first
SUSPECT_WORDS = 3  # words of a sentence tried, the most suspect first
MIN_LETTERS = 4
LOCAL_MIN = -2.0  # nats: how much less likely than the word an alternative's first token may be
KEEP = 2  # alternatives read whole per word
INFLECTIONS = ("s", "es", "ed", "d", "ing", "er", "ers", "ly", "ies", "ied", "ier", "iest")


@dataclass(frozen=True)
class NearMiss:
    """WORD at [start, end) of the text read, and the ALTERNATIVE that makes the whole
    sentence GAIN nats of log-probability."""

    start: int
    end: int
    word: str
    alternative: str
    gain: float

    def shifted(self, by: int) -> "NearMiss":
        """The same near miss with its offsets moved BY characters (into a shorter or longer text)."""
        return replace(self, start=self.start + by, end=self.end + by)

    def as_record(self) -> list:
        return [self.start, self.end, self.alternative, round(self.gain, 3)]

    @classmethod
    def from_record(cls, text: str, record: list) -> "NearMiss":
        start, end, alternative, gain = record
        return cls(start, end, text[start:end], alternative, float(gain))


def near_in_form(a: str, b: str) -> bool:
    """Two different words that differ by a small edit ("recieve", "polices") or share a long
    stem ("breakthrough", "breakdown"). Looser than this, a common word wins by sharing four
    letters ("commended" → "common")."""
    a, b = a.lower(), b.lower()
    if a == b:
        return False
    if min(len(a), len(b)) >= 6 and a[:5] == b[:5]:
        return True
    if 2 * min(len(a), len(b)) <= 0.8 * (len(a) + len(b)):  # too different in length for the ratio
        return False
    matcher = SequenceMatcher(None, a, b)
    return matcher.quick_ratio() > 0.8 and matcher.ratio() > 0.8  # quick_ratio bounds ratio from above


def inflection(a: str, b: str) -> bool:
    """One word is the other with an inflectional ending added, swapped or taken away
    ("crime" / "crimes", "refers" / "referred", "study" / "studied")."""
    return bool(_stems(a.lower()) & _stems(b.lower()))


def _stems(word: str) -> set[str]:
    out = {word}
    for ending in INFLECTIONS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[:-len(ending)]
            out |= {stem, stem + "e", stem + "y"}
            if stem[-1] == stem[-2]:  # a doubled consonant: "referred"
                out.add(stem[:-1])
    return out


@lru_cache(maxsize=1)
def _vocabulary() -> dict[str, list[str]]:
    """Common lower-case words by their first two letters, the most frequent first."""
    from wordfreq import top_n_list

    index: dict[str, list[str]] = {}
    for word in top_n_list("en", VOCABULARY):
        if word.isalpha() and word.islower() and len(word) >= MIN_LETTERS:
            index.setdefault(word[:2], []).append(word)
    return index


@lru_cache(maxsize=20_000)
def alternatives(word: str) -> tuple[str, ...]:
    """Common words near WORD in form that are neither an inflection of it nor its opposite."""
    lowered = word.lower()
    found = [w for w in _vocabulary().get(lowered[:2], ())
             if near_in_form(lowered, w) and not inflection(lowered, w) and not opposite_word([lowered], [w])]
    return tuple(found[:PER_WORD])


def checkable(word: str) -> bool:
    """A lower-case content word long enough to have near forms worth reading."""
    return word.isalpha() and word.islower() and len(word) >= MIN_LETTERS and not function_word(word)


class NearMissCheck:
    """Finds the best near miss of texts with an LM scorer (`read` and `read_variants`)."""

    def __init__(self, scorer) -> None:
        self.scorer = scorer

    def find(self, texts: list[str], suspicion: list[list[tuple[int, int, float]]]) -> list[NearMiss | None]:
        """The best near miss of each text (None when no alternative gains)."""
        out: list[NearMiss | None] = []
        for tried in self.tried(texts, suspicion):
            best = max(tried, key=lambda miss: miss.gain, default=None)
            out.append(best if best is not None and best.gain > 0 else None)
        return out

    def tried(self, texts: list[str], suspicion: list[list[tuple[int, int, float]]]) -> list[list[NearMiss]]:
        """The alternatives read for each text, with their gains. SUSPICION holds, per text,
        (start, end, how suspect) of its words; the SUSPECT_WORDS most suspect checkable
        ones are tried. An alternative is read whole only if the LM, before reading on, puts
        its first token no more than -LOCAL_MIN nats below the word's (the KEEP best per
        word): the whole reads are what the check costs."""
        out: list[list[NearMiss]] = [[] for _ in texts]
        chosen = [self._candidates(text, words) for text, words in zip(texts, suspicion)]
        todo = [i for i, variants in enumerate(chosen) if variants]
        if not todo:
            return out
        firsts = [self._first_new_tokens(texts[i], chosen[i]) for i in todo]
        shared, lengths = self._shared_reads([texts[i] for i in todo])
        probes: dict[str, dict[int, list[int]]] = {text: {} for text in shared}
        for read_as, first in zip(shared, firsts):
            for position, token in first:
                if position >= 0:
                    probes[read_as].setdefault(position, []).append(token)
        unique = list(probes)
        readings = dict(zip(unique, self.scorer.read(unique, probes=[probes[t] for t in unique])))
        for index, read_as, length, first in zip(todo, shared, lengths, firsts):
            reading = readings[read_as]
            kept = self._promising(reading, chosen[index], first)
            base = float(reading.scores.logprob[:length].sum())
            logprobs = self.scorer.read_variants(reading, [text for _, text in kept])
            out[index] = [replace(miss, gain=float(lp.sum()) - base) for (miss, _), lp in zip(kept, logprobs)]
        return out

    def _shared_reads(self, texts: list[str]) -> tuple[list[str], list[int]]:
        """For each text, the text read for it and how many of that reading's tokens are its
        own. Sentences of one window are read after the same text, so a sentence's text often
        begins a later one's: the later one is read once for both, and each sentence's
        variants and gain stop at its own end (the LM reads left to right, so the tokens up
        to there score the same). A text whose tokens are not a prefix of the longer one's is
        read on its own."""
        encoded = dict(zip(texts, (ids for ids, _ in self.scorer.encode(texts))))
        longest_first = sorted(encoded, key=len, reverse=True)
        shared, lengths = [], []
        for text in texts:
            ids = encoded[text]
            read_as = next((other for other in longest_first if other.startswith(text)
                            and encoded[other][:len(ids)] == ids), text)
            shared.append(read_as)
            lengths.append(len(ids))
        return shared, lengths

    def _first_new_tokens(self, text: str, variants: list[tuple[NearMiss, str]]) -> list[tuple[int, int]]:
        """(position, token id) of each variant's first token that differs from TEXT's."""
        from mtfix.lm.batching import common_prefix

        encoded = self.scorer.encode([text] + [v for _, v in variants])
        base = encoded[0][0]
        out = []
        for ids, _ in encoded[1:]:
            shared = common_prefix(base, ids)
            out.append((shared, ids[shared]) if shared < min(len(ids), len(base)) else (-1, -1))
        return out

    def _promising(self, reading, variants: list[tuple[NearMiss, str]],
                   first: list[tuple[int, int]]) -> list[tuple[NearMiss, str]]:
        """The variants whose first new token the LM favours enough, the KEEP best per word."""
        by_word: dict[int, list[tuple[float, tuple[NearMiss, str]]]] = {}
        for variant, (position, token) in zip(variants, first):
            if position < 0:
                continue
            local = reading.probed.get(position, {}).get(token)
            if local is None:
                continue
            local -= float(reading.scores.logprob[position])
            if local >= LOCAL_MIN:
                by_word.setdefault(variant[0].start, []).append((local, variant))
        return [variant for group in by_word.values()
                for _, variant in sorted(group, key=lambda pair: -pair[0])[:KEEP]]

    @staticmethod
    def _candidates(text: str, words: list[tuple[int, int, float]]) -> list[tuple[NearMiss, str]]:
        """(the word and its alternative, the text with it in the word's place) to read."""
        suspects = sorted((w for w in words if checkable(text[w[0]:w[1]])), key=lambda w: -w[2])[:SUSPECT_WORDS]
        out = []
        for start, end, _ in suspects:
            word = text[start:end]
            for alternative in alternatives(word):
                out.append((NearMiss(start, end, word, alternative, 0.0), text[:start] + alternative + text[end:]))
        return out
