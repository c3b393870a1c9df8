"""Text from files and file names made safe to show: control characters (an ESC that would
drive the terminal, a BEL) are written as visible escapes, line breaks in a path cannot
start a new output line (which CI systems read as commands), and XML gets only the
characters XML 1.0 allows."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_XML_ILLEGAL = re.compile(r"[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _escape(match: re.Match) -> str:
    return f"\\x{ord(match.group()):02x}" if ord(match.group()) < 0x100 else f"\\u{ord(match.group()):04x}"


def printable(text: str) -> str:
    """TEXT with control characters (tab and newline aside) shown as \\xNN escapes."""
    return _CONTROL.sub(_escape, text)


def one_line(text: str) -> str:
    """Newlines and runs of whitespace shown as one space, control characters escaped, so a
    sentence fits one line and cannot drive the terminal."""
    return printable(re.sub(r"\s+", " ", text))


def safe_path(path: str) -> str:
    """A path on one line: its line breaks and control characters escaped."""
    return printable(path.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t"))


def xml_text(text: str) -> str:
    """TEXT without the characters XML 1.0 forbids (each becomes U+FFFD)."""
    return _XML_ILLEGAL.sub("\ufffd", text)
