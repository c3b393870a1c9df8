"""Checks of a translation against its source, each named (the `checks` setting chooses them;
each is a SARIF rule of its own, `mtfix/mistranslated/<check>`). A sentence a check fails is
labelled `mistranslated`, with the check's code and a reason that says what differs:

- numbers: no number changed (digit grouping, decimal commas, full-width digits, CJK numerals
  and scale words such as "млн" and "万" read as numbers, and times, dates, Chinese months,
  decades and afternoon hours matched however English writes them; one left out or added
  alone is not flagged: it is often written as a word);
- links: every URL and e-mail address of the source kept as it is written;
- untranslated: the source copied as the translation, or a stretch of the source's script
  left in the English (names and brands copied verbatim are short: they are not flagged);
- language: the translation is in English (most of its lower-case words are English words);
- brackets: brackets and quotation marks balanced where the source's are;
- length: a translation far shorter or longer than its source (bounds per script, chosen on
  MLQE-PE and MQM tune data: benchmarks/RESULTS.md).

Without a source only `untranslated` runs, on longer stretches: four words, or eight
characters of a script written without spaces.
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
# digits grouped by a mark, or by a space before exactly three digits ("2 000"; "17 1972" is two;
# "3:0", a score, is two)
_NUMBER = re.compile(r"\d+(?:[.,']\d+|[\u00a0\u202f ]\d{3}(?!\d))*")
# a time of day, a colon and a space allowed ("18:06", "18: 06", "24:00"), or in Chinese
# ("14时40分"); a date of three numbers; a month in Chinese ("7月"), matched by its English name
_TIME = re.compile(r"(?<!\d)([01]?\d|2[0-4]) ?: ?([0-5]\d)(?!\d)|(?<!\d)([01]?\d|2[0-4])[时點点]([0-5]?\d)分")
_MONTH = re.compile(r"(?<!\d)(1[0-2]|0?[1-9])(?=月)")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
_MONTH_NAME = re.compile(r"\b(" + "|".join(m.title() for m in MONTHS) + r")\b")
_DATE = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})\b")
_AFTERNOON = re.compile(r" ?[pP]\.? ?[mM]\b\.?")
_DECADE = re.compile(r"(?:'?s|-[хе])\b")  # the 1990s, 1990-х, 1990-е
_CJK_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CJK_UNITS = {"十": 10, "百": 100, "千": 1000}
_CJK_BIG = {"万": 10_000, "亿": 100_000_000}
# a CJK numeral: digits with a unit or a scale, or several digits (二〇一九); a lone 一 is a word ("a", 统一)
_CJK_NUMERAL = re.compile(r"\d+(?:\.\d+)?[多余]?[万亿]|[零〇一二两三四五六七八九]*[零〇一二两三四五六七八九][十百千万亿][零〇一二两三四五六七八九十百千]*[万亿]?"
                          r"|[零〇一二两三四五六七八九]{2,}")
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12,
           "тыс": 1000, "млн": 10**6, "млрд": 10**9, "миллион": 10**6, "миллиард": 10**9,
           "mii": 1000, "milioane": 10**6, "milion": 10**6, "miliarde": 10**9, "miliard": 10**9,
           "tuhat": 1000, "miljon": 10**6, "miljonit": 10**6, "miljard": 10**9, "miljardit": 10**9}
_SCALED = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:de\s+)?(" + "|".join(sorted(_SCALES, key=len, reverse=True)) + r")", re.I)


def number_value(written: str) -> float:
    """The value of a number as written: '2,000' and '2 000' are 2000, '3,5' is 3.5,
    '1.234,56' is 1234.56 (the last of two different separators is the decimal one; a lone
    separator followed by other than three digits is decimal)."""
    digits = re.sub(r"[\u00a0\u202f ':]", "", written)
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
    """'三百二十' is 320, '两万' 20000, '2.5亿' 250000000, '二〇一九' 2019."""
    big = _CJK_BIG.get(written[-1], 1)
    body = (written[:-1] if big > 1 else written).rstrip("多余")  # "1100多万": over 11 million
    if body and body[0].isdigit():
        return float(body) * big
    if body and all(c in _CJK_DIGITS for c in body):
        return float("".join(str(_CJK_DIGITS[c]) for c in body)) * big
    total, digit = 0, 0
    for char in body:
        if char in _CJK_DIGITS:
            digit = _CJK_DIGITS[char]
        elif char in _CJK_UNITS:
            total += (digit or 1) * _CJK_UNITS[char]
            digit = 0
        elif char in _CJK_BIG:
            total, digit = (total + digit) * _CJK_BIG[char], 0
    return float(total + digit) * big


def _keys(value: float, written: str = "") -> frozenset[str]:
    """What a number may be matched by: its value, and the digits as written (so that a
    grouping or a decimal mark read the other way still matches: '3,5' and '3.5')."""
    keys = {f"{value:.6g}" if value < 1e15 else f"{value:.6e}"}
    digits = re.sub(r"\D", "", _ascii_digits(unicodedata.normalize("NFKC", written))).lstrip("0")
    if digits:
        keys.add("d" + digits)
    return frozenset(keys)


def numbers(text: str) -> list[tuple[str, frozenset[str]]]:
    """Each number in TEXT as written, with the keys it matches by (NFKC first: full-width
    digits are digits; '3.5 million' matches 3.5 and 3,500,000)."""
    text = unicodedata.normalize("NFKC", text)
    found = []
    for match in _CJK_NUMERAL.finditer(text):
        value = cjk_value(match.group())
        found.append((match.group(), _keys(value) | ({"d" + match.group()[:-1].rstrip("多余").replace(".", "")}
                                                     if match.group()[0].isdigit() else set())))
    rest = _CJK_NUMERAL.sub(" ", text)
    for match in _SCALED.finditer(rest):
        bare = number_value(match.group(1))
        found.append((match.group(), _keys(bare * _SCALES[match.group(2).lower()]) | _keys(bare, match.group(1))))
    rest = _SCALED.sub(" ", rest)
    for match in _DATE.finditer(rest):  # a date's day, month and year are matched one by one
        found += [(part, _keys(float(part), part)) for part in match.groups()]
    rest = _DATE.sub(" ", rest)
    for match in _TIME.finditer(rest):
        hour, minute = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        found.append((match.group(), _time_keys(hour, minute.zfill(2))))
    rest = _TIME.sub(" ", rest)
    for match in _MONTH.finditer(rest):
        found.append((match.group() + "月", _keys(float(match.group()), match.group()) | {f"month{int(match.group())}"}))
    rest = _MONTH.sub(" ", rest)
    for match in _NUMBER.finditer(rest):
        written = match.group().strip()
        try:
            found.append((written, _keys(number_value(written), written) | _read_as(written, rest[match.end():])))
        except ValueError:
            continue
    return found


def _ascii_digits(text: str) -> str:
    """TEXT with every decimal digit of any script as an ASCII one ("०३८" → "038")."""
    return "".join(str(unicodedata.decimal(c)) if not c.isascii() and c.isdecimal() else c for c in text)


def _time_keys(hour: str, minute: str) -> frozenset[str]:
    """A time matches the same time written with any separator, and on the hour the hour
    alone ("18时", "18 h")."""
    keys = {f"t{int(hour)}:{minute}", "d" + ((hour + minute).lstrip("0") or "0")}
    return frozenset(keys | ({f"{int(hour)}"} if minute == "00" else set()))


def _month_names(text: str) -> list[tuple[str, frozenset[str]]]:
    """The months TEXT names in English, as numbers only a month numeral matches."""
    return [(m.group(), frozenset({f"month{MONTHS.index(m.group().lower()) + 1}"})) for m in _MONTH_NAME.finditer(text)]


def _read_as(written: str, after: str) -> set[str]:
    """What else a number is often written as in another language: a decade as its last two
    digits ("the 1930s" for "anii 30", "1990s" for "90-х"), an afternoon hour on the 24-hour
    clock ("1 p.m." for 13), a year written without its thousands ("2065" for "०६५")."""
    keys: set[str] = set()
    written = _ascii_digits(written)
    if re.fullmatch(r"1[5-9][1-9]0|20[1-9]0", written) and _DECADE.match(after):
        keys.add(written[2:])
    if re.fullmatch(r"\d{1,2}", written) and 1 <= int(written) <= 11 and _AFTERNOON.match(after):
        keys.add(str(int(written) + 12))
    if re.fullmatch(r"0\d\d", written):
        keys.add(str(2000 + int(written)))
    return keys


def _unmatched(ours: list, theirs: list) -> list[str]:
    """The numbers of OURS that no number of THEIRS matches (each of theirs used once)."""
    left = list(theirs)
    out = []
    for written, keys in ours:
        match = next((i for i, (_, other) in enumerate(left) if keys & other), None)
        if match is None:
            out.append(written)
        else:
            left.pop(match)
    return out


def number_repair(source: str, target: str) -> str | None:
    """TARGET with its one changed number put back as the source has it, written the English
    way ('2 000' → '2,000' where the English groups digits, '3,5' → '3.5'), or None when the
    change is not one plain number for another (several, or a scale word or CJK numeral)."""
    before, after = numbers(source), numbers(target)
    missing, added = _unmatched(before, after), _unmatched(after, before)
    if len(missing) != 1 or len(added) != 1 or not all(_NUMBER.fullmatch(n) for n in missing + added):
        return None
    value = number_value(missing[0])
    grouped = bool(re.search(r"\d[,.\u00a0\u202f ']\d{3}\b", added[0]))
    if value == int(value):
        english = f"{int(value):,}" if grouped else str(int(value))
    else:
        english = f"{value:,.6g}" if grouped else f"{value:.6g}"
    spots = [m for m in _NUMBER.finditer(target) if m.group().strip() == added[0]]
    if len(spots) != 1:
        return None
    return target[:spots[0].start()] + english + target[spots[0].start() + len(added[0]):]


def check_numbers(source: str, target: str) -> str:
    """A number of the source that is not in the English while the English has one the source
    has not: a number changed. (A number left out or added alone is often written as a word
    or implied, and is not flagged.)"""
    before, after = numbers(source), numbers(target)
    if any(key.startswith("month") for _, keys in before for key in keys):
        after += _month_names(target)  # the source writes months as numbers ("7月"), English as names
    missing, added = _unmatched(before, after), _unmatched(after, before)
    if missing and added:
        return f"numbers differ: {missing[0]} in the source, {added[0]} here"
    return ""


# -- links ---------------------------------------------------------------------------------
_LINK = re.compile(r"(?:https?://|www\.)[^\s<>\"'）】」]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)


def links(text: str) -> list[str]:
    return [m.group().rstrip(".,;:!?)]}") for m in _LINK.finditer(text)]


def link_repair(source: str, target: str) -> str | None:
    """TARGET with its one changed link put back as the source has it, or None."""
    missing = [link for link in links(source) if link not in links(target)]
    added = [link for link in links(target) if link not in links(source)]
    if len(missing) != 1 or len(added) != 1 or target.count(added[0]) != 1:
        return None
    return target.replace(added[0], missing[0])


REPAIRS = {"numbers": number_repair, "links": link_repair}  # the checks whose finding the source can undo


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


MIN_WORDS_ALONE, MIN_DENSE_ALONE = 4, 8  # without a source, a longer stretch: a quoted name or title is shorter


def untranslated_alone(target: str) -> str:
    """Without a source: a stretch of English text in another (non-Latin) script, long enough
    not to be a name or a title quoted in its own script."""
    for kind in sorted({script(c) for c in target} - {""}):
        for stretch in stretches(target, kind):
            letters = sum(1 for c in stretch if script(c) == kind)
            if (kind in DENSE and letters >= MIN_DENSE_ALONE) or (kind not in DENSE and len(stretch.split()) >= MIN_WORDS_ALONE):
                return f"untranslated: a {kind} stretch left in («{stretch[:40]}»)"
    return ""


# -- brackets ------------------------------------------------------------------------------
# Each kind: its opening and closing marks (a language's quotation marks may be another's:
# «…» in the source is “…” or "…" in the English, so all double quotation marks are one kind).
PAIRS = {"brackets": ("(", ")"), "square brackets": ("[", "]"), "braces": ("{", "}"),
         "quotation marks": ("“«「『", "”»」』")}


def _balance(text: str, opening: str, closing: str) -> tuple[int, int]:
    return sum(text.count(c) for c in opening), sum(text.count(c) for c in closing)


def check_brackets(source: str, target: str) -> str:
    """Marks of a kind the source has, balanced there, unbalanced here."""
    source, target = unicodedata.normalize("NFKC", source), unicodedata.normalize("NFKC", target)
    for kind, (opening, closing) in PAIRS.items():
        opened, closed = _balance(source, opening, closing)
        if opened and opened == closed:
            here = _balance(target, opening, closing)
            straight = target.count('"') if kind == "quotation marks" else 0  # "…" may stand for «…»
            if here[0] != here[1] and not (straight and (straight + sum(here)) % 2 == 0):
                return f"{kind} unbalanced: {here[0]} opened and {here[1]} closed here; balanced in the source"
    quoted = source.count('"') + sum(_balance(source, *PAIRS["quotation marks"]))
    doubled = target.count('"') + target.count("“") + target.count("”")  # '"…”' is a pair
    if quoted and quoted % 2 == 0 and source.count('"') % 2 == 0 and doubled % 2 == 1:
        return "quotation marks unbalanced: an odd number of '\"' here; balanced in the source"
    return ""


# -- language ------------------------------------------------------------------------------
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
ENGLISH_ZIPF = 2.5  # a word English uses at least this often (wordfreq's Zipf scale) is an English word
ENGLISH_SHARE, ENGLISH_LEAST = 0.5, 4  # of at least this many lower-case words, under this share English


def check_language(source: str, target: str) -> str:
    """The translation is not in English: of its lower-case words (names aside), fewer than half
    are words English uses. Chosen on a fifth of MLQE-PE train: 8 of its 7,000 post-edits
    (quoted proverbs, transliterations) fall under the bar."""
    from wordfreq import zipf_frequency

    lower = [w for w in _WORD.findall(target) if w[0].islower()]
    if len(lower) < ENGLISH_LEAST:
        return ""
    english = sum(zipf_frequency(w, "en") >= ENGLISH_ZIPF for w in lower)
    if english / len(lower) < ENGLISH_SHARE:
        return f"not English: {len(lower) - english} of its {len(lower)} lower-case words are not English words"
    return ""


# -- length --------------------------------------------------------------------------------
# English characters per source character: the bounds outside which a translation is an
# outlier, per source script ('' is Latin): the 0.1 % and 99.9 % quantiles of right pairs on
# the tune part (`python benchmarks/bench_source_checks.py --part tune`: MLQE-PE train's
# post-edits, MQM's error-free tune translations), rounded outward to 0.05. Scripts not
# measured there get wide bounds.
LENGTH_BOUNDS = {"": (0.6, 1.6), "Cyrillic": (0.55, 2.25), "Devanagari": (0.6, 1.75), "Sinhala": (0.35, 1.75),
                 "Chinese": (1.75, 6.2)}
DEFAULT_BOUNDS = (0.3, 8.0)
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
                                         "untranslated": check_untranslated, "language": check_language,
                                         "brackets": check_brackets, "length": check_length}


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
            if sentence.suppressed or sentence.flagged:
                continue
            if sentence.source is None:  # the one check that needs no source
                why = untranslated_alone(sentence.text) if "untranslated" in self.chosen else ""
                if why:
                    sentence.mark(Label.MISTRANSLATED, "untranslated", why)
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
