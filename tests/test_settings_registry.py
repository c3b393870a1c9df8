"""Settings in layers, the registries and their plug-ins, the signature (unit tier)."""

from __future__ import annotations

import json
import re
import sys
import textwrap

import pytest
from fakes import run_cli

from mtfix.config import load_config
from mtfix.settings import key_of
from mtfix.signature import Signature

GARBLED = "One of the following America Proposed summit Can according to Kremlin Take place in June."


def test_layers_defaults_config_overrides_command_line(tmp_path):
    (tmp_path / "mtfix.toml").write_text('threshold = 0.7\nmax-mb = 3\n[[overrides]]\npaths = ["legacy/*"]\n'
                                         'threshold = 0.9\nfail-above = 0.5\n', encoding="utf-8")
    config = load_config(tmp_path / "mtfix.toml")
    settings = config.settings({"batch_size": 8})
    assert (settings.threshold, settings.max_mb, settings.batch_size, settings.context) == (0.7, 3, 8, True)
    legacy = settings.for_path(str(tmp_path / "legacy" / "a.txt"))
    assert legacy.threshold == 0.9 and legacy.fail_above == 0.5
    assert settings.for_path(str(tmp_path / "new.txt")).threshold == 0.7
    cli_wins = config.settings({"threshold": 0.2}).for_path(str(tmp_path / "legacy" / "a.txt"))
    assert cli_wins.threshold == 0.2 and cli_wins.fail_above == 0.5


def test_scan_honours_the_config_file(cli, tmp_path):
    (tmp_path / "a.txt").write_text(f"Photo: Reuters staff here.\n\n{GARBLED}\n", encoding="utf-8")
    before = json.loads(cli("scan", "-q", "-f", "json", str(tmp_path)).stdout)
    assert [r["label"] for r in before["sentences"]] == ["ok", "garbled"]
    (tmp_path / "pyproject.toml").write_text('[tool.mtfix]\nignore = ["^Photo: "]\nthreshold = 0.9999\n'
                                              'allow = ["Proposed"]\n', encoding="utf-8")
    after = json.loads(cli("scan", "-q", "-f", "json", str(tmp_path)).stdout)
    assert after["sentences"][0]["suppressed"] and after["sentences"][1]["label"] == "ok"
    assert "threshold:0.9999" in after["signature"]
    assert all(s["text"] != "Proposed" for s in after["sentences"][1]["spans"])
    again = json.loads(cli("scan", "-q", "-f", "json", "--threshold", "0.5", str(tmp_path)).stdout)
    assert again["sentences"][1]["label"] == "garbled"  # the command line wins


def test_overrides_apply_to_scan_and_fix_too(cli, tmp_path):
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "a.txt").write_text(GARBLED + "\n", encoding="utf-8")
    (tmp_path / "mtfix.toml").write_text('[[overrides]]\npaths = ["legacy/*"]\nthreshold = 0.9999\n', encoding="utf-8")
    report = json.loads(cli("scan", "-q", "-f", "json", str(tmp_path)).stdout)
    assert report["sentences"][0]["label"] == "ok"
    fixed = json.loads(cli("fix", "-q", "-f", "json", "--sources", "grammar", str(tmp_path)).stdout)
    assert fixed["summary"]["flagged"] == 0


def test_signature_formats_and_parses_back():
    signature = Signature.of(lm="smollm2-135m", detector="1a2b", sources="tagger,grammar", threshold=0.5)
    text = str(signature)
    assert text.startswith("mtfix:") and "|threshold:0.5" in text
    assert Signature.parse(text) == signature and Signature.parse(text)["sources"] == "tagger,grammar"
    with pytest.raises(ValueError):
        Signature.of(lm="a|b")


