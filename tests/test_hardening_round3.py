"""Hostile input: ways past the CI gate, files corrupted or work lost, and robustness
(unit tier: the fake scorer and detector, in-process). G is garbled for the test detector;
the gate, `score --fail-above 0.0`, must exit 1 whenever G is in what a reader sees."""

from __future__ import annotations

import json
import time
from pathlib import Path

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


# -- 6. every matching override counts, key by key, for the gate as for `mtfix config` ---------
def test_a_second_matching_override_keeps_the_firsts_fail_above(cli, tmp_path):
    (tmp_path / "mtfix.toml").write_text('[[overrides]]\npaths = ["*.txt"]\nfail-above = 0.0\n\n'
                                         '[[overrides]]\npaths = ["sub/*"]\nthreshold = 0.7\n', encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "g.txt").write_text(G + "\n", encoding="utf-8")
    assert cli("score", "-q", "sub/g.txt", cwd=tmp_path).returncode == 1
    shown = cli("config", "sub/g.txt", cwd=tmp_path).stdout.decode()
    assert "fail-above" in shown and "0.0" in shown


# -- 10. mtfix's own files are not inputs ----------------------------------------------------------
def test_the_baseline_in_the_scanned_folder_is_updated_again_and_again(cli, tmp_path):
    (tmp_path / "a.txt").write_text(G + "\n", encoding="utf-8")
    for _ in range(3):
        result = cli("score", "-q", ".", "--update-baseline", cwd=tmp_path)
        assert result.returncode == 0, result.stderr.decode()
    assert (tmp_path / ".mtfix-baseline.json").is_file()


def test_a_report_that_the_next_scan_would_read_is_still_refused(cli, tmp_path):
    (tmp_path / "a.txt").write_text(G + "\n", encoding="utf-8")
    (tmp_path / "report.txt").write_text("old\n", encoding="utf-8")
    result = cli("scan", "-q", ".", "-o", "report.txt", cwd=tmp_path)
    assert result.returncode == 2 and b"would overwrite an input" in result.stderr


# -- 12. a cache row of the right keys but wrong types is computed again ---------------------------
@pytest.mark.parametrize("damage", [{"p": None}, {"words": [[0]]}, {"spans": [["a", 1, 0.5]]},
                                    {"near": [0, 1]}, {"features": {"x": "y"}}])
def test_a_cache_row_of_the_wrong_types_is_recomputed(cli, tmp_path, damage):
    import sqlite3

    from mtfix.home import mtfix_home

    (tmp_path / "a.txt").write_text(f"{FLUENT}\n\n{G}\n", encoding="utf-8")
    first = cli("scan", "-q", "-f", "json", "a.txt", cwd=tmp_path)
    database = mtfix_home() / "score-cache.sqlite"
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT key, value FROM analysis").fetchall()
        for key, value in rows:
            connection.execute("UPDATE analysis SET value = ? WHERE key = ?", (json.dumps({**json.loads(value), **damage}), key))
    for _ in range(2):
        again = cli("scan", "-q", "-f", "json", "a.txt", cwd=tmp_path)
        assert again.returncode == first.returncode, again.stderr.decode()
        assert json.loads(again.stdout)["sentences"] == json.loads(first.stdout)["sentences"]


def test_a_suggestion_row_of_the_wrong_types_reads_as_missing():
    from fakes import target

    from mtfix.fix.fixer import _from_record

    good = {"suggestions": [], "considered": 1, "rejected": {"guard": 1}}
    assert _from_record(target(G), good) is not None
    for bad in ({**good, "considered": None}, {**good, "rejected": {"guard": "x"}},
                {**good, "suggestions": [{"text": None}]}):
        assert _from_record(target(G), bad) is None


