"""Rewrites from any model a user runs behind an OpenAI-compatible chat-completions API
(llama.cpp's server, Ollama, vLLM, TGI, `transformers serve`, a hosted service).

Only the sentences the detector flagged reach a source, so only they are sent, each with the
text before it in its document (at most CONTEXT_CHARS) and its source when its input has one
(two line-aligned files, TSV, TMX, a source field), and asked for `--endpoint-candidates`
answers in one request (`n`; a server that ignores `n` gives one). Requests run on
`--endpoint-concurrency` threads, each with a timeout and retries with back-off on 429 and 5xx
answers and on a dropped connection. Every answer is cleaned to one sentence and then passes the
same guards and reranker as any other source's candidate. The API key comes from
$MTFIX_ENDPOINT_KEY only: it is sent as a bearer token and appears nowhere else.

A server that cannot be reached, or that answers with something that is not a chat
completion, raises EndpointError: the fix step stops asking it, keeps the other sources'
suggestions out of the cache, and the command reports the error and exits 2 without writing.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from mtfix.errors import ConfigError, MtfixError
from mtfix.fix.candidate import Candidate, FixTarget
from mtfix.fix.sources.base import CandidateSource
from mtfix.safe import one_line

KEY_VARIABLE = "MTFIX_ENDPOINT_KEY"
CONTEXT_CHARS = 600  # of the text before a sentence, sent with it
RETRIES = 3  # after the first try, for 429, 5xx and dropped connections
BACKOFF_S = 0.5  # the first wait; doubled each retry, with jitter; a Retry-After header wins (up to MAX_WAIT_S)
MAX_WAIT_S = 30.0
MAX_ANSWER_BYTES = 1 << 20

SYSTEM = ("You edit English that was machine-translated. Rewrite the sentence you are given so that "
          "it reads as fluent, natural English and says exactly what it says now: keep every name, "
          "number, date and quotation, add nothing and leave nothing out. If it is already fine, "
          "repeat it unchanged. Answer with the rewritten sentence only, on one line, without "
          "quotation marks or comments.")


class EndpointError(MtfixError):
    """The endpoint could not be reached or did not answer as a chat-completions API does."""


@dataclass(frozen=True)
class EndpointConfig:
    url: str  # the chat-completions URL
    model: str
    candidates: int = 3
    temperature: float = 0.7
    concurrency: int = 4
    timeout: float = 60.0
    key: str = ""

    @property
    def shown(self) -> str:
        """The endpoint for messages: scheme, host and path, never a key."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}{parts.path}"


def chat_url(base: str) -> str:
    """The chat-completions URL of BASE, given as the API's base (`http://host:8080/v1`) or in
    full; a URL that carries credentials is refused (the key belongs in $MTFIX_ENDPOINT_KEY)."""
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"--endpoint must be an http(s) URL such as http://127.0.0.1:8080/v1, not {base!r}")
    if parts.username or parts.password:
        raise ConfigError(f"--endpoint must not carry credentials: put the API key in ${KEY_VARIABLE}")
    path = parts.path.rstrip("/")
    if not path.endswith("/chat/completions"):
        path += "/chat/completions"
    return parts._replace(path=path, query="", fragment="").geturl()


def messages(target: FixTarget) -> list[dict[str, str]]:
    """The request's conversation: the rules, then the text before the sentence (when there is
    some), what it was translated from (when its input says), and the sentence."""
    before = preceding_text(target)
    source = " ".join((target.sentence.source or "").split())
    parts = ([f"Text before it: {before}"] if before else []) + \
        ([f"It translates: {source}"] if source else []) + [f"Sentence: {target.text}"]
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "\n\n".join(parts)}]


def preceding_text(target: FixTarget, limit: int | None = None) -> str:
    """Up to LIMIT (default CONTEXT_CHARS) characters of the document before the sentence,
    from a word's start, on one line."""
    limit = CONTEXT_CHARS if limit is None else limit
    if limit <= 0:
        return ""
    sentence, content = target.sentence, target.document.content or ""
    before = content[max(0, sentence.content_start - limit):sentence.content_start]
    if sentence.content_start > limit and " " in before:
        before = before.split(" ", 1)[1]
    return " ".join(before.split())


_LABEL = re.compile(r"^(?:rewritten|revised|corrected|fixed|fluent)?\s*(?:sentence|version|text)?\s*:\s*", re.I)
_QUOTES = ("\"\"", "''", "“”", "‘’", "«»", "``")


def cleaned(answer: str) -> str:
    """The sentence in an answer: its first non-empty line, without a leading label
    ("Rewritten sentence:") or quotation marks around the whole of it."""
    line = next((part.strip() for part in answer.strip().splitlines() if part.strip()), "")
    line = _LABEL.sub("", line, count=1) if _LABEL.match(line) and ":" in line[:30] else line
    for opening, closing in _QUOTES:
        if len(line) > 1 and line[0] == opening and line[-1] == closing and line.count(opening) == 1 + (opening == closing):
            line = line[1:-1].strip()
    return line


