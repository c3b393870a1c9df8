"""Word-level edit tags (GECToR-style) and how to apply them: each word of a sentence gets
one tag, the edit that repairs it. Training derives the tags by aligning garbled text with
its repair (`tags_between`); the edit tagger predicts them; `apply_tags` turns them into text.

Tags: KEEP, DELETE, LOWER and UPPER (the first letter's case), SWAP (with the next word),
REPLACE:w (this word becomes w) and APPEND:w (w is inserted after this word), where w comes
from a small vocabulary of function words and punctuation learnt in training.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from mtfix.features.words import Word, split_words

KEEP, DELETE, LOWER, UPPER, SWAP = "KEEP", "DELETE", "LOWER", "UPPER", "SWAP"
REPLACE, APPEND = "REPLACE:", "APPEND:"
_NO_SPACE_BEFORE = set(".,;:!?)]}”’%")
_NO_SPACE_AFTER = set("([{“‘$")


def tags_between(source: str, target: str) -> list[str]:
    """The tag of each word of SOURCE that turns it into TARGET, as far as single-word edits
    can (an edit beyond them leaves its words KEEP: the tagger does not learn it)."""
    a, b = split_words(source), split_words(target)
    tags = [KEEP] * len(a)
    matcher = SequenceMatcher(a=[w.text.lower() for w in a], b=[w.text.lower() for w in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2)):
                tags[i] = _case_tag(a[i].text, b[j].text)
        elif op == "delete":
            for i in range(i1, i2):
                tags[i] = DELETE
        elif op == "insert":
            if j2 - j1 == 1 and i1 > 0 and tags[i1 - 1] == KEEP:
                tags[i1 - 1] = APPEND + b[j1].text
        elif i2 - i1 == 2 and j2 - j1 == 2 and a[i1].text.lower() == b[j1 + 1].text.lower() \
                and a[i1 + 1].text.lower() == b[j1].text.lower():
            tags[i1] = SWAP
        elif i2 - i1 == j2 - j1:
            for i, j in zip(range(i1, i2), range(j1, j2)):
                tags[i] = REPLACE + b[j].text
        elif i2 - i1 == j2 - j1 + 1 and j2 > j1:  # one word fewer: the last one goes
            for i, j in zip(range(i1, i2 - 1), range(j1, j2)):
                tags[i] = REPLACE + b[j].text if a[i].text != b[j].text else KEEP
            tags[i2 - 1] = DELETE
    return tags


def _case_tag(old: str, new: str) -> str:
    if old == new:
        return KEEP
    if old[:1].isupper() and new[:1].islower() and old[1:] == new[1:]:
        return LOWER
    if old[:1].islower() and new[:1].isupper() and old[1:] == new[1:]:
        return UPPER
    return REPLACE + new


def apply_tags(text: str, tags: list[str], words: list[Word] | None = None) -> str:
    """TEXT with each word's tag applied (words as `split_words` gives them)."""
    words = words if words is not None else split_words(text)
    pieces = [w.text for w in words]
    order = list(range(len(words)))
    for i, tag in enumerate(tags[:len(words)]):
        if tag == DELETE:
            pieces[i] = ""
        elif tag == LOWER:
            pieces[i] = pieces[i][:1].lower() + pieces[i][1:]
        elif tag == UPPER:
            pieces[i] = pieces[i][:1].upper() + pieces[i][1:]
        elif tag.startswith(REPLACE):
            pieces[i] = tag[len(REPLACE):]
        elif tag.startswith(APPEND):
            pieces[i] = _join([pieces[i], tag[len(APPEND):]])
        elif tag == SWAP and i + 1 < len(words) and tags[i + 1] == KEEP:
            order[i], order[i + 1] = order[i + 1], order[i]
    return _rebuild(text, words, [pieces[k] for k in order])


def _join(parts: list[str]) -> str:
    out = ""
    for part in parts:
        if out and part and part[0] not in _NO_SPACE_BEFORE and out[-1] not in _NO_SPACE_AFTER:
            out += " "
        out += part
    return out


def _rebuild(text: str, words: list[Word], pieces: list[str]) -> str:
    """The words replaced by PIECES ("" for a deleted one), keeping the original spacing
    between kept neighbours; across deleted words the first real gap is kept."""
    if not words:
        return text
    gaps = [text[:words[0].start]] + [text[a.end:b.start] for a, b in zip(words, words[1:])]
    out = [gaps[0]]
    run: list[str] = []  # gaps met since the last kept piece
    kept = False
    for i, piece in enumerate(pieces):
        if i > 0:
            run.append(gaps[i])
        if not piece:
            continue
        if kept:
            gap = run[0] if len(run) == 1 else next((g for g in run if g), "")
            if len(run) > 1 and piece[0] in _NO_SPACE_BEFORE:
                gap = ""
            elif not gap and out[-1][-1:].isalnum() and piece[0].isalnum():
                gap = " "
            out.append(gap)
        out.append(piece)
        kept, run = True, []
    out.append(text[words[-1].end:])
    return "".join(out)
