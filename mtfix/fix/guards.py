"""Hard guards on a candidate rewrite: what must survive it (numbers, dates, names,
quotations up to case, a headline's capitals, the polarity, the content words and their
order) and what it must not bring in (new facts, much more text). A candidate that fails
one is dropped whatever its fluency: a suggestion that says something else costs a
reviewer more than no suggestion."""

from __future__ import annotations

import re
from collections import Counter

from mtfix.features.casing import (
    FUNCTION_WORDS,
    NEGATIONS,
    common_words,
    is_title_case,
    suspicious_capitals,
    vocabulary_word,
)
from mtfix.features.words import opposite_word, split_words

_NUMBER = re.compile(r"\d+(?:[.,:/]\d+)*%?")
_QUOTE = re.compile(r"[\"“]([^\"”]{3,})[\"”]|(?<!\w)['‘]([^'’]{3,})['’](?!\w)")
_MONTHS = ("january february march april may june july august september october november december "
           "monday tuesday wednesday thursday friday saturday sunday").split()
CALENDAR_NAMES = frozenset(_MONTHS) - {"may"}  # always capitalised ("may" is mostly the verb)
MAX_GROWTH = 1.25  # a rewrite may be at most this much longer in words …
MAX_EXTRA_WORDS = 3  # … plus this many
# Words that carry a sentence's polarity: a rewrite keeps each as often as the original has it.
POLARITY_WORDS = NEGATIONS | {"yes"}


def numbers(text: str) -> Counter:
    return Counter(m.group().rstrip(".,") for m in _NUMBER.finditer(text))


def quotations(text: str) -> list[str]:
    return [(m.group(1) or m.group(2)).strip() for m in _QUOTE.finditer(text)]


def names(text: str) -> list[str]:
    """Words that look like names: capitalised mid-sentence (not a stray capital of a common
    word), acronyms, and a capitalised first word that is not a common function word."""
    words = split_words(text)
    stray = {w.start for w in suspicious_capitals(words)}
    out = []
    for index, word in enumerate(words):
        token = word.text
        if not token[:1].isupper() or word.start in stray:
            continue
        after_stop = index > 0 and words[index - 1].text in ".!?:\"“'‘"
        if token.isupper() and len(token) > 1:
            out.append(token)
        elif index == 0 or after_stop:
            if token.lower() not in common_words():  # "Putin said", not "The" or "When"
                out.append(token)
        else:
            out.append(token)
    return out


def headline(text: str, words) -> bool:
    """Title case with no closing full stop, question or exclamation mark ("Putting Patriotism
    on a Candle"): a headline, whose capitals are the convention, not stray. A title-cased run
    inside a sentence that ends with a stop is damage and may be lowered."""
    ending = text.rstrip().rstrip("\"'”’)]")
    return is_title_case(words) and not ending.endswith((".", "!", "?"))


def lowers_a_capital(old_words, new_words) -> bool:
    """Some capitalised word of the original appears lower-cased in the candidate instead."""
    capitals_before = Counter(w.text for w in old_words if w.text[:1].isupper())
    capitals_after = Counter(w.text for w in new_words if w.text[:1].isupper())
    small_before = Counter(w.text for w in old_words if w.text[:1].islower())
    small_after = Counter(w.text for w in new_words if w.text[:1].islower())
    return any(capitals_after[word] < count and small_after[word.lower()] > small_before[word.lower()]
               for word, count in capitals_before.items())


def _has_word(text: str, word: str, ignore_case: bool) -> bool:
    flags = re.IGNORECASE if ignore_case else 0
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, flags) is not None


def violation(original: str, candidate: str, protected: list[str] | None = None) -> str:
    """Why the candidate must be dropped, or '' when it passes every guard. PROTECTED texts
    (code in the sentence) must survive unchanged."""
    if not candidate.strip():
        return "empty"
    if any(candidate.count(code) < original.count(code) for code in protected or ()):
        return "code changed"
    if numbers(original) != numbers(candidate):
        return "numbers changed"
    original_dates = [m for m in _MONTHS if _has_word(original, m, True)]
    if any(not _has_word(candidate, m, True) for m in original_dates):
        return "date changed"
    for quote in quotations(original):  # a quotation keeps its words; a stray capital in it may go
        if quote.lower() not in candidate.lower():
            return "quotation changed"
    original_names = names(original)
    for name in original_names:
        # A capitalised everyday word may lose its capital ("America Proposed summit"), not vanish.
        if not _has_word(candidate, name, ignore_case=vocabulary_word(name.lower())):
            return f"name '{name}' lost"
    old_words, new_words = split_words(original), split_words(candidate)
    if headline(original, old_words) and lowers_a_capital(old_words, new_words):
        return "headline case changed"
    first, new_first = original.lstrip()[:1], candidate.lstrip()[:1]
    if first != new_first and first.lower() == new_first.lower():
        # Lowered, it breaks a sentence; raised, it rarely mends one: a sentence that starts
        # small is mostly a fragment (a split, a caption), which a capital does not make whole.
        return "first letter's case changed"
    if len(new_words) > len(old_words) * MAX_GROWTH + MAX_EXTRA_WORDS:
        return "adds content"
    known = {n.lower() for n in original_names} | {w.text.lower() for w in old_words}
    if any(n.lower() not in known for n in names(candidate)):
        return "adds a name"
    return meaning_violation(original, old_words, new_words)


def meaning_violation(original: str, old_words, new_words) -> str:
    """The rewrite turns the polarity over, drops content, or moves content words about."""
    before = [w.text.lower() for w in old_words if w.text[:1].isalnum()]
    after = [w.text.lower() for w in new_words if w.text[:1].isalnum()]
    if polarity(before) != polarity(after) or opposite_word(before, after):
        return "polarity flipped"
    kept = Counter(content(after))
    lost = [w for w, n in (Counter(content(before)) - kept).items() for _ in range(n)
            if not (kept[w] and before.count(w) > 1) and not bracketed(original, w)]
    gained = Counter(content(after)) - Counter(content(before))
    if len(lost) > sum(gained.values()):
        return "content word dropped"
    if sorted(before) == sorted(after) and before != after:
        moved = [a for a, b in zip(before, after) if a != b]
        if sum(1 for w in moved if is_content(w)) >= 2:
            return "content words swapped"
    return ""


def polarity(words: list[str]) -> Counter:
    """How often each polarity word occurs ("n't" counts as "not")."""
    found = Counter(w for w in words if w in POLARITY_WORDS)
    found["not"] += sum(1 for w in words if w.endswith(("n't", "n’t")))
    return found


def is_content(word: str) -> bool:
    """An open-class word: not a function word, a negation or a number."""
    return word.isalpha() and word not in FUNCTION_WORDS and word not in POLARITY_WORDS


def content(words: list[str]) -> list[str]:
    return [w for w in words if is_content(w)]


def bracketed(text: str, word: str) -> bool:
    """WORD stands inside brackets in TEXT (a translator's leftover, which may go)."""
    return any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", inner, re.IGNORECASE)
               for inner in re.findall(r"[(\[]([^)\]]*)[)\]]", text))
