"""Translations that come with their source, one sentence per unit, never re-segmented:

- `lines`: the input with a line-aligned source file (`--source FILE`, MT evaluation's
  two-file form): line N of the input translates line N of the source;
- `tsv`: `source<TAB>target` on each line (`.tsv`);
- `tmx`: TMX 1.4 translation memories (`.tmx`), one record per `<tu>`.

Each non-empty target is one unit (a sentence as given); its offsets point into the file, so
`fix --write` rewrites the targets only and leaves every other byte as it was. An empty
target has no sentence. Line counts that differ, or a TSV line without exactly two columns,
make the file unreadable with a one-line reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mtfix.document import Document
from mtfix.errors import InputError
from mtfix.lines import line_spans
from mtfix.readers.base import Reader
from mtfix.readers.decode import decode_bytes
from mtfix.readers.options import ReadOptions, Skipped


def aligned_document(path: str, text: str, codec: str, bom: int, targets: list[tuple[int, int]],
                     sources: list[str], options: ReadOptions) -> Document:
    """A Document whose units are the non-empty TARGETS (spans of TEXT), each with its source."""
    kept = [(span, source) for span, source in zip(targets, sources) if text[span[0]:span[1]].strip()]
    return Document(path, text, codec, bom_length=bom, units=[span for span, _ in kept],
                    sources=[source for _, source in kept], source_lang=options.source_lang)


class LinesReader(Reader):
    """The input's lines, each the translation of the same line of `--source`."""

    name = "lines"
    suffixes = ()  # chosen by name (ReadOptions.reader), when a source file is given

    def documents(self, path: str, text: str, codec: str, bom: int,
                  options: ReadOptions) -> Iterator[Document | Skipped]:
        if not options.source:
            raise InputError("the lines reader needs --source FILE")
        source_text = _source_text(options.source, options.max_bytes)
        targets, source_lines = line_spans(text), line_spans(source_text)
        if len(targets) != len(source_lines):
            raise InputError(f"{len(targets)} lines here, {len(source_lines)} in the source {options.source}: "
                             "line-aligned files must have as many lines")
        sources = [source_text[start:end] for start, end in source_lines]
        yield aligned_document(path, text, codec, bom, targets, sources, options)


class TsvReader(Reader):
    """`source<TAB>target` per line."""

    name = "tsv"
    suffixes = (".tsv",)

    def documents(self, path: str, text: str, codec: str, bom: int,
                  options: ReadOptions) -> Iterator[Document | Skipped]:
        targets, sources = [], []
        for number, (start, end) in enumerate(line_spans(text), start=1):
            line = text[start:end]
            if not line.strip():
                continue
            columns = line.count("\t") + 1
            if columns != 2:
                raise InputError(f"line {number} has {columns} column{'s' * (columns != 1)}; "
                                 "a .tsv holds source<TAB>target on every line")
            tab = line.index("\t")
            sources.append(line[:tab])
            targets.append((start + tab + 1, end))
        yield aligned_document(path, text, codec, bom, targets, sources, options)


def _source_text(path: str, limit: int) -> str:
    """The source file's text, read and decoded as an input is."""
    from mtfix.readers import read_bytes

    try:
        text, _, _ = decode_bytes(read_bytes(path, limit))
    except InputError as exc:
        raise InputError(f"source {path}: {exc}") from None
    return text


class TmxReader(Reader):
    """TMX 1.4: each translation unit (`<tu>`) with an English variant is a record of one
    sentence, its source the variant in the header's `srclang` (or the first other one); the
    languages come from `xml:lang`. A document type declaration is refused (no entities are
    expanded), as is anything that is not well-formed XML."""

    name = "tmx"
    suffixes = (".tmx",)

    def documents(self, path: str, text: str, codec: str, bom: int,
                  options: ReadOptions) -> Iterator[Document | Skipped]:
        import xml.etree.ElementTree as ET

        if re.search(r"<!DOCTYPE|<!ENTITY", text[:4096], re.I):
            raise InputError("a TMX file with a document type declaration is not read (entities are not expanded)")
        try:
            root = ET.fromstring(text.encode("utf-8"))
        except ET.ParseError as exc:
            raise InputError(f"not well-formed TMX ({exc})") from None
        if root.tag != "tmx" or root.find("body") is None:
            raise InputError("not TMX: no <tmx> with a <body>")
        header = root.find("header")
        declared = (header.get("srclang") or "") if header is not None else ""
        for number, unit in enumerate(root.iter("tu"), start=1):
            variants = {_lang(tuv): _segment(tuv) for tuv in unit.iter("tuv")}
            english = next((lang for lang in variants if lang.split("-")[0] == "en"), None)
            if english is None:
                yield Skipped(f"{path}:{number}", "no English variant (xml:lang en) in this <tu>")
                continue
            others = [lang for lang in variants if lang != english]
            source_lang = next((lang for lang in others if declared and lang.lower() == declared.lower()),
                               others[0] if others else None)
            target = variants[english]
            if not target.strip():
                continue
            source = variants.get(source_lang) if source_lang else None
            yield Document(path, target, "utf-8", record=number, units=[(0, len(target))],
                           sources=[source] if source is not None else None,
                           source_lang=options.source_lang or (source_lang.split("-")[0].lower() if source_lang else None))


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _lang(tuv) -> str:
    return tuv.get(_XML_LANG) or tuv.get("lang") or ""


def _segment(tuv) -> str:
    """The text of a variant's <seg>, inline markup (bpt, ept, ph, it) left out, text after it kept."""
    seg = tuv.find("seg")
    if seg is None:
        return ""
    parts = [seg.text or ""]
    for child in seg:
        parts.append(child.tail or "")
    return "".join(parts)
