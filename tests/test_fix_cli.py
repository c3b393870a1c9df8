"""`mtfix fix` as a user runs it: word diffs, JSON, a patch that applies and reverts byte
for byte, and --write on CRLF and non-UTF-8 files."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

import mtfix

from mtfix.fix.fixer import fix_code_digest
from mtfix.registry import SOURCES
from mtfix.signature import Signature

from fakes import SUMMIT_ARTICLE as ARTICLE
from fakes import SUMMIT_GARBLED as GARBLED
from fakes import run_cli

pytestmark = pytest.mark.model



def write_article(folder, name: str, newline: str, encoding: str):
    path = folder / name
    path.write_bytes(newline.join(ARTICLE).encode(encoding) + newline.encode())
    return path


@pytest.fixture(scope="module")
def article_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fix")
    write_article(folder, "article.txt", "\n", "utf-8")
    return folder


def test_fix_shows_word_diffs(article_dir):
    result = run_cli("fix", "article.txt", "--no-cache", "-q", cwd=article_dir)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert "article.txt:3:" in out and "garbled" in out
    assert "[-Take-]{+take+}" in out  # word diff markers when output is not a terminal
    assert "1 with a suggestion" in out and f"mtfix:{mtfix.__version__}|lm:smollm2-135m" in out


def test_fix_json_records_carry_scores_and_sources(article_dir):
    result = run_cli("fix", "article.txt", "--no-cache", "-q", "--format", "json", cwd=article_dir)
    assert result.returncode == 0, result.stderr.decode()
    report = json.loads(result.stdout)
    [record] = [r for r in report["sentences"] if r["text"] == GARBLED]
    assert record["line"] == 3
    best = record["suggestions"][0]
    assert best["score_after"] < best["score_before"] and best["source"] in SOURCES.names()
    assert best["similarity"] >= 0.8 and 0 < best["confidence"] <= 1
    # the other sentences are fluent: flagged or not, none of them gets a rewrite
    assert all(not r["suggestions"] for r in report["sentences"] if r["text"] != GARBLED)
    assert report["summary"]["flagged"] == len(report["sentences"]) and "sources:" in report["signature"]
    assert Signature.parse(report["signature"])["fix-code"] == fix_code_digest()  # figures name the fix code


def test_patch_applies_and_reverts_byte_for_byte(tmp_path):
    path = write_article(tmp_path, "article.txt", "\r\n", "utf-8")
    original = path.read_bytes()
    result = run_cli("fix", "article.txt", "--diff", "--no-cache", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    patch_bytes = result.stdout
    assert patch_bytes.startswith(b"--- a/article.txt\n+++ b/article.txt\n")
    assert path.read_bytes() == original, "--diff must not touch the file"
    (tmp_path / "fix.patch").write_bytes(patch_bytes)
    subprocess.run(["git", "apply", "--check", "fix.patch"], cwd=tmp_path, check=True)
    subprocess.run(["patch", "-p1", "-i", "fix.patch"], cwd=tmp_path, check=True, capture_output=True)
    patched = path.read_bytes()
    assert patched != original and b"Kremlin take place" in patched
    assert patched.count(b"\r\n") == original.count(b"\r\n")
    subprocess.run(["patch", "-p1", "-R", "-i", "fix.patch"], cwd=tmp_path, check=True, capture_output=True)
    assert path.read_bytes() == original


@pytest.mark.parametrize("name, newline, encoding", [("crlf.txt", "\r\n", "utf-8"),
                                                     ("latin.txt", "\n", "cp1252")])
def test_write_keeps_encoding_line_endings_and_a_backup(tmp_path, name, newline, encoding):
    path = write_article(tmp_path, name, newline, encoding)
    original = path.read_bytes()
    result = run_cli("fix", name, "--write", "--write-min-confidence", "0", "--no-cache", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert "applied 1 fix(es)" in result.stderr.decode()
    assert (tmp_path / f"{name}.bak").read_bytes() == original
    new = path.read_bytes()
    assert new != original and new.count(b"\r\n") == original.count(b"\r\n")
    text = new.decode(encoding)  # still valid in its own encoding
    assert "Café owners" in text and GARBLED not in text
    start = original.index(GARBLED.encode(encoding))
    assert new[:start] == original[:start]  # everything before the sentence is untouched
    tail = (" Officials said the date was not yet fixed." + newline).encode(encoding)
    assert new[new.index(tail):] == original[original.index(tail):]


def test_write_without_backup_and_never_twice_over_a_backup(tmp_path):
    path = write_article(tmp_path, "a.txt", "\n", "utf-8")
    (tmp_path / "a.txt.bak").write_bytes(b"an older backup")
    result = run_cli("fix", "a.txt", "--write", "--write-min-confidence", "0", "--no-cache", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert (tmp_path / "a.txt.bak").read_bytes() == b"an older backup"
    assert (tmp_path / "a.txt.bak.1").is_file()
    shutil.copy(tmp_path / "a.txt.bak.1", path)
    result = run_cli("fix", "a.txt", "--write", "--write-min-confidence", "0", "--no-backup", "--no-cache", "-q", cwd=tmp_path)
    assert result.returncode == 0
    assert not (tmp_path / "a.txt.bak.2").exists()


def test_fix_errors_are_one_line_with_exit_2(tmp_path):
    result = run_cli("fix", "missing.txt", "-q", cwd=tmp_path)
    assert result.returncode == 2 and b"no such file" in result.stderr
    write_article(tmp_path, "a.txt", "\n", "utf-8")
    result = run_cli("fix", "a.txt", "--sources", "magic", "-q", cwd=tmp_path)
    assert result.returncode == 2 and b"unknown source magic" in result.stderr
    result = run_cli("fix", "a.txt", "--write", "--diff", cwd=tmp_path)
    assert result.returncode == 2 and b"do not go together" in result.stderr
