"""Candidates from the edit tagger: tag every word, apply the confident edits, read the
result again and tag once more (up to ROUNDS times): case, stray punctuation, doubled or
missing function words, swapped neighbours and bracketed leftovers, each for one LM pass
per round over all the sentences at once."""

from __future__ import annotations

from mtfix.errors import ModelUnavailable
from mtfix.features import sentence_view
from mtfix.features.casing import function_word
from mtfix.fix.candidate import Candidate, FixTarget
from mtfix.fix.edits import DELETE, KEEP, apply_tags
from mtfix.fix.fluency import FluencyMeter
from mtfix.fix.sources.base import CandidateSource
from mtfix.fix.edit_tagger import Tagger, bundled_tagger

ROUNDS = 3
CONFIDENT = 0.75  # edits below this are also left out in a second, more cautious candidate


class TaggerSource(CandidateSource):
    name = "tagger"

    def __init__(self, tagger: Tagger, meter: FluencyMeter) -> None:
        layers = meter.scorer.layers
        missing = [layer for layer in tagger.layers if layer not in layers]
        if missing:
            raise ModelUnavailable(f"the edit tagger reads layer {missing[0]}, which the scorer does not return")
        self.tagger = tagger
        self.meter = meter  # its readings are shared with the reranker, which measures what the tagger read
        self.rows = [layers.index(layer) for layer in tagger.layers]

    @classmethod
    def create(cls, context) -> "TaggerSource":
        model = context.settings.model
        path = bundled_tagger(model)
        if path is None:
            raise ModelUnavailable(f"no edit tagger is trained for {model} (python -m training.train_tagger --model {model})")
        tagger = Tagger.load(path)
        if tagger.lm != model:
            raise ModelUnavailable(f"the edit tagger was trained on {tagger.lm}'s states, not {model}'s")
        return cls(tagger, context.meter)

    @property
    def signature(self) -> str:
        return f"tagger:{self.tagger.digest}"

    def propose(self, targets: list[FixTarget]) -> list[list[Candidate]]:
        texts = [t.text for t in targets]
        proposals: list[list[Candidate]] = [[] for _ in targets]
        active = list(range(len(targets)))
        for round_number in range(1, ROUNDS + 1):
            if not active:
                break
            scored = self.meter.read([texts[i] for i in active])
            still = []
            for i, tokens in zip(active, scored):
                view = sentence_view(texts[i], tokens)
                words, tags, probabilities = self.tagger.predict(view, self.rows)
                tags = guarded(words, tags)
                read_next = None  # the next round reads the most cautious variant that changed anything
                for variant in _variants(words, tags, probabilities):
                    new = apply_tags(texts[i], _tags_for_all_words(view.words, words, variant))
                    if new == texts[i]:
                        continue
                    edits = [(w.text, t) for w, t in zip(words, variant) if t != KEEP]
                    detail = "; ".join(f"{tag.lower()} '{word}'" for word, tag in edits[:6])
                    proposals[i].append(Candidate(new, self.name, f"round {round_number}: {detail}"))
                    read_next = new
                if read_next is not None:
                    texts[i] = read_next
                    still.append(i)
            active = still
        return proposals


REPEAT_WINDOW = 4  # words either side in which a deleted content word must recur


def guarded(words, tags: list[str]) -> list[str]:
    """TAGS without deletions of content words or negations, unless a kept copy of the word
    stays close by (a doubled word or phrase: "the talks the talks") or its whole bracketed
    group goes: dropping any other such word reads smoother and loses meaning."""
    out = list(tags)
    for i, (word, tag) in enumerate(zip(words, tags)):
        if tag != DELETE or not word.text[:1].isalpha() or function_word(word.text):
            continue
        window = range(max(0, i - REPEAT_WINDOW), min(len(words), i + 1 + REPEAT_WINDOW))
        kept_copy = any(j != i and tags[j] != DELETE and words[j].text.lower() == word.text.lower() for j in window)
        if not kept_copy and not _bracket_goes(words, tags, i):
            out[i] = KEEP
    return out


_OPENING, _CLOSING = frozenset("[("), frozenset("])")
_BRACKETS = _OPENING | _CLOSING


def _bracket_goes(words, tags: list[str], index: int) -> bool:
    """Whether word INDEX sits in a [ … ] or ( … ) group whose brackets are deleted too."""
    opening = next((j for j in range(index - 1, -1, -1) if words[j].text in _BRACKETS), None)
    closing = next((j for j in range(index + 1, len(words)) if words[j].text in _BRACKETS), None)
    return (opening is not None and closing is not None and words[opening].text in _OPENING
            and words[closing].text in _CLOSING and tags[opening] == DELETE and tags[closing] == DELETE)


def _variants(words, tags: list[str], probabilities: list[float]) -> list[list[str]]:
    """Every edit applied, then (when some are much less sure than others) only the confident
    ones: a tagger that is right about a bracketed leftover can be wrong about the word beside
    it, and the reranker, not the tagger, decides which reads better."""
    if all(t == KEEP for t in tags):
        return []
    confident = [t if p >= CONFIDENT else KEEP for t, p in zip(tags, probabilities)]
    return [tags, confident] if confident != tags and any(t != KEEP for t in confident) else [tags]


def _tags_for_all_words(all_words, scored, tags) -> list[str]:
    """Tags aligned with every word of the sentence (words the LM gave no token keep)."""
    by_start = {w.start: t for w, t in zip(scored, tags)}
    return [by_start.get(w.start, KEEP) for w in all_words]
