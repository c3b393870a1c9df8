"""Hostile-but-fair inputs: odd configs, code in Markdown, pipes, odd names and bytes, bad
records. Unit tier: the fake
scorer and detector, in-process; fix tests use the grammar source (harper, offline)."""

from __future__ import annotations

import json
import os
import stat
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

GARBLED = "One of the following America Proposed summit Can according to Kremlin Take place in June."
TYPO = "The council said the the talks would resume."


def json_out(result) -> dict:
    """The JSON report of a `scan` (without --fail-on-garbled: it exits 0 whatever it finds)."""
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


# -- 1. config ------------------------------------------------------------------------------
@pytest.mark.parametrize("body", ["[ tool.mtfix ]\nfail-above = 0.0\n", "[tool]\nmtfix = {fail-above = 0.0}\n"])
def test_a_valid_config_in_any_toml_spelling_is_honoured(cli, tmp_path, body):
    (tmp_path / "a.txt").write_text(GARBLED + "\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(body, encoding="utf-8")
    assert cli("score", "-q", str(tmp_path)).returncode == 1


def test_a_pyproject_without_the_table_is_not_a_config(cli, tmp_path):
    (tmp_path / "a.txt").write_text(GARBLED + "\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"  # [tool.mtfix] in a comment\n', encoding="utf-8")
    (tmp_path.parent / "mtfix.toml").write_text("fail-above = 0.0\n", encoding="utf-8")
    try:
        assert cli("score", "-q", str(tmp_path)).returncode == 1  # the file further up is the config
    finally:
        (tmp_path.parent / "mtfix.toml").unlink()


def test_config_where_the_table_is_not_a_table(cli, tmp_path):
    (tmp_path / "a.txt").write_text("Fine.\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[tool]\nmtfix = 5\n", encoding="utf-8")
    result = cli("score", "-q", "--config", str(tmp_path / "pyproject.toml"), str(tmp_path))
    assert result.returncode == 2 and b"[tool.mtfix] must be a table" in result.stderr
    assert b"Traceback" not in result.stderr


# -- 2-5. writing files -----------------------------------------------------------------------
def test_write_through_a_symlink_keeps_the_link(fix_cli, tmp_path):
    (tmp_path / "other").mkdir()
    target = tmp_path / "other" / "target.txt"
    target.write_text(TYPO + "\n", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(Path("other") / "target.txt")
    result = fix_cli("link.txt", "--write", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert (tmp_path / "link.txt").is_symlink()
    assert "said the talks" in target.read_text(encoding="utf-8")
    assert (tmp_path / "link.txt.bak").read_text(encoding="utf-8") == TYPO + "\n"


def test_backup_never_follows_a_dangling_link(fix_cli, tmp_path):
    (tmp_path / "a.txt").write_text(TYPO + "\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere.txt"
    (tmp_path / "a.txt.bak").symlink_to(elsewhere)
    assert fix_cli("a.txt", "--write", cwd=tmp_path).returncode == 0
    assert not elsewhere.exists(), "the backup went through the dangling link"
    assert (tmp_path / "a.txt.bak.1").read_text(encoding="utf-8") == TYPO + "\n"


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_write_keeps_owner_group_and_mode(fix_cli, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(TYPO + "\n", encoding="utf-8")
    os.chown(path, 4321, 4321)
    path.chmod(0o640)
    assert fix_cli("a.txt", "--write", cwd=tmp_path).returncode == 0
    info = path.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (4321, 4321, 0o640)
    assert "said the talks" in path.read_text(encoding="utf-8")


def test_a_failed_backup_leaves_no_partial_backup_and_no_change(fix_cli, tmp_path, monkeypatch):
    path = tmp_path / "a.txt"
    path.write_text(TYPO + "\n", encoding="utf-8")

    def killed(*args):
        raise KeyboardInterrupt  # as if the process were killed while the backup was written

    monkeypatch.setattr(os, "link", killed)
    result = fix_cli("a.txt", "--write", cwd=tmp_path)
    assert result.returncode == 2
    assert path.read_text(encoding="utf-8") == TYPO + "\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


# -- 6. outputs -------------------------------------------------------------------------------
def test_output_naming_an_input_or_a_folder_is_refused(cli, tmp_path):
    path = tmp_path / "g.txt"
    path.write_text(GARBLED + "\n", encoding="utf-8")
    result = cli("scan", "-q", "-f", "json", "-o", str(path), str(path))
    assert result.returncode == 2 and b"would overwrite an input" in result.stderr
    assert path.read_text(encoding="utf-8") == GARBLED + "\n"
    result = cli("scan", "-q", "-f", "json", "-o", str(tmp_path), str(path))
    assert result.returncode == 2 and b"it is a folder" in result.stderr and b"Traceback" not in result.stderr


def test_reports_follow_the_umask(cli, tmp_path):
    path = tmp_path / "g.txt"
    path.write_text(GARBLED + "\n", encoding="utf-8")
    old = os.umask(0o022)
    try:
        assert cli("scan", "-q", "-f", "json", "-o", str(tmp_path / "r.json"), str(path)).returncode == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "r.json").stat().st_mode) == 0o644


# -- 7. code is not prose ---------------------------------------------------------------------
def test_markdown_code_is_neither_scored_nor_rewritten(cli, fix_cli, tmp_path):
    text = ("Run `Take` and `the the` to start the the engine.\n\n    The goverment Can Take code here.\n\n"
            "The council said the the talks would resume.\n")
    (tmp_path / "doc.md").write_text(text, encoding="utf-8")
    report = json_out(cli("scan", "-q", "-f", "json", str(tmp_path / "doc.md")))
    assert [r["text"] for r in report["sentences"]] == ["Run `Take` and `the the` to start the the engine.",
                                                         "The council said the the talks would resume."]
    assert fix_cli("doc.md", "--write", "--no-backup", cwd=tmp_path).returncode == 0
    after = (tmp_path / "doc.md").read_text(encoding="utf-8")
    assert "`Take`" in after and "`the the`" in after and "    The goverment Can Take code here." in after
    assert "said the talks" in after


# -- 8-10. injection through text and names --------------------------------------------------
def test_control_characters_and_newlines_in_names_are_neutralised(cli, tmp_path):
    name = tmp_path / "x\n::error::pwned.txt"
    name.write_text(f"Hello \x1b[31mred\x1b[0m world. {GARBLED}\n", encoding="utf-8")
    for fmt in ("text", "lines"):
        out = cli("score" if fmt == "lines" else "scan", "-q", "-f", fmt, str(tmp_path)).stdout.decode()
        assert "\x1b" not in out
        assert not any(line.startswith("::") for line in out.splitlines()), out
    github = cli("score", "-q", "-f", "github", str(tmp_path)).stdout.decode()
    assert all(line.startswith("::") for line in github.splitlines())
    assert "\x1b" not in github


def test_markdown_escapes_html(cli, tmp_path):
    (tmp_path / "a.txt").write_text(f"<img src=x onerror=alert(1)> {GARBLED}\n", encoding="utf-8")
    out = cli("score", "-q", "-f", "markdown", str(tmp_path)).stdout.decode()
    assert "<img" not in out and "&lt;img" in out


def test_html_report_survives_comment_markers(cli, tmp_path):
    (tmp_path / "a.md").write_text(f"<!-- mtfix: ignore -->\nHidden one.\n\nShown --> here </script> {GARBLED}\n",
                                   encoding="utf-8")
    assert cli("scan", "-q", "-f", "html", "-o", str(tmp_path / "r.html"), str(tmp_path / "a.md")).returncode == 0
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    data = page.split('<script type="application/json" id="report-data">')[1].split("</script>")[0]
    assert "<!--" not in data and "-->" not in data and "</" not in data
    assert "Shown --> here </script>" in json.dumps(json.loads(data), ensure_ascii=False)


def test_junit_and_sarif_stay_well_formed_with_control_characters(cli, tmp_path):
    (tmp_path / "a.txt").write_text(f"Bell \x07 and \x01 here. {GARBLED}\x1b\n", encoding="utf-8")
    junit = cli("score", "-q", "-f", "junit", str(tmp_path)).stdout.decode()
    ET.fromstring(junit)  # well formed
    sarif = json.loads(cli("score", "-q", "-f", "sarif", str(tmp_path)).stdout)
    assert "\x07" not in json.dumps(sarif, ensure_ascii=False)


# -- 11. pipes and odd files --------------------------------------------------------------------
def test_a_fifo_in_a_folder_is_skipped_not_waited_for(cli, tmp_path):
    (tmp_path / "a.txt").write_text("Fine sentence here.\n", encoding="utf-8")
    os.mkfifo(tmp_path / "p.txt")
    done = {}
    thread = threading.Thread(target=lambda: done.setdefault("r", cli("scan", "-q", str(tmp_path))))
    thread.start()
    thread.join(timeout=30)
    if thread.is_alive():  # unblock the reader so the test run can end, then fail
        with open(tmp_path / "p.txt", "w"):
            pass
        thread.join()
        pytest.fail("scanning a folder with a FIFO in it hung")
    result = done["r"]
    assert result.returncode == 2 and b"p.txt: not a regular file" in result.stderr
    assert b"1 file, 1 sentence" in result.stdout


def test_a_pipe_named_on_the_command_line_is_read(cli, tmp_path):
    fifo = tmp_path / "p.txt"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_text("Piped sentence here.\n", encoding="utf-8"))
    writer.start()
    report = json_out(cli("scan", "-q", "-f", "json", str(fifo)))
    writer.join()
    assert report["sentences"][0]["text"] == "Piped sentence here."


# -- 12-13. errors, not tracebacks; one bad file does not stop the others ---------------------------
def test_a_bad_review_state_is_one_line(cli, tmp_path):
    (tmp_path / "a.txt").write_text(TYPO + "\n", encoding="utf-8")
    (tmp_path / "state.json").write_text(json.dumps({"version": 1, "decisions": {"x": "accepted"}}), encoding="utf-8")
    result = cli("review", "-q", "--no-tui", "--sources", "grammar", "--state", "state.json", "a.txt",
                 cwd=tmp_path)
    assert result.returncode == 2 and b"is not a decision" in result.stderr and b"Traceback" not in result.stderr


def test_an_undecodable_hand_edit_is_refused_and_the_review_goes_on(cli, tmp_path):
    (tmp_path / "a.txt").write_text(TYPO + "\n", encoding="utf-8")
    result = cli("review", "-q", "--no-tui", "--sources", "grammar", "a.txt", cwd=tmp_path,
                 stdin=b"e\n\xff\xfe broken\nr\n")
    assert result.returncode == 0, result.stderr.decode()
    assert b"not valid text" in result.stdout and b"1 rejected" in result.stdout


def test_one_unwritable_file_does_not_stop_the_others(fix_cli, tmp_path):
    locked, free = tmp_path / "locked", tmp_path / "free"
    locked.mkdir()
    free.mkdir()
    (locked / "a.txt").write_text(TYPO + "\n", encoding="utf-8")
    (free / "b.txt").write_text(TYPO + "\n", encoding="utf-8")
    locked.chmod(0o555)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("this user can write to read-only folders (root without a read-only mount)")
        result = fix_cli(".", "--write", cwd=tmp_path)
    finally:
        locked.chmod(0o755)
    assert result.returncode == 2
    assert b"not applied to" in result.stderr and b"applied 1 fix(es) to" in result.stderr
    assert "said the talks" in (free / "b.txt").read_text(encoding="utf-8")


def test_a_file_changed_since_it_was_scanned_is_reported_and_the_run_goes_on(fix_cli, tmp_path, monkeypatch):
    import mtfix.fix.apply as apply

    (tmp_path / "a.txt").write_text(TYPO + "\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(TYPO + "\n", encoding="utf-8")
    real = apply.patched_bytes

    def changed_meanwhile(document, replacements):
        if document.path.endswith("a.txt"):
            Path(document.path).write_text("Someone else edited this.\n", encoding="utf-8")
        return real(document, replacements)

    monkeypatch.setattr(apply, "patched_bytes", changed_meanwhile)
    result = fix_cli(".", "--write", cwd=tmp_path)
    assert result.returncode == 2 and b"changed since it was scanned" in result.stderr
    assert "said the talks" in (tmp_path / "b.txt").read_text(encoding="utf-8")


# -- smaller ones -----------------------------------------------------------------------------------
def test_missing_inputs_are_told_without_loading_a_model(cli, tmp_path, monkeypatch):
    import mtfix.api

    monkeypatch.setattr(mtfix.api.Checker, "_make_scorer", lambda self: pytest.fail("a model was loaded"))
    result = cli("scan", "-q", str(tmp_path / "nope.txt"))
    assert result.returncode == 2 and b"no such file or directory" in result.stderr


def test_one_bad_byte_does_not_make_the_file_mojibake(cli, tmp_path):
    (tmp_path / "a.txt").write_bytes("Café owners said “no”.\n".encode() + b"Bad \xff byte here.\n")
    result = cli("scan", "-q", "-f", "json", str(tmp_path / "a.txt"))
    report = json_out(result)
    assert report["sentences"][0]["text"] == "Café owners said “no”."
    assert b"were replaced" in result.stderr


def test_a_bad_jsonl_record_skips_that_record_only(cli, tmp_path):
    lines = [json.dumps({"text": "First record here."}), "{not json", json.dumps({"text": None}),
             json.dumps({"text": ["a", "list"]}), json.dumps({"text": "Last record here."})]
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("scan", "-q", "-f", "json", str(tmp_path / "a.jsonl"))
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert [r["text"] for r in report["sentences"]] == ["First record here.", "Last record here."]
    err = result.stderr.decode()
    assert "a.jsonl:2: invalid JSON" in err and "field 'text' is null" in err and "field 'text' is list" in err


def test_an_interrupted_run_keeps_what_it_scored(cli, tmp_path, monkeypatch):
    import mtfix.pipeline.detect as detect
    from fakes import FakeScorer

    monkeypatch.setattr(detect, "COMMIT_WINDOWS", 1)
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(f"Sentence number {i} is here.\n", encoding="utf-8")

    class Dies(FakeScorer):
        def window_batches(self, windows, progress=None, keep=False):
            if self.calls == 2:
                raise KeyboardInterrupt
            return super().window_batches(windows, progress, keep)

    import mtfix.api

    monkeypatch.setattr(mtfix.api.Checker, "_make_scorer", lambda self: Dies())
    assert cli("score", "-q", str(tmp_path)).returncode == 2
    survivor = FakeScorer()
    monkeypatch.setattr(mtfix.api.Checker, "_make_scorer", lambda self: survivor)
    assert cli("score", "-q", str(tmp_path)).returncode == 0
    assert survivor.calls == 1, "the two committed windows were not scored again"


def test_review_offers_a_sentence_again_after_a_restore(cli, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(TYPO + "\n", encoding="utf-8")
    first = cli("review", "-q", "--no-tui", "--sources", "grammar", "a.txt", cwd=tmp_path, stdin=b"a\n")
    assert b"wrote 1 change(s)" in first.stdout, first.stdout.decode()
    (tmp_path / "a.txt.bak").replace(path)  # the user restores the original
    again = cli("review", "-q", "--no-tui", "--sources", "grammar", "a.txt", cwd=tmp_path, stdin=b"r\n")
    assert b"[1/1]" in again.stdout and b"1 rejected" in again.stdout


def test_a_megabyte_without_punctuation_is_cut_and_printed_short(cli, tmp_path):
    (tmp_path / "big.txt").write_text(" ".join(["word"] * 200_000) + "\n", encoding="utf-8")
    result = cli("scan", "-q", "--all", str(tmp_path / "big.txt"))
    assert result.returncode == 0
    lines = result.stdout.decode().splitlines()
    assert max(len(line) for line in lines) < 1000
    assert "sentences" in lines[-2] and int(lines[-2].split(", ")[1].split()[0]) > 500


@pytest.mark.model
def test_sigterm_leaves_no_temp_file(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    (tmp_path / "a.txt").write_text((GARBLED + "\n\n") * 400, encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "mtfix.cli", "scan", "-q", "--no-cache", "-f", "json",
                                "-o", str(tmp_path / "out.json"), str(tmp_path / "a.txt")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while not list(tmp_path.glob(".out.json.*")) and time.time() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert list(tmp_path.glob(".out.json.*")), "the report's temp file never appeared"
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 2 and b"interrupted" in err
    assert not list(tmp_path.glob(".out.json.*")) and not (tmp_path / "out.json").exists()


def test_sigterm_during_an_import_exits_2_and_leaves_no_temp_file(tmp_path):
    """An exception raised inside a module's import can abort torch or come back as another
    error, so a SIGTERM there exits at once, after removing unfinished writes."""
    import signal
    import subprocess
    import sys
    import time

    (tmp_path / "slow_module.py").write_text("import time\nprint('importing', flush=True)\ntime.sleep(60)\n")
    script = ("import signal, sys\nfrom pathlib import Path\nfrom mtfix import cli\nfrom mtfix.atomic import atomic_file\n"
              "signal.signal(signal.SIGTERM, cli._terminate)\n"
              f"with atomic_file(Path({str(tmp_path / 'out.json')!r})):\n    import slow_module\n")
    process = subprocess.Popen([sys.executable, "-c", script], cwd=tmp_path, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert process.stdout.readline() == b"importing\n"
    time.sleep(0.1)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 2 and b"interrupted" in err
    assert not list(tmp_path.glob(".out.json.*")) and not (tmp_path / "out.json").exists()


def test_a_local_gguf_that_is_missing_is_a_clear_error_and_leaves_no_model_folder(tmp_path, monkeypatch):
    from mtfix.errors import ModelUnavailable
    from mtfix.lm.provision import convert_local_gguf, installed_dir

    monkeypatch.setenv("MTFIX_HOME", str(tmp_path / "home"))
    with pytest.raises(ModelUnavailable, match="no GGUF file at"):
        convert_local_gguf(tmp_path / "absent.gguf", "other-lm", "its own terms", quiet=True)
    assert not installed_dir("other-lm").exists()
