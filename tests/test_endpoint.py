"""The endpoint fix source against an OpenAI-compatible server: a real one (`transformers serve`
with the bundled SmolLM2, model tier) and a fake one on the loopback address for the error
paths (500s, malformed JSON, timeouts, a closed port) and for what is sent."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from fakes import SUMMIT_GARBLED

TEXT = f"The talks were held in Geneva on Monday.\n\n{SUMMIT_GARBLED}\n\nThe weather was fine today.\n"
REWRITE = SUMMIT_GARBLED.replace(" And ", " and ").replace(" Proposed", " proposed")


class FakeServer:
    """A chat-completions server whose answers the test chooses: `answers` is a list of
    (status, body) handed out in turn (the last one repeats); every request body is kept."""

    def __init__(self, answers: list[tuple[int, object]], delay: float = 0.0) -> None:
        self.answers, self.delay, self.requests, self.headers = list(answers), delay, [], []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append(body)
                server.headers.append(dict(self.headers))
                status, answer = server.answers.pop(0) if len(server.answers) > 1 else server.answers[0]
                time.sleep(server.delay)
                data = answer if isinstance(answer, bytes) else json.dumps(
                    answer(body) if callable(answer) else answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout)
                    pass

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def completion(*texts: str) -> dict:
    return {"object": "chat.completion", "choices": [{"index": i, "message": {"role": "assistant", "content": t}}
                                                     for i, t in enumerate(texts)]}


@pytest.fixture
def serve():
    servers = []

    def start(answers, delay: float = 0.0) -> FakeServer:
        servers.append(FakeServer(answers, delay))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def quick_retries(monkeypatch):
    from mtfix.fix.sources import endpoint

    monkeypatch.setattr(endpoint, "BACKOFF_S", 0.01)
    monkeypatch.setattr(endpoint, "RETRIES", 2)


def _fix(cli, tmp_path, server_url: str, *args: str):
    return cli("fix", "-q", "--sources", "endpoint", "--endpoint", server_url, "--endpoint-model", "tiny",
               "--min-confidence", "0", *args, "a.txt", cwd=tmp_path)


def test_only_flagged_sentences_are_sent_with_the_text_before_them_and_a_second_run_sends_none(
        cli, serve, tmp_path, monkeypatch):
    monkeypatch.setenv("MTFIX_ENDPOINT_KEY", "sk-test-secret")
    server = serve([(200, completion(f'"{REWRITE}"', "Rewritten sentence: " + REWRITE, "No."))])
    (tmp_path / "a.txt").write_text(TEXT)
    result = _fix(cli, tmp_path, server.url, "-f", "json")
    assert result.returncode == 0, result.stderr
    [request] = server.requests  # one flagged sentence: one request
    asked = request["messages"][-1]["content"]
    assert SUMMIT_GARBLED in asked and "Text before it: The talks were held in Geneva on Monday." in asked
    assert "The weather" not in asked and request["model"] == "tiny" and request["n"] == 3
    assert server.headers[0]["Authorization"] == "Bearer sk-test-secret"
    report = json.loads(result.stdout)
    [fixed] = [s for s in report["sentences"] if s.get("suggestions")]
    assert fixed["suggestions"][0]["text"] == REWRITE and fixed["suggestions"][0]["source"] == "endpoint"
    again = _fix(cli, tmp_path, server.url, "-f", "json")
    assert again.returncode == 0 and len(server.requests) == 1  # from the suggestion cache
    signature = report["signature"]
    assert "endpoint:" in signature and "tiny" in signature
    home = Path(os.environ["MTFIX_HOME"])
    stored = b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file())
    for where in (result.stdout, result.stderr, stored, signature.encode()):
        assert b"sk-test-secret" not in (where if isinstance(where, bytes) else where.encode())


def test_the_source_is_sent_when_the_input_has_one(cli, serve, tmp_path):
    server = serve([(200, completion("The price rose to 2,000 rubles."))])
    (tmp_path / "p.tsv").write_text("Цена выросла до 2 000 рублей.\tThe price Rose to 2,000 Rubles in the Can.\n")
    result = cli("fix", "-q", "--sources", "endpoint", "--endpoint", server.url, "--endpoint-model", "tiny",
                 "--threshold", "0.01", "p.tsv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [request] = server.requests
    assert "It translates: Цена выросла до 2 000 рублей." in request["messages"][-1]["content"]


def test_answers_that_add_or_drop_content_never_reach_review(cli, serve, tmp_path):
    added = REWRITE.replace("in June", "in June, officials in Moscow said on Friday")
    dropped = "The summit can take place."
    server = serve([(200, completion(added, dropped, "I cannot help with that."))])
    (tmp_path / "a.txt").write_text(TEXT)
    result = _fix(cli, tmp_path, server.url, "-f", "json")
    assert result.returncode == 0, result.stderr
    [flagged] = [s for s in json.loads(result.stdout)["sentences"] if s["label"] == "garbled"]
    assert flagged["suggestions"] == [] and sum(flagged["rejected"].values()) == 3, flagged["rejected"]


def test_a_server_error_is_retried(cli, serve, tmp_path, quick_retries):
    server = serve([(503, {"error": "busy"}), (429, {"error": "slow down"}), (200, completion(REWRITE))])
    (tmp_path / "a.txt").write_text(TEXT)
    result = _fix(cli, tmp_path, server.url, "-f", "json")
    assert result.returncode == 0, result.stderr
    assert len(server.requests) == 3


@pytest.mark.parametrize(("answers", "told"), [
    ([(500, {"error": "down"})], b"answered HTTP 500"),
    ([(200, b"<html>not json</html>")], b"not JSON"),
    ([(200, {"object": "list", "data": []})], b"not a chat completion"),
    ([(200, {"choices": [{"index": 0}]})], b"without a message's text"),
    ([(401, {"error": "bad key"})], b"answered HTTP 401"),
])
def test_a_failed_endpoint_writes_nothing_reports_the_scan_and_exits_2(cli, serve, tmp_path, quick_retries,
                                                                      answers, told):
    server = serve(answers)
    (tmp_path / "a.txt").write_text(TEXT)
    result = _fix(cli, tmp_path, server.url, "--write", "--write-min-confidence", "0")
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if b"error" in line]
    assert len(errors) == 1 and told in errors[0] and b"no file was written" in errors[0], result.stderr
    assert (tmp_path / "a.txt").read_text() == TEXT and not (tmp_path / "a.txt.bak").exists()
    assert b"garbled" in result.stdout  # the scan's findings are still reported


def test_an_unreachable_or_slow_endpoint_is_one_line_and_exit_2(cli, serve, tmp_path, quick_retries):
    (tmp_path / "a.txt").write_text(TEXT)
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/v1"
    result = _fix(cli, tmp_path, closed)
    assert result.returncode == 2 and b"unreachable" in result.stderr, result.stderr
    slow = serve([(200, completion(REWRITE))], delay=3.0)
    started = time.perf_counter()
    result = _fix(cli, tmp_path, slow.url, "--endpoint-timeout", "1")
    assert result.returncode == 2 and b"unreachable" in result.stderr and b"timed out" in result.stderr
    assert time.perf_counter() - started < 15


def test_the_endpoint_settings_are_checked_before_the_run(cli, tmp_path):
    (tmp_path / "a.txt").write_text(TEXT)
    missing = cli("fix", "-q", "--sources", "endpoint", "a.txt", cwd=tmp_path)
    assert missing.returncode == 2 and b"needs --endpoint URL" in missing.stderr
    no_model = cli("fix", "-q", "--sources", "endpoint", "--endpoint", "http://127.0.0.1:9/v1", "a.txt", cwd=tmp_path)
    assert no_model.returncode == 2 and b"--endpoint-model" in no_model.stderr
    secret = cli("fix", "-q", "--sources", "endpoint", "--endpoint", "http://me:pw@127.0.0.1:9/v1",
                 "--endpoint-model", "m", "a.txt", cwd=tmp_path)
    assert secret.returncode == 2 and b"MTFIX_ENDPOINT_KEY" in secret.stderr and b"pw" not in secret.stderr


def test_answers_are_cleaned_to_the_sentence():
    from mtfix.fix.sources.endpoint import chat_url, cleaned

    assert cleaned('  "The summit can take place."  ') == "The summit can take place."
    assert cleaned("Rewritten sentence: The summit can take place.\n\nI kept the names.") == "The summit can take place."
    assert cleaned("“He said ‘no’.”") == "He said ‘no’."
    assert cleaned('"A" and "B" met.') == '"A" and "B" met.'  # quotes inside are the sentence's
    assert chat_url("http://h:8080/v1/") == "http://h:8080/v1/chat/completions"
    assert chat_url("https://api.example.com/v1/chat/completions") == "https://api.example.com/v1/chat/completions"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def real_server():
    """`transformers serve` on the loopback address, serving the bundled SmolLM2 as mtfix
    prepared it; stopped at the end of the module."""
    pytest.importorskip("fastapi")
    pytest.importorskip("uvicorn")
    from mtfix.lm.provision import model_location

    location = str(model_location("smollm2-135m", quiet=True))
    port = _free_port()
    beside = Path(sys.executable).with_name("transformers")  # the venv's script, whether or not it is on PATH
    command = str(beside) if beside.exists() else shutil.which("transformers")
    if command is None:
        pytest.skip("no `transformers` command (pip install 'transformers[serving]')")
    process = subprocess.Popen([command, "serve", "--host", "127.0.0.1", "--port", str(port), location],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/health", timeout=2).read()
            break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stdout.read().decode(errors="replace")[-2000:])
            time.sleep(0.5)
    else:
        process.kill()
        raise RuntimeError("transformers serve did not start in 120 s")
    yield f"{url}/v1", location
    process.terminate()
    process.wait(timeout=30)


@pytest.mark.model
def test_a_real_server_answers_for_the_flagged_sentences(real_server, tmp_path):
    """The bundled SmolLM2 behind `transformers serve`: mtfix sends the flagged sentence, the
    server answers, and every answer goes through the guards and the reranker."""
    import mtfix
    from mtfix.fix.sources.endpoint import EndpointSource

    url, location = real_server
    checker = mtfix.load(sources=("endpoint",), endpoint=url, endpoint_model=location, endpoint_temperature=0.0,
                         endpoint_candidates=1, min_confidence=0.0)
    document = checker.suggest("The summit Can Take place in June, according to Kremlin. The weather was fine today.")
    [fix] = document.fixes
    [source] = [s for s in checker.fix.sources if isinstance(s, EndpointSource)]
    assert source.requests == 1
    assert checker.fix.stats.source_candidates.get("endpoint", 0) + sum(fix.rejected.values()) >= 1
    assert not checker.fix.stats.failure
    for suggestion in fix.suggestions:
        assert suggestion.source == "endpoint" and suggestion.text != fix.target.text
