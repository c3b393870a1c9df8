"""mtfix inside other engines: a datatrove filter step (unit tier, the fake scorer, run by
datatrove's LocalPipelineExecutor) and Ray Data on a local 2-CPU cluster started in the test
(integration tier, the real model), compared with the single-process `score`."""

from __future__ import annotations

import json

import pytest

GARBLED = "One of the following America Proposed summit Can according to Kremlin Take place in June."
FLUENT = "The council approved the new budget on Tuesday after a long debate."


def test_datatrove_filter_keeps_drops_and_writes_metadata(tmp_path, monkeypatch):
    pytest.importorskip("datatrove")
    from datatrove.data import Document
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.writers import JsonlWriter
    from fakes import FakeScorer, stray_detector

    import mtfix.api
    from mtfix.integrations.datatrove import MTFixFilter

    monkeypatch.setattr(mtfix.api.Checker, "_make_scorer", lambda self: FakeScorer())
    monkeypatch.setattr(mtfix.api.Checker, "detector", property(lambda self: stray_detector()))
    documents = [Document(text=FLUENT, id="good"), Document(text=f"{FLUENT} {GARBLED}", id="bad"),
                 Document(text="", id="empty")]
    step = MTFixFilter(max_garbled_rate=0.2, exclusion_writer=JsonlWriter(str(tmp_path / "dropped"), compression=None),
                       batch_size=2, cache=False)
    kept = []

    def source(data, rank=0, world_size=1):
        yield from documents

    def sink(data, rank=0, world_size=1):
        for doc in data:
            kept.append(doc)
            yield doc

    LocalPipelineExecutor(pipeline=[source, step, sink], tasks=1, workers=1, logging_dir=str(tmp_path / "logs")).run()
    assert [d.id for d in kept] == ["good", "empty"]
    assert kept[0].metadata["mtfix"]["garbled"] == 0 and kept[0].metadata["mtfix"]["quality"] > 50
    dropped = [json.loads(line) for f in (tmp_path / "dropped").glob("*.jsonl") for line in f.read_text().splitlines()]
    assert [d["id"] for d in dropped] == ["bad"] and dropped[0]["metadata"]["filter_reason"] == "mtfix_garbled_rate"
    stats = json.loads(next((tmp_path / "logs" / "stats").glob("*.json")).read_text())
    assert any("dropped_mtfix_garbled_rate" in json.dumps(s) for s in stats)


@pytest.mark.model
def test_ray_scores_a_parquet_corpus_like_the_local_engine(tmp_path):
    pytest.importorskip("ray")
    import pyarrow as pa
    import pyarrow.parquet as pq
    from fakes import run_cli

    rows = {"id": ["a", "b", "c", "d", "e"],
            "text": [FLUENT, f"{FLUENT} {GARBLED}", None, "\x01\x02\x03\x04\x05\x06 binary \x07\x08", GARBLED]}
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pq.write_table(pa.table({k: v[:3] for k, v in rows.items()}), corpus / "part-0.parquet")
    pq.write_table(pa.table({k: v[3:] for k, v in rows.items()}), corpus / "part-1.parquet")
    shards = [str(p) for p in sorted(corpus.glob("*.parquet"))]
    local = run_cli("score", "-q", "-f", "json", *shards)
    assert local.returncode == 2  # two bad records are skipped with a note, as for JSONL
    local_report = json.loads(local.stdout)
    on_ray = run_cli("score", "-q", "-f", "json", "--engine", "ray", "--concurrency", "2", "--sentences",
                     "-o", str(tmp_path / "out"), *shards)
    assert on_ray.returncode == 2, on_ray.stderr.decode()  # the same exit code: bad records were counted
    ray_report = json.loads(on_ray.stdout)
    for key in ("sentences", "scored", "garbled", "quality", "mean_probability"):
        assert ray_report["summary"][key] == local_report["summary"][key], key
    expected = ["field 'text' holds binary garbage (control characters)", "field 'text' is null, not a string"]
    assert sorted(s["reason"] for s in ray_report["skipped"]) == expected
    assert sorted(s["reason"] for s in local_report["skipped"]) == expected  # one record adapter for both engines
    documents = pq.read_table(tmp_path / "out" / "documents").to_pylist()
    by_id = {d["id"]: d for d in documents}
    assert set(by_id) == {"a", "b", "c", "d", "e"} and by_id["c"]["error"] == "field 'text' is null, not a string"
    local_files = {f["path"]: f for f in local_report["files"]}
    assert by_id["e"]["garbled"] == 1 and by_id["a"]["garbled"] == 0
    assert sum(d["scored"] for d in documents) == sum(f["scored"] for f in local_files.values())
    sentences = pq.read_table(tmp_path / "out" / "sentences").to_pylist()
    assert {s["id"] for s in sentences} == {"a", "b", "e"} and all(s["end"] > s["start"] for s in sentences)
    # the gate and the reports see the same files and findings as on the local engine
    assert sorted(f["path"] for f in ray_report["files"]) == sorted(local_files)
    assert sorted(f["fingerprint"] for f in ray_report["findings"]) == \
        sorted(f["fingerprint"] for f in local_report["findings"])


@pytest.mark.model
def test_the_ray_engine_fails_its_gate_as_the_local_one_does(tmp_path):
    pytest.importorskip("ray")
    from fakes import run_cli

    corpus = tmp_path / "g.jsonl"
    corpus.write_text(json.dumps({"id": "g", "text": GARBLED}) + "\n", encoding="utf-8")
    for gate in (("--fail-above", "0.0"), ("--fail-under", "99")):
        local = run_cli("score", "-q", *gate, str(corpus))
        on_ray = run_cli("score", "-q", "--engine", "ray", "-o", str(tmp_path / "out"), *gate, str(corpus))
        assert local.returncode == on_ray.returncode == 1, (gate, on_ray.stdout.decode(), on_ray.stderr.decode())
        assert b"gate: FAILED" in on_ray.stdout, on_ray.stdout.decode()
