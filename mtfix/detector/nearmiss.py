"""The near-miss check. Machine translation often picks a word near the right one in form:
"relations on the verge of a breakthrough" where the text means *breakdown*. Such a sentence
reads as fluent English to the detector's heads, but the LM, reading the whole sentence,
prefers the right word. For a sentence's most suspect content words, each word near in form
(a shared stem, or a small edit: `near_in_form`) from a vocabulary of common English words is
put in its place and the sentence read on from that word, after the keys and values scan's
own reading of its window kept, so the words after it count too (only the alternatives the
LM already favours at the word, by that same reading's logits, are read at all). The
sentence is read after the text before it in its document, as the heads read it: what came
before often tells which word was meant. The best gain in the whole sentence's
log-probability, with its alternative, is the signal (`NearMiss`); scan's Detect step flags
on it (the near_miss setting, on by default), and the fix's LM edits offer the alternative.

Inflections of the word itself ("crime" / "crimes", "offer" / "offered") are not
alternatives: agreement slips are the grammar checker's and the LM edits' to mend, and on
fluent text the LM often prefers another inflection."""

from __future__ import annotations

from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import lru_cache

from mtfix.features.casing import function_word
from mtfix.features.words import opposite_word, split_words
from mtfix.lm.types import Reading, Window

VOCABULARY = 40_000  # most frequent English words the alternatives come from
PER_WORD = 8  # alternatives tried for one word, the most frequent first
SUSPECT_WORDS = 3  # words of a sentence tried, the most suspect first
MIN_LETTERS = 4
LOCAL_MIN = -2.0  # nats: how much less likely than the word an alternative's first token may be
KEEP = 1  # alternatives read per word (bench_near_miss.py --grid: a second one added little)
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

    def reason(self, before: str = "") -> str:
        """What the finding says, as a person would: the slip, and when BEFORE (the text read
        before the sentence) says the alternative another way, those words."""
        said = echo(before, self.alternative)
        told = f"'{self.word}' here reads as a slip for '{self.alternative}'"
        return f"{told}; the text before says '{said}'" if said else told


def echo(before: str, alternative: str, lead: int = 4) -> str:
    """The last words of BEFORE that say ALTERNATIVE: the word itself or an inflection of it,
    or two words that join into it ("breaking down" for "breakdown"), with up to LEAD words
    before them; empty when none do."""
    words = [word for word in split_words(before) if word.text[0].isalpha()]
    wanted = alternative.lower()
    for index in range(len(words) - 1, -1, -1):
        first = words[index].text.lower()
        end = None
        if wanted in _stems(first):
            end = words[index].end
        elif index + 1 < len(words) and any(stem + words[index + 1].text.lower() == wanted
                                            for stem in _stems(first)):
            end = words[index + 1].end
        if end is not None:
            start = words[max(0, index - lead)].start
            return " ".join(before[start:end].split())
    return ""


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
    """Finds the best near miss of sentences the LM has read, with an LM scorer's `probe` and
    `read_variants_of`: each sentence is given as a `Reading` that holds it with the text read
    before it (LMScorer.window_batches keeps one per window) and where it ends there."""

    def __init__(self, scorer) -> None:
        self.scorer = scorer

    def find(self, readings: list[Reading], ends: list[int],
             suspicion: list[list[tuple[int, int, float]]]) -> list[NearMiss | None]:
        """The best near miss of each sentence (None when no alternative gains)."""
        return [best_of(tried) for tried in self.tried(readings, ends, suspicion)]

    def find_in_texts(self, texts: list[str], suspicion: list[list[tuple[int, int, float]]]) -> list[NearMiss | None]:
        """`find` for whole TEXTS, each read as one sentence (its context, if any, in it)."""
        return [best_of(tried) for tried in self.tried_in_texts(texts, suspicion)]

    def tried_in_texts(self, texts: list[str], suspicion: list[list[tuple[int, int, float]]]) -> list[list[NearMiss]]:
        """`tried` for whole TEXTS, read here one batch at a time."""
        out: list[list[NearMiss]] = [[] for _ in texts]
        windows = [Window.single(text) for text in texts]
        for batch, _, readings in self.scorer.window_batches(windows, keep=True):
            found = self.tried(readings, [len(texts[i]) for i in batch], [suspicion[i] for i in batch])
            for index, tried in zip(batch, found):
                out[index] = tried
        return out

    def tried(self, readings: list[Reading], ends: list[int],
              suspicion: list[list[tuple[int, int, float]]]) -> list[list[NearMiss]]:
        """The alternatives read for each sentence, with their gains. Sentence i is
        READINGS[i].text up to ENDS[i]; SUSPICION holds, per sentence, (start, end, how
        suspect) of its words in that text; the SUSPECT_WORDS most suspect checkable ones are
        tried. An alternative is read on only if the LM, before reading it, puts its first
        token no more than -LOCAL_MIN nats below the word's (the KEEP best per word): those
        reads are what the check costs. Every sentence's variants are read together, each
        after its own reading's cached tokens."""
        kept: list[tuple[int, NearMiss, str]] = []
        read = [_tokens_before(reading, end) for reading, end in zip(readings, ends)]
        for index, (reading, words) in enumerate(zip(readings, suspicion)):
            # a sentence cut short (at MAX_TOKENS) is compared only as far as it was read
            stop = reading.scores.offsets[read[index] - 1][1] if read[index] else 0
            variants = self._candidates(reading.text[:stop], [w for w in words if w[1] <= stop])
            if variants:
                kept += [(index, miss, text) for miss, text in self._promising(reading, variants)]
        logprobs = self.scorer.read_variants_of([(readings[index], text) for index, _, text in kept])
        out: list[list[NearMiss]] = [[] for _ in readings]
        for (index, miss, _), logprob in zip(kept, logprobs):
            base = float(readings[index].scores.logprob[:read[index]].sum())
            out[index].append(replace(miss, gain=float(logprob.sum()) - base))
        return out

    def _promising(self, reading: Reading, variants: list[tuple[NearMiss, str]]) -> list[tuple[NearMiss, str]]:
        """The variants whose first new token the LM favours enough where the word stands,
        the KEEP best per word."""
        from mtfix.lm.batching import common_prefix

        first = []
        for ids, _ in self.scorer.encode([text for _, text in variants], limit=None):
            shared = common_prefix(reading.ids, ids)
            first.append((shared, ids[shared]) if shared < min(len(ids), len(reading.ids)) else (-1, -1))
        wanted: dict[int, list[int]] = {}
        for position, token in first:
            if position >= 0:
                wanted.setdefault(position, []).append(token)
        probed = self.scorer.probe(reading, wanted)
        by_word: dict[int, list[tuple[float, tuple[NearMiss, str]]]] = {}
        for variant, (position, token) in zip(variants, first):
            local = probed.get(position, {}).get(token)
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


def best_of(tried: list[NearMiss]) -> NearMiss | None:
    """The alternative that gains most, if any gains."""
    best = max(tried, key=lambda miss: miss.gain, default=None)
    return best if best is not None and best.gain > 0 else None


def _tokens_before(reading: Reading, end: int) -> int:
    """How many of READING's tokens begin before character END (a token that begins with the
    space after a sentence belongs to the next one)."""
    return sum(1 for start, _ in reading.scores.offsets if start < end)
