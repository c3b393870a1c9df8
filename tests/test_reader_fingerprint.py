"""The English reader, pinned (integration tier).

The default model is converted from GGUF by whatever `transformers`, `gguf` and `tokenizers`
the user's pip picked, and read by whatever `torch` they have. A dependency that changes what
the reader sees would silently move every P(garbled) and figure; here it fails a test instead.
Fixed sentences are read alone, and their P(garbled), quality and per-word surprisal are
compared with stored values (tests/data/reader_fingerprint.json, which also records the
package versions that made them).

Tolerances: 0.01 in P(garbled) and quality, 0.05 nats in a word's surprisal. A sentence scored
in another batch moves its token log-probabilities by up to about 2e-3 nats (the batching test
in test_lm_detection.py), so these bounds leave room for float noise across machines and BLAS
builds, and none for a converter or tokenizer that reads the text differently.

To store new values after a deliberate change of the reader:
    python tests/test_reader_fingerprint.py --write
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

STORED = Path(__file__).parent / "data" / "reader_fingerprint.json"
P_TOLERANCE = 0.01
SURPRISAL_TOLERANCE = 0.05

SENTENCES = [
    "One of the following America Proposed summit between US President Joe Biden And their Russian "
    "colleagues Vladimir Putin Can according to Kremlin Take place in June.",
    "A summit between US President Joe Biden and his Russian counterpart Vladimir Putin, proposed by "
    "America, could take place in June, according to the Kremlin.",
    "He planned to raise poignant issues. during their chat.",
    "The museum reopened on Tuesday after two years of renovation work.",
    "In the end of the meeting the both sides have agreed for continuing the negotiations.",
    "Prices rose 3.2% in March, the statistics office said — the fastest pace since 2008.",
    "“We will not accept this,” she told reporters in Brussels.",
    "There is nothing.",
]


def reading(checker) -> list[dict]:
    """Each sentence read alone: its P(garbled), quality and words' surprisal."""
    rows = []
    for text in SENTENCES:
        sentence = checker.score_sentences([text])[0]
        rows.append({"text": text, "score": round(sentence.score, 5), "quality": round(sentence.quality, 5),
                     "surprisal": [round(w.surprisal, 4) for w in sentence.words]})
    return rows


@pytest.mark.model
def test_the_reader_reads_the_fixed_sentences_as_stored(real_checker):
    stored = json.loads(STORED.read_text(encoding="utf-8"))
    made_with = stored["made_with"]
    for now, then in zip(reading(real_checker), stored["sentences"], strict=True):
        where = f"{now['text'][:40]!r} (stored with {made_with})"
        assert now["score"] == pytest.approx(then["score"], abs=P_TOLERANCE), where
        assert now["quality"] == pytest.approx(then["quality"], abs=P_TOLERANCE), where
        assert now["surprisal"] == pytest.approx(then["surprisal"], abs=SURPRISAL_TOLERANCE), where


@pytest.mark.model
def test_the_prepared_model_records_the_versions_that_made_it(real_checker):
    from mtfix.lm.provision import DEFAULT_MODEL, MARKER, installed_dir

    marker = json.loads((installed_dir(DEFAULT_MODEL) / MARKER).read_text())
    assert {"transformers", "gguf", "tokenizers", "torch", "mtfix"} <= set(marker["made_with"])


def _write() -> None:
    import mtfix
    from mtfix.lm.provision import DEFAULT_MODEL, MARKER, installed_dir

    checker = mtfix.load(device="cpu")
    rows = reading(checker)
    made_with = json.loads((installed_dir(DEFAULT_MODEL) / MARKER).read_text())["made_with"]
    STORED.parent.mkdir(exist_ok=True)
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]  # one sentence a line: diffs stay readable
    STORED.write_text('{"made_with": %s,\n "sentences": [\n  %s\n]}\n' % (json.dumps(made_with), ",\n  ".join(lines)),
                      encoding="utf-8")
    print(f"wrote {STORED} ({len(rows)} sentences, made with {made_with})")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/test_reader_fingerprint.py --write")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    _write()