class EndpointSource(CandidateSource):
    name = "endpoint"
    remote = True  # its failure is the run's: nothing is written from a run it failed in

    def __init__(self, config: EndpointConfig) -> None:
        self.config = config
        self.requests = 0  # sent, retries not counted
        self._lock = threading.Lock()

    @classmethod
    def check(cls, settings) -> None:
        if not settings.endpoint:
            raise ConfigError("the endpoint source needs --endpoint URL (an OpenAI-compatible API, e.g. http://127.0.0.1:8080/v1)")
        chat_url(settings.endpoint)
        if not settings.endpoint_model:
            raise ConfigError("the endpoint source needs --endpoint-model NAME (the model the server serves; "
                              "the endpoint lists them at URL/models)")

    @classmethod
    def create(cls, context) -> "EndpointSource":
        s = context.settings
        cls.check(s)
        return cls(EndpointConfig(chat_url(s.endpoint), s.endpoint_model, s.endpoint_candidates,
                                  s.endpoint_temperature, s.endpoint_concurrency, s.endpoint_timeout,
                                  os.environ.get(KEY_VARIABLE, "")))

    def propose(self, targets: list[FixTarget]) -> list[list[Candidate]]:
        if not targets:
            return []
        with ThreadPoolExecutor(max_workers=max(1, min(self.config.concurrency, len(targets)))) as pool:
            futures = [pool.submit(self.ask, target) for target in targets]
            try:
                answers = [future.result() for future in futures]
            except EndpointError:
                for future in futures:
                    future.cancel()
                raise
        out = []
        for target, texts in zip(targets, answers):
            unique = [t for t in dict.fromkeys(cleaned(text) for text in texts) if t and t != target.text]
            out.append([Candidate(t, self.name, f"{self.config.model}, answer {rank + 1}") for rank, t in enumerate(unique)])
        return out

    def ask(self, target: FixTarget) -> list[str]:
        """The answers for one sentence."""
        body = {"model": self.config.model, "messages": messages(target), "temperature": self.config.temperature,
                "n": self.config.candidates, "max_tokens": max(32, 2 * len(target.text.split()) + 24), "stream": False}
        with self._lock:
            self.requests += 1
        return answers_of(self._post(body), self.config)

    def _post(self, body: dict) -> dict:
        data = json.dumps(body).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.config.key:
            headers["Authorization"] = f"Bearer {self.config.key}"
        for attempt in range(RETRIES + 1):
            request = urllib.request.Request(self.config.url, data=data, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=self.config.timeout) as response:
                    raw = response.read(MAX_ANSWER_BYTES + 1)
                break
            except urllib.error.HTTPError as exc:
                retry = exc.code == 429 or exc.code >= 500
                if not retry or attempt == RETRIES:
                    raise EndpointError(f"endpoint {self.config.shown} answered HTTP {exc.code}"
                                        f"{_detail(exc)}") from None
                _wait(attempt, exc.headers.get("Retry-After"))
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                if attempt == RETRIES:
                    raise EndpointError(f"endpoint {self.config.shown} unreachable ({one_line(str(reason))[:120]})") from None
                _wait(attempt, None)
        if len(raw) > MAX_ANSWER_BYTES:
            raise EndpointError(f"endpoint {self.config.shown} answered more than {MAX_ANSWER_BYTES} bytes")
        try:
            return json.loads(raw)
        except (ValueError, RecursionError):
            raise EndpointError(f"endpoint {self.config.shown} answered something that is not JSON: "
                                f"{one_line(raw[:80].decode('utf-8', 'replace'))!r}") from None


def answers_of(payload: object, config: EndpointConfig) -> list[str]:
    """The answers' texts in a chat completion; EndpointError when it is not one."""
    choices = payload.get("choices") if isinstance(payload, dict) else None
    if not isinstance(choices, list) or not choices:
        raise EndpointError(f"endpoint {config.shown} answered JSON that is not a chat completion (no choices)")
    texts = []
    for choice in choices:
        message = choice.get("message") if isinstance(choice, dict) else None
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, str):
            raise EndpointError(f"endpoint {config.shown} answered a choice without a message's text")
        texts.append(content)
    return texts


def _detail(error: urllib.error.HTTPError) -> str:
    try:
        text = error.read(300).decode("utf-8", "replace")
    except OSError:
        return ""
    return f": {one_line(text)[:160]}" if text.strip() else ""


def _wait(attempt: int, retry_after: str | None) -> None:
    try:
        seconds = float(retry_after) if retry_after else BACKOFF_S * 2 ** attempt * (1 + random.random() / 2)
    except ValueError:
        seconds = BACKOFF_S * 2 ** attempt
    time.sleep(min(max(seconds, 0.0), MAX_WAIT_S))
