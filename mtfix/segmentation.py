"""Paragraphs and sentences with character offsets, tuned for scraped news text.

Blank lines separate paragraphs. Inside a paragraph a line break ends a sentence when the
line looks complete (final punctuation, or a short headline/caption/menu line); long
lines that stop mid-sentence are treated as hard-wrapped and joined. Inside a line,
sentence ends are `.`, `!`, `?` or `…` (with closing quotes or brackets) followed by
whitespace and an upper-case letter, digit, quote or bracket, unless the word before
is a known abbreviation or an initial.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mtfix.lines import NEWLINE

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "gen", "col", "lt", "sgt",
    "capt", "cmdr", "adm", "gov", "sen", "rep", "pres", "rev", "hon", "messrs", "mme",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "inc", "ltd", "co", "corp", "bros", "dept", "univ", "assn", "est", "approx", "vs", "v",
    "etc", "e.g", "i.e", "cf", "al", "fig", "figs", "vol", "vols", "pp", "p", "ch", "sec",
    "u.s", "u.k", "u.n", "e.u", "u.s.a", "d.c", "a.m", "p.m", "ph.d", "b.a", "m.a",
}
# Abbreviations that end a sentence only rarely, but are real words too: "No." is
# "number" only before a digit, so "no. Will" still splits.
NUMBER_ABBREVIATIONS = {"no", "nos", "art", "op"}

_BOUNDARY = re.compile(r"(?<=[^\s\"'“‘«(\[.!?…])(?:[.!?]+|…)[\"'”’»)\]]*(?=\s)")
_LINE_BREAK = re.compile(rf"[ \t]*{NEWLINE}")
_PARAGRAPH = re.compile(rf"(?:[ \t]*{NEWLINE}){{2,}}")
_NEXT_CHARACTER = re.compile(r"\S")
_LIST_NUMBER = re.compile(r"\s*\d{1,3}")  # "1." opening a line is a list marker, not a sentence
_MARKER = re.compile(r"(?:#{1,6}\s+|[-*+•]\s+|\d{1,3}[.)]\s+|>\s*)")
_COMPLETE_LINE = re.compile(r"[.!?…:;\"'”’»)\]]\s*$")
WRAP_MIN_LENGTH = 60
MAX_SENTENCE_CHARS = 1500  # a longer run without sentence ends is cut into pieces of about this size


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    paragraph: int


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Character spans of blank-line separated paragraphs."""
    spans, position = [], 0
    for match in _PARAGRAPH.finditer(text):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _units(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a paragraph at line breaks that end a unit (see module doc)."""
    units, unit_start, position = [], start, start
    for match in _LINE_BREAK.finditer(text, start, end):
        line = text[position:match.start()]
        position = match.end()
        if (_COMPLETE_LINE.search(line) or len(line.strip()) < WRAP_MIN_LENGTH
                or _MARKER.match(text, position, end)):
            units.append((unit_start, match.start()))
            unit_start = position
    units.append((unit_start, end))
    return units


def gaps(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """The stretches of [0, LENGTH) outside SPANS (sorted by start; they may overlap)."""
    out, position = [], 0
    for start, end in spans:
        if start > position:
            out.append((position, start))
        position = max(position, end)
    if position < length:
        out.append((position, length))
    return out


def is_abbreviation(text: str, dot: int) -> bool:
    """Is the '.' at `dot` the end of an abbreviation or an initial?"""
    word_start = dot
    while word_start > 0 and not text[word_start - 1].isspace() and text[word_start - 1] not in "\"'“‘([":
        word_start -= 1
    word = text[word_start:dot].lower()
    if not word:
        return False
    if word in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha():  # an initial: "J. Smith"
        return True
    if word in NUMBER_ABBREVIATIONS:
        return bool(re.match(r"\.\s*\d", text[dot:dot + 4]))
    return bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", word))  # dotted acronyms: "u.s.a"


def _sentence_ends(text: str, start: int, end: int) -> list[int]:
    ends = []
    for match in _BOUNDARY.finditer(text, start, end):
        following = _NEXT_CHARACTER.search(text, match.end(), end)  # not a slice: linear in the unit
        if not following:
            continue
        nxt = following.group()
        if _LIST_NUMBER.fullmatch(text, start, match.start()) and text[match.start()] == ".":
            continue
        if not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“‘([«¿¡"):
            continue
        punct = text[match.start():match.end()]
        if punct.startswith(".") and not punct.startswith("..") and is_abbreviation(text, match.start()):
            # "U.S. Army" stays whole, but "in the U.S. The" cannot be told apart cheaply;
            # prefer not splitting, which at worst scores two sentences as one.
            continue
        ends.append(match.end())
    return ends


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    marker = _MARKER.match(text, start, end)
    if marker and marker.end() < end:
        start = marker.end()
    return start, end


def segment(text: str, skip: list[tuple[int, int]] | None = None) -> list[Segment]:
    """All sentences of `text`, in order, as character spans; none starts inside a SKIP span.
    Text has no code: what is code in Markdown, its parser says (mtfix.markdown), and the
    caller skips it."""
    segments: list[Segment] = []
    code = list(skip or [])
    for number, (p_start, p_end) in enumerate(paragraphs(text)):
        for u_start, u_end in _units(text, p_start, p_end):
            cut = u_start
            for boundary in [*_sentence_ends(text, u_start, u_end), u_end]:
                s, e = _trimmed(text, cut, boundary)
                if e > s and not any(c_start <= s < c_end for c_start, c_end in code):
                    segments.extend(Segment(a, b, number) for a, b in _capped(text, s, e))
                cut = boundary
    return segments


def _capped(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) cut at spaces into pieces of at most MAX_SENTENCE_CHARS (hard cuts where a
    piece has no space): a megabyte without punctuation must not become one "sentence"."""
    pieces = []
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        a, b = _trimmed(text, start, cut)
        if b > a:
            pieces.append((a, b))
        start = cut
    a, b = _trimmed(text, start, end)
    if b > a:
        pieces.append((a, b))
    return pieces
