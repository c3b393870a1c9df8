"""LM-guided local edits around the words the LM found most surprising: case fixes, near
spellings from the LM's own top predictions, deletion of stray words, punctuation and
repeated phrases, swaps of neighbouring words. An edit is kept only if it
clearly lowers the sentence's surprisal (the LM alone judges, each edited copy read after
the sentence's cached reading, from its first edit on); the kept edits are offered alone
and together.

No insertions: the LM expects an article or a preposition before most words. Tried on the
tune parts (MLQE-PE and synthetic), 70 of the 123 function words it inserted moved the
sentence further from its correction and 16 closer. No exchange of one function word for
another the LM predicts ("of" → "in", "a" → "the"): on MLQE-PE's tune part such exchanges,
whatever their gain, moved 8 sentences further from the post-edit and 3 closer."""

from __future__ import annotations

from dataclasses import dataclass

from mtfix.detector.nearmiss import near_in_form
from mtfix.features.casing import (
    case_change_only,
    function_word,
    suspicious_capitals,
    vocabulary_word,
)
from mtfix.features.words import RARE_LOGPROB, Word, align, unigram_logprob
from mtfix.fix.candidate import Candidate, FixTarget
from mtfix.fix.fluency import Surprisal
from mtfix.fix.guards import CALENDAR_NAMES, violation
from mtfix.fix.sources.base import CandidateSource
from mtfix.fix.sources.grammar import apply_edits
from mtfix.lm.scorer import LMScorer
from mtfix.lm.types import Reading

TOP_K = 64  # LM predictions read at each focus word
FOCUS_WORDS = 4
MIN_TOTAL_GAIN = 1.5  # nats the whole sentence must get cheaper by
MIN_MEAN_GAIN = 0.05  # nats per token: stops deletions winning by shortening alone
MAX_KEPT = 4
DELETION_FACTOR = 2.0  # a deletion always shortens the sentence: it must gain twice as much
MAX_DOUBLED = 4  # words in the longest repeated phrase looked for


@dataclass(frozen=True)
class LocalEdit:
    start: int
    end: int
    replacement: str
    detail: str