# -- 13. deeply nested JSON and TOML are one line, exit 2 ---------------------------------------------
def test_a_deeply_nested_config_baseline_or_state_is_one_line(cli, tmp_path):
    (tmp_path / "a.txt").write_text(FLUENT + "\n", encoding="utf-8")
    deep_json = "[" * 100_000 + "]" * 100_000
    (tmp_path / "base.json").write_text(deep_json, encoding="utf-8")
    result = cli("score", "-q", "--baseline", "base.json", "a.txt", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count(b"\n") == 1 and b"nested too deeply" in result.stderr
    (tmp_path / "mtfix.toml").write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    result = cli("scan", "-q", "a.txt", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count(b"\n") == 1 and b"mtfix.toml" in result.stderr


def test_a_deeply_nested_review_state_is_one_line(tmp_path):
    from mtfix.errors import InputError
    from mtfix.review.session import ReviewSession

    state = tmp_path / "state.json"
    state.write_text('{"decisions": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    with pytest.raises(InputError, match="nested too deeply"):
        ReviewSession([], state)


def test_a_deeply_nested_jsonl_record_skips_that_record(cli, tmp_path):
    lines = ['{"text": ' + "[" * 100_000 + "]" * 100_000 + "}", json.dumps({"text": G})]
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("score", "-q", "--fail-above", "0.0", "a.jsonl", cwd=tmp_path)
    assert b"a.jsonl:1" in result.stderr and b"nested too deeply" in result.stderr
    assert json.loads(cli("scan", "-q", "-f", "json", "a.jsonl", cwd=tmp_path).stdout)["summary"]["garbled"] == 1


# -- 14. JSON Lines end at "\n" only -----------------------------------------------------------------
def test_a_raw_line_separator_inside_a_jsonl_string_is_text(cli, tmp_path):
    record = '{"text": "' + FLUENT + "\u2028" + G + '"}\n'
    assert gate(cli, tmp_path, "a.jsonl", record) == 1
    assert cli("scan", "-q", "a.jsonl", cwd=tmp_path).stderr == b""


# -- 15. file contents never drive the terminal or silence the editor ---------------------------------
def test_the_language_server_reads_a_document_with_a_lone_surrogate(monkeypatch, tmp_path):
    from fakes import FakeScorer, stray_detector

    import mtfix.api
    from mtfix.lsp.analysis import LspAnalysis

    monkeypatch.setattr(mtfix.api.Checker, "_make_scorer", lambda self: FakeScorer())
    monkeypatch.setattr(mtfix.api.Checker, "detector", property(lambda self: stray_detector()))
    analysis = LspAnalysis()
    try:
        checked = analysis.check((tmp_path / "a.txt").as_uri(), f"{FLUENT} \ud800 x.\n\n{G}\n")
        assert any(s.label == "garbled" for s in checked.document.sentences)
    finally:
        analysis.close()


def test_line_review_escapes_file_contents_and_names(fake_checker, tmp_path):
    import io

    from fakes import StandInSource, stand_in_fix_step
    from rich.console import Console

    from mtfix.document import Document
    from mtfix.review.prompts import LineReview
    from mtfix.review.session import ReviewItem, ReviewSession

    fake_checker.__dict__["fix"] = stand_in_fix_step([StandInSource()])
    path = tmp_path / "a\x1b[2Jb.txt"
    path.write_text(f"\x1b]0;title\x07{FLUENT}\n\n{G} \x1b[31mred\x1b[0m\n", encoding="utf-8")
    items = [ReviewItem(fix.target, fix) for document in fake_checker.check_paths([str(path)], fix=True)
             if isinstance(document, Document) for fix in document.fixes]
    sink = io.StringIO()
    LineReview(ReviewSession(items, tmp_path / "state.json"), Console(file=sink, width=300), io.StringIO()).show()
    shown = sink.getvalue()
    assert items and "\x1b" not in shown and "\x07" not in shown and "\\x1b" in shown


# -- 17. the suggestion cache keys on all the code a suggestion runs ----------------------------------
def test_the_fix_code_digest_follows_what_the_fix_code_imports():
    from mtfix.signature import PACKAGE, import_closure

    files = {path.relative_to(PACKAGE).as_posix() for path in import_closure("mtfix.fix.fixer")}
    # imported at module level, inside functions, and named by the registry for later import
    assert {"worddiff.py", "normalize.py", "lm/scorer.py", "fix/fluency.py", "fix/sources/lm_edits.py",
            "features/surprisal.py", "detector/nearmiss.py"} <= files, sorted(files)


def test_editing_any_module_the_fix_imports_changes_the_suggestion_key(tmp_path):
    import shutil

    import mtfix
    from mtfix import signature

    copy = tmp_path / "mtfix"
    shutil.copytree(Path(mtfix.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = signature.modules_digest("mtfix.fix.fixer", package=copy)
    assert before == signature.modules_digest("mtfix.fix.fixer")  # the same code, the same digest
    for module in ("worddiff.py", "normalize.py", "lm/scorer.py", "features/surprisal.py"):
        with open(copy / module, "a", encoding="utf-8") as handle:
            handle.write("\n# edited\n")
        signature.modules_digest.cache_clear()
        after = signature.modules_digest("mtfix.fix.fixer", package=copy)
        assert after != before, module
        before = after


# -- 8. a rewrite needs the very bytes that were scanned ---------------------------------------------
@pytest.mark.parametrize("change", ["add a BOM", "remove the BOM"])
def test_a_bom_added_or_removed_since_the_scan_stops_the_write(fake_checker, tmp_path, change):
    from fakes import StandInSource, stand_in_fix_step

    from mtfix.document import Document
    from mtfix.fix.apply import apply_document

    fake_checker.__dict__["fix"] = stand_in_fix_step([StandInSource()])
    path = tmp_path / "a.txt"
    body = f"{FLUENT}\n\n{G}\n".encode()
    path.write_bytes(body if change == "add a BOM" else b"\xef\xbb\xbf" + body)
    [document] = [d for d in fake_checker.check_paths([str(path)], fix=True) if isinstance(d, Document)]
    assert document.fixes and document.fixes[0].best
    path.write_bytes(b"\xef\xbb\xbf" + body if change == "add a BOM" else body)  # the same text, decoded
    before = path.read_bytes()
    applied = apply_document(document, backup=False)
    assert applied.count == 0 and "changed since it was scanned" in applied.why_not
    assert path.read_bytes() == before


# -- 9. a review decision that cannot be written is said, kept, and not marked applied ---------------
def test_a_review_edit_that_would_change_markdown_code_is_kept_not_applied(fake_checker, tmp_path):
    from fakes import StandInSource, stand_in_fix_step

    from mtfix.document import Document
    from mtfix.review.session import ReviewItem, ReviewSession

    fake_checker.__dict__["fix"] = stand_in_fix_step([StandInSource()])
    path = tmp_path / "a.md"
    text = f"{FLUENT}\n\nofficials said the the talks use `the code` in Geneva next week after the summit.\n"
    path.write_text(text, encoding="utf-8")
    items = [ReviewItem(fix.target, fix) for document in fake_checker.check_paths([str(path)], fix=True)
             if isinstance(document, Document) for fix in document.fixes]
    assert items
    session = ReviewSession(items, tmp_path / "state.json", backup=False)
    session.edit("Officials said the talks would resume in Geneva next week after the summit.")
    summary = session.apply()
    assert path.read_text(encoding="utf-8") == text
    assert not summary.applied
    assert any("code" in why for reasons in summary.not_applied.values() for why in reasons), summary.lines()
    decision = json.loads((tmp_path / "state.json").read_text())["decisions"][items[0].key]
    assert decision["action"] == "edited" and decision["applied"] is False
    assert ReviewSession(items, tmp_path / "state.json").decided(0)  # kept for the next review
