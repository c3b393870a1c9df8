import sqlite3
import threading

import pytest

from mtfix.cache import AnalysisCache
from mtfix.config import find_config, load_config
from mtfix.document import Document
from mtfix.errors import ConfigError
from mtfix.filters.suppress import SuppressionFilter
from mtfix.pipeline.segment import Segment as SentenceSplitter


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_pyproject_table_is_found_upward_and_parsed(tmp_path):
    write(tmp_path / "pyproject.toml", """
[project]
name = "x"
[tool.mtfix]
threshold = 0.7
exclude = ["drafts/*"]
ignore = ["^Photo: "]
allow = ["Peskov"]
fail-above = 0.1
[[tool.mtfix.overrides]]
paths = ["legacy/*"]
threshold = 0.9
fail-above = 0.5
""")
    nested = tmp_path / "docs" / "legacy"
    nested.mkdir(parents=True)
    found = find_config(nested)
    assert found == tmp_path / "pyproject.toml"
    config = load_config(found)
    assert config.threshold == 0.7 and config.fail_above == 0.1 and config.allow == {"Peskov"}
    assert list(config.exclude) == ["drafts/*"] and config.ignore[0].search("Photo: AP")
    override = config.override_for(str(tmp_path / "legacy" / "a.txt"))
    assert override is not None and override.threshold == 0.9
    assert config.override_for(str(tmp_path / "new" / "a.txt")) is None


def test_mtfix_toml_wins_over_pyproject_in_the_same_folder(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.mtfix]\nthreshold = 0.7\n")
    write(tmp_path / "mtfix.toml", "threshold = 0.6\n")
    assert load_config(find_config(tmp_path)).threshold == 0.6


@pytest.mark.parametrize("body, message", [
    ("threshold = 'high'\n", "threshold must be a number from 0 to 1"),
    ("threshold = 3\n", "threshold must be a number from 0 to 1"),
    ("colour = 1\n", "unknown key 'colour'"),
    ("ignore = ['(']\n", "bad regular expression"),
    ("[[overrides]]\nthreshold = 0.5\n", "needs 'paths'"),
    ("threshold = \n", "invalid TOML"),
])
def test_malformed_config_names_the_file_and_key(tmp_path, body, message):
    path = write(tmp_path / "mtfix.toml", body)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(path) in str(caught.value) and message in str(caught.value)


def test_inline_markers_and_ignore_patterns_suppress_sentences(tmp_path):
    import re

    text = ("Fine sentence one.\n\n<!-- mtfix: ignore -->\nThis One Is Ignored.\n\n"
            "Another fine sentence. mtfix: ignore\n\nPhoto: Reuters staff\n\nLast one here.")
    document = Document("a.md", text, "utf-8")
    SentenceSplitter().process(document)
    SuppressionFilter([re.compile("^Photo: ")]).process(document)
    suppressed = {s.text: s.reason for s in document.sentences if s.suppressed}
    assert suppressed["This One Is Ignored."] == "suppressed inline"
    assert suppressed["Photo: Reuters staff"] == "ignored by config"
    assert "Fine sentence one." not in suppressed and "Last one here." not in suppressed
    assert any("Another fine sentence" in t for t in suppressed)


def test_cache_round_trip_and_concurrent_writers(tmp_path):
    # Two writers, each with its own connection, as two mtfix runs sharing one cache file.
    path = tmp_path / "cache.sqlite"
    survived = []

    def fill(prefix):
        cache = AnalysisCache(path, "k1")
        for n in range(50):
            cache.put_many({f"{prefix}{n}": {"features": {"x": n}, "spans": []}})
        survived.append(cache.connection is not None)

    threads = [threading.Thread(target=fill, args=(p,)) for p in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert survived == [True, True]
    found = AnalysisCache(path, "k1").get_many(["a7", "b49", "missing"])
    assert found == {"a7": {"features": {"x": 7}, "spans": []}, "b49": {"features": {"x": 49}, "spans": []}}
    assert AnalysisCache(path, "other-settings").get_many(["a7"]) == {}


def test_corrupt_cache_is_rebuilt(tmp_path, capsys):
    path = tmp_path / "cache.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    cache = AnalysisCache(path, "k")
    cache.put_many({"t": {"features": {}, "spans": []}})
    assert cache.get_many(["t"]) == {"t": {"features": {}, "spans": []}}
    assert (tmp_path / "cache.sqlite.corrupt").exists()
    assert "starting a new one" in capsys.readouterr().err
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM analysis").fetchone()[0] == 1
