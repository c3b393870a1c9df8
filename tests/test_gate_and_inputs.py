"""Ways a CI gate passed when it had to fail, and outputs written over inputs (rows 14-16
of benchmarks/RELIABILITY.md). Unit tier: the fake scorer and detector, in-process; each
case failed before its fix."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

GARBLED = "One of the following America Proposed summit Can according to Kremlin Take place in June."
# Garbled for the test detector whatever words stand before it (a doubled word, a small start).
DOUBLED = "officials said the the talks would resume in Geneva next week after the summit."
FLUENT = "The council approved the new budget on Tuesday after a long debate."


# -- the config is found from the path as written, not from a link's target -------------------
@pytest.fixture
def linked_project(tmp_path):
    """proj/ gates with fail-above = 0.0; its docs/ and a.txt are links into elsewhere/."""
    project, elsewhere = tmp_path / "proj", tmp_path / "elsewhere"
    (elsewhere / "docs").mkdir(parents=True)
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.mtfix]\nfail-above = 0.0\n", encoding="utf-8")
    (elsewhere / "docs" / "page.txt").write_text(GARBLED + "\n", encoding="utf-8")
    (elsewhere / "a.txt").write_text(GARBLED + "\n", encoding="utf-8")
    os.symlink("../elsewhere/docs", project / "docs")
    os.symlink("../elsewhere/a.txt", project / "a.txt")
    return project


@pytest.mark.parametrize("given", ["docs", "a.txt", "ABSOLUTE/docs"])
def test_a_linked_folder_or_file_is_gated_by_the_project_it_is_linked_into(cli, linked_project, given):
    path = given.replace("ABSOLUTE", str(linked_project))
    result = cli("score", "-q", path, cwd=linked_project)
    assert result.returncode == 1, (result.stdout + result.stderr).decode()


def test_overrides_match_the_path_as_written(cli, linked_project):
    (linked_project / "pyproject.toml").write_text(
        "[tool.mtfix]\nfail-above = 0.0\n[[tool.mtfix.overrides]]\npaths = [\"docs/*\"]\nthreshold = 0.999999\n",
        encoding="utf-8")
    report = json.loads(cli("score", "-q", "-f", "json", "docs", cwd=linked_project).stdout)
    assert report["summary"]["garbled"] == 0, "the docs/* override applies to the linked folder"


# -- a prefix rule does not swallow a whole garbled sentence ---------------------------------
@pytest.mark.parametrize("prefix", ["Tags:", "READ", "Follow us", "Click here", "©", "Subscribe"])
def test_a_garbled_sentence_behind_a_boilerplate_prefix_stays_in_the_gate(cli, tmp_path, prefix):
    (tmp_path / "a.txt").write_text(f"{prefix} {DOUBLED}\n", encoding="utf-8")
    result = cli("score", "-q", "-f", "json", "--fail-above", "0.0", "a.txt", cwd=tmp_path)
    report = json.loads(result.stdout)
    assert result.returncode == 1 and report["summary"]["garbled"] == 1, report["summary"]
    [finding] = report["findings"]
    assert "starts like boilerplate" in json.dumps(finding), "both reasons are given"


@pytest.mark.parametrize("line, why", [
    ("READ In excess of 2,000 Paramilitary Staff members to be Deployed at the Centre", "injected link"),
    ("Tags: Russia, Biden, Putin, summit", "related links"),
    ("Follow us on Twitter.", "subscription"),
    ("© 2021 Example News. All rights reserved.", "site notice"),
    ("Subscribe to our newsletter for the latest news.", "subscription"),
])
def test_page_chrome_is_still_boilerplate(line, why):
    from mtfix.filters.boilerplate import boilerplate_reason

    assert boilerplate_reason(line) == why


# -- the baseline is never written over an input ---------------------------------------------
def test_update_baseline_refuses_to_overwrite_an_input(cli, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(FLUENT + "\n", encoding="utf-8")
    result = cli("score", "-q", "--update-baseline", "--baseline", "a.txt", "a.txt", cwd=tmp_path)
    assert result.returncode == 2 and b"--baseline a.txt would overwrite an input" in result.stderr
    assert path.read_text(encoding="utf-8") == FLUENT + "\n"


# -- odd names and odd records: one line, not a traceback --------------------------------------
def test_a_file_name_that_is_not_utf8_is_shown_escaped(cli, tmp_path):
    os.chdir(tmp_path)
    with open(b"r\xe9sum\xe9.txt", "wb") as handle:
        handle.write(DOUBLED.encode() + b"\n")
    for command in ("scan", "score"):
        result = cli(command, "-q", "-f", "json", ".", cwd=tmp_path)
        assert result.returncode in ((0,) if command == "scan" else (0, 1)) and b"Traceback" not in result.stderr
        assert "r\\udce9sum\\udce9.txt" in result.stdout.decode("utf-8")
    result = cli("fix", "-q", "--sources", "grammar", ".", cwd=tmp_path)
    assert result.returncode == 0 and b"Traceback" not in result.stderr


def test_a_jsonl_record_with_a_lone_surrogate_is_skipped_alone(cli, tmp_path):
    (tmp_path / "s.jsonl").write_text('{"text": "Hello \\ud800 there."}\n{"text": "' + FLUENT + '"}\n',
                                      encoding="utf-8")
    for cache in ("--cache", "--no-cache"):
        result = cli("scan", "-q", "-f", "json", cache, "s.jsonl", cwd=tmp_path)
        assert result.returncode == 2 and b"s.jsonl:1" in result.stderr and b"lone surrogate" in result.stderr
        assert json.loads(result.stdout)["sentences"][0]["text"] == FLUENT


# -- segmenting ----------------------------------------------------------------------------
def test_segmenting_one_huge_paragraph_is_linear():
    """16 MB of short lines in one paragraph: quadratic segmenting took minutes here (8 MB:
    26 s), linear takes seconds. The bound is generous, for slow shared runners."""
    import time

    from mtfix.segmentation import segment

    text = ("seven short words on every line here\n" * 440_000)
    started = time.perf_counter()
    assert len(segment(text)) == 440_000
    assert time.perf_counter() - started < 60


def test_a_numbered_list_item_is_not_a_sentence_of_its_own():
    from mtfix.segmentation import segment

    text = "1. The talks failed on Monday.\n2. They met again on Friday.\n"
    assert [text[s.start:s.end] for s in segment(text)] == ["The talks failed on Monday.",
                                                           "They met again on Friday."]


def test_lone_carriage_returns_end_lines(cli, tmp_path):
    (tmp_path / "mac.txt").write_bytes(b"Officials met on Monday.\r" + DOUBLED.encode() + b"\r")
    report = json.loads(cli("scan", "-q", "-f", "json", "mac.txt", cwd=tmp_path).stdout)
    [second] = [s for s in report["sentences"] if s["text"] == DOUBLED]
    assert (second["line"], second["col"]) == (2, 1)


def test_include_globs_ignore_case_and_an_empty_folder_is_told(cli, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "GUIDE.MD").write_text(DOUBLED + "\n", encoding="utf-8")
    assert cli("score", "-q", "--fail-above", "0.0", "docs", cwd=tmp_path).returncode == 1, "GUIDE.MD is read"
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.bin").write_bytes(b"\x00\x01")
    result = cli("score", "-q", "empty", "docs", cwd=tmp_path)
    assert result.returncode == 2 and b"empty: no file in this folder matches --include" in result.stderr


# -- writing ---------------------------------------------------------------------------------
TYPO = "The council said the the talks would resume."


def test_a_change_made_while_the_new_text_is_written_is_not_lost(fix_cli, tmp_path, monkeypatch):
    import mtfix.atomic as atomic

    path = tmp_path / "a.txt"
    path.write_text(TYPO + "\n", encoding="utf-8")
    real = atomic._settle

    def edited_meanwhile(temp, like):  # runs between writing the temp file and the rename
        if like is not None and Path(like).name == "a.txt":
            Path(like).write_text("Someone else edited this.\n", encoding="utf-8")
        return real(temp, like)

    monkeypatch.setattr(atomic, "_settle", edited_meanwhile)
    result = fix_cli("a.txt", "--write", "--no-backup", cwd=tmp_path)
    assert result.returncode == 2 and b"changed since it was scanned" in result.stderr
    assert path.read_text(encoding="utf-8") == "Someone else edited this.\n"
    assert not list(tmp_path.glob(".a.txt.*")), "no temp file left"


def test_a_read_only_file_is_not_rewritten(fix_cli, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(TYPO + "\n", encoding="utf-8")
    path.chmod(0o444)
    result = fix_cli("a.txt", "--write", cwd=tmp_path)
    assert result.returncode == 2 and b"read-only" in result.stderr
    assert path.read_text(encoding="utf-8") == TYPO + "\n" and not (tmp_path / "a.txt.bak").exists()


def test_a_file_with_a_second_hard_link_stays_one_file(fix_cli, tmp_path):
    path, other = tmp_path / "a.txt", tmp_path / "b.txt"
    path.write_text(TYPO + "\n", encoding="utf-8")
    os.link(path, other)
    result = fix_cli("a.txt", "--write", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert "said the talks" in other.read_text(encoding="utf-8") and os.stat(path).st_ino == os.stat(other).st_ino
    assert (tmp_path / "a.txt.bak").read_text(encoding="utf-8") == TYPO + "\n"


def test_one_file_named_twice_is_read_once(fix_cli, tmp_path):
    (tmp_path / "twice.txt").write_text(TYPO + "\n", encoding="utf-8")
    result = fix_cli("twice.txt", "./twice.txt", "--write", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert "said the talks" in (tmp_path / "twice.txt").read_text(encoding="utf-8")


# -- reports ---------------------------------------------------------------------------------
def test_markdown_summary_renders_corpus_text_as_text(cli, tmp_path):
    from markdown_it import MarkdownIt

    hostile = "officials said the the photo ![p](https://example.com/p.png) and [it](https://example.com) @octocat."
    (tmp_path / "a.txt").write_text(hostile + "\n", encoding="utf-8")
    page = MarkdownIt("commonmark").enable("table").render(
        cli("score", "-q", "-f", "markdown", "a.txt", cwd=tmp_path).stdout.decode())
    assert "<img" not in page and "<a " not in page and "@octocat" not in page
    assert "officials said the the photo" in page


def test_sarif_uris_are_percent_encoded(cli, tmp_path):
    (tmp_path / "my notes #1 100%.txt").write_text(DOUBLED + "\n", encoding="utf-8")
    report = json.loads(cli("score", "-q", "-f", "sarif", ".", cwd=tmp_path).stdout)
    [result] = report["runs"][0]["results"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.endswith("my%20notes%20%231%20100%25.txt")


# -- one line and exit 2, not a traceback -------------------------------------------------------
def test_closed_stdin_is_one_line(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "mtfix.cli", "scan", "-q", "--no-cache", "-"], stdin=subprocess.DEVNULL,
                            capture_output=True, cwd=tmp_path, env={**os.environ, "MTFIX_HOME": str(tmp_path)},
                            pass_fds=(), close_fds=True, preexec_fn=lambda: os.close(0))
    assert result.returncode == 2 and b"standard input is closed" in result.stderr
    assert b"Traceback" not in result.stderr


@pytest.mark.parametrize("state", ["nodir/s.json", "folder"])
def test_a_review_state_that_cannot_be_a_file_is_refused_at_the_start(cli, tmp_path, state):
    (tmp_path / "a.txt").write_text(TYPO + "\n", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    result = cli("review", "-q", "--no-tui", "--sources", "grammar", "--state", state, "a.txt", cwd=tmp_path,
                 stdin=b"r\n")
    assert result.returncode == 2 and b"--state" in result.stderr and b"Traceback" not in result.stderr


def test_huge_max_mb_and_odd_outputs_and_homes_are_one_line(cli, tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text(FLUENT + "\n", encoding="utf-8")
    (tmp_path / "mtfix.toml").write_text("max-mb = 100000000000000000\n", encoding="utf-8")
    assert cli("scan", "-q", "a.txt", cwd=tmp_path).returncode == 0
    (tmp_path / "mtfix.toml").unlink()
    result = cli("scan", "-q", "a.txt", "-o", "/proc/version", cwd=tmp_path)
    assert result.returncode == 2 and b"cannot write /proc/version" in result.stderr
    (tmp_path / "home-file").write_text("", encoding="utf-8")
    monkeypatch.setenv("MTFIX_HOME", str(tmp_path / "home-file"))
    result = cli("scan", "-q", "a.txt", cwd=tmp_path)
    assert result.returncode == 2 and b"is not a folder" in result.stderr


@pytest.mark.parametrize("row", ["{}", "[1]"])
def test_cache_rows_that_are_not_records_are_analysed_again(cli, tmp_path, monkeypatch, row):
    import sqlite3

    (tmp_path / "a.txt").write_text(FLUENT + "\n", encoding="utf-8")
    first = json.loads(cli("scan", "-q", "-f", "json", "a.txt", cwd=tmp_path).stdout)
    home = Path(os.environ["MTFIX_HOME"])
    with sqlite3.connect(home / "score-cache.sqlite") as connection:
        connection.execute("UPDATE analysis SET value = ?", (row,))
    again = json.loads(cli("scan", "-q", "-f", "json", "a.txt", cwd=tmp_path).stdout)
    assert again["sentences"][0]["score"] == first["sentences"][0]["score"]


def test_a_hand_edit_the_files_encoding_cannot_hold_is_refused(cli, tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes((TYPO + " Café.\n").encode("cp1252"))
    result = cli("review", "-q", "--no-tui", "--sources", "grammar", "a.txt", cwd=tmp_path,
                 stdin="e\nThe council said → the talks would resume. Café.\nr\n".encode())
    assert result.returncode == 0, result.stderr.decode()
    assert b"cannot hold" in result.stdout and b"0 edited, 1 rejected" in result.stdout
    assert path.read_bytes() == (TYPO + " Café.\n").encode("cp1252")


def test_the_ray_engine_reads_the_shards_of_a_folder(tmp_path):
    from mtfix.errors import InputError
    from mtfix.integrations.ray_engine import shards

    (tmp_path / "corpus" / "sub").mkdir(parents=True)
    (tmp_path / "corpus" / ".hidden").mkdir()
    for name in ("seeds.jsonl", "sub/part-0.parquet", "notes.txt", ".hidden/old.jsonl"):
        (tmp_path / "corpus" / name).write_text("{}\n", encoding="utf-8")
    corpus = str(tmp_path / "corpus")
    assert shards([corpus, "s3://bucket/corpus/"]) == [f"{corpus}/seeds.jsonl", f"{corpus}/sub/part-0.parquet",
                                                     "s3://bucket/corpus/"]
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "a.txt").write_text("Text.\n", encoding="utf-8")
    with pytest.raises(InputError, match="no .parquet or .jsonl shards"):
        shards([str(tmp_path / "texts")])


# -- Markdown read as CommonMark -------------------------------------------------------------
def test_a_list_items_continuation_paragraph_is_prose_not_code(cli, tmp_path):
    (tmp_path / "a.md").write_text(f"- The first item.\n\n    {DOUBLED}\n", encoding="utf-8")
    result = cli("score", "-q", "-f", "json", "--fail-above", "0.0", "a.md", cwd=tmp_path)
    assert result.returncode == 1 and json.loads(result.stdout)["summary"]["garbled"] == 1


def test_front_matter_markup_links_and_images_are_neither_scored_nor_rewritten(cli, tmp_path):
    front = "---\ntitle: the the Report\nslug: officials-said\ndescription: officials said the the talks.\n---\n"
    body = ("<div class=\"note\">\nofficials said the the talks in html.\n</div>\n\n"
            "The council met [on Monday](https://example.com/the-the) and ![A chart](c.png) was shown.\n\n"
            + TYPO + "\n")
    path = tmp_path / "a.md"
    path.write_text(front + body, encoding="utf-8")
    report = json.loads(cli("scan", "-q", "-f", "json", "a.md", cwd=tmp_path).stdout)
    texts = [s["text"] for s in report["sentences"]]
    assert not any("title:" in t or "slug:" in t or "<div" in t or "</div>" in t or t == "---" for t in texts), texts
    assert "officials said the the talks in html." in texts, "an HTML block's text is shown, so it is read"
    assert TYPO in [s["text"] for s in report["sentences"] if s["label"] == "garbled"]
    result = cli("fix", "-q", "--sources", "grammar", "--write", "--write-min-confidence", "0", "--no-backup", "a.md",
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    written = path.read_text(encoding="utf-8")
    assert written.startswith(front) and "(https://example.com/the-the)" in written and "![A chart](c.png)" in written
    assert '<div class="note">\n' in written and "\n</div>\n" in written
    assert "The council said the talks would resume." in written, "the prose sentence was still repaired"


# -- overrides -------------------------------------------------------------------------------
def test_override_paths_match_as_gitignore_patterns():
    from mtfix.settings import Override

    assert Override(("a.txt",)).matches("docs/sub/a.txt"), "no slash: the name at any depth"
    assert Override(("legacy/*",)).matches("legacy/x.txt") and not Override(("legacy/*",)).matches("new/legacy.txt")
    assert not Override(("docs/a.txt",)).matches("other/docs/a.txt") and not Override(("docs/a.txt",)).matches("a.txt")


def test_an_override_loosens_the_gate_for_its_files_only(cli, tmp_path):
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "old.txt").write_text(DOUBLED + "\n" + FLUENT + "\n", encoding="utf-8")
    (tmp_path / "new.txt").write_text(FLUENT + "\n", encoding="utf-8")
    (tmp_path / "mtfix.toml").write_text(
        'fail-above = 0.0\n[[overrides]]\npaths = ["legacy/*"]\nfail-above = 0.6\n', encoding="utf-8")
    assert cli("score", "-q", ".", cwd=tmp_path).returncode == 0, "legacy's 50 % is under its own 60 %"
    (tmp_path / "new.txt").write_text(DOUBLED + "\n", encoding="utf-8")
    assert cli("score", "-q", ".", cwd=tmp_path).returncode == 1, "new.txt is still held to 0.0"


def test_folders_nested_deeper_than_the_recursion_limit_are_read(cli, tmp_path):
    levels = [str(tmp_path / "deep")]
    for _ in range(1500):  # os.walk recursed once a level before Python 3.12: RecursionError here
        levels.append(levels[-1] + "/a")
    for level in levels:
        os.mkdir(level)
    (Path(levels[-1]) / "x.txt").write_text(FLUENT + "\n", encoding="utf-8")
    try:
        result = cli("scan", "-q", "-f", "json", "deep", cwd=tmp_path)
        assert result.returncode == 0, result.stderr.decode()[-300:]
        assert json.loads(result.stdout)["summary"]["files"] == 1
    finally:  # pytest's own clean-up of tmp_path recurses too, and would fail on this tree
        (Path(levels[-1]) / "x.txt").unlink()
        for level in reversed(levels):
            os.rmdir(level)


def test_a_whole_sentence_site_notice_is_still_boilerplate():
    from mtfix.filters.boilerplate import boilerplate_reason

    notice = ("Not all news on the site expresses the point of view of the site, but we transmit this news "
              "automatically and translate it through programmatic technology on the site.")
    assert boilerplate_reason(notice) == "site notice", "a notice rule is not a prefix rule"


def test_write_applies_only_suggestions_above_the_write_floor(cli, fix_cli, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(TYPO + "\n", encoding="utf-8")
    report = json.loads(fix_cli("a.txt", "-f", "json", cwd=tmp_path).stdout)
    confidence = report["sentences"][0]["suggestions"][0]["confidence"]
    assert confidence < 1.0, "the suggestion must be below the top of the scale for this test"
    above = f"{confidence + 0.01:.4f}"
    assert b"a.txt" in fix_cli("a.txt", "--diff", "--write-min-confidence", above, cwd=tmp_path).stdout, \
        "a patch is read by a person: it shows every offered suggestion"
    result = fix_cli("a.txt", "--write", "--write-min-confidence", above, cwd=tmp_path)
    assert result.returncode == 0 and path.read_text(encoding="utf-8") == TYPO + "\n"
    assert b"1 suggestion(s) under the write floor" in result.stderr
    default = cli("fix", "-q", "--sources", "grammar", "a.txt", "--write", cwd=tmp_path)
    assert default.returncode == 0 and path.read_text(encoding="utf-8") == TYPO + "\n", "the default floor is 1.0"
    below = f"{confidence - 0.001:.4f}"  # the report rounds to four decimals
    fix_cli("a.txt", "--write", "--write-min-confidence", below, cwd=tmp_path)
    assert "said the talks" in path.read_text(encoding="utf-8")
