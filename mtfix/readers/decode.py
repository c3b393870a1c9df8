"""Bytes to text: BOMs, UTF-8, UTF-16 without BOM, then a cp1252 fallback; binary refused."""

from __future__ import annotations

import codecs
import re

from mtfix.errors import InputError

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Control characters that never appear in text files (tab, LF, FF, CR and ESC aside).
_CONTROL = {c for c in range(32) if c not in (9, 10, 12, 13, 27)}

# half of a UTF-16 pair: valid in JSON and in an editor's buffer, but not text (no tokenizer takes it)
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def decode_bytes(data: bytes) -> tuple[str, str, int]:
    """Return (text, codec, BOM length). `codec` re-encodes the text without a BOM."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom):], codec), codec, len(bom)
    codec = _guess_utf16(data)
    if codec:
        return _strict(data, codec), codec, 0
    if b"\x00" in data:
        raise InputError("binary file (NUL bytes)")
    if _mostly_utf8(data):
        # A few bad bytes in an otherwise UTF-8 file: replace them rather than read the whole
        # file as cp1252 mojibake (the reader notes the file was decoded lossily).
        text = data.decode("utf-8", errors="replace")
        if looks_binary(text.replace("\ufffd", "")):
            raise InputError("binary file (control characters)")
        return text, "utf-8", 0
    for codec in ("utf-8", "cp1252", "latin-1"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if looks_binary(text):
            raise InputError("binary file (control characters)")
        return text, codec, 0
    raise InputError("undecodable text")  # unreachable: latin-1 decodes any bytes


def _mostly_utf8(data: bytes) -> bool:
    """Not valid UTF-8, but with more valid multi-byte UTF-8 sequences than invalid bytes."""
    try:
        data.decode("utf-8")
        return False
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    multibyte = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    return multibyte > invalid


def _strict(data: bytes, codec: str) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(f"invalid {codec} at byte {exc.start}") from exc
    if looks_binary(text):
        raise InputError("binary file (control characters)")
    return text


def _guess_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM: in English text nearly every other byte is zero."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_zero = sample[0::2].count(0) / (len(sample) / 2)
    odd_zero = sample[1::2].count(0) / (len(sample) / 2)
    if odd_zero > 0.6 and even_zero < 0.1:
        return "utf-16-le"
    if even_zero > 0.6 and odd_zero < 0.1:
        return "utf-16-be"
    return None


def looks_binary(text: str) -> bool:
    sample = text[:8192]
    if not sample:
        return False
    bad = sum(1 for ch in sample if ord(ch) in _CONTROL or ch == "\ufffd")
    return bad / len(sample) > 0.02
