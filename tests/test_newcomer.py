"""What a newcomer trips over (unit tier: the fake scorer and detector, in-process): gate
messages that quote the report's own figures, findings that fail only when the gate does,
the formats of `score`, help that reads as a person writes it."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

FLUENT = "The council approved the new budget on Tuesday after a long debate."
GARBLED = ("One of the following America Proposed summit between US President Joe Biden And their "
           "Russian colleagues Vladimir Putin Can according to Kremlin Take place in June.")


@pytest.fixture
def corpus(tmp_path):
    (tmp_path / "a.txt").write_text(f"{FLUENT}\n\n{GARBLED}\n\nOfficials said the money would go to schools.\n",
                                    encoding="utf-8")
    return tmp_path


def score(cli, folder, *args):
    return cli("score", "-q", ".", *args, cwd=folder)


# -- 1. the gate quotes figures the report shows, and where its threshold came from ------------
def test_a_baseline_turns_fail_under_green_too(cli, corpus):
    assert score(cli, corpus, "--fail-under", "90").returncode == 1
    assert score(cli, corpus, "--update-baseline").returncode == 0
    result = score(cli, corpus, "--fail-under", "90")
    assert result.returncode == 0, result.stdout.decode()


def test_the_gate_message_quotes_the_summarys_rate_and_names_the_config(cli, corpus):
    (corpus / "mtfix.toml").write_text("fail-above = 0.05\n", encoding="utf-8")
    out = score(cli, corpus).stdout.decode()
    summary_rate = re.search(r"garbled rate (\d+\.\d+%)", out).group(1)
    failure = next(line for line in out.splitlines() if line.strip().startswith("- "))
    assert summary_rate in failure and "1 of 3 scored" in failure
    assert "fail-above in" in failure and "mtfix.toml" in failure and "--fail-above" not in failure
    from_command_line = score(cli, corpus, "--fail-above", "0.05").stdout.decode()
    assert "(--fail-above)" in from_command_line


# -- 2. without a gate, findings are warnings ------------------------------------------------------
def test_without_a_gate_nothing_is_a_failure_or_an_error(cli, corpus):
    junit = ET.fromstring(score(cli, corpus, "-f", "junit").stdout)
    assert junit.find("testsuite").get("failures") == "0"
    github = score(cli, corpus, "-f", "github").stdout.decode()
    assert "::error" not in github and "::warning file=" in github
    sarif = json.loads(score(cli, corpus, "-f", "sarif").stdout)
    assert {r["level"] for r in sarif["runs"][0]["results"]} == {"warning"}


def test_a_failed_gate_makes_the_garbled_findings_errors(cli, corpus):
    junit = ET.fromstring(score(cli, corpus, "-f", "junit", "--fail-above", "0.0").stdout)
    assert junit.find("testsuite").get("failures") == "2"  # the file and the gate
    sarif = json.loads(score(cli, corpus, "-f", "sarif", "--fail-above", "0.0").stdout)
    assert {r["level"] for r in sarif["runs"][0]["results"]} == {"error"}


# -- 3. and 4. score writes HTML and GitLab Code Quality -------------------------------------------
def test_score_writes_an_html_page_with_its_gate(cli, corpus):
    result = score(cli, corpus, "-f", "html", "--fail-above", "0.0")
    assert result.returncode == 1
    page = result.stdout.decode()
    assert page.startswith("<!DOCTYPE html>") or page.lstrip().lower().startswith("<!doctype html>")
    assert "gate" in page and "FAILED" in page and "a.txt" in page


def test_gitlab_code_quality(cli, corpus):
    issues = json.loads(score(cli, corpus, "-f", "gitlab").stdout)
    [garbled] = [i for i in issues if i["check_name"] == "mtfix/garbled"]
    assert garbled["location"] == {"path": "a.txt", "lines": {"begin": 3, "end": 3}}
    assert garbled["severity"] == "minor" and len(garbled["fingerprint"]) == 16
    failed = json.loads(score(cli, corpus, "-f", "gitlab", "--fail-above", "0.0").stdout)
    assert {i["severity"] for i in failed if i["check_name"] == "mtfix/garbled"} == {"major"}


# -- 7. and 8. help as a person reads it ----------------------------------------------------------
def test_help_shows_floats_as_numbers_and_review_has_no_write_floor(cli):
    fix = cli("fix", "--help").stdout.decode()
    assert "Default: on." not in fix.split("--write-min-confidence FLOAT", 1)[1].split("--", 1)[0]
    assert "Default: 1." in fix
    assert "--write-min-confidence" not in cli("review", "--help").stdout.decode()


@pytest.mark.parametrize("command", ["scan", "score", "fix", "review", "config"])
def test_metavars_read_as_a_person_writes_them(cli, command):
    text = cli(command, "--help").stdout.decode()
    assert not re.search(r"<[a-z][^>]*>|\{paths\}|range>", text), text
    assert re.search(rf"Usage: \S+ {command} \[OPTIONS\] (PATH\.\.\.|\[PATH\])", text)


def test_config_shows_the_effective_threshold(cli, corpus):
    out = cli("config", "a.txt", cwd=corpus).stdout.decode()
    line = next(line for line in out.splitlines() if line.startswith("threshold"))
    assert "(unset)" not in line and re.search(r"= \d\.\d+", line) and "detector" in line


def test_device_and_sources_complete():
    from mtfix.cli.options import _complete_sources, _setting

    assert _complete_sources("gr") == ["grammar"]
    assert "grammar,lm" in _complete_sources("grammar,l")
    device = _setting("device", "--device")
    assert device.autocompletion("c") == ["cpu", "cuda"]


# -- 9. without colour, suspect words keep a mark ------------------------------------------------
def test_suspect_words_are_marked_without_colour(cli, corpus):
    out = cli("scan", "-q", "a.txt", cwd=corpus).stdout.decode()  # the fixture sets NO_COLOR
    line = next(line for line in out.splitlines() if " garbled " in line)
    assert re.search(r">>\w+<<", line), line


# -- 12. review in line mode --------------------------------------------------------------------
def _line_session(fake_checker, tmp_path, source):
    from fakes import stand_in_fix_step

    from mtfix.document import Document
    from mtfix.review.session import ReviewItem, ReviewSession

    fake_checker.__dict__["fix"] = stand_in_fix_step([source])
    path = tmp_path / "a.txt"
    if not path.exists():
        path.write_text(f"{FLUENT}\n\n{GARBLED}\n", encoding="utf-8")
    items = [ReviewItem(fix.target, fix) for document in fake_checker.check_paths([str(path)], fix=True)
             if isinstance(document, Document) for fix in document.fixes]
    return ReviewSession(items, tmp_path / "state.json", backup=False)


def test_a_number_on_a_sentence_without_suggestions_says_so(fake_checker, tmp_path):
    import io

    from fakes import StandInSource
    from rich.console import Console

    from mtfix.review.prompts import HELP, LineReview

    class NoSource(StandInSource):
        def propose(self, targets):
            return [[] for _ in targets]

    session = _line_session(fake_checker, tmp_path, NoSource())
    sink = io.StringIO()
    LineReview(session, Console(file=sink, width=200), io.StringIO()).handle("1")
    assert "no suggestion" in sink.getvalue() and HELP not in sink.getvalue()


def test_a_written_rewrite_still_flagged_is_not_asked_about_again(fake_checker, tmp_path):
    from fakes import StandInSource

    from mtfix.fix.candidate import Candidate

    class HalfFix(StandInSource):
        """Mends one stray capital of several: the rewrite is still garbled."""

        def propose(self, targets):
            return [[Candidate(t.text.replace("Take place", "take place"), self.name)] for t in targets]

    session = _line_session(fake_checker, tmp_path, HalfFix())
    assert session.current is not None and session.accept()
    session.apply()
    assert "take place" in (tmp_path / "a.txt").read_text()
    again = _line_session(fake_checker, tmp_path, HalfFix())
    assert [i.target.sentence.text for i in again.items], "the rewrite is still garbled for the test detector"
    assert again.done and again.counts == {"accepted": 0, "edited": 0, "rejected": 0}


# -- 14. the Python API as an IDE and a REPL show it ------------------------------------------------
def test_the_api_is_typed_and_lists_its_names():
    import inspect
    from pathlib import Path

    import mtfix

    parameters = inspect.signature(mtfix.load).parameters
    assert {"model", "detector", "settings", "options"} <= set(parameters)
    assert {"load", "Checker", "Document", "SentenceFix", "repaired_text"} <= set(dir(mtfix))
    assert "TYPE_CHECKING" not in dir(mtfix)
    assert (Path(mtfix.__file__).parent / "py.typed").is_file()


def test_a_fix_shows_short_and_repaired_text_applies_the_chosen_suggestions(fake_checker, tmp_path):
    from fakes import StandInSource

    import mtfix

    session = _line_session(fake_checker, tmp_path, StandInSource())
    fix = session.items[0].fix
    shown = repr(fix)
    assert len(shown) < 200 and "1 suggestion(s)" in shown and "merit" not in repr(fix.best)
    document = fix.target.document
    document.fixes = [fix]
    repaired = mtfix.repaired_text(document)
    assert GARBLED.upper() in repaired and FLUENT in repaired
    start = fix.target.sentence.start
    assert mtfix.repaired_text(document, {start: "The summit may take place in June."}) == \
        document.text.replace(GARBLED, "The summit may take place in June.")


# -- the request checks itself, however it is made ------------------------------------------------
def test_a_request_refuses_what_no_command_takes(cli, corpus):
    from mtfix.errors import ConfigError
    from mtfix.run import RunRequest
    from mtfix.settings import Settings

    with pytest.raises(ConfigError, match="do not go together"):
        RunRequest("fix", ["a.txt"], Settings(), format="diff", write=True)
    with pytest.raises(ConfigError, match="does not write"):
        RunRequest("scan", ["a.txt"], Settings(), write=True)
    result = cli("fix", "-q", "--write", "--diff", "a.txt", cwd=corpus)
    assert result.returncode == 2 and result.stderr.count(b"\n") == 1 and b"do not go together" in result.stderr