PLUGIN = '''
from mtfix.reports.base import Reporter
from mtfix.readers.base import Reader
from mtfix.document import Document

class ShoutReporter(Reporter):
    name = "shout"
    commands = ("scan",)
    def document(self, document):
        for s in document.sentences:
            self.sink.write(s.label.upper() + ": " + s.text + "\\n")

class LengthFeatures:
    names = ("plugin_length",)
    def compute(self, view):
        return {"plugin_length": float(len(view.text))}

class CsvReader(Reader):
    name = "csv"
    suffixes = (".csv",)
    def documents(self, path, text, codec, bom, options):
        for number, line in enumerate(text.splitlines(), start=1):
            yield Document(path, line.split(",")[-1], codec, record=number)
'''


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    """A tiny third-party package, installed the way pip would (a dist-info with entry points)."""
    site = tmp_path / "site"
    (site / "mtfix_shout-0.1.dist-info").mkdir(parents=True)
    (site / "mtfix_shout.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    (site / "mtfix_shout-0.1.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: mtfix-shout\nVersion: 0.1\n")
    (site / "mtfix_shout-0.1.dist-info" / "entry_points.txt").write_text(
        "[mtfix.formats]\nshout = mtfix_shout:ShoutReporter\n\n[mtfix.readers]\ncsv = mtfix_shout:CsvReader\n\n"
        "[mtfix.features]\nlength = mtfix_shout:LengthFeatures\n")
    monkeypatch.syspath_prepend(str(site))
    yield site
    sys.modules.pop("mtfix_shout", None)


def test_a_plugin_adds_a_format_and_a_reader(cli, plugin, tmp_path):
    from mtfix.registry import FORMATS, READERS

    assert "shout" in FORMATS.names() and "csv" in READERS.names()
    (tmp_path / "rows.csv").write_text(f"1,A quiet day in town.\n2,{GARBLED}\n", encoding="utf-8")
    result = cli("scan", "-q", "-f", "shout", "--include", "*.csv", str(tmp_path))
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().splitlines() == ["OK: A quiet day in town.", f"GARBLED: {GARBLED}"]


def test_a_plugin_feature_family_is_computed(plugin):
    from fakes import FakeScorer

    from mtfix.features import compute_features, families, feature_names, sentence_view

    families.cache_clear()
    try:
        assert feature_names()[-1] == "plugin_length" and feature_names()[0] == "nll_mean"
        text = "A quiet day in town."
        view = sentence_view(text, FakeScorer().score([text])[0])
        assert compute_features(view, {"plugin_length"}) == {"plugin_length": float(len(text))}
    finally:
        families.cache_clear()


def test_library_api_checks_text(fake_checker):
    document = fake_checker.check_text(f"A quiet day in town.\n\n{GARBLED}")
    assert [s.label for s in document.sentences] == ["ok", "garbled"]
    [alone] = fake_checker.score_sentences([GARBLED])
    assert alone.label == "garbled" and alone.score > 0.5
    assert str(fake_checker.signature()).startswith("mtfix:")


# -- one declaration per setting -------------------------------------------------------------
def test_every_setting_is_a_config_key_and_an_option_with_its_spec():
    from mtfix.config import KEYS
    from mtfix.settings import SPECS, key_of

    assert set(KEYS.values()) == set(SPECS) and all(KEYS[key_of(name)] == name for name in SPECS)
    text = "".join(run_cli("fix", "--help").stdout.decode().split())  # help is wrapped: compare without spaces
    for name, spec in SPECS.items():
        if name in ("baseline", "fail_above", "fail_under", "ignore", "allow"):
            continue  # score's gate options, and the two that only a config file sets
        assert f"--{key_of(name)}" in text, name
        assert "".join(spec.help.split()) in text, name
    assert "--deviceauto|cpu|cuda" in text and "--grammarharper|languagetool" in text


@pytest.mark.parametrize("given, message", [
    ({"threshold": 3}, "threshold must be a number from 0 to 1, not 3"),
    ({"device": "gpu"}, "device must be one of auto, cpu, cuda, not 'gpu'"),
    ({"max_suggestions": 0}, "max-suggestions must be a whole number of at least 1, not 0"),
    ({"ignore": ["("]}, "ignore holds a bad regular expression '('"),
])
def test_the_library_checks_settings_as_the_config_does(given, message):
    import mtfix
    from mtfix.errors import ConfigError

    with pytest.raises(ConfigError, match=re.escape(message)):
        mtfix.load(**given)


def test_a_bad_option_value_names_the_option(cli, tmp_path):
    (tmp_path / "a.txt").write_text("A sentence.\n")
    result = cli("scan", "--device", "gpu", "a.txt", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.decode().strip() == "mtfix: error: --device must be one of auto, cpu, cuda, not 'gpu'"


def test_mtfix_config_shows_each_value_and_where_it_came_from(cli, tmp_path):
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "a.txt").write_text("A sentence.\n")
    (tmp_path / "mtfix.toml").write_text('allow = ["Peskov"]\n[[overrides]]\npaths = ["legacy/*"]\nthreshold = 0.8\n')
    result = cli("config", "legacy/a.txt", "-f", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    rows = {row["key"]: row for row in report["settings"]}
    assert report["config"].endswith("mtfix.toml")
    assert rows["threshold"]["value"] == 0.8 and rows["threshold"]["origin"].endswith("mtfix.toml (overrides[1])")
    assert rows["allow"] == {"key": "allow", "value": ["Peskov"], "origin": report["config"]}
    assert rows["model"]["origin"] == "default" and rows["sources"]["value"] == ["grammar", "lm"]
    text = cli("config", "legacy/a.txt", cwd=tmp_path).stdout.decode()
    assert text.startswith("# config: ") and re.search(r'^allow +\= \["Peskov"\] +# .*mtfix\.toml$', text, re.M)


def test_the_public_types_are_exported_and_labels_read_as_text():
    import mtfix

    for name in mtfix.__all__:
        assert getattr(mtfix, name) is not None, name
    document = mtfix.Document("a.txt", "Text.", "utf-8")
    assert isinstance(document, mtfix.Document) and mtfix.Label.GARBLED == "garbled"
    assert json.dumps({"label": mtfix.Label.DUPLICATE}) == '{"label": "duplicate"}' and f"{mtfix.Label.OK}" == "ok"


def test_mtfix_config_names_the_override_that_set_each_value(cli, tmp_path):
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "a.txt").write_text("A sentence.\n")
    (tmp_path / "mtfix.toml").write_text('[[overrides]]\npaths = ["legacy/*"]\nthreshold = 0.8\n'
                                         '[[overrides]]\npaths = ["*.txt"]\nfail-above = 0.1\n')
    rows = {r["key"]: r for r in json.loads(cli("config", "legacy/a.txt", "-f", "json", cwd=tmp_path).stdout)["settings"]}
    assert rows["threshold"]["origin"].endswith("(overrides[1])") and rows["threshold"]["value"] == 0.8
    assert rows["fail-above"]["origin"].endswith("(overrides[2])") and rows["fail-above"]["value"] == 0.1


def test_the_readme_lists_every_config_key():
    import re

    from mtfix.settings import SPECS, key_of

    from fakes import REPO

    readme = (REPO / "README.md").read_text()
    listed = re.search(r"Every setting is a key \(with dashes\): `([^`]+)`", readme).group(1).split()
    assert sorted(listed) == sorted(key_of(name) for name in SPECS)


def _another_value(name: str, spec, words: frozenset[str] = frozenset({"other"})):
    """A valid value of setting NAME other than its default."""
    from mtfix.settings import default_of

    if spec.kind == "choice":
        return next(c for c in spec.choices if c != default_of(name))
    if spec.kind == "bool":
        return not default_of(name)
    special = {"sources": ("lm", "grammar"), "checks": ("numbers",)}
    if name in special:
        return special[name]
    value = {"string": "other", "strings": ("other",), "number": 0.55, "count": 7, "patterns": ("^other",),
             "words": words}[spec.kind]
    return (spec.low + spec.high) / 2 if spec.kind == "number" and not spec.low <= value <= spec.high else value


def test_every_setting_that_changes_a_result_shows_in_the_signature():
    """A setting that changes results is in the signature when it is not at its default:
    in a step's entry when its spec names one (`signed`), else as its own `key:value`."""
    from fakes import stray_detector

    from mtfix.api import Checker
    from mtfix.settings import SPECS, Settings

    def signature(**changed) -> str:
        checker = Checker(Settings(**changed))
        checker.__dict__["detector"] = stray_detector()
        return str(checker.signature(fix=True))

    base = signature()
    for name, spec in SPECS.items():
        if name == "detector":
            continue  # its entry is the digest of the detector read, which this test sets
        value = _another_value(name, spec, words=frozenset({"a|b"}))  # a word with "|" in it is escaped
        changed = signature(**{name: value})
        assert (changed != base) == bool(spec.changes), name
        if spec.changes and not spec.signed:
            assert Signature.parse(changed)[key_of(name)], name  # its own entry, parseable ("|" escaped)


def test_every_setting_that_changes_a_result_is_in_that_results_cache_key():
    """Each setting says in its spec what it changes; the cache keys are made from that, so
    changing one changes exactly the keys of what it changes."""
    from fakes import StandInSource, stand_in_fix_step, stray_detector

    from mtfix.api import Checker
    from mtfix.settings import RESULTS, SPECS, Settings

    assert all(spec.changes <= set(RESULTS) for spec in SPECS.values())
    def keys(**changed) -> tuple[str, str]:
        checker = Checker(Settings(**changed))
        checker.__dict__["detector"] = stray_detector()
        fix = stand_in_fix_step([StandInSource()], **changed)
        return checker.detect.settings_key, fix.settings_key

    base = keys()
    for name, spec in SPECS.items():
        if name == "backend":
            continue  # a backend other than torch needs its extra; its value joins the model's part of the key
        analysis, suggestions = keys(**{name: _another_value(name, spec)})
        assert (analysis != base[0]) == ("analysis" in spec.changes), name
        assert (suggestions != base[1]) == ("suggestions" in spec.changes or "analysis" in spec.changes), name
