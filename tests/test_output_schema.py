"""JSON and JSON Lines outputs carry `schema_version` and match the checked-in JSON Schema
(mtfix/reports/schemas/output.schema.json), for scan, fix and score."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from mtfix import labels
from mtfix.reports.records import SCHEMA_VERSION
from mtfix.reports.schemas import output_schema

jsonschema = pytest.importorskip("jsonschema")

TEXT = ("One of the following America Proposed summit Can Take place in June.\n\n"
        "The weather was fine today.\n\nShare this article\n\nThe weather was fine today.\n")


@pytest.fixture(scope="module")
def validator():
    schema = output_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture
def corpus(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT)
    (tmp_path / "b.jsonl").write_text(json.dumps({"text": "A fine sentence. in the middle."}) + "\n")
    return tmp_path


def _valid(validator, payload) -> dict:
    errors = sorted(validator.iter_errors(payload), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:3]]
    assert payload["schema_version"] == SCHEMA_VERSION
    return payload


@pytest.mark.parametrize("args", [("scan", "-f", "json", "--features"), ("score", "-f", "json")])
def test_json_reports_match_the_schema(cli, corpus, validator, args):
    result = cli(*args, "a.txt", "b.jsonl", cwd=corpus)
    payload = _valid(validator, json.loads(result.stdout))
    assert payload["command"] == args[0]


def test_jsonl_lines_match_the_schema(cli, corpus, validator):
    lines = cli("scan", "-f", "jsonl", "a.txt", "b.jsonl", cwd=corpus).stdout.decode().splitlines()
    labels = {_valid(validator, json.loads(line))["label"] for line in lines}
    assert labels == {"garbled", "ok", "boilerplate", "duplicate"}


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_fix_output_matches_the_schema(fix_cli, corpus, validator, fmt):
    out = fix_cli("-f", fmt, "a.txt", cwd=corpus).stdout.decode()
    payloads = [json.loads(out)] if fmt == "json" else [json.loads(line) for line in out.splitlines()]
    for payload in payloads:
        _valid(validator, payload)


def test_the_schema_refuses_what_it_does_not_know(validator):
    assert not validator.is_valid({"schema_version": SCHEMA_VERSION, "command": "scan", "signature": "",
                                   "summary": {}, "sentences": [], "surprise": 1})
    assert not validator.is_valid({"schema_version": SCHEMA_VERSION + 1, "command": "score"})


def test_the_shipped_schema_names_the_label_table():
    """The file that users read names the same labels as the table the outputs come from."""
    shipped = json.loads(resources.files("mtfix.reports").joinpath("schemas/output.schema.json").read_text())
    assert shipped["$defs"]["label"]["enum"] == list(labels.LABELS)
