"""The label table is the one place a label lives: a row added to it shows in every output
format, the figures, the schema and the language server; and a sentence's label and reason
come from the marks the steps leave, so no step erases another's reason."""

from __future__ import annotations

import json

import pytest

from mtfix import labels
from mtfix.document import Document, Mark, Sentence
from mtfix.labels import Label, LabelInfo

GARBLED = "One of the following America Proposed summit Can Take place in June."
FINE = "Relations between the two countries are on the verge of a breakthrough."
TEXT = f"{GARBLED}\n\n{FINE}\n\nShare this article\n\nThe talks went well.\n"
NEW = "omitted"


@pytest.fixture
def with_new_label(monkeypatch):
    """A copy of the table with a new label that counts in the garbled rate, and a check that
    gives it to every sentence about a 'verge' (run after the duplicates filter)."""
    from mtfix.filters.duplicates import DuplicateFilter

    table = dict(labels.LABELS)
    table[NEW] = LabelInfo(NEW, "Sentence leaves out part of its source.", "omission", "omitted",
                           "magenta", "error", "warning", scored=True, gates=True, help="part of the source is missing")
    monkeypatch.setattr(labels, "LABELS", table)
    original = DuplicateFilter.process

    def process(self, document: Document) -> None:
        original(self, document)
        for sentence in document.sentences:
            if "verge" in sentence.text and not sentence.flagged:
                sentence.mark(NEW, "test-check", "meaning drifts from the source")

    monkeypatch.setattr(DuplicateFilter, "process", process)


@pytest.mark.parametrize("args", [("scan",), ("scan", "-f", "json"), ("scan", "-f", "jsonl"),
                                  ("scan", "-f", "sarif"), ("scan", "-f", "github"), ("scan", "-f", "gitlab"),
                                  ("scan", "-f", "junit"), ("scan", "-f", "markdown"), ("scan", "-f", "html"),
                                  ("score",), ("score", "-f", "json"), ("score", "-f", "markdown")])
def test_a_new_label_shows_in_every_format(with_new_label, cli, tmp_path, args):
    (tmp_path / "a.txt").write_text(TEXT)
    result = cli(*args, "-q", "a.txt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "omitted" in out or "omission" in out, out[:2000]  # its name or its title (omitted, omission)


def test_a_new_label_counts_where_its_row_says(with_new_label, cli, tmp_path):
    (tmp_path / "a.txt").write_text(TEXT)
    report = json.loads(cli("score", "-q", "-f", "json", "--fail-above", "0.9", "a.txt", cwd=tmp_path).stdout)
    summary = report["summary"]
    assert summary[NEW] == 1 and summary["boilerplate"] == 1
    assert summary["garbled_rate"] == pytest.approx((summary["garbled"] + 1) / summary["scored"], abs=1e-4)
    [finding] = [f for f in report["findings"] if f["label"] == NEW]
    assert finding["message"].startswith("omission (p=") and finding["reason"] == "meaning drifts from the source"
    sarif = json.loads(cli("scan", "-q", "-f", "sarif", "a.txt", cwd=tmp_path).stdout)
    rules = [rule["id"] for rule in sarif["runs"][0]["tool"]["driver"]["rules"]]
    assert f"mtfix/{NEW}" in rules
    result = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == f"mtfix/{NEW}")
    assert rules[result["ruleIndex"]] == f"mtfix/{NEW}"


def test_a_new_label_reaches_the_schema_fix_and_the_editor(with_new_label):
    from mtfix.fix.candidate import FixTarget
    from mtfix.lsp.analysis import Checked, Positions
    from mtfix.lsp.server import diagnostics
    from mtfix.reports.schemas import output_schema

    assert NEW in output_schema()["$defs"]["label"]["enum"]
    sentence = Sentence(0, len(FINE), FINE, 0, score=0.95, marks=[Mark(NEW, "test-check", "drifts")])
    document = Document("a.txt", FINE, "utf-8", sentences=[sentence])
    assert [t.sentence for t in FixTarget.flagged_in(document)] == [sentence]
    [diagnostic] = diagnostics("file:///a.txt", Checked(1, document, Positions(FINE), 0.6))
    assert diagnostic.code == NEW and diagnostic.message.startswith("omission?")
    assert labels.described().count(NEW) == 1


def test_every_label_that_gates_is_scored():
    """The gate's baseline takes an accepted finding out of the scored sentences."""
    assert all(row.scored for row in labels.LABELS.values() if row.gates)
    assert list(labels.LABELS)[0] == Label.OK


def test_a_later_mark_keeps_the_earlier_reason():
    sentence = Sentence(0, 5, "Hello", 0)
    assert sentence.label == Label.OK and sentence.reason == "" and not sentence.flagged
    sentence.mark(Label.OK, "starts-like-boilerplate", "starts like boilerplate (subscription)")
    assert sentence.label == Label.OK and not sentence.flagged
    sentence.mark(Label.GARBLED, "detector")
    sentence.mark(Label.GARBLED, "near-miss", "'b' here reads as a slip for 'a'")
    assert sentence.label == Label.GARBLED
    assert sentence.reason == "starts like boilerplate (subscription); 'b' here reads as a slip for 'a'"
    assert [m.code for m in sentence.marks] == ["starts-like-boilerplate", "detector", "near-miss"]


def test_the_pipeline_keeps_a_filter_note_under_the_detector_label(cli, tmp_path):
    """A sentence that starts like page chrome but is prose is scored; when the detector
    flags it (a threshold under its score), its reason still says how it starts."""
    text = "Follow us as One of the following America Proposed summit Can Take place in June.\n"
    (tmp_path / "a.txt").write_text(text)
    out = cli("scan", "-q", "-f", "json", "--threshold", "0.01", "a.txt", cwd=tmp_path).stdout
    [record] = json.loads(out)["sentences"]
    assert record["label"] == "garbled", record
    assert record["reason"].startswith("starts like boilerplate"), record