class LMEditSource(CandidateSource):
    name = "lm"

    def __init__(self, scorer: LMScorer) -> None:
        self.scorer = scorer

    @classmethod
    def create(cls, context) -> "LMEditSource":
        return cls(context.detect.scorer)

    def propose(self, targets: list[FixTarget]) -> list[list[Candidate]]:
        if not targets:
            return []
        readings = self.scorer.read([t.text for t in targets], TOP_K)  # kept: edits are read after them
        # Only edits the guards would let through are worth a read of the LM.
        proposals = [[e for e in self._edits(t, r.scores, r.top)
                      if not violation(t.text, _applied(t.text, [e]), t.protected)]
                     for t, r in zip(targets, readings)]
        measured: dict[str, Surprisal] = {}
        self._measure(readings, [[_applied(t.text, [e]) for e in edits] for t, edits in zip(targets, proposals)],
                      measured)
        kept = [self._kept(t, edits, measured) for t, edits in zip(targets, proposals)]
        combined = self._combine(targets, readings, kept, measured)
        out = []
        for target, edits, together in zip(targets, kept, combined):
            candidates = [Candidate(_applied(target.text, [e]), self.name, e.detail) for e in edits]
            if len(together) > 1:
                candidates.append(Candidate(_applied(target.text, together), self.name,
                                            "; ".join(e.detail for e in together)))
            out.append(candidates)
        return out

    def _kept(self, target: FixTarget, edits: list[LocalEdit], measured) -> list[LocalEdit]:
        """Edits that clearly lower surprisal on their own, best first, at most one per place."""
        before = measured[target.text]
        good = []
        for edit in edits:
            after = measured[_applied(target.text, [edit])]
            needed = MIN_TOTAL_GAIN * (DELETION_FACTOR if not edit.replacement else 1.0)
            # A case change keeps the letters but not the tokens ("brit|ain" → "Britain"), so
            # its mean per token says nothing; the mean guards against gains by shortening.
            case_only = case_change_only(target.text[edit.start:edit.end], edit.replacement)
            if (before.total_nll - after.total_nll >= needed
                    and (case_only or before.mean_nll - after.mean_nll >= MIN_MEAN_GAIN)):
                good.append((after.total_nll, edit))
        good.sort(key=lambda pair: pair[0])
        chosen: list[LocalEdit] = []
        for _, edit in good:  # edits that touch the same words are alternatives
            if all(edit.end <= c.start or edit.start >= c.end for c in chosen):
                chosen.append(edit)
        return chosen[:MAX_KEPT]

    def _measure(self, readings: list[Reading], variants: list[list[str]], measured: dict[str, Surprisal]) -> None:
        """Add to MEASURED the surprisal of each text read and of its VARIANTS not measured yet."""
        for reading, group in zip(readings, variants):
            measured[reading.text] = Surprisal.of(reading.scores.logprob)
            fresh = [v for v in dict.fromkeys(group) if v not in measured]
            measured.update(zip(fresh, map(Surprisal.of, self.scorer.read_variants(reading, fresh))))

    def _combine(self, targets: list[FixTarget], readings: list[Reading], kept: list[list[LocalEdit]],
                 measured: dict[str, Surprisal]) -> list[list[LocalEdit]]:
        """Greedy combination: add each kept edit (best first) while the sentence keeps getting
        cheaper, each combination read after its sentence's kept reading."""
        together = [edits[:1] for edits in kept]
        for step in range(1, MAX_KEPT):
            trials = {i: together[i] + [kept[i][step]] for i in range(len(targets)) if len(kept[i]) > step}
            if not trials:
                break
            self._measure([readings[i] for i in trials], [[_applied(targets[i].text, e)] for i, e in trials.items()],
                          measured)
            for i, edits in trials.items():
                now = measured[_applied(targets[i].text, together[i])]
                trial = measured[_applied(targets[i].text, edits)]
                if now.total_nll - trial.total_nll >= MIN_TOTAL_GAIN and trial.mean_nll < now.mean_nll:
                    together[i] = edits
        return together

    def _edits(self, target: FixTarget, scores, top) -> list[LocalEdit]:
        text = target.text
        words = align(text, scores)
        if len(words) < 2:
            return []
        predictions = self._predictions_by_word(text, words, scores, top)
        names = expected_names(words, predictions)
        edits: dict[tuple[int, int, str], LocalEdit] = {}
        for index in self._focus(target, words):
            for edit in self._around(text, words, index, predictions.get(index, []), names):
                if text[edit.start:edit.end] != edit.replacement:
                    edits.setdefault((edit.start, edit.end, edit.replacement), edit)
        for index in range(1, len(words)):
            for edit in self._case_fixes(words, index, names):
                edits.setdefault((edit.start, edit.end, edit.replacement), edit)
        for edit in self._stray_punctuation(text, words) + self._doubled_phrases(text, words):
            edits.setdefault((edit.start, edit.end, edit.replacement), edit)
        for (start, end), alternative in target.alternatives.items():  # found by scan's near-miss check
            edits.setdefault((start, end, alternative),
                             LocalEdit(start, end, alternative, f"'{text[start:end]}' → '{alternative}' (near miss)"))
        return list(edits.values())

    @staticmethod
    def _focus(target: FixTarget, words: list[Word]) -> list[int]:
        """Suspect words first, then the most surprising words relative to their frequency."""
        by_start = {w.start: i for i, w in enumerate(words)}
        chosen = [by_start[s] for s, _ in target.suspects if s in by_start]
        chosen += [words.index(w) for w in suspicious_capitals(words)]
        ranked = sorted(range(1, len(words)), key=lambda i: -words[i].excess)
        for index in ranked:
            if len(dict.fromkeys(chosen)) >= FOCUS_WORDS:
                break
            chosen.append(index)
        return list(dict.fromkeys(chosen))[:FOCUS_WORDS + 2]

    def _predictions_by_word(self, text: str, words: list[Word], scores, top) -> dict[int, list[str]]:
        """The words the LM expected at the first token of each word, most likely first."""
        starts = {w.start: i for i, w in enumerate(words)}
        out: dict[int, list[str]] = {}
        for position, (start, _) in enumerate(scores.offsets):
            while start < len(text) and text[start].isspace():
                start += 1
            index = starts.get(start)
            if index is None or index in out:
                continue
            decoded = self.scorer.tokenizer.convert_ids_to_tokens([int(t) for t in top[position]])
            out[index] = [w for w in (self._as_word(t) for t in decoded) if w]
        return out

    @staticmethod
    def _as_word(token: str) -> str:
        """A predicted token that begins a new word and is itself a word, else '' (of the
        one-letter words, only the article: a lone letter is more often a fragment)."""
        if not token.startswith(("Ġ", "▁")):
            return ""
        word = token[1:]
        if not word.isalpha() or (len(word) < 2 and word != "a") or unigram_logprob(word.lower()) < RARE_LOGPROB:
            return ""
        return word

    def _around(self, text: str, words: list[Word], index: int, predicted: list[str],
                names: set[int]) -> list[LocalEdit]:
        word = words[index]
        out = []
        if word.is_alpha and index > 0 and word.text[:1].isupper():
            return out  # a name or a stray capital: never respelt (case fixes come from _edits)
        if word.is_alpha:
            out.extend(self._case_fixes(words, index, names))
            # A word is replaced only by a near spelling: swapping in the LM's favourite word
            # reads smoothly and invents meaning, for function words as for content words.
            for guess in predicted:
                if near_in_form(word.text, guess):
                    out.append(LocalEdit(word.start, word.end, guess, f"'{word.text}' → '{guess}' (near spelling)"))
        if 0 < index < len(words) - 1 and _deletable(words, index):  # a word goes with the space before it
            start = words[index - 1].end if word.is_alpha else word.start
            out.append(LocalEdit(start, word.end, "", f"deleted '{word.text}'"))
        for other in (index - 1, index + 1):
            # Only a pair holding a function word: two content words exchanged change who did what.
            if (0 < other < len(words) and index > 0 and _swappable(words[other]) and _swappable(word)
                    and (function_word(word.text) or function_word(words[other].text))):
                first, second = sorted((index, other))
                a, b = words[first], words[second]
                between = text[a.end:b.start]
                out.append(LocalEdit(a.start, b.end, b.text + between + a.text,
                                     f"swapped '{a.text}' and '{b.text}'"))
        return out

    @staticmethod
    def _case_fixes(words: list[Word], index: int, names: set[int]) -> list[LocalEdit]:
        """Lower a stray capital (not one that starts a name the LM expects: "Great britain"),
        raise a lower-case word the LM itself expected capitalised there (a name written small),
        or a month or weekday name (after a preposition the LM rarely expects any name)."""
        word = words[index]
        if index == 0:
            return []
        following = words[index + 1].text if index + 1 < len(words) else ""
        if (word.text[:1].isupper() and word.text[1:].islower() and vocabulary_word(word.text.lower())
                and not following[:1].isupper() and index + 1 not in names
                and words[index - 1].text not in ".!?:\"“"):
            lowered = word.text.lower()
            return [LocalEdit(word.start, word.end, lowered, f"'{word.text}' → '{lowered}' (stray capital)")]
        if word.text.islower() and (index in names or word.text in CALENDAR_NAMES):
            titled = word.text.capitalize()
            return [LocalEdit(word.start, word.end, titled, f"'{word.text}' → '{titled}' (name case)")]
        return []

    @staticmethod
    def _doubled_phrases(text: str, words: list[Word]) -> list[LocalEdit]:
        """A run of one to MAX_DOUBLED words said twice in a row ("on the coast the coast",
        "To To this end"): the second copy goes, with the space before it. The LM screening
        decides whether the repeat was an artifact ("had had" stays when the LM prefers it)."""
        out = []
        lowered = [w.text.lower() for w in words]
        for size in range(1, MAX_DOUBLED + 1):
            for first in range(len(words) - 2 * size + 1):
                second = first + size
                phrase = lowered[first:second]
                if phrase == lowered[second:second + size] and any(w[:1].isalnum() for w in phrase):
                    quoted = text[words[second].start:words[second + size - 1].end]
                    out.append(LocalEdit(words[second - 1].end, words[second + size - 1].end, "",
                                         f"deleted the repeated '{quoted}'"))
        return out

    @staticmethod
    def _stray_punctuation(text: str, words: list[Word]) -> list[LocalEdit]:
        """A full stop, comma or colon inside the sentence followed by a lower-case word
        ("issues. during") is usually an artifact of a split or join."""
        out = []
        for index in range(1, len(words) - 1):
            word, following = words[index], words[index + 1]
            if word.text in ".,;:" and following.text[:1].islower():
                out.append(LocalEdit(word.start, word.end, "", f"deleted stray '{word.text}'"))
        return out


def expected_names(words: list[Word], predictions: dict[int, list[str]]) -> set[int]:
    """Lower-case words whose capitalised form the LM itself predicted at that place
    ("in june" → it expected "June"; "Great britain" → "Britain"): names written small."""
    return {i for i, word in enumerate(words) if i > 0 and word.is_alpha and word.text.islower()
            and word.text.capitalize() in predictions.get(i, [])}


def _swappable(word: Word) -> bool:
    """Only lower-case words move: a capitalised one is a name or starts the sentence."""
    return word.is_alpha and word.text.islower()


def _deletable(words: list[Word], index: int) -> bool:
    """Only stray tokens are deleted: punctuation and function words (a repeated word or
    phrase goes by `_doubled_phrases`, wherever it is). Deleting a content word always reads
    smoother and always loses meaning."""
    word = words[index].text
    return not word[:1].isalnum() or function_word(word)


def _applied(text: str, edits: list[LocalEdit]) -> str:
    return apply_edits(text, [(e.start, e.end, e.replacement) for e in edits])
