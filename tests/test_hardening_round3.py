"""Hostile input, round 3: ways past the CI gate, files corrupted or work lost, and robustness
(unit tier: the fake scorer and detector, in-process). G is garbled for the test detector;
the gate, `score --fail-above 0.0`, must exit 1 whenever G is in what a reader sees."""

from __future__ import annotations

import json
import time

import pytest

G = ("One of the following America Proposed summit between US President Joe Biden And their Russian "
     "colleagues Vladimir Putin Can according to Kremlin Take place in June.")
FLUENT = "The council approved the new budget on Tuesday after a long debate."


def gate(cli, tmp_path, name: str, content: str | bytes, *extra: str) -> int:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return cli("score", "-q", "--fail-above", "0.0", *extra, name, cwd=tmp_path).returncode


def scanned(cli, tmp_path, name: str, content: str) -> list[dict]:
    (tmp_path / name).write_text(content, encoding="utf-8")
    return json.loads(cli("scan", "-q", "-f", "json", name, cwd=tmp_path).stdout)["sentences"]


# -- 2. only Markdown has code, and its parser says where ----------------------------------------
@pytest.mark.parametrize("name, content", [
    ("a.txt", f"{FLUENT}\n```\n{G}\n"),
    ("a.html", f"<p>```</p><p>{G}</p>"),
    ("a.jsonl", json.dumps({"text": f"{FLUENT}\n```\n{G}"}) + "\n"),
    ("a.md", f"~~~\n```\n~~~\n\n{G}\n"),
    ("b.md", f"{FLUENT}\n\n    ```\n\n{G}\n"),
])
def test_a_line_of_backticks_hides_nothing_outside_markdown_code(cli, tmp_path, name, content):
    assert gate(cli, tmp_path, name, content) == 1


def test_markdown_code_blocks_still_hide_their_content(cli, tmp_path):
    assert gate(cli, tmp_path, "a.md", f"{FLUENT}\n\n```\n{G}\n```\n\n    {G}\n") == 0


# -- 3. HTML as a browser shows it -----------------------------------------------------------
@pytest.mark.parametrize("content", [
    f"<html><head><title>S</title><body><p>{G}</p>",
    f"<html><head><meta charset=utf-8><p>{G}</p>",
    f"<p>Chart:</p><svg><title>a tooltip</title><text x='1'>{G}</text></svg>",
])
def test_html_text_a_browser_shows_is_read(cli, tmp_path, content):
    assert G in [s["text"] for s in scanned(cli, tmp_path, "a.html", content)]
    assert gate(cli, tmp_path, "a.html", content) == 1


def test_html_head_and_svg_descriptions_are_not_read(cli, tmp_path):
    sentences = scanned(cli, tmp_path, "a.html", f"<html><head><title>{G}</title></head><body><p>{FLUENT}</p>"
                                                f"<svg><desc>{G}</desc></svg></body></html>")
    assert [s["text"] for s in sentences] == [FLUENT]


# -- 4. Markdown's HTML blocks are rendered, so their text is read ---------------------------------
@pytest.mark.parametrize("content", [
    f"<!-- reviewed --> {G}\n",
    f'<p align="center">\n{G}\n</p>\n',
    f"<Note>\n{G}\n</Note>\n",
])
def test_text_in_a_markdown_html_block_is_read(cli, tmp_path, content):
    assert gate(cli, tmp_path, "a.md", content) == 1


def test_the_markup_of_a_markdown_html_block_is_not_a_sentence(cli, tmp_path):
    sentences = scanned(cli, tmp_path, "a.md", f'<p align="center">\n{FLUENT}\n</p>\n\n<script>\n{G}\n</script>\n')
    assert [s["text"] for s in sentences] == [FLUENT]


# -- 5. an inline marker reaches its own line only, and only where a comment can stand ----------
def test_a_marker_with_lone_cr_line_ends_suppresses_its_line_only(cli, tmp_path):
    content = f"{FLUENT} mtfix: ignore\r\r{FLUENT}\r\r{G}\r".encode()
    assert gate(cli, tmp_path, "a.txt", content) == 1


def test_a_marker_in_an_html_attribute_suppresses_nothing(cli, tmp_path):
    assert gate(cli, tmp_path, "a.html", f'<div data-x="mtfix-ignore"><p>{FLUENT}</p><p>{G}</p></div>') == 1


def test_a_marker_in_an_html_comment_still_suppresses_its_line(cli, tmp_path):
    assert gate(cli, tmp_path, "a.html", f"<p>{FLUENT}</p>\n<p>{G}</p> <!-- mtfix: ignore -->\n") == 0


# -- 7. a damaged copy of a sentence is scored, not called a duplicate ---------------------------
def test_a_near_duplicate_that_reads_worse_is_scored(cli, tmp_path):
    clean = "The Minister said the talks would continue next week in Geneva."
    damaged = "The Minister said. the talks Would continue next Week in Geneva."
    sentences = scanned(cli, tmp_path, "a.txt", f"{clean}\n\n{damaged}\n\n{clean}\n")
    labels = {(s["text"], s["line"]): s["label"] for s in sentences}
    assert labels[(damaged, 3)] == "garbled"
    assert labels[(clean, 5)] == "duplicate"


# -- 16. a page with nothing visible has no sentences -------------------------------------------
def test_a_page_with_no_visible_text_has_no_sentences(cli, tmp_path):
    assert scanned(cli, tmp_path, "a.html", "<html><body><p></p><script>var x = 1;</script></body></html>") == []


# -- 11. linear time ------------------------------------------------------------------------------
def _seconds(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def _doubling_ratio(function, make) -> float:
    """How much longer FUNCTION takes on twice the input (best of two, to shrug off noise)."""
    small, large = make(1), make(2)
    return min(_seconds(function, large) for _ in range(2)) / min(_seconds(function, small) for _ in range(2))


@pytest.mark.parametrize("where", ["code block", "paragraph"])
def test_markdown_non_prose_is_linear(where):
    from mtfix.markdown import non_prose

    def make(scale: int) -> str:
        # openers that never close: each would scan to the end of its line or of the file
        body = "x [a]( ![b `` <http:" * (3000 * scale)
        return f"Intro.\n\n```\n{body}\n```\n" if where == "code block" else f"Intro {body}\n"

    assert _doubling_ratio(non_prose, make) < 3.5


def test_the_suppression_filter_is_linear():
    from mtfix.document import Document, Sentence
    from mtfix.filters.suppress import SuppressionFilter

    def make(scale: int) -> Document:
        line = "Share this article.\n"
        document = Document("a.txt", line * (20000 * scale), "utf-8")
        document.sentences = [Sentence(i * len(line), i * len(line) + len(line) - 1, line.strip(), i)
                              for i in range(20000 * scale)]
        return document

    assert _doubling_ratio(SuppressionFilter().process, make) < 3.5
