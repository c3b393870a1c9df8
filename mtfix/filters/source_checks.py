"""Checks of a translation against its source, each named (the `checks` setting chooses them;
each is a SARIF rule of its own, `mtfix/mistranslated/<check>`). A sentence a check fails is
labelled `mistranslated`, with the check's code and a reason that says what differs:

- numbers: the same numbers in both (digit grouping, decimal commas, full-width digits and
  simple CJK numerals read as numbers; an English number word counts for its number);
- links: every URL and e-mail address of the source kept as it is written;
- untranslated: the source copied as the translation, or a stretch of the source's script
  left in the English (names and brands copied verbatim are short: they are not flagged);
- brackets: brackets and quotation marks balanced where the source's are;
- length: a translation far shorter or longer than its source (bounds per script, chosen on
  MLQE-PE and MQM tune data: benchmarks/RESULTS.md).

Sentences without a source are not checked.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable

from mtfix.document import Document, Label, Sentence
from mtfix.errors import ConfigError
from mtfix.pipeline.base import DocumentStep

# -- numbers -------------------------------------------------------------------------------
_NUMBER = re.compile(r"\d+(?:[.,'\u00a0\u202f ]\d+)*")
_CJK_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CJK_UNITS = {"十": 10, "百": 100, "千": 1000}
_CJK_BIG = {"万": 10_000, "亿": 100_000_000}
_CJK_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千]+[万亿]?|\d+(?:\.\d+)?[万亿]")
_WORDS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_SCALED = re.compile(r"(\d+(?:[.,]\d+)?)\s*(hundred|thousand|million|billion|trillion)\b", re.I)


def number_value(written: str) -> float:
    """The value of a number as written: '2,000' and '2 000' are 2000, '3,5' is 3.5,
    '1.234,56' is 1234.56 (the last of two different separators is the decimal one; a lone
    separator followed by other than three digits is decimal)."""
    digits = re.sub(r"[\u00a0\u202f ']", "", written)
    marks = [c for c in digits if c in ".,"]
    if not marks:
        return float(digits)
    if len(set(marks)) == 2:
        decimal = marks[-1]
        whole, _, fraction = digits.rpartition(decimal)
        return float(whole.replace("," if decimal == "." else ".", "") + "." + fraction)
    groups = digits.split(marks[0])
    if len(marks) == 1 and len(groups[1]) != 3:
        return float(groups[0] + "." + groups[1])
    if all(len(g) == 3 for g in groups[1:]):
        return float("".join(groups))
    return float(groups[0] + "." + "".join(groups[1:]))


def cjk_value(written: str) -> float:
    """'三百二十' is 320, '两万' 20000, '2.5亿' 250000000."""
    big = _CJK_BIG.get(written[-1], 1)
    body = written[:-1] if big > 1 else written
    if body and (body[0].isdigit()):
        return float(body) * big
    total, digit = 0, 0
    for char in body:
        if char in _CJK_DIGITS:
            digit = _CJK_DIGITS[char]
        elif char in _CJK_UNITS:
            total += (digit or 1) * _CJK_UNITS[char]
            digit = 0
    return float(total + digit) * big


def numbers(text: str) -> Counter:
    """The values of the numbers in TEXT (NFKC-normalised first: full-width digits are digits)."""
    text = unicodedata.normalize("NFKC", text)
    found: Counter = Counter()
    for match in _CJK_NUMERAL.finditer(text):
        found[round(cjk_value(match.group()), 6)] += 1
    rest = _CJK_NUMERAL.sub(" ", text)
    for match in _SCALED.finditer(rest):
        found[round(number_value(match.group(1)) * _SCALES[match.group(2).lower()], 6)] += 1
    rest = _SCALED.sub(" ", rest)
    for match in _NUMBER.finditer(rest):
        try:
            found[round(number_value(match.group().strip()), 6)] += 1
        except ValueError:
            continue
    return found


def _written(text: str, value: float) -> str:
    """How TEXT writes the number VALUE (for the message)."""
    for match in _NUMBER.finditer(unicodedata.normalize("NFKC", text)):
        try:
            if round(number_value(match.group().strip()), 6) == value:
                return match.group().strip()
        except ValueError:
            continue
    return f"{value:g}"


def check_numbers(source: str, target: str) -> str:
    before, after = numbers(source), numbers(target)
    words = Counter(_WORDS[w] for w in re.findall(r"[a-z]+", target.lower()) if w in _WORDS)
    missing = before - after - words
    added = after - before
    if not missing and not added:
        return ""
    if missing and added:
        old, new = min(missing), min(added)
        return f"numbers differ: {_written(source, old)} in the source, {_written(target, new)} here"
    if missing:
        return f"numbers differ: {_written(source, min(missing))} in the source is not here"
    return f"numbers differ: {_written(target, min(added))} here is not in the source"


# -- links ---------------------------------------------------------------------------------
_LINK = re.compile(r"(?:https?://|www\.)[^\s<>\"'）】」]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)


def links(text: str) -> list[str]:
    return [m.group().rstrip(".,;:!?)]}") for m in _LINK.finditer(text)]


def check_links(source: str, target: str) -> str:
    kept = links(target)
    for link in links(source):
        if link not in kept:
            return f"link changed: {link} in the source is not here"
    return ""


# -- untranslated --------------------------------------------------------------------------
SCRIPTS = {"CYRILLIC": "Cyrillic", "GREEK": "Greek", "ARABIC": "Arabic", "HEBREW": "Hebrew", "DEVANAGARI": "Devanagari",
           "SINHALA": "Sinhala", "CJK": "Chinese", "HIRAGANA": "Japanese", "KATAKANA": "Japanese", "HANGUL": "Korean",
           "THAI": "Thai", "GEORGIAN": "Georgian", "ARMENIAN": "Armenian", "BENGALI": "Bengali", "TAMIL": "Tamil"}
DENSE = {"Chinese", "Japanese", "Thai"}  # no spaces between words: counted in characters
LANGUAGES = {"ru": "Russian", "uk": "Ukrainian", "bg": "Bulgarian", "zh": "Chinese", "ja": "Japanese", "ko": "Korean",
             "ne": "Nepali", "hi": "Hindi", "si": "Sinhala", "ar": "Arabic", "he": "Hebrew", "el": "Greek", "th": "Thai"}
MIN_WORDS, MIN_DENSE_CHARS = 2, 4  # a stretch this long is text left untranslated, not a name


def script(char: str) -> str:
    """The script of a letter ('' for Latin, digits, punctuation and space)."""
    if not char.isalpha() or char.isascii():
        return ""
    name = unicodedata.name(char, "")
    return next((label for key, label in SCRIPTS.items() if name.startswith(key)), "")


def main_script(text: str) -> str:
    counts = Counter(script(c) for c in text)
    counts.pop("", None)
    return counts.most_common(1)[0][0] if counts else ""


def stretches(text: str, wanted: str) -> list[str]:
    """Runs of TEXT written in the script WANTED (spaces and punctuation inside a run kept)."""
    out, current = [], []
    for char in text:
        kind = script(char)
        if kind == wanted or (current and not char.isalnum() and kind == ""):
            current.append(char)
        elif current:
            out.append("".join(current).strip(" ,.;:!?-"))
            current = []
    if current:
        out.append("".join(current).strip(" ,.;:!?-"))
    return [s for s in out if s]


def _long(stretch: str, kind: str) -> bool:
    if kind in DENSE:
        return sum(1 for c in stretch if script(c) == kind) >= MIN_DENSE_CHARS
    return len(stretch.split()) >= MIN_WORDS


def check_untranslated(source: str, target: str, language: str | None = None) -> str:
    flat_source, flat_target = " ".join(source.split()).casefold(), " ".join(target.split()).casefold()
    kind = main_script(source)
    if flat_source == flat_target and (len(flat_source.split()) >= 3 or (kind in DENSE and len(flat_source) >= 6)):
        return "not translated: the English is the source"
    if not kind:
        return ""
    left = next((s for s in stretches(target, kind) if _long(s, kind)), "")
    if left:
        name = LANGUAGES.get(language or "", kind)
        return f"untranslated: a {name} stretch left in («{left[:40]}»)"
    return ""


# -- brackets ------------------------------------------------------------------------------
PAIRS = (("(", ")"), ("[", "]"), ("{", "}"), ("“", "”"), ("«", "»"))


def check_brackets(source: str, target: str) -> str:
    source, target = unicodedata.normalize("NFKC", source), unicodedata.normalize("NFKC", target)
    for opening, closing in PAIRS:
        if source.count(opening) == source.count(closing) and target.count(opening) != target.count(closing):
            return (f"brackets unbalanced: {target.count(opening)} '{opening}' and {target.count(closing)} "
                    f"'{closing}' here; balanced in the source")
    if source.count('"') % 2 == 0 and target.count('"') % 2 == 1:
        return "quotation marks unbalanced: an odd number of '\"' here; balanced in the source"
    return ""


# -- length --------------------------------------------------------------------------------
# English characters per source character: the bounds outside which a translation is an
# outlier, per source script ('' is Latin), chosen on tune data (benchmarks/bench_source_checks.py).
LENGTH_BOUNDS = {"": (0.45, 2.2), "Cyrillic": (0.5, 2.2), "Devanagari": (0.45, 2.6), "Sinhala": (0.45, 2.6),
                 "Chinese": (1.2, 9.0)}
DEFAULT_BOUNDS = (0.4, 3.0)
MIN_LENGTH = 20  # characters of the source: shorter units vary too much to judge


def check_length(source: str, target: str) -> str:
    if len(source.strip()) < MIN_LENGTH:
        return ""
    low, high = LENGTH_BOUNDS.get(main_script(source), DEFAULT_BOUNDS)
    ratio = len(target.strip()) / len(source.strip())
    if ratio < low:
        return f"much shorter than the source ({ratio:.2f} of its length): something may be left out"
    if ratio > high:
        return f"much longer than the source ({ratio:.2f} times its length): something may be added"
    return ""


CHECKS: dict[str, Callable[..., str]] = {"numbers": check_numbers, "links": check_links,
                                         "untranslated": check_untranslated, "brackets": check_brackets,
                                         "length": check_length}


class SourceChecks(DocumentStep):
    """Marks a sentence `mistranslated` for each chosen check it fails against its source."""

    name = "checks"

    def __init__(self, chosen: tuple[str, ...] = tuple(CHECKS)) -> None:
        unknown = [name for name in chosen if name not in CHECKS]
        if unknown:
            raise ConfigError(f"unknown check {unknown[0]!r}: choose from {', '.join(CHECKS)}")
        self.chosen = chosen
        self.sources_seen = 0  # sentences that had a source (the signature names the checks then)
        self.languages: set[str] = set()  # their source languages ('' where not named)

    @property
    def signature(self) -> dict[str, str]:
        """The signature's entry once a source was read: its languages and the checks run."""
        if not self.sources_seen:
            return {}
        languages = ",".join(sorted(lang or "?" for lang in self.languages))
        return {"source": f"{languages}/checks:{','.join(self.chosen) or 'none'}"}

    def process(self, document: Document) -> None:
        for sentence in document.sentences:
            if sentence.source is None or sentence.suppressed or sentence.flagged:
                continue
            self.sources_seen += 1
            self.languages.add(document.source_lang or "")
            self.check(sentence, document.source_lang)

    def check(self, sentence: Sentence, language: str | None) -> None:
        for name in self.chosen:
            check = CHECKS[name]
            why = check(sentence.source, sentence.text, language) if name == "untranslated" else \
                check(sentence.source, sentence.text)
            if why:
                sentence.mark(Label.MISTRANSLATED, name, why)
