"""Every setting of every command, in one typed object resolved in layers:
defaults → config file → per-path overrides → command line (the closest wins).

`Settings.for_path(path)` gives the settings a file is judged with: the config's matching
`[[overrides]]` applied to what the command line did not set.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from mtfix.errors import ConfigError
from mtfix.lm.provision import DEFAULT_MODEL
from mtfix.readers.options import ReadOptions

# The sources every fix runs by default: those whose best suggestions moved closer to the
# human post-edit more often than further on MLQE-PE's tune part. The edit tagger did not
# (its case and function-word edits went further as often as closer); the post-editor and
# the round trip rewrite whole sentences with generation, several times slower than all the
# others together. Each runs when --sources names it (benchmarks/RESULTS.md has the figures).
DEFAULT_SOURCES = ("grammar", "lm")
# `fix --write` applies a suggestion with no person deciding only at a confidence whose
# precision (closer ÷ (closer + further) to the human post-edit) is at least 0.8 on MLQE-PE's
# tune part. No floor reaches it there (0.54-0.62 from 0 to 0.4, lower above; 3,519 sentences,
# benchmarks/RESULTS.md), so only the top of the scale is written; review decides the rest.
WRITE_FLOOR = 1.0


@dataclass(frozen=True)
class Override:
    """Settings for the files matching PATHS (globs, relative to the config file's folder)."""

    paths: tuple[str, ...]
    threshold: float | None = None
    fail_above: float | None = None
    fail_under: float | None = None

    def matches(self, path: str) -> bool:
        """As .gitignore matches: a glob with a slash is matched against the path relative to
        the config file's folder; one without, against the file name at any depth."""
        return any(fnmatch.fnmatch(path, g) if "/" in g.rstrip("/") else fnmatch.fnmatch(Path(path).name, g)
                   for g in self.paths)

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name, spec in SPECS.items()
                if spec.overridable and getattr(self, name) is not None}


@dataclass(frozen=True)
class Spec:
    """What a setting accepts and means: its kind (string, strings, bool, number, count,
    choice, patterns, words), the allowed values or range, and its help. The config keys,
    their validation, the command line's choices and help, and `mtfix config` come from it."""

    kind: str
    help: str
    choices: tuple[str, ...] = ()
    low: float = 0.0
    high: float = 1.0
    overridable: bool = False  # may be set per path in [[overrides]]
    metavar: str = ""  # how --help names the value; default: from the kind
    # What the setting changes (RESULTS): "analysis" (how the LM reads a sentence: a cached
    # analysis), "label" (the labels drawn from an analysis), "suggestions" (a cached fix);
    # none for what is read, how fast, and what the gate or a write does with the results.
    # The cache keys are made from it (results_key).
    changes: frozenset[str] = frozenset()
    # The signature entry a step writes for it ("lm" for the model, "rerank" for the reranker's
    # floors); empty: a setting that changes results is written as `key=value` after the
    # steps' entries whenever it is not at its default (signed_changes).
    signed: str = ""

    @property
    def value_name(self) -> str:
        """The option's value as a person writes it in --help (FLOAT, GLOB, auto|cpu|cuda)."""
        if self.metavar:
            return self.metavar
        if self.kind == "choice":
            return "|".join(self.choices)
        return {"string": "TEXT", "strings": "TEXT", "number": "FLOAT", "count": "INTEGER",
                "patterns": "REGEX", "words": "WORD", "bool": ""}[self.kind]

    @property
    def expected(self) -> str:
        return {"string": "a string", "strings": "a list of strings", "bool": "true or false",
                "number": f"a number from {self.low:g} to {self.high:g}", "count": "a whole number of at least 1",
                "choice": f"one of {', '.join(self.choices)}", "patterns": "a list of regular expressions",
                "words": "a list of strings"}[self.kind]

    def parse(self, value: Any) -> Any:
        """VALUE (from a config file, the command line or a caller) as the setting's type;
        SettingValueError when it is not one."""
        kind = self.kind
        if kind in ("strings", "patterns", "words") and isinstance(value, str):
            value = [value]
        if kind in ("strings", "patterns", "words"):
            if not isinstance(value, (list, tuple, set, frozenset)) or \
                    not all(isinstance(v, (str, re.Pattern) if kind == "patterns" else str) for v in value):
                raise SettingValueError(f"must be {self.expected}, not {value!r}")
            if kind == "patterns":
                return tuple(_compiled(v) for v in value)
            return frozenset(value) if kind == "words" else tuple(value)
        if kind == "bool" and isinstance(value, bool):
            return value
        if kind == "string" and isinstance(value, (str, os.PathLike)):
            return os.fspath(value)  # a path given as a Path is its text
        if kind == "choice" and value in self.choices:
            return value
        if kind == "count" and isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return value
        if kind == "number" and isinstance(value, (int, float)) and not isinstance(value, bool) \
                and self.low <= value <= self.high:
            return float(value)
        raise SettingValueError(f"must be {self.expected}, not {value!r}")


