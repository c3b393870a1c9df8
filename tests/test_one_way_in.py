"""Every entry point builds its documents through the reader registry: folders are searched
for the suffixes the readers declare, the language server reads a buffer with the reader of
its language or suffix, records (JSONL, Parquet, Ray, datatrove) go through one adapter, and
sentences given one by one are units a Document carries, never segmented."""

from __future__ import annotations

import json

import pytest

from mtfix.document import Document
from mtfix.readers import ReadOptions, Skipped, default_include, read_path, reader_for
from mtfix.readers.base import Reader
from mtfix.readers.records import record_document
from mtfix.readers.units import unit_document
from mtfix.registry import READERS


class ShoutReader(Reader):
    """A plug-in's reader: upper-case lines are read in lower case."""

    name = "shout"
    suffixes = (".shout",)

    def documents(self, path, text, codec, bom, options):
        yield Document(path, text.lower(), codec, bom_length=bom)


@pytest.fixture
def shout_reader(monkeypatch):
    monkeypatch.setitem(READERS._builtin, "shout", f"{__name__}:ShoutReader")
    monkeypatch.setattr(READERS, "_loaded", None)


def test_folders_are_searched_for_every_suffix_a_reader_declares(shout_reader, cli, tmp_path):
    assert "*.shout" in default_include() and "*.md" in default_include() and "*.parquet" in default_include()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.shout").write_text("THE WEATHER WAS FINE TODAY.\n")
    (tmp_path / "docs" / "b.csv").write_text("not read\n")
    out = json.loads(cli("scan", "-q", "-f", "json", "docs", cwd=tmp_path).stdout)
    assert [(s["path"], s["text"]) for s in out["sentences"]] == [("docs/a.shout", "the weather was fine today.")]
    given = json.loads(cli("scan", "-q", "-f", "json", "--include", "*.csv", "docs", cwd=tmp_path).stdout)
    assert [s["path"] for s in given["sentences"]] == ["docs/b.csv"]  # --include replaces the readers' globs


def test_the_options_may_choose_the_reader(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("<p>Hello there.</p><script>var x = 1;</script>\n")
    [as_text] = read_path(str(page), ReadOptions())
    [as_html] = read_path(str(page), ReadOptions(reader="html"))
    assert "<p>" in as_text.content and as_html.content.strip() == "Hello there."
    assert reader_for("notes.qmd").name == "markdown" and reader_for("x.unknown").name == "text"


def test_the_language_server_reads_a_buffer_as_the_registry_does():
    from mtfix.lsp.analysis import buffer_document

    options = ReadOptions()
    html = "<html><body><p>Hello there.</p><script>let a = 1;</script></body></html>"
    document = buffer_document("/tmp/page.html", html, "", options)
    assert document.content.strip() == "Hello there." and document.source_map is not None
    markdown = buffer_document("untitled:1", "Some `code` here.", "markdown", options)
    assert markdown.markdown
    assert buffer_document("/tmp/notes.qmd", "Text.", "", options).markdown  # by suffix, as scan reads it
    records = buffer_document("/tmp/a.jsonl", '{"text": "Hello."}', "", options)
    assert records.content == '{"text": "Hello."}' and records.record is None  # offsets into the buffer


@pytest.mark.parametrize(("record", "why"), [
    ({}, "no field 'text' (choose one with --field)"),
    ({"text": None}, "field 'text' is null, not a string"),
    ({"text": 3}, "field 'text' is int, not a string"),
    ({"text": b"x"}, "field 'text' holds bytes, not text"),
    ({"text": "a\ud800b"}, "field 'text' holds a lone surrogate (half of a UTF-16 pair), not text"),
    ({"text": "\x01\x02\x03 binary"}, "field 'text' holds binary garbage (control characters)"),
])
def test_one_record_adapter_for_files_and_engines(record, why, fake_checker):
    from mtfix.integrations.records import score_records

    read = record_document("r.jsonl", record, ReadOptions(), 4)
    assert isinstance(read, Skipped) and read.path == "r.jsonl:4" and read.reason == why
    [scored] = score_records(fake_checker, ["id-1"], [record])
    assert scored.document is None and scored.figures["error"] == why


def test_jsonl_and_parquet_records_read_alike(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows = [{"text": "First one.", "doc": "a"}, {"text": None, "doc": "a"}, {"text": "Second one.", "doc": "a"}]
    (tmp_path / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "r.parquet")
    options = ReadOptions(group_field="doc")

    def shape(items):
        return [(i.reason,) if isinstance(i, Skipped) else (i.text, i.record, i.group.split("#")[1]) for i in items]

    assert shape(read_path(str(tmp_path / "r.jsonl"), options)) == shape(read_path(str(tmp_path / "r.parquet"), options))


def test_units_are_sentences_as_given(fake_checker):
    units = ["One sentence. And another in the same unit", "", "Third unit."]
    document = unit_document("u.txt", units)
    [checked] = fake_checker.check_documents([document])
    assert [s.text for s in checked.sentences] == units
    assert [s.paragraph for s in checked.sentences] == [0, 1, 2]
    assert [(s.line, s.col) for s in checked.sentences] == [(1, 1), (2, 1), (3, 1)]


def test_score_sentences_reads_groups_in_context_and_the_rest_alone(fake_checker):
    texts = ["The summit Can Take place.", "It was fine.", "It was fine.", "Alone here."]
    sentences = fake_checker.score_sentences(texts, groups=["d", "d", "d", None])
    assert [s.text for s in sentences] == texts
    assert [s.label for s in sentences] == [s.label for s in fake_checker.score_sentences(texts, ["d", "d", "d", None])]
    # no filter runs: a repeat is scored, not labelled duplicate
    assert all(s.label != "duplicate" for s in sentences) and sentences[2].score > 0
