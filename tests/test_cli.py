"""The CLI as a user runs it: in-process with the fake scorer (unit tier), and a few runs as
a real subprocess with the real model (integration tier)."""

import codecs
import json
import subprocess
import sys

import pytest

from fakes import REPO, run_cli

ARTICLE = ("Skip to content\n\n"
           "The Kremlin is planning a summit\n\n"
           "The Kremlin is planning a summit\n\n"
           "Tensions between the US and Russia have intensified recently. The US president has "
           "therefore proposed a meeting with his Russian counterpart.\n\n"
           "One of the following America Proposed summit between US President Joe Biden And their "
           "Russian colleagues Vladimir Putin Can according to Kremlin Take place in June.\n")


def scan_json(cli, *args, stdin=b""):
    result = cli("scan", "--format", "json", "-q", *args, stdin=stdin)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout), result


def test_help_is_fast_and_does_not_import_torch():
    code = "import sys; from mtfix.cli import app; assert 'torch' not in sys.modules and 'transformers' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
    result = run_cli("scan", "--help")
    assert result.returncode == 0 and b"--format" in result.stdout


def test_json_records_labels_and_exit_code(cli, tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    report, result = scan_json(cli, str(path))
    assert result.returncode == 0  # findings are reported, not failed on
    assert cli("scan", "-q", "--fail-on-garbled", str(path)).returncode == 1
    records = report["sentences"]
    keys = {"path", "line", "col", "start", "end", "text", "label", "score", "spans"}
    assert all(keys <= set(r) for r in records)
    labels = [r["label"] for r in records]
    assert labels[:3] == ["boilerplate", "ok", "duplicate"]
    garbled = [r for r in records if r["text"].startswith("One of the following")]
    assert garbled[0]["label"] == "garbled" and garbled[0]["spans"]
    assert report["signature"].startswith("mtfix:")
    assert report["summary"]["files"] == 1
    assert report["command"] == "scan" and {"quality", "words"} <= set(records[1])


@pytest.mark.parametrize("encoding, bom, newline", [
    ("utf-8", b"", "\n"), ("utf-8", codecs.BOM_UTF8, "\r\n"), ("utf-16-le", codecs.BOM_UTF16_LE, "\n"),
    ("cp1252", b"", "\r\n"),
])
def test_offsets_round_trip_to_the_original_bytes(cli, tmp_path, encoding, bom, newline):
    text = ("The minister’s plan\u00a0was “bold”. It added\u00a0that the naïve cafés of the old Town\nclosed early that week.\n\n"
            "Second paragraph is here.\n").replace("\n", newline)
    raw = bom + text.encode(encoding)
    path = tmp_path / "doc.txt"
    path.write_bytes(raw)
    report, _ = scan_json(cli, str(path))
    records = report["sentences"]
    assert len(records) == 3
    for record in records:
        assert text[record["start"]:record["end"]] == record["text"]
        assert raw[record["byte_start"]:record["byte_end"]].decode(encoding) == record["text"]
        line_text = text.split(newline)[record["line"] - 1]
        assert line_text[record["col"] - 1:].startswith(record["text"][:10])
        for span in record["spans"]:
            assert text[span["start"]:span["end"]] == span["text"]


def test_bad_inputs_are_skipped_with_one_line_each(cli, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("A perfectly normal sentence about the weather.\n", encoding="utf-8")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    missing = tmp_path / "missing.txt"
    result = cli("scan", "-q", str(good), str(binary), str(empty), str(missing))
    assert result.returncode == 2
    err = result.stderr.decode()
    assert f"skipped {binary}: binary file" in err
    assert f"skipped {empty}: empty file" in err
    assert f"skipped {missing}: no such file or directory" in err
    assert "Traceback" not in err
    assert "1 file, 1 sentence" in result.stdout.decode()


def test_folder_globs_stdin_jsonl_and_html(cli, tmp_path):
    (tmp_path / "a.txt").write_text("First file sentence here.\n", encoding="utf-8")
    (tmp_path / "skip.md").write_text("Excluded file.\n", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("not,read\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps({"body": "A record sentence. Another one."}) + "\n",
                                      encoding="utf-8")
    (tmp_path / "c.html").write_text("<html><body><nav>Home</nav><p>An html &amp; text sentence.</p></body></html>",
                                     encoding="utf-8")
    report, _ = scan_json(cli, str(tmp_path), "--exclude", "skip.md", "--field", "body")
    paths = sorted({r["path"] for r in report["sentences"]})
    assert [p.split("/")[-1] for p in paths] == ["a.txt", "b.jsonl", "c.html"]
    jsonl = [r for r in report["sentences"] if r["path"].endswith("b.jsonl")]
    assert [r["text"] for r in jsonl] == ["A record sentence.", "Another one."]
    assert jsonl[0]["record"] == 1
    html = [r for r in report["sentences"] if r["path"].endswith("c.html")]
    assert "An html & text sentence." in [r["text"] for r in html]
    stdin_report, _ = scan_json(cli, "-", stdin="Read from standard input.".encode())
    assert stdin_report["sentences"][0]["path"] == "<stdin>"


def test_jsonl_output_only_flagged_and_output_file(cli, tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "report.jsonl"
    result = cli("scan", "-q", "--format", "jsonl", "--only-flagged", "-o", str(out), str(path))
    assert result.returncode == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines and all(r["label"] != "ok" for r in lines)
    assert not list(tmp_path.glob(".report.jsonl.*"))  # no temp file left behind


def test_text_output_shows_places_and_summary(cli, tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    result = cli("scan", "-q", str(path))
    out = result.stdout.decode()
    assert f"{path}:1:1 boilerplate" in out
    assert f"{path}:9:1 garbled" in out
    assert "1 file, 6 sentences" in out and "mtfix:" in out


def test_unknown_format_and_a_format_of_another_command(cli, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Hello there.\n", encoding="utf-8")
    result = cli("scan", "-q", "-f", "yaml", str(path))
    assert result.returncode == 2 and b"unknown output format 'yaml'" in result.stderr
    result = cli("scan", "-q", "-f", "diff", str(path))
    assert result.returncode == 2 and b"not a format of `scan`" in result.stderr


def test_warm_cache_loads_no_model(cli, tmp_path, monkeypatch):
    import mtfix.api

    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    assert cli("scan", "-q", str(path)).returncode == 0
    made = []
    monkeypatch.setattr(mtfix.api.Checker, "_make_scorer", lambda self: made.append(1) or pytest.fail("LM loaded"))
    assert cli("scan", "-q", str(path)).returncode == 0
    assert not made


@pytest.mark.model
def test_unknown_model_is_a_clear_error(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Hello there.\n", encoding="utf-8")
    result = run_cli("scan", "-q", "--no-cache", "--model", str(tmp_path / "no-such-model"), str(path))
    assert result.returncode == 2
    err = result.stderr.decode()
    assert err.startswith("mtfix: error: cannot load language model") and "Traceback" not in err


def test_models_list():
    result = run_cli("models", "list")
    assert result.returncode == 0 and b"smollm2-135m (default)" in result.stdout


@pytest.mark.model
def test_scan_seeds_runs(tmp_path):
    result = run_cli("scan", "-q", "--format", "json", str(REPO / "seeds"))
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["summary"]["files"] == 5
    labels = {r["label"] for r in report["sentences"]}
    assert {"boilerplate", "duplicate", "ok", "garbled"} <= labels


def test_python_dash_m_mtfix_is_the_command_line():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "mtfix", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("mtfix ")


def test_format_help_lists_the_registry_formats_of_each_command():
    from mtfix.app import formats_of

    for command in ("scan", "score", "fix"):
        text = " ".join(run_cli(command, "--help").stdout.decode().split())
        assert f"Output format: {', '.join(formats_of(command))} (default text)." in text


@pytest.mark.parametrize("option, env, coloured", [
    ("never", {"FORCE_COLOR": "1"}, False), ("always", {"NO_COLOR": "1"}, True),
    ("auto", {"FORCE_COLOR": "1"}, True), ("auto", {}, False),  # auto: not a terminal here
])
def test_color_option_and_force_color(cli, tmp_path, monkeypatch, option, env, coloured):
    monkeypatch.delenv("NO_COLOR", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    result = cli("scan", "-q", "--color", option, "a.txt", cwd=tmp_path)
    assert result.returncode == 0
    assert (b"\x1b[" in result.stdout) is coloured


def test_color_refuses_other_values(cli, tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    result = cli("scan", "--color", "sometimes", "a.txt", cwd=tmp_path)
    assert result.returncode == 2 and b"--color must be auto, always or never" in result.stderr


def test_shell_completion_is_offered_and_completes_formats():
    assert b"--install-completion" in run_cli("--help").stdout
    env = {"_MTFIX_COMPLETE": "complete_bash", "COMP_WORDS": "mtfix scan --format j", "COMP_CWORD": "3"}
    result = run_cli(env=env)
    assert result.stdout.decode().split() == ["json", "jsonl", "junit"]