class SettingValueError(ValueError):
    """A value a setting does not accept; the message reads after the setting's name."""


def _compiled(pattern: str | re.Pattern) -> re.Pattern:
    if isinstance(pattern, re.Pattern):
        return pattern
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise SettingValueError(f"holds a bad regular expression {pattern!r}: {exc}") from None


RESULTS = ("analysis", "label", "suggestions")


def setting(default: Any, kind: str, help: str, *, changes: tuple[str, ...], **spec: Any) -> Any:
    """A Settings field: its default and its Spec. CHANGES (required, () for none) says which
    results it changes (RESULTS), so that no setting joins a cache key by being remembered."""
    assert set(changes) <= set(RESULTS), changes
    return field(default=default, metadata={"setting": Spec(kind, help, changes=frozenset(changes), **spec)})


@dataclass(frozen=True)
class Settings:
    """Every setting. Values are checked (and lists made immutable) when the object is made,
    so `mtfix.load(threshold=3)` fails as the command line and the config file do."""

    # language model and detector
    model: str = setting(DEFAULT_MODEL, "string", "Language model: a built-in name (`mtfix models list`), a local folder, or a Hugging Face causal LM id.", metavar="NAME", changes=("analysis", "suggestions"), signed="lm")
    detector: str | None = setting(None, "string", "Detector file (.npz) trained for the model; default: the bundled one for that model, else the LM-independent fallback.", metavar="FILE", changes=("analysis", "suggestions"), signed="detector")
    device: str = setting("auto", "choice", "Where the models run.", choices=("auto", "cpu", "cuda"), changes=("suggestions",), signed="device")
    backend: str = setting("torch", "choice", "What runs the LM's forward pass: torch, or ONNX Runtime on the CPU (onnx: same numbers, prepared once; 1.25-1.3x faster on short sentences, slower than torch on long paragraphs). onnx-int8 is 1.4-2.3x faster, but it moves each token's log-probability by about 1.2 nats, so about 1 label in 5 differs from the detector's training, and a sentence's scores change with the sentences read in the same batch: use it for rough triage only.", choices=("torch", "onnx", "onnx-int8"), changes=("analysis", "suggestions"), signed="lm")
    batch_size: int = setting(32, "count", "Sentences per LM forward pass.", changes=())
    context: bool = setting(True, "bool", "Read each sentence after the text before it in its document, or alone.", changes=("analysis", "suggestions"), signed="context")
    near_miss: bool = setting(True, "bool", "Also flag a sentence scored just under the threshold when one of its words reads as a slip for a common word near it in form (\"on the verge of a breakthrough\": the LM reads \"breakdown\"); fix offers that word. The sentence is read after the text before it, as the heads read it, from the LM's own reading of its window. --no-near-miss turns it off (benchmarks/RESULTS.md: what it costs and finds).", changes=("analysis", "suggestions"), signed="near-miss")
    threshold: float | None = setting(None, "number", "Probability at or above which a sentence is garbled (default: the detector's; see the model card).", overridable=True, changes=("label",), signed="threshold")
    # what is read
    include: tuple[str, ...] = setting((), "strings", "Globs of files to read in folders (none given: a glob for every suffix a reader takes, as `mtfix config` lists them).", metavar="GLOB", changes=())
    exclude: tuple[str, ...] = setting((), "strings", "Globs of files to leave out.", metavar="GLOB", changes=())
    field: str = setting("text", "string", "JSONL: the field holding the text.", metavar="NAME", changes=())
    group_field: str | None = setting(None, "string", "JSONL: records with the same value of this field are read as one document (context).", metavar="NAME", changes=())
    max_mb: int = setting(50, "count", "Skip files larger than this many MB.", metavar="MB", changes=())
    # what a translation was translated from
    source: str | None = setting(None, "string", "The source of a translation, line-aligned with the one input file (line N is what line N translates; MT evaluation's two-file form). Each line is then one sentence, checked against its source.", metavar="FILE", changes=())
    source_field: str | None = setting(None, "string", "JSONL/Parquet: the field holding each record's source text (the record is then one sentence, checked against it).", metavar="NAME", changes=())
    source_lang: str | None = setting(None, "string", "The source language (ISO 639-1, e.g. ru or zh); TMX files name theirs. Used by the checks that depend on the script (untranslated text).", metavar="LANG", changes=())
    checks: tuple[str, ...] = setting(("numbers", "links", "untranslated", "language", "brackets", "length"), "strings", "The checks of a translation against its source: numbers (no number changed, digit grouping and decimal commas aside), links (every URL and e-mail address kept), untranslated (the source copied, or a stretch of its script left in; also without a source), language (the translation is in English), brackets (balanced as in the source), length (a length far from the source's).", metavar="NAME,...", changes=())
    # what is reported
    ignore: tuple[re.Pattern, ...] = setting((), "patterns", "Regular expressions of sentences to suppress.", changes=("label",))
    allow: frozenset[str] = setting(frozenset(), "words", "Words never highlighted as suspect.", changes=("label", "suggestions"))
    cache: bool = setting(True, "bool", "Reuse earlier analyses and suggestions of the same sentences ($MTFIX_HOME/score-cache.sqlite).", changes=())
    # the gate of `score`
    baseline: str | None = setting(None, "string", "Baseline file of accepted findings (default .mtfix-baseline.json when it exists).", metavar="FILE", changes=())
    fail_above: float | None = setting(None, "number", "Fail (exit 1) when the garbled rate is above this (0-1).", overridable=True, changes=())
    fail_under: float | None = setting(None, "number", "Fail (exit 1) when the quality score is under this (0-100).", high=100.0, overridable=True, changes=())
    # `fix` and `review`
    sources: tuple[str, ...] = setting(DEFAULT_SOURCES, "strings", "Fix sources. Defaults: grammar (harper's spelling and grammar edits) and lm (LM-guided local edits: case, stray punctuation and function words, doubled phrases, near spellings). Also: tagger (an edit tagger on the LM's states; not a default: its edits moved further from human post-edits as often as closer), posteditor and roundtrip (slow whole-sentence rewriters), seq2seq, endpoint (any model behind an OpenAI-compatible API: --endpoint, --endpoint-model), and any a plug-in adds. Named on the command line (comma-separated), each runs for every sentence.", metavar="NAME,...", changes=("suggestions",), signed="sources")
    grammar: str = setting("harper", "choice", "Grammar checker: harper (offline) or languagetool.", choices=("harper", "languagetool"), changes=("suggestions",))
    languagetool_url: str | None = setting(None, "string", "LanguageTool server URL; default: a local LanguageTool (needs Java; downloads on first use).", metavar="URL", changes=("suggestions",))
    seq2seq_model: str | None = setting(None, "string", "A Hugging Face encoder-decoder id or folder (T5, BART, Marian) for the seq2seq source.", metavar="NAME", changes=("suggestions",))
    seq2seq_prefix: str = setting("", "string", "Text put before each sentence for the seq2seq model, e.g. 'grammar: '.", changes=("suggestions",))
    min_similarity: float = setting(0.8, "number", "Drop rewrites whose meaning similarity to the original is below this (0-1).", changes=("suggestions",), signed="rerank")
    min_confidence: float = setting(0.2, "number", "Offer (and apply) only suggestions at least this confident (0-1; 0.2 was chosen on MLQE-PE's tune part).", changes=("suggestions",), signed="rerank")
    max_suggestions: int = setting(3, "count", "Suggestions offered per sentence.", changes=("suggestions",))
    endpoint: str | None = setting(None, "string", "The endpoint source's server: an OpenAI-compatible API (llama.cpp's server, Ollama, vLLM, TGI, a hosted service), e.g. http://127.0.0.1:8080/v1. The API key, if the server needs one, is read from $MTFIX_ENDPOINT_KEY, never from a config file.", metavar="URL", changes=("suggestions",))
    endpoint_model: str | None = setting(None, "string", "The model the endpoint serves (the endpoint lists its models at URL/models).", metavar="NAME", changes=("suggestions",))
    endpoint_candidates: int = setting(3, "count", "Answers asked of the endpoint for each flagged sentence (one request; a server that ignores `n` gives one).", changes=("suggestions",))
    endpoint_temperature: float = setting(0.7, "number", "Sampling temperature of the endpoint's answers (0-2).", high=2.0, changes=("suggestions",))
    endpoint_concurrency: int = setting(4, "count", "Requests to the endpoint at once.", changes=())
    endpoint_timeout: float = setting(60.0, "number", "Seconds to wait for one answer of the endpoint (then retried, up to 3 times).", low=1.0, high=3600.0, metavar="SECONDS", changes=())
    write_min_confidence: float = setting(WRITE_FLOOR, "number", "fix --write (no person deciding) applies a sentence's best suggestion only when it is at least this confident (0-1). The default is the top of the scale: no lower floor reached a precision of 0.8 against human post-edits (benchmarks/RESULTS.md); --diff and review show every offered suggestion.", changes=())
    backup: bool = setting(True, "bool", "When writing, keep each original as FILE.bak.", changes=())
    # where they came from
    overrides: tuple[Override, ...] = ()
    config_path: Path | None = None
    explicit: frozenset[str] = frozenset()  # set on the command line

    def __post_init__(self) -> None:
        for name, spec in SPECS.items():
            value = getattr(self, name)
            if value is None and default_of(name) is None:
                continue
            try:
                object.__setattr__(self, name, spec.parse(value))
            except SettingValueError as exc:
                raise ConfigError(f"{key_of(name)} {exc}") from None

    @classmethod
    def resolve(cls, config: dict[str, Any] | None = None, cli: dict[str, Any] | None = None,
                config_path: Path | None = None, overrides: tuple[Override, ...] = ()) -> "Settings":
        """Defaults, then CONFIG's values, then the command line's (None: not given)."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in (config or {}).items() if k in known}
        given = {k: v for k, v in (cli or {}).items() if v is not None and k in known}
        return cls(**{**values, **given}, overrides=overrides, config_path=config_path, explicit=frozenset(given))

    def for_path(self, path: str) -> "Settings":
        """The settings for PATH: matching overrides (the last one wins) below the command line."""
        relative = self.relative(path)
        changes: dict[str, Any] = {}
        for override in self.overrides:
            if override.matches(relative):
                changes.update({k: v for k, v in override.changes().items() if k not in self.explicit})
        return replace(self, **changes) if changes else self

    def override_for(self, path: str) -> Override | None:
        """The overrides matching PATH merged into one, key by key (a later one wins a key it
        sets, and leaves the others as the earlier ones set them): what `for_path` applies,
        so the gate and `mtfix config` read the same settings."""
        relative = self.relative(path)
        matching = [o for o in self.overrides if o.matches(relative)]
        if not matching:
            return None
        merged: dict[str, Any] = {}
        for override in matching:
            merged.update(override.changes())
        return Override(tuple(g for o in matching for g in o.paths), **merged)

    def relative(self, path: str) -> str:
        if self.config_path is None:
            return path
        try:  # as written (links not resolved), as the config file was found
            return Path(os.path.abspath(path)).relative_to(Path(os.path.abspath(self.config_path.parent))).as_posix()
        except (ValueError, OSError):
            return path

    @property
    def read(self) -> ReadOptions:
        return ReadOptions(include=self.include, exclude=self.exclude, field=self.field,
                           max_bytes=self.max_mb * 1024 * 1024, group_field=self.group_field,
                           source=self.source, source_field=self.source_field, source_lang=self.source_lang,
                           reader="lines" if self.source else None)


SPECS: dict[str, Spec] = {f.name: f.metadata["setting"] for f in fields(Settings) if "setting" in f.metadata}
_DEFAULTS: dict[str, Any] = {f.name: f.default for f in fields(Settings) if "setting" in f.metadata}


def results_key(settings: "Settings", result: str) -> str:
    """The values of every setting that changes RESULT ("analysis" or "suggestions"), as one
    string for a cache key: a new setting that changes it joins the key by its spec alone."""
    assert result in RESULTS, result
    return "|".join(f"{key_of(name)}={_key_value(getattr(settings, name))}" for name, spec in SPECS.items()
                    if result in spec.changes)


def signed_changes(settings: "Settings", results: tuple[str, ...]) -> dict[str, str]:
    """The settings that change any of RESULTS, that no step's signature entry shows, and that
    are not at their defaults, as signature entries (`backend=onnx-int8`): a figure made with
    them says so without any step remembering them."""
    out = {}
    for name, spec in SPECS.items():
        value = getattr(settings, name)
        if spec.signed or not spec.changes & set(results) or value == _DEFAULTS[name]:
            continue
        out[key_of(name)] = _key_value(value).replace("%", "%25").replace("|", "%7C")
    return out


def _key_value(value: Any) -> str:
    if isinstance(value, frozenset):
        return ",".join(sorted(value))
    if isinstance(value, tuple):  # in order: the order of the fix sources is theirs
        return ",".join(getattr(v, "pattern", v) for v in value)
    return str(value)


def key_of(name: str) -> str:
    """The config key of a Settings field: its name with dashes."""
    return name.replace("_", "-")


def default_of(name: str) -> Any:
    """The default value of Settings field NAME."""
    return _DEFAULTS[name]
