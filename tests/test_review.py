"""`mtfix review`: the Textual UI driven by its pilot (keys pressed, then the files and the
saved decisions checked) and resuming from saved decisions, in the unit tier (the test
scorer and detector, a stand-in source that suggests an upper-cased copy); the --no-tui line
mode with the real model."""

from __future__ import annotations

import asyncio
import json

import pytest

from fakes import StandInSource, run_cli, stand_in_fix_step

FIRST = ("One of the following America Proposed summit between US President Joe Biden And their "
         "Russian colleagues Vladimir Putin Can according to Kremlin Take place in June.")
SECOND = ("Biden initially proposed summit with Russian president During a telephone call in April, And "
          "both sides have since been working to finalize the details.")
TEXT = f"Summit plans\n\nTensions have grown in recent months. {FIRST}\n\n{SECOND}\n"


@pytest.fixture
def fixer(fake_checker):
    fake_checker.__dict__["fix"] = stand_in_fix_step([StandInSource()])  # the cached property, set before use
    return fake_checker


def session_for(checker, folder, backup=True):
    from mtfix.document import Document
    from mtfix.review.session import ReviewItem, ReviewSession

    path = folder / "article.txt"
    if not path.exists():
        path.write_text(TEXT, encoding="utf-8")
    items = [ReviewItem(fix.target, fix) for document in checker.check_paths([str(path)], fix=True)
             if isinstance(document, Document) for fix in document.fixes]
    return ReviewSession(items, folder / "state.json", backup=backup)


def drive(session, *keys, edit_text=None):
    """Run the app headless at 80×24, press KEYS (and type EDIT_TEXT at the editor)."""
    from textual.widgets import Input

    from mtfix.review.tui import ReviewApp

    app = ReviewApp(session)

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            for key in keys:
                if key == "<type>":
                    app.query_one(Input).value = edit_text
                    continue
                await pilot.press(key)
                await pilot.pause()
            return app.status_line

    return asyncio.run(scenario())


def test_accept_then_reject_writes_file_backup_and_decisions(fixer, tmp_path):
    session = session_for(fixer, tmp_path)
    assert len(session.items) == 2 and session.items[0].fix.suggestions
    expected = session.items[0].fix.suggestions[0].text
    status = drive(session, "a", "r", "q")
    assert "accepted 1" in status and "rejected 1" in status
    summary = session.apply()
    text = (tmp_path / "article.txt").read_text("utf-8")
    assert expected in text and FIRST not in text and SECOND in text
    assert (tmp_path / "article.txt.bak").read_text("utf-8") == TEXT
    decisions = json.loads((tmp_path / "state.json").read_text("utf-8"))["decisions"]
    assert sorted(d["action"] for d in decisions.values()) == ["accepted", "rejected"]
    assert summary.applied == {str(tmp_path / "article.txt"): 1}


def test_edit_by_hand_cycle_and_undo(fixer, tmp_path):
    session = session_for(fixer, tmp_path, backup=False)
    hand = "One of the summits proposed by America may take place in June, according to the Kremlin."
    drive(session, "n", "e", "<type>", "enter", "r", "u", "q", edit_text=hand)
    decisions = json.loads((tmp_path / "state.json").read_text("utf-8"))["decisions"]
    assert [d["action"] for d in decisions.values()] == ["edited"], "u undid the reject"
    session.apply()
    text = (tmp_path / "article.txt").read_text("utf-8")
    assert hand in text and SECOND in text
    assert not (tmp_path / "article.txt.bak").exists()


def test_quitting_and_coming_back_resumes(fixer, tmp_path):
    session = session_for(fixer, tmp_path)
    drive(session, "r", "q")  # reject the first, quit before the second
    assert session.apply().undecided == 1
    again = session_for(fixer, tmp_path)
    assert again.position == 1 and again.current.fix.target.sentence.text == SECOND
    drive(again, "r", "q")
    assert session_for(fixer, tmp_path).done


def test_skip_file_leaves_the_rest_undecided(fixer, tmp_path):
    session = session_for(fixer, tmp_path)
    drive(session, "s", "q")
    assert session.done and not session.decisions


@pytest.mark.model
def test_line_mode_over_stdin(tmp_path):
    (tmp_path / "article.txt").write_text(TEXT, encoding="utf-8")
    result = run_cli("review", "article.txt", "--no-tui", "--no-cache", "-q", stdin=b"1\nr\n", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert "[1/2]" in out and "[2/2]" in out
    assert "1 accepted, 0 edited, 1 rejected" in out and "wrote 1 change(s) to article.txt" in out
    assert FIRST not in (tmp_path / "article.txt").read_text("utf-8")
    again = run_cli("review", "article.txt", "--no-tui", "--no-cache", "-q", stdin=b"", cwd=tmp_path)
    assert again.returncode == 0, again.stderr.decode()
    assert b"article.txt:5:1" not in again.stdout, "the rejected sentence is not asked again"


def test_restoring_the_backup_offers_the_accepted_sentence_again(fixer, tmp_path):
    session = session_for(fixer, tmp_path)
    drive(session, "a", "r", "q")
    session.apply()
    assert session_for(fixer, tmp_path).done
    (tmp_path / "article.txt").write_text((tmp_path / "article.txt.bak").read_text("utf-8"), encoding="utf-8")
    again = session_for(fixer, tmp_path)
    assert not again.done and again.current.fix.target.sentence.text == FIRST


def test_both_modes_tell_why_a_near_miss_was_flagged(fixer, tmp_path):
    """The heads let a near miss pass, so its header's P(garbled) is low: the line mode and
    the full screen both say why the sentence is asked about."""
    import io

    from rich.console import Console

    from mtfix.labels import Label
    from mtfix.review.prompts import LineReview
    from mtfix.review.tui import ReviewApp

    reason = "'breakthrough' here reads as a slip for 'breakdown'"
    session = session_for(fixer, tmp_path)
    session.current.target.sentence.mark(Label.GARBLED, "near-miss", reason)
    sink = io.StringIO()
    LineReview(session, Console(file=sink, width=200), io.StringIO()).show()
    assert f"({reason})" in sink.getvalue()
    assert f"({reason})" in ReviewApp(session)._paragraph_view(session.current).plain
